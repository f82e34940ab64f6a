"""Store fact-checks published elsewhere so new claims can be matched against them."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from django.db import transaction

from claims.outbound import OutboundError, http_fetch
from claims.pipeline.claimreview import ClaimReviewFormatError, claimreviews_parse
from claims.pipeline.matching.normalise import fact_check_embedding_text
from claims.services.embeddings import texts_embed, vector_store
from reviews.models import ImportedFactCheck
from reviews.services.fact_check_grams import fact_check_grams_count

BATCH_SIZE = 500


class ClaimReviewImportError(Exception):
    """The input as a whole could not be read (not JSON, unreachable URL)."""


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    errors: list[str] = field(default_factory=list)


def fact_check_source_key(*, url: str, claim_reviewed: str) -> str:
    return hashlib.sha256(f"{url}\n{' '.join(claim_reviewed.split())}".encode()).hexdigest()


def claimreviews_import(*, data: bytes | str, source: str = "") -> ImportReport:
    """Import every good ClaimReview record in `data`; bad ones are reported, not fatal."""
    try:
        parsed = claimreviews_parse(data)
    except ClaimReviewFormatError as exc:
        raise ClaimReviewImportError(f"{source or 'input'}: {exc}") from exc
    report = ImportReport(errors=parsed.errors)
    records = {
        fact_check_source_key(url=r.url, claim_reviewed=r.claim_reviewed): r for r in parsed.records
    }
    keys = list(records)
    for start in range(0, len(keys), BATCH_SIZE):
        batch = keys[start : start + BATCH_SIZE]
        vectors = texts_embed(
            [
                fact_check_embedding_text(records[key].claim_reviewed, records[key].headline)
                for key in batch
            ]
        )
        with transaction.atomic():
            existing = {
                fact.source_key: fact
                for fact in ImportedFactCheck.objects.select_for_update().filter(
                    source_key__in=batch
                )
            }
            added: list[str] = []
            removed: list[str] = []
            for row, key in enumerate(batch):
                record = records[key]
                before = existing.get(key)
                fact, _ = ImportedFactCheck.objects.update_or_create(
                    source_key=key,
                    defaults={
                        "claim_reviewed": record.claim_reviewed,
                        "headline": record.headline,
                        "rating": record.rating,
                        "url": record.url,
                        "publisher": record.publisher,
                        "claimant": record.claimant,
                        "date_published": record.date_published,
                        "imported_from": source[:2000],
                        "embedding": None if vectors is None else vector_store(vectors[row]),
                    },
                )
                if before is None or before.match_text != fact.match_text:
                    added.append(fact.match_text)
                    if before is not None:
                        removed.append(before.match_text)
            fact_check_grams_count(added=added, removed=removed)
            report.updated += len(existing)
            report.created += len(batch) - len(existing)
    return report


def claimreviews_import_url(*, url: str) -> ImportReport:
    """Fetch a ClaimReview feed (through the same guarded fetcher as articles) and import it."""
    try:
        fetched = http_fetch(url)
    except OutboundError as exc:
        raise ClaimReviewImportError(f"{url}: {exc}") from exc
    if fetched.status >= 400:
        raise ClaimReviewImportError(f"{url}: the server answered {fetched.status}")
    return claimreviews_import(data=fetched.content, source=url)
