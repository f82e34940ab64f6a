"""GET fact-checks/, fact-checks/{id}/ and claimreview/: published fact-checks, whole."""

from __future__ import annotations

import base64
import datetime
import urllib.parse

import pytest
from django.db.models import F
from django.utils import timezone

from tests.api import helpers as h

pytestmark = pytest.mark.django_db


def _ids(response: object) -> list[int]:
    return [r["id"] for r in response.json()["results"]]  # type: ignore[attr-defined]


def test_a_record_has_every_appearance_rating_sources_and_corrections() -> None:
    item = h.published(
        "Unemployment fell to 3 percent.",
        speaker="Jane Doe",
        url="https://news.example.com/a",
        publisher="news.example.com",
        published=timezone.now() - datetime.timedelta(days=3),
    )
    h.appear_again(
        item,
        "Unemployment is down to 3 percent.",
        url="https://other.example.net/b",
        publisher="other.example.net",
        published=timezone.now() - datetime.timedelta(days=5),
    )
    h.correct(item, rating="mostly_false", note="The rate was 3.4 percent.")

    record = h.client("read").get(f"/api/v1/fact-checks/{item.pk}/").json()

    assert record["claim"] == "Unemployment fell to 3 percent."
    assert record["speaker"] == "Jane Doe"
    assert [a["url"] for a in record["appearances"]] == [
        "https://other.example.net/b",
        "https://news.example.com/a",
    ]
    assert record["first_appearance"]["publisher"] == "other.example.net"
    assert record["rating"] == {
        "name": "mostly_false",
        "label": "Mostly false",
        "value": 2,
        "best": 5,
        "worst": 1,
    }
    assert record["explanation"] == "Corrected explanation."
    assert record["version"] == 2
    assert record["modified_at"] > record["published_at"]
    assert [(c["version"], c["note"]) for c in record["corrections"]] == [
        (2, "The rate was 3.4 percent.")
    ]
    archived = [s["archived"] for s in record["sources"] if s["archived"]]
    assert {s["stance"] for s in record["sources"]} == {"refutes"}
    assert archived and archived[0]["sha256"] == "a" * 64 and archived[0]["fetched_at"]


def test_the_archived_text_link_serves_the_archived_copy() -> None:
    item = h.published("Exports doubled in a decade.")
    api = h.client("read")
    source = next(
        s for s in api.get(f"/api/v1/fact-checks/{item.pk}/").json()["sources"] if s["archived"]
    )

    response = api.get(source["archived"]["text_url"])

    assert response.status_code == 200
    assert response.content == b"The archived report text."
    assert response["Content-Type"].startswith("text/plain")
    unarchived = item.verdicts.get().sources.filter(archived_hash="").get()
    missing = api.get(f"/api/v1/fact-checks/{item.pk}/sources/{unarchived.pk}/archive/")
    assert missing.status_code == 404


def test_the_list_is_newest_change_first_and_filters() -> None:
    old = h.published("Crime fell by half.", rating="false", speaker="Mayor Smith")
    new = h.published(
        "Rents rose 40 percent.",
        rating="true",
        url="https://daily.example.com/x",
        publisher="daily.example.com",
    )
    api = h.client("read")

    assert _ids(api.get("/api/v1/fact-checks/")) == [new.pk, old.pk]
    assert _ids(api.get("/api/v1/fact-checks/?rating=false")) == [old.pk]
    assert _ids(api.get("/api/v1/fact-checks/?rating=false&rating=true")) == [new.pk, old.pk]
    assert _ids(api.get("/api/v1/fact-checks/?speaker=mayor%20smith")) == [old.pk]
    assert _ids(api.get("/api/v1/fact-checks/?publisher=daily.example.com")) == [new.pk]
    assert _ids(api.get("/api/v1/fact-checks/?q=rents")) == [new.pk]

    h.correct(old, rating="mostly_false")
    since = old.verdicts.order_by("-version").first().published_at.isoformat()
    assert _ids(api.get("/api/v1/fact-checks/", {"updated_since": since})) == [old.pk]
    assert _ids(api.get("/api/v1/fact-checks/", {"published_since": since})) == []
    assert _ids(api.get("/api/v1/fact-checks/")) == [old.pk, new.pk]


