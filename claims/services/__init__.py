"""Writes for articles, feeds and claims. Views, tasks, commands and admin call these."""

from claims.services.extract import article_extract, article_mark_failed
from claims.services.feeds import feed_delete, feed_poll, feed_poll_failed, feed_save
from claims.services.ingest import (
    IngestError,
    Received,
    article_fetch,
    article_fetch_failed,
    article_receive,
    article_retry,
    article_submit,
    articles_requeue_stale,
)
from claims.services.sentence_scores import sentence_scores_expire

__all__ = [
    "IngestError",
    "article_fetch_failed",
    "feed_poll_failed",
    "Received",
    "article_extract",
    "article_fetch",
    "article_mark_failed",
    "article_receive",
    "article_retry",
    "article_submit",
    "articles_requeue_stale",
    "feed_delete",
    "feed_poll",
    "feed_save",
    "sentence_scores_expire",
]
