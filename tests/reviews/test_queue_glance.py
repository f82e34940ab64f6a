"""The queue at a glance: band, first seen, status in colour, due dates, returned claims, and a
recency bonus that fades on schedule."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from reviews import workflow
from reviews.models import Cluster, ReviewItem
from reviews.services import publishing
from reviews.services import queue as services
from reviews.workflow import TransitionError
from tests.api import helpers as h
from tests.factories import ClaimFactory, ReviewItemFactory, UserFactory

pytestmark = pytest.mark.django_db
QUEUE = reverse("admin:reviews_reviewitem_changelist")


def _row(html: str, text: str) -> str:
    """The table row that holds `text`."""
    for row in re.findall(r"<tr[^>]*>.*?</tr>", html, re.S):
        if text in row:
            return row
    raise AssertionError(f"no row with {text!r}")


@pytest.fixture
def editor_client(desk_roles: None) -> tuple[Client, object]:
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name="Editor"))
    client = Client()
    client.force_login(user)
    return client, user


def test_each_row_shows_band_first_seen_appearances_status_and_reasons(
    reviewer_client: Client,
) -> None:
    item = ReviewItemFactory(claim=ClaimFactory(text="Rents rose 40 percent.", score=0.9))
    three_days = timezone.now() - timedelta(days=3)
    Cluster.objects.filter(pk=item.claim.membership.cluster_id).update(
        appearance_count=12, first_seen_at=three_days
    )

    row = _row(reviewer_client.get(QUEUE).content.decode(), "Rents rose 40 percent.")

    assert re.search(r'class="[^"]*queue-band[^"]*"[^>]*>high<', row)
    assert ">3 d<" in row
    assert re.search(r'class="[^"]*queue-status[^"]*bg-|queue-status', row) and "Pending" in row
    assert "repeated in 12 articles" in row and "high check-worthiness" in row


def test_a_status_has_its_colour(reviewer_client: Client) -> None:
    item = ReviewItemFactory(claim=ClaimFactory(text="Held claim."))
    services.review_take(item_id=item.pk, user=UserFactory())

    row = _row(reviewer_client.get(QUEUE).content.decode(), "Held claim.")

    status = re.search(r'<span class="([^"]*)"[^>]*>In review</span>', row)
    assert status is not None and "bg-blue-100" in status.group(1)


def test_an_editor_sets_a_due_date_and_an_overdue_claim_says_so(
    editor_client: tuple[Client, object], reviewer_client: Client
) -> None:
    client, _ = editor_client
    late = ReviewItemFactory(claim=ClaimFactory(text="Late claim."))
    today = ReviewItemFactory(claim=ClaimFactory(text="Due claim."))

    asked = client.post(QUEUE, {"action": "set_due_date", "_selected_action": [late.pk]})
    assert asked.status_code == 200 and b'name="due_on"' in asked.content
    yesterday = timezone.localdate() - timedelta(days=1)
    client.post(
        QUEUE,
        {
            "action": "set_due_date",
            "_selected_action": [late.pk],
            "apply": "1",
            "due_on": yesterday.isoformat(),
        },
    )
    client.post(
        QUEUE,
        {
            "action": "set_due_date",
            "_selected_action": [today.pk],
            "apply": "1",
            "due_on": timezone.localdate().isoformat(),
        },
    )

    assert ReviewItem.objects.get(pk=late.pk).due_on == yesterday
    html = reviewer_client.get(QUEUE).content.decode()
    assert "overdue" in _row(html, "Late claim.") and "overdue" not in _row(html, "Due claim.")
    assert ">today<" in _row(html, "Due claim.")
    overdue = reviewer_client.get(QUEUE, {"due": "overdue"}).context["cl"].result_list
    assert [i.pk for i in overdue] == [late.pk]
    assert ReviewItem.history.filter(id=late.pk, history_change_reason="due date").exists()


def test_only_editors_set_due_dates(reviewer_client: Client) -> None:
    item = ReviewItemFactory()
    reviewer = UserFactory()

    with pytest.raises(TransitionError, match="editors set them"):
        services.review_due_set(item_ids=[item.pk], due_on=timezone.localdate(), by=reviewer)
    reviewer_client.post(
        QUEUE,
        {
            "action": "set_due_date",
            "_selected_action": [item.pk],
            "apply": "1",
            "due_on": timezone.localdate().isoformat(),
        },
    )

    assert ReviewItem.objects.get(pk=item.pk).due_on is None


def test_a_claim_sent_back_is_flagged_returned_to_its_reviewer(reviewer_client: Client) -> None:
    from django.contrib.auth import get_user_model

    reviewer = get_user_model().objects.get(username="reviewer")
    item = h.queued("Sent back claim.")
    h.draft(item, reviewer)
    publishing.verdict_submit(item_id=item.pk, user=reviewer)
    publishing.verdict_send_back(item_id=item.pk, editor=h.editor(), note="Cite the index.")
    other = h.queued("Someone else's claim.")
    h.draft(other, UserFactory())

    html = reviewer_client.get(QUEUE).content.decode()

    assert "returned to you" in _row(html, "Sent back claim.")
    assert "returned" not in _row(html, "Someone else&#x27;s claim.")


def test_the_recency_bonus_fades_on_schedule_and_leaves_older_claims_alone() -> None:
    now = timezone.now()
    fresh = ReviewItemFactory(claim=ClaimFactory(score=0.6))
    Cluster.objects.filter(pk=fresh.claim.membership.cluster_id).update(last_seen_at=now)
    fresh.last_seen_at = now
    fresh.priority = 1.6
    fresh.save()
    old = ReviewItemFactory(claim=ClaimFactory(score=0.9), priority=0.9)
    old.last_seen_at = now - timedelta(days=30)
    old.save()
    done = ReviewItemFactory(
        claim=ClaimFactory(score=0.6), status=workflow.REJECTED, rejection_reason="opinion"
    )
    ReviewItem.objects.filter(pk=done.pk).update(last_seen_at=now, priority=1.6)

    changed = services.review_priorities_age(now=now + timedelta(hours=24))

    assert changed == 1
    assert ReviewItem.objects.get(pk=fresh.pk).priority == pytest.approx(0.6 + 0.5)
    assert ReviewItem.objects.get(pk=old.pk).priority == 0.9
    assert ReviewItem.objects.get(pk=done.pk).priority == 1.6
