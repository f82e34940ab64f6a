"""The learned ranker gives a speaker where the rules find none, and only a name."""

from __future__ import annotations

from pathlib import Path

import pytest

from claims.pipeline.attribution import attribute, read_rules
from claims.pipeline.attribution.ranker import (
    DEFAULT_MODEL_PATH,
    INFERRED,
    candidates,
    load_ranker,
    read_model,
)
from claims.pipeline.checkworthiness.scorer import ModelLoadError
from claims.pipeline.sentences import split_sentences
from claims.pipeline.types import Attribution


def _speakers(text: str, **options: object) -> list[Attribution | None]:
    # The linear ranker itself, whether or not the MiniLM scorer would stand in for it.
    options.setdefault("ranker", load_ranker())
    return attribute(text, split_sentences(text), **options)  # type: ignore[arg-type]


def test_a_report_by_a_body_with_a_verb_the_rules_do_not_read_gets_its_speaker() -> None:
    text = (
        "The Coastal Policy Institute released figures on Tuesday. "
        "The Coastal Policy Institute reckons that the harbor lost 2,000 jobs last year."
    )

    with_ranker, rules = _speakers(text), _speakers(text, ranker=None)

    assert rules[1] is None
    assert with_ranker[1] is not None
    assert with_ranker[1].speaker == "Coastal Policy Institute"
    assert with_ranker[1].kind == INFERRED and with_ranker[1].cue == ""


def test_the_rules_speaker_stands_where_the_rules_found_one() -> None:
    text = "Mayor Ann Ward said the port would reopen in May. Tom Baker runs the port."

    assert [a.speaker if a else "" for a in _speakers(text)][:1] == ["Ann Ward"]


@pytest.mark.parametrize(
    "text",
    [
        "Western officials warn that the port could close by June.",
        "The bill passed 51 to 49 on Tuesday, and the harbor reopened in May.",
    ],
)
def test_adjectives_and_the_writers_own_words_get_no_speaker(text: str) -> None:
    assert _speakers(text) == [None]


def test_the_shipped_ranker_loads_with_its_threshold() -> None:
    model = read_model(DEFAULT_MODEL_PATH)

    assert 0 < model.threshold < 1
    assert model.version.startswith("attribution-ranker-")
    assert model.weights


def test_an_unreadable_ranker_leaves_the_rules_alone(tmp_path: Path) -> None:
    broken = tmp_path / "ranker.npz"
    broken.write_bytes(b"not a zip file")
    broken.with_suffix(".json").write_text('{"format": "attribution-ranker-v1"}')

    with pytest.raises(ModelLoadError, match="unreadable"):
        read_model(broken)
    assert load_ranker(broken) is None
    assert load_ranker(tmp_path / "missing.npz") is None


def test_a_pronouns_contraction_opening_a_sentence_is_no_candidate() -> None:
    text = "Mayor Ann Ward opened the session. She's ready. It’s late, We’ll see."
    sentences = split_sentences(text)

    names = {c.name for c in candidates(read_rules(text, sentences))}

    assert "Ann Ward" in names
    assert names.isdisjoint({"She's", "It’s", "We’ll"})


def test_a_group_that_a_name_describes_is_a_candidate_of_its_own() -> None:
    text = (
        "Ann Ward leads the race. "
        "Some Republican leaders in the state have taken to saying the port must close. "
        "Many Democratic primary voters back her."
    )
    sentences = split_sentences(text)

    found = {(c.sentence, c.name) for c in candidates(read_rules(text, sentences))}

    assert (1, "Republican leaders") in found
    assert (2, "Democratic primary voters") in found


def test_a_name_that_only_modifies_a_noun_naming_no_one_is_no_candidate() -> None:
    text = "Harbor media outlets have reported that Ann Ward may close the port."
    sentences = split_sentences(text)

    names = {c.name for c in candidates(read_rules(text, sentences))}

    assert "Harbor" not in names
    assert "Ann Ward" in names
