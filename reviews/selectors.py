"""Reads of the review desk that more than one caller needs."""

from __future__ import annotations

from reviews import workflow
from reviews.models import ReviewItem

CHECKED = (workflow.PUBLISHED, workflow.CORRECTED)


def reviewer_decisions() -> list[tuple[str, bool]]:
    """Claims reviewers judged: rejected as not check-worthy (False), or checked (True).

    Other rejections (duplicate, out of scope, opinion) say nothing about check-worthiness.
    """
    rows = ReviewItem.objects.filter(status__in=CHECKED) | ReviewItem.objects.filter(
        status=workflow.REJECTED,
        rejection_reason=ReviewItem.RejectionReason.NOT_CHECKWORTHY,
    )
    return [(text, status in CHECKED) for text, status in rows.values_list("claim__text", "status")]
