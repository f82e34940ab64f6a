"""Where a claim sits in the queue: check-worthiness, how often it is repeated, how recent it is.

Recency is a bounded bonus: a claim seen just now gains `FACTCHECK_QUEUE_RECENCY_WEIGHT` (by
default the whole 0-1 check-worthiness range), fading to nothing over
`FACTCHECK_QUEUE_RECENCY_HOURS`. New claims are lifted; a claim from an old article (or one
that has waited) is ranked by its check-worthiness and spread like any other, never pushed
below everything as an unbounded offset from its article's date would. The priority is stored
and indexed; `review_priorities_age` (every few minutes) lowers the bonus of the open claims
still inside the window, so the queue stays one index walk.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

# Check-worthiness bands, shown in the queue and used by its filter and the start page.
HIGH, MEDIUM = 0.8, 0.65


def repetition(appearances: int) -> float:
    """The priority a claim gains from being repeated: the repeat weight per doubling."""
    return settings.FACTCHECK_QUEUE_REPEAT_WEIGHT * math.log2(max(appearances, 1))


def recency(last_seen: datetime, *, now: datetime | None = None) -> float:
    """The bounded bonus of a claim last seen at `last_seen`: full now, nothing after the window."""
    window = settings.FACTCHECK_QUEUE_RECENCY_HOURS * 3600
    # A date in the future (a mis-dated article) counts as now, not as more than new.
    age = max(0.0, ((now or timezone.now()) - last_seen).total_seconds())
    return settings.FACTCHECK_QUEUE_RECENCY_WEIGHT * max(0.0, 1.0 - age / window)


def recency_window() -> timedelta:
    return timedelta(hours=settings.FACTCHECK_QUEUE_RECENCY_HOURS)


def review_priority(
    *, score: float, appearances: int, last_seen: datetime, now: datetime | None = None
) -> float:
    """The queue's sort key: higher is reviewed first."""
    return score + repetition(appearances) + recency(last_seen, now=now)


def band(score: float) -> str:
    """The check-worthiness band of a score: high, medium or low."""
    if score >= HIGH:
        return "high"
    return "medium" if score >= MEDIUM else "low"


def priority_reasons(
    *,
    score: float,
    appearances: int,
    first_seen: datetime | None,
    last_seen: datetime | None,
    now: datetime | None = None,
) -> list[str]:
    """The priority's parts that matter, as phrases: spread, newness, check-worthiness."""
    now = now or timezone.now()
    reasons = []
    if appearances > 1:
        reasons.append(f"repeated in {appearances} articles")
    day = timedelta(hours=24)
    if first_seen is not None and now - first_seen < day:
        reasons.append("new today")
    elif last_seen is not None and now - last_seen < day:
        reasons.append("seen again today")
    elif last_seen is not None and recency(last_seen, now=now) > 0:
        reasons.append("recent")
    reasons.append(f"{band(score)} check-worthiness")
    return reasons
