from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from claims.pipeline.checkworthiness.artefacts import metadata_path
from claims.pipeline.checkworthiness.features import (
    CHAR_NGRAMS,
    CUE_NAMES,
    N_FEATURES,
    batch_features,
    ngram_bucket,
)
from claims.pipeline.checkworthiness.known import Kept, KnownScores
from claims.pipeline.checkworthiness.linear import DEFAULT_MODEL_PATH, load_scorer, read_model
from claims.pipeline.checkworthiness.scorer import (
    EMPTY_REASON,
    MAX_CHARS,
    TRUNCATED_REASON,
    ModelLoadError,
    Scorer,
)
from claims.pipeline.types import Score

CLAIM = "Unemployment fell to 3.5 percent last year, the lowest since 1969."
PLEASANTRY = "Thank you all for being here tonight."


@pytest.fixture(scope="module")
def scorer() -> Scorer:
    return load_scorer()


def test_shipped_model_loads_with_version_and_threshold() -> None:
    model = load_scorer()
    assert model.version.startswith("cw-linear-")
    assert 0.05 <= model.threshold <= 0.95
    assert load_scorer() is model  # cached: one load per process


def test_statistical_claim_scores_above_pleasantry(scorer: Scorer) -> None:
    claim, pleasantry = scorer.score([CLAIM, PLEASANTRY])
    assert claim.probability > 0.5 > pleasantry.probability
    assert claim.probability > pleasantry.probability + 0.3


def test_reasons_name_the_cues_and_words_that_raised_the_score(scorer: Scorer) -> None:
    (claim,) = scorer.score([CLAIM])
    assert "contains a number" in claim.reasons
    assert any(r.startswith(("word '", "phrase '")) for r in claim.reasons)


def test_empty_and_blank_sentences_score_zero_with_a_reason(scorer: Scorer) -> None:
    for score in scorer.score(["", "   \n\t"]):
        assert score.probability == 0.0
        assert score.reasons == (EMPTY_REASON,)


def test_huge_sentence_is_truncated_and_scored(scorer: Scorer) -> None:
    (score,) = scorer.score(["The deficit grew by 40 percent. " * 3200])  # ~100,000 characters
    assert 0.0 <= score.probability <= 1.0
    assert TRUNCATED_REASON in score.reasons
    assert str(MAX_CHARS) in TRUNCATED_REASON


@pytest.mark.parametrize(
    "text",
    [
        "Le chômage a baissé de 3,5 % l'an dernier.",
        "失业率去年下降到百分之三点五。",
        "Безработица снизилась.",
        "🙂🙂🙂",
        "bad \ud800 surrogate",
        "\x00\x01",
    ],
)
def test_unusual_text_gets_a_probability(scorer: Scorer, text: str) -> None:
    (score,) = scorer.score([text])
    assert 0.0 <= score.probability <= 1.0


def test_scores_keep_input_order_and_length(scorer: Scorer) -> None:
    texts = [PLEASANTRY, "", CLAIM]
    scores = scorer.score(texts)
    assert len(scores) == 3
    assert scores[2].probability == scorer.score([CLAIM])[0].probability
    assert scorer.score([]) == []


def test_ngram_buckets_are_the_same_in_every_process() -> None:
    # Pinned values: a salted or platform-dependent hash would move them, and then every
    # shipped model would silently read the wrong weights.
    assert ngram_bucket("percent") == 244413
    assert ngram_bucket("lowest since") == 459968
    assert ngram_bucket("ünïcode") == 967342
    assert ngram_bucket("Percent") == ngram_bucket("percent")


