from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client

from tests.paths import REPO

WORKER_QUEUES = "default,ingestion,extraction,webhooks,matching"


@dataclass
class Route:
    body: bytes
    content_type: str = "text/html; charset=utf-8"
    status: int = 200
    etag: str = ""
    delay: float = 0.0
    trickle: float = 0.0  # seconds between single bytes of the body
    headers: dict[str, str] = field(default_factory=dict)


class LocalWebServer:
    """A real HTTP server on loopback whose pages the tests set; it counts requests."""

    def __init__(self) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        routes, requests = self.routes, self.requests

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
                requests.append((self.path, dict(self.headers)))
                route = routes.get(self.path)
                if route is None:
                    self.send_error(404)
                    return
                if route.delay:
                    time.sleep(route.delay)
                if route.etag and self.headers.get("If-None-Match") == route.etag:
                    self.send_response(304)
                    self.end_headers()
                    return
                self.send_response(route.status)
                self.send_header("Content-Type", route.content_type)
                self.send_header("Content-Length", str(len(route.body)))
                if route.etag:
                    self.send_header("ETag", route.etag)
                for name, value in route.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    if route.trickle:
                        for byte in route.body:
                            self.wfile.write(bytes([byte]))
                            self.wfile.flush()
                            time.sleep(route.trickle)
                    else:
                        self.wfile.write(route.body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def hits(self, path: str) -> int:
        return sum(1 for requested, _ in self.requests if requested == path)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def web() -> Iterator[LocalWebServer]:
    server = LocalWebServer()
    yield server
    server.close()


def _worker_env() -> dict[str, str]:
    env = dict(os.environ)
    db = connection.settings_dict
    env["DATABASE_URL"] = (
        f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    )
    env["DJANGO_SETTINGS_MODULE"] = "factcheck.test_settings"
    env["PYTHONPATH"] = str(REPO)
    return env


class CeleryProcess:
    """A real `celery` process (worker or beat) against the test database and Redis."""

    def __init__(self, log_path: Path, argv: list[str]) -> None:
        self.log_path = log_path
        self.log = open(log_path, "wb")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "factcheck", *argv],
            cwd=REPO,
            env=_worker_env(),
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")[-3000:]

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


class CeleryWorker(CeleryProcess):
    def __init__(self, log_path: Path, concurrency: int = 2) -> None:
        super().__init__(
            log_path,
            [
                "worker",
                "-Q",
                WORKER_QUEUES,
                "-c",
                str(concurrency),
                "--pool",
                "prefork",
                "--without-gossip",
                "--without-mingle",
                "--loglevel",
                "INFO",
                "-n",
                f"test-{os.getpid()}-{id(self)}@%h",
            ],
        )

    def wait_ready(self, timeout: float = 60) -> None:
        from factcheck.celery import app

        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"celery worker exited:\n{self.output()}")
            if app.control.ping(timeout=0.5):
                return
        raise RuntimeError(f"celery worker not ready:\n{self.output()}")


@pytest.fixture
def redis_clean() -> Iterator[None]:
    """An empty Redis database for the broker, so no task from another test leaks in."""
    import redis
    from django.conf import settings

    client = redis.Redis.from_url(settings.REDIS_URL)
    client.flushdb()
    yield
    client.flushdb()


@pytest.fixture
def celery_worker(
    transactional_db: None, redis_clean: None, tmp_path: Path
) -> Iterator[CeleryWorker]:
    worker = CeleryWorker(tmp_path / "worker.log")
    try:
        worker.wait_ready()
        yield worker
    finally:
        worker.stop()


@pytest.fixture
def celery_beat(celery_worker: CeleryWorker, tmp_path: Path) -> Iterator[CeleryProcess]:
    beat = CeleryProcess(tmp_path / "beat.log", ["beat", "--loglevel", "INFO"])
    yield beat
    beat.stop()


def wait_until(predicate: Callable[[], bool], timeout: float = 60, interval: float = 0.2) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout}s")


def free_port() -> int:
    """A TCP port nothing listens on now (the OS picks it)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def free_tcp_port() -> int:
    return free_port()


@pytest.fixture
def reviewer_client(db: None) -> Client:
    """A test client logged in as the demo `reviewer` (in the Reviewer group only)."""
    from reviews.services.queue import demo_accounts_ensure

    demo_accounts_ensure(password="pw")
    client = Client()
    assert client.login(username="reviewer", password="pw")
    return client


@pytest.fixture
def desk_roles(db: None) -> None:
    """The Reviewer and Editor groups as migrations reviews 0005, 0014 and 0019 make them.

    A transactional test ends by flushing every table, migration data included; a later
    transactional test that needs the roles asks for them with this fixture.
    """
    import importlib

    from django.apps import apps

    importlib.import_module("reviews.migrations.0005_roles").create_roles(apps, None)
    importlib.import_module("reviews.migrations.0019_matching_moves_in").cluster_work_grant(
        apps, None
    )


class WebhookReceiver:
    """A real HTTP server that takes webhook POSTs and verifies them as a receiver would, with
    the Standard Webhooks library (`standardwebhooks`).

    `statuses` answers the first requests (then 200); `secret` is the endpoint's secret.
    """

    def __init__(self) -> None:
        from standardwebhooks.webhooks import Webhook, WebhookVerificationError

        self.secret = ""
        self.statuses: list[int] = []
        self.received: list[dict[str, object]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (the stdlib's name)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                try:
                    Webhook(receiver.secret).verify(body, dict(self.headers))
                    valid = True
                except WebhookVerificationError:
                    valid = False
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                receiver.received.append(
                    {
                        "headers": dict(self.headers),
                        "body": body,
                        "signature_valid": valid,
                        "answered": status,
                    }
                )
                self.send_response(status if valid else 401)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}{path}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def webhook_receiver() -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver()
    yield receiver
    receiver.close()
