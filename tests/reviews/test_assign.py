"""Editors assign claims to reviewers through the same conditional update as taking one."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from reviews import workflow
from reviews.models import ReviewItem
from reviews.services import queue as services
from reviews.workflow import TransitionError
from tests.concurrency import at_once
from tests.factories import ReviewItemFactory, UserFactory


def _in(group: str, username: str) -> object:
    user = UserFactory(username=username)
    user.groups.add(Group.objects.get(name=group))
    return get_user_model().objects.get(pk=user.pk)  # fresh permission cache


@pytest.mark.django_db
def test_an_editor_assigns_a_pending_claim_to_a_reviewer_who_then_holds_it() -> None:
    editor, reviewer = _in("Editor", "ed"), _in("Reviewer", "rita")
    item = ReviewItemFactory()

    assigned = services.review_assign(item_id=item.pk, assignee=reviewer, by=editor)

    assert assigned.status == workflow.IN_REVIEW and assigned.assigned_to == reviewer
    last = item.history.latest()
    assert last.history_user == editor and last.history_change_reason == workflow.IN_REVIEW


@pytest.mark.django_db
def test_a_reviewer_cannot_assign_claims() -> None:
    reviewer, other = _in("Reviewer", "rita"), _in("Reviewer", "rob")
    item = ReviewItemFactory()

    with pytest.raises(TransitionError, match="may not assign"):
        services.review_assign(item_id=item.pk, assignee=other, by=reviewer)

    item.refresh_from_db()
    assert item.status == workflow.PENDING and item.assigned_to is None


@pytest.mark.django_db
def test_a_claim_can_only_be_assigned_to_someone_who_may_review() -> None:
    editor = _in("Editor", "ed")
    outsider = UserFactory(username="visitor")
    inactive = _in("Reviewer", "gone")
    inactive.is_active = False
    inactive.save()
    item = ReviewItemFactory()

    for assignee in (outsider, inactive):
        with pytest.raises(TransitionError, match="is not a reviewer"):
            services.review_assign(item_id=item.pk, assignee=assignee, by=editor)
    assert [u.username for u in services.review_assignees()] == ["ed"]


@pytest.mark.django_db
def test_a_claim_held_by_one_reviewer_cannot_be_assigned_to_another() -> None:
    editor, rita, rob = _in("Editor", "ed"), _in("Reviewer", "rita"), _in("Reviewer", "rob")
    item = ReviewItemFactory()
    services.review_take(item_id=item.pk, user=rita)

    with pytest.raises(TransitionError, match="held by rita"):
        services.review_assign(item_id=item.pk, assignee=rob, by=editor)

    services.review_reject(item_id=ReviewItemFactory().pk, user=editor, reason="opinion")
    rejected = ReviewItem.objects.get(status=workflow.REJECTED)
    with pytest.raises(TransitionError, match="cannot go from rejected"):
        services.review_assign(item_id=rejected.pk, assignee=rob, by=editor)


@pytest.mark.django_db(transaction=True)
def test_an_assignment_racing_a_take_has_exactly_one_winner(desk_roles: None) -> None:
    editor, rita, rob = _in("Editor", "ed"), _in("Reviewer", "rita"), _in("Reviewer", "rob")
    for _ in range(8):
        item = ReviewItemFactory()

        def act(who: object, item_id: int = item.pk) -> str:
            try:
                if who == "assign":
                    services.review_assign(item_id=item_id, assignee=rob, by=editor)
                else:
                    services.review_take(item_id=item_id, user=rita)
            except TransitionError:
                return f"{who} lost"
            return f"{who} won"

        outcomes = sorted(at_once(act, ["assign", "take"]))

        assert outcomes in (["assign lost", "take won"], ["assign won", "take lost"])
        item.refresh_from_db()
        assert item.assigned_to == (rob if outcomes[0] == "assign won" else rita)
