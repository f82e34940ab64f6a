"""What placing a batch of claims costs, in this process and in its PostgreSQL backend.

    .venv/bin/python bench/matching_writes.py [--articles 60] [--per-batch 1]

Uses its own database (`factcheck_bench_placing` on the PostgreSQL with pgvector that
`make pgvector` starts, or BENCH_POSTGRES; dropped and created anew) and Redis database 13.
The sample articles, each made unique by a numbered first sentence (as `ingest_e2e.py` makes
them), are extracted in this process; then each article's claims are placed by
`reviews.services.matching.claims_match`, one batch an article, as the matching task would.
The copies repeat each other's claims, so nearly every claim finds candidates and joins a
cluster: the worst case for placement's writes. The first five batches (one of each sample
article, which find nothing yet) are left out of the figures.

`--per-batch N` places N articles' claims a batch, as a matching task that gathers the claims
waiting for other tasks does under load.

Printed: CPU time per claim of this process (`time.process_time`) and of its PostgreSQL
backend (`/proc/<pid>/stat`), both independent of what else the machine runs; wall time per
claim; statements per batch; how many times a batch waited for the WAL to be flushed to disk
(the whole server's `pg_stat_wal`: exact only when nothing else writes); and the CPU time of
each step of placement.
"""

from __future__ import annotations

import argparse
import collections
import functools
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))
BENCH_DB = "factcheck_bench_placing"
SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5433")
ENVIRONMENT = dict(
    DJANGO_SETTINGS_MODULE="factcheck.settings",
    DJANGO_SECRET_KEY="bench-only",
    DATABASE_URL=f"{SERVER}/{BENCH_DB}",
    REDIS_URL="redis://127.0.0.1:6379/13",
    DJANGO_LOG_LEVEL="WARNING",
    # One core's worth, as a worker pool process of a two-process worker on two cores.
    OMP_NUM_THREADS="1",
)

# Steps of `reviews.services.matching` timed apart, where the code has them.
STEPS = (
    "claims_embed_stored",
    "claim_candidates",
    "batch_candidates",
    "fact_checks_ranked",
    "_place",
    "_joins_write",
    "_cluster_grow",
    "clusters_grow",
    "_movable",
    "_clusters_locked",
    "review_priorities_refresh",
)


def timed(spent: collections.Counter[str], name: str, step: Callable[..., Any]) -> Callable:
    @functools.wraps(step)
    def run(*args: Any, **kwargs: Any) -> Any:
        start = time.process_time()
        try:
            return step(*args, **kwargs)
        finally:
            spent[name] += time.process_time() - start

    return run


def backend_seconds(pid: int) -> float:
    """CPU seconds a PostgreSQL backend has used (user and system)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=60)
    parser.add_argument(
        "--samples", type=Path, default=REPO.parent / "shared" / "samples" / "articles"
    )
    parser.add_argument(
        "--per-batch", type=int, default=1, help="articles' claims placed together in one batch"
    )
    args = parser.parse_args()

    import psycopg
    from ingest_e2e import texts  # sets the environment of its own bench

    os.environ.update(ENVIRONMENT)
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as db:
        db.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        db.execute(f"CREATE DATABASE {BENCH_DB}")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from claims import services
    from claims.models import Claim
    from reviews.services import matching

    call_command("migrate", verbosity=0)
    spent: collections.Counter[str] = collections.Counter()
    for name in STEPS:
        if hasattr(matching, name):
            setattr(matching, name, timed(spent, name, getattr(matching, name)))

    batches = []
    for raw in texts(args.samples, args.articles):
        article = services.article_receive(raw=raw, fmt="text", source="push").article
        services.article_extract(article_id=article.pk)
        batches.append(list(Claim.objects.filter(article=article).values_list("pk", flat=True)))
    for batch in batches[:5]:
        matching.claims_match(claim_ids=batch)
    spent.clear()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]

    later = batches[5:]
    batches[5:] = [
        [pk for batch in later[at : at + args.per_batch] for pk in batch]
        for at in range(0, len(later), args.per_batch)
    ]
    claims = 0
    statements = collections.Counter[str]()

    def count(execute: Callable, sql: str, params: Any, many: bool, context: Any) -> Any:
        statements["sent"] += 1
        return execute(sql, params, many, context)

    def wal_syncs() -> int:
        with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as db:
            return db.execute("SELECT wal_sync FROM pg_stat_wal").fetchone()[0]

    syncs_start = wal_syncs()
    backend_start, cpu_start, wall_start = (
        backend_seconds(backend),
        time.process_time(),
        time.perf_counter(),
    )
    with connection.execute_wrapper(count):
        for batch in batches[5:]:
            matching.claims_match(claim_ids=batch)
            claims += len(batch)
    cpu = time.process_time() - cpu_start
    wall = time.perf_counter() - wall_start
    database = backend_seconds(backend) - backend_start

    placed = len(batches) - 5
    print(f"WAL syncs a batch: {(wal_syncs() - syncs_start) / placed:.1f}")
    print(
        f"{claims} claims in {placed} batches, {statements['sent'] / placed:.0f} statements a batch"
    )
    print(f"this process: {cpu / claims * 1000:.2f} ms CPU a claim")
    print(f"its PostgreSQL backend: {database / claims * 1000:.2f} ms CPU a claim")
    print(f"wall: {wall / claims * 1000:.2f} ms a claim")
    for name in STEPS:
        if name in spent:
            print(f"  {name:<28} {spent[name] / claims * 1000:6.2f} ms CPU a claim")


if __name__ == "__main__":
    main()
