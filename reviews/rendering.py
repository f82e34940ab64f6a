"""schema.org ClaimReview for a published fact-check, as Google's fact-check markup asks.

A pure function of the record, so the API, the feeds and the webhooks emit the same JSON-LD.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from reviews.selectors import Appearance, FactCheck


def _date(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _creative_work(appearance: Appearance) -> dict[str, Any]:
    work: dict[str, Any] = {"@type": "CreativeWork", "url": appearance.url}
    if appearance.title:
        work["headline"] = appearance.title
    if appearance.date:
        work["datePublished"] = _date(appearance.date)
    if appearance.publisher:
        work["author"] = {"@type": "Organization", "name": appearance.publisher}
        if appearance.publisher_url:
            work["author"]["url"] = appearance.publisher_url
    return work


def claim_review(
    fact_check: FactCheck,
    *,
    url: str,
    organization_name: str,
    organization_url: str,
) -> dict[str, Any]:
    """The ClaimReview JSON-LD object of `fact_check`, published at `url`."""
    organization = {"@type": "Organization", "name": organization_name, "url": organization_url}
    appearances = [a for a in fact_check.appearances if a.url]
    first = appearances[0] if appearances else None
    item: dict[str, Any] = {"@type": "Claim"}
    if fact_check.speaker:
        # A named speaker is a person as far as the desk can tell; the words are theirs.
        item["author"] = {"@type": "Person", "name": fact_check.speaker}
    elif first and first.publisher:
        item["author"] = {"@type": "Organization", "name": first.publisher}
        if first.publisher_url:
            item["author"]["url"] = first.publisher_url
    first_seen = fact_check.first_appearance
    if first_seen and first_seen.date:
        item["datePublished"] = _date(first_seen.date)
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
        "datePublished": _date(fact_check.published_at),
    }
    if fact_check.summary:
        review["reviewBody"] = fact_check.summary
    if fact_check.explanation:
        review["description"] = fact_check.explanation
    if fact_check.corrections:
        review["dateModified"] = _date(fact_check.modified_at)
    return review
