"""Matching on real processes: a worker SIGKILLed mid-batch, a batch delivered twice, and two
repeats of one claim matched at the same moment in two processes, on PostgreSQL with pgvector,
Redis and Celery workers."""

from __future__ import annotations

import pytest

from tests.faults.conftest import Process, Stack, wait_for

pytestmark = pytest.mark.faults


def _wordings(stack: Stack, ids: list[int]) -> int:
    ((count,),) = stack.sql(
        "SELECT count(DISTINCT text) FROM claims_claim WHERE article_id = ANY(%s)", ids
    )
    return int(count)


def _placed(stack: Stack, ids: list[int]) -> int:
    return sum(placed for _, placed in stack.places(ids).values())


def _received(worker: Process) -> int:
    """Matching tasks the worker has taken off Redis, as its log says."""
    lines = worker.log_path.read_text(errors="replace").splitlines()
    return sum("reviews.tasks.claims_match[" in line and "] received" in line for line in lines)


def _all_placed(stack: Stack, ids: list[int], claims: int) -> bool:
    places = stack.places(ids)
    return len(places) == claims and all(placed for _, placed in places.values())


def test_a_matching_worker_killed_mid_batch_loses_nothing_and_places_each_claim_once(
    stack: Stack,
) -> None:
    # Two copies of one long report: the second copy's 240 claims each join the first's.
    extractor = stack.worker(concurrency=1, queues="extraction")
    ids = stack.stored("copies", "--tag", "killmatch", "--count", "2", "--sentences", "240")
    wait_for(lambda: stack.all_extracted(ids), 120, "extraction", extractor)
    extractor.stop()
    claims = len(stack.places(ids))
    assert claims > 400

    matcher = stack.worker(concurrency=1, queues="matching")

    def some_placed() -> bool:
        return any(placed for _, placed in stack.places(ids).values())

    wait_for(some_placed, 120, "the first batch placed", matcher)
    matcher.kill()
    placed_before = _placed(stack, ids)
    assert placed_before < claims  # killed with batches left, one of them under way
    stack.desk_consistent()  # what the killed transaction did is gone whole

    held = stack.unacked()  # the batch under way, and any the killed worker had taken
    assert held >= 1
    sent = stack.tasks_pending()  # those, and the batches still waiting in the queue

    again = stack.worker(concurrency=1, queues="matching")
    # Redis hands the unacknowledged batches out again after the visibility timeout (16 s).
    stack.tasks_run(240, again)
    assert _received(again) >= sent
    # A message Redis had popped for the killed worker before the worker recorded it as
    # unacknowledged is gone from Redis: the sweep beat sends re-sends its claims.
    stack.sweep(matching=True)
    wait_for(lambda: _all_placed(stack, ids, claims), 120, "the sweep", again)
    stack.desk_consistent()
    clusters = {cluster for cluster, _ in stack.places(ids).values()}
    # Each claim of the second copy joined its twin in the first: one cluster per wording.
    assert len(clusters) == _wordings(stack, ids) < claims


def test_a_batch_delivered_twice_changes_nothing_the_second_time(stack: Stack) -> None:
    extractor = stack.worker(concurrency=1, queues="extraction")
    ids = stack.stored("copies", "--tag", "twice", "--count", "2", "--sentences", "12")
    wait_for(lambda: stack.all_extracted(ids), 60, "extraction", extractor)
    extractor.stop()
    claim_ids = sorted(stack.places(ids))
    # The same batch three times over, besides the tasks extraction sent: two processes.
    stack.driver("match", "--times", "3", *map(str, claim_ids))
    matcher = stack.worker(concurrency=2, queues="matching")
    wait_for(lambda: _all_placed(stack, ids, len(claim_ids)), 120, "matching", matcher)
    stack.tasks_run(60, matcher)  # the duplicate deliveries too
    places = stack.places(ids)

    stack.driver("match", *map(str, claim_ids))
    stack.tasks_run(60, matcher)

    assert stack.places(ids) == places
    stack.desk_consistent()
    ((joins,),) = stack.sql("SELECT count(*) FROM reviews_clusterevent WHERE kind = 'join'")
    assert joins == len(claim_ids) - _wordings(stack, ids) > 0  # each shared claim once


def test_two_repeats_matched_at_the_same_moment_in_two_processes_end_in_one_cluster(
    stack: Stack,
) -> None:
    extractor = stack.worker(concurrency=1, queues="extraction")
    pairs = 12
    ids = stack.stored("pairs", "--count", str(pairs))
    wait_for(lambda: stack.all_extracted(ids), 60, "extraction", extractor)
    extractor.stop()
    places = stack.places(ids)
    assert len(places) == 2 * pairs
    # Each article's claim waits in its own task; two processes take them two at a time,
    # the two claims of a pair side by side (no task gathers the others' claims).
    stack.env["FACTCHECK_MATCH_GATHER"] = "false"
    matcher = stack.worker(concurrency=2, queues="matching")
    wait_for(lambda: _all_placed(stack, ids, 2 * pairs), 120, "matching", matcher)

    by_article = dict(
        stack.sql("SELECT article_id, id FROM claims_claim WHERE article_id = ANY(%s)", ids)
    )
    clusters = stack.places(ids)
    for first, again in zip(ids[0::2], ids[1::2], strict=True):
        assert clusters[by_article[first]][0] == clusters[by_article[again]][0]
    assert len({cluster for cluster, _ in clusters.values()}) == pairs
    stack.desk_consistent()
