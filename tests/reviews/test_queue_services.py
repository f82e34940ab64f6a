"""Taking, releasing and rejecting claims: one holder at a time, even under races."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from reviews import tasks, workflow
from reviews.models import ReviewItem
from reviews.services import publishing
from reviews.services import queue as services
from reviews.workflow import TransitionError
from tests.api import helpers as h
from tests.concurrency import at_once
from tests.factories import ClaimFactory, ReviewItemFactory, UserFactory


@pytest.mark.django_db
def test_take_next_gives_the_highest_priority_unassigned_claim() -> None:
    low = ReviewItemFactory(claim=ClaimFactory(score=0.6))
    high = ReviewItemFactory(claim=ClaimFactory(score=0.9))
    alice, bob = UserFactory(), UserFactory()

    first = services.review_take_next(user=alice)
    second = services.review_take_next(user=bob)

    assert (first.pk, second.pk) == (high.pk, low.pk)
    assert first.status == workflow.IN_REVIEW and first.assigned_to == alice
    assert services.review_take_next(user=alice) is None


@pytest.mark.django_db
def test_a_held_claim_cannot_be_taken_by_someone_else() -> None:
    item = ReviewItemFactory()
    alice, bob = UserFactory(username="alice"), UserFactory()
    services.review_take(item_id=item.pk, user=alice)

    with pytest.raises(TransitionError, match="held by alice"):
        services.review_take(item_id=item.pk, user=bob)
    with pytest.raises(TransitionError, match="held by alice"):
        services.review_release(item_id=item.pk, user=bob)

    services.review_release(item_id=item.pk, user=alice)
    assert services.review_take(item_id=item.pk, user=bob).assigned_to == bob


@pytest.mark.django_db
def test_a_stale_hold_lapses_and_the_claim_goes_back_to_the_queue() -> None:
    item = ReviewItemFactory()
    alice, bob = UserFactory(), UserFactory()
    services.review_take(item_id=item.pk, user=alice)
    ReviewItem.objects.filter(pk=item.pk).update(assigned_at=timezone.now() - timedelta(hours=2))

    taken = services.review_take_next(user=bob)

    assert taken is not None and taken.pk == item.pk and taken.assigned_to == bob


@pytest.mark.django_db
def test_the_periodic_sweep_releases_lapsed_holds_without_anyone_taking_the_next() -> None:
    lapsed, fresh = ReviewItemFactory(), ReviewItemFactory()
    alice = UserFactory()
    services.review_take(item_id=lapsed.pk, user=alice)
    services.review_take(item_id=fresh.pk, user=alice)
    ReviewItem.objects.filter(pk=lapsed.pk).update(assigned_at=timezone.now() - timedelta(hours=2))
    schedule = PeriodicTask.objects.get(task="reviews.tasks.review_holds_release_stale")

    released = tasks.review_holds_release_stale.apply().get()

    assert schedule.enabled and (schedule.interval.every, schedule.interval.period) == (
        5,
        "minutes",
    )
    assert released == 1
    status = dict(ReviewItem.objects.values_list("pk", "status"))
    assert (status[lapsed.pk], status[fresh.pk]) == (workflow.PENDING, workflow.IN_REVIEW)
    assert ReviewItem.objects.get(pk=lapsed.pk).history.first().history_change_reason == (
        "hold lapsed"
    )


@pytest.mark.django_db
def test_saving_the_draft_or_citing_a_source_keeps_the_hold() -> None:
    from reviews.services import publishing

    drafted, cited = ReviewItemFactory(), ReviewItemFactory()
    alice = UserFactory()
    for item in (drafted, cited):
        services.review_take(item_id=item.pk, user=alice)
    verdict = publishing.verdict_save(
        item_id=cited.pk, user=alice, rating="false", explanation="e", summary="s"
    )
    long_ago = timezone.now() - timedelta(hours=2)
    ReviewItem.objects.update(assigned_at=long_ago)

    publishing.verdict_save(
        item_id=drafted.pk, user=alice, rating="false", explanation="e", summary="s"
    )
    publishing.source_add(
        verdict_id=verdict.pk,
        user=alice,
        url="https://stats.example.org/report",
        title="Report",
        publisher="Stats office",
        stance="refutes",
        quote="",
        archive=False,
    )

    assert tasks.review_holds_release_stale.apply().get() == 0
    assert set(ReviewItem.objects.values_list("status", flat=True)) == {workflow.IN_REVIEW}


@pytest.mark.django_db
def test_rejecting_needs_a_known_reason_and_records_it() -> None:
    item = ReviewItemFactory()
    user = UserFactory()

    with pytest.raises(TransitionError, match="not a rejection reason"):
        services.review_reject(item_id=item.pk, user=user, reason="boring")
    rejected = services.review_reject(
        item_id=item.pk, user=user, reason="opinion", note="a value judgement"
    )

    assert rejected.status == workflow.REJECTED
    assert (rejected.rejection_reason, rejected.rejection_note) == ("opinion", "a value judgement")
    with pytest.raises(TransitionError, match="from rejected to in review"):
        services.review_take(item_id=item.pk, user=user)


@pytest.mark.django_db
def test_a_rejected_claim_reopens_into_the_queue_with_its_rejection_kept_in_history() -> None:
    item = ReviewItemFactory()
    user = UserFactory()
    with pytest.raises(TransitionError, match="claim [0-9]+ is pending, not rejected"):
        services.review_reopen(item_id=item.pk, user=user)
    services.review_reject(item_id=item.pk, user=user, reason="not_checkworthy", note="dull")

    reopened = services.review_reopen(item_id=item.pk, user=user)

    assert reopened.status == workflow.PENDING
    assert (reopened.rejection_reason, reopened.rejection_note) == ("", "")
    assert services.review_take_next(user=UserFactory()).pk == item.pk
    kept = reopened.history.filter(status=workflow.REJECTED).get()
    assert (kept.rejection_reason, kept.rejection_note) == ("not_checkworthy", "dull")


def _race_for(item_id: int, users: list[object]) -> list[str]:
    def take(user: object) -> str:
        try:
            services.review_take(item_id=item_id, user=user)
            return "won"
        except TransitionError:
            return "lost"

    return at_once(take, users)


@pytest.mark.django_db(transaction=True)
def test_two_reviewers_taking_the_same_claim_at_once_only_one_wins() -> None:
    for _ in range(10):
        item = ReviewItemFactory()

        outcomes = _race_for(item.pk, [UserFactory(), UserFactory()])

        assert sorted(outcomes) == ["lost", "won"]


@pytest.mark.django_db(transaction=True)
def test_concurrent_take_next_never_hands_one_claim_to_two_reviewers() -> None:
    items = [ReviewItemFactory() for _ in range(6)]
    users = [UserFactory() for _ in range(6)]

    def take_next(user: object) -> str:
        item = services.review_take_next(user=user)
        return str(item.pk) if item is not None else "none"

    taken = at_once(take_next, users)

    assert sorted(taken) == sorted(str(i.pk) for i in items)


@pytest.mark.django_db
def test_only_an_editor_rejects_a_claim_whose_verdict_awaits_approval() -> None:
    from django.contrib.auth.models import Permission

    from reviews.services import publishing

    author, other, editor = UserFactory(), UserFactory(), UserFactory()
    editor.user_permissions.add(Permission.objects.get(codename="approve_verdict"))
    editor = type(editor).objects.get(pk=editor.pk)
    item = ReviewItemFactory()
    h.draft(item, author)
    publishing.verdict_submit(item_id=item.pk, user=author)

    for reviewer in (author, other):
        with pytest.raises(TransitionError, match="awaits an editor's approval"):
            services.review_reject(item_id=item.pk, user=reviewer, reason="duplicate")
    item.refresh_from_db()
    assert item.status == workflow.AWAITING_APPROVAL

    rejected = services.review_reject(item_id=item.pk, user=editor, reason="duplicate")
    assert rejected.status == workflow.REJECTED


@pytest.mark.django_db
def test_a_claim_that_is_not_in_the_queue_is_refused_in_the_desks_words() -> None:
    with pytest.raises(TransitionError, match="^there is no claim 987654 in the review queue$"):
        services.review_take(item_id=987654, user=UserFactory())
    with pytest.raises(TransitionError, match="^there is no claim 987654 in the review queue$"):
        publishing.verdict_submit(item_id=987654, user=UserFactory())
