"""The publishing path in Django admin: the reviewer writes and submits, an editor approves."""

from __future__ import annotations

import re

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from reviews import workflow
from reviews.models import ReviewItem, Verdict
from reviews.services import queue as services
from reviews.services.queue import demo_accounts_ensure
from tests.factories import ReviewItemFactory


def _login(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password="pw")
    return client


@pytest.fixture
def desk(db: None) -> tuple[Client, Client]:
    demo_accounts_ensure(password="pw")
    return _login("reviewer"), _login("editor")


def _messages(response: object) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]  # type: ignore[attr-defined]


def _verdict_form(item: ReviewItem, sources: list[dict[str, str]]) -> dict[str, object]:
    data: dict[str, object] = {
        "review_item": item.pk,
        "rating": "false",
        "explanation": "Unemployment rose, it did not fall.",
        "summary": "The statistics office reports a rise of 0.2 points.",
        # Shown once the draft exists (the add form starts from the pipeline's proposal).
        "claim_reviewed": item.claim.text,
        "claimant": "",
        "claimant_kind": "unattributed",
        # The cited sources (none yet) and the blank rows for new ones.
        "sources-TOTAL_FORMS": 0,
        "sources-INITIAL_FORMS": 0,
        "sources-2-TOTAL_FORMS": len(sources),
        "sources-2-INITIAL_FORMS": 0,
    }
    for n, source in enumerate(sources):
        data.update({f"sources-2-{n}-{name}": value for name, value in source.items()})
    return data


SOURCES = [
    {
        "url": "https://stats.example.org/labour-march",
        "title": "Labour market, March",
        "publisher": "Statistics Office",
        "stance": "refutes",
        "quote": "Unemployment rose by 0.2 points.",
    },
    {
        "url": "https://news.example.org/jobs",
        "title": "Jobless rate up again",
        "publisher": "Example News",
        "stance": "context",
        "quote": "",
    },
]


def _held(client_user: str) -> ReviewItem:
    from django.contrib.auth import get_user_model

    item = ReviewItemFactory()
    user = get_user_model().objects.get(username=client_user)
    services.review_take(item_id=item.pk, user=user)
    return item


def _write_and_submit(reviewer: Client, item: ReviewItem) -> None:
    response = reviewer.post(reverse("admin:reviews_verdict_add"), _verdict_form(item, SOURCES))
    assert response.status_code == 302, response.context and response.context["errors"]
    response = reviewer.post(reverse("admin:reviews_reviewitem_submit", args=[item.pk]))
    assert response.status_code == 302


def test_a_verdict_written_in_the_admin_goes_through_submit_and_approval(
    desk: tuple[Client, Client],
) -> None:
    reviewer, editor = desk
    item = ReviewItemFactory()
    reviewer.post(
        reverse("admin:reviews_reviewitem_changelist"),
        {"action": "take", "_selected_action": [item.pk]},
    )
    page = reviewer.get(reverse("admin:reviews_reviewitem_change", args=[item.pk]))
    assert b'id="write-verdict"' in page.content and b'id="submit-verdict"' in page.content

    _write_and_submit(reviewer, item)

    verdict = Verdict.objects.get(review_item=item)
    assert verdict.author.username == "reviewer" and verdict.rating == "false"
    assert sorted(verdict.sources.values_list("stance", flat=True)) == ["context", "refutes"]
    item.refresh_from_db()
    assert item.status == workflow.AWAITING_APPROVAL

    page = editor.get(reverse("admin:reviews_reviewitem_change", args=[item.pk]))
    assert b'id="approve-verdict"' in page.content
    assert b"Unemployment rose, it did not fall." in page.content
    assert b"Labour market, March" in page.content
    response = editor.post(reverse("admin:reviews_reviewitem_approve", args=[item.pk]))

    # Published, and told that nothing it cites is archived yet.
    [told] = _messages(response)
    assert told.startswith("The verdict is published. None of the verdict's 2 sources is archived")
    item.refresh_from_db()
    verdict.refresh_from_db()
    assert item.status == workflow.PUBLISHED
    assert verdict.approved_by.username == "editor" and verdict.published_at is not None
    # With no draft left, the claim page shows the sources readers now see.
    published = editor.get(reverse("admin:reviews_reviewitem_change", args=[item.pk]))
    assert b"Published version 1:" in published.content
    assert b"Labour market, March" in published.content
    # Its versions list the rating by the name readers see, not its key.
    rating = re.search(
        r'field-rating_label .*?<div class="readonly[^"]*">([^<]*)<',
        published.content.decode(),
        re.S,
    )
    assert rating is not None and rating.group(1) == "False"
    # A published version is the record: its form is read-only.
    assert (
        b'name="rating"'
        not in editor.get(reverse("admin:reviews_verdict_change", args=[verdict.pk])).content
    )


