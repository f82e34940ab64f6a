"""End-to-end ingestion through Redis, Celery workers and PostgreSQL.

    .venv/bin/python bench/ingest_e2e.py [--articles 1000] [--processes 2] [--via push|url]
        [--unseen ../shared/corpus/attribution/polnear/train/text]

Uses its own database (`factcheck_bench` on the PostgreSQL with pgvector that `make pgvector`
starts, port 5433, or BENCH_POSTGRES; dropped and created anew) and Redis database 14. Articles
are the sample articles, each made unique by a numbered first sentence, so dedup does not skip
them (a wire story's copies: most claims join clusters), or with `--unseen DIR` the .txt files
of DIR, each its own story. Reports articles a second from the first enqueue to the last
extraction and to the last claim placed by matching (queue `matching`), and what each step
costs.

`--via url` serves the articles from a local HTTP server and enqueues a fetch for each (queue
`ingestion`), which then enqueues its extraction (queue `extraction`), so both queues are
measured. Either way the worker's own metrics (factcheck_celery_task_seconds, scraped from
FACTCHECK_WORKER_METRICS_PORT) give the pool-process time each queue's tasks cost."""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
BENCH_DB = "factcheck_bench"
SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5433")
os.environ.update(
    DJANGO_SETTINGS_MODULE="factcheck.settings",
    DJANGO_SECRET_KEY="bench-only",
    DATABASE_URL=f"{SERVER}/{BENCH_DB}",
    REDIS_URL="redis://127.0.0.1:6379/14",
    DJANGO_LOG_LEVEL="WARNING",
    # --via url fetches from this machine's own server.
    FACTCHECK_FETCH_ALLOWED_NETWORKS="127.0.0.0/8",
)


def recreate_database() -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as db:
        db.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        db.execute(f"CREATE DATABASE {BENCH_DB}")


def texts(directory: Path, count: int) -> list[bytes]:
    bodies = [p.read_text() for p in sorted(directory.glob("*.txt"))]
    return [
        (
            f"Bench article {i}\n\nReport number {i} was filed on day {i % 365}.\n\n"
            + bodies[i % len(bodies)]
        ).encode()
        for i in range(count)
    ]


def unseen_texts(directory: Path, count: int) -> list[bytes]:
    """The first `count` .txt files of `directory`, each its own story: no copies to share
    embeddings or scores with."""
    files = sorted(directory.glob("*.txt"))
    if len(files) < count:
        raise SystemExit(f"{directory} holds {len(files)} .txt files; {count} are needed")
    return [path.read_bytes() for path in files[:count]]


