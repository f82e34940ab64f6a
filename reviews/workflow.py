"""The review workflow's states and the moves between them: the one place they are defined.

Services check every change against `TRANSITIONS`, and the database's conditional updates make
the check race-free; admin actions and the API only ever call those services.
"""

from __future__ import annotations

PENDING = "pending"
IN_REVIEW = "in_review"
AWAITING_APPROVAL = "awaiting_approval"
PUBLISHED = "published"
REJECTED = "rejected"
CORRECTED = "corrected"
# A claim whose fact-check is out: published, or published and corrected since.
CHECKED = (PUBLISHED, CORRECTED)

# The work still to do: what the queue's list shows unless asked for another status.
OPEN = (PENDING, IN_REVIEW, AWAITING_APPROVAL)

TRANSITIONS: dict[str, frozenset[str]] = {
    PENDING: frozenset({IN_REVIEW, REJECTED}),
    # Back to pending is a release; awaiting approval is a verdict submitted for a second pair
    # of eyes.
    IN_REVIEW: frozenset({PENDING, AWAITING_APPROVAL, REJECTED}),
    # An editor approves (published) or sends it back to the reviewer.
    AWAITING_APPROVAL: frozenset({IN_REVIEW, PUBLISHED, REJECTED}),
    PUBLISHED: frozenset({CORRECTED}),
    CORRECTED: frozenset({CORRECTED}),
    # A rejection can be reopened when it was a mistake.
    REJECTED: frozenset({PENDING}),
}


class TransitionError(ValueError):
    """A move the workflow does not allow, or that another user made first."""


def sources_of(target: str) -> frozenset[str]:
    """Every state from which `target` may be reached."""
    return frozenset(state for state, targets in TRANSITIONS.items() if target in targets)


def label(state: str) -> str:
    """A state as messages name it to reviewers: "in review", not "in_review"."""
    return state.replace("_", " ")


def check_transition(current: str, target: str) -> None:
    if target not in TRANSITIONS.get(current, frozenset()):
        raise TransitionError(f"a claim cannot go from {label(current)} to {label(target)}")
