"""Celery tasks for reviews: take ids, call one service, decide retries. All idempotent."""

from __future__ import annotations

import logging

from celery import shared_task

from reviews import evidence

logger = logging.getLogger(__name__)

ARCHIVE_MAX_RETRIES = 4


@shared_task(bind=True, acks_late=True, max_retries=ARCHIVE_MAX_RETRIES)
def evidence_archive(self, source_id: int) -> str:  # type: ignore[no-untyped-def]
    try:
        result = evidence.evidence_archive(source_id=source_id)
    except Exception as exc:
        # A crash must not leave the source silently unarchived: say so where reviewers look.
        logger.exception("archiving evidence source %s crashed", source_id)
        evidence.evidence_archive_failed(
            source_id=source_id, error=f"internal error while archiving: {exc!r}"
        )
        return evidence.FAILED
    if result.retryable and self.request.retries < ARCHIVE_MAX_RETRIES:
        raise self.retry(countdown=30 * 2**self.request.retries)
    return result.status


@shared_task(acks_late=True)
def evidence_sources_rearchive() -> int:
    """Periodic: archive again the sources whose archiving failed or never ran."""
    return len(evidence.evidence_sources_rearchive())
