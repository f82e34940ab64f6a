from __future__ import annotations

import pytest

from claims.pipeline.attribution import attribute
from claims.pipeline.claim_types import CLAIM_TYPES, claim_type
from claims.pipeline.sentences import split_sentences
from claims.pipeline.text import document_from_text
from claims.pipeline.types import Attribution
from tests.paths import SAMPLE_ARTICLES

QUOTED = Attribution("Dmitry Peskov", "quote", "said")
REPORTED = Attribution("Reuters", "reported", "reported")


@pytest.mark.parametrize(
    "sentence",
    [
        "Inflation rose to 3.5% in March.",
        "The package is worth $2bn over two years.",
        "He promised to fix the road within 24 hours.",
        "The project would take five years, the engineer said.",
        "The city sees record 12,000+ visitors.",
        "Thousands of people crossed the border on Sunday.",
    ],
)
def test_numbers_percentages_money_and_counts_are_quantities(sentence: str) -> None:
    assert claim_type(sentence, None) == "quantity"


@pytest.mark.parametrize(
    "sentence",
    [
        "The summit was held on June 23, 2025 in Alaska.",
        "The 45th mayor spoke in 2022 about the 1990s.",
        "The spokesman spoke at 09:04 on Friday.",
        "Both leaders held talks on our two presidents' plans.",
    ],
)
def test_years_dates_times_ordinals_and_bare_number_words_are_not_quantities(
    sentence: str,
) -> None:
    assert claim_type(sentence, None) != "quantity"


def test_a_direct_quotation_is_a_quote() -> None:
    sentence = "“That report is false and completely untrue,” the spokesman told reporters."
    assert claim_type(sentence, QUOTED) == "quote"
    # A long quotation is a quote even when the attribution was not found.
    assert claim_type(sentence, None) == "quote"


def test_a_borrowed_phrase_in_quotation_marks_is_not_a_quote() -> None:
    sentence = "Supporters back the “clean streets” campaign."
    assert claim_type(sentence, None) == "statement"


@pytest.mark.parametrize(
    "sentence",
    [
        "Negotiations are set to resume in Geneva next week.",
        "The ministry plans to open a new office.",
        "The minister will not attend the summit.",
        "Tenants would not be required to pay the fee.",
        "Prices are expected to fall.",
    ],
)
def test_will_would_and_plans_are_predictions(sentence: str) -> None:
    assert claim_type(sentence, None) == "prediction"


@pytest.mark.parametrize(
    "sentence",
    [
        "It is the first time the council has approved a budget on schedule.",
        "Exports were higher than last year.",
        "This is the highest level since the war began.",
        "The army recruited a record number of soldiers.",
    ],
)
def test_more_than_highest_record_and_first_time_are_comparisons(sentence: str) -> None:
    assert claim_type(sentence, None) == "comparison"


@pytest.mark.parametrize(
    "sentence",
    [
        "Troops have taken control of the bridge.",
        "The board later rejected the offer.",
        "The two leaders held talks in Oslo last month.",
        "The launch was aborted by engineers.",
    ],
)
def test_things_that_happened_are_events(sentence: str) -> None:
    assert claim_type(sentence, None) == "event"


@pytest.mark.parametrize(
    "sentence",
    [
        "The union says the offer is unfair.",
        "Analysts warn that the recovery remains fragile.",
        "The spokeswoman reiterated the company's stance.",
    ],
)
def test_positions_and_speech_alone_are_statements(sentence: str) -> None:
    assert claim_type(sentence, None) == "statement"


def test_a_quoted_figure_is_a_quantity_first() -> None:
    sentence = "“We lost 5,000 soldiers,” he said."
    assert claim_type(sentence, QUOTED) == "quantity"


def test_a_quoted_forecast_is_a_quote_before_a_prediction() -> None:
    sentence = "“The work will go on until the job is done,” the minister said."
    assert claim_type(sentence, QUOTED) == "quote"


def test_a_reported_forecast_is_a_prediction_before_an_event() -> None:
    sentence = "The town would reportedly receive new funding next year."
    assert claim_type(sentence, REPORTED) == "prediction"


def test_a_comparison_of_events_is_a_comparison() -> None:
    sentence = "The river has risen further than it did in any earlier flood."
    assert claim_type(sentence, None) == "comparison"


def test_every_sentence_of_the_samples_gets_a_known_type() -> None:
    counts = dict.fromkeys(CLAIM_TYPES, 0)
    for path in sorted(SAMPLE_ARTICLES.glob("*.txt")):
        text = document_from_text(path.read_text(encoding="utf-8")).text
        sentences = split_sentences(text)
        for sentence, who in zip(sentences, attribute(text, sentences), strict=True):
            counts[claim_type(sentence.text, who)] += 1
    # The samples are talks coverage: many quotes and forecasts, some of every other kind.
    assert all(counts.values()), counts
    assert counts["quote"] >= 20
