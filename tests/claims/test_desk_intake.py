"""Intake from the desk: Add article (an address, or pasted text with a title) and feeds managed
by editors, through the same services as the API and the command line."""

from __future__ import annotations

from datetime import date

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from claims.models import Article, Feed
from claims.services import article_extract
from tests.conftest import LocalWebServer, Route
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
ADD = reverse("admin:claims_article_add")
TEXT = (
    "The council met on Tuesday. The mayor said unemployment fell to 3 percent last year, "
    "the lowest figure since 1990. Critics disputed the number."
)


def _client(group: str) -> Client:
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def reviewer(desk_roles: None) -> Client:
    return _client("Reviewer")


@pytest.fixture
def editor(desk_roles: None) -> Client:
    return _client("Editor")


def test_a_reviewer_adds_pasted_text_with_a_title(reviewer: Client) -> None:
    assert reviewer.get(ADD).status_code == 200

    response = reviewer.post(ADD, {"title": "Council meeting", "text": TEXT, "url": ""})

    article = Article.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:claims_article_change", args=[article.pk])
    assert (article.source, article.raw_format) == (Article.Source.PUSH, Article.Format.TEXT)
    assert article.given_title == "Council meeting" and bytes(article.raw).decode() == TEXT
    page = reviewer.get(response["Location"]).content.decode()
    assert "Article received" in page


def test_pasted_text_keeps_the_day_it_was_published_and_without_one_says_unknown(
    reviewer: Client,
) -> None:
    dated = reviewer.post(
        ADD, {"title": "Council", "text": TEXT, "url": "", "published_at": "2026-11-24"}
    )
    undated = reviewer.post(ADD, {"title": "Council again", "text": TEXT + " Later.", "url": ""})

    for article in Article.objects.all():
        article_extract(article_id=article.pk)
    first, second = Article.objects.order_by("pk")
    assert timezone.localtime(first.published_at).date() == date(2026, 11, 24)
    assert second.published_at is None
    assert "Nov. 24, 2026" in reviewer.get(dated["Location"]).content.decode()
    undated_page = reviewer.get(undated["Location"]).content.decode()
    assert "unknown: the article gives no date" in undated_page
    # Said once, in words: not also as the stored fields' dashes.
    assert "Published at" not in undated_page and "Given published at" not in undated_page
    listed = reviewer.get(reverse("admin:claims_article_changelist")).content.decode()
    assert "unknown: the article gives no date" in listed


def test_a_publication_date_in_the_future_is_refused_beside_the_field(reviewer: Client) -> None:
    response = reviewer.post(
        ADD, {"title": "Council", "text": TEXT, "url": "", "published_at": "2999-01-01"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "published_at": ["The publication date is in the future."]
    }
    assert not Article.objects.exists()


def test_pasted_text_without_a_title_is_refused_and_kept_in_the_form(reviewer: Client) -> None:
    response = reviewer.post(ADD, {"title": " ", "text": TEXT, "url": ""})

    html = response.content.decode()
    assert response.status_code == 200 and "Pasted text needs its title." in html
    assert "unemployment fell to 3 percent" in html  # what was pasted is still there
    assert not Article.objects.exists()


def test_an_empty_form_and_a_malformed_address_say_why(reviewer: Client) -> None:
    empty = reviewer.post(ADD, {"title": "", "text": "", "url": ""}).content.decode()
    bad = reviewer.post(ADD, {"title": "", "text": "", "url": "ftp://x"}).content.decode()
    internal = reviewer.post(ADD, {"url": "http://169.254.169.254/latest/"})

    assert "Give the article&#x27;s address, or paste its text." in empty
    assert "Enter a valid URL." in bad and 'value="ftp://x"' in bad
    # Fetching refuses internal addresses; the article is kept, failed, with the reason.
    article = Article.objects.get()
    assert article.status == Article.Status.FAILED and article.error
    assert "could not be read" in reviewer.get(internal["Location"]).content.decode()


def test_an_address_is_fetched_through_the_same_service_as_the_api(
    reviewer: Client, web: LocalWebServer
) -> None:
    web.routes["/story"] = Route(
        f"<html><head><title>Jobs</title></head><body><article><p>{TEXT}</p>"
        "</article></body></html>".encode()
    )
    url = web.url("/story")

    first = reviewer.post(ADD, {"url": url, "title": "", "text": ""})
    again = reviewer.post(ADD, {"url": url, "title": "", "text": ""}, follow=True)

    article = Article.objects.get()
    assert first.status_code == 302
    assert (article.source, article.url) == (Article.Source.URL, url)
    assert "This article was already here" in again.content.decode()


def test_reviewers_without_the_permission_get_no_add_page(desk_roles: None) -> None:
    client = Client()
    client.force_login(UserFactory(is_staff=True))

    assert client.get(ADD).status_code == 403


def test_an_editor_adds_and_deletes_a_feed(editor: Client) -> None:
    added = editor.post(
        reverse("admin:claims_feed_add"),
        {
            "url": "https://news.example.org/rss",
            "title": "News",
            "enabled": "on",
            "interval_seconds": "900",
        },
    )
    assert added.status_code == 302, added.content.decode()[:3000]
    feed = Feed.objects.get()
    from django_celery_beat.models import PeriodicTask

    assert PeriodicTask.objects.filter(name__contains=str(feed.pk)).exists()

    deleted = editor.post(reverse("admin:claims_feed_delete", args=[feed.pk]), {"post": "yes"})

    assert deleted.status_code == 302 and not Feed.objects.exists()


def test_a_reviewer_may_read_feeds_but_not_add_them(reviewer: Client) -> None:
    assert reviewer.get(reverse("admin:claims_feed_changelist")).status_code == 200
    assert reviewer.get(reverse("admin:claims_feed_add")).status_code == 403
