"""The queue's order: check-worthiness, spread, and a recency bonus that fades but never buries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from reviews.priority import priority_reasons, recency, review_priority

NOW = datetime(2026, 11, 3, 12, tzinfo=UTC)


def _priority(score: float, *, appearances: int = 1, seen: datetime = NOW) -> float:
    return review_priority(score=score, appearances=appearances, last_seen=seen, now=NOW)


def test_a_more_check_worthy_claim_ranks_higher() -> None:
    assert _priority(0.9) > _priority(0.6)


def test_a_claim_repeated_by_many_articles_ranks_higher() -> None:
    assert _priority(0.6, appearances=8) > _priority(0.9)


def test_a_claim_seen_now_outranks_one_seen_two_days_ago_however_worthy() -> None:
    assert _priority(0.5) > _priority(1.0, seen=NOW - timedelta(hours=49))


def test_an_hour_of_recency_does_not_outweigh_a_big_score_gap() -> None:
    assert _priority(0.6) < _priority(0.95, seen=NOW - timedelta(hours=1))


def test_an_old_articles_claim_is_ranked_on_its_merits_not_buried() -> None:
    # The article is ten years old: no recency bonus, but no penalty either. It ranks above a
    # weaker claim seen three days ago and at most the bonus below a brand-new one.
    old = _priority(0.95, seen=NOW - timedelta(days=3650))
    assert old > _priority(0.6, seen=NOW - timedelta(days=3))
    assert _priority(0.95) - old == 1.0
    assert 0.95 <= old <= 2.0


def test_the_bonus_fades_to_nothing_over_the_window_and_a_future_date_counts_as_now() -> None:
    assert recency(NOW, now=NOW) == 1.0
    assert recency(NOW - timedelta(hours=24), now=NOW) == 0.5
    assert recency(NOW - timedelta(hours=48), now=NOW) == 0.0
    assert recency(NOW + timedelta(days=30), now=NOW) == 1.0


def test_the_priority_reads_as_its_reasons() -> None:
    reasons = priority_reasons(
        score=0.9,
        appearances=12,
        first_seen=NOW - timedelta(hours=3),
        last_seen=NOW - timedelta(hours=1),
        now=NOW,
    )
    assert reasons == ["repeated in 12 articles", "new today", "high check-worthiness"]
    older = priority_reasons(
        score=0.5, appearances=1, first_seen=NOW - timedelta(days=9), last_seen=None, now=NOW
    )
    assert older == ["low check-worthiness"]
