"""Match new claims against stored claims and fact-checks: join clusters, suggest verdicts.

Each worker process keeps one in-memory index of the matched claims (and one of fact-checks),
filled from the database on first use and topped up by primary key after that; the database
stays the truth, the index only proposes candidates that are then re-read.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
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
from claims.pipeline.matching.matcher import Match, Matcher, Weights
from claims.pipeline.matching.normalise import fingerprint

logger = logging.getLogger(__name__)

_LOAD_BATCH = 5000


def semantic_enabled() -> bool:
    """Whether matching uses embeddings: the setting allows it and the extra is installed."""
    if settings.FACTCHECK_MATCH_SEMANTIC == "off":
        return False
    try:
        embedder_get()
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
    return embedder_get().encode(list(texts))


def vector_from_bytes(raw: bytes | memoryview | None) -> np.ndarray | None:
    data = bytes(raw or b"")
    if len(data) != DIMENSIONS * 4:
        return None
    return np.frombuffer(data, dtype=np.float32)


def _matcher_new(*, shared_number_bonus: float = 0.0) -> Matcher:
    return Matcher(
        dimensions=DIMENSIONS if semantic_enabled() else None,
        weights=Weights(
            semantic=settings.FACTCHECK_MATCH_SEMANTIC_WEIGHT,
            shared_number_bonus=shared_number_bonus,
        ),
    )


# Between two claims a shared figure is strong evidence of one claim ("within 24 hours");
# a tweet and a fact-check share mostly dates, so fact-check ranking goes without it
# (MAP@5 on CheckThat! dev fell from 0.72 to 0.62 with it).
CLAIM_SHARED_NUMBER_BONUS = 0.1


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
                if not rows:
                    return
                self._add([(pk, text, raw) for pk, text, raw, _ in rows])
                self.watermark = rows[-1][3]

    def _add(self, rows: Sequence[tuple[int, str, bytes]]) -> None:
        vectors = None
        if self.matcher.dense is not None:
            vectors = np.zeros((len(rows), DIMENSIONS), dtype=np.float32)
            for row, (_, _, raw) in enumerate(rows):
                vector = vector_from_bytes(raw)
                if vector is not None:
                    vectors[row] = vector
        self.matcher.add([pk for pk, _, _ in rows], [text for _, text, _ in rows], vectors)


_claim_index: _ClaimIndex | None = None
_fact_index: tuple[tuple[object, ...], Matcher] | None = None
_index_lock = threading.Lock()


def claim_index() -> _ClaimIndex:
    global _claim_index
    with _index_lock:
        if _claim_index is None:
            _claim_index = _ClaimIndex(
                matcher=_matcher_new(shared_number_bonus=CLAIM_SHARED_NUMBER_BONUS)
            )
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


def fact_check_index() -> Matcher:
    """Imported and published fact-checks; rebuilt when either set changes."""
    from reviews.models import ReviewItem
    from reviews.selectors import CHECKED

    global _fact_index
    imported = FactCheck.objects.aggregate(n=Max("pk"), t=Max("imported_at"))
    published = ReviewItem.objects.filter(status__in=CHECKED).aggregate(
        n=Max("pk"), t=Max("updated_at")
    )
    signature = (
        FactCheck.objects.count(),
        imported["n"],
        imported["t"],
        ReviewItem.objects.filter(status__in=CHECKED).count(),
        published["n"],
        published["t"],
    )
    with _index_lock:
        if _fact_index is not None and _fact_index[0] == signature:
            return _fact_index[1]
        matcher = _matcher_new()
        rows = [
            (_fact_key(pk), f"{claim} {headline}".strip(), raw)
            for pk, claim, headline, raw in FactCheck.objects.values_list(
                "pk", "claim_reviewed", "headline", "embedding"
            ).iterator(chunk_size=_LOAD_BATCH)
        ]
        rows += [
            (_review_key(pk), text, raw)
            for pk, text, raw in ReviewItem.objects.filter(status__in=CHECKED).values_list(
                "pk", "claim__text", "claim__embedding"
            )
        ]
        for start in range(0, len(rows), _LOAD_BATCH):
            batch = rows[start : start + _LOAD_BATCH]
            _ClaimIndex(matcher=matcher)._add(batch)
        _fact_index = (signature, matcher)
        return matcher


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
    *, text: str, vector: np.ndarray | None, limit: int
) -> list[tuple[Match, SimilarFactCheck]]:
    """Fact-checks ranked for a text; the same code serves matching, search and evaluation."""
    from reviews.models import ReviewItem

    matches = fact_check_index().search(text, vector=vector, k=limit)
    fact_ids = [match.key // 2 for match in matches if match.key % 2 == 0]
    review_ids = [match.key // 2 for match in matches if match.key % 2 == 1]
    facts = FactCheck.objects.in_bulk(fact_ids)
    reviews = {
        item.pk: item
        for item in ReviewItem.objects.filter(pk__in=review_ids).select_related("claim")
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


def _seen_at(claim: Claim) -> object:
    return claim.article.published_at or claim.article.received_at


def claims_match(*, claim_ids: Sequence[int]) -> MatchReport:
    """Place each unmatched claim: join a stored claim's cluster, or stay and get suggestions."""
    from reviews.services import review_priorities_refresh

    report = MatchReport()
    pending = list(
        Claim.objects.filter(pk__in=claim_ids, matched_at__isnull=True)
        .select_related("article")
        .order_by("pk")
    )
    if not pending:
        return report
    # Encoding is the slow part; it happens once per batch, outside any transaction.
    vectors = texts_embed([claim.text for claim in pending])
    index = claim_index()
    for row, claim in enumerate(pending):
        vector = None if vectors is None else vectors[row]
        grown = _claim_place(claim, vector, index, report)
        if grown is not None:
            report.grown.append(grown)
    if report.grown:
        review_priorities_refresh(clusters=list(Cluster.objects.filter(pk__in=report.grown)))
    return report


