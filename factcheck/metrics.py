"""Domain metrics for Prometheus: what the desk did (counters and histograms).

They live in whichever process does the work (gunicorn workers, Celery pool processes); with
`PROMETHEUS_MULTIPROC_DIR` set they are written to files there so one scrape adds up every
process. How much is waiting is read at scrape time (factcheck.metrics_state).
"""

from __future__ import annotations

import time

from prometheus_client import Counter, Histogram

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
