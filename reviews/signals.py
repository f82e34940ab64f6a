"""How the desk hears of intake: receivers connected in `ReviewsConfig.ready`."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from claims.models import Claim
from reviews.services.intake import claims_queue


def claims_stored_queue(
    sender: object, *, claims: Sequence[Claim], seen_at: datetime, **kwargs: Any
) -> None:
    """Newly extracted claims: clusters, queue entries and matching, in extraction's
    transaction (matching is sent once it commits)."""
    claims_queue(claims=claims, seen_at=seen_at)
