"""The native stack of deploy/Procfile, run by honcho: every role and queue group at once."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import free_port
from tests.faults.conftest import Process, Stack, http_get, wait_for
from tests.paths import REPO

pytestmark = pytest.mark.faults


def _sample(text: str, name: str, **labels: str) -> float:
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and sample.labels == labels:
                return float(sample.value)
    return 0.0


def test_the_procfile_stack_extracts_on_the_extraction_worker_and_a_redelivery_changes_nothing(
    stack: Stack,
) -> None:
    port, metrics_port = free_port(), free_port()
    env = dict(
        stack.env,
        WEB_CONCURRENCY="1",
        CELERY_CONCURRENCY="1",
        EXTRACTION_METRICS_PORT=str(metrics_port),
    )
    honcho = Process(
        [str(Path(sys.executable).parent / "honcho"), "-f", "deploy/Procfile", "-d", str(REPO)]
        + ["start", "-p", str(port)],
        env,
        stack.root / "honcho.log",
    )
    stack.processes.append(honcho)
    base = f"http://127.0.0.1:{port}"

    def ready() -> bool:
        assert honcho.process.poll() is None, honcho.output()
        try:
            return http_get(base + "/readyz")[0] == 200
        except OSError:
            return False

    # Ready means PostgreSQL, Redis and a worker answering.
    wait_for(ready, 90, "the stack to be ready", honcho)
    ids = stack.submit(tag="procfile", count=3)
    wait_for(lambda: stack.all_extracted(ids), 60, "extraction", honcho)
    claims = stack.sql("SELECT id, article_id, start FROM claims_claim ORDER BY id")
    assert claims

    def extraction_runs() -> float:
        text = http_get(f"http://127.0.0.1:{metrics_port}/metrics")[1]
        return _sample(
            text,
            "factcheck_celery_task_runs_total",
            task="claims.tasks.article_extract",
            state="success",
        )

    # Routed to the `extraction` queue, so run by the extraction worker's pool.
    wait_for(lambda: extraction_runs() == 3, 20, "the extraction worker's count", honcho)
    # The same message delivered again (twice) changes nothing.
    stack.driver("extract", str(ids[0]), str(ids[0]))
    wait_for(lambda: extraction_runs() == 5, 30, "the redelivered tasks", honcho)
    assert stack.sql("SELECT id, article_id, start FROM claims_claim ORDER BY id") == claims
    # One queue entry per cluster: the matching worker may already have joined repeats.
    ((queued, clusters),) = stack.sql(
        "SELECT (SELECT count(*) FROM reviews_reviewitem), (SELECT count(*) FROM reviews_cluster)"
    )
    assert queued == clusters and 0 < clusters <= len(claims)

    status, text = http_get(base + "/metrics")
    assert status == 200
    assert _sample(text, "factcheck_articles", status="extracted") == 3
    assert _sample(text, "factcheck_queue_messages", queue="extraction") == 0
