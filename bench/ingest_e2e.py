"""End-to-end ingestion through Redis, Celery workers and PostgreSQL.

    .venv/bin/python bench/ingest_e2e.py [--articles 1000] [--processes 2]

Uses its own database (`factcheck_bench` on the local PostgreSQL, dropped and created anew)
and Redis database 14. Articles are the sample articles, each made unique by a numbered
first sentence, so dedup does not skip them. Reports articles a second from the first
enqueue to the last extraction, and what receiving and extracting cost per article.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
BENCH_DB = "factcheck_bench"
os.environ.update(
    DJANGO_SETTINGS_MODULE="factcheck.settings",
    DJANGO_SECRET_KEY="bench-only",
    DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{BENCH_DB}",
    REDIS_URL="redis://127.0.0.1:6379/14",
    DJANGO_LOG_LEVEL="WARNING",
)


def recreate_database() -> None:
    import psycopg

    with psycopg.connect("postgres://postgres@127.0.0.1:5432/postgres", autocommit=True) as db:
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument(
        "--samples", type=Path, default=REPO.parent / "shared" / "samples" / "articles"
    )
    args = parser.parse_args()

    recreate_database()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    import redis

    redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()
    from django.db.models import Count, Max, Min

    from claims import services
    from claims.models import Article

    generated = texts(args.samples, args.articles + 50)
    payloads, probe = generated[: args.articles], generated[args.articles :]
    # Warm up: the first extraction in a process loads the model and language identifier.
    for raw in texts(args.samples, 3):
        warm = services.article_receive(raw=raw + b"\n\nwarm-up", fmt="text", source="push")
        services.article_extract(article_id=warm.article.pk)

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
    first_id = Article.objects.order_by("-pk").values_list("pk", flat=True)[0] + 1

    # Fill the queue with the workers down, then let them drain it.
    start = time.perf_counter()
    for raw in payloads:
        services.article_receive(raw=raw, fmt="text", source="push")
    enqueued = time.perf_counter() - start
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "factcheck",
            "worker",
            "-Q",
            "default,ingestion,extraction",
            "-c",
            str(args.processes),
            "--without-gossip",
            "--without-mingle",
            "--loglevel",
            "WARNING",
        ],
        cwd=REPO,
        env=dict(os.environ),
    )
    try:
        batch = Article.objects.filter(pk__gte=first_id)
        while batch.filter(status=Article.Status.RECEIVED).exists():
            time.sleep(0.1)
    finally:
        worker.terminate()
        worker.wait(timeout=30)
    span = batch.aggregate(first=Min("extracted_at"), last=Max("extracted_at"))
    drain = (span["last"] - span["first"]).total_seconds()
    statuses = dict(batch.values_list("status").annotate(n=Count("pk")))
    print(f"{args.articles} articles, statuses {statuses}, {args.processes} worker processes")
    print(f"per article in one process: receive {receive_ms:.2f} ms, extract {extract_ms:.2f} ms")
    per_article = enqueued / args.articles * 1000
    print(f"receive + enqueue on the broker: {per_article:.2f} ms/article")
    rate = args.articles / drain
    print(f"workers drained the queue in {drain:.2f} s: {rate:.0f} articles/second")


if __name__ == "__main__":
    main()