def test_features_hold_the_same_ngrams_as_scikit_learns_analyzers() -> None:
    from sklearn.feature_extraction.text import HashingVectorizer

    words = HashingVectorizer(ngram_range=(1, 2)).build_analyzer()
    chars = HashingVectorizer(analyzer="char_wb", ngram_range=CHAR_NGRAMS).build_analyzer()
    texts = [CLAIM, "a", "Ça  va,\tbien?", "🙂🙂 x"]
    batch = batch_features(texts)
    for row, text in enumerate(texts):
        in_row = batch.row == row
        word_columns = in_row & (batch.column < N_FEATURES)
        assert batch.count[word_columns].sum() == len(words(text))
        assert batch.count[in_row & ~word_columns].sum() == len(chars(text))
    claim_words = batch.column[(batch.row == 0) & (batch.column < N_FEATURES)]
    assert {ngram_bucket("percent"), ngram_bucket("lowest since")} <= set(claim_words)


def test_a_sentence_scores_the_same_alone_and_in_a_batch(scorer: Scorer) -> None:
    texts = [PLEASANTRY, CLAIM, "Taxes rose 5 percent in 2019, the most in a decade."] * 300
    together = scorer.score(texts)  # more than one numpy batch
    for text, score in zip(texts[:3], together[-3:], strict=True):
        assert scorer.score([text]) == [score]


def test_explain_from_gives_reasons_only_from_that_probability_up(scorer: Scorer) -> None:
    claim, pleasantry = scorer.score([CLAIM, PLEASANTRY], explain_from=0.5)
    assert claim.reasons == scorer.score([CLAIM])[0].reasons
    assert pleasantry.reasons == ()
    assert pleasantry.probability == scorer.score([PLEASANTRY])[0].probability


def test_every_sentence_has_a_reason(scorer: Scorer) -> None:
    texts = ["Yes.", "Well, you know, that is how it goes and always went.", CLAIM, "🙂🙂🙂"]
    assert all(score.reasons for score in scorer.score(texts))


def _copy_model(tmp_path: Path) -> Path:
    target = tmp_path / "model.npz"
    shutil.copyfile(DEFAULT_MODEL_PATH, target)
    shutil.copyfile(metadata_path(DEFAULT_MODEL_PATH), metadata_path(target))
    return target


def test_missing_model_file_raises_error_naming_it(tmp_path: Path) -> None:
    missing = tmp_path / "nothing.npz"
    with pytest.raises(ModelLoadError, match="nothing"):
        load_scorer(missing)


def test_corrupt_model_file_raises_error_naming_it(tmp_path: Path) -> None:
    path = _copy_model(tmp_path)
    path.write_bytes(b"not a zip archive at all")
    with pytest.raises(ModelLoadError, match=str(path)):
        read_model(path)
    assert issubclass(ModelLoadError, RuntimeError)


def test_truncated_model_file_raises_model_load_error(tmp_path: Path) -> None:
    path = _copy_model(tmp_path)
    path.write_bytes(DEFAULT_MODEL_PATH.read_bytes()[:5000])
    with pytest.raises(ModelLoadError, match=str(path)):
        read_model(path)


def test_corrupt_metadata_raises_model_load_error(tmp_path: Path) -> None:
    path = _copy_model(tmp_path)
    metadata_path(path).write_text("{not json", encoding="utf-8")
    with pytest.raises(ModelLoadError, match="model.json|model.npz"):
        read_model(path)


def test_model_of_the_older_hashing_is_refused(tmp_path: Path) -> None:
    path = _copy_model(tmp_path)
    metadata = json.loads(metadata_path(path).read_text(encoding="utf-8"))
    metadata["format"] = "checkworthiness-linear/1"
    metadata_path(path).write_text(json.dumps(metadata), encoding="utf-8")
    with pytest.raises(ModelLoadError, match="checkworthiness-linear/2"):
        read_model(path)


def test_model_trained_with_other_cues_is_refused(tmp_path: Path) -> None:
    path = _copy_model(tmp_path)
    metadata = json.loads(metadata_path(path).read_text(encoding="utf-8"))
    metadata["cues"] = metadata["cues"][:-1]
    metadata_path(path).write_text(json.dumps(metadata), encoding="utf-8")
    with pytest.raises(ModelLoadError, match="retrain"):
        read_model(path)


