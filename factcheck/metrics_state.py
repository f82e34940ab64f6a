"""How much is waiting, read from PostgreSQL and Redis when `/metrics` is scraped and never
kept in a process: articles and review items by status, messages per Celery queue."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import redis
from django.conf import settings
from django.db.models import Count
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from claims.models import Article
from reviews.models import ReviewItem

logger = logging.getLogger(__name__)


def redis_queue_lengths(client: Any, queues: list[str]) -> dict[str, int]:
    """Messages waiting per Celery queue (kombu keeps one Redis list per priority step)."""
    lengths = {}
    for queue in queues:
        keys = [queue] + [f"{queue}\x06\x16{priority}" for priority in range(1, 10)]
        pipe = client.pipeline(transaction=False)
        for key in keys:
            pipe.llen(key)
        lengths[queue] = sum(pipe.execute())
    return lengths


def celery_queues() -> list[str]:
    routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}
    return sorted(routed | {settings.CELERY_TASK_DEFAULT_QUEUE})


class StateCollector(Collector):
    """Reads how much is waiting when scraped: articles and review items by status, and
    messages per Celery queue. A dependency that is down leaves its gauges out and sets
    `factcheck_state_up{source=...}` to 0 instead of failing the scrape."""

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily(
            "factcheck_state_up", "Whether the state gauges could be read.", labels=["source"]
        )
        try:
            yield from self._database()
            up.add_metric(["database"], 1)
        except Exception:
            logger.warning("metrics: could not read the database", exc_info=True)
            up.add_metric(["database"], 0)
        try:
            yield from self._broker()
            up.add_metric(["broker"], 1)
        except Exception:
            logger.warning("metrics: could not read the broker", exc_info=True)
            up.add_metric(["broker"], 0)
        yield up

    def _database(self) -> list[Metric]:
        articles = GaugeMetricFamily(
            "factcheck_articles", "Stored articles by status.", labels=["status"]
        )
        counts = dict(Article.objects.values_list("status").annotate(n=Count("pk")).order_by())
        for status in Article.Status.values:
            articles.add_metric([status], counts.get(status, 0))
        items = GaugeMetricFamily(
            "factcheck_review_items", "Review queue entries by status.", labels=["status"]
        )
        counts = dict(ReviewItem.objects.values_list("status").annotate(n=Count("pk")).order_by())
        for status in ReviewItem.Status.values:
            items.add_metric([status], counts.get(status, 0))
        return [articles, items]

    def _broker(self) -> list[Metric]:
        if not settings.REDIS_URL:
            return []
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_timeout=1.0, socket_connect_timeout=1.0
        )
        try:
            lengths = redis_queue_lengths(client, celery_queues())
        finally:
            client.close()
        messages = GaugeMetricFamily(
            "factcheck_queue_messages", "Celery messages waiting per queue.", labels=["queue"]
        )
        for queue, length in lengths.items():
            messages.add_metric([queue], length)
        return [messages]
