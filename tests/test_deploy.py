"""Deployment: production settings pass Django's deploy checks, and the deploy files run
every queue that tasks are routed to."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.conftest import free_port
from tests.paths import REPO

DEPLOY = REPO / "deploy"


def _production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    key = tmp_path / "secret_key"
    key.write_text("k3y-" + "9f8e7d6c5b4a" * 5)
    database_url = tmp_path / "database_url"
    database_url.write_text("postgres://factcheck:pw@db.internal:5432/factcheck\n")
    redis_url = tmp_path / "redis_url"
    redis_url.write_text("redis://redis.internal:6379/0\n")
    return {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "factcheck.settings",
        "DJANGO_SECRET_KEY_FILE": str(key),
        "DATABASE_URL_FILE": str(database_url),
        "REDIS_URL_FILE": str(redis_url),
        "DJANGO_ALLOWED_HOSTS": "factcheck.example.org",
        "DJANGO_CSRF_TRUSTED_ORIGINS": "https://factcheck.example.org",
        **extra,
    }


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_the_production_environment(tmp_path: Path) -> None:
    result = _manage(_production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_when_https_is_switched_off_in_production(tmp_path: Path) -> None:
    env = _production_env(tmp_path, DJANGO_SECURE_SSL_REDIRECT="false")

    result = _manage(env, "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode != 0
    assert "security.W008" in result.stderr


def test_check_deploy_fails_naming_a_missing_database_or_broker_url(tmp_path: Path) -> None:
    env = _production_env(tmp_path)
    del env["DATABASE_URL_FILE"], env["REDIS_URL_FILE"]

    result = _manage(env, "check", "--deploy")

    assert result.returncode != 0
    assert "factcheck.E001" in result.stderr and "DATABASE_URL" in result.stderr
    assert "factcheck.E002" in result.stderr and "REDIS_URL" in result.stderr


def test_secrets_are_read_from_files(tmp_path: Path) -> None:
    code = (
        "from django.conf import settings as s; "
        "print(s.DATABASES['default']['HOST'], s.REDIS_URL, s.SECRET_KEY[:4])"
    )
    result = _manage(_production_env(tmp_path), "shell", "-c", code)

    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == [
        "db.internal",
        "redis://redis.internal:6379/0",
        "k3y-",
    ]


def test_an_unreadable_secret_file_stops_start_up_naming_it(tmp_path: Path) -> None:
    env = _production_env(tmp_path, REDIS_URL_FILE=str(tmp_path / "missing"))

    result = _manage(env, "check")

    assert result.returncode != 0
    assert "ImproperlyConfigured: REDIS_URL_FILE=" in result.stderr
    assert "cannot be read" in result.stderr


def test_a_visibility_timeout_shorter_than_a_task_stops_start_up(tmp_path: Path) -> None:
    env = _production_env(tmp_path, CELERY_BROKER_VISIBILITY_TIMEOUT="100")

    result = _manage(env, "check")

    assert result.returncode != 0
    assert "CELERY_BROKER_VISIBILITY_TIMEOUT must exceed CELERY_TASK_TIME_LIMIT" in result.stderr


@pytest.mark.parametrize("url", ["https://example.org/{slug}/", "https://example.org/{}", "{id"])
def test_a_fact_check_url_with_other_braces_than_id_stops_start_up(
    tmp_path: Path, url: str
) -> None:
    result = _manage(_production_env(tmp_path, FACTCHECK_FACT_CHECK_URL=url), "check")

    assert result.returncode != 0
    assert "ImproperlyConfigured: FACTCHECK_FACT_CHECK_URL=" in result.stderr


def _routed_queues() -> set[str]:
    routed = {route["queue"] for route in settings.CELERY_TASK_ROUTES.values()}
    return routed | {settings.CELERY_TASK_DEFAULT_QUEUE}


def _queue_lists(text: str) -> list[set[str]]:
    found = re.findall(r"CELERY_QUEUES[=:]\s*\"?([a-z,]+)", text)
    return [set(queues.split(",")) for queues in found]


def test_the_routes_cover_the_queues_of_every_kind_of_work() -> None:
    assert {"ingestion", "extraction", "matching", "webhooks"} <= _routed_queues()
    assert settings.CELERY_TASK_ROUTES["claims.tasks.article_extract"]["queue"] == "extraction"


def test_the_procfile_runs_a_worker_for_every_routed_queue() -> None:
    groups = _queue_lists((DEPLOY / "Procfile").read_text())

    assert set().union(*groups) >= _routed_queues()
    assert len(groups) >= 4  # one worker per group, each scaled on its own


def test_compose_runs_a_worker_service_for_every_routed_queue() -> None:
    groups = _queue_lists((DEPLOY / "compose.yaml").read_text())

    assert set().union(*groups) >= _routed_queues()
    assert len(groups) >= 4


def test_a_worker_started_without_queues_consumes_every_routed_queue() -> None:
    default = re.search(r"CELERY_QUEUES:-([a-z,]+)", (DEPLOY / "entrypoint.sh").read_text())

    assert default is not None
    assert set(default.group(1).split(",")) >= _routed_queues()


@pytest.mark.django_db(transaction=True)
def test_the_web_role_serves_probes_and_metrics_summed_over_gunicorn_workers(
    tmp_path: Path,
) -> None:
    db = connection.settings_dict
    database_url = f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT']}/{db['NAME']}"
    port = free_port()
    env = dict(
        os.environ,
        PATH=f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        DJANGO_SETTINGS_MODULE="factcheck.test_settings",
        DATABASE_URL=database_url,
        DJANGO_MIGRATE_ON_START="false",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="2",
        PROMETHEUS_MULTIPROC_DIR=str(tmp_path / "prometheus"),
        FACTCHECK_LOG_FORMAT="json",
    )
    log = (tmp_path / "web.log").open("wb")
    web = subprocess.Popen(
        [str(DEPLOY / "entrypoint.sh"), "web"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"

    def get(path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(base + path, timeout=20) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()

    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                assert get("/healthz")[0] == 200
                break
            except OSError:
                assert web.poll() is None, (tmp_path / "web.log").read_text()
                assert time.monotonic() < deadline, (tmp_path / "web.log").read_text()
                time.sleep(0.3)
        for _ in range(20):
            get("/healthz")
        status, text = get("/metrics")
        assert status == 200
        # Requests were spread over two gunicorn processes; one scrape sums them all.
        served = re.search(
            r'django_http_requests_latency_seconds_by_view_method_count\{method="GET",'
            r'view="healthz"\} (\S+)',
            text,
        )
        assert served is not None and float(served.group(1)) >= 21
        assert len(list((tmp_path / "prometheus").glob("*.db"))) >= 2
        assert "factcheck_articles{" in text
    finally:
        os.killpg(web.pid, 15)
        web.wait(timeout=30)
        log.close()
