"""Celery tasks: take ids, call one service, decide retries. All idempotent."""

from __future__ import annotations

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from claims import services

logger = logging.getLogger(__name__)

FETCH_MAX_RETRIES = 4


@shared_task(acks_late=True)
def article_extract(article_id: int) -> str:
    try:
        article = services.article_extract(article_id=article_id)
    except SoftTimeLimitExceeded:
        services.article_mark_failed(
            article_id=article_id, error="extraction took longer than the task time limit"
        )
        return "failed"
    except Exception as exc:
        # A bug in the pipeline must not lose the article: keep it failed and retryable.
        logger.exception("extraction of article %s crashed", article_id)
        services.article_mark_failed(
            article_id=article_id, error=f"internal error during extraction: {exc!r}"
        )
        return "failed"
    return article.status


@shared_task(bind=True, acks_late=True, max_retries=FETCH_MAX_RETRIES)
def article_fetch(self, url: str, feed_id: int | None = None) -> int:  # type: ignore[no-untyped-def]
    received = services.article_fetch(url=url, feed_id=feed_id)
    if received.retryable and self.request.retries < FETCH_MAX_RETRIES:
        raise self.retry(countdown=30 * 2**self.request.retries)
    return received.article.pk


@shared_task(acks_late=True)
def feed_poll(feed_id: int) -> str:
    return services.feed_poll(feed_id=feed_id).result
