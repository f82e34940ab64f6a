"""Admin shows a review item's versions but never saves one back over the workflow."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from reviews import workflow
from reviews.models import ReviewItem
from reviews.services import publishing
from reviews.services.queue import demo_accounts_ensure
from tests.api import helpers as h
from tests.factories import ReviewItemFactory


@pytest.fixture
def published(db: None) -> ReviewItem:
    demo_accounts_ensure(password="pw")
    users = get_user_model().objects
    reviewer, editor = users.get(username="reviewer"), users.get(username="editor")
    item = ReviewItemFactory()
    h.draft(item, reviewer)
    publishing.verdict_submit(item_id=item.pk, user=reviewer)
    publishing.verdict_approve(item_id=item.pk, editor=editor)
    return item


def _reviewer() -> Client:
    client = Client()
    assert client.login(username="reviewer", password="pw")
    return client


def test_an_old_version_of_a_published_claim_cannot_be_saved_back(published: ReviewItem) -> None:
    in_review = published.history.filter(status=workflow.IN_REVIEW).latest()
    url = reverse(
        "admin:reviews_reviewitem_simple_history", args=[published.pk, in_review.history_id]
    )
    reviewer = _reviewer()

    page = reviewer.get(url)
    response = reviewer.post(
        url,
        {
            "claim_type": published.claim_type,
            "score": published.score,
            "publisher": "",
            "feed": "",
            "verdicts-TOTAL_FORMS": 0,
            "verdicts-INITIAL_FORMS": 0,
        },
    )

    assert page.status_code == 200 and b"Revert" not in page.content
    # What the version page shows cannot look editable either.
    score = page.context["adminform"].form["score"]
    assert score.field.disabled and b"disabled" in str(score).encode()
    assert response.status_code == 403
    published.refresh_from_db()
    assert published.status == workflow.PUBLISHED
