"""Reads of the review desk that more than one caller needs.

`fact_checks_published` is the one definition of what may leave the desk: the API, the
ClaimReview output, the feeds, search and the webhooks all read through it.
"""

from __future__ import annotations

import functools
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Subquery

from claims.models import Claim
from reviews import workflow
from reviews.models import EvidenceSource, FactCheckSearch, Notification, ReviewItem, Verdict
from reviews.similar import fact_checks_similar

CHECKED = workflow.CHECKED


def reviewer_decisions() -> list[tuple[str, bool]]:
    """Claims reviewers judged: rejected as not check-worthy (False), or checked (True).

    Other rejections (duplicate, out of scope, opinion) say nothing about check-worthiness.
    """
    rows = ReviewItem.objects.filter(status__in=CHECKED) | ReviewItem.objects.filter(
        status=workflow.REJECTED,
        rejection_reason=ReviewItem.RejectionReason.NOT_CHECKWORTHY,
    )
    return [(text, status in CHECKED) for text, status in rows.values_list("claim__text", "status")]


def fact_checks_published() -> QuerySet[Verdict]:
    """The current version of every published fact-check, newest change first.

    A fact-check is a review item that is published or corrected; its current version is its
    latest verdict with a publication time. Drafts (no publication time), the items of the
    queue, rejected claims and superseded versions are not in it.
    """
    # Built once: assembling its expressions cost more than a page's query (a clone is cheap).
    return _published().all()


@functools.cache
def _published() -> QuerySet[Verdict]:
    newer = Verdict.objects.filter(
        review_item=OuterRef("review_item"),
        published_at__isnull=False,
        version__gt=OuterRef("version"),
    )
    first = Verdict.objects.filter(
        review_item=OuterRef("review_item"), published_at__isnull=False
    ).order_by("version")
    return (
        Verdict.objects.filter(published_at__isnull=False, review_item__status__in=CHECKED)
        .filter(~Exists(newer))
        .annotate(
            first_published_at=Subquery(first.values("published_at")[:1]),
            claim_id=F("review_item__claim_id"),
            cluster_id=F("review_item__claim__membership__cluster_id"),
        )
        .defer("editor_note", "author", "approved_by", "approved_at", "created_at")
        .order_by("-published_at", "-id")
    )


def review_items_returned(items: QuerySet[ReviewItem]) -> QuerySet[ReviewItem]:
    """Those of `items` whose draft verdict an editor sent back with a note (a submitted draft
    carries no note; sending back writes one, and the reviewer holds the claim again)."""
    sent_back = Verdict.objects.filter(
        review_item=OuterRef("pk"), published_at__isnull=True
    ).exclude(editor_note="")
    return items.filter(status=workflow.IN_REVIEW).filter(Exists(sent_back))


@dataclass(frozen=True)
class Appearance:
    url: str
    title: str
    publisher: str
    publisher_url: str
    date: datetime | None
    claim_id: int
    claim_text: str


@dataclass(frozen=True)
class Source:
    id: int
    url: str
    title: str
    publisher: str
    date: object
    stance: str
    quote: str
    archived_hash: str
    archived_at: datetime | None


@dataclass(frozen=True)
class Correction:
    version: int
    published_at: datetime
    rating: str
    note: str


@dataclass
class PublishedFactCheck:
    """A published fact-check as it leaves the desk: nothing here is internal."""

    id: int
    # The claim as checked and who made it, as the verdict publishes them; an unattributed
    # claim has no speaker.
    claim: str
    speaker: str
    rating: str
    rating_label: str
    rating_value: int | None
    explanation: str
    summary: str
    published_at: datetime
    modified_at: datetime
    version: int
    appearances: list[Appearance] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    corrections: list[Correction] = field(default_factory=list)
    # The scale's range as it was when this version was published.
    rating_best: int | None = None
    rating_worst: int | None = None
    claimant_kind: str = "unattributed"

    @property
    def first_appearance(self) -> Appearance | None:
        return self.appearances[0] if self.appearances else None


def _cluster_key(cluster_id: int | None, claim_id: int) -> int:
    # Every claim has a cluster but between its insert and its clustering; alone, it is its own.
    return cluster_id if cluster_id is not None else -claim_id


