"""A wire story's copies: a claim stored with the same words as a claim already placed joins
that claim's cluster as extraction stores it.

Matching would find the placed claim as the copy's best candidate and move the copy into its
cluster, deleting the cluster and queue entry extraction had just given it. Joining at once
spares those writes and the matching task, and the copy never stands in the queue on its own
meanwhile, where a reviewer could take it. Matching also ranks the fact-checks for each claim
it places, so a copy joins as it is stored only while matching ranked the cluster's
fact-checks within FACTCHECK_MATCH_COPY_SECONDS; after that the next copy goes through
matching, which ranks them again and brings any fact-check imported or published since.

A cluster that another transaction holds locked (a matching batch writing, a reviewer's merge)
is passed over, not waited for: its copies go through matching like any other claim, so
extraction never waits on the desk and no order of locks can deadlock it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

from claims.models import Claim
from claims.services.embeddings import claims_vectors_copy
from reviews.models import Cluster, ClusterEvent, ClusterMember
from reviews.services.clusters import clusters_grow
from reviews.services.queue import review_priorities_refresh
from reviews.services.records import fact_check_records_refresh

# A copy joins with the score of a word-for-word match.
COPY_SCORE = 1.0

# For each text, one stored claim with those words, placed in a cluster whose fact-checks were
# ranked since the given time, among the first LOOKED_AT claims the hash index on the text
# gives: a wire story's hundreds of copies stand in one cluster unless a reviewer split them,
# so any placed one will do, and a text none of whose first few copies is placed yet (a
# backlog of copies matching has not reached) costs a few rows, not hundreds.
LOOKED_AT = 8
_PLACED_TWINS = f"""
SELECT t.text, p.claim_id, p.cluster_id
FROM unnest(%s::text[]) AS t(text)
CROSS JOIN LATERAL (
    SELECT m.claim_id, m.cluster_id
    FROM (
        SELECT id FROM {Claim._meta.db_table}
        WHERE text = t.text AND id <> ALL(%s::bigint[])
        LIMIT {LOOKED_AT}
    ) AS c
    JOIN {ClusterMember._meta.db_table} AS m ON m.claim_id = c.id
    JOIN {Cluster._meta.db_table} AS k ON k.id = m.cluster_id
    WHERE m.matched_at IS NOT NULL AND k.fact_checks_ranked_at >= %s
    LIMIT 1
) AS p
"""


def copies_join(*, claims: Sequence[Claim], seen_at: datetime) -> set[int]:
    """Place each newly stored claim whose words a placed claim already has in that claim's
    cluster; the ids of the claims placed (the others are left to matching)."""
    window = settings.FACTCHECK_MATCH_COPY_SECONDS
    if not window or not claims:
        return set()
    twins = _placed_twins(
        sorted({claim.text for claim in claims}),
        [claim.pk for claim in claims],
        timezone.now() - timedelta(seconds=window),
    )
    if not twins:
        return set()
    free = set(
        Cluster.objects.select_for_update(skip_locked=True)
        .filter(pk__in={cluster for _, cluster in twins.values()})
        .values_list("pk", flat=True)
    )
    # A claim leaves a cluster only under that cluster's lock: where each twin stands now
    # holds until commit.
    standing = set(
        ClusterMember.objects.filter(
            claim_id__in=[twin for twin, _ in twins.values()], cluster_id__in=free
        ).values_list("claim_id", "cluster_id")
    )
    joined = {
        claim.pk: twins[claim.text][1]
        for claim in claims
        if claim.text in twins and twins[claim.text] in standing
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
    # A published fact-check's stored API record lists its cluster's appearances.
    fact_check_records_refresh(cluster_ids=set(seen))
    review_priorities_refresh(
        clusters=list(Cluster.objects.filter(pk__in=list(seen)).select_related("canonical"))
    )
    return set(joined)


def _placed_twins(texts: list[str], new: list[int], since: datetime) -> dict[str, tuple[int, int]]:
    """text -> (a placed claim with those words, its cluster), for clusters whose fact-checks
    were ranked since `since`; the `new` claims are not looked at."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_PLACED_TWINS, [texts, new, since])
            return {text: (claim, cluster) for text, claim, cluster in cursor.fetchall()}
    found: dict[str, tuple[int, int]] = {}
    for text, claim, cluster in (
        ClusterMember.objects.filter(
            claim__text__in=texts,
            matched_at__isnull=False,
            cluster__fact_checks_ranked_at__gte=since,
        )
        .order_by("claim_id")
        .values_list("claim__text", "claim_id", "cluster_id")
    ):
        found.setdefault(text, (claim, cluster))
    return found
