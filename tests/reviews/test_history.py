"""Workflow moves are queryset UPDATEs; each one still leaves a history row naming its user."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.utils import timezone

from reviews import workflow
from reviews.models import ReviewItem
from reviews.services import publishing
from reviews.services import queue as services
from tests.factories import ReviewItemFactory, UserFactory


def _moves(item: ReviewItem) -> list[tuple[str, str | None]]:
    rows = item.history.order_by("history_date", "history_id")
    return [(row.status, row.history_user.username if row.history_user else None) for row in rows]


@pytest.mark.django_db
def test_each_workflow_move_is_recorded_with_the_user_who_made_it() -> None:
    reviewer, editor = UserFactory(username="rita"), UserFactory(username="ed")
    editor.user_permissions.add(Permission.objects.get(codename="approve_verdict"))
    editor = type(editor).objects.get(pk=editor.pk)
    item = ReviewItemFactory()

    services.review_take(item_id=item.pk, user=reviewer)
    verdict = publishing.verdict_save(
        item_id=item.pk, user=reviewer, rating="false", explanation="No.", summary=""
    )
    for n in range(2):
        publishing.source_add(
            verdict_id=verdict.pk,
            user=reviewer,
            url=f"https://example.org/{n}",
            title="",
            publisher="",
            stance="refutes",
            quote="",
            archive=False,
        )
    publishing.verdict_submit(item_id=item.pk, user=reviewer)
    publishing.verdict_approve(item_id=item.pk, editor=editor)

    assert _moves(item) == [
        (workflow.PENDING, None),  # created by the factory's save()
        (workflow.IN_REVIEW, "rita"),
        (workflow.AWAITING_APPROVAL, "rita"),
        (workflow.PUBLISHED, "ed"),
    ]
    verdict_users = [row.history_user.username for row in verdict.history.order_by("history_id")]
    assert verdict_users == ["rita", "ed"]
    assert {row.history_user.username for row in verdict.sources.first().history.all()} == {"rita"}


@pytest.mark.django_db
def test_a_refused_move_leaves_no_history() -> None:
    holder, other = UserFactory(), UserFactory()
    item = ReviewItemFactory()
    services.review_take(item_id=item.pk, user=holder)

    with pytest.raises(workflow.TransitionError):
        services.review_take(item_id=item.pk, user=other)

    assert len(_moves(item)) == 2  # created, then taken by the holder


@pytest.mark.django_db
def test_a_lapsed_hold_is_recorded_without_a_user() -> None:
    reviewer = UserFactory(username="rita")
    item = ReviewItemFactory()
    services.review_take(item_id=item.pk, user=reviewer)
    ReviewItem.objects.filter(pk=item.pk).update(assigned_at=timezone.now() - timedelta(hours=2))

    assert services.reviews_release_stale(older_than_seconds=3600) == 1

    assert _moves(item)[1:] == [(workflow.IN_REVIEW, "rita"), (workflow.PENDING, None)]
    assert item.history.latest().history_change_reason == "hold lapsed"
