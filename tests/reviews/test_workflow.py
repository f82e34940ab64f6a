"""Every move the workflow allows is possible; every other one is refused."""

from __future__ import annotations

import itertools

import pytest

from reviews import workflow
from reviews.workflow import TransitionError

STATES = [
    workflow.PENDING,
    workflow.IN_REVIEW,
    workflow.AWAITING_APPROVAL,
    workflow.PUBLISHED,
    workflow.REJECTED,
    workflow.CORRECTED,
]
ALLOWED = {
    (workflow.PENDING, workflow.IN_REVIEW),
    (workflow.PENDING, workflow.REJECTED),
    (workflow.IN_REVIEW, workflow.PENDING),
    (workflow.IN_REVIEW, workflow.AWAITING_APPROVAL),
    (workflow.IN_REVIEW, workflow.REJECTED),
    (workflow.AWAITING_APPROVAL, workflow.IN_REVIEW),
    (workflow.AWAITING_APPROVAL, workflow.PUBLISHED),
    (workflow.AWAITING_APPROVAL, workflow.REJECTED),
    (workflow.PUBLISHED, workflow.CORRECTED),
    (workflow.CORRECTED, workflow.CORRECTED),
    (workflow.REJECTED, workflow.PENDING),
}


@pytest.mark.parametrize(("current", "target"), sorted(ALLOWED))
def test_an_allowed_move_passes(current: str, target: str) -> None:
    workflow.check_transition(current, target)


@pytest.mark.parametrize(
    ("current", "target"),
    sorted(set(itertools.product(STATES, STATES)) - ALLOWED),
)
def test_any_other_move_is_refused(current: str, target: str) -> None:
    # Named as reviewers read them: "in review", not "in_review".
    named = {state: state.replace("_", " ") for state in (current, target)}
    with pytest.raises(TransitionError, match=f"from {named[current]} to {named[target]}"):
        workflow.check_transition(current, target)


def test_nothing_is_published_without_passing_approval() -> None:
    assert workflow.sources_of(workflow.PUBLISHED) == {workflow.AWAITING_APPROVAL}
