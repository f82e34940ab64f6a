"""Clusters of one claim made many times: each new claim's own, and reviewers' merges and
splits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Max, Min
from django.db.models.functions import Coalesce
from django.utils import timezone

from claims.models import Claim
from factcheck.db import rows_update
from reviews import workflow
from reviews.models import (
    Cluster,
    ClusterEvent,
    ClusterMember,
    ClusterSuggestion,
    FactCheckSuggestion,
    ReviewItem,
)
from reviews.services.queue import review_items_create, review_priorities_refresh
from reviews.services.records import fact_check_records_refresh


def clusters_assign(*, claims: Sequence[Claim], seen_at: datetime) -> list[Cluster]:
    """Give each new claim a cluster of its own; returns the clusters."""
    clusters = Cluster.objects.bulk_create(
        [Cluster(canonical=claim, first_seen_at=seen_at, last_seen_at=seen_at) for claim in claims]
    )
    ClusterMember.objects.bulk_create(
        [
            ClusterMember(claim=claim, cluster=cluster)
            for claim, cluster in zip(claims, clusters, strict=True)
        ]
    )
    return clusters


def clusters_grow(*, seen: dict[int, list[datetime]]) -> None:
    """Count the appearances that joined locked clusters (when each was seen, by cluster),
    without reading their other appearances back; one history row each, as a save writes."""
    clusters = list(Cluster.objects.filter(pk__in=list(seen)).order_by("pk"))
    for cluster in clusters:
        cluster.appearance_count += len(seen[cluster.pk])
        cluster.first_seen_at = min(cluster.first_seen_at, *seen[cluster.pk])
        cluster.last_seen_at = max(cluster.last_seen_at, *seen[cluster.pk])
    rows_update(Cluster, clusters, ["appearance_count", "first_seen_at", "last_seen_at"])
    Cluster.history.bulk_history_create(clusters, update=True)


def claims_match_enqueue(*, claim_ids: Sequence[int]) -> None:
    """Send claims to matching once the transaction that stored them commits, to start
    FACTCHECK_MATCH_GATHER_SECONDS later (with the claims stored meanwhile: `claims_gathered`)."""
    from reviews.tasks import claims_match  # the tasks call these services

    size = settings.FACTCHECK_MATCH_BATCH_SIZE
    wait = settings.FACTCHECK_MATCH_GATHER_SECONDS if settings.FACTCHECK_MATCH_GATHER else 0.0
    for start in range(0, len(claim_ids), size):
        batch = list(claim_ids[start : start + size])
        send = partial(claims_match.apply_async, (batch,), countdown=wait or None)
        transaction.on_commit(send, robust=True)


def claims_match_requeue(*, older_than_seconds: int, limit: int = 10_000) -> int:
    """Enqueue matching for claims that should have been matched by now."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    ids = list(
        ClusterMember.objects.filter(matched_at__isnull=True, created_at__lt=cutoff)
        .order_by("claim_id")
        .values_list("claim_id", flat=True)[:limit]
    )
    claims_match_enqueue(claim_ids=ids)
    return len(ids)


def cluster_recount(*, cluster: Cluster) -> Cluster:
    """Recompute a cluster's appearance count and first/last seen from its claims."""
    # Counted in the database: a claim repeated by hundreds of outlets would otherwise be
    # read back whole, with its articles, each time one more joins.
    seen = Coalesce("claim__article__published_at", "claim__article__received_at")
    found = ClusterMember.objects.filter(cluster=cluster).aggregate(
        n=Count("pk"), first=Min(seen), last=Max(seen)
    )
    if found["n"]:
        cluster.appearance_count = found["n"]
        cluster.first_seen_at = found["first"]
        cluster.last_seen_at = found["last"]
        cluster.save(update_fields=["appearance_count", "first_seen_at", "last_seen_at"])
    return cluster


class ClusterError(Exception):
    """A merge or split the rules refuse (a cluster in review, claims from two clusters)."""


def _queue_entry_removable(cluster: Cluster) -> bool:
    # Locked until the merge commits: a reviewer taking it meanwhile waits, then finds it gone,
    # instead of the merge deleting a claim (and its draft) someone had just taken.
    item = ReviewItem.objects.select_for_update().filter(claim_id=cluster.canonical_id).first()
    return item is None or (item.status == workflow.PENDING and item.assigned_to_id is None)


