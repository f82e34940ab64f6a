"""No note, and no correction still awaiting approval, ever leaves the desk: one test per
public output (API records, search and articles; ClaimReview; the feeds; webhooks; pages)."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from claims.models import Article
from reviews.models import WebhookDelivery
from reviews.services import corrections, webhooks
from reviews.services.notes import note_add
from reviews.services.queue import demo_accounts_ensure
from tests.api import helpers as h

pytestmark = pytest.mark.django_db

MARK = "NOTESECRET"
CLAIM = "Crime fell by half."


@pytest.fixture
def desk() -> dict[str, object]:
    """A published, corrected fact-check with a thread of notes and a correction awaiting
    approval, each holding MARK."""
    from django.contrib.auth import get_user_model

    demo_accounts_ensure(password="pw")
    users = get_user_model().objects
    reviewer, editor = users.get(username="reviewer"), users.get(username="editor")
    webhooks.webhook_endpoint_register(
        url="http://127.0.0.1:9/hook", events=["fact_check.published", "fact_check.corrected"]
    )
    item = h.published(CLAIM, url="https://news.example.com/crime")
    note_add(item_id=item.pk, author=reviewer, text=f"{MARK} @editor the police data?")
    h.correct(item, note="The fall was a third.")
    note_add(item_id=item.pk, author=editor, text=f"{MARK} corrected; thanks @reviewer")
    corrections.correction_save(
        item_id=item.pk,
        editor=editor,
        rating="true",
        explanation=f"{MARK} draft explanation",
        summary=f"{MARK} draft summary",
        correction_note=f"{MARK} draft correction note",
    )
    return {"item": item, "api": h.client("read", "submit", "search")}


def _clean(text: str) -> None:
    assert MARK not in text


def test_no_note_reaches_the_api_records(desk: dict) -> None:
    item, api = desk["item"], desk["api"]
    listing = api.get("/api/v1/fact-checks/")
    detail = api.get(f"/api/v1/fact-checks/{item.pk}/")
    assert listing.status_code == detail.status_code == 200
    assert detail.json()["version"] == 2  # the awaiting correction is not the record
    _clean(listing.content.decode())
    _clean(detail.content.decode())


def test_no_note_reaches_api_search(desk: dict) -> None:
    for query in [MARK, "police data", CLAIM]:
        response = desk["api"].get("/api/v1/search/", {"q": query})
        assert response.status_code == 200
        _clean(json.dumps(response.json()["results"]))


def test_no_note_reaches_the_api_articles(desk: dict) -> None:
    api = desk["api"]
    for article in Article.objects.all():
        article.submitted_by.add(api.token)
        response = api.get(f"/api/v1/articles/{article.pk}/")
        assert response.status_code == 200
        _clean(response.content.decode())


def test_no_note_reaches_the_claimreview(desk: dict) -> None:
    response = desk["api"].get(f"/api/v1/fact-checks/{desk['item'].pk}/claimreview/")
    assert response.status_code == 200 and response.json()["@type"] == "ClaimReview"
    _clean(response.content.decode())


@pytest.mark.parametrize("feed", ["rss", "atom", "json"])
def test_no_note_reaches_the_feeds(desk: dict, feed: str) -> None:
    response = Client().get(f"/feeds/fact-checks.{feed}")
    assert response.status_code == 200 and CLAIM in response.content.decode()
    _clean(response.content.decode())


def test_no_note_reaches_a_webhook_payload(desk: dict) -> None:
    deliveries = list(WebhookDelivery.objects.order_by("pk"))
    assert [d.event for d in deliveries] == ["fact_check.published", "fact_check.corrected"]
    for delivery in deliveries:
        _clean(json.dumps(delivery.payload))


def test_no_note_reaches_the_public_pages(desk: dict) -> None:
    for path in ["/", f"/fact-checks/{desk['item'].pk}/", "/feeds/"]:
        response = Client().get(path)
        assert response.status_code == 200
        _clean(response.content.decode())
    assert CLAIM in Client().get(f"/fact-checks/{desk['item'].pk}/").content.decode()
