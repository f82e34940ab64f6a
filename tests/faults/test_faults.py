"""Faults the stack must survive, on real processes: Redis stopped, PostgreSQL restarted, a
worker SIGKILLed mid-extraction, the web answering during a database outage."""

from __future__ import annotations

import time

import pytest

from tests.faults.conftest import Stack, http_get, wait_for

pytestmark = pytest.mark.faults


def test_articles_sent_while_redis_is_down_are_stored_and_processed_once_it_is_back(
    stack: Stack,
) -> None:
    worker = stack.worker()
    stack.redis.stop()

    started = time.monotonic()
    ids = stack.submit(tag="brokerdown", count=5)
    assert time.monotonic() - started < 30  # refused quickly, not hanging on the broker

    assert set(stack.statuses(ids).values()) == {"received"}
    stack.redis.start()  # empty: every message sent meanwhile is gone
    # The worker reconnects on its own; the sweep (beat sends it every few minutes) finds
    # the articles still `received` and enqueues them again.
    time.sleep(1.5)
    stack.sweep()
    wait_for(lambda: stack.all_extracted(ids), 90, "extraction after Redis returned", worker)
    per_article = stack.claims_per_article(ids)
    assert len(per_article) == 5
    assert all(total == distinct > 0 for total, distinct in per_article.values())
    assert worker.process.poll() is None


def test_a_worker_keeps_working_after_postgresql_restarts_under_it(stack: Stack) -> None:
    worker = stack.worker()
    before = stack.submit(tag="beforerestart", count=4)
    wait_for(lambda: stack.all_extracted(before), 60, "extraction before the restart", worker)

    # Both pool processes now hold a connection that the restart kills.
    stack.postgres.stop("fast")
    stack.postgres.start()

    after = stack.submit(tag="afterrestart", count=4)
    wait_for(lambda: stack.all_extracted(after), 60, "extraction after the restart", worker)
    assert worker.process.poll() is None
    assert all(
        total == distinct > 0 for total, distinct in stack.claims_per_article(after).values()
    )


def test_an_article_whose_worker_is_killed_mid_extraction_is_extracted_once_by_another(
    stack: Stack,
) -> None:
    # About 2,000 claims: seconds of work even on a fast idle machine, so the kill lands in
    # the middle of it (600 were done within the half second below when nothing else ran).
    # Stored before the worker starts: on a loaded machine a worker already running could
    # finish the extraction while the storing process is still exiting.
    (article_id,) = stack.submit(tag="killed", count=1, sentences=2000)
    first = stack.worker(concurrency=1)

    def extracting() -> bool:
        rows = stack.sql("SELECT status, attempts FROM claims_article WHERE id = %s", article_id)
        return rows == [("received", 1)]

    wait_for(extracting, 60, "the extraction to start", first)
    time.sleep(0.2)
    first.kill()
    assert stack.statuses([article_id]) == {article_id: "received"}
    assert stack.claims_per_article([article_id]) == {}  # the killed transaction left nothing

    second = stack.worker(concurrency=1)
    # Redis hands the unacknowledged message out again after the visibility timeout.
    wait_for(lambda: stack.all_extracted([article_id]), 120, "redelivery", second)
    ((attempts,),) = stack.sql("SELECT attempts FROM claims_article WHERE id = %s", article_id)
    assert attempts == 2
    ((total, distinct),) = stack.claims_per_article([article_id]).values()
    assert total == distinct == 2000
    ((queued,),) = stack.sql(
        "SELECT count(*) FROM reviews_reviewitem r JOIN claims_claim c ON c.id = r.claim_id "
        "WHERE c.article_id = %s",
        article_id,
    )
    assert queued == total


def test_the_web_answers_503_while_postgresql_is_down_and_recovers_by_itself(
    stack: Stack,
) -> None:
    web, base = stack.web()
    # The admin looks the session up in the database on every request.
    session = {"Cookie": "sessionid=not-a-session"}
    assert http_get(base + "/admin/", session)[0] == 302

    stack.postgres.stop("fast")
    try:
        started = time.monotonic()
        status, body = http_get(base + "/admin/", session)
        assert status == 503, body
        assert time.monotonic() - started < 10  # fails fast, no hang
        assert "database is unavailable" in body and "Traceback" not in body
        status, body = http_get(base + "/admin/", {**session, "Accept": "application/json"})
        assert status == 503 and '"detail"' in body
        assert http_get(base + "/healthz")[0] == 200
        status, body = http_get(base + "/readyz")
        assert status == 503 and '"database"' in body
    finally:
        stack.postgres.start()

    wait_for(lambda: http_get(base + "/admin/", session)[0] == 302, 30, "recovery", web)
    assert web.process.poll() is None
