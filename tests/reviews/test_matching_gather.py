"""A matching task places the claims still waiting for other tasks with its own, leaves those
another batch holds to it, and places its own claims alone when the gathered batch fails."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Sequence
from datetime import timedelta

import psycopg
import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.db import connection
from django.utils import timezone

from claims.models import Claim
from reviews import tasks
from reviews.models import ClusterMember
from reviews.services import matching
from reviews.services.clusters import claims_match_enqueue
from reviews.services.matching import GATHER_LOCKS, GATHER_WITHIN_SECONDS, claims_gathered
from tests.reviews.test_matching import PLEDGE, PLEDGE_AGAIN, _queued, cluster_of

pytestmark = pytest.mark.django_db

OTHER = "The county's unemployment rate fell to 3 percent last year, the labour office said."


@pytest.fixture(autouse=True)
def lexical(settings) -> None:  # type: ignore[no-untyped-def]
    settings.FACTCHECK_MATCH_SEMANTIC = "off"
    settings.FACTCHECK_MATCH_GATHER = True


@pytest.fixture
def other_session() -> Iterator[psycopg.Connection]:
    """A second session on the test database, as another worker process holds one."""
    params = connection.get_connection_params()
    with psycopg.connect(
        dbname=params["dbname"],
        user=params.get("user"),
        host=params.get("host"),
        port=params.get("port"),
        autocommit=True,
    ) as session:
        yield session


def _marked(session: psycopg.Connection, claim: Claim) -> bool:
    """Whether some session holds the claim's mark (tried, and released at once if free)."""
    key = [GATHER_LOCKS, claim.pk % 2**31]
    (free,) = session.execute("SELECT pg_try_advisory_lock(%s, %s)", key).fetchone()  # type: ignore[misc]
    if free:
        session.execute("SELECT pg_advisory_unlock(%s, %s)", key)
    return not free


def _placed(claims: Sequence[Claim]) -> list[bool]:
    return [ClusterMember.objects.get(claim=claim).matched_at is not None for claim in claims]


def test_a_task_places_the_claims_waiting_for_other_tasks_with_its_own() -> None:
    first, again, other = _queued(PLEDGE, days_ago=3), _queued(PLEDGE_AGAIN), _queued(OTHER)

    assert tasks.claims_match([again.pk]) == 3

    assert _placed([first, again, other]) == [True, True, True]
    assert cluster_of(again) == cluster_of(first) != cluster_of(other)
    # Their own tasks, delivered next, find nothing left to do.
    assert tasks.claims_match([first.pk]) == 0 and tasks.claims_match([other.pk]) == 0


def test_claims_another_batch_holds_are_left_to_it_and_marks_end_with_the_batch(
    other_session: psycopg.Connection,
) -> None:
    first, again, other = _queued(PLEDGE), _queued(PLEDGE_AGAIN), _queued(OTHER)
    other_session.execute("SELECT pg_advisory_lock(%s, %s)", [GATHER_LOCKS, again.pk])

    with claims_gathered(claim_ids=[other.pk]) as batch:
        # Its own claims first, then the longest waiting; the held one is not gathered.
        assert batch == [other.pk, first.pk]
        assert _marked(other_session, first)

    assert not _marked(other_session, first)
    # A task's own claims are placed by it whoever holds their mark: a batch that gathered
    # them may die without placing them, and this task's message is then acknowledged.
    with claims_gathered(claim_ids=[again.pk]) as batch:
        assert batch == [again.pk, first.pk, other.pk]
    other_session.execute("SELECT pg_advisory_unlock(%s, %s)", [GATHER_LOCKS, again.pk])


def test_a_batch_gathers_up_to_the_batch_size_and_not_at_all_when_switched_off(
    settings,  # type: ignore[no-untyped-def]
) -> None:
    first, _, other = _queued(PLEDGE), _queued(PLEDGE_AGAIN), _queued(OTHER)
    settings.FACTCHECK_MATCH_BATCH_SIZE = 2
    with claims_gathered(claim_ids=[other.pk]) as batch:
        assert batch == [other.pk, first.pk]
    # A claim already placed is nobody's to place again.
    ClusterMember.objects.filter(claim=first).update(matched_at="2026-01-01T00:00:00Z")
    with claims_gathered(claim_ids=[first.pk, other.pk]) as batch:
        assert batch == [other.pk]

    settings.FACTCHECK_MATCH_GATHER = False
    with claims_gathered(claim_ids=[other.pk]) as batch:
        assert batch == [other.pk]


def test_a_claim_waiting_longer_than_the_sweep_allows_is_left_to_it() -> None:
    stuck, fresh, own = _queued(PLEDGE), _queued(PLEDGE_AGAIN), _queued(OTHER)
    ClusterMember.objects.filter(claim=stuck).update(
        created_at=timezone.now() - timedelta(seconds=GATHER_WITHIN_SECONDS + 60)
    )
    with claims_gathered(claim_ids=[own.pk]) as batch:
        assert batch == [own.pk, fresh.pk]