def test_cursor_pages_walk_every_fact_check_once() -> None:
    items = [h.published(f"Claim number {n} about taxes.") for n in range(5)]
    api = h.client("read")
    seen: list[int] = []
    url: str | None = "/api/v1/fact-checks/?page_size=2"
    while url:
        page = api.get(url).json()
        seen.extend(r["id"] for r in page["results"])
        url = page["next"]
    assert seen == [i.pk for i in reversed(items)]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("cursor=not-a-cursor", "cursor"),
        ("cursor=%00%ff", "cursor"),
        ("page_size=0", "page_size"),
        ("page_size=abc", "page_size"),
        ("page_size=1000", "page_size"),
        ("page_size=%C2%B2", "page_size"),
        ("page_size=" + "9" * 5000, "page_size"),
        ("rating=excellent", "rating"),
        ("published_since=yesterday", "published_since"),
        ("updated_since=2024-13-45", "updated_since"),
        ("published_since=9999-12-31T23:59:59-14:00", "published_since"),
        ("updated_since=0001-01-01T00:00:00%2B01:00", "updated_since"),
    ],
)
def test_bad_query_values_are_400_naming_the_parameter(query: str, field: str) -> None:
    response = h.client("read").get(f"/api/v1/fact-checks/?{query}")
    assert response.status_code == 400
    assert field in response.json()


def test_a_time_with_an_offset_postgresql_refuses_filters_in_utc() -> None:
    item = h.published("Exports doubled in a decade.")
    published = item.verdicts.get().published_at
    api = h.client("read")
    for hours, ids in [(-1, [item.pk]), (1, [])]:
        since = (published + datetime.timedelta(hours=hours)).astimezone(
            datetime.timezone(datetime.timedelta(hours=-23, minutes=-59))
        )
        response = api.get("/api/v1/fact-checks/", {"updated_since": since.isoformat()})
        assert response.status_code == 200, response.content
        assert _ids(response) == ids


def _cursor(position: str) -> str:
    return base64.b64encode(urllib.parse.urlencode({"p": position}).encode()).decode()


@pytest.mark.parametrize(
    "position", ["2024", "\x00", "2024-01-01 00:00:00", "9999-12-31 23:59:59-14:00"]
)
def test_a_cursor_whose_position_is_no_time_is_400(position: str) -> None:
    h.published("Exports doubled in a decade.")
    response = h.client("read").get("/api/v1/fact-checks/", {"cursor": _cursor(position)})
    assert response.status_code == 400
    assert "cursor" in response.json()


def test_a_cursor_position_with_an_offset_postgresql_refuses_is_read_in_utc() -> None:
    item = h.published("Exports doubled in a decade.")
    position = (item.verdicts.get().published_at + datetime.timedelta(hours=1)).astimezone(
        datetime.timezone(datetime.timedelta(hours=-23))
    )
    response = h.client("read").get("/api/v1/fact-checks/", {"cursor": _cursor(str(position))})
    assert response.status_code == 200
    assert _ids(response) == [item.pk]


def test_unknown_filters_are_400_listing_the_allowed_ones() -> None:
    response = h.client("read").get("/api/v1/fact-checks/?sort=asc&status=pending")
    assert response.status_code == 400
    body = response.json()
    assert body["unknown"] == ["sort", "status"]
    assert "updated_since" in body["allowed"] and "cursor" in body["allowed"]


def test_unchanged_answers_are_304_with_their_etag() -> None:
    item = h.published("Exports doubled in a decade.")
    api = h.client("read")
    for path in (
        "/api/v1/fact-checks/",
        f"/api/v1/fact-checks/{item.pk}/",
        f"/api/v1/fact-checks/{item.pk}/claimreview/",
    ):
        first = api.get(path)
        etag = first["ETag"]
        assert api.get(path, HTTP_IF_NONE_MATCH=etag).status_code == 304
        # A change the ClaimReview carries too: it dates versions to the second, so two
        # corrections within one would otherwise leave it as it was.
        h.correct(item, note=f"Changed for {path}.", explanation=f"Corrected for {path}.")
        changed = api.get(path, HTTP_IF_NONE_MATCH=etag)
        assert changed.status_code == 200 and changed["ETag"] != etag


