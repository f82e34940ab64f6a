from __future__ import annotations

from datetime import UTC, datetime, timedelta

from reviews.priority import review_priority

NOON = datetime(2026, 11, 1, 12, tzinfo=UTC)


def test_a_more_check_worthy_claim_ranks_higher() -> None:
    assert review_priority(score=0.9, appearances=1, last_seen=NOON) > review_priority(
        score=0.6, appearances=1, last_seen=NOON
    )


def test_a_claim_repeated_by_many_articles_ranks_higher() -> None:
    assert review_priority(score=0.6, appearances=8, last_seen=NOON) > review_priority(
        score=0.9, appearances=1, last_seen=NOON
    )


def test_a_claim_seen_two_days_later_outranks_an_old_one_however_worthy() -> None:
    later = NOON + timedelta(hours=49)
    assert review_priority(score=0.5, appearances=1, last_seen=later) > review_priority(
        score=1.0, appearances=1, last_seen=NOON
    )


def test_an_hour_of_recency_does_not_outweigh_a_big_score_gap() -> None:
    later = NOON + timedelta(hours=1)
    assert review_priority(score=0.6, appearances=1, last_seen=later) < review_priority(
        score=0.95, appearances=1, last_seen=NOON
    )
