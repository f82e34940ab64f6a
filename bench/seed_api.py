"""Seed the API benchmark database: 1,000,000 claims and 100,000 published fact-checks.

    .venv/bin/python bench/seed_api.py [--claims 1000000] [--published 100000]

Drops and creates `factcheck_bench_api` (BENCH_DATABASE), migrates it, and fills it with SQL
(generate_series), since a million rows through the ORM would take most of an hour. Every
claim has a cluster of two appearances in two articles; one review item in five is published
(one in ten of those corrected, so it has a second version), the rest stay in the queue. Each
current version cites two archived sources. Renders every fact-check's stored API record
(reviews/records.py), then prints an API token for bench/api.py.
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
BENCH_DB = os.environ.get("BENCH_DATABASE", "factcheck_bench_api")
SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5433")
DATABASE_URL = f"{SERVER}/{BENCH_DB}"
ENV = {
    "DJANGO_SETTINGS_MODULE": "factcheck.settings",
    "DJANGO_SECRET_KEY": "bench-only",
    "DATABASE_URL": DATABASE_URL,
    "REDIS_URL": "redis://127.0.0.1:6379/12",
    "DJANGO_LOG_LEVEL": "WARNING",
}
os.environ.update(ENV)

SUBJECTS = [
    "unemployment",
    "inflation",
    "crime",
    "rents",
    "house prices",
    "the budget deficit",
    "hospital waiting times",
    "school funding",
    "energy prices",
    "bus fares",
    "road deaths",
    "wages",
    "child poverty",
    "immigration",
    "exports",
    "tax revenue",
    "police numbers",
    "carbon emissions",
    "broadband coverage",
    "the minimum wage",
]
PLACES = [
    "Riverton",
    "Northfield",
    "the capital",
    "the region",
    "rural areas",
    "the city centre",
    "the harbour district",
    "the northern towns",
    "the county",
    "the country",
]
VERBS = ["rose", "fell", "doubled", "halved", "grew", "dropped", "climbed", "shrank"]
SPEAKERS = ["Jane Doe", "Marcus Lee", "Priya Raman", "Tom Baker", "Ana Silva", "the mayor", ""]
RATINGS = ["true", "mostly_true", "half_true", "mostly_false", "false", "misleading", "unproven"]


def _array(values: list[str]) -> str:
    return "ARRAY[" + ",".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def recreate_database() -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as db:
        db.execute(f"DROP DATABASE IF EXISTS {BENCH_DB} WITH (FORCE)")
        db.execute(f"CREATE DATABASE {BENCH_DB}")


def seed(claims: int, published: int) -> None:
    import psycopg

    articles = claims // 5
    clusters = claims // 2
    every = clusters // published  # one review item in `every` is published
    steps = [
        (
            "users",
            """
            INSERT INTO auth_user (id, password, is_superuser, username, first_name, last_name,
                email, is_staff, is_active, date_joined)
            VALUES (1, '!', false, 'bench-reviewer', '', '', '', true, true, now()),
                   (2, '!', false, 'bench-editor', '', '', '', true, true, now())""",
        ),
        (
            "publishers",
            """
            INSERT INTO claims_publisher (id, name, domain, homepage, created_at)
            SELECT i, 'Publisher ' || i, 'news' || i || '.example.com', '', now()
            FROM generate_series(1, 200) i""",
        ),
        (
            "articles",
            f"""
            INSERT INTO claims_article (id, url, canonical_url, publisher_id, source, raw,
                raw_format, raw_charset, raw_hash, raw_size, given_title, title, byline,
                published_at, language, site_name, clean_text, content_hash, skip_reason,
                version, status, error, attempts, pipeline_version, received_at, extracted_at)
            SELECT i, 'https://news' || (i % 200 + 1) || '.example.com/story/' || i,
                'https://news' || (i % 200 + 1) || '.example.com/story/' || i, i % 200 + 1,
                'feed', '', 'html', '', md5('bench' || i), 0, '', 'Story number ' || i, '',
                now() - (({articles} - i) || ' minutes')::interval, 'en', '', '', md5('c' || i),
                '', 1, 'extracted', '', 1, 'bench', now(), now()
            FROM generate_series(1, {articles}) i""",
        ),
        (
            "claims",
            f"""
            INSERT INTO claims_claim (id, article_id, text, start, "end", context, score,
                speaker, attribution, claim_type, reasons, model_version, created_at,
                standalone, claimant, claimant_kind)
            SELECT i, (i - 1) / 5 + 1,
                initcap(({_array(SUBJECTS)})[1 + i % 20]) || ' in '
                    || ({_array(PLACES)})[1 + (i / 20) % 10] || ' '
                    || ({_array(VERBS)})[1 + (i / 200) % 8] || ' by ' || (i % 97 + 2)
                    || ' percent since ' || (1990 + i % 33) || '.',
                ((i - 1) % 5) * 200, ((i - 1) % 5) * 200 + 80, '', 0.5 + (i % 50) / 100.0,
                ({_array(SPEAKERS)})[1 + i % 7], '', 'quantity', '[]', 'bench', now(), '', '', ''

            FROM generate_series(1, {claims}) i""",
        ),
        (
            "clusters",
            f"""
            INSERT INTO reviews_cluster (id, canonical_id, appearance_count, first_seen_at,
                last_seen_at, created_at)
            SELECT c, 2 * c - 1, 2, now(), now(), now() FROM generate_series(1, {clusters}) c""",
        ),
        (
            "claim clusters",
            f"""
            INSERT INTO reviews_clustermember (claim_id, cluster_id, matched_at, created_at)
            SELECT i, (i + 1) / 2, now(), now() FROM generate_series(1, {claims}) i""",
        ),
        (
            "review items",
            f"""
            INSERT INTO reviews_reviewitem (id, claim_id, status, priority, rejection_reason,
                rejection_note, speaker, claim_type, score, created_at, updated_at)
            SELECT c, 2 * c - 1,
                CASE WHEN c % {every} <> 0 THEN 'pending'
                     WHEN c % ({every} * 10) = 0 THEN 'corrected' ELSE 'published' END,
                (c % 100) / 100.0, '', '', claim.speaker, claim.claim_type, claim.score, now(),
                now()
            FROM generate_series(1, {clusters}) c
            JOIN claims_claim claim ON claim.id = 2 * c - 1""",
        ),
        (
            "verdicts",
            f"""
            INSERT INTO reviews_verdict (review_item_id, version, rating, explanation, summary,
                author_id, approved_by_id, approved_at, published_at, editor_note,
                correction_note, created_at)
            SELECT c, 1, ({_array(RATINGS)})[1 + (c / {every}) % 7],
                'The official figures show a different change over the period.',
                'A longer summary of what the sources say about this claim, its context and '
                || 'why it was rated as it was, over a couple of sentences.',
                1, 2, now() - interval '200 days' + ((c / {every}) || ' minutes')::interval,
                now() - interval '200 days' + ((c / {every}) || ' minutes')::interval,
                '', '', now()
            FROM generate_series({every}, {clusters}, {every}) c""",
        ),
        (
            "corrections",
            f"""
            INSERT INTO reviews_verdict (review_item_id, version, rating, explanation, summary,
                author_id, approved_by_id, approved_at, published_at, editor_note,
                correction_note, created_at)
            SELECT c, 2, 'mostly_false', 'Corrected: the change was smaller.',
                'The corrected summary.', 2, NULL, NULL,
                now() - interval '100 days' + ((c / {every}) || ' minutes')::interval, '',
                'An earlier version gave the wrong period.', now()
            FROM generate_series({every} * 10, {clusters}, {every} * 10) c""",
        ),
        (
            "sources",
            """
            INSERT INTO reviews_evidencesource (verdict_id, url, title, publisher, stance, quote,
                archived_text, archived_hash, archived_at, fetch_error, archive_attempts,
                archive_tried_at, created_at)
            SELECT v.id, 'https://stats.example.org/report/' || v.id || '/' || n,
                'Statistical report ' || n, 'Statistics Office',
                CASE n WHEN 1 THEN 'refutes' ELSE 'context' END, 'The figure changed by less.',
                'Archived text of the report.', md5(v.id || '-' || n), now(), '', 1, now(), now()
            FROM reviews_verdict v, generate_series(1, 2) n""",
        ),
        (
            "sequences",
            " ".join(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}));"
                for table in (
                    "claims_article",
                    "claims_claim",
                    "reviews_cluster",
                    "reviews_reviewitem",
                    "auth_user",
                )
            ),
        ),
        (
            "search entries",
            """
            INSERT INTO reviews_factchecksearch (review_item_id, document, vector)
            SELECT r.id, string_agg(c.text, E'\\n' ORDER BY c.id),
                to_tsvector('english', string_agg(c.text, E'\\n' ORDER BY c.id))
            FROM reviews_reviewitem r
            JOIN reviews_clustermember k ON k.claim_id = r.claim_id
            JOIN reviews_clustermember m ON m.cluster_id = k.cluster_id
            JOIN claims_claim c ON c.id = m.claim_id
            WHERE r.status IN ('published', 'corrected')
            GROUP BY r.id""",
        ),
        ("analyze", "ANALYZE"),
    ]
    with psycopg.connect(DATABASE_URL, autocommit=True) as db:
        for name, sql in steps:
            started = time.monotonic()
            for statement in sql.split(";"):
                if statement.strip():
                    db.execute(statement)  # type: ignore[arg-type]
            print(f"{name}: {time.monotonic() - started:.1f} s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--published", type=int, default=100_000)
    args = parser.parse_args()
    recreate_database()
    python = str(REPO / ".venv" / "bin" / "python")
    subprocess.run([python, "manage.py", "migrate", "--no-input", "-v", "0"], cwd=REPO, check=True)
    seed(args.claims, args.published)
    import django

    django.setup()
    from claims.services.tokens import api_token_create
    from reviews.services.records import fact_check_records_rebuild

    # The API's stored records, as publishing would have written them (reviews/records.py).
    started = time.monotonic()
    written = fact_check_records_rebuild()
    print(f"API records: {written} in {time.monotonic() - started:.1f} s", flush=True)
    _, key = api_token_create(name="bench", scopes=["read", "submit", "search"])
    (REPO / "var").mkdir(exist_ok=True)
    (REPO / "var" / "bench_api_token").write_text(key)
    print(f"API token (also in var/bench_api_token):\n{key}")


if __name__ == "__main__":
    main()
