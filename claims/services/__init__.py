"""Writes for articles, feeds and claims. Views, tasks, commands and admin call these."""

from claims.services.extract import article_extract, article_mark_failed
from claims.services.feeds import feed_delete, feed_poll, feed_save
from claims.services.ingest import Received, article_fetch, article_receive, article_retry

__all__ = [
    "Received",
    "article_extract",
    "article_fetch",
    "article_mark_failed",
    "article_receive",
    "article_retry",
    "feed_delete",
    "feed_poll",
    "feed_save",
]
