"""Prometheus metrics: what a scrape shows, and who may scrape."""

from __future__ import annotations

import re
import urllib.request
from pathlib import Path

import pytest
from django.test import Client, override_settings
from prometheus_client.parser import text_string_to_metric_families

from claims import services
from claims.models import Article
from tests.conftest import CeleryWorker, wait_until
from tests.paths import SAMPLE_ARTICLES


def _value(text: str, name: str, labels: str = "") -> float:
    """The sample `name{labels}` in an exposition (labels in any order), 0 when absent."""
    wanted = dict(re.findall(r'(\w+)="([^"]*)"', labels))
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and sample.labels == wanted:
                return float(sample.value)
    return 0.0


def _scrape(client: Client) -> str:
    response = client.get("/metrics")
    assert response.status_code == 200, response.content
    return response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_scrape_after_ingesting_counts_articles_claims_and_the_waiting_queue(
    client: Client,
) -> None:
    before = _scrape(client)
    texts = sorted(SAMPLE_ARTICLES.glob("*.txt"))[:2]
    ids = [
        services.article_receive(raw=path.read_bytes(), fmt="text", source="push").article.pk
        for path in texts
    ]
    waiting = _scrape(client)
    assert _value(waiting, "factcheck_articles", 'status="received"') == 2
    for article_id in ids:
        services.article_extract(article_id=article_id)
    after = _scrape(client)

    received = 'source="push"'
    assert (
        _value(after, "factcheck_articles_received_total", received)
        - _value(before, "factcheck_articles_received_total", received)
        == 2
    )
    extracted = 'source="push",status="extracted"'
    assert (
        _value(after, "factcheck_articles_extracted_total", extracted)
        - _value(before, "factcheck_articles_extracted_total", extracted)
        == 2
    )
    claims = Article.objects.filter(pk__in=ids).values_list("claims__pk", flat=True).count()
    assert claims > 0
    assert (
        _value(after, "factcheck_claims_created_total")
        - _value(before, "factcheck_claims_created_total")
        == claims
    )
    assert _value(after, "factcheck_articles", 'status="extracted"') == 2
    assert _value(after, "factcheck_articles", 'status="received"') == 0
    assert (
        _value(after, "factcheck_extraction_seconds_count")
        - _value(before, "factcheck_extraction_seconds_count")
        == 2
    )
    assert _value(after, "factcheck_state_up", 'source="database"') == 1
    # django-prometheus: requests by view, and queries.
    assert "django_http_requests_latency_seconds_by_view_method" in after
    assert "django_db_execute_total" in after


@pytest.mark.django_db(transaction=True)
def test_a_failed_extraction_is_counted_as_failed(client: Client) -> None:
    before = _scrape(client)
    article = services.article_receive(raw=b"\x00\x01\x02" * 50, fmt="text", source="file")
    services.article_extract(article_id=article.article.pk)

    assert Article.objects.get(pk=article.article.pk).status == Article.Status.FAILED
    labels = 'source="file",stage="extract"'
    after = _scrape(client)
    assert (
        _value(after, "factcheck_articles_failed_total", labels)
        - _value(before, "factcheck_articles_failed_total", labels)
        == 1
    )


@pytest.mark.django_db
def test_metrics_are_refused_from_outside_the_allowed_networks(client: Client) -> None:
    response = client.get("/metrics", REMOTE_ADDR="203.0.113.9")

    assert response.status_code == 403
    assert b"factcheck_" not in response.content


@pytest.mark.django_db
@override_settings(FACTCHECK_METRICS_TOKEN="s3cret-token")
def test_metrics_are_served_outside_the_networks_only_with_the_bearer_token(
    client: Client,
) -> None:
    wrong = client.get("/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer not-it")
    right = client.get(
        "/metrics", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer s3cret-token"
    )

    assert wrong.status_code == 403
    assert right.status_code == 200
    assert b"factcheck_articles" in right.content


@pytest.mark.django_db
@override_settings(FACTCHECK_METRICS_NETWORKS=[])
def test_loopback_is_refused_when_no_network_is_allowed(client: Client) -> None:
    assert client.get("/metrics").status_code == 403


@pytest.mark.celery_worker
def test_a_worker_serves_task_counts_of_its_pool_processes(
    transactional_db: None,
    redis_clean: None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    free_tcp_port: int,
) -> None:
    multiproc = tmp_path / "prometheus"
    multiproc.mkdir()
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(multiproc))
    monkeypatch.setenv("FACTCHECK_WORKER_METRICS_PORT", str(free_tcp_port))
    worker = CeleryWorker(tmp_path / "worker.log")
    try:
        worker.wait_ready()
        path = sorted(SAMPLE_ARTICLES.glob("*.txt"))[0]
        services.article_receive(raw=path.read_bytes(), fmt="text", source="push")
        wait_until(lambda: Article.objects.filter(status=Article.Status.EXTRACTED).exists())

        def scraped() -> str:
            url = f"http://127.0.0.1:{free_tcp_port}/metrics"
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read().decode()

        wait_until(
            lambda: (
                _value(
                    scraped(),
                    "factcheck_celery_task_runs_total",
                    'state="success",task="claims.tasks.article_extract"',
                )
                == 1
            ),
            timeout=10,
        )
        text = scraped()
        assert (
            _value(text, "factcheck_articles_extracted_total", 'source="push",status="extracted"')
            == 1
        )
        assert "factcheck_celery_task_seconds_bucket" in text
    finally:
        worker.stop()
