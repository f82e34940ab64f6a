"""Structured logs: request ids on request lines, task ids on task lines."""

from __future__ import annotations

import json
import logging
import logging.config
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client

from claims.models import Article
from claims.tasks import article_fetch
from factcheck.logs import logging_config
from tests.conftest import CeleryWorker, LocalWebServer, Route, wait_until


@pytest.fixture
def json_log(tmp_path: Path) -> Iterator[Path]:
    """The project's JSON logging, written to a file the test reads."""
    path = tmp_path / "log.jsonl"
    config = logging_config(log_format="json", level="INFO")
    config["handlers"]["console"] = {
        "class": "logging.FileHandler",
        "filename": str(path),
        "formatter": "json",
        "filters": ["context"],
    }
    logging.config.dictConfig(config)
    yield path
    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)


def _lines(path: Path) -> list[dict[str, object]]:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def test_every_json_line_of_a_request_carries_the_request_id_it_came_with(
    json_log: Path, client: Client
) -> None:
    response = client.get("/healthz", HTTP_X_REQUEST_ID="edge-7f3a-0001")

    assert response["X-Request-ID"] == "edge-7f3a-0001"
    lines = [line for line in _lines(json_log) if line.get("request_id") == "edge-7f3a-0001"]
    access = [line for line in lines if line["logger"] == "factcheck.request"]
    assert len(access) == 1
    assert access[0]["status"] == 200 and access[0]["path"] == "/healthz"
    assert access[0]["level"] == "INFO" and "time" in access[0]


def test_a_request_without_a_sane_id_gets_a_new_one(json_log: Path, client: Client) -> None:
    first = client.get("/healthz")
    forged = client.get("/healthz", HTTP_X_REQUEST_ID="x" * 300)

    assert len(first["X-Request-ID"]) == 32
    assert forged["X-Request-ID"] != "x" * 300 and len(forged["X-Request-ID"]) == 32
    ids = {line.get("request_id") for line in _lines(json_log)}
    assert {first["X-Request-ID"], forged["X-Request-ID"]} <= ids


def test_lines_outside_requests_and_tasks_have_no_ids(json_log: Path) -> None:
    logging.getLogger("factcheck.test").warning("nothing to tie this to")

    (line,) = [x for x in _lines(json_log) if x["message"] == "nothing to tie this to"]
    assert "request_id" not in line and "task_id" not in line


@pytest.mark.celery_worker
def test_a_workers_task_log_lines_carry_the_task_id_and_name(
    transactional_db: None,
    redis_clean: None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    web: LocalWebServer,
) -> None:
    web.routes["/gone"] = Route(b"not here", status=410)
    monkeypatch.setenv("FACTCHECK_LOG_FORMAT", "json")
    worker = CeleryWorker(tmp_path / "worker.log")
    try:
        worker.wait_ready()
        result = article_fetch.delay(web.url("/gone"))
        wait_until(lambda: Article.objects.filter(status=Article.Status.FAILED).exists())
        wait_until(lambda: "fetch failed" in worker.log_path.read_text(), timeout=10)
    finally:
        worker.stop()
    lines = []
    for raw in worker.log_path.read_text().splitlines():
        if raw.startswith("{"):
            lines.append(json.loads(raw))
    assert lines, worker.output()
    (failed,) = [line for line in lines if str(line["message"]).startswith("fetch failed")]
    assert failed["task_id"] == result.id
    assert failed["task_name"] == "claims.tasks.article_fetch"
    assert failed["level"] == "WARNING"