def clusters_merge(*, target: Cluster, sources: Sequence[Cluster], by: Any = None) -> Cluster:
    """Fold `sources` into `target`: their claims, suggestions and spread; their queue
    entries go, so the target's entry (and verdict) covers every appearance."""
    with transaction.atomic():
        ids = sorted({source.pk for source in sources} - {target.pk})
        locked = {
            cluster.pk: cluster
            for cluster in Cluster.objects.select_for_update()
            .filter(pk__in=[target.pk, *ids])
            .order_by("pk")
        }
        if target.pk not in locked or len(locked) != len(ids) + 1:
            raise ClusterError("a cluster to merge no longer exists; reload the page")
        for pk in ids:
            if not _queue_entry_removable(locked[pk]):
                raise ClusterError(
                    f"cluster {pk} is being reviewed or was checked; merge the other way round "
                    "or finish its review first"
                )
        moved = list(
            ClusterMember.objects.filter(cluster_id__in=ids).values_list("claim_id", flat=True)
        )
        canonicals = [locked[pk].canonical_id for pk in ids]
        ReviewItem.objects.filter(claim_id__in=canonicals).delete()
        ClusterMember.objects.filter(claim_id__in=moved).update(cluster=target)
        known: set[tuple[int | None, int | None]] = set(
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


def cluster_split(*, claims: Sequence[Claim], by: Any = None) -> Cluster:
    """Take claims wrongly matched out of their cluster into a new one with its own queue
    entry; matching never moves them back (they stay placed)."""
    with transaction.atomic():
        places = dict(
            ClusterMember.objects.filter(claim_id__in=[claim.pk for claim in claims]).values_list(
                "claim_id", "cluster_id"
            )
        )
        clusters = set(places.values())
        if not places or len(clusters) != 1 or len(places) != len({c.pk for c in claims}):
            raise ClusterError("choose claims of one cluster to split out")
        old = Cluster.objects.select_for_update().filter(pk__in=clusters).first()
        rows = list(
            ClusterMember.objects.select_for_update()
            .filter(claim_id__in=list(places), cluster=old)
            .select_related("claim__article")
            .order_by("claim_id")
        )
        if old is None or len(rows) != len(places):
            raise ClusterError("the claims moved meanwhile; reload the page")
        if old.appearance_count <= len(rows):
            raise ClusterError("splitting every claim out of a cluster leaves it as it was")
        if old.canonical_id in places:
            raise ClusterError(
                "the cluster's canonical claim holds its queue entry; split the others out"
            )
        now = timezone.now()
        new = Cluster.objects.create(canonical=rows[0].claim, first_seen_at=now, last_seen_at=now)
        ClusterMember.objects.filter(claim_id__in=list(places)).update(cluster=new)
        new = cluster_recount(cluster=new)
        old = cluster_recount(cluster=old)
        fact_check_records_refresh(cluster_ids=[old.pk, new.pk])
        review_items_create(clusters=[new])
        review_priorities_refresh(clusters=[old])
        ClusterEvent.objects.create(
            kind=ClusterEvent.Kind.SPLIT,
            cluster=new,
            claim_ids=sorted(places),
            other_cluster_ids=[old.pk],
            by=by,
        )
    return new


def fact_check_suggestions_decide(
    *, suggestion_ids: Sequence[int], confirm: bool, by: Any = None
) -> int:
    """A reviewer confirms or rejects suggested fact-checks; a rejected pair stays rejected.

    Only open suggestions are decided: a second reviewer's click does not overturn the first
    decision (the count returned says how many were still open).
    """
    status = (
        FactCheckSuggestion.Status.CONFIRMED if confirm else FactCheckSuggestion.Status.REJECTED
    )
    return FactCheckSuggestion.objects.filter(
        pk__in=suggestion_ids, status=FactCheckSuggestion.Status.SUGGESTED
    ).update(status=status, decided_by=by, decided_at=timezone.now())


def cluster_suggestions_dismiss(*, suggestion_ids: Sequence[int]) -> int:
    """Two clusters a reviewer judged to be different claims: never suggested again."""
    return ClusterSuggestion.objects.filter(
        pk__in=suggestion_ids, status=ClusterSuggestion.Status.OPEN
    ).update(status=ClusterSuggestion.Status.DISMISSED)
