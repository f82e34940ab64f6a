"""Place new claims: join a stored claim's cluster, or stay and get suggestions.

No process holds an index: candidates come from the database (`reviews.candidates`), for a
whole batch at once and without locks, and are rescored in Python. Only then does the batch
lock what it is about to change, in one statement and in id order: its claims' places, its
own fresh clusters and the clusters it may join. Two batches that touch the same clusters
queue there for the few milliseconds of their writes; anything else runs side by side, in as
many processes as there are. Two repeats matched at the same moment still meet: each batch
commits its claims' embeddings (their words are stored with them) before it asks for
candidates, so whichever asks second finds the other, and whichever locks second sees what
the first did.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from django.conf import settings
from django.db import OperationalError, connection
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from claims.models import Claim
from claims.pipeline.matching.matcher import Match, claim_scoring
from claims.pipeline.matching.normalise import fingerprint
from claims.services.embeddings import claims_embed_stored
from factcheck.db import atomic_unflushed, rows_update
from reviews import workflow
from reviews.candidates import Query, batch_candidates, claim_candidates
from reviews.models import (
    Cluster,
    ClusterEvent,
    ClusterMember,
    ClusterSuggestion,
    FactCheckSuggestion,
    Note,
    Notification,
    ReviewItem,
    Verdict,
)
from reviews.services.clusters import clusters_grow
from reviews.services.copies import ranked_texts_write
from reviews.services.queue import review_priorities_refresh
from reviews.services.records import fact_check_records_refresh
from reviews.similar import fact_checks_found, fact_checks_ranked

logger = logging.getLogger(__name__)

# A batch that deadlocks with a reviewer's merge (or another batch's second look) is rolled
# back by PostgreSQL and placed again from the start.
ATTEMPTS = 3
# The first of the two keys of the session advisory locks that mark a claim as taken by a
# running batch (the second is the claim's id modulo 2**31); `claims_gathered`.
GATHER_LOCKS = 0x6D61  # "ma"
# Claims waiting longer than this are left to their own messages and the sweep (which re-sends
# them after FACTCHECK_MATCH_REQUEUE_AFTER_SECONDS, five minutes by default): one whose placement
# always fails is not gathered into every batch.
GATHER_WITHIN_SECONDS = 300


@dataclass
class MatchReport:
    matched: int = 0
    joined: int = 0
    suggestions: int = 0
    fact_check_suggestions: int = 0
    grown: list[int] = field(default_factory=list)


@dataclass
class _Claim:
    """A claim of the batch, what it matched, and where it stands."""

    pk: int
    text: str
    cluster: int
    matches: list[Match]
    facts: list[Match]


def claims_match(*, claim_ids: Sequence[int]) -> MatchReport:
    """Place each unplaced claim of the batch; a second run changes nothing."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return _match(claim_ids)
        except OperationalError as exc:
            if "deadlock" not in str(exc) or attempt == ATTEMPTS:
                raise
            logger.info("matching batch deadlocked, attempt %s: placing it again", attempt)
            time.sleep(0.05 * attempt)
    raise AssertionError("unreachable")


@contextmanager
def claims_gathered(*, claim_ids: Sequence[int], gather: bool = True) -> Iterator[list[int]]:
    """The claims a batch places: those of `claim_ids` still waiting and, on PostgreSQL with
    `gather` and FACTCHECK_MATCH_GATHER on, the longest-waiting others (of the last
    GATHER_WITHIN_SECONDS), up to FACTCHECK_MATCH_BATCH_SIZE.

    Placing a batch costs about as much again in statements as in claims, so under load the
    claims of several articles are placed together (`bench/README.md`). Each claim gathered
    is marked with a session advisory lock until the batch ends; another batch gathers no
    marked claim, and PostgreSQL drops the marks of a process that dies, whose claims their
    own messages (or the sweep) place. The marks only spare
    doing the work twice: placement is correct without them (`_place`). A session whose marks
    cannot be taken or handed back whole is closed, which hands them all back.
    """
    own = list(dict.fromkeys(claim_ids))
    if connection.vendor != "postgresql" or not (gather and settings.FACTCHECK_MATCH_GATHER):
        yield own
        return
    more = max(settings.FACTCHECK_MATCH_BATCH_SIZE - len(own), 0)
    rows: list[tuple[int, bool]] = []
    try:
        with connection.cursor() as cursor:
            cursor.execute(_GATHER, [own, GATHER_WITHIN_SECONDS, more, GATHER_LOCKS, own])
            rows = cursor.fetchall()
    except BaseException:
        connection.close()
        raise
    held = [pk for pk, gathered in rows if gathered]
    try:
        yield [pk for pk, _ in rows]
    finally:
        _marks_release(held)