def fact_checks_load(verdicts: Sequence[Verdict]) -> list[PublishedFactCheck]:
    """Whole records for verdicts of `fact_checks_published()`, in three more queries.

    Reads plain rows (values_list), not model instances: a page is a few hundred rows and
    building models for them cost more than the queries.
    """
    if not verdicts:
        return []
    keys = {_cluster_key(v.cluster_id, v.claim_id) for v in verdicts}  # type: ignore[attr-defined]
    appearances: dict[int, list[Appearance]] = defaultdict(list)
    rows = Claim.objects.filter(
        Q(membership__cluster_id__in=[k for k in keys if k > 0])
        | Q(pk__in=[-k for k in keys if k < 0])
    ).values_list(
        "pk",
        "text",
        "membership__cluster_id",
        "article__url",
        "article__title",
        "article__given_title",
        "article__site_name",
        "article__published_at",
        "article__publisher__name",
        "article__publisher__homepage",
        "article__publisher__domain",
    )
    for (
        claim_id,
        text,
        cluster_id,
        url,
        title,
        given_title,
        site_name,
        published_at,
        publisher,
        homepage,
        domain,
    ) in rows:
        appearances[_cluster_key(cluster_id, claim_id)].append(
            Appearance(
                url=url,
                title=title or given_title,
                # A publisher still named after its domain, as intake creates one, gives way
                # to the name the page gives its site; a name an editor gave it stays.
                publisher=(
                    site_name
                    if site_name and publisher in (None, "", domain)
                    else publisher or site_name
                ),
                publisher_url=(homepage or f"https://{domain}/") if domain else "",
                # The article's own date or none: when the desk received it is not when the
                # claim was published, and ClaimReview and the page would present it as such.
                date=published_at,
                claim_id=claim_id,
                claim_text=text,
            )
        )
    sources: dict[int, list[Source]] = defaultdict(list)
    source_rows = (
        EvidenceSource.objects.filter(verdict__in=[v.pk for v in verdicts])
        .order_by("pk")
        .values_list(
            "verdict_id",
            "pk",
            "url",
            "title",
            "publisher",
            "date",
            "stance",
            "quote",
            "archived_hash",
            "archived_at",
        )
    )
    for verdict_id, pk, url, title, publisher, date, stance, quote, sha, at in source_rows:
        sources[verdict_id].append(
            Source(pk, url, title, publisher, date, stance, quote, sha, archived_at=at)
        )
    corrections: dict[int, list[Correction]] = defaultdict(list)
    versions = (
        Verdict.objects.filter(
            review_item_id__in=[v.review_item_id for v in verdicts],
            published_at__isnull=False,
            version__gt=1,
        )
        .order_by("version")
        .values_list("review_item_id", "version", "published_at", "rating", "correction_note")
    )
    for item_id, version, published_at, rating, note in versions:
        assert published_at is not None  # filtered on above
        corrections[item_id].append(Correction(version, published_at, rating, note))
    records = []
    for verdict in verdicts:
        seen = sorted(
            appearances[_cluster_key(verdict.cluster_id, verdict.claim_id)],  # type: ignore[attr-defined]
            key=lambda a: (a.date is None, a.date, a.claim_id),
        )
        records.append(
            PublishedFactCheck(
                id=verdict.review_item_id,
                claim=verdict.claim_reviewed,
                speaker=verdict.claimant,
                claimant_kind=verdict.claimant_kind,
                rating=verdict.rating,
                # The rating as it was published, whatever the scale says today.
                rating_label=verdict.get_rating_display(),
                rating_value=verdict.rating_value,
                rating_best=verdict.rating_best,
                rating_worst=verdict.rating_worst,
                explanation=verdict.explanation,
                summary=verdict.summary,
                # Annotated by fact_checks_published(), which also keeps only published ones.
                published_at=verdict.first_published_at or verdict.published_at,  # type: ignore[attr-defined,arg-type]
                modified_at=verdict.published_at,  # type: ignore[arg-type]
                version=verdict.version,
                appearances=seen,
                sources=sources[verdict.pk],
                corrections=[
                    c for c in corrections[verdict.review_item_id] if c.version <= verdict.version
                ],
            )
        )
    return records


def fact_check_get(*, item_id: int) -> PublishedFactCheck | None:
    """One published fact-check by its number, or None if there is no such published one."""
    verdict = fact_checks_published().filter(review_item_id=item_id).first()
    return fact_checks_load([verdict])[0] if verdict else None


