"""Celery tasks: take ids, call one service, decide retries. All idempotent."""

from __future__ import annotations

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings

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
def article_fetch(self, url: str, feed_id: int | None = None) -> int | None:  # type: ignore[no-untyped-def]
    try:
        received = services.article_fetch(url=url, feed_id=feed_id)
    except services.IngestError as exc:
        logger.warning("refused to fetch: %s", exc)
        return None
    except Exception as exc:
        # Whatever went wrong, the URL is kept as a failed article that can be retried.
        logger.exception("fetching %s crashed", url)
        received = services.article_fetch_failed(url=url, feed_id=feed_id, error=repr(exc))
    if received.retryable and self.request.retries < FETCH_MAX_RETRIES:
        raise self.retry(countdown=30 * 2**self.request.retries)
    return received.article.pk


@shared_task(acks_late=True)
def feed_poll(feed_id: int) -> str:
    try:
        return services.feed_poll(feed_id=feed_id).result
    except Exception as exc:
        logger.exception("polling feed %s crashed", feed_id)
        return services.feed_poll_failed(feed_id=feed_id, error=repr(exc)).result


@shared_task(acks_late=True)
def articles_requeue_stale() -> int:
    return services.articles_requeue_stale(
        older_than_seconds=settings.FACTCHECK_REQUEUE_AFTER_SECONDS
    )


@shared_task(acks_late=True)
def sentence_scores_expire() -> int:
    expired = services.sentence_scores_expire(
        older_than_days=settings.FACTCHECK_SENTENCE_SCORES_DAYS,
        seconds=settings.CELERY_TASK_SOFT_TIME_LIMIT / 2,
    )
    if not expired.finished:  # a backlog: the rest in a task of its own, within its limits
        sentence_scores_expire.delay()
    return expired.deleted
