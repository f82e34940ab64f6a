"""The publishing path: the gate, four eyes, corrections as new versions, one publication."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.db import IntegrityError
from django.test import override_settings

from reviews import workflow
from reviews.models import ReviewItem, Verdict
from reviews.services import publishing
from reviews.services import queue as services
from reviews.services.publishing import PublishingError
from reviews.workflow import TransitionError
from tests.concurrency import at_once
from tests.factories import ReviewItemFactory, UserFactory


def _editor(**kwargs: object) -> object:
    user = UserFactory(**kwargs)
    user.user_permissions.add(Permission.objects.get(codename="approve_verdict"))
    # A fresh instance: has_perm caches the permissions it saw.
    return type(user).objects.get(pk=user.pk)


def _held_item(reviewer: object) -> ReviewItem:
    item = ReviewItemFactory()
    services.review_take(item_id=item.pk, user=reviewer)
    return item


def _cite(verdict: Verdict, reviewer: object, count: int = 2) -> None:
    for n in range(count):
        publishing.source_add(
            verdict_id=verdict.pk,
            user=reviewer,
            url=f"https://stats.example.org/report-{n}",
            title=f"Labour market report {n}",
            publisher="Statistics Office",
            stance="refutes",
            quote="Unemployment rose by 0.2 points.",
        )


def _submitted_item(reviewer: object) -> ReviewItem:
    item = _held_item(reviewer)
    verdict = publishing.verdict_save(
        item_id=item.pk,
        user=reviewer,
        rating="false",
        explanation="Unemployment rose.",
        summary="The official figures show the opposite.",
    )
    _cite(verdict, reviewer)
    return publishing.verdict_submit(item_id=item.pk, user=reviewer)


@pytest.mark.django_db
def test_only_the_holder_may_save_a_verdict() -> None:
    reviewer, other = UserFactory(username="alice"), UserFactory()
    item = _held_item(reviewer)

    with pytest.raises(PublishingError, match="only the reviewer holding"):
        publishing.verdict_save(
            item_id=item.pk, user=other, rating="false", explanation="x", summary=""
        )
    first = publishing.verdict_save(
        item_id=item.pk, user=reviewer, rating="", explanation="", summary="draft"
    )
    again = publishing.verdict_save(
        item_id=item.pk, user=reviewer, rating="false", explanation="No.", summary="draft 2"
    )

    assert again.pk == first.pk and again.version == 1
    assert Verdict.objects.get(pk=first.pk).summary == "draft 2"


@pytest.mark.django_db
def test_a_pending_claim_has_no_verdict_to_edit() -> None:
    item = ReviewItemFactory()

    with pytest.raises(PublishingError, match="is pending, not in review"):
        publishing.verdict_save(
            item_id=item.pk, user=UserFactory(), rating="false", explanation="x", summary=""
        )


@pytest.mark.django_db
def test_the_gate_refuses_a_verdict_without_rating_explanation_or_enough_sources() -> None:
    reviewer = UserFactory()
    item = _held_item(reviewer)
    verdict = publishing.verdict_save(
        item_id=item.pk, user=reviewer, rating="", explanation=" ", summary=""
    )
    _cite(verdict, reviewer, count=1)

    with pytest.raises(PublishingError) as refused:
        publishing.verdict_submit(item_id=item.pk, user=reviewer)

    assert str(refused.value) == (
        f"claim {item.pk} cannot be submitted: the verdict has no rating; "
        "the verdict has no explanation; the verdict cites 1 source(s); it needs at least 2"
    )
    assert ReviewItem.objects.get(pk=item.pk).status == workflow.IN_REVIEW


@pytest.mark.django_db
@override_settings(FACTCHECK_MIN_SOURCES=3)
def test_the_minimum_number_of_sources_comes_from_settings() -> None:
    reviewer = UserFactory()
    item = _held_item(reviewer)
    verdict = publishing.verdict_save(
        item_id=item.pk, user=reviewer, rating="true", explanation="Yes.", summary=""
    )
    _cite(verdict, reviewer, count=2)

    with pytest.raises(PublishingError, match="cites 2 source\\(s\\); it needs at least 3"):
        publishing.verdict_submit(item_id=item.pk, user=reviewer)
    _cite(verdict, reviewer, count=1)

    assert publishing.verdict_submit(item_id=item.pk, user=reviewer).status == (
        workflow.AWAITING_APPROVAL
    )


@pytest.mark.django_db
def test_a_complete_verdict_goes_to_an_editor() -> None:
    reviewer = UserFactory()

    item = _submitted_item(reviewer)

    assert item.status == workflow.AWAITING_APPROVAL and item.assigned_to == reviewer


@pytest.mark.django_db
def test_an_unknown_rating_or_stance_is_refused() -> None:
    reviewer = UserFactory()
    item = _held_item(reviewer)

    with pytest.raises(PublishingError, match="'pants_on_fire' is not a rating"):
        publishing.verdict_save(
            item_id=item.pk, user=reviewer, rating="pants_on_fire", explanation="", summary=""
        )
    verdict = publishing.verdict_save(
        item_id=item.pk, user=reviewer, rating="false", explanation="", summary=""
    )
    with pytest.raises(PublishingError, match="'agrees' is not a stance"):
        publishing.source_add(
            verdict_id=verdict.pk,
            user=reviewer,
            url="https://example.org/",
            title="",
            publisher="",
            stance="agrees",
            quote="",
        )


@pytest.mark.django_db
def test_the_author_cannot_approve_their_own_verdict_even_as_an_editor() -> None:
    reviewer = _editor()
    item = _submitted_item(reviewer)

    with pytest.raises(PublishingError, match="its author cannot approve it"):
        publishing.verdict_approve(item_id=item.pk, editor=reviewer)

    assert ReviewItem.objects.get(pk=item.pk).status == workflow.AWAITING_APPROVAL


@pytest.mark.django_db
def test_the_database_refuses_a_self_approved_verdict() -> None:
    reviewer = UserFactory()
    item = _submitted_item(reviewer)

    with pytest.raises(IntegrityError, match="verdict_four_eyes"):
        Verdict.objects.filter(review_item=item).update(approved_by=reviewer)


@pytest.mark.django_db
def test_a_user_without_the_approve_permission_cannot_approve() -> None:
    item = _submitted_item(UserFactory())

    with pytest.raises(PublishingError, match="may not approve"):
        publishing.verdict_approve(item_id=item.pk, editor=UserFactory())

    assert ReviewItem.objects.get(pk=item.pk).status == workflow.AWAITING_APPROVAL


@pytest.mark.django_db
def test_another_editor_publishes_the_verdict() -> None:
    reviewer, editor = UserFactory(), _editor()
    item = _submitted_item(reviewer)

    verdict = publishing.verdict_approve(item_id=item.pk, editor=editor)

    assert ReviewItem.objects.get(pk=item.pk).status == workflow.PUBLISHED
    assert (verdict.author, verdict.approved_by) == (reviewer, editor)
    assert verdict.approved_at is not None and verdict.published_at == verdict.approved_at
    # The default scale's False, as it stood at publication.
    assert (verdict.rating_name, verdict.rating_value) == ("False", 1)
    assert (verdict.rating_best, verdict.rating_worst) == (5, 1)


@pytest.mark.django_db
def test_a_sent_back_verdict_returns_to_its_reviewer_with_the_note() -> None:
    reviewer, editor = UserFactory(), _editor()
    item = _submitted_item(reviewer)

    with pytest.raises(PublishingError, match="the note is empty"):
        publishing.verdict_send_back(item_id=item.pk, editor=editor, note="  ")
    back = publishing.verdict_send_back(item_id=item.pk, editor=editor, note="Cite the 2024 data.")

    assert back.status == workflow.IN_REVIEW and back.assigned_to == reviewer
    assert Verdict.objects.get(review_item=item).editor_note == "Cite the 2024 data."
    with pytest.raises(TransitionError, match="from in review to published"):
        publishing.verdict_approve(item_id=item.pk, editor=editor)


def _approve_at_once(item_id: int, editors: list[object]) -> list[str]:
    def approve(editor: object) -> str:
        try:
            publishing.verdict_approve(item_id=item_id, editor=editor)
            return "published"
        except TransitionError:
            return "refused"

    return at_once(approve, editors)


@pytest.mark.django_db(transaction=True)
def test_two_editors_approving_at_once_publish_once() -> None:
    for _ in range(5):
        item = _submitted_item(UserFactory())
        editors = [_editor(), _editor()]

        outcomes = _approve_at_once(item.pk, editors)

        assert sorted(outcomes) == ["published", "refused"]
        verdict = Verdict.objects.get(review_item_id=item.pk)
        assert verdict.approved_by_id in {editor.pk for editor in editors}
        assert ReviewItem.objects.get(pk=item.pk).status == workflow.PUBLISHED
