"""The whole pipeline on the five sample articles, as a fact-checker would judge it."""

from __future__ import annotations

import re
from functools import cache

import pytest

from claims.pipeline.checkworthiness import cascade, minilm
from claims.pipeline.checkworthiness.linear import load_scorer
from claims.pipeline.checkworthiness.scorer import Scorer
from claims.pipeline.extract import extract_claims
from claims.pipeline.text import document_from_text
from claims.pipeline.types import Claim
from factcheck.config import Config
from tests.paths import SAMPLE_ARTICLES

# The default FACTCHECK_CLAIM_THRESHOLD, whatever the environment running the tests sets.
THRESHOLD = Config.claim_threshold
# Each sample is read by the linear model (the default without the semantic extra) and by the
# cascade (the default with it).
SCORERS = ["linear", "cascade"]


@cache
def scorer_of(kind: str) -> Scorer:
    if kind == "linear":
        return load_scorer()
    strong = minilm.read_model(minilm.DEFAULT_MODEL_PATH, load_scorer(), precision="auto")
    return cascade.read_model(cascade.DEFAULT_MODEL_PATH, load_scorer(), strong)


@cache
def claims_of(prefix: str, kind: str = "linear") -> tuple[Claim, ...]:
    (path,) = SAMPLE_ARTICLES.glob(f"{prefix}_*.txt")
    document = document_from_text(path.read_text())
    return extract_claims(document, scorer_of(kind), THRESHOLD).claims


# (article, a few words of the claim, the speaker it must carry)
EXPECTED = [
    ("000", "denied on Wednesday", "Dmitry Peskov"),
    ("000", "Politico reported, citing", "Politico"),
    ("000", "within 24 hours", "Donald Trump"),
    ("000", "Reuters reported last month", "Reuters"),
    ("000", "Putin stated that Russia is prepared", "Vladimir Putin"),
    ("001", "false information", "Dmitry Peskov"),
    ("001", "put out feelers", "Bloomberg"),
    ("001", "would last five years", "Nikkei"),
    ("001", "open for negotiations", "Dmitry Peskov"),
    ("002", "offered to halt the war", "Financial Times"),
    ("002", "within 24 hours", "Donald Trump"),
    ("002", "would not cede any territory", "Volodymyr Zelensky"),
    ("003", "no chance that Russian President", "Dmitry Peskov"),
    ("003", "preserve the nature of this regime", "Sergey Lavrov"),
    ("004", "they continue through channels", "Dmitry Peskov"),
    ("004", "not provoked by us", "Dmitry Peskov"),
]


@pytest.mark.parametrize("kind", SCORERS)
@pytest.mark.parametrize(("article", "words", "speaker"), EXPECTED)
def test_a_check_worthy_statement_is_a_claim_with_its_speaker(
    article: str, words: str, speaker: str, kind: str
) -> None:
    matching = [c for c in claims_of(article, kind) if words in c.text]

    assert matching, f"no claim in {article} contains {words!r}"
    assert matching[0].speaker == speaker


BOILERPLATE = re.compile(
    r"support (us|the moscow times)|small favor to ask|remind me later|paiment|"
    r"post a comment|no comments|dear readers|commenting (system|policy)|"
    r"\bicon\b|bookmark|read more|podcasts|why it matters|what to know|"
    r"^\d{1,2}:\d{2}$|^[A-Z][a-z]{2} \d{1,2}, \d{4}$",
    re.IGNORECASE,
)


@pytest.mark.parametrize("kind", SCORERS)
@pytest.mark.parametrize("article", ["000", "001", "002", "003", "004"])
def test_no_boilerplate_becomes_a_claim(article: str, kind: str) -> None:
    claims = claims_of(article, kind)

    assert len(claims) >= 5
    for claim in claims:
        assert not BOILERPLATE.search(claim.text), claim.text
        assert len(claim.text.split()) >= 5


@pytest.mark.parametrize("article", ["000", "001", "002", "003", "004"])
def test_every_claim_points_at_its_place_in_the_clean_text(article: str) -> None:
    (path,) = SAMPLE_ARTICLES.glob(f"{article}_*.txt")
    text = document_from_text(path.read_text()).text

    for claim in claims_of(article):
        assert text[claim.start : claim.end] == claim.text
        assert claim.text in claim.context
        assert claim.reasons and claim.model_version
        assert claim.claim_type in {
            "quantity",
            "quote",
            "prediction",
            "comparison",
            "event",
            "statement",
        }
