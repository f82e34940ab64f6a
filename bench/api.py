"""Load on the publishing API from a second process, against gunicorn and the seeded database.

    .venv/bin/python bench/seed_api.py                      # once: 1M claims, 100k fact-checks
    .venv/bin/python bench/api.py [--seconds 20] [--connections 32] [--cache-seconds 0]

Starts gunicorn (2 workers, gthread) on the bench database (BENCH_DATABASE, default
`factcheck_bench_api`), then for each target keeps `--connections` keep-alive connections
busy from `--load-processes` load processes for `--seconds` after a warm-up, and prints
requests a second, p50 and p99. `bare` is a plain Django view serving the same 50 rows as the
first page of fact-checks/ from one hand-written query (bench/api_bare.py); the script reports
the API's throughput as a share of it.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

REPO = Path(__file__).resolve().parents[1]
BENCH_DB = os.environ.get("BENCH_DATABASE", "factcheck_bench_api")
SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5433")
HOST, PORT = "127.0.0.1", 8811
WORDS = [
    "unemployment",
    "inflation",
    "crime rose",
    "rents doubled",
    "energy prices fell",
    "wages in Riverton",
    "child poverty halved",
    "exports grew by 12 percent",
]


def start_server(cache_seconds: int, workers: int, threads: int) -> subprocess.Popen:
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="bench.api_bare",
        DJANGO_SECRET_KEY="bench-only",
        DJANGO_ALLOWED_HOSTS=HOST,
        DATABASE_URL=f"{SERVER}/{BENCH_DB}",
        REDIS_URL="redis://127.0.0.1:6379/12",
        DJANGO_LOG_LEVEL="WARNING",
        # Plain HTTP on loopback: production's redirect to HTTPS would answer every request 301.
        DJANGO_SECURE_SSL_REDIRECT="false",
        FACTCHECK_API_CACHE_SECONDS=str(cache_seconds),
        # The benchmark measures serving, not the throttle refusing it.
        FACTCHECK_API_RATE="100000000/min",
        FACTCHECK_API_SEARCH_RATE="100000000/min",
        PYTHONPATH=str(REPO),
    )
    import redis

    redis.Redis.from_url(env["REDIS_URL"]).flushdb()
    server = subprocess.Popen(
        [
            str(REPO / ".venv" / "bin" / "gunicorn"),
            "factcheck.wsgi",
            "-b",
            f"{HOST}:{PORT}",
            "--workers",
            str(workers),
            "--worker-class",
            "gthread",
            "--threads",
            str(threads),
            "--keep-alive",
            "30",
            "--log-level",
            "warning",
        ],
        cwd=REPO,
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection(HOST, PORT, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.3)
    server.kill()
    raise RuntimeError("gunicorn did not start")


def paths_for(target: str, ids: list[int], rng: random.Random) -> str:
    if target == "list":
        return "/api/v1/fact-checks/"
    if target == "bare":
        return "/bench/bare-fact-checks/"
    if target == "detail":
        return f"/api/v1/fact-checks/{rng.choice(ids)}/"
    if target == "claimreview":
        return f"/api/v1/fact-checks/{rng.choice(ids)}/claimreview/"
    if target == "search":
        return f"/api/v1/search/?q={quote(rng.choice(WORDS))}"
    raise ValueError(target)


def load_process(
    target: str,
    threads: int,
    token: str,
    ids: list[int],
    warmup: float,
    seconds: float,
    results: multiprocessing.Queue,
) -> None:
    start = time.monotonic() + warmup
    stop = start + seconds
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()

    def worker(seed: int) -> None:
        rng = random.Random(seed)
        connection = http.client.HTTPConnection(HOST, PORT, timeout=30)
        headers = {"Authorization": f"Token {token}"}
        mine: list[float] = []
        failed = 0
        while True:
            now = time.monotonic()
            if now >= stop:
                break
            began = time.perf_counter()
            try:
                connection.request("GET", paths_for(target, ids, rng), headers=headers)
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection(HOST, PORT, timeout=30)
                ok = False
            took = time.perf_counter() - began
            if now >= start:
                if ok:
                    mine.append(took)
                else:
                    failed += 1
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    pool = [threading.Thread(target=worker, args=(os.getpid() * 1000 + n,)) for n in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    results.put((latencies, errors[0]))


def run_target(
    target: str, connections: int, processes: int, token: str, ids: list[int], seconds: float
) -> dict:
    results: multiprocessing.Queue = multiprocessing.Queue()
    per_process = connections // processes
    workers = [
        multiprocessing.Process(
            target=load_process, args=(target, per_process, token, ids, 3.0, seconds, results)
        )
        for _ in range(processes)
    ]
    for process in workers:
        process.start()
    latencies: list[float] = []
    errors = 0
    for _ in workers:
        got, failed = results.get()
        latencies.extend(got)
        errors += failed
    for process in workers:
        process.join()
    latencies.sort()
    count = len(latencies)
    return {
        "target": target,
        "requests": count,
        "errors": errors,
        "rps": count / seconds,
        "p50_ms": statistics.median(latencies) * 1000 if count else float("nan"),
        "p99_ms": latencies[int(count * 0.99) - 1] * 1000 if count else float("nan"),
    }


def search_ready(token: str, limit: float = 300.0) -> float:
    """Seconds until searches answer fast: each server process builds its fact-check index
    and loads the model in the background as it starts (FACTCHECK_SEARCH_WARM_UP)."""
    started = time.monotonic()
    fast = 0
    while fast < 8:
        if time.monotonic() - started > limit:
            raise RuntimeError(f"search not ready within {limit:.0f} s")
        connection = http.client.HTTPConnection(HOST, PORT, timeout=limit)
        asked = time.monotonic()
        connection.request(
            "GET", "/api/v1/search/?q=vaccine", headers={"Authorization": f"Token {token}"}
        )
        response = connection.getresponse()
        response.read()
        fast = fast + 1 if response.status == 200 and time.monotonic() - asked < 1.0 else 0
        connection.close()
    return time.monotonic() - started


def published_ids(count: int = 5000) -> list[int]:
    import psycopg

    with psycopg.connect(f"{SERVER}/{BENCH_DB}") as db:
        rows = db.execute(
            "SELECT id FROM reviews_reviewitem WHERE status IN ('published', 'corrected') "
            "ORDER BY random() LIMIT %s",
            (count,),
        ).fetchall()
    return [row[0] for row in rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--load-processes", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--cache-seconds", type=int, default=0)
    parser.add_argument(
        "--targets", default="bare,list,detail,claimreview,search", help="comma-separated"
    )
    args = parser.parse_args()
    token = (REPO / "var" / "bench_api_token").read_text().strip()
    ids = published_ids()
    server = start_server(args.cache_seconds, args.workers, args.threads)
    try:
        print(f"search ready after {search_ready(token):.1f} s", flush=True)
        rows = []
        for target in args.targets.split(","):
            row = run_target(
                target, args.connections, args.load_processes, token, ids, args.seconds
            )
            rows.append(row)
            print(json.dumps(row), flush=True)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    by_target = {row["target"]: row for row in rows}
    print(
        f"\ncache {args.cache_seconds} s, {args.connections} connections, "
        f"{args.workers} gunicorn workers x {args.threads} threads"
    )
    print("| endpoint | requests/s | p50 ms | p99 ms | errors |")
    print("| --- | --- | --- | --- | --- |")
    for row in rows:
        print(
            f"| {row['target']} | {row['rps']:.0f} | {row['p50_ms']:.1f} | "
            f"{row['p99_ms']:.1f} | {row['errors']} |"
        )
    if "bare" in by_target and "list" in by_target and by_target["bare"]["rps"]:
        ratio = by_target["list"]["rps"] / by_target["bare"]["rps"]
        print(f"\nlist / bare throughput: {ratio:.0%}")


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    main()
