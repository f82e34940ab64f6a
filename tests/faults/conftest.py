"""A stack of our own for the fault tests: PostgreSQL cluster, Redis, workers, web.

They kill and restart these, so they never touch the servers the rest of the suite uses.
PostgreSQL (with pgvector) is the one the dev dependencies bring (`tests.pgvector_server`);
FACTCHECK_PG_BIN names another bin directory. As root, the cluster runs as the server's
system user (PostgreSQL refuses to run as root).
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from tests import pgvector_server
from tests.conftest import WORKER_QUEUES, free_port, wait_until
from tests.paths import REPO


def _pg_bin() -> Path:
    if os.environ.get("FACTCHECK_PG_BIN"):
        return Path(os.environ["FACTCHECK_PG_BIN"])
    return pgvector_server.binaries()


PG_BIN = _pg_bin()
ALL_QUEUES = ",".join(dict.fromkeys([*WORKER_QUEUES.split(","), "matching", "webhooks"]))
TEMPLATE_DB = "factcheck_faults_template"

pytestmark = pytest.mark.faults


def _as_postgres(argv: list[str]) -> list[str]:
    return pgvector_server.as_server_user(argv)


class PostgresCluster:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.data = root / "data"
        self.port = free_port()
        pgvector_server.own(root)
        subprocess.run(
            _as_postgres(
                [str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres"]
                + ["--auth=trust", "--no-sync", "-E", "UTF8"]
            ),
            check=True,
            capture_output=True,
        )

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.root} "
            "-c fsync=off -c full_page_writes=off"
        )
        subprocess.run(
            _as_postgres(
                [str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "log")]
                + ["-o", options, "-w", "-t", "60", "start"]
            ),
            check=True,
            capture_output=True,
        )

    def stop(self, mode: str = "fast") -> None:
        subprocess.run(
            _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop"]),
            check=True,
            capture_output=True,
        )

    def running(self) -> bool:
        status = subprocess.run(
            _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.data), "status"]),
            capture_output=True,
        )
        return status.returncode == 0

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def execute(
        self, database: str, sql: str, params: tuple[Any, ...] = ()
    ) -> list[tuple[Any, ...]]:
        with psycopg.connect(self.url(database), autocommit=True, connect_timeout=5) as db:
            cursor = db.execute(sql, params)  # type: ignore[arg-type]
            return cursor.fetchall() if cursor.description else []


class RedisServer:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no", "--dir", str(self.root)],
            stdout=subprocess.DEVNULL,
        )
        import redis

        client = redis.Redis(port=self.port, socket_connect_timeout=1)

        def answers() -> bool:
            try:
                return bool(client.ping())
            except redis.ConnectionError:
                return False

        wait_until(answers, timeout=20, interval=0.05)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


class Process:
    """A stack process (worker, web) in its own process group, logging to a file."""

    def __init__(self, argv: list[str], env: dict[str, str], log_path: Path) -> None:
        self.log_path = log_path
        self.log = open(log_path, "ab")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            argv,
            cwd=REPO,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]

    def kill(self) -> None:
        """SIGKILL to the whole group: the main process and its pool die at once."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
        self.log.close()


