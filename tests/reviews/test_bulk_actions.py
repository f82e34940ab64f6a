"""Bulk actions with a page of their own: assign selected to a reviewer, reject with a note."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from reviews import workflow
from reviews.admin import forms as admin_forms
from reviews.models import ReviewItem
from reviews.services.queue import demo_accounts_ensure
from tests.factories import ReviewItemFactory

QUEUE = reverse("admin:reviews_reviewitem_changelist")


@pytest.fixture
def clients(db: None) -> tuple[Client, Client]:
    demo_accounts_ensure(password="pw")
    reviewer, editor = Client(), Client()
    assert reviewer.login(username="reviewer", password="pw")
    assert editor.login(username="editor", password="pw")
    return reviewer, editor


def test_an_editor_assigns_selected_claims_to_a_reviewer(clients: tuple[Client, Client]) -> None:
    _, editor = clients
    items = [ReviewItemFactory() for _ in range(3)]
    selected = [items[0].pk, items[1].pk]
    reviewer = get_user_model().objects.get(username="reviewer")

    asked = editor.post(QUEUE, {"action": "assign_selected", "_selected_action": selected})
    assert asked.status_code == 200 and b'id="bulk-action"' in asked.content
    assert b"reviewer" in asked.content

    done = editor.post(
        QUEUE,
        {
            "action": "assign_selected",
            "_selected_action": selected,
            "apply": "1",
            "assignee": reviewer.pk,
        },
    )

    assert done.status_code == 302
    held = dict(ReviewItem.objects.values_list("pk", "assigned_to"))
    assert [held[i.pk] for i in items] == [reviewer.pk, reviewer.pk, None]
    assert set(ReviewItem.objects.filter(pk__in=selected).values_list("status", flat=True)) == {
        workflow.IN_REVIEW
    }


def test_a_reviewer_cannot_use_the_assign_action(clients: tuple[Client, Client]) -> None:
    reviewer, _ = clients
    item = ReviewItemFactory()
    me = get_user_model().objects.get(username="reviewer")

    response = reviewer.post(
        QUEUE,
        {
            "action": "assign_selected",
            "_selected_action": [item.pk],
            "apply": "1",
            "assignee": me.pk,
        },
    )

    assert response.status_code == 302
    assert "Only editors assign claims." in [str(m) for m in get_messages(response.wsgi_request)]
    item.refresh_from_db()
    assert item.assigned_to is None


def test_reject_selected_records_the_reason_and_the_note(clients: tuple[Client, Client]) -> None:
    reviewer, _ = clients
    items = [ReviewItemFactory() for _ in range(3)]
    selected = [items[0].pk, items[2].pk]

    asked = reviewer.post(QUEUE, {"action": "reject_selected", "_selected_action": selected})
    assert b'name="reason"' in asked.content and b'name="note"' in asked.content
    reviewer.post(
        QUEUE,
        {
            "action": "reject_selected",
            "_selected_action": selected,
            "apply": "1",
            "reason": "not_checkworthy",
            "note": "Greetings, not a claim.",
        },
    )

    rows = {
        pk: (reason, note)
        for pk, reason, note in ReviewItem.objects.values_list(
            "pk", "rejection_reason", "rejection_note"
        )
    }
    assert rows[items[0].pk] == rows[items[2].pk] == ("not_checkworthy", "Greetings, not a claim.")
    assert rows[items[1].pk] == ("", "")


def test_an_unknown_reason_asks_again_instead_of_rejecting(clients: tuple[Client, Client]) -> None:
    reviewer, _ = clients
    item = ReviewItemFactory()

    response = reviewer.post(
        QUEUE,
        {"action": "reject_selected", "_selected_action": [item.pk], "apply": "1", "reason": "meh"},
    )

    assert response.status_code == 200 and b"Select a valid choice" in response.content
    item.refresh_from_db()
    assert item.status == workflow.PENDING


def test_bulk_actions_refuse_more_than_the_limit(
    clients: tuple[Client, Client], monkeypatch: pytest.MonkeyPatch
) -> None:
    reviewer, _ = clients
    monkeypatch.setattr("reviews.admin.review_items.BULK_LIMIT", 2)
    items = [ReviewItemFactory() for _ in range(3)]

    response = reviewer.post(
        QUEUE,
        {
            "action": "reject_selected",
            "_selected_action": [i.pk for i in items],
            "apply": "1",
            "reason": "duplicate",
        },
    )

    assert "Select at most 2 claims at a time." in [
        str(m) for m in get_messages(response.wsgi_request)
    ]
    assert not ReviewItem.objects.filter(status=workflow.REJECTED).exists()
    assert admin_forms.BULK_LIMIT == 500


def test_assigning_without_choosing_a_reviewer_assigns_nobody(
    clients: tuple[Client, Client],
) -> None:
    _, editor = clients
    item = ReviewItemFactory()
    selected = {"action": "assign_selected", "_selected_action": [item.pk]}

    asked = editor.post(QUEUE, selected)
    done = editor.post(QUEUE, {**selected, "apply": "1"})

    assert asked.context["form"]["assignee"].value() is None
    assert b'<option value="" selected>---------</option>' in asked.content
    assert done.status_code == 200 and done.context["form"].errors["assignee"]
    item.refresh_from_db()
    assert item.assigned_to is None and item.status == workflow.PENDING


def test_rejecting_without_choosing_a_reason_rejects_nothing(
    clients: tuple[Client, Client],
) -> None:
    reviewer, _ = clients
    item = ReviewItemFactory()
    selected = {"action": "reject_selected", "_selected_action": [item.pk]}

    asked = reviewer.post(QUEUE, selected)
    done = reviewer.post(QUEUE, {**selected, "apply": "1", "note": "typed a note only"})

    assert b'<option value="" selected>---------</option>' in asked.content
    assert done.status_code == 200 and done.context["form"].errors["reason"]
    item.refresh_from_db()
    assert item.status == workflow.PENDING and item.rejection_reason == ""


@pytest.mark.parametrize("action", ["take", "reject_opinion"])
def test_actions_without_a_page_also_refuse_more_than_the_limit(
    clients: tuple[Client, Client], monkeypatch: pytest.MonkeyPatch, action: str
) -> None:
    reviewer, _ = clients
    monkeypatch.setattr("reviews.admin.review_items.BULK_LIMIT", 2)
    items = [ReviewItemFactory() for _ in range(3)]

    # "Select all": the whole queue, as the list's "select across pages" link sends it.
    response = reviewer.post(
        QUEUE, {"action": action, "_selected_action": [items[0].pk], "select_across": "1"}
    )

    assert "Select at most 2 claims at a time." in [
        str(m) for m in get_messages(response.wsgi_request)
    ]
    assert set(ReviewItem.objects.values_list("status", flat=True)) == {workflow.PENDING}


def test_a_reviewer_reopens_rejected_claims_and_others_are_refused(
    clients: tuple[Client, Client],
) -> None:
    reviewer, _ = clients
    rejected, pending = ReviewItemFactory(), ReviewItemFactory()
    ReviewItem.objects.filter(pk=rejected.pk).update(
        status=workflow.REJECTED, rejection_reason="opinion"
    )

    # As the list posts its actions: to itself, with its filters.
    done = reviewer.post(
        f"{QUEUE}?status=all",
        {"action": "reopen", "_selected_action": [rejected.pk, pending.pk]},
        follow=True,
    )

    said = [str(message) for message in done.context["messages"]]
    assert "1 claim(s) reopened." in said
    assert any("is pending, not rejected" in message for message in said)
    assert ReviewItem.objects.get(pk=rejected.pk).status == workflow.PENDING
