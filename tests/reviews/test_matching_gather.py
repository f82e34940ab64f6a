"""A matching task places the claims still waiting for other tasks with its own, leaves those
another batch holds to it, and places its own claims alone when the gathered batch fails."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import timedelta

import psycopg
import pytest
from django.db import connection
from django.utils import timezone

from claims.models import Claim
from reviews import tasks
from reviews.models import ClusterMember
from reviews.services import matching
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
        # Its own claims first, then the longest waiting; the held one is not taken.
        assert batch == [other.pk, first.pk]
        assert _marked(other_session, first) and _marked(other_session, other)

    assert not _marked(other_session, first) and not _marked(other_session, other)
    other_session.execute("SELECT pg_advisory_unlock(%s, %s)", [GATHER_LOCKS, again.pk])


def test_a_batch_gathers_up_to_the_batch_size_and_not_at_all_when_switched_off(
    settings,  # type: ignore[no-untyped-def]
) -> None:
    first, again, other = _queued(PLEDGE), _queued(PLEDGE_AGAIN), _queued(OTHER)
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
    assert again.pk not in batch


def test_a_claim_waiting_longer_than_the_sweep_allows_is_left_to_it() -> None:
    stuck, fresh, own = _queued(PLEDGE), _queued(PLEDGE_AGAIN), _queued(OTHER)
    ClusterMember.objects.filter(claim=stuck).update(
        created_at=timezone.now() - timedelta(seconds=GATHER_WITHIN_SECONDS + 60)
    )
    with claims_gathered(claim_ids=[own.pk]) as batch:
        assert batch == [own.pk, fresh.pk]


def test_a_gathered_claim_that_fails_the_batch_fails_only_its_own_task(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    poison, own = _queued(OTHER), _queued(PLEDGE)
    place = matching.claims_match

    def failing(*, claim_ids: Sequence[int]) -> matching.MatchReport:
        if poison.pk in claim_ids:
            raise ValueError("a claim the rescoring cannot read")
        return place(claim_ids=claim_ids)

    monkeypatch.setattr(matching, "claims_match", failing)

    assert tasks.claims_match([own.pk]) == 1
    assert _placed([own, poison]) == [True, False]
    with pytest.raises(ValueError):
        tasks.claims_match([poison.pk])
