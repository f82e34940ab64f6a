"""GET search/?q=: "has this been checked?", best match first, published only."""

from __future__ import annotations

import pytest

from reviews.selectors import fact_checks_published_search
from reviews.similar import fact_checks_similar
from tests.api import helpers as h

pytestmark = pytest.mark.django_db


def test_the_closest_fact_check_comes_first_with_a_score() -> None:
    budget = h.published("The city budget grew by 12 percent last year.")
    h.published("Unemployment in Riverton fell to 3 percent.")
    roads = h.published("Spending on roads doubled since 2019.")
    h.queued("The city budget for roads grew by 12 percent, said the mayor.")

    response = h.client("search").get(
        "/api/v1/search/", {"q": "Did the city's budget really grow 12 percent?"}
    )

    assert response.status_code == 200
    results = response.json()["results"]
    assert results[0]["fact_check"]["id"] == budget.pk
    assert [r["score"] for r in results] == sorted((r["score"] for r in results), reverse=True)
    assert results[0]["score"] > 0
    assert roads.pk not in [r["fact_check"]["id"] for r in results[:1]]
    assert "said the mayor" not in response.content.decode()


def test_another_wording_of_a_checked_claim_finds_it() -> None:
    item = h.published("Unemployment fell to 3 percent.")
    assert fact_checks_published_search(text="joblessness lowest in decades", limit=5) == []
    # The search entry is rewritten when a wording joins the cluster (and on correction).
    h.appear_again(item, "Joblessness dropped to its lowest level in decades.")
    hits = fact_checks_published_search(text="joblessness lowest in decades", limit=5)
    assert [hit.fact_check.id for hit in hits] == [item.pk]
    h.correct(item)
    hits = fact_checks_published_search(text="joblessness lowest in decades", limit=5)
    assert [hit.fact_check.id for hit in hits] == [item.pk]


def test_nothing_matching_is_an_empty_list() -> None:
    h.published("Unemployment fell to 3 percent.")
    response = h.client("search").get("/api/v1/search/", {"q": "volcanoes"})
    assert response.status_code == 200 and response.json()["results"] == []


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"q": ""},
        {"q": "   "},
        {"q": "x", "limit": "0"},
        {"q": "x", "limit": "many"},
        {"q": "a\x00b"},
    ],
)
def test_a_missing_or_bad_query_is_400(query: dict) -> None:
    response = h.client("search").get("/api/v1/search/", query)
    assert response.status_code == 400 and response.json()


def test_punctuation_and_operators_are_plain_words() -> None:
    item = h.published("Crime fell by half.")
    for text in ["crime & | ! :* ( )", "'crime'", "crime\\", "<-> crime"]:
        response = h.client("search").get("/api/v1/search/", {"q": text})
        assert response.status_code == 200
    assert response.json()["results"][0]["fact_check"]["id"] == item.pk


def test_a_query_with_no_words_finds_nothing_instead_of_failing() -> None:
    h.published("Crime fell by half.")
    for text in ["''", "'", "!!", "-"]:
        response = h.client("search").get("/api/v1/search/", {"q": text})
        assert response.status_code == 200 and response.json()["results"] == []
    listing = h.client("read").get("/api/v1/fact-checks/", {"q": "''"})
    assert listing.status_code == 200 and listing.json()["results"] == []


def test_the_claim_matcher_finds_a_rewording_but_only_published_leave() -> None:
    published = h.published("The city's unemployment rate fell to 3 percent last year.")
    h.queued("The city's unemployment rate fell to 3 percent in the last year.")
    hits = fact_checks_published_search(
        text="Unemployment in the city fell to 3 percent last year", limit=5
    )
    assert [hit.fact_check.id for hit in hits] == [published.pk]
    assert 0 < hits[0].score <= 1
    # The ranking came from the matcher, not from the full-text fallback.
    similar = fact_checks_similar(text="Unemployment in the city fell to 3 percent last year")
    assert [(s.id, s.score) for s in similar if not s.external][:1] == [
        (published.pk, hits[0].score)
    ]


def test_a_text_unlike_every_fact_check_finds_nothing() -> None:
    h.published("The city's unemployment rate fell to 3 percent last year.")
    response = h.client("search").get(
        "/api/v1/search/", {"q": "Rents in the city rose sharply over the winter"}
    )
    assert response.status_code == 200 and response.json()["results"] == []


def test_a_claim_repeated_thousands_of_times_keeps_a_bounded_search_entry(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from reviews.models import FactCheckSearch
    from reviews.services import search

    monkeypatch.setattr(search, "MAX_DOCUMENT_CHARS", 60)
    item = h.published("Unemployment fell to 3 percent.")
    for n in range(5):
        h.appear_again(item, f"Joblessness dropped to its lowest level, report {n}.")

    entry = FactCheckSearch.objects.get(pk=item.pk)

    assert len(entry.document) == 60 and entry.document.startswith("Unemployment fell")
