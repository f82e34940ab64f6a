"""Seed a separate database with a large review queue for `bench/review_queue.py`.

    .venv/bin/python bench/seed.py [--claims 1000000] [--queue 100000]

Drops and recreates `BENCH_DATABASE` (default `factcheck_bench_queue` on the PostgreSQL with
pgvector that `make pgvector` starts, or BENCH_POSTGRES), migrates it, then fills it with set-based
SQL on the server (INSERT … SELECT over generate_series) and COPY: publishers, feeds,
articles (5 claims each), `--claims` claims in `--queue` clusters (each cluster's first claim
is its canonical one; the others are repeats with a skewed spread, so a few claims appear
hundreds of times), and one review item per cluster with its priority from
`reviews.priority.review_priority`; the published ones get a verdict, those in review or
awaiting approval a draft with two sources (one archived, one failed), and one open cluster in
ten three suggested fact-checks. Secondary indexes on the big tables are dropped while
loading and rebuilt after it, then everything is ANALYZEd."""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
BENCH_DATABASE = os.environ.get("BENCH_DATABASE", "factcheck_bench_queue")
SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5433")
os.environ.update(
    DJANGO_SETTINGS_MODULE="factcheck.settings",
    DJANGO_SECRET_KEY="bench-only",
    DATABASE_URL=f"{SERVER}/{BENCH_DATABASE}",
    DJANGO_ALLOWED_HOSTS="testserver",
    DJANGO_LOG_LEVEL="WARNING",
)
os.environ.pop("REDIS_URL", None)

CLAIMS_PER_ARTICLE = 5
PUBLISHERS = 40
FEEDS = 120
USERS = 20
BIG_TABLES = [
    "claims_article",
    "claims_claim",
    "reviews_cluster",
    "reviews_clustermember",
    "reviews_reviewitem",
]

# Claim wording: a subject, a topic, a movement, a number and a year; every 50th claim also
# names a rarer topic, and one in 5,000 a very rare one, so searches have every selectivity.
SUBJECTS = [
    "The mayor", "The minister", "The governor", "The senator", "The opposition leader",
    "The prime minister", "The president", "A government spokesperson", "The central bank",
    "The health secretary", "The union leader", "The chief executive",
]  # fmt: skip
TOPICS = [
    "unemployment", "inflation", "crime", "rents", "house prices", "wages", "immigration",
    "emissions", "hospital waiting times", "school funding", "the deficit", "energy bills",
    "tax revenue", "child poverty", "road deaths", "exports", "public debt", "bus fares",
]  # fmt: skip
MOVES = ["rose", "fell", "doubled", "halved", "increased", "dropped", "grew", "shrank"]
RARE = ["broadband", "fisheries", "tourism", "vaccination", "steelworks", "libraries"]
VERY_RARE = ["wombat", "lighthouse", "glacier"]
SPEAKER_FIRST = ["Jane", "John", "Maria", "Ahmed", "Olga", "Pierre", "Lena", "Tom", "Ana", "Raj"]
SPEAKER_LAST = [
    "Doe", "Smith", "Garcia", "Khan", "Ivanova", "Martin", "Berg", "Jones", "Silva", "Patel",
    "Novak", "Rossi", "Kim", "Nowak", "Dubois", "Meyer", "Costa", "Hansen", "Lopez", "Wright",
]  # fmt: skip
CLAIM_TYPES = ["quantity", "quote", "prediction", "comparison", "event", "statement"]


def _array(values: list[str]) -> str:
    return "ARRAY[" + ",".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def recreate_database() -> None:
    import psycopg

    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as db:
        db.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")
        db.execute(f"CREATE DATABASE {BENCH_DATABASE}")


def step(name: str, started: list[float]) -> None:
    now = time.monotonic()
    print(f"{name}: {now - started[0]:.1f} s", flush=True)
    started[0] = now