# The task's own waiting claims, never skipped (a task that left them to another batch would
# be acknowledged with nothing placed if that batch died), then the longest-waiting others
# not marked by another batch (the sweep's partial index on `created_at`); the marks are
# taken once the rows are chosen: a materialised CTE is never folded into the query that
# locks.
_GATHER = """
WITH others AS MATERIALIZED (
    SELECT claim_id FROM reviews_clustermember
    WHERE matched_at IS NULL AND claim_id <> ALL(%s::bigint[])
      AND created_at > now() - make_interval(secs => %s)
    ORDER BY created_at LIMIT %s
)
SELECT claim_id, true FROM others
WHERE pg_try_advisory_lock(%s, (claim_id %% 2147483648)::int)
UNION ALL
SELECT claim_id, false FROM reviews_clustermember
WHERE claim_id = ANY(%s::bigint[]) AND matched_at IS NULL
ORDER BY 2, 1
"""


def _marks_release(held: Sequence[int]) -> None:
    if not held or connection.connection is None:
        return  # nothing taken, or the session was closed and its marks went with it
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_unlock(%s, (pk %% 2147483648)::int) "
                "FROM unnest(%s::bigint[]) AS pk",
                [GATHER_LOCKS, list(held)],
            )
    except BaseException:
        # A broken or interrupted session: closing it hands back every mark it holds.
        logger.warning("handing back the marks of %s claims failed", len(held), exc_info=True)
        connection.close()


def _match(claim_ids: Sequence[int]) -> MatchReport:
    report = MatchReport()
    pending = dict(
        ClusterMember.objects.filter(claim_id__in=claim_ids, matched_at__isnull=True)
        .order_by("claim_id")
        .values_list("claim_id", "cluster_id")
    )
    if not pending:
        return report
    # Embedded and committed before any candidate is asked for: of two repeats matched at
    # the same moment, whichever asks second finds the other's embedding stored.
    claims_embed_stored(claim_ids=list(pending), flushed=False)
    rows = Claim.objects.filter(pk__in=list(pending)).order_by("pk")
    queries = [
        Query(pk, text, None if vector is None else np.asarray(vector, dtype=np.float32))
        for pk, text, vector in rows.values_list("pk", "text", "embedding")
    ]
    # The fact-checks stored from here on may be missing from the ranking below.
    ranked_at = timezone.now()
    batch = _ranked(queries, pending)
    # A placement lost in a database crash loses its stamp with it: the sweep places the
    # claim again. Not waiting for the log's flush halves a batch's commit.
    with atomic_unflushed():
        placed = _place(batch, report, ranked_at=ranked_at)
    if report.grown:
        # A refreshed priority lost in a crash waits for its cluster's next refresh or ageing.
        with atomic_unflushed():
            review_priorities_refresh(
                clusters=list(
                    Cluster.objects.filter(pk__in=report.grown).select_related("canonical")
                )
            )
    report.matched = placed
    return report


def _ranked(queries: Sequence[Query], clusters: dict[int, int]) -> list[_Claim]:
    """Each claim's candidates among stored claims and fact-checks, rescored."""
    claims = claim_candidates(queries)
    for key, found in batch_candidates(queries).items():
        claims[key] = [*claims[key], *found]
    facts = fact_checks_ranked(queries)
    scoring = claim_scoring(semantic=settings.FACTCHECK_MATCH_SEMANTIC_WEIGHT)
    return [
        _Claim(
            query.key,
            query.text,
            clusters[query.key],
            scoring.rank(fingerprint(query.text), claims[query.key]),
            facts[query.key],
        )
        for query in queries
    ]


