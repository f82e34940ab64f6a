"""Celery tasks for reviews: take ids, call one service, decide retries. All idempotent."""

from __future__ import annotations

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import connection
from django.utils import timezone

from reviews.models import ClusterMember
from reviews.services import (
    claimreviews,
    copies,
    evidence,
    matching,
    notifications,
    queue,
    webhook_sending,
    webhooks,
)
from reviews.services import clusters as cluster_services

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


@shared_task(acks_late=True)
def review_holds_release_stale() -> int:
    """Periodic: put claims held longer than the hold time back in the queue."""
    return queue.reviews_release_stale(older_than_seconds=settings.FACTCHECK_HOLD_SECONDS)


@shared_task(acks_late=True)
def review_priorities_age() -> int:
    """Periodic: lower the fading recency bonus of the open claims seen recently."""
    from reviews.services import queue as services

    return services.review_priorities_age()


@shared_task(bind=True, acks_late=True, max_retries=None)
def webhook_deliver(self, delivery_id: int) -> str:  # type: ignore[no-untyped-def]
    try:
        delivery = webhook_sending.webhook_delivery_attempt(delivery_id=delivery_id)
    except Exception:
        # The delivery stays pending and due: the sweep sends it again.
        logger.exception("webhook delivery %s crashed", delivery_id)
        return "error"
    if delivery is None:
        return "busy"
    if delivery.status == delivery.Status.PENDING and delivery.next_attempt_at:
        wait = (delivery.next_attempt_at - timezone.now()).total_seconds()
        raise self.retry(countdown=max(wait, 0))
    return str(delivery.status)


@shared_task(acks_late=True)
def webhook_deliveries_requeue_stale() -> int:
    return webhooks.webhook_deliveries_requeue_stale()


@shared_task(acks_late=True)
def claims_match(claim_ids: list[int], gather: bool = True) -> int:
    """Place the claims (with those gathered from other tasks, `gather`). A batch too big for
    the time limit on a busy machine, or one that a claim fails, goes round again in two
    halves, without gathering: the halves shrink until each claim that fails fails alone,
    and every other claim of the batch is placed."""
    with matching.claims_gathered(claim_ids=claim_ids, gather=gather) as batch:
        try:
            return matching.claims_match(claim_ids=batch).matched
        except SoftTimeLimitExceeded:
            # Interrupted anywhere, perhaps in the middle of a statement: the session goes
            # (its transaction rolls back), and the halves skip whatever was placed.
            connection.close()
            logger.warning("matching hit the time limit; %s claims sent again", len(batch))
            _halves_send(batch)
            return 0
        except Exception:
            left = _unplaced(batch)
            if len(left) <= 1 or len(batch) <= 1:
                raise  # one claim that fails, or a failure once every claim was placed
            logger.exception("a matching batch failed; its %s claims go round in halves", len(left))
            _halves_send(left)
            return 0


def _unplaced(claim_ids: list[int]) -> list[int]:
    return list(
        ClusterMember.objects.filter(claim_id__in=claim_ids, matched_at__isnull=True)
        .order_by("claim_id")
        .values_list("claim_id", flat=True)
    )


def _halves_send(claim_ids: list[int]) -> None:
    half = (len(claim_ids) + 1) // 2
    for part in (claim_ids[:half], claim_ids[half:]):
        if part:
            claims_match.apply_async((part,), {"gather": False})


@shared_task(acks_late=True)
def claims_match_pending() -> int:
    """Re-send claims left unplaced for FACTCHECK_MATCH_REQUEUE_AFTER_SECONDS (a lost
    message, a dead worker)."""
    return cluster_services.claims_match_requeue(
        older_than_seconds=settings.FACTCHECK_MATCH_REQUEUE_AFTER_SECONDS
    )


@shared_task(acks_late=True)
def ranked_texts_expire() -> int:
    """Forget the texts matching ranked longer ago than copies may join them as they are
    stored (FACTCHECK_MATCH_COPY_SECONDS)."""
    expired = copies.ranked_texts_expire(
        older_than_seconds=settings.FACTCHECK_MATCH_COPY_SECONDS,
        seconds=settings.CELERY_TASK_SOFT_TIME_LIMIT / 2,
    )
    if not expired.finished:  # a backlog: the rest in a task of its own, within its limits
        ranked_texts_expire.delay()
    return expired.deleted


@shared_task(acks_late=True)
def claimreviews_import(url: str | None = None) -> int:
    """Re-import one ClaimReview feed, or every one in FACTCHECK_CLAIMREVIEW_URLS."""
    imported = 0
    for source in [url] if url else settings.FACTCHECK_CLAIMREVIEW_URLS:
        try:
            report = claimreviews.claimreviews_import_url(url=source)
        except claimreviews.ClaimReviewImportError as exc:
            logger.warning("ClaimReview import failed: %s", exc)
            continue
        for error in report.errors:
            logger.warning("ClaimReview import %s: %s", source, error)
        imported += report.created + report.updated
    return imported


@shared_task(bind=True, acks_late=True, max_retries=4)
def notification_emails_send(self, notification_ids: list[int]) -> list[str]:  # type: ignore[no-untyped-def]
    """Email these notifications; each is sent once, however often this runs."""
    states = notifications.notification_emails_send(ids=notification_ids)
    # Those whose attempt failed are tried again, later; the sweep catches any left over.
    again = [
        pk
        for pk, state in zip(notification_ids, states, strict=True)
        if state == notifications.Email.PENDING
    ]
    if again and self.request.retries < self.max_retries:
        raise self.retry(args=[again], countdown=60 * 2**self.request.retries)
    return states


@shared_task(acks_late=True)
def notification_emails_sweep() -> int:
    """Periodic: send the notification emails whose task was lost."""
    return notifications.notification_emails_sweep()