def seed(claims: int, queue: int) -> None:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection, transaction

    from reviews.priority import review_priority
    from reviews.services.queue import demo_accounts_ensure

    started = [time.monotonic()]
    call_command("migrate", verbosity=0)
    demo_accounts_ensure(password="bench")
    user_model = get_user_model()
    for n in range(USERS):
        user_model.objects.get_or_create(username=f"bench{n}", defaults={"is_staff": True})
    user_ids = list(user_model.objects.values_list("pk", flat=True))
    step("migrate", started)

    articles = -(-claims // CLAIMS_PER_ARTICLE)
    # One transaction: claims name clusters that are inserted after them.
    with transaction.atomic(), connection.cursor() as cur:
        cur.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) "
            "AND indexname NOT IN (SELECT conname FROM pg_constraint)",
            [BIG_TABLES],
        )
        secondary = cur.fetchall()
        for name, _ in secondary:
            cur.execute(f'DROP INDEX "{name}"')
        cur.execute("SET synchronous_commit = off")
        cur.execute(
            "INSERT INTO claims_publisher (name, domain, homepage, created_at) "
            "SELECT 'Publisher ' || i, 'publisher' || i || '.example', '', now() "
            "FROM generate_series(1, %s) i",
            [PUBLISHERS],
        )
        cur.execute(
            "INSERT INTO claims_feed (url, title, enabled, interval_seconds, etag, "
            "last_modified, last_result, last_error, last_entry_count, created_at, publisher_id) "
            "SELECT 'https://publisher' || (1 + i %% %s) || '.example/feed' || i, 'Feed ' || i, "
            "true, 900, '', '', 'ok', '', 0, now(), "
            "(SELECT min(id) FROM claims_publisher) + i %% %s FROM generate_series(1, %s) i",
            [PUBLISHERS, PUBLISHERS, FEEDS],
        )
        # Articles spread over the last 60 days, newest last.
        cur.execute(
            "INSERT INTO claims_article (url, canonical_url, source, raw, raw_format, raw_hash, "
            "raw_size, given_title, title, byline, published_at, language, site_name, "
            "clean_text, content_hash, skip_reason, version, status, error, attempts, "
            "pipeline_version, received_at, extracted_at, feed_id, publisher_id, raw_charset, "
            "client_error) "
            "SELECT 'https://news.example/a/' || i, 'https://news.example/a/' || i, 'feed', "
            "'', 'html', md5(i::text) || md5((-i)::text), 0, '', 'Article ' || i, '', "
            "now() - make_interval(secs => (%(n)s - i) * 5184000.0 / %(n)s), 'en', '', "
            "'The article text.', md5(i::text), '', 1, 'extracted', '', 1, 'bench', "
            "now() - make_interval(secs => (%(n)s - i) * 5184000.0 / %(n)s), now(), "
            "(SELECT min(id) FROM claims_feed) + i %% %(feeds)s, "
            "(SELECT min(id) FROM claims_publisher) + i %% %(publishers)s, '', '' "
            "FROM generate_series(1, %(n)s) i",
            {"n": articles, "feeds": FEEDS, "publishers": PUBLISHERS},
        )
        step(f"{articles} articles", started)
        # The claim text cycles through the word lists at coprime strides, so combinations
        # vary; `score` is spread over the queue threshold's range 0.5-1.
        cur.execute(
            f"""
            INSERT INTO claims_claim (id, text, start, "end", context, score,
                speaker, attribution, claim_type, reasons, model_version, created_at, article_id,
                standalone, claimant, claimant_kind)
            SELECT
                i,
                s.subject || ' said ' || t.topic || ' ' || m.move || ' by ' || (i %% 97)
                    || ' percent in ' || (2000 + i %% 25)
                    || CASE WHEN i %% 50 = 0 THEN ', mostly ' || ({_array(RARE)})[1 + (i / 50) %% {len(RARE)}] ELSE '' END
                    || CASE WHEN i %% 5000 = 7 THEN ', like a ' || ({_array(VERY_RARE)})[1 + (i / 5000) %% {len(VERY_RARE)}] ELSE '' END
                    || '.',
                ((i - 1) %% {CLAIMS_PER_ARTICLE}) * 100, ((i - 1) %% {CLAIMS_PER_ARTICLE}) * 100 + 60,
                '', 0.5 + (i::bigint * 7919 %% 1000) / 2000.0,
                ({_array(SPEAKER_FIRST)})[1 + i %% {len(SPEAKER_FIRST)}] || ' '
                    || ({_array(SPEAKER_LAST)})[1 + (i / 7) %% {len(SPEAKER_LAST)}],
                'said', ({_array(CLAIM_TYPES)})[1 + (i * 13) %% {len(CLAIM_TYPES)}],
                '[]'::jsonb, 'bench', now(),
                (SELECT min(id) FROM claims_article) + (i - 1) / {CLAIMS_PER_ARTICLE},
                '', '', ''
            FROM generate_series(1, %(claims)s) i,
                LATERAL (SELECT ({_array(SUBJECTS)})[1 + i %% {len(SUBJECTS)}] AS subject) s,
                LATERAL (SELECT ({_array(TOPICS)})[1 + (i / 3) %% {len(TOPICS)}] AS topic) t,
                LATERAL (SELECT ({_array(MOVES)})[1 + (i / 11) %% {len(MOVES)}] AS move) m
            """,  # noqa: E501
            {"claims": claims, "queue": queue},
        )
        step(f"{claims} claims", started)
        # Clusters: the first `queue` claims are canonical; every other claim repeats one of
        # them, skewed towards the first (cubed uniform), like a few stories spreading widely.
        # Places name their cluster on insert (the foreign key is checked at commit).
        cur.execute(
            "INSERT INTO reviews_clustermember (claim_id, cluster_id, matched_at, created_at) "
            "SELECT i, CASE WHEN i <= %(queue)s THEN i "
            "ELSE 1 + floor(%(queue)s * power(random(), 3))::bigint END, now(), now() "
            "FROM generate_series(1, %(claims)s) i",
            {"claims": claims, "queue": queue},
        )
        cur.execute(
            "INSERT INTO reviews_cluster (id, appearance_count, first_seen_at, last_seen_at, "
            "created_at, canonical_id) "
            "SELECT m.cluster_id, count(*), min(a.received_at), max(a.received_at), now(), "
            "m.cluster_id FROM reviews_clustermember m "
            "JOIN claims_claim c ON c.id = m.claim_id "
            "JOIN claims_article a ON a.id = c.article_id GROUP BY m.cluster_id"
        )
        for table in ("claims_claim", "reviews_cluster"):
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
        step(f"{queue} clusters", started)
        cur.execute(
            "SELECT k.id, c.id, c.score, k.appearance_count, k.last_seen_at, c.speaker, "
            "c.claim_type, a.publisher_id, a.feed_id FROM reviews_cluster k "
            "JOIN claims_claim c ON c.id = k.canonical_id "
            "JOIN claims_article a ON a.id = c.article_id ORDER BY k.id"
        )
        rows = cur.fetchall()
    now = datetime.now(UTC)
    with (
        connection.cursor() as cur,
        cur.connection.cursor().copy(
            "COPY reviews_reviewitem (status, priority, created_at, updated_at, claim_id, "
            "assigned_at, assigned_to_id, rejection_note, rejection_reason, speaker, claim_type, "
            "score, publisher_id, feed_id, last_seen_at, due_on) FROM STDIN"
        ) as copy,
    ):
        reasons = ["not_checkworthy", "duplicate", "out_of_scope", "opinion"]
        for n, row in enumerate(rows):
            _, claim_id, score, appearances, last_seen, speaker, kind, publisher, feed = row
            priority = review_priority(score=score, appearances=appearances, last_seen=last_seen)
            # 85 % pending, the rest spread over the other states.
            bucket = n % 100
            status, assignee, reason = "pending", None, ""
            if bucket < 5:
                status, assignee = "in_review", user_ids[n % len(user_ids)]
            elif bucket < 8:
                status, assignee = "awaiting_approval", user_ids[n % len(user_ids)]
            elif bucket < 11:
                status = "published"
            elif bucket < 15:
                status, reason = "rejected", reasons[n % len(reasons)]
            # One open claim in 50 has a due date, a week either side of today.
            due = (now + timedelta(days=n % 15 - 7)).date() if n % 50 == 0 and bucket >= 8 else None
            # The filter fields as `review_items_create` copies them from the claim.
            copy.write_row(
                (status, priority, now, now, claim_id, now if assignee else None, assignee, "",
                 reason, speaker, kind, score, publisher, feed, last_seen, due)
            )  # fmt: skip
    step(f"{len(rows)} review items", started)
    with connection.cursor() as cur:
        # The published claims' verdicts, first published over the last 60 days, each some
        # hours after its claim was queued: the start page counts and takes a median of them.
        cur.execute(
            "UPDATE reviews_reviewitem SET created_at = now() - make_interval("
            "secs => (id % 5184000) + 3600 * (1 + id % 48)) WHERE status = 'published'"
        )
        verdict_columns = (
            "INSERT INTO reviews_verdict (review_item_id, version, rating, rating_name, "
            "rating_value, rating_best, rating_worst, explanation, summary, claim_reviewed, "
            "claimant, claimant_kind, author_id, approved_by_id, approved_at, published_at, "
            "editor_note, correction_note, created_at) "
        )
        # What was claimed and by whom as the verdict publishes it: the sentence, its speaker.
        claimant = (
            "c.text, c.speaker, CASE WHEN c.speaker = '' THEN 'unattributed' ELSE 'person' END"
        )
        cur.execute(
            verdict_columns + "SELECT r.id, 1, 'false', 'False', 1, 5, 1, "
            f"'The figure is wrong.', '', {claimant}, %s, %s, "
            "r.created_at + make_interval(secs => 3600 * (1 + r.id %% 48)), "
            "r.created_at + make_interval(secs => 3600 * (1 + r.id %% 48)), '', '', r.created_at "
            "FROM reviews_reviewitem r JOIN claims_claim c ON c.id = r.claim_id "
            "WHERE r.status = 'published'",
            [user_ids[0], user_ids[1]],
        )
        step(f"{cur.rowcount} published verdicts", started)
        # The drafts of the claims in review and awaiting approval (the claim workspace's),
        # each citing two sources: one archived, one whose archiving failed.
        cur.execute(
            verdict_columns + "SELECT r.id, 1, 'false', 'False', 1, 5, 1, "
            f"'The figure is wrong.', 'The statistics say otherwise.', {claimant}, "
            "r.assigned_to_id, NULL, NULL, NULL, '', '', now() "
            "FROM reviews_reviewitem r JOIN claims_claim c ON c.id = r.claim_id "
            "WHERE r.status IN ('in_review', 'awaiting_approval')"
        )
        step(f"{cur.rowcount} draft verdicts", started)
        cur.execute(
            "INSERT INTO reviews_evidencesource (verdict_id, url, title, publisher, stance, "
            "quote, archived_text, archived_hash, archived_at, fetch_error, archive_attempts, "
            "created_at) SELECT v.id, 'https://stats.example/report/' || v.id || '/' || n, "
            "'Report ' || n, 'Statistics Office', 'refutes', 'The figures say otherwise.', "
            "CASE WHEN n = 1 THEN 'The archived report.' ELSE '' END, "
            "CASE WHEN n = 1 THEN md5(v.id::text) || md5(n::text) ELSE '' END, "
            "CASE WHEN n = 1 THEN now() END, "
            "CASE WHEN n = 2 THEN 'HTTP 404 fetching https://stats.example/' ELSE '' END, "
            "1, now() FROM reviews_verdict v, generate_series(1, 2) n"
        )
        step(f"{cur.rowcount} evidence sources", started)
        # One open cluster in ten is suggested three published fact-checks of this desk.
        cur.execute(
            "WITH published AS (SELECT id, row_number() OVER (ORDER BY id) AS k, "
            "count(*) OVER () AS total FROM reviews_reviewitem WHERE status = 'published') "
            "INSERT INTO reviews_factchecksuggestion (cluster_id, review_item_id, score, "
            "conflict, status, created_at) "
            "SELECT m.cluster_id, p.id, 0.9 - n * 0.05, '', 'suggested', now() "
            "FROM reviews_reviewitem r JOIN reviews_clustermember m ON m.claim_id = r.claim_id, "
            "generate_series(1, 3) n, published p "
            "WHERE r.status IN ('pending', 'in_review', 'awaiting_approval') AND r.id % 10 = 0 "
            "AND p.k = 1 + (r.id * 7 + n) % p.total"
        )
        step(f"{cur.rowcount} fact-check suggestions", started)
    with connection.cursor() as cur:
        for _, definition in secondary:
            cur.execute(definition)
        step(f"{len(secondary)} secondary indexes rebuilt", started)
        for table in [*BIG_TABLES, "claims_publisher", "claims_feed"]:
            cur.execute(f"VACUUM ANALYZE {table}")
        step("vacuum analyze", started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--queue", type=int, default=100_000)
    args = parser.parse_args()
    if not 0 < args.queue <= args.claims:
        parser.error("--queue must be between 1 and --claims")
    total = time.monotonic()
    recreate_database()
    seed(args.claims, args.queue)
    print(f"seeded {BENCH_DATABASE} in {time.monotonic() - total:.0f} s")


if __name__ == "__main__":
    main()