def _claim_place(
    claim: Claim, vector: np.ndarray | None, index: _ClaimIndex, report: MatchReport
) -> int | None:
    merge_at = settings.FACTCHECK_MATCH_MERGE_THRESHOLD
    suggest_at = settings.FACTCHECK_MATCH_SUGGEST_THRESHOLD
    grown = None
    matchable = fingerprint(claim.text).matchable
    with transaction.atomic():
        _lock_placement()
        locked = Claim.objects.select_for_update().filter(pk=claim.pk).first()
        if locked is None or locked.matched_at is not None:
            return None  # deleted, or a duplicate delivery of the task placed it already
        # Under the lock, so the claims other workers placed a moment ago are candidates too.
        index.sync()
        matches = index.matcher.search(claim.text, vector=vector, k=5) if matchable else []
        candidates = dict(
            Claim.objects.filter(pk__in=[m.key for m in matches]).values_list("pk", "cluster")
        )
        target = next(
            (
                m
                for m in matches
                if m.score >= merge_at
                and not m.conflicting
                and candidates.get(m.key) not in (None, locked.cluster_id)
            ),
            None,
        )
        if target is not None and _cluster_join(locked, candidates[target.key], target.score):
            grown = candidates[target.key]
            report.joined += 1
        cluster_id = grown or locked.cluster_id
        if cluster_id is not None:
            report.suggestions += _cluster_suggest(cluster_id, matches, candidates, suggest_at)
            if matchable:
                report.fact_check_suggestions += _fact_checks_suggest(
                    cluster_id, claim.text, vector, suggest_at
                )
        Claim.objects.filter(pk=claim.pk).update(
            matched_at=timezone.now(),
            embedding=b"" if vector is None else np.asarray(vector, np.float32).tobytes(),
        )
        report.matched += 1
    return grown


# Placing is serialised across workers (embedding, the slow part, is not): two repeats of one
# claim matched at the same moment in two processes would otherwise not see each other.
_PLACEMENT_LOCK = 0x6D61746368  # "match"


def _lock_placement() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_PLACEMENT_LOCK])


def _cluster_join(claim: Claim, cluster_id: int, score: float) -> bool:
    """Move a claim from its own fresh cluster into another; False if it cannot move."""
    from reviews import workflow
    from reviews.models import ReviewItem
    from reviews.records import fact_check_records_refresh as records_refresh

    own = Cluster.objects.select_for_update().filter(pk=claim.cluster_id).first()
    if own is not None and (own.canonical_id != claim.pk or own.appearance_count > 1):
        return False  # the claim already stands for others: leave that to a reviewer
    item = ReviewItem.objects.filter(claim=claim).first()
    if item is not None:
        # Its queue entry goes; unless a reviewer already works on it, then it stays put.
        deleted, _ = ReviewItem.objects.filter(
            pk=item.pk, status=workflow.PENDING, assigned_to__isnull=True
        ).delete()
        if not deleted:
            return False
    target = Cluster.objects.select_for_update().get(pk=cluster_id)
    claim.cluster = target
    Claim.objects.filter(pk=claim.pk).update(cluster=target)
    if own is not None:
        own.delete()
    cluster_recount(cluster=target)
    records_refresh(cluster_ids=[target.pk])  # a fact-check's API record lists appearances
    ClusterEvent.objects.create(
        kind=ClusterEvent.Kind.JOIN, cluster=target, claim_ids=[claim.pk], score=score
    )
    return True


def cluster_recount(*, cluster: Cluster) -> Cluster:
    """Recompute a cluster's appearance count and first/last seen from its claims."""
    claims = Claim.objects.filter(cluster=cluster).select_related("article")
    seen = [_seen_at(claim) for claim in claims]
    if seen:
        cluster.appearance_count = len(seen)
        cluster.first_seen_at = min(seen)  # type: ignore[type-var]
        cluster.last_seen_at = max(seen)  # type: ignore[type-var]
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


def _fact_checks_suggest(cluster_id: int, text: str, vector: np.ndarray | None, at: float) -> int:
    made = 0
    for match, fact in fact_checks_search(text=text, vector=vector, limit=3):
        if match.score < at or match.conflicting:
            continue
        key = {"fact_check_id": fact.id} if fact.external else {"review_item_id": fact.id}
        # An existing row, rejected or not, is never suggested again.
        _, created = FactCheckSuggestion.objects.get_or_create(
            cluster_id=cluster_id, **key, defaults={"score": match.score}
        )
        made += created
    return made


def fact_check_source_key(*, url: str, claim_reviewed: str) -> str:
    return hashlib.sha256(f"{url}\n{' '.join(claim_reviewed.split())}".encode()).hexdigest()