def _worker_runs_what_is_sent(monkeypatch: pytest.MonkeyPatch) -> list[tuple[list[int], dict]]:
    """Messages the task sends are run at once, as a worker runs them (a failure is logged
    and acknowledged, never raised to the sender); what was sent is returned."""
    sent: list[tuple[list[int], dict]] = []

    def worker(args: tuple[list[int]], kwargs: dict) -> None:
        sent.append((list(args[0]), kwargs))
        with contextlib.suppress(ValueError):
            tasks.claims_match(*args, **kwargs)

    monkeypatch.setattr(tasks.claims_match, "apply_async", worker)
    return sent


def test_a_claim_that_fails_its_batch_fails_alone_and_every_other_is_placed(
    monkeypatch: pytest.MonkeyPatch, other_session: psycopg.Connection
) -> None:
    poison, first, again = _queued(OTHER), _queued(PLEDGE), _queued(PLEDGE_AGAIN)
    place = matching.claims_match

    def failing(*, claim_ids: Sequence[int]) -> matching.MatchReport:
        if poison.pk in claim_ids:
            raise ValueError("a claim the rescoring cannot read")
        return place(claim_ids=claim_ids)

    monkeypatch.setattr(matching, "claims_match", failing)
    sent = _worker_runs_what_is_sent(monkeypatch)

    assert tasks.claims_match([again.pk]) == 0

    assert _placed([poison, first, again]) == [False, True, True]
    assert cluster_of(again) == cluster_of(first)
    # Halves without gathering, down to the claim that fails alone.
    assert sorted(ids for ids, _ in sent) == sorted(
        [[poison.pk, first.pk], [again.pk], [poison.pk], [first.pk]]
    )
    assert all(kwargs == {"gather": False} for _, kwargs in sent)
    assert not any(_marked(other_session, claim) for claim in (poison, first, again))
    with pytest.raises(ValueError):
        tasks.claims_match([poison.pk])


# The interrupted session is closed: outside a test transaction.
@pytest.mark.django_db(transaction=True)
def test_a_batch_over_the_time_limit_goes_round_in_halves_without_gathering(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    claims = [_queued(PLEDGE), _queued(PLEDGE_AGAIN), _queued(OTHER)]
    place = matching.claims_match

    def slow(*, claim_ids: Sequence[int]) -> matching.MatchReport:
        if len(claim_ids) == 3:
            raise SoftTimeLimitExceeded()
        return place(claim_ids=claim_ids)

    monkeypatch.setattr(matching, "claims_match", slow)
    sent = _worker_runs_what_is_sent(monkeypatch)

    assert tasks.claims_match([claims[2].pk]) == 0

    assert [len(ids) for ids, _ in sent] == [2, 1]
    assert all(kwargs == {"gather": False} for _, kwargs in sent)
    assert _placed(claims) == [True, True, True]


def test_a_task_is_sent_once_the_claims_are_stored_or_as_long_after_as_configured(
    monkeypatch: pytest.MonkeyPatch,
    settings,  # type: ignore[no-untyped-def]
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    sent: list[tuple[tuple, float | None]] = []
    monkeypatch.setattr(
        tasks.claims_match,
        "apply_async",
        lambda args, countdown=None: sent.append((args, countdown)),
    )
    with django_capture_on_commit_callbacks(execute=True):
        claims_match_enqueue(claim_ids=[7, 8])
        assert sent == []
    settings.FACTCHECK_MATCH_GATHER_SECONDS = 1.5
    with django_capture_on_commit_callbacks(execute=True):
        claims_match_enqueue(claim_ids=[9])
    assert sent == [(([7, 8],), None), (([9],), 1.5)]


def test_the_sweep_sends_again_the_claims_left_unplaced_longer_than_the_requeue_age(
    settings, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks
) -> None:  # type: ignore[no-untyped-def]
    lost, placed, fresh = _queued(PLEDGE), _queued(PLEDGE_AGAIN), _queued(OTHER)
    settings.FACTCHECK_MATCH_REQUEUE_AFTER_SECONDS = 60
    settings.FACTCHECK_MATCH_GATHER = False
    old = timezone.now() - timedelta(seconds=61)
    ClusterMember.objects.filter(claim__in=[lost, placed]).update(created_at=old)
    ClusterMember.objects.filter(claim=placed).update(matched_at=old)
    sent: list[list[int]] = []
    monkeypatch.setattr(
        tasks.claims_match, "apply_async", lambda args, **kwargs: sent.append(list(args[0]))
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.claims_match_pending() == 1
    # Neither the placed claim nor the one still inside the age is sent; `fresh` waits.
    assert sent == [[lost.pk]]
    assert ClusterMember.objects.get(claim=fresh).matched_at is None