class Stack:
    def __init__(self, postgres: PostgresCluster, database: str, root: Path) -> None:
        self.postgres = postgres
        self.database = database
        self.root = root
        self.redis = RedisServer(root)
        self.processes: list[Process] = []
        self.env = dict(
            os.environ,
            PATH=f"{Path(sys.executable).parent}:{os.environ['PATH']}",
            PYTHONPATH=str(REPO),
            DJANGO_SETTINGS_MODULE="factcheck.test_settings",
            DATABASE_URL=postgres.url(database),
            REDIS_URL=f"redis://127.0.0.1:{self.redis.port}/0",
            DJANGO_ALLOWED_HOSTS="127.0.0.1",
            # Lost messages come back quickly: the sweeps take any article `received` and any
            # claim unplaced for 1 s, a dead worker's unacked message is redelivered after 16 s.
            FACTCHECK_REQUEUE_AFTER_SECONDS="1",
            FACTCHECK_MATCH_REQUEUE_AFTER_SECONDS="1",
            CELERY_TASK_SOFT_TIME_LIMIT="12",
            CELERY_TASK_TIME_LIMIT="15",
            # Outbound deadlines must end before the soft limit (checked at start-up).
            FACTCHECK_FETCH_TIMEOUT="5",
            FACTCHECK_FETCH_DEADLINE="8",
            FACTCHECK_WEBHOOK_TIMEOUT="5",
            CELERY_BROKER_VISIBILITY_TIMEOUT="16",
            CELERY_BROKER_RESTORE_INTERVAL="1",
            FACTCHECK_LOG_FORMAT="text",
        )
        self._names = itertools.count()

    def worker(self, concurrency: int = 2, queues: str = ALL_QUEUES) -> Process:
        name = f"fault{next(self._names)}"
        log = self.root / f"{name}.log"
        worker = Process(
            [sys.executable, "-m", "celery", "-A", "factcheck", "worker", "-Q", queues]
            + ["-c", str(concurrency), "--pool", "prefork", "--without-gossip"]
            + ["--without-mingle", "--loglevel", "INFO", "-n", f"{name}@%h"],
            self.env,
            log,
        )
        self.processes.append(worker)

        def ready() -> bool:
            assert worker.process.poll() is None, worker.output()
            return " ready." in log.read_text(errors="replace")

        wait_until(ready, timeout=60)
        return worker

    def web(self) -> tuple[Process, str]:
        port = free_port()
        env = dict(
            self.env,
            GUNICORN_BIND=f"127.0.0.1:{port}",
            WEB_CONCURRENCY="1",
            DJANGO_MIGRATE_ON_START="false",
            GUNICORN_TIMEOUT="20",
        )
        web = Process([str(REPO / "deploy" / "entrypoint.sh"), "web"], env, self.root / "web.log")
        self.processes.append(web)
        base = f"http://127.0.0.1:{port}"

        def serving() -> bool:
            assert web.process.poll() is None, web.output()
            try:
                return http_get(base + "/healthz")[0] == 200
            except OSError:
                return False

        wait_until(serving, timeout=60)
        return web, base

    def submit(self, *, tag: str, count: int = 1, sentences: int = 8) -> list[int]:
        result = self.driver(
            "submit", "--tag", tag, "--count", str(count), "--sentences", str(sentences)
        )
        return list(json.loads(result.stdout.strip().splitlines()[-1]))

    def stored(self, command: str, *args: str) -> list[int]:
        """Articles a driver command stored (`pairs`, `copies`), by id."""
        result = self.driver(command, *args)
        return list(json.loads(result.stdout.strip().splitlines()[-1]))

    def sweep(self, *, matching: bool = False) -> None:
        self.driver("sweep", *(["--matching"] if matching else []))

    def driver(self, *args: str) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [sys.executable, "-m", "tests.faults.driver", *args],
            cwd=REPO,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        return result

    def tasks_pending(self) -> int:
        """Messages waiting in any queue or delivered and not yet acknowledged: tasks
        acknowledge when they finish, so 0 means every task sent so far has run."""
        return sum(self._messages())

    def unacked(self) -> int:
        """Messages delivered to a worker and not yet acknowledged."""
        return self._messages()[1]

    def _messages(self) -> tuple[int, int]:
        """Messages waiting in the queues, and delivered but not yet acknowledged."""
        import redis

        from factcheck.metrics_state import redis_queue_lengths

        client = redis.Redis(port=self.redis.port, socket_connect_timeout=1)
        try:
            waiting = sum(redis_queue_lengths(client, ALL_QUEUES.split(",")).values())
            return waiting, int(client.hlen("unacked"))
        finally:
            client.close()

    def tasks_run(self, timeout: float, worker: Process) -> None:
        """Wait until every task sent so far has run. Seen twice, half a second apart: a
        worker takes a message off its queue a moment before it records it as unacknowledged."""

        def run() -> bool:
            if self.tasks_pending():
                return False
            time.sleep(0.5)
            return not self.tasks_pending()

        wait_for(run, timeout, "the tasks sent to run", worker)

    def sql(self, query: str, *params: Any) -> list[tuple[Any, ...]]:
        return self.postgres.execute(self.database, query, params)

    def statuses(self, ids: list[int]) -> dict[int, str]:
        rows = self.sql("SELECT id, status FROM claims_article WHERE id = ANY(%s)", ids)
        return {article_id: status for article_id, status in rows}

    def all_extracted(self, ids: list[int]) -> bool:
        return set(self.statuses(ids).values()) == {"extracted"}

    def claims_per_article(self, ids: list[int]) -> dict[int, tuple[int, int]]:
        """(claims, distinct claim positions) per article: equal when none is duplicated."""
        rows = self.sql(
            "SELECT article_id, count(*), count(DISTINCT start) FROM claims_claim "
            "WHERE article_id = ANY(%s) GROUP BY article_id",
            ids,
        )
        return {article_id: (total, distinct) for article_id, total, distinct in rows}

    def places(self, ids: list[int]) -> dict[int, tuple[int, bool]]:
        """Each claim of these articles: (its cluster, whether matching placed it)."""
        rows = self.sql(
            "SELECT c.id, m.cluster_id, m.matched_at IS NOT NULL FROM claims_claim c "
            "JOIN reviews_clustermember m ON m.claim_id = c.id WHERE c.article_id = ANY(%s)",
            ids,
        )
        return {claim: (cluster, placed) for claim, cluster, placed in rows}

    def desk_consistent(self) -> None:
        """Every claim in exactly one cluster whose count is its members, one queue entry per
        cluster (its canonical claim's), each join recorded once."""
        ((claims, members),) = self.sql(
            "SELECT (SELECT count(*) FROM claims_claim), "
            "(SELECT count(*) FROM reviews_clustermember)"
        )
        assert claims == members
        wrong = self.sql(
            "SELECT k.id, k.appearance_count, count(m.claim_id) FROM reviews_cluster k "
            "LEFT JOIN reviews_clustermember m ON m.cluster_id = k.id "
            "GROUP BY k.id HAVING k.appearance_count <> count(m.claim_id)"
        )
        assert wrong == []
        ((clusters, queued, canonical_queued),) = self.sql(
            "SELECT (SELECT count(*) FROM reviews_cluster), "
            "(SELECT count(*) FROM reviews_reviewitem), "
            "(SELECT count(*) FROM reviews_reviewitem r JOIN reviews_cluster k "
            "ON k.canonical_id = r.claim_id)"
        )
        assert clusters == queued == canonical_queued
        repeated = self.sql(
            "SELECT claim_ids FROM reviews_clusterevent WHERE kind = 'join' "
            "GROUP BY claim_ids HAVING count(*) > 1"
        )
        assert repeated == []

    def close(self) -> None:
        for process in self.processes:
            process.stop()
        self.redis.stop()


