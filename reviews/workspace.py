"""Reads of the claim workspace (reviews.admin.workspace): the fact-checks that may already
answer the claim, the claims before and after it in the queue, each source's archive state in
plain words, and the preview of the fact-check as it will be published.

The preview is the record `reviews.selectors` builds for a published fact-check, built from the
draft instead, so the public page and ClaimReview drawn from it are what approval publishes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.utils import timezone

from reviews import workflow
from reviews.models import EvidenceSource, FactCheckSuggestion, ReviewItem, Verdict
from reviews.rendering import fact_check_path
from reviews.selectors import Correction, PublishedFactCheck, fact_checks_load

CANDIDATES_SHOWN = 10


@dataclass(frozen=True)
class Candidate:
    """A fact-check the matcher suggests for the claim: what it rated, by whom, where."""

    score: float
    conflict: str
    claim: str
    rating: str
    publisher: str
    url: str
    date: datetime | None = None


def _cluster_id(item: ReviewItem) -> int | None:
    member = getattr(item.claim, "membership", None)
    return member.cluster_id if member is not None else None


def already_checked(item: ReviewItem) -> list[Candidate]:
    """Published fact-checks (this desk's or imported) suggested for the claim, best first.

    Never the claim's own cluster's fact-check: that one is this claim's, not an earlier
    answer to it."""
    cluster_id = _cluster_id(item)
    if cluster_id is None:
        return []
    suggestions = list(
        FactCheckSuggestion.objects.filter(
            cluster_id=cluster_id, status=FactCheckSuggestion.Status.SUGGESTED
        )
        .exclude(review_item=item.pk)
        .exclude(review_item__claim__membership__cluster_id=cluster_id)
        .select_related("fact_check")
        .order_by("-score", "pk")[:CANDIDATES_SHOWN]
    )
    desk_ids = [s.review_item_id for s in suggestions if s.review_item_id is not None]
    newer = Verdict.objects.filter(
        review_item=OuterRef("review_item"),
        published_at__isnull=False,
        version__gt=OuterRef("version"),
    )
    current = {
        row["review_item_id"]: row
        for row in Verdict.objects.filter(
            review_item_id__in=desk_ids,
            published_at__isnull=False,
            review_item__status__in=workflow.CHECKED,
        )
        .filter(~Exists(newer))
        .values("review_item_id", "claim_reviewed", "rating_name", "rating", "published_at")
    }
    found = []
    for suggestion in suggestions:
        conflict = suggestion.get_conflict_display() if suggestion.conflict else ""
        imported = suggestion.fact_check
        if imported is not None:
            found.append(
                Candidate(
                    suggestion.score,
                    conflict,
                    imported.claim_reviewed,
                    imported.rating or "no rating given",
                    imported.publisher or "another fact-checker",
                    imported.url,
                    None,
                )
            )
            continue
        row = current.get(suggestion.review_item_id)
        if row is None:
            continue  # a fact-check of this desk that is not published (any more)
        found.append(
            Candidate(
                suggestion.score,
                conflict,
                row["claim_reviewed"],
                row["rating_name"] or row["rating"],
                settings.FACTCHECK_ORGANIZATION_NAME,
                fact_check_path(row["review_item_id"]),
                row["published_at"],
            )
        )
    return found


@dataclass(frozen=True)
class Neighbours:
    previous: int | None
    next: int | None


def queue_neighbours(item: ReviewItem) -> Neighbours:
    """The open claims just before and after this one in queue order.

    Each side is at most two ranges of the open claims' index (same priority, then the next
    priority): an OR of the two would be read from the top of the queue."""
    open_items = ReviewItem.objects.filter(status__in=workflow.OPEN)

    def first(*ranges: tuple[Q, tuple[str, ...]]) -> int | None:
        for condition, order in ranges:
            found = open_items.filter(condition).order_by(*order).values_list("pk", flat=True)
            pk = found.first()
            if pk is not None:
                return pk
        return None

    same = Q(priority=item.priority)
    return Neighbours(
        previous=first(
            (same & Q(pk__lt=item.pk), ("-id",)),
            (Q(priority__gt=item.priority), ("priority", "-id")),
        ),
        next=first(
            (same & Q(pk__gt=item.pk), ("id",)),
            (Q(priority__lt=item.priority), ("-priority", "id")),
        ),
    )


# What a failed archive says, in words a reviewer can act on: the raw error (a resolver's
# "[Errno -2] Name or service not known") stays in the logs and the source's history.
_FAILURE_WORDS = [
    (("could not resolve", "name or service", "nodename"), "the site's name could not be found"),
    (("private address", "not a fetchable", "only http and https"), "the desk may not fetch it"),
    (("timed out", "too slow", "no full response"), "the site did not answer in time"),
    (("too large", "larger than"), "the page is too large to archive"),
    (("redirect",), "the page redirects too often or to a bad address"),
    (
        ("no readable text", "no article text", "is empty", "binary", "character set"),
        "the page has no readable text to keep",
    ),
]
_STATUS_WORDS = {
    401: "the site asks for a login",
    403: "the site refused access",
    404: "the page was not found",
    410: "the page is gone",
    429: "the site asked the desk to slow down",
}


def archive_failure_words(error: str) -> str:
    """Why a source could not be archived, in plain words (never the exception's text)."""
    lowered = error.lower()
    if lowered.startswith("http ") and lowered[5:8].isdigit():
        status = int(lowered[5:8])
        if status in _STATUS_WORDS:
            return f"{_STATUS_WORDS[status]} ({status})"
        if status >= 500:
            return f"the site had an error ({status}); it may work later"
        return f"the site answered with an error ({status})"
    for needles, words in _FAILURE_WORDS:
        if any(needle in lowered for needle in needles):
            return words
    return "the page could not be read"


@dataclass(frozen=True)
class ArchiveState:
    state: str  # "archived", "failed" or "pending"
    words: str


def archive_state(source: EvidenceSource) -> ArchiveState:
    """A source's archive as the reviewer reads it: when and which hash, why not, or pending."""
    if source.archived_hash and source.archived_at:
        local = timezone.localtime(source.archived_at)
        return ArchiveState(
            "archived",
            f"archived {local:%Y-%m-%d %H:%M}, SHA-256 {source.archived_hash[:12]}…",
        )
    if source.fetch_error:
        return ArchiveState("failed", f"not archived: {archive_failure_words(source.fetch_error)}")
    if source.archive_tried_at is None:
        # Queued, or never sent (a broker that was down): the sweep archives it either way.
        return ArchiveState("pending", "not archived yet: waiting for the archiver")
    return ArchiveState("pending", "archiving: the page is being fetched")


def sources_unarchived_warning(*, verdict: Verdict) -> str:
    """What an editor is told before publishing a verdict whose sources are not all archived
    (publishing goes ahead: a site that refuses the archiver is no reason to hold a fact-check
    back); empty when every source is archived."""
    states = [archive_state(source).state for source in verdict.sources.all()]
    missing = [state for state in states if state != "archived"]
    if not missing:
        return ""
    failed, pending = missing.count("failed"), missing.count("pending")
    why = ", ".join(
        part
        for part in (
            f"{failed} could not be archived" if failed else "",
            f"{pending} waiting to be archived" if pending else "",
        )
        if part
    )
    if len(missing) < len(states):
        verb = "is" if len(missing) == 1 else "are"
        return f"{len(missing)} of the {len(states)} sources {verb} not archived ({why})."
    if len(states) == 1:
        lead = "The verdict's only source is not archived"
    else:
        lead = f"None of the verdict's {len(states)} sources is archived"
    return (
        f"{lead} ({why}): if a page changes or disappears, nothing will show what it said "
        "when the verdict was written."
    )


def fact_check_preview(item: ReviewItem) -> PublishedFactCheck | None:
    """The draft of `item` as the fact-check it will publish; None without a draft."""
    first = Verdict.objects.filter(
        review_item=OuterRef("review_item"), published_at__isnull=False
    ).order_by("version")
    draft = (
        Verdict.objects.filter(review_item=item.pk, published_at__isnull=True)
        .annotate(
            first_published_at=Subquery(first.values("published_at")[:1]),
            claim_id=F("review_item__claim_id"),
            cluster_id=F("review_item__claim__membership__cluster_id"),
        )
        .first()
    )
    if draft is None:
        return None
    (preview,) = fact_checks_load([draft])
    now = timezone.now()
    # Published now, as far as the reader of the preview can tell; a correction keeps its
    # first publication and adds its note.
    preview.published_at = draft.first_published_at or now  # type: ignore[attr-defined]
    preview.modified_at = now
    if draft.correction_note:
        preview.corrections.append(
            Correction(draft.version, now, draft.rating, draft.correction_note)
        )
    return preview