def archived_source_get(*, item_id: int, source_id: int) -> EvidenceSource | None:
    """An archived source of a published fact-check's current version."""
    current = fact_checks_published().filter(review_item_id=item_id).values("pk")
    return (
        EvidenceSource.objects.filter(pk=source_id, verdict__in=current)
        .exclude(archived_hash="")
        .first()
    )


# --- Text search ---------------------------------------------------------------------------

_WORD = re.compile(r"\w+", re.UNICODE)
SEARCH_MAX_WORDS = 64


@dataclass(frozen=True)
class SearchHit:
    fact_check: PublishedFactCheck
    score: float


def _any_word_query(text: str) -> str:
    """A to_tsquery() string matching any word of `text`; "" if it has none."""
    words = list(dict.fromkeys(w.lower() for w in _WORD.findall(text)))[:SEARCH_MAX_WORDS]
    return " | ".join(f"'{w}'" for w in words if "'" not in w)


def _text_query(text: str) -> SearchQuery:
    return SearchQuery(_any_word_query(text), config="english", search_type="raw")


def fact_check_ids_matching(text: str) -> QuerySet[FactCheckSearch]:
    """Search entries (published fact-checks) whose words meet `text`."""
    if connection.vendor == "postgresql":
        # A text with no word ("''", punctuation) would be an empty tsquery: a syntax error.
        if not _any_word_query(text):
            return FactCheckSearch.objects.none()
        return FactCheckSearch.objects.filter(vector=_text_query(text))
    words = _WORD.findall(text)[:SEARCH_MAX_WORDS]
    if not words:
        return FactCheckSearch.objects.none()
    condition = Q()
    for word in words:
        condition |= Q(document__icontains=word)
    return FactCheckSearch.objects.filter(condition)


def _search_full_text(text: str, limit: int) -> list[tuple[int, float]]:
    matching = fact_check_ids_matching(text).filter(review_item__status__in=CHECKED)
    if connection.vendor != "postgresql":
        ids = matching.order_by("pk").values_list("pk", flat=True)[:limit]
        return [(item_id, 1.0) for item_id in ids]
    rows = (
        # Normalisation 1: longer documents do not win by length alone.
        matching.annotate(rank=SearchRank(F("vector"), _text_query(text), normalization=1))
        .order_by("-rank", "pk")
        .values_list("pk", "rank")[:limit]
    )
    return [(item_id, float(rank)) for item_id, rank in rows]


def _search_matched(text: str) -> list[tuple[int, float]] | None:
    """This desk's fact-checks the claim matcher finds for `text`; None if it cannot judge it.

    There is always a nearest neighbour: candidates under FACTCHECK_SEARCH_MIN_SCORE are
    noise and left out.
    """
    # Every candidate, so imported fact-checks and ones under the floor take no place.
    found = fact_checks_similar(text=text, limit=None)
    similar = [hit for hit in found if not hit.external]
    if not similar:
        return None
    floor = settings.FACTCHECK_SEARCH_MIN_SCORE
    return [(hit.id, hit.score) for hit in similar if hit.score >= floor]


def fact_checks_published_search(*, text: str, limit: int = 10) -> list[SearchHit]:
    """Published fact-checks that match a piece of text, best first, with a score.

    The claim matcher (the code that joins repeated claims) ranks; a text it cannot judge (one
    or two words) falls back to full-text rank.
    """
    matched = _search_matched(text)
    hits = _search_full_text(text, limit) if matched is None else matched
    scores = dict(hits)
    # Whatever the matcher says, only published fact-checks leave.
    verdicts = {
        v.review_item_id: v for v in fact_checks_published().filter(review_item_id__in=scores)
    }
    records = {r.id: r for r in fact_checks_load(list(verdicts.values()))}
    return [SearchHit(records[i], scores[i]) for i, _ in hits if i in records][:limit]


def notifications_unread_count(*, user_id: int, item_id: int | None = None) -> int:
    """How many of the user's notifications are unread (about one claim, or in all)."""
    unread = Notification.objects.filter(user_id=user_id, read_at__isnull=True)
    if item_id is not None:
        unread = unread.filter(review_item_id=item_id)
    return unread.count()
