"""A wire story's copies: a claim stored with the same words as a claim matching placed lately
joins that claim's cluster as extraction stores it.

Matching would find the placed claim as the copy's best candidate and move the copy into its
cluster, deleting the cluster and queue entry extraction had just given it. Joining at once
spares those writes and the matching task, and the copy never stands in the queue on its own
meanwhile, where a reviewer could take it. Matching also ranks the fact-checks for each claim
it places, so it records, for each text it places, where and when (`RankedText`); a copy
joins as it is stored only while matching ranked the fact-checks for those very words within
FACTCHECK_MATCH_COPY_SECONDS. After that the next copy goes through matching, which ranks
them again: a fact-check imported or published meanwhile reaches the cluster at most that
much later than if every copy went through matching.

A cluster, or its queue entry, that another transaction holds locked (a matching batch
writing, a reviewer's merge, an editor publishing) is passed over, not waited for: its copies
go through matching like any other claim, and extraction never waits on the desk's locks.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from claims.models import Claim
from claims.services.embeddings import claims_vectors_copy
from factcheck.db import Expired, rows_expire
from reviews.models import Cluster, ClusterEvent, ClusterMember, RankedText, ReviewItem
from reviews.services.clusters import clusters_grow
from reviews.services.queue import review_priorities_refresh
from reviews.services.records import fact_check_records_refresh

# A copy joins with the score of a word-for-word match.
COPY_SCORE = 1.0


def copies_join(*, claims: Sequence[Claim], seen_at: datetime) -> set[int]:
    """Place each newly stored claim whose words matching placed lately in the cluster it
    placed them in; the ids of the claims placed (the others are left to matching)."""
    window = settings.FACTCHECK_MATCH_COPY_SECONDS
    if not window or not claims:
        return set()
    digests = {claim.pk: RankedText.digest_of(claim.text) for claim in claims}
    ranked = {
        row.digest: row
        for row in RankedText.objects.filter(
            digest__in=set(digests.values()),
            ranked_at__gte=timezone.now() - timedelta(seconds=window),
        )
    }
    if not ranked:
        return set()
    canonicals = dict(
        Cluster.objects.select_for_update(skip_locked=True)
        .filter(pk__in={row.cluster_id for row in ranked.values()})
        .values_list("pk", "canonical_id")
    )
    # Publishing locks the queue entry, then writes the fact-check's records, which a join
    # rewrites: a cluster whose entry is held goes through matching.
    entries = set(
        ReviewItem.objects.select_for_update(skip_locked=True)
        .filter(claim_id__in=list(canonicals.values()))
        .values_list("claim_id", flat=True)
    )
    free = {cluster for cluster, canonical in canonicals.items() if canonical in entries}
    # A claim leaves a cluster only under that cluster's lock: where each placed claim
    # stands now holds until commit (a claim a reviewer split out takes its copies nowhere).
    standing = set(
        ClusterMember.objects.filter(
            claim_id__in=[row.claim_id for row in ranked.values()], cluster_id__in=free
        ).values_list("claim_id", "cluster_id")
    )
    joined = {
        claim: row.cluster_id
        for claim, digest in digests.items()
        if (row := ranked.get(digest)) is not None and (row.claim_id, row.cluster_id) in standing
    }
    if not joined:
        return set()
    now = timezone.now()
    ClusterMember.objects.bulk_create(
        ClusterMember(claim_id=claim, cluster_id=cluster, matched_at=now)
        for claim, cluster in joined.items()
    )
    seen: dict[int, list[datetime]] = {}
    for cluster in joined.values():
        seen.setdefault(cluster, []).append(seen_at)
    clusters_grow(seen=seen)
    ClusterEvent.objects.bulk_create(
        ClusterEvent(
            kind=ClusterEvent.Kind.JOIN, cluster_id=cluster, claim_ids=[claim], score=COPY_SCORE
        )
        for claim, cluster in joined.items()
    )
    claims_vectors_copy(claim_ids=list(joined))
    # A published fact-check's stored API record lists its cluster's appearances. Not the
    # model, under these locks and perhaps loaded for it alone: a fact-check's claim without
    # an embedding (stored while matching was lexical) is left to matching or the backfill.
    fact_check_records_refresh(cluster_ids=set(seen), embed=False)
    review_priorities_refresh(
        clusters=list(Cluster.objects.filter(pk__in=list(seen)).select_related("canonical"))
    )
    return set(joined)


def ranked_texts_write(*, placed: Sequence[tuple[str, int, int]], ranked_at: datetime) -> None:
    """Record the texts a matching batch placed (text, cluster, claim), with when it ranked
    their fact-checks; a text placed before is recorded again where it now stands."""
    if not settings.FACTCHECK_MATCH_COPY_SECONDS:
        return
    rows: dict[object, RankedText] = {}
    for text, cluster, claim in placed:
        digest = RankedText.digest_of(text)
        rows.setdefault(
            digest,
            RankedText(digest=digest, cluster_id=cluster, claim_id=claim, ranked_at=ranked_at),
        )
    # In one order, so that two batches writing the same texts never wait for each other
    # crosswise.
    RankedText.objects.bulk_create(
        sorted(rows.values(), key=lambda row: row.digest),
        update_conflicts=True,
        unique_fields=["digest"],
        update_fields=["cluster_id", "claim_id", "ranked_at"],
    )


def ranked_texts_expire(
    *, older_than_seconds: int, batch_size: int = 5_000, seconds: float = 60.0
) -> Expired:
    """Delete the texts ranked longer ago than `older_than_seconds`, a batch a statement and
    a transaction, for at most about `seconds`."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    return rows_expire(
        RankedText.objects.filter(ranked_at__lt=cutoff), batch_size=batch_size, seconds=seconds
    )
