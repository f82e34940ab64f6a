"""Group claims into clusters: one claim, however many articles make it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone

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

    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    ids = list(
        Claim.objects.filter(matched_at__isnull=True, created_at__lt=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)[:limit]
    )
    claims_match_enqueue(claim_ids=ids)
    return len(ids)


class ClusterError(Exception):
    """A merge or split the rules refuse (a cluster in review, claims from two clusters)."""


def _queue_entry_removable(cluster: Cluster) -> bool:
    from reviews import workflow
    from reviews.models import ReviewItem

    # Locked until the merge commits: a reviewer taking it meanwhile waits, then finds it gone,
    # instead of the merge deleting a claim (and its draft) someone had just taken.
    item = ReviewItem.objects.select_for_update().filter(claim_id=cluster.canonical_id).first()
    return item is None or (item.status == workflow.PENDING and item.assigned_to_id is None)


def clusters_merge(
    *, target: Cluster, sources: Sequence[Cluster], by: object | None = None
) -> Cluster:
    """Fold `sources` into `target`: their claims, suggestions and spread; their queue
    entries go, so the target's entry (and verdict) covers every appearance."""
    from claims.models import ClusterEvent, ClusterSuggestion, FactCheckSuggestion
    from claims.services.matching import cluster_recount
    from reviews.models import ReviewItem
    from reviews.services.queue import review_priorities_refresh
    from reviews.services.records import fact_check_records_refresh

    with transaction.atomic():
        ids = sorted({source.pk for source in sources} - {target.pk})
        locked = {
            cluster.pk: cluster
            for cluster in Cluster.objects.select_for_update().filter(pk__in=[target.pk, *ids])
        }
        if target.pk not in locked or len(locked) != len(ids) + 1:
            raise ClusterError("a cluster to merge no longer exists; reload the page")
        for pk in ids:
            if not _queue_entry_removable(locked[pk]):
                raise ClusterError(
                    f"cluster {pk} is being reviewed or was checked; merge the other way round "
                    "or finish its review first"
                )
        moved = list(Claim.objects.filter(cluster_id__in=ids).values_list("pk", flat=True))
        canonicals = [locked[pk].canonical_id for pk in ids]
        ReviewItem.objects.filter(claim_id__in=canonicals).delete()
        Claim.objects.filter(pk__in=moved).update(cluster=target)
        known = set(
            FactCheckSuggestion.objects.filter(cluster=target).values_list(
                "fact_check_id", "review_item_id"
            )
        )
        for suggestion in FactCheckSuggestion.objects.filter(cluster_id__in=ids):
            if (suggestion.fact_check_id, suggestion.review_item_id) not in known:
                known.add((suggestion.fact_check_id, suggestion.review_item_id))
                suggestion.cluster = target
                suggestion.save(update_fields=["cluster"])
        ClusterSuggestion.objects.filter(
            cluster_id__in=[target.pk, *ids], other_id__in=[target.pk, *ids]
        ).update(status=ClusterSuggestion.Status.MERGED)
        Cluster.objects.filter(pk__in=ids).delete()
        merged = cluster_recount(cluster=locked[target.pk])
        fact_check_records_refresh(cluster_ids=[merged.pk])
        ClusterEvent.objects.create(
            kind=ClusterEvent.Kind.MERGE,
            cluster=merged,
            claim_ids=moved,
            other_cluster_ids=ids,
            by=by,
        )
        review_priorities_refresh(clusters=[merged])
    return merged


def cluster_split(*, claims: Sequence[Claim], by: object | None = None) -> Cluster:
    """Take claims wrongly matched out of their cluster into a new one with its own queue
    entry; matching never moves them back (they stay placed)."""
    from claims.models import ClusterEvent
    from claims.services.matching import cluster_recount
    from reviews.services.queue import review_items_create, review_priorities_refresh
    from reviews.services.records import fact_check_records_refresh

    with transaction.atomic():
        rows = list(
            Claim.objects.select_for_update()
            .filter(pk__in=[claim.pk for claim in claims])
            .order_by("pk")
        )
        clusters = {row.cluster_id for row in rows}
        if not rows or len(clusters) != 1 or None in clusters:
            raise ClusterError("choose claims of one cluster to split out")
        old = Cluster.objects.select_for_update().get(pk=rows[0].cluster_id)
        if old.appearance_count <= len(rows):
            raise ClusterError("splitting every claim out of a cluster leaves it as it was")
        if old.canonical_id in {row.pk for row in rows}:
            raise ClusterError(
                "the cluster's canonical claim holds its queue entry; split the others out"
            )
        now = timezone.now()
        new = Cluster.objects.create(canonical=rows[0], first_seen_at=now, last_seen_at=now)
        Claim.objects.filter(pk__in=[row.pk for row in rows]).update(cluster=new)
        new = cluster_recount(cluster=new)
        old = cluster_recount(cluster=old)
        fact_check_records_refresh(cluster_ids=[old.pk, new.pk])
        review_items_create(clusters=[new])
        review_priorities_refresh(clusters=[old])
        ClusterEvent.objects.create(
            kind=ClusterEvent.Kind.SPLIT,
            cluster=new,
            claim_ids=[row.pk for row in rows],
            other_cluster_ids=[old.pk],
            by=by,
        )
    return new


def fact_check_suggestions_decide(
    *, suggestion_ids: Sequence[int], confirm: bool, by: object | None = None
) -> int:
    """A reviewer confirms or rejects suggested fact-checks; a rejected pair stays rejected.

    Only open suggestions are decided: a second reviewer's click does not overturn the first
    decision (the count returned says how many were still open).
    """
    from claims.models import FactCheckSuggestion

    status = (
        FactCheckSuggestion.Status.CONFIRMED if confirm else FactCheckSuggestion.Status.REJECTED
    )
    return FactCheckSuggestion.objects.filter(
        pk__in=suggestion_ids, status=FactCheckSuggestion.Status.SUGGESTED
    ).update(status=status, decided_by=by, decided_at=timezone.now())


def cluster_suggestions_dismiss(*, suggestion_ids: Sequence[int]) -> int:
    """Two clusters a reviewer judged to be different claims: never suggested again."""
    from claims.models import ClusterSuggestion

    return ClusterSuggestion.objects.filter(
        pk__in=suggestion_ids, status=ClusterSuggestion.Status.OPEN
    ).update(status=ClusterSuggestion.Status.DISMISSED)