def http_get(url: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
    request = urllib.request.Request(url, headers=headers or {})
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=20) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[PostgresCluster]:
    if not (PG_BIN / "initdb").exists():
        pytest.skip(f"no PostgreSQL binaries in {PG_BIN} (set FACTCHECK_PG_BIN)")
    root = Path(tempfile.mkdtemp(prefix="factcheck-faults-"))
    cluster = PostgresCluster(root)
    cluster.start()
    try:
        cluster.execute("postgres", f"CREATE DATABASE {TEMPLATE_DB}")
        env = dict(
            os.environ,
            DJANGO_SETTINGS_MODULE="factcheck.test_settings",
            DATABASE_URL=cluster.url(TEMPLATE_DB),
        )
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--no-input", "-v0"],
            cwd=REPO,
            env=env,
            check=True,
            capture_output=True,
            timeout=300,
        )
        yield cluster
    finally:
        if cluster.running():
            cluster.stop("immediate")
        shutil.rmtree(root, ignore_errors=True)


_databases = itertools.count()


@pytest.fixture
def stack(postgres_cluster: PostgresCluster) -> Iterator[Stack]:
    """A fresh database (from the migrated template), a fresh Redis; no processes yet."""
    database = f"faults_{os.getpid()}_{next(_databases)}"
    postgres_cluster.execute("postgres", f"CREATE DATABASE {database} TEMPLATE {TEMPLATE_DB}")
    root = Path(tempfile.mkdtemp(prefix="factcheck-stack-"))
    stack = Stack(postgres_cluster, database, root)
    stack.redis.start()
    try:
        yield stack
    finally:
        stack.close()
        if not postgres_cluster.running():
            postgres_cluster.start()
        postgres_cluster.execute("postgres", f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        shutil.rmtree(root, ignore_errors=True)


def wait_for(predicate: Any, timeout: float, what: str, process: Process | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    detail = process.output() if process else ""
    raise AssertionError(f"{what} not within {timeout:.0f} s\n{detail}")
