"""Feeds of published fact-checks (RSS, Atom, JSON Feed) and the API's schema and docs."""

from __future__ import annotations

import datetime

import feedparser
import pytest
from django.test import Client

from reviews.models import Verdict
from tests.api import helpers as h

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/feeds/fact-checks.rss", "/feeds/fact-checks.atom"])
def test_rss_and_atom_list_published_fact_checks_newest_first(path: str) -> None:
    old = h.published("Crime fell by half.", rating="false")
    new = h.published("Rents rose 40 percent.", rating="true")
    h.correct(old, note="The fall was a third.")

    response = Client().get(path)
    parsed = feedparser.parse(response.content)

    assert response.status_code == 200 and not parsed.bozo
    assert [e.title for e in parsed.entries] == [
        "Mostly false: Crime fell by half.",
        "True: Rents rose 40 percent.",
    ]
    assert parsed.entries[0].link.endswith(f"/fact-checks/{old.pk}/")
    assert Client().get(parsed.entries[0].link).status_code == 200  # readers need no token
    assert "The fall was a third." in parsed.entries[0].summary
    assert str(new.pk) in parsed.entries[1].link


@pytest.mark.parametrize("path", ["/feeds/fact-checks.rss", "/feeds/fact-checks.atom"])
def test_a_control_character_in_one_fact_check_does_not_break_the_feed(path: str) -> None:
    # A vertical tab, as word processors paste line breaks.
    h.published("Crime fell\x0bby half.")
    h.correct(h.published("Rents rose 40 percent."), note="Rents rose\x0b 30 percent.")

    response = Client(raise_request_exception=False).get(path)
    parsed = feedparser.parse(response.content)

    assert response.status_code == 200 and not parsed.bozo
    assert [e.title for e in parsed.entries] == [
        "Mostly false: Rents rose 40 percent.",
        "False: Crime fell by half.",
    ]


def test_the_json_feed_carries_each_claimreview() -> None:
    item = h.published("Crime fell by half.", speaker="Mayor Smith")
    response = Client().get("/feeds/fact-checks.json")
    feed = response.json()

    assert response["Content-Type"] == "application/feed+json"
    assert feed["version"] == "https://jsonfeed.org/version/1.1"
    assert feed["feed_url"].endswith("/feeds/fact-checks.json")
    (entry,) = feed["items"]
    assert entry["id"].endswith(f"/fact-checks/{item.pk}/") and "/api/" not in entry["id"]
    assert entry["title"] == "False: Crime fell by half."
    assert entry["_claim_review"]["@type"] == "ClaimReview"
    assert entry["_claim_review"]["itemReviewed"]["author"]["name"] == "Mayor Smith"


def test_the_feeds_date_each_fact_check_to_the_second() -> None:
    item = h.published("Crime fell by half.")
    Verdict.objects.filter(review_item=item).update(
        published_at=datetime.datetime(2026, 3, 4, 10, 20, 30, 123456, tzinfo=datetime.UTC)
    )

    (entry,) = Client().get("/feeds/fact-checks.json").json()["items"]
    atom = Client().get("/feeds/fact-checks.atom").content.decode()

    assert entry["date_published"] == entry["date_modified"] == "2026-03-04T10:20:30+00:00"
    assert entry["_claim_review"]["datePublished"] == "2026-03-04T10:20:30+00:00"
    assert "<published>2026-03-04T10:20:30+00:00</published>" in atom
    assert "<updated>2026-03-04T10:20:30+00:00</updated>" in atom
    assert ".123456" not in atom


def test_the_schema_is_openapi_3_and_names_every_endpoint() -> None:
    response = Client().get("/api/v1/schema/?format=json")
    schema = response.json()
    assert response.status_code == 200 and schema["openapi"].startswith("3.")
    assert set(schema["paths"]) >= {
        "/api/v1/fact-checks/",
        "/api/v1/fact-checks/{id}/",
        "/api/v1/fact-checks/{id}/claimreview/",
        "/api/v1/articles/",
        "/api/v1/articles/{id}/",
        "/api/v1/search/",
    }
    assert "ApiToken" in schema["components"]["securitySchemes"]


def test_the_docs_load_their_scripts_from_local_static_files() -> None:
    response = Client().get("/api/v1/docs/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "cdn" not in html.lower() and "unpkg" not in html.lower()
