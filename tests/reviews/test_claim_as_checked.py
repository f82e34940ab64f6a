"""The claim as checked and its claimant: proposed by the pipeline, edited on the verdict, and
what every public output publishes (page, ClaimReview, API record, feeds, webhooks)."""

from __future__ import annotations

import pytest
from django.test import Client

from claims.models import Claim
from reviews.models import ReviewItem, Verdict
from reviews.services import publishing
from reviews.services import queue as services
from reviews.services.events import PUBLISHED, fact_check_payload
from reviews.workflow import TransitionError
from tests.api import helpers as h
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SENTENCE = "He said the stadium would create 4,000 permanent jobs."
STANDALONE = "The Harbor Point stadium would create 4,000 permanent jobs."


def _queued_with(**proposal: str) -> ReviewItem:
    item = h.queued(SENTENCE, url="https://news.example.com/stadium", publisher="Daily Post")
    Claim.objects.filter(pk=item.claim_id).update(**proposal)
    item.claim.refresh_from_db()
    return item


def _publish(item: ReviewItem, **edits: str) -> dict:
    reviewer = UserFactory()
    verdict = h.draft(item, reviewer)
    if edits:
        publishing.verdict_save(
            item_id=item.pk,
            user=reviewer,
            rating=verdict.rating,
            explanation=verdict.explanation,
            summary=verdict.summary,
            **edits,
        )
    publishing.verdict_submit(item_id=item.pk, user=reviewer)
    publishing.verdict_approve(item_id=item.pk, editor=h.editor())
    return h.client("read").get(f"/api/v1/fact-checks/{item.pk}/claimreview/").json()


def test_a_new_draft_starts_from_the_pipelines_standalone_wording_and_claimant() -> None:
    item = _queued_with(
        standalone=STANDALONE, claimant="Harbor Point Council", claimant_kind="organization"
    )
    verdict = h.draft(item, UserFactory())

    assert verdict.claim_reviewed == STANDALONE
    assert (verdict.claimant, verdict.claimant_kind) == ("Harbor Point Council", "organization")


def test_without_a_proposal_the_draft_has_the_sentence_and_no_claimant_not_the_outlet() -> None:
    item = _queued_with()
    review = _publish(item)

    verdict = Verdict.objects.get(review_item=item)
    assert verdict.claim_reviewed == SENTENCE
    assert (verdict.claimant, verdict.claimant_kind) == ("", "unattributed")
    assert "author" not in review["itemReviewed"]  # never the Daily Post
    assert review["claimReviewed"] == SENTENCE


def test_the_edited_wording_and_claimant_are_what_every_output_publishes() -> None:
    item = _queued_with(standalone=STANDALONE, claimant="Mayor Ruiz", claimant_kind="person")
    edited = "The stadium at Harbor Point would create 4,000 permanent jobs."

    review = _publish(
        item,
        claim_reviewed=edited,
        claimant="Harbor Point Developers",
        claimant_kind="organization",
    )

    author = {"@type": "Organization", "name": "Harbor Point Developers"}
    assert review["claimReviewed"] == edited and review["itemReviewed"]["author"] == author
    record = h.client("read").get(f"/api/v1/fact-checks/{item.pk}/").json()
    assert (record["claim"], record["speaker"], record["claimant_kind"]) == (
        edited,
        "Harbor Point Developers",
        "organization",
    )
    page = Client().get(f"/fact-checks/{item.pk}/").content.decode()
    assert edited in page and "Claimed by Harbor Point Developers" in page
    assert SENTENCE not in page.split('id="claim"')[1].split("</q>")[0]
    feed = Client().get("/feeds/fact-checks.json").json()
    assert feed["items"][0]["title"] == f"False: {edited}"
    payload = fact_check_payload(item_id=item.pk, event=PUBLISHED)
    assert payload is not None and payload["claim_review"]["claimReviewed"] == edited
    assert payload["fact_check"]["speaker"] == "Harbor Point Developers"


def test_a_person_is_published_as_a_person_and_unattributed_has_no_author() -> None:
    person = _publish(_queued_with(claimant="Mayor Ruiz", claimant_kind="person"))
    unattributed = _publish(
        _queued_with(claimant="Mayor Ruiz", claimant_kind="person"),
        claimant="",
        claimant_kind="unattributed",
    )

    assert person["itemReviewed"]["author"] == {"@type": "Person", "name": "Mayor Ruiz"}
    assert "author" not in unattributed["itemReviewed"]


@pytest.mark.parametrize(
    ("claimant", "kind", "refusal"),
    [
        ("Mayor Ruiz", "unattributed", "an unattributed claim names nobody"),
        ("", "person", "say which person made the claim"),
        ("Council", "robot", "is not a kind of claimant"),
    ],
)
def test_a_claimant_that_does_not_fit_its_kind_is_refused_in_words(
    claimant: str, kind: str, refusal: str
) -> None:
    item = h.queued(SENTENCE)
    reviewer = UserFactory()
    services.review_take(item_id=item.pk, user=reviewer)

    with pytest.raises(TransitionError, match=refusal):
        publishing.verdict_save(
            item_id=item.pk,
            user=reviewer,
            rating="false",
            explanation="",
            summary="",
            claimant=claimant,
            claimant_kind=kind,
        )
    assert not Verdict.objects.filter(review_item=item).exists()


def test_an_empty_claim_as_checked_cannot_be_submitted() -> None:
    item = h.queued(SENTENCE)
    reviewer = UserFactory()
    verdict = h.draft(item, reviewer)
    publishing.verdict_save(
        item_id=item.pk,
        user=reviewer,
        rating=verdict.rating,
        explanation=verdict.explanation,
        summary="",
        claim_reviewed="  ",
    )

    with pytest.raises(TransitionError, match="the claim as checked is empty"):
        publishing.verdict_submit(item_id=item.pk, user=reviewer)


def test_a_correction_keeps_the_published_wording_and_claimant() -> None:
    item = _queued_with(standalone=STANDALONE, claimant="Mayor Ruiz", claimant_kind="person")
    _publish(item)

    corrected = h.correct(item)

    assert (corrected.claim_reviewed, corrected.claimant, corrected.claimant_kind) == (
        STANDALONE,
        "Mayor Ruiz",
        "person",
    )