def serve(pages: list[bytes]) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
            body = pages[int(self.path.rsplit("/", 1)[-1])]
            self.send_response(200)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _stat(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def tree_cpu(root: int) -> float:
    """CPU seconds (user and system) of a process and its children, those it has reaped
    included (a pool process or backend that ended)."""
    fields = _stat(root)
    ticks = sum(int(value) for value in fields[11:15])
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            child = _stat(int(stat.parent.name))
        except (OSError, ValueError):
            continue
        if int(child[1]) == root:
            ticks += sum(int(value) for value in child[11:15])
    return ticks / os.sysconf("SC_CLK_TCK")


def postmaster(backend: int) -> int:
    return int(_stat(backend)[1])


def queue_costs(metrics_port: int, articles: int, claims: int) -> list[str]:
    """Pool-process seconds per queue, from the worker's factcheck_celery_task_seconds."""
    from django.conf import settings
    from prometheus_client.parser import text_string_to_metric_families

    url = f"http://127.0.0.1:{metrics_port}/metrics"
    with urllib.request.urlopen(url, timeout=10) as response:
        text = response.read().decode()
    sums: dict[str, float] = {}
    counts: dict[str, float] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            task = sample.labels.get("task", "")
            if sample.name == "factcheck_celery_task_seconds_sum":
                sums[task] = sums.get(task, 0.0) + sample.value
            elif sample.name == "factcheck_celery_task_seconds_count":
                counts[task] = counts.get(task, 0.0) + sample.value
    lines = []
    for task in sorted(sums):
        route = settings.CELERY_TASK_ROUTES.get(task, {})
        queue = route.get("queue", settings.CELERY_TASK_DEFAULT_QUEUE)
        lines.append(
            f"queue {queue:<10} {task}: {int(counts[task])} tasks, "
            f"{sums[task] / counts[task] * 1000:.1f} ms each, "
            f"{sums[task] / articles * 1000:.1f} ms of a pool process per article"
            + (
                f", {sums[task] / claims * 1000:.1f} ms per claim ({claims} claims)"
                if task == "reviews.tasks.claims_match" and claims
                else ""
            )
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument(
        "--samples", type=Path, default=REPO.parent / "shared" / "samples" / "articles"
    )
    parser.add_argument(
        "--unseen",
        type=Path,
        default=None,
        help="articles from this directory's .txt files, each its own story (for example "
        "../shared/corpus/attribution/polnear/train/text), instead of copies of the samples",
    )
    parser.add_argument("--via", choices=["push", "url"], default="push")
    parser.add_argument("--match-timeout", type=float, default=1800.0)
    args = parser.parse_args()

    recreate_database()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    import redis

    redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()
    from django.db import connection
    from django.db.models import Count, Max, Min

    from claims import services
    from claims.models import Article, Claim
    from reviews.models import ClusterMember
    from reviews.services.matching import claims_match

    generated = (
        unseen_texts(args.unseen, args.articles + 50)
        if args.unseen
        else texts(args.samples, args.articles + 50)
    )
    payloads, probe = generated[: args.articles], generated[args.articles :]
    # Warm up: the first extraction in a process loads the model and language identifier, the
    # first placement the embedder.
    for raw in texts(args.samples, 3):
        warm = services.article_receive(raw=raw + b"\n\nwarm-up", fmt="text", source="push")
        services.article_extract(article_id=warm.article.pk)
    unplaced = ClusterMember.objects.filter(matched_at__isnull=True)
    claims_match(claim_ids=list(unplaced.values_list("claim_id", flat=True)))  # loads the embedder

    # In-process cost of each stage, before any worker runs.
    start = time.perf_counter()
    probe_ids = [
        services.article_receive(raw=raw, fmt="text", source="push").article.pk for raw in probe
    ]
    receive_ms = (time.perf_counter() - start) / len(probe) * 1000
    start = time.perf_counter()
    for article_id in probe_ids:
        services.article_extract(article_id=article_id)
    extract_ms = (time.perf_counter() - start) / len(probe) * 1000
    # Their claims are placed here too, so the workers place only the measured articles'
    # (the tasks sent for these find nothing left to do).
    start = time.perf_counter()
    for article_id in probe_ids:
        claims_match(
            claim_ids=list(Claim.objects.filter(article_id=article_id).values_list("pk", flat=True))
        )
    match_ms = (time.perf_counter() - start) / len(probe) * 1000
    first_id = Article.objects.order_by("-pk").values_list("pk", flat=True)[0] + 1

    # Fill the queue with the workers down, then let them drain it.
    start = time.perf_counter()
    if args.via == "push":
        for raw in payloads:
            services.article_receive(raw=raw, fmt="text", source="push")
    else:
        from claims.tasks import article_fetch

        server = serve(payloads)
        base = f"http://127.0.0.1:{server.server_address[1]}/article"
        for number in range(len(payloads)):
            article_fetch.delay(f"{base}/{number}")
    enqueued = time.perf_counter() - start
    metrics_port = free_port()
    multiproc = tempfile.mkdtemp(prefix="bench-prometheus-")
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "factcheck",
            "worker",
            "-Q",
            "default,ingestion,extraction,matching",
            "-c",
            str(args.processes),
            "--without-gossip",
            "--without-mingle",
            "--loglevel",
            "WARNING",
        ],
        cwd=REPO,
        env=dict(
            os.environ,
            PROMETHEUS_MULTIPROC_DIR=multiproc,
            FACTCHECK_WORKER_METRICS_PORT=str(metrics_port),
        ),
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        own_backend = cursor.fetchone()[0]
    try:
        batch = Article.objects.filter(pk__gte=first_id)
        # CPU is counted from the first extraction (the workers have started): the worker's
        # processes, whatever else the machine runs, and the PostgreSQL server's.
        while not batch.filter(extracted_at__isnull=False).exists():
            time.sleep(0.05)
        server = postmaster(own_backend)
        cpu_start = tree_cpu(worker.pid), tree_cpu(server)
        while (
            batch.count() < args.articles or batch.filter(status=Article.Status.RECEIVED).exists()
        ):
            time.sleep(0.1)
        extracted_at = time.monotonic()
        # Matching (queue `matching`) is part of the path: a claim is done once it is placed.
        pending = ClusterMember.objects.filter(claim__article__in=batch, matched_at__isnull=True)
        while pending.exists():
            if time.monotonic() - extracted_at > args.match_timeout:
                raise SystemExit(
                    f"{pending.count()} claims still unmatched {args.match_timeout} s after the "
                    "last extraction: see the worker's log"
                )
            time.sleep(0.1)
        matching_tail = time.monotonic() - extracted_at
        cpu_end = tree_cpu(worker.pid), tree_cpu(server)
        time.sleep(1)  # the last task's postrun signal records its duration
        # The probe and warm-up articles' claims are matched by the workers too.
        claims = ClusterMember.objects.filter(matched_at__isnull=False).count()
        costs = queue_costs(metrics_port, args.articles, claims)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    span = batch.aggregate(
        received=Min("received_at"), first=Min("extracted_at"), last=Max("extracted_at")
    )
    # Pushed articles wait from before the workers start: count from the first extraction.
    # Fetched ones only exist once fetched: count from the first fetch.
    drain = (span["last"] - span["first" if args.via == "push" else "received"]).total_seconds()
    statuses = dict(batch.values_list("status").annotate(n=Count("pk")))
    print(
        f"{args.articles} articles via {args.via}, statuses {statuses}, "
        f"{args.processes} worker processes"
    )
    words = sum(len(raw.split()) for raw in payloads) / len(payloads)
    claims = Claim.objects.filter(article__in=batch).count() / args.articles
    print(f"{words:.0f} words an article, {claims:.1f} claims an article")
    print(
        f"per article in one process: receive {receive_ms:.2f} ms, extract {extract_ms:.2f} ms, "
        f"match {match_ms:.2f} ms"
    )
    per_article = enqueued / args.articles * 1000
    what = "receive + enqueue" if args.via == "push" else "enqueue a fetch"
    print(f"{what} on the broker: {per_article:.2f} ms/article")
    rate = args.articles / drain
    print(f"workers drained the queue in {drain:.2f} s: {rate:.1f} articles/second extracted")
    rate = args.articles / (drain + matching_tail)
    print(
        f"every claim matched {matching_tail:.2f} s after the last extraction: "
        f"{rate:.1f} articles/second through matching"
    )
    placements = ClusterMember.objects.filter(claim__article__in=batch).values("matched_at")
    sizes = [row["n"] for row in placements.annotate(n=Count("pk"))]
    print(f"claims placed {len(sizes)} times, {sum(sizes) / len(sizes):.1f} claims at a time")
    workers, database = (
        (end - start) / args.articles * 1000 for start, end in zip(cpu_start, cpu_end, strict=True)
    )
    print(
        f"CPU from the first extraction to the last claim placed, an article: worker "
        f"{workers:.1f} ms, PostgreSQL {database:.1f} ms (the whole server: exact only when "
        "nothing else uses it)"
    )
    print("\n".join(costs))


if __name__ == "__main__":
    main()
