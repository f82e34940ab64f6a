"""Archiving evidence: the text of a cited source as it read when the reviewer cited it, so a
verdict still shows what it rested on after the page changes or disappears."""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from claims.outbound import OutboundError, http_fetch
from claims.pipeline.errors import ExtractionError
from claims.pipeline.html import document_from_html
from claims.pipeline.inputs import decode_input, guess_format
from reviews import tasks
from reviews.models import EvidenceSource

ARCHIVED = "archived"
ALREADY_ARCHIVED = "already_archived"
FAILED = "failed"
MISSING = "missing"


@dataclass(frozen=True)
class ArchiveResult:
    status: str
    # A transient fetch failure (timeout, 503): trying again later may archive the page.
    retryable: bool = False


def evidence_archive(*, source_id: int) -> ArchiveResult:
    """Fetch a source and store its readable text and hash; failures go into `fetch_error`."""
    source = EvidenceSource.objects.filter(pk=source_id).first()
    if source is None:
        return ArchiveResult(MISSING)
    # The archive is a snapshot of what the reviewer cited: once taken it is never replaced,
    # so a duplicated or retried task neither fetches again nor changes it.
    if source.archived_hash:
        return ArchiveResult(ALREADY_ARCHIVED)
    EvidenceSource.objects.filter(pk=source_id, archived_hash="").update(
        archive_attempts=F("archive_attempts") + 1, archive_tried_at=timezone.now()
    )
    try:
        fetched = http_fetch(source.url)
        text = _readable_text(fetched.content, fetched.content_type, fetched.charset, fetched.url)
    except OutboundError as exc:
        evidence_archive_failed(source_id=source_id, error=str(exc))
        attempts_left = source.archive_attempts + 1 < settings.FACTCHECK_ARCHIVE_MAX_ATTEMPTS
        return ArchiveResult(FAILED, retryable=exc.retryable and attempts_left)
    except ExtractionError as exc:
        evidence_archive_failed(source_id=source_id, error=f"{source.url}: {exc}")
        return ArchiveResult(FAILED)
    digest = hashlib.sha256(text.encode()).hexdigest()
    # Conditional, so of two tasks archiving at once only the first one's snapshot is kept.
    updated = EvidenceSource.objects.filter(pk=source_id, archived_hash="").update(
        archived_text=text, archived_hash=digest, archived_at=timezone.now(), fetch_error=""
    )
    return ArchiveResult(ARCHIVED if updated else ALREADY_ARCHIVED)


def _readable_text(content: bytes, content_type: str, charset: str, url: str) -> str:
    decoded = decode_input(content, charset)
    if guess_format(url, content_type, content[:1024]) == "html":
        document = document_from_html(decoded, url)
        text = document.text.strip()
        if not text:
            raise ExtractionError(document.skip_reason or "no readable text on the page")
        return text
    # Plain text is kept whole: a short statement is evidence even if it is no article. Bar
    # NULs, which PostgreSQL text refuses (binary sniffing reads only the first 8 KiB).
    return decoded.replace("\x00", "").strip()


def evidence_archive_failed(*, source_id: int, error: str) -> None:
    """Record why a source could not be archived, unless it has been archived meanwhile."""
    EvidenceSource.objects.filter(pk=source_id, archived_hash="").update(fetch_error=error)


# Sources one sweep enqueues at most; the next sweep, 15 minutes later, takes the rest.
REARCHIVE_BATCH = 200


def evidence_sources_rearchive(
    *,
    retry_seconds: int | None = None,
    max_attempts: int | None = None,
    batch_size: int = REARCHIVE_BATCH,
) -> list[int]:
    """Enqueue archiving again for sources whose archive failed or never ran; returns their ids.

    A source is due when it has no archived copy, fewer than `max_attempts` attempts, and its
    last attempt (or, if none ran, its citation) is older than `retry_seconds`.
    """
    retry_seconds = (
        settings.FACTCHECK_ARCHIVE_RETRY_SECONDS if retry_seconds is None else retry_seconds
    )
    max_attempts = settings.FACTCHECK_ARCHIVE_MAX_ATTEMPTS if max_attempts is None else max_attempts
    now = timezone.now()
    cutoff = now - timedelta(seconds=retry_seconds)
    with transaction.atomic():
        # SKIP LOCKED: two sweeps at once (a beat restart) split the work instead of doubling it.
        due = list(
            EvidenceSource.objects.select_for_update(skip_locked=True)
            .filter(archived_hash="", archive_attempts__lt=max_attempts)
            .filter(
                Q(archive_tried_at__lt=cutoff)
                | Q(archive_tried_at__isnull=True, created_at__lt=cutoff)
            )
            .order_by("archive_tried_at", "pk")
            .values_list("pk", flat=True)[:batch_size]
        )
        if not due:
            return []
        # Stamped now, so the next sweep leaves them alone while these tasks run.
        EvidenceSource.objects.filter(pk__in=due).update(archive_tried_at=now)
        for source_id in due:
            transaction.on_commit(
                functools.partial(tasks.evidence_archive.delay, source_id), robust=True
            )
    return due


def evidence_archive_again(*, source_id: int) -> bool:
    """Archive a source now, whatever its attempts (the desk's "Try again"); False when it is
    archived already. Its last failure is cleared, so it reads as pending until the task runs."""
    with transaction.atomic():
        retried = EvidenceSource.objects.filter(pk=source_id, archived_hash="").update(
            fetch_error="", archive_tried_at=timezone.now()
        )
        if retried:
            transaction.on_commit(
                functools.partial(tasks.evidence_archive.delay, source_id), robust=True
            )
    return bool(retried)
