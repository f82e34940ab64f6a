"""Match new claims against stored claims and fact-checks: join clusters, suggest verdicts.

Each worker process keeps one in-memory index of the matched claims (and one of fact-checks),
filled from the database on first use and topped up by primary key after that; the database
stays the truth, the index only proposes candidates that are then re-read.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Max, Min
from django.db.models.functions import Coalesce
from django.utils import timezone

from claims.models import (
    Claim,
    Cluster,
    ClusterEvent,
    ClusterSuggestion,
    FactCheck,
    FactCheckSuggestion,
)
from claims.pipeline.embeddings import DIMENSIONS, EmbeddingUnavailable, embedder_get
from claims.pipeline.matching.matcher import (
    Match,
    Matcher,
    claim_matcher,
    fact_check_matcher,
)
from claims.pipeline.matching.normalise import fingerprint

logger = logging.getLogger(__name__)

_LOAD_BATCH = 5000


def semantic_enabled() -> bool:
    """Whether matching uses embeddings: the setting allows it and the extra is installed."""
    if settings.FACTCHECK_MATCH_SEMANTIC == "off":
        return False
    try:
        embedder_get(settings.FACTCHECK_EMBEDDING_PRECISION)
    except EmbeddingUnavailable as exc:
        _warn_once(str(exc))
        return False
    return True


_warned: set[str] = set()


def _warn_once(message: str) -> None:
    if message not in _warned:
        _warned.add(message)
        logger.warning("claim matching is lexical only: %s", message)


def texts_embed(texts: Sequence[str]) -> np.ndarray | None:
    """Embeddings of `texts`, or None when matching is lexical only."""
    if not semantic_enabled():
        return None
    return embedder_get(settings.FACTCHECK_EMBEDDING_PRECISION).encode(list(texts))


def vector_from_bytes(raw: bytes | memoryview | None) -> np.ndarray | None:
    data = bytes(raw or b"")
    if len(data) != DIMENSIONS * 4:
        return None
    return np.frombuffer(data, dtype=np.float32)


def _matcher_new(make: Callable[..., Matcher]) -> Matcher:
    """`claim_matcher` or `fact_check_matcher`, with this deployment's settings."""
    return make(
        dimensions=DIMENSIONS if semantic_enabled() else None,
        semantic=settings.FACTCHECK_MATCH_SEMANTIC_WEIGHT,
    )


@dataclass
class _ClaimIndex:
    """Matched claims of this process, topped up in the order they were placed.

    Placing is serialised (`_lock_placement`) and stamps `matched_at` under the lock, so
    placement times grow in commit order: a claim placed after the last sync always has a
    later stamp, whatever its primary key.
    """

    matcher: Matcher
    watermark: datetime | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def sync(self) -> None:
        with self.lock:
            while True:
                placed = Claim.objects.filter(matched_at__isnull=False)
                if self.watermark is not None:
                    placed = placed.filter(matched_at__gt=self.watermark)
                rows = list(
                    placed.order_by("matched_at", "pk").values_list(
                        "pk", "text", "embedding", "matched_at"
                    )[:_LOAD_BATCH]
                )
                if rows:
                    _rows_index(self.matcher, [(pk, text, raw) for pk, text, raw, _ in rows])
                    self.watermark = rows[-1][3]
                if len(rows) < _LOAD_BATCH:
                    return

    def placed(self, claim: Claim, vector: np.ndarray | None, at: datetime) -> None:
        """Index a claim this process has just placed, under the placement lock.

        Everything placed before was read by the `sync` made under the same lock, so the
        watermark can move to this claim's stamp without skipping anyone else's claim.
        """
        with self.lock:
            vectors = None
            if self.matcher.dense is not None and vector is not None:
                vectors = np.asarray(vector, dtype=np.float32).reshape(1, -1)
            self.matcher.add([claim.pk], [claim.text], vectors)
            self.watermark = at


def _rows_index(matcher: Matcher, rows: Sequence[tuple[int, str, bytes]]) -> None:
    """Add (key, text, stored embedding) rows to a matcher, in batches of _LOAD_BATCH."""
    for start in range(0, len(rows), _LOAD_BATCH):
        batch = rows[start : start + _LOAD_BATCH]
        vectors = None
        if matcher.dense is not None:
            vectors = np.zeros((len(batch), DIMENSIONS), dtype=np.float32)
            for row, (_, _, raw) in enumerate(batch):
                vector = vector_from_bytes(raw)
                if vector is not None:
                    vectors[row] = vector
        matcher.add([pk for pk, _, _ in batch], [text for _, text, _ in batch], vectors)


