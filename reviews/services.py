"""Writes for the review queue. Every state change goes through `_move`, checked against
`reviews.workflow` and made with a conditional UPDATE whose row count says who won."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from claims.models import Claim
from reviews import workflow
from reviews.models import ReviewItem
from reviews.workflow import TransitionError


def review_items_create(*, claims: Sequence[Claim]) -> list[ReviewItem]:
    """Queue each claim once, most check-worthy first."""
    return ReviewItem.objects.bulk_create(
        [ReviewItem(claim=claim, priority=claim.score) for claim in claims],
        ignore_conflicts=True,
    )


def _move(item_id: int, target: str, *, only_if: Q | None = None, **changes: Any) -> ReviewItem:
    """Move an item to `target` if the workflow allows it from its current state."""
    workflow_sources = workflow.sources_of(target)
    updated = ReviewItem.objects.filter(
        Q(pk=item_id, status__in=workflow_sources) & (only_if or Q())
    ).update(status=target, updated_at=timezone.now(), **changes)
    item = ReviewItem.objects.select_related("assigned_to").filter(pk=item_id).first()
    if item is None:
        raise TransitionError(f"there is no review item {item_id}")
    if not updated:
        if item.status == workflow.IN_REVIEW and item.assigned_to is not None:
            raise TransitionError(f"claim {item_id} is held by {item.assigned_to.get_username()}")
        workflow.check_transition(item.status, target)
        raise TransitionError(f"claim {item_id} changed meanwhile; reload it")
    return item


def review_take(*, item_id: int, user: AbstractBaseUser) -> ReviewItem:
    """Hold a pending claim for `user`; fails if someone else holds it."""
    return _move(
        item_id,
        workflow.IN_REVIEW,
        only_if=Q(status=workflow.PENDING, assigned_to__isnull=True),
        assigned_to=user,
        assigned_at=timezone.now(),
    )


def review_take_next(*, user: AbstractBaseUser) -> ReviewItem | None:
    """Hold the highest-priority unassigned pending claim for `user`, or None if none is left."""
    reviews_release_stale(older_than_seconds=settings.FACTCHECK_HOLD_SECONDS)
    with transaction.atomic():
        # SKIP LOCKED: concurrent reviewers each get a different claim, nobody waits.
        item = (
            ReviewItem.objects.select_for_update(skip_locked=True)
            .filter(status=workflow.PENDING, assigned_to__isnull=True)
            .order_by("-priority", "created_at")
            .first()
        )
        if item is None:
            return None
        return review_take(item_id=item.pk, user=user)


def review_release(*, item_id: int, user: AbstractBaseUser) -> ReviewItem:
    """Give a held claim back to the queue."""
    return _move(
        item_id,
        workflow.PENDING,
        only_if=Q(status=workflow.IN_REVIEW, assigned_to=user),
        assigned_to=None,
        assigned_at=None,
    )


def review_reject(
    *, item_id: int, user: AbstractBaseUser, reason: str, note: str = ""
) -> ReviewItem:
    """Reject a claim with one of the workflow's reasons."""
    if reason not in ReviewItem.RejectionReason.values:
        raise TransitionError(
            f"{reason!r} is not a rejection reason; use one of "
            f"{', '.join(ReviewItem.RejectionReason.values)}"
        )
    # A claim someone else holds is theirs to reject.
    return _move(
        item_id,
        workflow.REJECTED,
        only_if=~Q(status=workflow.IN_REVIEW) | Q(assigned_to=user),
        rejection_reason=reason,
        rejection_note=note,
        assigned_to=None,
        assigned_at=None,
    )


def reviews_release_stale(*, older_than_seconds: int) -> int:
    """Put claims held longer than the hold time back in the queue."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    return ReviewItem.objects.filter(status=workflow.IN_REVIEW, assigned_at__lt=cutoff).update(
        status=workflow.PENDING, assigned_to=None, assigned_at=None, updated_at=timezone.now()
    )


DEMO_USERS = ("reviewer", "editor")
# Until the review desk's roles exist, demo accounts get these models' permissions.
DEMO_PERMISSION_APPS = ("claims", "reviews")


def demo_accounts_ensure(*, password: str) -> list[str]:
    """Create (or reset) the demo staff accounts with the given password."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    user_model = get_user_model()
    permissions = list(
        Permission.objects.filter(content_type__app_label__in=DEMO_PERMISSION_APPS).exclude(
            codename__startswith="delete_"
        )
    )
    for username in DEMO_USERS:
        user, _ = user_model.objects.get_or_create(
            username=username, defaults={"email": f"{username}@example.org"}
        )
        user.is_staff = True
        user.set_password(password)
        user.save()
        user.user_permissions.set(permissions)
    return list(DEMO_USERS)
