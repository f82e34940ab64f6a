"""An empty list in the desk says what goes there and what to do next, for the filter it
shows, instead of the theme's stock words."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from reviews.services import queue as services
from tests.factories import ReviewItemFactory

pytestmark = pytest.mark.django_db

QUEUE = reverse("admin:reviews_reviewitem_changelist")
STOCK = "This page yielded into no results"


def _empty(client: Client, url: str, **params: str) -> tuple[str, str, list[str]]:
    """The empty list's title, text and the addresses of its buttons."""
    page = client.get(url, params)
    assert page.status_code == 200
    html = page.content.decode()
    assert STOCK not in html
    title = re.search(r'id="empty-list-title">\s*(.*?)\s*</h2>', html, re.S)
    text = re.search(r'id="empty-list-text">\s*(.*?)\s*</p>', html, re.S)
    assert title and text, html[-3000:]
    links = re.findall(r'<a href="([^"]*)" class="empty-list-link', html)
    return title.group(1), text.group(1), links


def test_an_empty_queue_says_where_claims_come_from_and_links_to_adding_an_article(
    reviewer_client: Client,
) -> None:
    title, text, links = _empty(reviewer_client, QUEUE)

    assert title == "The queue is empty"
    assert "articles come in" in text
    assert reverse("admin:claims_article_add") in links
    assert reverse("admin:claims_feed_changelist") in links


def test_holding_no_claims_points_to_take_next_claim(reviewer_client: Client) -> None:
    # Claims are waiting, just none held by this reviewer.
    ReviewItemFactory()

    title, text, links = _empty(reviewer_client, QUEUE, assigned="me", status="in_review")

    assert title == "You hold no claims"
    assert "Take next claim" in text
    assert links == [QUEUE]


def test_nothing_returned_and_nothing_awaiting_approval_say_what_would_be_there(
    reviewer_client: Client,
) -> None:
    title, text, _ = _empty(reviewer_client, QUEUE, assigned="returned", status="in_review")
    assert title == "Nothing returned to you" and "sends a verdict of yours back" in text

    title, text, _ = _empty(reviewer_client, QUEUE, status="awaiting_approval")
    assert title == "No verdicts await approval" and "editor other than its author" in text


def test_a_search_that_finds_nothing_names_the_words_and_how_the_search_reads(
    reviewer_client: Client,
) -> None:
    ReviewItemFactory()

    title, text, _ = _empty(reviewer_client, QUEUE, q="zebra crossings")

    assert title == "No claim matches “zebra crossings”"
    assert "a phrase in quotes" in text


def test_a_queue_with_claims_shows_them_and_no_empty_state(reviewer_client: Client) -> None:
    reviewer = get_user_model().objects.get(username="reviewer")
    item = ReviewItemFactory()
    services.review_take(item_id=item.pk, user=reviewer)

    page = reviewer_client.get(QUEUE, {"assigned": "me", "status": "in_review"})

    assert [row.pk for row in page.context["cl"].result_list] == [item.pk]
    assert b'id="empty-list"' not in page.content


def test_empty_articles_claims_feeds_and_verdicts_say_how_they_fill(
    reviewer_client: Client,
) -> None:
    title, text, _ = _empty(reviewer_client, reverse("admin:claims_article_changelist"))
    assert title == "No articles yet" and "POST /api/v1/articles/" in text

    title, text, links = _empty(reviewer_client, reverse("admin:claims_claim_changelist"))
    assert title == "No claims yet" and links == [reverse("admin:claims_article_add")]

    title, text, _ = _empty(reviewer_client, reverse("admin:claims_feed_changelist"))
    assert title == "No feeds yet" and "RSS or Atom" in text

    title, text, links = _empty(reviewer_client, reverse("admin:reviews_verdict_changelist"))
    assert title == "No verdicts yet" and links == [QUEUE]


def test_a_filtered_list_with_no_own_words_says_nothing_matches(reviewer_client: Client) -> None:
    url = reverse("admin:claims_article_changelist")

    title, text, _ = _empty(reviewer_client, url, q="nothing like this")

    assert title == "No articles match" and "reset the filters" in text