_claim_index: _ClaimIndex | None = None
_fact_index: _FactCheckIndex | None = None
_index_lock = threading.Lock()


def claim_index() -> _ClaimIndex:
    global _claim_index
    with _index_lock:
        if _claim_index is None:
            _claim_index = _ClaimIndex(matcher=_matcher_new(claim_matcher))
    _claim_index.sync()
    return _claim_index


def indexes_reset() -> None:
    """Forget this process's indexes (tests, and after a bulk delete)."""
    global _claim_index, _fact_index
    with _index_lock:
        _claim_index = None
        _fact_index = None


# Keys of the fact-check index: imported records even, published review items odd.
def _fact_key(pk: int) -> int:
    return pk * 2


def _review_key(pk: int) -> int:
    return pk * 2 + 1


# Rows stamped this long before the newest one seen are read again on each top-up: a
# transaction that commits late may carry an earlier stamp than one already read.
_STAMP_OVERLAP = timedelta(minutes=2)


@dataclass
class _Tally:
    """How many rows of one kind the index holds, and the newest stamp among them."""

    count: int = 0
    stamp: datetime | None = None


@dataclass
class _FactCheckIndex:
    """Imported and published fact-checks of this process, topped up as they arrive.

    New rows are added; a row that changed its text, or any row gone (unpublished, deleted),
    makes `top_up` answer False and the index is built again from scratch.
    """

    matcher: Matcher
    imported: _Tally = field(default_factory=_Tally)
    published: _Tally = field(default_factory=_Tally)
    checked: float = float("-inf")  # time.monotonic() of the last top-up

    def top_up(self) -> bool:
        from reviews.models import ReviewItem
        from reviews.selectors import CHECKED

        facts = FactCheck.objects.all()
        reviews = ReviewItem.objects.filter(status__in=CHECKED)
        imported = facts.aggregate(n=Count("pk"), t=Max("imported_at"))
        published = reviews.aggregate(n=Count("pk"), t=Max("updated_at"))
        if (imported["n"], imported["t"]) == (self.imported.count, self.imported.stamp) and (
            published["n"],
            published["t"],
        ) == (self.published.count, self.published.stamp):
            self.checked = time.monotonic()
            return True
        if self.imported.stamp is not None:
            facts = facts.filter(imported_at__gte=self.imported.stamp - _STAMP_OVERLAP)
        if self.published.stamp is not None:
            reviews = reviews.filter(updated_at__gte=self.published.stamp - _STAMP_OVERLAP)
        fresh_facts = self._fresh(
            (_fact_key(pk), f"{claim} {headline}".strip(), raw)
            for pk, claim, headline, raw in facts.values_list(
                "pk", "claim_reviewed", "headline", "embedding"
            ).iterator(chunk_size=_LOAD_BATCH)
        )
        fresh_reviews = self._fresh(
            (_review_key(pk), text, raw)
            for pk, text, raw in reviews.values_list(
                "pk", "claim__text", "claim__embedding"
            ).iterator(chunk_size=_LOAD_BATCH)
        )
        if fresh_facts is None or fresh_reviews is None:
            return False
        if (
            self.imported.count + len(fresh_facts) != imported["n"]
            or self.published.count + len(fresh_reviews) != published["n"]
        ):
            return False  # something went away, or changed between the two reads
        _rows_index(self.matcher, fresh_facts + fresh_reviews)
        self.imported = _Tally(imported["n"], imported["t"])
        self.published = _Tally(published["n"], published["t"])
        self.checked = time.monotonic()
        return True

    def _fresh(self, rows: Iterable[tuple[int, str, bytes]]) -> list[tuple[int, str, bytes]] | None:
        """The rows not indexed yet; None if an indexed one now reads differently."""
        fresh = []
        for key, text, raw in rows:
            known = self.matcher.text_of(key)
            if known is None:
                fresh.append((key, text, raw))
            elif known != fingerprint(text).text:
                return None
        return fresh


def fact_check_index(*, max_age: float = 0.0) -> Matcher:
    """Imported and published fact-checks; topped up when rows arrive, rebuilt when they go.

    Whether anything arrived costs two aggregate queries; a caller that can live with an index
    `max_age` seconds behind (API search, many requests a second) skips them meanwhile.
    """
    global _fact_index
    with _index_lock:
        if _fact_index is not None and time.monotonic() - _fact_index.checked < max_age:
            return _fact_index.matcher
        if _fact_index is not None and _fact_index.top_up():
            return _fact_index.matcher
        for _ in range(3):
            _fact_index = _FactCheckIndex(matcher=_matcher_new(fact_check_matcher))
            if _fact_index.top_up():
                break
            # Rows went or changed between the index's two reads; the next call tries again.
        return _fact_index.matcher