def test_claimreview_meets_googles_fields() -> None:
    item = h.published(
        "The bridge cost 2 billion.",
        speaker="Governor Lee",
        url="https://news.example.com/bridge",
        publisher="news.example.com",
        published=datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.UTC),
    )
    api = h.client("read")
    response = api.get(f"/api/v1/fact-checks/{item.pk}/claimreview/")
    review = response.json()

    assert response["Content-Type"].startswith("application/ld+json")
    assert review["@context"] == "https://schema.org" and review["@type"] == "ClaimReview"
    assert review["claimReviewed"] == "The bridge cost 2 billion."
    assert review["reviewRating"] == {
        "@type": "Rating",
        "ratingValue": 1,
        "bestRating": 5,
        "worstRating": 1,
        "alternateName": "False",
    }
    claim = review["itemReviewed"]
    assert claim["@type"] == "Claim"
    assert claim["author"] == {"@type": "Person", "name": "Governor Lee"}
    assert claim["appearance"][0]["url"] == "https://news.example.com/bridge"
    assert claim["firstAppearance"]["url"] == "https://news.example.com/bridge"
    assert claim["datePublished"] == "2026-03-02T09:30:00+00:00"
    assert claim["appearance"][0]["datePublished"] == "2026-03-02T09:30:00+00:00"
    assert review["author"]["@type"] == "Organization" and review["author"]["name"]
    assert review["url"].endswith(f"/fact-checks/{item.pk}/")
    assert "/api/" not in review["url"]  # readers have no token: the public page
    assert review["datePublished"] and "dateModified" not in review

    # Published a minute ago: the ClaimReview dates versions to the second.
    item.verdicts.update(published_at=F("published_at") - datetime.timedelta(minutes=1))
    h.correct(item)
    corrected = api.get(f"/api/v1/fact-checks/{item.pk}/claimreview/").json()
    assert corrected["dateModified"] > corrected["datePublished"]
    assert corrected["reviewRating"]["ratingValue"] == 2


def test_an_article_without_a_date_gives_the_claim_and_its_appearance_none() -> None:
    item = h.published("The bridge cost 2 billion.", url="https://news.example.com/bridge")
    api = h.client("read")

    review = api.get(f"/api/v1/fact-checks/{item.pk}/claimreview/").json()
    record = api.get(f"/api/v1/fact-checks/{item.pk}/").json()

    # When the desk received the article is not when the claim was published.
    claim = review["itemReviewed"]
    assert "datePublished" not in claim
    assert "datePublished" not in claim["appearance"][0]
    assert "datePublished" not in claim["firstAppearance"]
    assert review["datePublished"]  # the fact-check's own publication
    assert record["appearances"][0]["date"] is None


def test_the_organisation_and_page_come_from_settings(settings: object) -> None:
    settings.FACTCHECK_ORGANIZATION_NAME = "Riverton Checks"  # type: ignore[attr-defined]
    settings.FACTCHECK_ORGANIZATION_URL = "https://checks.example.org/"  # type: ignore[attr-defined]
    settings.FACTCHECK_FACT_CHECK_URL = "https://checks.example.org/f/{id}"  # type: ignore[attr-defined]
    item = h.published("The bridge cost 2 billion.")
    review = h.client("read").get(f"/api/v1/fact-checks/{item.pk}/claimreview/").json()
    assert review["author"] == {
        "@type": "Organization",
        "name": "Riverton Checks",
        "url": "https://checks.example.org/",
    }
    assert review["url"] == f"https://checks.example.org/f/{item.pk}"


def test_an_unproven_rating_has_a_name_but_no_value() -> None:
    item = h.published("Aliens built the bridge.", rating="unproven")
    review = h.client("read").get(f"/api/v1/fact-checks/{item.pk}/claimreview/").json()
    assert review["reviewRating"]["alternateName"] == "Unproven"
    assert "ratingValue" not in review["reviewRating"]


def test_the_fast_representation_equals_the_declared_fields() -> None:
    from django.test import RequestFactory
    from rest_framework import serializers

    from reviews.api.serializers import FactCheckSerializer, serializer_context
    from reviews.selectors import fact_check_get

    item = h.published(
        "Unemployment fell to 3 percent.",
        speaker="Jane Doe",
        url="https://news.example.com/a",
        publisher="news.example.com",
    )
    h.appear_again(item, "Joblessness fell to 3 percent.", url="https://b.example.net/")
    h.correct(item)
    item.verdicts.order_by("-version").first().sources.update(date="2024-05-01")
    record = fact_check_get(item_id=item.pk)
    for request in (RequestFactory().get("/"), None):
        serializer = FactCheckSerializer(record, context=serializer_context(request, [record]))
        generic = serializers.Serializer.to_representation(serializer, record)
        assert serializer.data == generic
