"""Nothing unpublished ever leaves: queued, held, submitted and rejected claims, drafts,
sent-back notes and rejection notes stay out of every endpoint, feed and webhook."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from claims.models import Article
from reviews.models import EvidenceSource, Verdict, WebhookDelivery
from reviews.services import publishing, webhooks
from reviews.services import queue as services
from tests.api import helpers as h
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MARK = "SECRET"


@pytest.fixture
def desk() -> dict[str, object]:
    """One published and corrected fact-check, and a claim in every unpublished state."""
    webhooks.webhook_endpoint_register(
        url="http://127.0.0.1:9/hook", events=["fact_check.published", "fact_check.corrected"]
    )
    published = h.published("Crime fell by half.", url="https://news.example.com/crime")
    h.correct(published, note="The fall was a third.")
    reviewer = UserFactory()

    pending = h.queued(f"{MARK} pending claim about crime.", speaker=f"{MARK} Speaker")
    held = h.queued(f"{MARK} held claim about crime.")
    held_draft = h.draft(held, reviewer)
    Verdict.objects.filter(pk=held_draft.pk).update(
        explanation=f"{MARK} draft explanation", summary=f"{MARK} draft summary"
    )
    EvidenceSource.objects.filter(verdict=held_draft).update(
        archived_text=f"{MARK} archived", archived_hash="b" * 64, archived_at="2024-01-01T00:00Z"
    )
    submitted = h.queued(f"{MARK} submitted claim about crime.")
    h.draft(submitted, reviewer)
    publishing.verdict_submit(item_id=submitted.pk, user=reviewer)
    sent_back = h.queued(f"{MARK} sent back claim about crime.")
    h.draft(sent_back, reviewer)
    publishing.verdict_submit(item_id=sent_back.pk, user=reviewer)
    publishing.verdict_send_back(
        item_id=sent_back.pk, editor=h.editor(), note=f"{MARK} editor note"
    )
    rejected = h.queued(f"{MARK} rejected claim about crime.")
    services.review_reject(
        item_id=rejected.pk, user=reviewer, reason="opinion", note=f"{MARK} rejection note"
    )
    hidden = [pending, held, submitted, sent_back, rejected]
    return {
        "published": published,
        "hidden": hidden,
        "draft_sources": list(held_draft.sources.values_list("pk", flat=True)),
    }


def _assert_clean(response: object) -> None:
    body = response.content.decode()  # type: ignore[attr-defined]
    assert MARK not in body, f"{response.request['PATH_INFO']} leaked: {body[:300]}"  # type: ignore[attr-defined]
    assert "editor_note" not in body and "rejection" not in body


def test_no_api_endpoint_shows_anything_unpublished(desk: dict) -> None:
    api = h.client("read", "submit", "search")
    published = desk["published"]
    for query in [
        "",
        "?q=crime",
        f"?q={MARK}",
        "?q=pending held submitted rejected",
        f"?speaker={MARK}%20Speaker",
        "?rating=false",
        "?rating=mostly_false",
        "?updated_since=2000-01-01T00:00:00Z",
        "?page_size=1",
    ]:
        response = api.get(f"/api/v1/fact-checks/{query}")
        assert response.status_code == 200
        _assert_clean(response)
        assert {r["id"] for r in response.json()["results"]} <= {published.pk}
    for path in ["", "claimreview/"]:
        response = api.get(f"/api/v1/fact-checks/{published.pk}/{path}")
        assert response.status_code == 200
        _assert_clean(response)
        for item in desk["hidden"]:
            assert api.get(f"/api/v1/fact-checks/{item.pk}/{path}").status_code == 404
    for item in desk["hidden"]:
        for source_id in desk["draft_sources"]:
            archive = api.get(f"/api/v1/fact-checks/{item.pk}/sources/{source_id}/archive/")
            assert archive.status_code == 404
            archive = api.get(f"/api/v1/fact-checks/{published.pk}/sources/{source_id}/archive/")
            assert archive.status_code == 404
    for text in [f"{MARK} pending claim", "held submitted sent back rejected claim about crime"]:
        response = api.get("/api/v1/search/", {"q": text})
        assert response.status_code == 200
        # The query is echoed back; the results must not hold anything unpublished.
        results = json.dumps(response.json()["results"])
        assert MARK not in results and "editor_note" not in results
        assert {r["fact_check"]["id"] for r in response.json()["results"]} <= {published.pk}
    for article in Article.objects.all():
        article.submitted_by.add(api.token)  # as if this client had pushed them all
        response = api.get(f"/api/v1/articles/{article.pk}/")
        assert response.status_code == 200
        _assert_clean(response)


def test_no_feed_shows_anything_unpublished(desk: dict) -> None:
    for path in ["/feeds/fact-checks.rss", "/feeds/fact-checks.atom", "/feeds/fact-checks.json"]:
        response = Client().get(path)
        assert response.status_code == 200
        _assert_clean(response)
        assert "Crime fell by half." in response.content.decode()


def test_webhooks_announce_only_publications_and_carry_nothing_unpublished(desk: dict) -> None:
    deliveries = list(WebhookDelivery.objects.order_by("pk"))
    assert [d.event for d in deliveries] == ["fact_check.published", "fact_check.corrected"]
    for delivery in deliveries:
        text = json.dumps(delivery.payload)
        assert MARK not in text and "editor_note" not in text
        assert delivery.payload["fact_check"]["id"] == desk["published"].pk
