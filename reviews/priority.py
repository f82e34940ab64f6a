"""Where a claim sits in the queue: check-worthiness, how often it is repeated, how recent it is."""

from __future__ import annotations

import math
from datetime import datetime

from django.conf import settings

# Recency enters as a growing offset rather than a decaying weight, so the stored priority never
# needs recomputing as time passes: a claim seen `FACTCHECK_QUEUE_RECENCY_HOURS` later gains as
# much as the whole check-worthiness range. The epoch only keeps the numbers small.
_EPOCH = 1_767_225_600  # 2026-01-01T00:00:00Z


def review_priority(*, score: float, appearances: int, last_seen: datetime) -> float:
    """The queue's sort key: higher is reviewed first."""
    recency_seconds = settings.FACTCHECK_QUEUE_RECENCY_HOURS * 3600
    repetition = settings.FACTCHECK_QUEUE_REPEAT_WEIGHT * math.log2(max(appearances, 1))
    recency = (last_seen.timestamp() - _EPOCH) / recency_seconds
    return score + repetition + recency
