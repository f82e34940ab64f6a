"""How a published fact-check is written out: its public URL, its schema.org ClaimReview
(JSON-LD, as Google's fact-check markup asks) and its API record.

Pure functions of the record from `reviews.selectors`, so the API, the stored records, the
webhooks, the feeds and the public page all write the same thing.
"""

from __future__ import annotations

import datetime
import functools
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from reviews.selectors import Appearance, PublishedFactCheck, Source


def absolute_url(request: HttpRequest | None, path: str) -> str:
    """`path` as an absolute URL: from the request, or FACTCHECK_SITE_URL outside one."""
    if request is not None:
        return request.build_absolute_uri(path)
    return settings.FACTCHECK_SITE_URL.rstrip("/") + path  # type: ignore[no-any-return]


def fact_check_pages_here() -> bool:
    """Whether the fact-checks' reader-facing pages are this site's own (not the newsroom's,
    FACTCHECK_FACT_CHECK_URL)."""
    return not settings.FACTCHECK_FACT_CHECK_URL


def fact_check_path(item_id: int) -> str:
    """Where readers find a fact-check: the configured page (absolute), or the desk's public
    page's path."""
    if not fact_check_pages_here():
        return settings.FACTCHECK_FACT_CHECK_URL.format(id=item_id)  # type: ignore[no-any-return]
    return reverse("fact-check-page", args=[item_id])


def fact_check_public_url(request: HttpRequest | None, fact_check: PublishedFactCheck) -> str:
    """Where readers find a fact-check, as an absolute URL."""
    path = fact_check_path(fact_check.id)
    return absolute_url(request, path) if fact_check_pages_here() else path


@functools.cache
def fact_checks_path() -> str:
    """The path of the API's fact-check list, the base of every record's addresses."""
    return reverse("api:fact-check-list")


def iso_datetime(value: datetime.datetime | None) -> str | None:
    """`value` in ISO 8601 to the second, as ClaimReview and the feeds date things: the
    microseconds the database keeps say nothing to a reader or a search engine."""
    return value.replace(microsecond=0).isoformat() if value else None


def _creative_work(appearance: Appearance) -> dict[str, Any]:
    work: dict[str, Any] = {"@type": "CreativeWork", "url": appearance.url}
    if appearance.title:
        work["headline"] = appearance.title
    if appearance.date:
        work["datePublished"] = iso_datetime(appearance.date)
    if appearance.publisher:
        work["author"] = {"@type": "Organization", "name": appearance.publisher}
        if appearance.publisher_url:
            work["author"]["url"] = appearance.publisher_url
    return work


def claimant(fact_check: PublishedFactCheck) -> dict[str, Any] | None:
    """Who made the claim, as schema.org names them; None when it is unattributed (never the
    outlet that published the article)."""
    types = {"person": "Person", "organization": "Organization"}
    if not fact_check.speaker or fact_check.claimant_kind not in types:
        return None
    return {"@type": types[fact_check.claimant_kind], "name": fact_check.speaker}


def claim_review(request: HttpRequest | None, fact_check: PublishedFactCheck) -> dict[str, Any]:
    """The ClaimReview JSON-LD object of `fact_check`, at its public URL, by the newsroom."""
    organization = {
        "@type": "Organization",
        "name": settings.FACTCHECK_ORGANIZATION_NAME,
        "url": settings.FACTCHECK_ORGANIZATION_URL,
    }
    url = fact_check_public_url(request, fact_check)
    appearances = [a for a in fact_check.appearances if a.url]
    item: dict[str, Any] = {"@type": "Claim"}
    author = claimant(fact_check)
    if author:
        item["author"] = author
    first_seen = fact_check.first_appearance
    if first_seen and first_seen.date:
        item["datePublished"] = iso_datetime(first_seen.date)
    if appearances:
        item["appearance"] = [_creative_work(a) for a in appearances]
        item["firstAppearance"] = _creative_work(appearances[0])
    rating: dict[str, Any] = {
        "@type": "Rating",
        "alternateName": fact_check.rating_label,
        "bestRating": fact_check.rating_best,
        "worstRating": fact_check.rating_worst,
    }
    if fact_check.rating_value is not None:
        rating["ratingValue"] = fact_check.rating_value
    review: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": url,
        "claimReviewed": fact_check.claim,
        "itemReviewed": item,
        "author": organization,
        "reviewRating": rating,
        "datePublished": iso_datetime(fact_check.published_at),
    }
    if fact_check.summary:
        review["reviewBody"] = fact_check.summary
    if fact_check.explanation:
        review["description"] = fact_check.explanation
    if fact_check.corrections:
        review["dateModified"] = iso_datetime(fact_check.modified_at)
    return review


def fact_check_record(fact_check: PublishedFactCheck, *, base: str) -> dict[str, Any]:
    """A fact-check's API record; `base` is the absolute address of the fact-check list."""
    tz = timezone.get_current_timezone()
    detail = f"{base}{fact_check.id}/"
    appearances = [_appearance(a, tz) for a in fact_check.appearances]
    return {
        "id": fact_check.id,
        "url": detail,
        "claimreview_url": f"{detail}claimreview/",
        "claim": fact_check.claim,
        "speaker": fact_check.speaker,
        "claimant_kind": fact_check.claimant_kind,
        "appearances": appearances,
        "first_appearance": appearances[0] if appearances else None,
        "rating": {
            "name": fact_check.rating,
            "label": fact_check.rating_label,
            "value": fact_check.rating_value,
            "best": fact_check.rating_best,
            "worst": fact_check.rating_worst,
        },
        "explanation": fact_check.explanation,
        "summary": fact_check.summary,
        "sources": [_source(s, detail, tz) for s in fact_check.sources],
        "published_at": _datetime(fact_check.published_at, tz),
        "modified_at": _datetime(fact_check.modified_at, tz),
        "version": fact_check.version,
        "corrections": [
            {
                "version": c.version,
                "published_at": _datetime(c.published_at, tz),
                "rating": c.rating,
                "note": c.note,
            }
            for c in fact_check.corrections
        ],
    }


def _datetime(value: datetime.datetime | None, tz: Any) -> str | None:
    """As DRF's DateTimeField writes it: ISO 8601 in the current time zone, UTC as Z."""
    if value is None:
        return None
    text = value.astimezone(tz).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def _appearance(appearance: Appearance, tz: Any) -> dict[str, Any]:
    return {
        "url": appearance.url,
        "title": appearance.title,
        "publisher": appearance.publisher,
        "date": _datetime(appearance.date, tz),
        "claim_text": appearance.claim_text,
    }


def _source(source: Source, detail_url: str, tz: Any) -> dict[str, Any]:
    archived = None
    if source.archived_hash:
        archived = {
            "sha256": source.archived_hash,
            "fetched_at": _datetime(source.archived_at, tz),
            "text_url": f"{detail_url}sources/{source.id}/archive/",
        }
    return {
        "url": source.url,
        "title": source.title,
        "publisher": source.publisher,
        "date": source.date.isoformat() if source.date else None,  # type: ignore[attr-defined]
        "stance": source.stance,
        "quote": source.quote,
        "archived": archived,
    }
