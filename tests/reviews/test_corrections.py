"""Corrections through four eyes: one editor drafts, another approves; only then do the public
page, ClaimReview, the API record, the feeds and the webhooks change."""

from __future__ import annotations

import json

import pytest
from django.db import IntegrityError, transaction
from django.test import Client

from reviews import workflow
from reviews.models import Verdict, WebhookDelivery
from reviews.services import corrections, publishing, webhooks
from reviews.services.publishing import PublishingError
from reviews.workflow import TransitionError
from tests.api import helpers as h
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _draft(item: object, editor: object, **changes: object) -> Verdict:
    fields = {
        "rating": "mostly_false",
        "explanation": "Crime fell by a third, not by half.",
        "summary": "The police figures show a fall of a third.",
        "correction_note": "We first wrote that crime did not fall at all.",
        **changes,
    }
    return corrections.correction_save(item_id=item.pk, editor=editor, **fields)  # type: ignore[attr-defined]


def test_a_correction_is_published_only_when_a_second_editor_approves_it() -> None:
    item = h.published("Crime fell by half.")
    first, second = h.editor(), h.editor()

    draft = _draft(item, first)
    item.refresh_from_db()
    assert item.status == workflow.PUBLISHED and draft.published_at is None
    assert draft.version == 2 and draft.sources.count() == 2  # the published sources, copied
    with pytest.raises(PublishingError, match="second pair of eyes: you drafted it"):
        corrections.correction_approve(item_id=item.pk, editor=first)

    corrected = corrections.correction_approve(item_id=item.pk, editor=second)

    item.refresh_from_db()
    assert item.status == workflow.CORRECTED
    assert corrected.approved_by == second and corrected.author == first
    assert corrected.rating_name == "Mostly false" and corrected.published_at is not None
    first_version = Verdict.objects.get(review_item=item, version=1)
    assert first_version.rating == "false"  # earlier versions stay as they were


def test_the_database_refuses_a_correction_approved_by_its_author() -> None:
    item = h.published("Crime fell by half.")
    editor = h.editor()
    draft = _draft(item, editor)

    with pytest.raises(IntegrityError), transaction.atomic():
        Verdict.objects.filter(pk=draft.pk).update(approved_by=editor)


def test_a_correction_needs_a_public_note_a_rating_and_an_explanation() -> None:
    item = h.published("Crime fell by half.")
    editor = h.editor()

    with pytest.raises(PublishingError, match="correction note is empty"):
        _draft(item, editor, correction_note="  ")
    with pytest.raises(PublishingError, match="needs a rating and an explanation"):
        _draft(item, editor, explanation=" ")
    with pytest.raises(PublishingError, match="not a rating of the scale"):
        _draft(item, editor, rating="pants_on_fire")

    assert Verdict.objects.filter(review_item=item).count() == 1


def test_only_editors_draft_and_only_published_claims_are_corrected() -> None:
    item = h.published("Crime fell by half.")
    with pytest.raises(PublishingError, match="may not approve or correct"):
        _draft(item, UserFactory())

    queued = h.queued("Taxes doubled.")
    with pytest.raises(TransitionError, match="only a published fact-check is corrected"):
        _draft(queued, h.editor())


def test_a_correction_may_change_the_sources() -> None:
    item = h.published("Crime fell by half.")
    first, second = h.editor(), h.editor()
    published = item.verdicts.get()
    dropped, kept = published.sources.order_by("pk")
    draft = _draft(item, first, remove_source_ids=[dropped.pk])
    publishing.source_add(
        verdict_id=draft.pk,
        user=first,
        url="https://police.example.org/annual-report",
        title="Annual report",
        publisher="Police",
        stance="refutes",
        quote="Recorded crime fell by 33 percent.",
        archive=False,
    )
    added = draft.sources.get(url="https://police.example.org/annual-report")
    with pytest.raises(PublishingError, match="may not approve or correct"):
        publishing.source_remove(source_id=added.pk, user=UserFactory())
    with pytest.raises(PublishingError, match="sources are fixed"):
        publishing.source_remove(source_id=kept.pk, user=first)  # version 1's

    corrections.correction_approve(item_id=item.pk, editor=second)

    record = h.client("read").get(f"/api/v1/fact-checks/{item.pk}/").json()
    assert [s["url"] for s in record["sources"]] == [
        kept.url,
        "https://police.example.org/annual-report",
    ]
    assert published.sources.count() == 2  # version 1 keeps what it cited


def test_the_last_editor_to_save_the_draft_is_its_author() -> None:
    item = h.published("Crime fell by half.")
    first, second = h.editor(), h.editor()
    _draft(item, first)
    _draft(item, second, explanation="Crime fell by about a third.")

    with pytest.raises(PublishingError, match="second pair of eyes"):
        corrections.correction_approve(item_id=item.pk, editor=second)
    corrected = corrections.correction_approve(item_id=item.pk, editor=first)

    assert corrected.explanation == "Crime fell by about a third."
    assert Verdict.objects.filter(review_item=item).count() == 2  # one draft, redrafted


def test_a_discarded_draft_leaves_the_published_version_as_it_was() -> None:
    item = h.published("Crime fell by half.")
    editor = h.editor()
    _draft(item, editor)

    corrections.correction_discard(item_id=item.pk, editor=h.editor())

    item.refresh_from_db()
    assert item.status == workflow.PUBLISHED
    assert list(item.verdicts.values_list("version", flat=True)) == [1]
    with pytest.raises(PublishingError, match="no correction awaiting approval"):
        corrections.correction_approve(item_id=item.pk, editor=h.editor())


def test_a_published_correction_reaches_the_page_claimreview_api_feeds_and_webhooks() -> None:
    webhooks.webhook_endpoint_register(
        url="http://127.0.0.1:9/hook", events=["fact_check.corrected"]
    )
    item = h.published("Crime fell by half.")
    api = h.client("read")
    _draft(
        item,
        h.editor(),
        claim_reviewed="Crime fell by half in the city in 2024.",
        claimant="City police",
        claimant_kind="organization",
    )

    # Awaiting approval: nothing public has changed.
    assert "a third" not in Client().get(f"/fact-checks/{item.pk}/").content.decode()
    assert api.get(f"/api/v1/fact-checks/{item.pk}/").json()["version"] == 1
    assert not WebhookDelivery.objects.exists()

    corrections.correction_approve(item_id=item.pk, editor=h.editor())

    page = Client().get(f"/fact-checks/{item.pk}/").content.decode()
    assert "We first wrote that crime did not fall at all." in page
    review = api.get(f"/api/v1/fact-checks/{item.pk}/claimreview/").json()
    assert review["claimReviewed"] == "Crime fell by half in the city in 2024."
    assert review["itemReviewed"]["author"] == {"@type": "Organization", "name": "City police"}
    assert review["reviewRating"]["alternateName"] == "Mostly false"
    assert review["description"] == "Crime fell by a third, not by half."
    assert "dateModified" in review
    record = api.get(f"/api/v1/fact-checks/{item.pk}/").json()
    assert record["version"] == 2
    assert record["corrections"][0]["note"] == "We first wrote that crime did not fall at all."
    feed = json.loads(Client().get("/feeds/fact-checks.json").content)
    assert "We first wrote that crime did not fall at all." in feed["items"][0]["content_text"]
    assert "did not fall at all" in Client().get("/feeds/fact-checks.rss").content.decode()
    (delivery,) = WebhookDelivery.objects.all()
    assert delivery.event == "fact_check.corrected"
    assert delivery.payload["fact_check"]["version"] == 2