@pytest.mark.parametrize(
    ("text", "cue", "present"),
    [
        ("The senator said no.", "attribution verb", True),
        ("Said Jones, the mayor.", "attribution verb", False),  # capitalised: likely a name
        ("It rose 5 percent.", "percentage", True),
        ("It rose 5%.", "percentage", True),
        ("Percentages matter.", "percentage", False),
        ("We are going to win.", "hedge or prediction", True),
        ("Going home, to bed.", "hedge or prediction", False),
        ("It cost $5.", "money or large amount", True),
        ("It was the biggest ever.", "comparison", True),
        ("Back in 1969 it was.", "mentions a year", True),
        ("Back in 19690 it was.", "mentions a year", False),
        ("Is that so?", "question", True),
    ],
)
def test_cues_fire_on_the_words_they_name(text: str, cue: str, present: bool) -> None:
    (row,) = batch_features([PLEASANTRY, text]).cues[1:]
    assert bool(row[CUE_NAMES.index(cue)]) is present


class _Reading:
    """The shipped scorer, noting every text it is asked to read."""

    def __init__(self, scorer: Scorer) -> None:
        self.scorer, self.read = scorer, []

    @property
    def version(self) -> str:
        return self.scorer.version

    def score(self, texts, *, explain_from=None):  # type: ignore[no-untyped-def]
        self.read += texts
        return self.scorer.score(texts, explain_from=explain_from)


def test_sentences_scored_before_keep_their_score_and_only_the_others_are_read(
    scorer: Scorer,
) -> None:
    stored = Score(probability=0.91, reasons=("a figure",))
    asked = []

    def known(texts):  # type: ignore[no-untyped-def]
        asked.append(list(texts))
        return {CLAIM: Kept(stored, explained=True)}

    reading = _Reading(scorer)
    scores = KnownScores(reading, known).score(
        [CLAIM, PLEASANTRY, CLAIM, "  ", PLEASANTRY], explain_from=0.3
    )

    assert asked == [[CLAIM, PLEASANTRY]]
    assert reading.read == [PLEASANTRY, "  "]
    assert scores[0] == scores[2] == stored
    assert scores[1] == scores[4] == scorer.score([PLEASANTRY], explain_from=0.3)[0]
    assert scores[3].probability == 0.0


def test_a_scorer_with_nothing_stored_reads_every_sentence_once(scorer: Scorer) -> None:
    reading = _Reading(scorer)

    scores = KnownScores(reading, lambda texts: {}).score([CLAIM, CLAIM, PLEASANTRY])

    assert reading.read == [CLAIM, PLEASANTRY]
    assert scores == [*scorer.score([CLAIM, CLAIM]), *scorer.score([PLEASANTRY])]


def test_what_the_scorer_reads_is_kept_and_a_score_kept_unexplained_is_read_for_its_reasons(
    scorer: Scorer,
) -> None:
    unexplained = Kept(Score(probability=0.6, reasons=()), explained=False)
    kept: list[dict[str, Kept]] = []
    reading = _Reading(scorer)

    scores = KnownScores(reading, lambda texts: {CLAIM: unexplained}, kept.append).score(
        [CLAIM, PLEASANTRY], explain_from=0.3
    )

    assert reading.read == [CLAIM, PLEASANTRY]
    assert scores == scorer.score([CLAIM, PLEASANTRY], explain_from=0.3)
    assert kept == [
        {
            CLAIM: Kept(scores[0], scores[0].probability >= 0.3),
            PLEASANTRY: Kept(scores[1], scores[1].probability >= 0.3),
        }
    ]
    # Under the threshold the reasons are not wanted: the kept probability is enough.
    reading.read.clear()
    again = KnownScores(reading, lambda texts: {CLAIM: unexplained}).score(
        [CLAIM], explain_from=0.7
    )
    assert reading.read == [] and again == [unexplained.score]
