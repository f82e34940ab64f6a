"""Group claims into clusters: one claim, however many articles make it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.conf import settings
from django.db import transaction

from claims.models import Claim, Cluster


def clusters_assign(*, claims: Sequence[Claim], seen_at: datetime) -> list[Cluster]:
    """Give each new claim a cluster; returns the clusters that are new."""
    clusters = Cluster.objects.bulk_create(
        [Cluster(canonical=claim, first_seen_at=seen_at, last_seen_at=seen_at) for claim in claims]
    )
    for claim, cluster in zip(claims, clusters, strict=True):
        claim.cluster = cluster
    Claim.objects.bulk_update(claims, ["cluster"], batch_size=500)
    return clusters


def claims_match_enqueue(*, claim_ids: Sequence[int]) -> None:
    """Send new claims to matching once the transaction that stored them commits."""
    from claims.tasks import claims_match

    size = settings.FACTCHECK_MATCH_BATCH_SIZE
    for start in range(0, len(claim_ids), size):
        batch = list(claim_ids[start : start + size])
        transaction.on_commit(lambda batch=batch: claims_match.delay(batch), robust=True)


def claims_match_requeue(*, older_than_seconds: int, limit: int = 10_000) -> int:
    """Enqueue matching for claims that should have been matched by now."""
    from datetime import timedelta

    from django.utils import timezone

    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    ids = list(
        Claim.objects.filter(matched_at__isnull=True, created_at__lt=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    claims_match_enqueue(claim_ids=ids)
    return len(ids)
