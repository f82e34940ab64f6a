"""Domain metrics for Prometheus: what the desk did, and what is waiting, at scrape time.

Counters and histograms live in whichever process does the work (gunicorn workers, Celery
pool processes); with `PROMETHEUS_MULTIPROC_DIR` set they are written to files there so one
scrape adds up every process. How much is waiting is read from PostgreSQL and Redis when
`/metrics` is scraped, never kept in a process.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from typing import Any

from prometheus_client import Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

logger = logging.getLogger(__name__)

ARTICLES_RECEIVED = Counter(
    "factcheck_articles_received", "New articles stored, by how they came in.", ["source"]
)
ARTICLES_EXTRACTED = Counter(
    "factcheck_articles_extracted",
    "Articles extracted, by source; status is extracted or duplicate.",
    ["source", "status"],
)
ARTICLES_FAILED = Counter(
    "factcheck_articles_failed",
    "Articles that ended failed, by source and stage (fetch or extract).",
    ["source", "stage"],
)
CLAIMS_CREATED = Counter("factcheck_claims_created", "Claims stored by extraction.")
EXTRACTION_SECONDS = Histogram(
    "factcheck_extraction_seconds",
    "Time to extract one article and store its claims.",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120),
)
TASK_RUNS = Counter(
    "factcheck_celery_task_runs", "Celery task runs by task and final state.", ["task", "state"]
)
TASK_SECONDS = Histogram(
    "factcheck_celery_task_seconds",
    "Celery task run time by task.",
    ["task"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 180),
)

# Task start times by task id, per pool process (prerun and postrun run in the same one).
_task_started: dict[str, float] = {}


def task_started(task_id: str) -> None:
    _task_started[task_id] = time.monotonic()


def task_finished(*, task_id: str, task_name: str, state: str) -> None:
    started = _task_started.pop(task_id, None)
    TASK_RUNS.labels(task=task_name, state=(state or "unknown").lower()).inc()
    if started is not None:
        TASK_SECONDS.labels(task=task_name).observe(time.monotonic() - started)


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
    from django.conf import settings

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
        from django.db.models import Count

        from claims.models import Article
        from reviews.models import ReviewItem

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
        import redis
        from django.conf import settings

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
