"""Writes for the review queue. Every state change goes through `_move`, checked against
`reviews.workflow` and made with a conditional UPDATE whose row count says who won."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Group, Permission
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from claims.models import Claim
from factcheck.db import rows_update
from reviews import workflow
from reviews.models import Cluster, ReviewItem
from reviews.priority import recency_window, review_priority
from reviews.services import notifications
from reviews.workflow import TransitionError


def review_items_create(*, clusters: Sequence[Cluster]) -> list[ReviewItem]:
    """Queue each new cluster once, under its canonical claim."""
    # No history row for the insert: on the extraction hot path it cost about a third of
    # the throughput (bench/ingest_e2e.py); an item's history starts with its first move.
    return ReviewItem.objects.bulk_create(
        [
            ReviewItem(
                claim=cluster.canonical,
                priority=review_priority(
                    score=cluster.canonical.score,
                    appearances=cluster.appearance_count,
                    last_seen=cluster.last_seen_at,
                ),
                last_seen_at=cluster.last_seen_at,
                **review_item_filter_fields(cluster.canonical),
            )
            for cluster in clusters
        ],
        ignore_conflicts=True,
    )


def review_item_filter_fields(claim: Claim) -> dict[str, Any]:
    """The claim's attributes a review item keeps for the queue's filters."""
    return {
        "speaker": claim.speaker,
        "claim_type": claim.claim_type,
        "score": claim.score,
        "publisher_id": claim.article.publisher_id,
        "feed_id": claim.article.feed_id,
    }


def review_priorities_refresh(*, clusters: Sequence[Cluster]) -> int:
    """Recompute the queue priority of these clusters' items, e.g. after they gained appearances.

    Call it with the clusters as saved (appearance count and last sighting up to date).
    """
    by_canonical = {cluster.canonical_id: cluster for cluster in clusters}
    items = list(ReviewItem.objects.filter(claim_id__in=by_canonical).only("pk", "claim_id"))
    for item in items:
        cluster = by_canonical[item.claim_id]
        item.priority = review_priority(
            score=cluster.canonical.score,
            appearances=cluster.appearance_count,
            last_seen=cluster.last_seen_at,
        )
        item.last_seen_at = cluster.last_seen_at
    # No history row: the priority is derived data, not a reviewer's decision.
    return rows_update(ReviewItem, items, ["priority", "last_seen_at"])


AGE_BATCH = 1000


def review_priorities_age(*, now: datetime | None = None) -> int:
    """Lower the recency bonus of the open claims seen within the recency window, as it fades.

    Run every few minutes (beat): between runs a bonus is at most that much too high. Claims
    seen before the window already have no bonus and are not read.
    """
    now = now or timezone.now()
    # A margin of one more hour catches the claims whose bonus reached zero since the last run.
    since = now - recency_window() - timedelta(hours=1)
    rows = (
        ReviewItem.objects.filter(status__in=workflow.OPEN, last_seen_at__gte=since)
        .order_by()
        .values_list("pk", "score", "claim__membership__cluster__appearance_count", "last_seen_at")
    )
    changed = 0
    batch: list[ReviewItem] = []
    for pk, score, appearances, last_seen in rows.iterator(chunk_size=AGE_BATCH):
        assert last_seen is not None  # the filter keeps only rows that have one
        priority = review_priority(
            score=score, appearances=appearances or 1, last_seen=last_seen, now=now
        )
        batch.append(ReviewItem(pk=pk, priority=priority))
        if len(batch) >= AGE_BATCH:
            changed += ReviewItem.objects.bulk_update(batch, ["priority"])
            batch = []
    if batch:
        changed += ReviewItem.objects.bulk_update(batch, ["priority"])
    return changed


def review_due_set(*, item_ids: Sequence[int], due_on: date | None, by: AbstractBaseUser) -> int:
    """An editor sets (or clears, with None) the date these claims are due by."""
    if not by.has_perm(ASSIGN_PERMISSION):  # type: ignore[attr-defined]
        raise TransitionError(f"{by.get_username()} may not set due dates: editors set them")
    items = list(ReviewItem.objects.filter(pk__in=item_ids))
    for item in items:
        item.due_on = due_on
        item._history_user = by  # type: ignore[attr-defined]
        item._change_reason = "due date"  # type: ignore[attr-defined]
    # Saved one by one (a few hundred at most), so each change is in the claim's history.
    with transaction.atomic():
        for item in items:
            item.save(update_fields=["due_on", "updated_at"])
    return len(items)


def _move(
    item_id: int,
    target: str,
    *,
    by: AbstractBaseUser | None,
    only_if: Q | None = None,
    **changes: Any,
) -> ReviewItem:
    """Move an item to `target` if the workflow allows it from its current state."""
    workflow_sources = workflow.sources_of(target)
    with transaction.atomic():
        updated = ReviewItem.objects.filter(
            Q(pk=item_id, status__in=workflow_sources) & (only_if or Q())
        ).update(status=target, updated_at=timezone.now(), **changes)
        item = ReviewItem.objects.select_related("assigned_to").filter(pk=item_id).first()
        if item is None:
            raise TransitionError(f"there is no claim {item_id} in the review queue")
        if not updated:
            if item.status == workflow.IN_REVIEW and item.assigned_to is not None:
                holder = item.assigned_to.get_username()
                raise TransitionError(f"claim {item_id} is held by {holder}")
            workflow.check_transition(item.status, target)
            raise TransitionError(f"claim {item_id} changed meanwhile; reload it")
        _history_record([item], by=by, reason=target)
    return item


def _history_record(
    items: Sequence[ReviewItem], *, by: AbstractBaseUser | None, reason: str
) -> None:
    # A queryset UPDATE sends no signals, so simple-history would miss every workflow move.
    ReviewItem.history.bulk_history_create(
        items, update=True, default_user=by, default_change_reason=reason
    )


def review_take(*, item_id: int, user: AbstractBaseUser) -> ReviewItem:
    """Hold a pending claim for `user`; fails if someone else holds it."""
    return _move(
        item_id,
        workflow.IN_REVIEW,
        by=user,
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
            .order_by("-priority", "id")
            .first()
        )
        if item is None:
            return None
        return review_take(item_id=item.pk, user=user)


def review_assign(*, item_id: int, assignee: AbstractBaseUser, by: AbstractBaseUser) -> ReviewItem:
    """An editor hands a pending claim to a reviewer, who then holds it as if they took it."""
    if not by.has_perm(ASSIGN_PERMISSION):  # type: ignore[attr-defined]
        raise TransitionError(f"{by.get_username()} may not assign claims: editors assign")
    if not (
        assignee.is_active  # type: ignore[attr-defined]
        and assignee.is_staff  # type: ignore[attr-defined]
        and assignee.has_perm(REVIEW_PERMISSION)  # type: ignore[attr-defined]
    ):
        raise TransitionError(f"{assignee.get_username()} is not a reviewer")
    with transaction.atomic():
        # The same conditional update as `review_take`: a claim someone holds stays theirs.
        item = _move(
            item_id,
            workflow.IN_REVIEW,
            by=by,
            only_if=Q(status=workflow.PENDING, assigned_to__isnull=True),
            assigned_to=assignee,
            assigned_at=timezone.now(),
        )
        notifications.notify(
            users=[assignee],
            kind=notifications.Kind.ASSIGNED,
            item=item,
            actor=by,
            message=f"{by.get_username()} assigned you a claim: {notifications.claim_words(item)}",
        )
    return item


def review_assignees() -> list[AbstractBaseUser]:
    """The active staff who may review claims: who an editor can assign work to."""
    app_label, codename = REVIEW_PERMISSION.split(".")
    permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
    users = get_user_model().objects.filter(is_active=True, is_staff=True)
    return list(
        (
            users.filter(groups__permissions=permission)
            | users.filter(user_permissions=permission)
            | users.filter(is_superuser=True)
        )
        .distinct()
        .order_by("username")
    )


def review_release(*, item_id: int, user: AbstractBaseUser) -> ReviewItem:
    """Give a held claim back to the queue."""
    return _move(
        item_id,
        workflow.PENDING,
        by=user,
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
    only_if = ~Q(status=workflow.IN_REVIEW) | Q(assigned_to=user)
    if not user.has_perm(ASSIGN_PERMISSION):  # type: ignore[attr-defined]
        # A submitted verdict waits for an editor's decision (four eyes), not a reviewer's.
        if ReviewItem.objects.filter(pk=item_id, status=workflow.AWAITING_APPROVAL).exists():
            raise TransitionError(f"claim {item_id} awaits an editor's approval: editors reject it")
        only_if &= ~Q(status=workflow.AWAITING_APPROVAL)
    return _move(
        item_id,
        workflow.REJECTED,
        by=user,
        only_if=only_if,
        rejection_reason=reason,
        rejection_note=note,
        assigned_to=None,
        assigned_at=None,
    )


def review_reopen(*, item_id: int, user: AbstractBaseUser) -> ReviewItem:
    """Put a rejected claim back in the queue (the rejection was a mistake).

    Its reason and note stay in the item's history; cleared here, the claim no longer counts
    as rejected in the queue's filters or in the check-worthiness training data.
    """
    status = ReviewItem.objects.filter(pk=item_id).values_list("status", flat=True).first()
    if status is not None and status != workflow.REJECTED:
        raise TransitionError(f"claim {item_id} is {workflow.label(status)}, not rejected")
    return _move(
        item_id,
        workflow.PENDING,
        by=user,
        only_if=Q(status=workflow.REJECTED),
        rejection_reason="",
        rejection_note="",
    )


def reviews_release_stale(*, older_than_seconds: int) -> int:
    """Put claims held longer than the hold time back in the queue."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    with transaction.atomic():
        # A claim a reviewer is saving at this moment is left to the next sweep.
        stale = list(
            ReviewItem.objects.select_for_update(skip_locked=True)
            .filter(status=workflow.IN_REVIEW, assigned_at__lt=cutoff)
            .values_list("pk", flat=True)
        )
        if not stale:
            return 0
        released = ReviewItem.objects.filter(pk__in=stale).update(
            status=workflow.PENDING, assigned_to=None, assigned_at=None, updated_at=timezone.now()
        )
        _history_record(
            list(ReviewItem.objects.filter(pk__in=stale)), by=None, reason="hold lapsed"
        )
    return released


# Editors assign (the permission that also lets them approve); whoever may change a review
# item may hold one.
ASSIGN_PERMISSION = "reviews.approve_verdict"
REVIEW_PERMISSION = "reviews.change_reviewitem"

# Roles are groups, created with their permissions by migration reviews 0005_roles.
REVIEWER_GROUP = "Reviewer"
EDITOR_GROUP = "Editor"
DEMO_USERS = {"reviewer": REVIEWER_GROUP, "editor": EDITOR_GROUP}


def demo_accounts_ensure(*, password: str) -> list[str]:
    """Create the demo staff accounts, each in its role's group only, with this password
    (an account that has it already keeps its password hash, and so its sessions)."""
    user_model = get_user_model()
    for username, group_name in DEMO_USERS.items():
        user, _ = user_model.objects.get_or_create(
            username=username, defaults={"email": f"{username}@example.org"}
        )
        user.is_staff = True
        if not user.check_password(password):
            user.set_password(password)
        user.save()
        user.groups.set([Group.objects.get(name=group_name)])
        user.user_permissions.clear()
    return list(DEMO_USERS)
