"""The start page (the admin's index): each user's own work, the queue by band, publications."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from reviews.models import ReviewItem, Verdict
from reviews.services import publishing
from reviews.services import queue as services
from reviews.start import StartPage, median_time_to_publish, start_page
from tests.api import helpers as h
from tests.factories import ClaimFactory, ReviewItemFactory, UserFactory

pytestmark = pytest.mark.django_db


def _figure(html: str, element_id: str) -> str:
    found = re.search(rf'id="{element_id}"[^>]*>.*?desk-card-number">(\d+)<', html, re.S)
    if found is None:
        found = re.search(rf'id="{element_id}"[^>]*>(.*?)<', html, re.S)
    assert found is not None, element_id
    return found.group(1).strip()


def _user(username: str) -> object:
    return get_user_model().objects.get(username=username)


def test_a_reviewer_sees_what_they_hold_what_came_back_and_what_is_due(
    reviewer_client: Client,
) -> None:
    reviewer = _user("reviewer")
    held = ReviewItemFactory(claim=ClaimFactory(text="My held claim.", score=0.9))
    services.review_take(item_id=held.pk, user=reviewer)
    returned = h.queued("My returned claim.")
    h.draft(returned, reviewer)
    publishing.verdict_submit(item_id=returned.pk, user=reviewer)
    publishing.verdict_send_back(item_id=returned.pk, editor=h.editor(), note="More sources.")
    ReviewItemFactory(claim=ClaimFactory(score=0.7))
    ReviewItemFactory(claim=ClaimFactory(score=0.3))
    overdue = ReviewItemFactory(claim=ClaimFactory(score=0.5))
    services.review_due_set(
        item_ids=[overdue.pk, held.pk],
        due_on=timezone.localdate() - timedelta(days=1),
        by=h.editor(),
    )

    html = reviewer_client.get(reverse("admin:index")).content.decode()

    assert _figure(html, "start-held") == "2"
    assert _figure(html, "start-returned") == "1"
    assert _figure(html, "start-due") == "2" and "2 overdue" in html
    assert 'id="start-awaiting"' not in html  # reviewers do not approve
    # Open claims by band: the two held (0.9 and the helper's 0.8), 0.7, 0.5 and 0.3.
    assert _figure(html, "start-band-high") == "2"
    assert _figure(html, "start-band-medium") == "1"
    assert _figure(html, "start-band-low") == "2"
    assert "My held claim." in html and "My returned claim." in html


def test_my_claims_are_listed_as_checked_with_the_sentence_as_their_title(
    reviewer_client: Client,
) -> None:
    held = ReviewItemFactory(
        claim=ClaimFactory(
            text="He said the stadium would create 4,000 permanent jobs.",
            standalone="The Harbor Point stadium would create 4,000 permanent jobs.",
            claimant="Mayor Ruiz",
        )
    )
    services.review_take(item_id=held.pk, user=_user("reviewer"))

    html = reviewer_client.get(reverse("admin:index")).content.decode()

    assert (
        'title="The article: He said the stadium would create 4,000 permanent jobs.">'
        "Mayor Ruiz: The Harbor Point stadium would create 4,000 permanent jobs.</a>"
    ) in html


def test_returned_to_me_lists_only_the_claims_an_editor_sent_back_to_me(
    reviewer_client: Client,
) -> None:
    reviewer = _user("reviewer")
    held = ReviewItemFactory(claim=ClaimFactory(text="My held claim."))
    services.review_take(item_id=held.pk, user=reviewer)
    returned = h.queued("My returned claim.")
    h.draft(returned, reviewer)
    publishing.verdict_submit(item_id=returned.pk, user=reviewer)
    publishing.verdict_send_back(item_id=returned.pk, editor=h.editor(), note="More sources.")
    someone_elses = h.queued("Another reviewer's returned claim.")
    other = UserFactory(is_staff=True)
    h.draft(someone_elses, other)
    publishing.verdict_submit(item_id=someone_elses.pk, user=other)
    publishing.verdict_send_back(item_id=someone_elses.pk, editor=h.editor(), note="Cite it.")

    html = reviewer_client.get(reverse("admin:index")).content.decode()
    link = re.search(r'id="start-returned" href="([^"]+)"', html)
    assert link is not None
    page = reviewer_client.get(link.group(1).replace("&amp;", "&"))

    assert [item.pk for item in page.context["cl"].result_list] == [returned.pk]


def test_an_editor_sees_what_awaits_their_approval_but_not_their_own(
    reviewer_client: Client,
) -> None:
    editor = UserFactory(is_staff=True)
    from django.contrib.auth.models import Group

    editor.groups.add(Group.objects.get(name="Editor"))
    client = Client()
    client.force_login(editor)
    reviewer = UserFactory()
    for text in ("First claim.", "Second claim."):
        item = h.queued(text)
        h.draft(item, reviewer)
        publishing.verdict_submit(item_id=item.pk, user=reviewer)
    own = h.queued("The editor's own claim.")
    h.draft(own, editor)
    publishing.verdict_submit(item_id=own.pk, user=editor)

    html = client.get(reverse("admin:index")).content.decode()

    assert _figure(html, "start-awaiting") == "2"


def test_publications_today_and_this_week_and_the_median_wait() -> None:
    now = timezone.now()
    items = [h.published(f"Claim number {n}.") for n in range(3)]
    # Queued 2, 4 and 6 hours before they were published.
    for hours, item in zip((2, 4, 6), items, strict=True):
        published = Verdict.objects.get(review_item=item).published_at
        ReviewItem.objects.filter(pk=item.pk).update(created_at=published - timedelta(hours=hours))
    # A correction is not a new publication.
    h.correct(items[0])

    page = start_page(user=UserFactory(), now=now + timedelta(minutes=1))

    assert page.published_today == 3 and page.published_this_week == 3
    assert median_time_to_publish() == timedelta(hours=4)
    assert page.median_text == "4 h 0 min"


def _with_median(median: timedelta | None) -> StartPage:
    return StartPage(
        held=0,
        returned=0,
        due_today=0,
        overdue=0,
        by_band={},
        published_today=0,
        published_this_week=0,
        median_to_publish=median,
    )


def test_the_median_wait_says_under_a_minute_or_that_nothing_was_published() -> None:
    assert _with_median(median=None).median_text == "–"
    assert _with_median(median=timedelta(seconds=40)).median_text == "under 1 min"
    assert _with_median(median=timedelta(minutes=59)).median_text == "59 min"
    assert _with_median(median=timedelta(days=2, hours=3)).median_text == "2 d 3 h"


def test_the_start_page_says_when_no_fact_check_was_published_lately(
    reviewer_client: Client,
) -> None:
    html = reviewer_client.get(reverse("admin:index")).content.decode()

    assert _figure(html, "start-median-value") == "–"
    assert "no fact-check first published in the last 30 days" in html
