"""The start page's figures for one user: their own work, the queue by band, what was published.

Every count is one index range (reviews.models.queue's partial indexes on the open claims, the
published verdicts' index), so the page stays fast with a hundred thousand claims queued
(bench/start_page.py).
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Count, Q
from django.utils import timezone

from reviews import workflow
from reviews.models import ReviewItem, Verdict
from reviews.priority import HIGH, MEDIUM
from reviews.selectors import notifications_unread_count, review_items_returned
from reviews.services.publishing import APPROVE_PERMISSION

# The median time to publication is taken over the fact-checks first published this long ago.
MEDIAN_DAYS = 30
HELD_SHOWN = 10


@dataclass
class StartPage:
    held: int
    returned: int
    due_today: int
    overdue: int
    by_band: dict[str, int]
    published_today: int
    published_this_week: int
    median_to_publish: timedelta | None
    # The user's unread notifications (reviews.services.notifications).
    notifications: int = 0
    # None for a user who may not approve: the card is not theirs.
    awaiting_approval: int | None = None
    # Of those, corrections of published fact-checks (reviews.services.corrections).
    corrections_awaiting: int = 0
    held_items: list[ReviewItem] = field(default_factory=list)

    @property
    def median_text(self) -> str:
        """The median as a reviewer reads it: "3 h 20 min", "2 d 4 h", "under 1 min", or a
        dash when nothing was published."""
        if self.median_to_publish is None:
            return "–"
        minutes = int(self.median_to_publish.total_seconds() // 60)
        if minutes == 0:
            # Rounded down it would read "0 min", as if no time had passed at all.
            return "under 1 min"
        days, rest = divmod(minutes, 24 * 60)
        hours, minutes = divmod(rest, 60)
        if days:
            return f"{days} d {hours} h"
        return f"{hours} h {minutes} min" if hours else f"{minutes} min"


def _local_midnight(moment: datetime) -> datetime:
    return moment.replace(hour=0, minute=0, second=0, microsecond=0)


def start_page(*, user: AbstractBaseUser, now: datetime | None = None) -> StartPage:
    """What `user` finds on the start page."""
    now = timezone.localtime(now or timezone.now())
    today = now.date()
    midnight = _local_midnight(now)
    week_start = midnight - timedelta(days=now.weekday())

    held = ReviewItem.objects.filter(assigned_to=user.pk, status=workflow.IN_REVIEW)
    open_items = ReviewItem.objects.filter(status__in=workflow.OPEN)
    due = open_items.filter(due_on__lte=today).aggregate(
        due=Count("pk"), overdue=Count("pk", filter=Q(due_on__lt=today))
    )
    bands = open_items.aggregate(
        high=Count("pk", filter=Q(score__gte=HIGH)),
        medium=Count("pk", filter=Q(score__gte=MEDIUM, score__lt=HIGH)),
        low=Count("pk", filter=Q(score__lt=MEDIUM)),
    )
    first_versions = Verdict.objects.filter(published_at__isnull=False, version=1)
    published = first_versions.filter(published_at__gte=week_start).aggregate(
        week=Count("pk"), today=Count("pk", filter=Q(published_at__gte=midnight))
    )
    page = StartPage(
        held=held.count(),
        returned=review_items_returned(held).count(),
        due_today=due["due"],
        overdue=due["overdue"],
        by_band=bands,
        published_today=published["today"],
        published_this_week=published["week"],
        median_to_publish=median_time_to_publish(now=now),
        notifications=notifications_unread_count(user_id=user.pk),
        held_items=list(
            held.select_related("claim").order_by("due_on", "-priority", "id")[:HELD_SHOWN]
        ),
    )
    if user.has_perm(APPROVE_PERMISSION):  # type: ignore[attr-defined]
        # Four eyes: a verdict this editor wrote waits for another editor.
        page.awaiting_approval = (
            ReviewItem.objects.filter(status=workflow.AWAITING_APPROVAL)
            .exclude(verdicts__published_at__isnull=True, verdicts__author=user.pk)
            .count()
        )
        # Drafts are few (one per claim at most), found through the one-draft index.
        page.corrections_awaiting = (
            Verdict.objects.filter(
                published_at__isnull=True, review_item__status__in=workflow.CHECKED
            )
            .exclude(author=user.pk)
            .count()
        )
        page.awaiting_approval += page.corrections_awaiting
    return page


def median_time_to_publish(*, now: datetime | None = None) -> timedelta | None:
    """Median time from a claim's entering the queue to its first publication, recently."""
    since = (now or timezone.now()) - timedelta(days=MEDIAN_DAYS)
    rows = Verdict.objects.filter(
        published_at__gte=since, version=1, published_at__isnull=False
    ).values_list("published_at", "review_item__created_at")
    waits = [(published - queued).total_seconds() for published, queued in rows]
    return timedelta(seconds=statistics.median(waits)) if waits else None