@dataclass
class _Placement:
    """The batch's decisions, made claim by claim under the locks and written together."""

    where: dict[int, int]  # claim -> cluster, for every candidate claim and the batch's own
    movable: dict[int, int | None]  # batch claim -> its queue entry (None: not queued)
    # claim -> (cluster it joined, score, its own fresh cluster, which goes)
    moved: dict[int, tuple[int, float, int]] = field(default_factory=dict)
    joined_into: set[int] = field(default_factory=set)  # clusters claims of the batch joined

    def cluster_of(self, claim: int) -> int | None:
        return self.where.get(claim)

    def join(self, claim: _Claim, cluster: int, score: float) -> bool:
        own = claim.cluster
        if claim.pk not in self.movable or own in self.joined_into:
            return False  # a reviewer has it, it stands for others, or others just joined it
        self.moved[claim.pk] = (cluster, score, own)
        self.joined_into.add(cluster)
        # Alone in its fresh cluster (`_movable`): no other claim stood there.
        self.where[claim.pk] = cluster
        claim.cluster = cluster
        return True


def _place(batch: list[_Claim], report: MatchReport, *, ranked_at: datetime) -> int:
    """Lock, decide and write the placements of the batch (whose fact-checks were ranked as
    they stood at `ranked_at`); how many claims were placed."""
    own = dict(
        ClusterMember.objects.select_for_update()
        .filter(claim_id__in=[claim.pk for claim in batch], matched_at__isnull=True)
        .order_by("claim_id")
        .values_list("claim_id", "cluster_id")
    )
    # Placed meanwhile by a second delivery of the same batch, or deleted: left as they are.
    batch = [claim for claim in batch if claim.pk in own]
    if not batch:
        return 0
    candidates = {match.key for claim in batch for match in claim.matches} - set(own)
    where, counts = _clusters_locked(own, candidates)
    for claim in batch:
        claim.cluster = where[claim.pk]
    placement = _Placement(where=where, movable=_movable(batch, counts))
    merge_at = settings.FACTCHECK_MATCH_MERGE_THRESHOLD
    # Within a batch, claims join the ones before them: a later claim of the batch found
    # this one among its candidates too (the same stored claims answered both), so the
    # first appearance keeps its cluster and queue entry.
    order = {claim.pk: row for row, claim in enumerate(batch)}
    stuck: set[int] = set()  # wanted to join a cluster, but a reviewer holds its own
    for row, claim in enumerate(batch):
        target = next(
            (
                match
                for match in claim.matches
                if match.score >= merge_at
                and not match.conflicting
                and order.get(match.key, -1) < row
                and placement.cluster_of(match.key) not in (None, claim.cluster)
            ),
            None,
        )
        if target is not None:
            cluster = placement.cluster_of(target.key)
            if cluster is not None and placement.join(claim, cluster, target.score):
                report.joined += 1
            else:
                stuck.add(claim.pk)
    report.grown = _joins_write(batch, placement)
    report.suggestions = _cluster_suggestions_write(batch, placement)
    report.fact_check_suggestions = _fact_check_suggestions_write(batch)
    now = timezone.now()
    ClusterMember.objects.filter(claim_id__in=[claim.pk for claim in batch]).update(matched_at=now)
    # Copies of these words join where they stand, as they are stored; not where one stayed
    # only because it could not move (its copies go where matching would send them).
    ranked_texts_write(
        placed=[(claim.text, claim.cluster, claim.pk) for claim in batch if claim.pk not in stuck],
        ranked_at=ranked_at,
    )
    if report.grown:
        # A published fact-check's stored API record lists its cluster's appearances.
        fact_check_records_refresh(cluster_ids=set(report.grown))
    return len(batch)


