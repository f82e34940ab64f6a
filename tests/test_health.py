"""The liveness and readiness probes."""

from __future__ import annotations

import pytest
from django.test import Client


def test_healthz_answers_without_a_database(client: Client) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_is_unavailable_and_names_the_worker_when_no_worker_runs(client: Client) -> None:
    response = client.get("/readyz")

    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["celery_worker"]
    assert body["checks"]["database"]["status"] == "ok"
    assert body["checks"]["redis"]["status"] == "ok"
    assert "no Celery worker answered" in body["checks"]["celery_worker"]["detail"]


@pytest.mark.celery_worker
def test_readyz_is_ready_when_postgres_redis_and_a_worker_answer(
    celery_worker: object, client: Client
) -> None:
    response = client.get("/readyz")

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "ok"
    assert body["failing"] == []
    assert set(body["checks"]) == {"database", "redis", "celery_worker"}