def test_a_reviewer_approving_their_own_verdict_is_refused_with_a_message(
    desk: tuple[Client, Client],
) -> None:
    reviewer, _ = desk
    item = _held("reviewer")
    _write_and_submit(reviewer, item)

    response = reviewer.post(
        reverse("admin:reviews_reviewitem_approve", args=[item.pk]), follow=True
    )
    action = reviewer.post(
        reverse("admin:reviews_reviewitem_changelist"),
        {"action": "approve_and_publish", "_selected_action": [item.pk]},
        follow=True,
    )

    assert response.status_code == 200 and action.status_code == 200
    assert any("may not approve" in m for m in _messages(response))
    assert any("may not approve" in m for m in _messages(action))
    item.refresh_from_db()
    assert item.status == workflow.AWAITING_APPROVAL


def test_an_editor_cannot_approve_a_verdict_they_wrote(desk: tuple[Client, Client]) -> None:
    _, editor = desk
    item = _held("editor")
    _write_and_submit(editor, item)

    page = editor.get(reverse("admin:reviews_reviewitem_change", args=[item.pk]))
    response = editor.post(reverse("admin:reviews_reviewitem_approve", args=[item.pk]))

    # No button that can only be refused; the page says who may approve.
    assert b'id="approve-verdict"' not in page.content
    assert b"you wrote this verdict, so another editor approves it" in page.content
    assert any("its author cannot approve it" in m for m in _messages(response))
    item.refresh_from_db()
    assert item.status == workflow.AWAITING_APPROVAL


def test_send_back_needs_a_note_and_returns_the_claim_to_its_reviewer(
    desk: tuple[Client, Client],
) -> None:
    reviewer, editor = desk
    item = _held("reviewer")
    _write_and_submit(reviewer, item)
    url = reverse("admin:reviews_reviewitem_send_back", args=[item.pk])

    empty = editor.post(url, {"note": " "})
    nul = editor.post(url, {"note": "Cite\x00 it."})
    sent = editor.post(url, {"note": "Cite the March release, not the press story."})

    assert any("the note is empty" in m for m in _messages(empty))
    assert any("the note holds a NUL character" in m for m in _messages(nul))
    item.refresh_from_db()
    assert item.status == workflow.IN_REVIEW and item.assigned_to.username == "reviewer"
    assert "The verdict went back to its reviewer." in _messages(sent)
    page = reviewer.get(reverse("admin:reviews_reviewitem_change", args=[item.pk]))
    assert b"Cite the March release" in page.content


def test_submitting_an_unsourced_verdict_is_refused_with_a_message(
    desk: tuple[Client, Client],
) -> None:
    reviewer, _ = desk
    item = _held("reviewer")
    reviewer.post(reverse("admin:reviews_verdict_add"), _verdict_form(item, SOURCES[:1]))

    response = reviewer.post(
        reverse("admin:reviews_reviewitem_submit", args=[item.pk]), follow=True
    )

    assert response.status_code == 200
    assert any("it needs at least" in m for m in _messages(response))
    item.refresh_from_db()
    assert item.status == workflow.IN_REVIEW


def test_editing_a_submitted_draft_is_refused_on_the_form_not_with_an_error(
    desk: tuple[Client, Client],
) -> None:
    reviewer, _ = desk
    item = _held("reviewer")
    _write_and_submit(reviewer, item)
    verdict = Verdict.objects.get(review_item=item)
    data = _verdict_form(item, SOURCES[:1])
    data.update(
        {
            "rating": "true",
            "sources-TOTAL_FORMS": 2,
            "sources-INITIAL_FORMS": 2,
            **{
                f"sources-{n}-{field}": value
                for n, source in enumerate(verdict.sources.order_by("pk"))
                for field, value in (("id", source.pk), ("verdict", verdict.pk))
            },
        }
    )

    response = reviewer.post(reverse("admin:reviews_verdict_change", args=[verdict.pk]), data)

    # The form comes back with the refusal and what was typed, and nothing changed.
    assert response.status_code == 200
    assert "not in review" in str(response.context["adminform"].form.non_field_errors())
    chosen = rb'<input type="radio" name="rating" value="true"[^>]*checked'
    assert re.search(chosen, response.content)
    verdict.refresh_from_db()
    assert verdict.rating == "false" and verdict.sources.count() == 2