def search_warm_up_start() -> threading.Thread | None:
    """Build the fact-check index and load the model in the background (web processes)."""
    if not settings.FACTCHECK_SEARCH_WARM_UP:
        return None
    thread = threading.Thread(target=_search_warm_up, name="search-warm-up", daemon=True)
    thread.start()
    return thread


def _search_warm_up() -> None:
    try:
        semantic_enabled()
        fact_check_index()
    except Exception:  # a database down at start: the first search builds it instead
        logger.exception("warming up the fact-check index failed")
    finally:
        connection.close()


@dataclass(frozen=True)
class SimilarFactCheck:
    """A published or imported fact-check close to a text."""

    score: float
    external: bool
    id: int  # FactCheck pk when external, else the ReviewItem pk
    claim_reviewed: str
    rating: str
    url: str
    publisher: str
    numbers_differ: bool
    polarity_differs: bool


def fact_checks_search(
    *,
    text: str,
    vector: np.ndarray | None,
    limit: int | None,
    min_score: float | None = None,
    index: Matcher | None = None,
) -> list[tuple[Match, SimilarFactCheck]]:
    """Fact-checks ranked for a text; the same code serves matching, search and evaluation."""
    from reviews.models import ReviewItem
    from reviews.selectors import CHECKED

    index = index if index is not None else fact_check_index()
    # Ranked by rarity, a result may come before one that scores higher: the threshold is
    # applied to every candidate before the cut, so one under it takes no place in the list.
    matches = index.search(text, vector=vector, k=None)
    if min_score is not None:
        matches = [match for match in matches if match.score >= min_score]
    matches = matches[:limit]
    if not matches:
        return []
    fact_ids = [match.key // 2 for match in matches if match.key % 2 == 0]
    review_ids = [match.key // 2 for match in matches if match.key % 2 == 1]
    facts = FactCheck.objects.in_bulk(fact_ids)
    reviews = {
        item.pk: item
        for item in ReviewItem.objects.filter(pk__in=review_ids, status__in=CHECKED).select_related(
            "claim"
        )
    }
    found = []
    for match in matches:
        pk = match.key // 2
        if match.key % 2 == 0 and pk in facts:
            fact = facts[pk]
            found.append(
                (
                    match,
                    SimilarFactCheck(
                        score=match.score,
                        external=True,
                        id=pk,
                        claim_reviewed=fact.claim_reviewed,
                        rating=fact.rating,
                        url=fact.url,
                        publisher=fact.publisher,
                        numbers_differ=match.numbers_differ,
                        polarity_differs=match.polarity_differs,
                    ),
                )
            )
        elif match.key % 2 == 1 and pk in reviews:
            item = reviews[pk]
            verdict = item.verdicts.filter(published_at__isnull=False).first()
            found.append(
                (
                    match,
                    SimilarFactCheck(
                        score=match.score,
                        external=False,
                        id=pk,
                        claim_reviewed=item.claim.text,
                        rating=verdict.get_rating_display() if verdict else "",
                        url="",
                        publisher="",
                        numbers_differ=match.numbers_differ,
                        polarity_differs=match.polarity_differs,
                    ),
                )
            )
    return found


@dataclass
class MatchReport:
    matched: int = 0
    joined: int = 0
    suggestions: int = 0
    fact_check_suggestions: int = 0
    grown: list[int] = field(default_factory=list)


def claims_match(*, claim_ids: Sequence[int]) -> MatchReport:
    """Place each unmatched claim: join a stored claim's cluster, or stay and get suggestions.

    The batch is placed in one transaction under the placement lock; each claim placed is
    added to the index at once, so the next claim of the same batch can join it. Joins are
    decided claim by claim and written for the whole batch at its end (`_Joins`).
    """
    from reviews.services.queue import review_priorities_refresh
    from reviews.services.records import fact_check_records_refresh

    report = MatchReport()
    pending = list(Claim.objects.filter(pk__in=claim_ids, matched_at__isnull=True).order_by("pk"))
    if not pending:
        return report
    # Encoding is the slow part; it happens once per batch, outside any transaction.
    vectors = texts_embed([claim.text for claim in pending])
    # Catching up with what other workers placed is done before taking the lock too, so
    # the sync under it only reads the last few.
    index = claim_index()
    facts = fact_check_index()
    watermark = index.watermark
    try:
        with transaction.atomic():
            _lock_placement()
            # Under the lock, so the claims other workers placed a moment ago are candidates.
            index.sync()
            unplaced = dict(
                Claim.objects.select_for_update()
                .filter(pk__in=[claim.pk for claim in pending], matched_at__isnull=True)
                .values_list("pk", "cluster_id")
            )
            joins = _Joins.locked(unplaced)
            placed_at: dict[int, datetime] = {}
            for row, claim in enumerate(pending):
                if claim.pk not in unplaced:
                    continue  # deleted, or a duplicate delivery of the task placed it already
                claim.cluster_id = unplaced[claim.pk]  # as it stands under the lock
                vector = None if vectors is None else vectors[row]
                placed_at[claim.pk] = _claim_place(claim, vector, index, facts, joins, report)
            report.grown = joins.write()
            _placed_stamp(placed_at, pending, vectors)
            # A published fact-check's stored API record lists its cluster's appearances.
            fact_check_records_refresh(cluster_ids=set(report.grown))
    except BaseException:
        # The placements were rolled back: read them again from the database next time.
        index.watermark = watermark
        raise
    if report.grown:
        review_priorities_refresh(
            clusters=list(Cluster.objects.filter(pk__in=report.grown).select_related("canonical"))
        )
    return report


def _placed_stamp(
    placed_at: dict[int, datetime], pending: Sequence[Claim], vectors: np.ndarray | None
) -> None:
    """Stamp the placed claims with their placing time and store their embeddings."""
    rows = []
    for row, claim in enumerate(pending):
        if claim.pk in placed_at:
            claim.matched_at = placed_at[claim.pk]
            claim.embedding = (
                b"" if vectors is None else np.asarray(vectors[row], np.float32).tobytes()
            )
            rows.append(claim)
    Claim.objects.bulk_update(rows, ["matched_at", "embedding"], batch_size=500)


@dataclass
class _Joins:
    """The joins of one batch: decided claim by claim, written together at the end.

    A claim may join another cluster only while it is alone in its own fresh cluster and its
    queue entry is untouched (pending, nobody holds it); both are locked for the batch, so a
    reviewer cannot take the entry meanwhile. `moved` tells later claims of the batch where
    an earlier one went.
    """

    movable: dict[int, tuple[int | None, int | None]]  # claim -> (own cluster, queue entry)
    moved: dict[int, int] = field(default_factory=dict)  # claim -> cluster it joined
    scores: dict[int, float] = field(default_factory=dict)

    @classmethod
    def locked(cls, clusters_of: dict[int, int | None]) -> _Joins:
        from reviews import workflow
        from reviews.models import ReviewItem

        fresh = {
            pk: canonical
            for pk, canonical, count in Cluster.objects.select_for_update()
            .filter(pk__in=[pk for pk in clusters_of.values() if pk is not None])
            .values_list("pk", "canonical_id", "appearance_count")
            if count <= 1
        }
        items = {
            claim: (pk, status, holder)
            for claim, pk, status, holder in ReviewItem.objects.select_for_update()
            .filter(claim_id__in=list(clusters_of))
            .values_list("claim_id", "pk", "status", "assigned_to_id")
        }
        movable: dict[int, tuple[int | None, int | None]] = {}
        for claim, cluster in clusters_of.items():
            if cluster is not None and fresh.get(cluster) != claim:
                continue  # the claim already stands for others: leave that to a reviewer
            item, status, holder = items.get(claim, (None, workflow.PENDING, None))
            if status != workflow.PENDING or holder is not None:
                continue  # a reviewer works on its queue entry: it stays put
            movable[claim] = (cluster, item)
        return cls(movable=movable)

    def cluster_of(self, claim: int, stored: int | None) -> int | None:
        return self.moved.get(claim, stored)

    def join(self, claim: Claim, cluster_id: int, score: float) -> bool:
        if claim.pk not in self.movable:
            return False
        self.moved[claim.pk] = cluster_id
        self.scores[claim.pk] = score
        claim.cluster_id = cluster_id
        return True

    def write(self) -> list[int]:
        """Move the claims, drop their fresh clusters and queue entries, recount the grown
        clusters and record each join; the grown clusters' ids, one per join."""
        from reviews.models import ReviewItem

        if not self.moved:
            return []
        by_target: dict[int, list[int]] = {}
        for claim, target in self.moved.items():
            by_target.setdefault(target, []).append(claim)
        for target, claims in by_target.items():
            Claim.objects.filter(pk__in=claims).update(cluster_id=target)
        items = [self.movable[claim][1] for claim in self.moved]
        ReviewItem.objects.filter(pk__in=[pk for pk in items if pk is not None]).delete()
        own = [self.movable[claim][0] for claim in self.moved]
        Cluster.objects.filter(pk__in=[pk for pk in own if pk is not None]).delete()
        for cluster in Cluster.objects.filter(pk__in=list(by_target)):
            cluster_recount(cluster=cluster)
        ClusterEvent.objects.bulk_create(
            ClusterEvent(
                kind=ClusterEvent.Kind.JOIN,
                cluster_id=target,
                claim_ids=[claim],
                score=self.scores[claim],
            )
            for claim, target in self.moved.items()
        )
        return list(self.moved.values())


def _claim_place(
    claim: Claim,
    vector: np.ndarray | None,
    index: _ClaimIndex,
    facts: Matcher,
    joins: _Joins,
    report: MatchReport,
) -> datetime:
    merge_at = settings.FACTCHECK_MATCH_MERGE_THRESHOLD
    suggest_at = settings.FACTCHECK_MATCH_SUGGEST_THRESHOLD
    matchable = fingerprint(claim.text).matchable
    # Every candidate, not the best five: the suggestions must not depend on which of two
    # claims came second (a denial placed after five closer claims lost its contradiction,
    # which the confirmation placed second would have found).
    matches = index.matcher.search(claim.text, vector=vector, k=None) if matchable else []
    candidates = {
        pk: joins.cluster_of(pk, cluster)
        for pk, cluster in Claim.objects.filter(pk__in=[m.key for m in matches]).values_list(
            "pk", "cluster"
        )
    }
    target = next(
        (
            m
            for m in matches
            if m.score >= merge_at
            and not m.conflicting
            and candidates.get(m.key) not in (None, claim.cluster_id)
        ),
        None,
    )
    joined = None if target is None else candidates[target.key]
    if target is not None and joined is not None and joins.join(claim, joined, target.score):
        report.joined += 1
    if claim.cluster_id is not None:
        report.suggestions += _cluster_suggest(claim.cluster_id, matches, candidates, suggest_at)
        if matchable:
            report.fact_check_suggestions += _fact_checks_suggest(
                claim.cluster_id, claim.text, vector, suggest_at, facts
            )
    placed_at = timezone.now()
    index.placed(claim, vector, placed_at)
    report.matched += 1
    return placed_at


# Placing is serialised across workers (embedding, the slow part, is not): two repeats of one
# claim matched at the same moment in two processes would otherwise not see each other.
_PLACEMENT_LOCK = 0x6D61746368  # "match"


def _lock_placement() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PLACEMENT_LOCK])


