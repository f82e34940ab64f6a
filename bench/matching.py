"""Claim matching from PostgreSQL: candidates and rescoring for a new claim among N stored.

    .venv/bin/python bench/matching.py [--stored 1000000] [--queries 200] [--real 1000]
    .venv/bin/python bench/matching.py --reuse        # the database of an earlier run

Fills its own database (`factcheck_bench_matching` on the PostgreSQL with pgvector that
`make pgvector` starts, or BENCH_POSTGRES) through the real schema: N stored claims in
`claims_claim` (text, embedding as halfvec, the generated words column) with their places in
clusters, and the real verified claims as imported fact-checks (embedded, their n-grams
counted). The stored claims are the same as `bench/matching_memory.py` makes: the first
`--real` verified claims of the CheckThat! 2020 pool, then synthetic texts of 20-30 words
drawn Zipf-wise from the words of real claims and tweets plus a figure, with vectors mixed
from two real claims' vectors and noise. Then the HNSW and GIN indexes are built (timed) and
the tables analysed.

Real tweets (CheckThat! dev, then train), embedded by the real model one at a time (timed
apart), are each taken through what the matching task computes for a claim before it takes
its locks: candidates among stored claims (`reviews.candidates.claim_candidates`), rescoring
and guards (`claim_scoring`), and the fact-checks ranked for it (`reviews.similar`). Then the
next tweets in batches of FACTCHECK_MATCH_BATCH_SIZE. No process holds an index: the resident
memory printed is this process's, with the model loaded.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))
BENCH_DB = os.environ.get("BENCH_DATABASE", "factcheck_bench_matching")
SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5433")
os.environ.update(
    DJANGO_SETTINGS_MODULE="factcheck.settings",
    DJANGO_SECRET_KEY="bench-only",
    DATABASE_URL=f"{SERVER}/{BENCH_DB}",
    DJANGO_LOG_LEVEL="WARNING",
)
os.environ.pop("REDIS_URL", None)

import matching_memory as memory  # noqa: E402 (the same stored claims and queries)

BATCH = 20_000
MATCH_BATCH = 100  # FACTCHECK_MATCH_BATCH_SIZE's default
INDEXES = [
    "CREATE INDEX IF NOT EXISTS claim_embedding ON claims_claim "
    "USING hnsw (embedding halfvec_cosine_ops)",
    "CREATE INDEX IF NOT EXISTS claim_search_vector ON claims_claim USING gin (search_vector) "
    "WITH (fastupdate = off)",
    "CREATE INDEX IF NOT EXISTS claim_text_equal ON claims_claim USING hash (text)",
]


def recreate_database() -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as db:
        db.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        db.execute(f"CREATE DATABASE {BENCH_DB}")


def _vector(row: np.ndarray) -> str:
    return "[" + ",".join(f"{value:.5f}" for value in row) + "]"


def seed(stored: int, real: list[tuple[str, str]], base: np.ndarray, vocabulary: list[str]) -> None:
    """Stored claims (each placed, in a cluster of its own), the real verified claims as
    imported fact-checks; then the indexes, built once over everything."""
    from django.core.management import call_command
    from django.db import connection

    from claims.pipeline.matching.normalise import fact_check_embedding_text
    from claims.services.embeddings import texts_embed, vector_store
    from reviews.models import ImportedFactCheck
    from reviews.services.fact_check_grams import fact_check_grams_count

    call_command("migrate", verbosity=0)
    rng = np.random.default_rng(7)
    with connection.cursor() as cur:
        for index in ("claim_embedding", "claim_search_vector", "claim_text_equal"):
            cur.execute(f"DROP INDEX IF EXISTS {index}")
        cur.execute(
            "INSERT INTO claims_article (url, canonical_url, source, raw, raw_format, raw_hash, "
            "raw_size, given_title, title, byline, published_at, language, site_name, "
            "clean_text, content_hash, skip_reason, version, status, error, attempts, "
            "pipeline_version, received_at, extracted_at, raw_charset, client_error) VALUES ("
            "'', '', 'push', '', 'text', 'bench', 0, '', 'Bench', '', now(), 'en', '', '', "
            "'bench', '', 1, 'extracted', '', 1, 'bench', now(), now(), '', '')"
        )
        started = time.perf_counter()
        with cur.connection.cursor().copy(
            'COPY claims_claim (id, article_id, text, start, "end", context, score, speaker, '
            "attribution, claim_type, reasons, model_version, created_at, standalone, claimant, "
            "claimant_kind, embedding) FROM STDIN"
        ) as copy:
            texts = [text for _, text in real]
            chunks = [(0, texts, base)]
            for start in range(len(real), stored, BATCH):
                n = min(BATCH, stored - start)
                chunks.append((start, None, None))  # made when written: a million at once
            for start, batch_texts, vectors in chunks:
                if batch_texts is None:
                    n = min(BATCH, stored - start)
                    batch_texts = memory._texts(rng, vocabulary, n)
                    vectors = memory._mixed(rng, base, n)
                for row, text in enumerate(batch_texts):
                    pk = start + row + 1
                    copy.write_row(
                        (pk, 1, text, pk * 10, pk * 10 + 5, "", 0.8, "", "", "statement", "[]",
                         "bench", "now", "", "", "", _vector(vectors[row]))
                    )  # fmt: skip
                if (start // BATCH) % 10 == 0:
                    done = start + len(batch_texts)
                    print(f"  {done:,} claims stored, {time.perf_counter() - started:.0f} s")
        cur.execute(
            "INSERT INTO reviews_cluster (id, canonical_id, appearance_count, first_seen_at, "
            "last_seen_at, created_at) SELECT id, id, 1, now(), now(), now() FROM claims_claim"
        )
        cur.execute(
            "INSERT INTO reviews_clustermember (claim_id, cluster_id, matched_at, created_at) "
            "SELECT id, id, now(), now() FROM claims_claim"
        )
        for table in ("claims_claim", "reviews_cluster"):
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
        print(f"stored claims        {stored:,} in {time.perf_counter() - started:.0f} s")
        vectors = texts_embed([fact_check_embedding_text(text, "") for text in texts])
        ImportedFactCheck.objects.bulk_create(
            ImportedFactCheck(
                claim_reviewed=text,
                source_key=f"bench:{doc_id}",
                embedding=None if vectors is None else vector_store(vectors[row]),
            )
            for row, (doc_id, text) in enumerate(real)
        )
        fact_check_grams_count(added=texts)
        cur.execute("SET maintenance_work_mem = '1GB'")
        for sql in INDEXES:
            started = time.perf_counter()
            cur.execute(sql)
            print(f"{sql.split(' ON ')[0][27:]:<20} built in {time.perf_counter() - started:.0f} s")
        cur.execute("ANALYZE")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stored", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--real", type=int, default=1000, help="real verified claims stored")
    parser.add_argument("--reuse", action="store_true", help="keep the database of a last run")
    args = parser.parse_args()
    pool = memory._tsv(memory.CORPUS / "verified_claims.docs.tsv")
    dev = memory._tsv(memory.CORPUS / "dev" / "tweets.queries.tsv")
    everything = dev + memory._tsv(memory.CORPUS / "train" / "tweets.queries.tsv")
    tweets = everything[: args.queries]
    later = everything[args.queries : 2 * args.queries]
    relevant = memory._qrels(memory.CORPUS / "dev" / "tweet-vclaim-pairs.qrels")
    wanted = {vclaim for ids in relevant.values() for vclaim in ids}
    real = [row for n, row in enumerate(pool) if n < args.real or row[0] in wanted]
    print(f"cpus {os.cpu_count()}, load average at start {memory._load()}")
    if not args.reuse:
        recreate_database()

    import django

    django.setup()
    from django.db import connection

    from claims.pipeline.embeddings import embedder_get
    from claims.pipeline.matching.matcher import claim_scoring
    from claims.pipeline.matching.normalise import fingerprint
    from reviews.candidates import Query, batch_candidates, claim_candidates
    from reviews.similar import fact_checks_ranked

    started = time.perf_counter()
    embedder = embedder_get()
    embedder.encode(["warm up the model"])
    print(
        f"model loaded in {time.perf_counter() - started:.1f} s, RSS {memory._rss_mib():,.0f} MiB"
    )
    if not args.reuse:
        base = embedder.encode([text for _, text in real])
        vocabulary = memory._vocabulary([t for _, t in pool] + [t for _, t in tweets])
        seed(args.stored, real, base, vocabulary)
    with connection.cursor() as cur:
        cur.execute(
            "SELECT count(*), pg_size_pretty(pg_relation_size('claims_claim')) FROM claims_claim"
        )
        count, heap = cur.fetchone()
        cur.execute("SELECT pg_size_pretty(pg_relation_size('claim_embedding'))")
        (graph,) = cur.fetchone()
    print(f"stored claims {count:,}: table {heap}, HNSW index {graph}; load {memory._load()}")
    scoring = claim_scoring()

    def place(queries: list[Query]) -> list[list[object]]:
        found = claim_candidates(queries)
        for key, more in batch_candidates(queries).items():
            found[key] = [*found[key], *more]
        facts = fact_checks_ranked(queries)
        return [[scoring.rank(fingerprint(q.text), found[q.key]), facts[q.key]] for q in queries]

    embed_ms: list[float] = []
    search_ms: list[float] = []
    for n, (_, text) in enumerate(tweets):
        t0 = time.perf_counter()
        vector = embedder.encode([text])[0]
        t1 = time.perf_counter()
        place([Query(-1 - n, text, vector)])
        t2 = time.perf_counter()
        embed_ms.append((t1 - t0) * 1000)
        search_ms.append((t2 - t1) * 1000)
    print(f"one claim at a time  {len(tweets)} real tweets, load {memory._load()}")
    for name, values in (("embedding", embed_ms), ("candidates+rescore", search_ms)):
        p50, p95 = statistics.median(values), memory._pct(values, 0.95)
        print(f"  {name:18} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  max {max(values):6.1f} ms")

    batch_ms: list[float] = []
    batch_embed: list[float] = []
    for start in range(0, len(later), MATCH_BATCH):
        texts = [text for _, text in later[start : start + MATCH_BATCH]]
        t0 = time.perf_counter()
        vectors = embedder.encode(texts)
        t1 = time.perf_counter()
        place([Query(-10_000 - start - row, t, vectors[row]) for row, t in enumerate(texts)])
        t2 = time.perf_counter()
        batch_embed.append((t1 - t0) * 1000 / len(texts))
        batch_ms.append((t2 - t0) * 1000 / len(texts))
    print(f"in batches of {MATCH_BATCH}    the next {len(later)} tweets, load {memory._load()}")
    for n, (per, emb) in enumerate(zip(batch_ms, batch_embed, strict=True)):
        print(f"  batch {n}: {per:.1f} ms per claim ({emb:.1f} embedding, {per - emb:.1f} search)")
    print(f"max RSS {memory._rss_mib():,.0f} MiB (model loaded, no index), load {memory._load()}")


if __name__ == "__main__":
    main()