def _clusters_locked(
    own: dict[int, int], candidates: set[int]
) -> tuple[dict[int, int], dict[int, tuple[int, int]]]:
    """Lock the clusters of the batch and of its candidates, in id order, in one statement,
    and read where each of those claims stands once they are locked.

    A claim changes cluster only under a lock on the cluster it leaves, so once its cluster is
    locked, where it stands holds until commit; a candidate that moved between the read and
    the lock is looked up again.
    """
    locked: dict[int, tuple[int, int]] = {}
    claims = set(own) | candidates
    for _ in range(5):
        where = dict(
            ClusterMember.objects.filter(claim_id__in=claims).values_list("claim_id", "cluster_id")
        )
        wanted = set(where.values()) - set(locked)
        if not wanted:
            return where, locked
        locked.update(
            (pk, (canonical, count))
            for pk, canonical, count in Cluster.objects.select_for_update()
            .filter(pk__in=wanted)
            .order_by("pk")
            .values_list("pk", "canonical_id", "appearance_count")
        )
    raise OperationalError("deadlock avoided: candidate clusters kept moving")


def _movable(batch: Sequence[_Claim], counts: dict[int, tuple[int, int]]) -> dict[int, int | None]:
    """The claims that may still join another cluster, with their queue entries (locked).

    Only a claim alone in its own fresh cluster whose queue entry nobody has touched (pending,
    nobody holds it, no note, verdict or notification about it): one that stands for others,
    or that a reviewer works on, stays put.
    """
    items = {
        claim: (pk, status, holder, touched)
        for claim, pk, status, holder, touched in ReviewItem.objects.select_for_update()
        .filter(claim_id__in=[claim.pk for claim in batch])
        .annotate(
            touched=Exists(Note.objects.filter(review_item=OuterRef("pk")))
            | Exists(Verdict.objects.filter(review_item=OuterRef("pk")))
            | Exists(Notification.objects.filter(review_item=OuterRef("pk")))
        )
        .order_by("pk")
        .values_list("claim_id", "pk", "status", "assigned_to_id", "touched")
    }
    movable: dict[int, int | None] = {}
    for claim in batch:
        canonical, count = counts.get(claim.cluster, (None, 0))
        if canonical != claim.pk or count > 1:
            continue
        item, status, holder, touched = items.get(claim.pk, (None, workflow.PENDING, None, False))
        if status != workflow.PENDING or holder is not None or touched:
            continue
        movable[claim.pk] = item
    return movable


def _joins_write(batch: Sequence[_Claim], placement: _Placement) -> list[int]:
    """Move the joined claims, drop their fresh clusters and queue entries, count them into
    the clusters they joined and record each join; the grown clusters, one per join."""
    if not placement.moved:
        return []
    # One statement each: the claims move, their fresh clusters and queue entries go.
    rows_update(
        ClusterMember,
        [
            ClusterMember(claim_id=claim, cluster_id=target)
            for claim, (target, _, _) in placement.moved.items()
        ],
        ["cluster"],
    )
    _fresh_drop(
        items=[pk for claim in placement.moved if (pk := placement.movable[claim]) is not None],
        clusters=[fresh for _, _, fresh in placement.moved.values()],
    )
    seen = dict(
        Claim.objects.filter(pk__in=list(placement.moved))
        .annotate(seen=Coalesce("article__published_at", "article__received_at"))
        .values_list("pk", "seen")
    )
    by_target: dict[int, list[datetime]] = {}
    for claim, (target, _, _) in placement.moved.items():
        by_target.setdefault(target, []).append(seen[claim])
    clusters_grow(seen=by_target)
    ClusterEvent.objects.bulk_create(
        ClusterEvent(kind=ClusterEvent.Kind.JOIN, cluster_id=target, claim_ids=[claim], score=score)
        for claim, (target, score, _) in placement.moved.items()
    )
    return [target for target, _, _ in placement.moved.values()]


