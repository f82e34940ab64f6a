"""The verdict form keeps the reviewer's input when a service refuses it, "Save and submit"
sends the draft on in one go."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from reviews import workflow
from reviews.models import EvidenceSource, ReviewItem, Verdict
from reviews.services import queue as services
from reviews.services.queue import demo_accounts_ensure
from tests.factories import ReviewItemFactory
from tests.reviews.test_admin_publishing import SOURCES, _verdict_form


@pytest.fixture
def desk(db: None) -> tuple[Client, Client]:
    demo_accounts_ensure(password="pw")
    reviewer, editor = Client(), Client()
    assert reviewer.login(username="reviewer", password="pw")
    assert editor.login(username="editor", password="pw")
    return reviewer, editor


def _held() -> ReviewItem:
    item = ReviewItemFactory()
    user = get_user_model().objects.get(username="reviewer")
    services.review_take(item_id=item.pk, user=user)
    return item


def _messages(response: object) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]  # type: ignore[attr-defined]


def test_a_refused_source_shows_the_form_again_with_everything_typed(
    desk: tuple[Client, Client],
) -> None:
    reviewer, _ = desk
    item = _held()
    sources = [SOURCES[0], {**SOURCES[1], "url": "ftp://files.example.org/jobs.csv"}]

    response = reviewer.post(reverse("admin:reviews_verdict_add"), _verdict_form(item, sources))

    assert response.status_code == 200
    errors = str(response.context["adminform"].form.non_field_errors())
    assert "is not a web address" in errors
    html = response.content.decode()
    for typed in (
        "Unemployment rose, it did not fall.",
        "ftp://files.example.org/jobs.csv",
        "Labour market, March",
        "The statistics office reports a rise of 0.2 points.",
    ):
        assert typed in html
    # Verdict and the first source were rolled back together.
    assert not Verdict.objects.exists() and not EvidenceSource.objects.exists()


def test_save_and_submit_sends_a_complete_draft_to_an_editor(desk: tuple[Client, Client]) -> None:
    reviewer, _ = desk
    item = _held()
    form = reviewer.get(reverse("admin:reviews_verdict_add") + f"?review_item={item.pk}")
    assert b'id="save-and-submit"' in form.content

    response = reviewer.post(
        reverse("admin:reviews_verdict_add"),
        {**_verdict_form(item, SOURCES), "_submit_for_approval": "1"},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:reviews_reviewitem_change", args=[item.pk])
    assert "The verdict went to an editor for approval." in _messages(response)
    item.refresh_from_db()
    assert item.status == workflow.AWAITING_APPROVAL
    assert Verdict.objects.get(review_item=item).sources.count() == 2


def test_save_and_submit_keeps_a_draft_the_gate_refuses(desk: tuple[Client, Client]) -> None:
    reviewer, _ = desk
    item = _held()

    response = reviewer.post(
        reverse("admin:reviews_verdict_add"),
        {**_verdict_form(item, SOURCES[:1]), "_submit_for_approval": "1"},
    )

    verdict = Verdict.objects.get(review_item=item)
    assert response["Location"] == reverse("admin:reviews_verdict_change", args=[verdict.pk])
    assert any(
        "saved but was not submitted" in m and "at least 2" in m for m in _messages(response)
    )
    assert verdict.explanation == "Unemployment rose, it did not fall."
    assert verdict.sources.count() == 1
    item.refresh_from_db()
    assert item.status == workflow.IN_REVIEW


def test_adding_a_second_verdict_for_a_claim_does_not_overwrite_its_draft(
    desk: tuple[Client, Client],
) -> None:
    reviewer, _ = desk
    item = _held()
    add = reverse("admin:reviews_verdict_add")
    first = reviewer.post(add, _verdict_form(item, SOURCES[:1]))
    assert first.status_code == 302

    again = reviewer.post(add, {**_verdict_form(item, []), "explanation": "Typed over."})

    assert again.status_code == 200 and again.context["adminform"].form.errors["review_item"]
    (draft,) = item.verdicts.all()
    assert draft.explanation == "Unemployment rose, it did not fall."
    assert draft.sources.count() == 1


def test_verdicts_are_named_by_their_ratings_label_not_its_code(
    desk: tuple[Client, Client],
) -> None:
    reviewer, _ = desk
    item = _held()
    reviewer.post(
        reverse("admin:reviews_verdict_add"),
        {**_verdict_form(item, []), "rating": "mostly_false"},
    )

    listing = reviewer.get(reverse("admin:reviews_verdict_changelist"))

    assert b"v1 Mostly false: " in listing.content and b"mostly_false:" not in listing.content


def test_a_published_verdict_reads_its_rating_by_name(desk: tuple[Client, Client]) -> None:
    from tests.api import helpers as h

    reviewer, _ = desk
    verdict = h.published("Rents rose 40 percent.", rating="mostly_false").verdicts.get()

    page = reviewer.get(reverse("admin:reviews_verdict_change", args=[verdict.pk])).content
    listing = reviewer.get(reverse("admin:reviews_verdict_changelist")).content

    assert b"Mostly false" in page and b">mostly_false<" not in page
    assert b">mostly_false<" not in listing