def cluster_recount(*, cluster: Cluster) -> Cluster:
    """Recompute a cluster's appearance count and first/last seen from its claims."""
    # Counted in the database: a claim repeated by hundreds of outlets would otherwise be
    # read back whole, with its articles, each time one more joins.
    seen = Coalesce("article__published_at", "article__received_at")
    found = Claim.objects.filter(cluster=cluster).aggregate(
        n=Count("pk"), first=Min(seen), last=Max(seen)
    )
    if found["n"]:
        cluster.appearance_count = found["n"]
        cluster.first_seen_at = found["first"]
        cluster.last_seen_at = found["last"]
        cluster.save(update_fields=["appearance_count", "first_seen_at", "last_seen_at"])
    return cluster


def _cluster_suggest(
    cluster_id: int, matches: Sequence[Match], candidates: dict[int, int | None], at: float
) -> int:
    made = 0
    for match in matches:
        other = candidates.get(match.key)
        # A conflict's score carries a penalty; judge it on what the texts share.
        penalty = 0.1 if match.conflicting else 0.0
        if other is None or other == cluster_id or match.score + penalty < at:
            continue
        if match.numbers_differ and not match.polarity_differs:
            continue  # another figure is another claim, not a contradiction
        kind = (
            ClusterSuggestion.Kind.CONTRADICTION
            if match.polarity_differs
            else ClusterSuggestion.Kind.DUPLICATE
        )
        _, created = ClusterSuggestion.objects.get_or_create(
            cluster_id=cluster_id,
            other_id=other,
            defaults={"kind": kind, "score": match.score},
        )
        made += created
    return made


def _fact_checks_suggest(
    cluster_id: int, text: str, vector: np.ndarray | None, at: float, index: Matcher
) -> int:
    made = 0
    found = fact_checks_search(text=text, vector=vector, limit=3, min_score=at, index=index)
    for match, fact in found:
        key = {"fact_check_id": fact.id} if fact.external else {"review_item_id": fact.id}
        # An existing row, rejected or not, is never suggested again.
        _, created = FactCheckSuggestion.objects.get_or_create(
            cluster_id=cluster_id,
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


def fact_check_source_key(*, url: str, claim_reviewed: str) -> str:
    return hashlib.sha256(f"{url}\n{' '.join(claim_reviewed.split())}".encode()).hexdigest()
