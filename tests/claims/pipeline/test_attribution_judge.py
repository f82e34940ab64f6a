"""The judge decides whether a sentence the rules leave without a speaker is someone's
statement, and so whether the ranker's best candidate speaks."""

from __future__ import annotations

from claims.pipeline.attribution import attribute
from claims.pipeline.attribution.neural import DEFAULT_MODEL_PATH as NEURAL_MODEL_PATH
from claims.pipeline.attribution.neural import linear_path
from claims.pipeline.attribution.ranker import DEFAULT_MODEL_PATH, RankerModel, read_model
from claims.pipeline.sentences import split_sentences


def _speaker(text: str, ranker: RankerModel, index: int = -1) -> str:
    found = attribute(text, split_sentences(text), ranker=ranker)[index]
    return found.speaker if found else ""


def _without_judge(model: RankerModel) -> RankerModel:
    return RankerModel(model.weights, model.bias, model.threshold, model.version)


def test_the_best_candidate_speaks_under_its_cut_where_the_sentence_reads_as_reported() -> None:
    shipped = read_model(DEFAULT_MODEL_PATH)
    text = "Ann Ward is pushing the idea that fares should fall by half."

    assert _speaker(text, _without_judge(shipped)) == ""
    assert _speaker(text, shipped) == "Ann Ward"


def test_a_deed_the_article_reports_itself_gets_no_speaker_even_when_its_name_scores_well() -> None:
    shipped = read_model(DEFAULT_MODEL_PATH)
    text = (
        "Mayor Ann Ward spoke to the council on Monday. "
        "The harbor will need money to reopen, she warned the members."
    )

    assert _speaker(text, _without_judge(shipped), 0) == "Ann Ward"
    assert _speaker(text, shipped, 0) == ""


def test_a_hope_is_no_statement_even_when_its_subject_scores_well() -> None:
    shipped = read_model(DEFAULT_MODEL_PATH)
    text = "Ann Ward is hopeful that fares will fall by half."

    assert _speaker(text, _without_judge(shipped)) == "Ann Ward"
    assert _speaker(text, shipped) == ""


def test_the_shipped_ranker_carries_its_judge_and_one_saved_without_it_reads_as_before() -> None:
    shipped = read_model(DEFAULT_MODEL_PATH)
    # The MiniLM scorer's own linear ranker was trained before the judge existed.
    older = read_model(linear_path(NEURAL_MODEL_PATH))

    assert shipped.judge is not None and 0 < shipped.judge.threshold < 1
    assert shipped.judge.weights
    assert older.judge is None