def _fresh_drop(*, items: list[int], clusters: list[int]) -> None:
    """Delete the fresh queue entries and clusters of claims that joined others, in a few
    statements, with the history row each delete writes.

    Nothing of a reviewer's hangs on them (`_movable` leaves a claim with a note, a verdict or
    a notification where it is) and an entry without a verdict was never published, so what
    may point at them is another batch's suggestion of the fresh cluster, dropped with it, and
    the cluster's events, which keep their record without it. The foreign keys are checked at
    commit: a reference missed here fails the batch, it never dangles.
    """
    now = timezone.now()
    for model, pks in ((ReviewItem, items), (Cluster, clusters)):
        history = model.history.model  # type: ignore[attr-defined]
        history.objects.bulk_create(
            history(
                history_date=now,
                history_type="-",
                history_user=None,
                history_change_reason="",
                **{field.attname: getattr(row, field.attname) for field in history.tracked_fields},
            )
            for row in model.objects.filter(pk__in=pks).order_by("pk")
        )
    ClusterSuggestion.objects.filter(Q(cluster_id__in=clusters) | Q(other_id__in=clusters)).delete()
    ClusterEvent.objects.filter(cluster_id__in=clusters).update(cluster=None)
    ReviewItem.objects.filter(pk__in=items)._raw_delete(ReviewItem.objects.db)
    Cluster.objects.filter(pk__in=clusters)._raw_delete(Cluster.objects.db)


def _cluster_suggestions_write(batch: Sequence[_Claim], placement: _Placement) -> int:
    """Suggest the clusters each claim resembles without joining them (as they stand once
    the batch's joins are made); a pair already suggested, dismissed or not, is left."""
    at = settings.FACTCHECK_MATCH_SUGGEST_THRESHOLD
    wanted: dict[tuple[int, int], ClusterSuggestion] = {}
    for claim in batch:
        for match in claim.matches:
            other = placement.cluster_of(match.key)
            # A conflict's score carries a penalty; judge it on what the texts share.
            penalty = 0.1 if match.conflicting else 0.0
            if other is None or other == claim.cluster or match.score + penalty < at:
                continue
            if match.numbers_differ and not match.polarity_differs:
                continue  # another figure is another claim, not a contradiction
            kind = (
                ClusterSuggestion.Kind.CONTRADICTION
                if match.polarity_differs
                else ClusterSuggestion.Kind.DUPLICATE
            )
            # One pair either way round: both claims may find each other.
            if (other, claim.cluster) in wanted:
                continue
            wanted.setdefault(
                (claim.cluster, other),
                ClusterSuggestion(
                    cluster_id=claim.cluster, other_id=other, kind=kind, score=match.score
                ),
            )
    if not wanted:
        return 0
    # Both clusters of every pair are locked: nobody adds the same pair meanwhile.
    involved = {pk for pair in wanted for pk in pair}
    known = set(
        ClusterSuggestion.objects.filter(
            cluster_id__in=involved, other_id__in=involved
        ).values_list("cluster_id", "other_id")
    )
    fresh = [
        suggestion
        for (cluster, other), suggestion in wanted.items()
        if (cluster, other) not in known and (other, cluster) not in known
    ]
    ClusterSuggestion.objects.bulk_create(fresh)
    return len(fresh)


def _fact_check_suggestions_write(batch: Sequence[_Claim]) -> int:
    """Suggest to each claim's cluster the fact-checks that may answer it; a pair already
    suggested, rejected or not, is never suggested again."""
    at = settings.FACTCHECK_MATCH_SUGGEST_THRESHOLD
    made = 0
    for claim in batch:
        for match, fact in fact_checks_found(claim.facts, limit=3, min_score=at):
            key = {"fact_check_id": fact.id} if fact.external else {"review_item_id": fact.id}
            _, created = FactCheckSuggestion.objects.get_or_create(
                cluster_id=claim.cluster,
                **key,
                defaults={"score": match.score, "conflict": _suggestion_conflict(match)},
            )
            made += created
    return made


def _suggestion_conflict(match: Match) -> str:
    if match.polarity_differs:
        return FactCheckSuggestion.Conflict.POLARITY
    if match.numbers_differ:
        return FactCheckSuggestion.Conflict.NUMBERS
    return FactCheckSuggestion.Conflict.NONE
