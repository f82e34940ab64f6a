"""How the desk takes newly stored claims."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from claims.models import Claim
from reviews.models import Cluster
from reviews.services.clusters import claims_match_enqueue, clusters_assign
from reviews.services.copies import copies_join
from reviews.services.queue import review_items_create


def claims_queue(*, claims: Sequence[Claim], seen_at: datetime) -> list[Cluster]:
    """Take newly stored claims onto the desk: a copy of words matching placed lately joins
    their cluster at once (`copies_join`); every other claim gets a cluster and queue entry
    of its own, and goes to matching once the transaction that stored it commits. Returns
    the new clusters."""
    copies = copies_join(claims=claims, seen_at=seen_at)
    fresh = [claim for claim in claims if claim.pk not in copies]
    clusters = clusters_assign(claims=fresh, seen_at=seen_at)
    review_items_create(clusters=clusters)
    claims_match_enqueue(claim_ids=[claim.pk for claim in fresh])
    return clusters
