"""POST articles/ and GET articles/{id}/: pushed in through article_receive, followed after."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from django.utils import timezone

from claims.models import Article
from claims.services import article_extract
from reviews.services import queue as services
from tests.api import helpers as h
from tests.conftest import LocalWebServer, Route
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PAGE = "<html><head><title>Budget</title></head><body><article><p>{}</p></article></body></html>"
TEXT = (
    "Mayor Jane Doe said on Monday that unemployment in Riverton fell to 3 percent last year, "
    "the lowest rate in two decades. The city's budget grew by 12 percent, according to the "
    "finance office, while spending on roads doubled since 2019."
)


@pytest.mark.django_db(transaction=True)
def test_where_tasks_run_in_process_the_answer_says_the_article_is_extracted() -> None:
    from factcheck.celery import app

    app.conf.task_always_eager = True
    try:
        response = h.client("submit").post(
            "/api/v1/articles/", {"text": TEXT, "title": "Riverton"}, format="json"
        )
    finally:
        app.conf.task_always_eager = False

    assert response.status_code == 202
    assert response.json()["status"] == "extracted"
    assert Article.objects.get(pk=response.json()["id"]).status == Article.Status.EXTRACTED


def test_pushed_text_is_accepted_with_a_status_url_then_shows_its_claims() -> None:
    api = h.client("submit")
    response = api.post("/api/v1/articles/", {"text": TEXT, "title": "Riverton"}, format="json")

    assert response.status_code == 202
    body = response.json()
    article = Article.objects.get(pk=body["id"])
    assert article.source == Article.Source.PUSH and body["created"] is True
    assert body["status_url"].endswith(f"/api/v1/articles/{article.pk}/")
    assert api.get(body["status_url"]).json()["status"] == "received"

    article_extract(article_id=article.pk)
    status = api.get(body["status_url"]).json()
    assert status["status"] == "extracted"
    assert status["claims"] and {c["queue_state"] for c in status["claims"]} == {"pending"}
    assert set(status["claims"][0]) == {"id", "queue_state", "fact_check_url"}

    again = api.post("/api/v1/articles/", {"text": TEXT, "title": "Riverton"}, format="json")
    assert again.status_code == 202 and again.json() == {
        **body,
        "status": "extracted",
        "created": False,
    }


def test_pushed_text_keeps_the_publication_date_it_was_sent_with() -> None:
    api = h.client("submit")
    body = {"text": TEXT, "title": "Riverton", "published_at": "2026-11-24"}
    response = api.post("/api/v1/articles/", body, format="json")

    assert response.status_code == 202, response.content
    article_extract(article_id=response.json()["id"])
    article = Article.objects.get()
    assert timezone.localtime(article.published_at).date() == date(2026, 11, 24)
    # A time with its offset is kept as that moment.
    again = {**body, "text": TEXT + " More.", "published_at": "2026-11-24T10:15:00+02:00"}
    second = api.post("/api/v1/articles/", again, format="json").json()["id"]
    article_extract(article_id=second)
    moment = Article.objects.get(pk=second).published_at
    assert moment == datetime(2026, 11, 24, 8, 15, tzinfo=UTC)


def test_pushed_text_without_a_date_has_none_rather_than_the_day_it_arrived() -> None:
    response = h.client("submit").post(
        "/api/v1/articles/", {"text": TEXT, "title": "Riverton"}, format="json"
    )
    article_extract(article_id=response.json()["id"])

    assert Article.objects.get().published_at is None


def test_a_date_sent_with_html_wins_over_the_pages_own() -> None:
    page = PAGE.replace(
        "<title>", '<meta property="article:published_time" content="2020-01-01"><title>'
    ).format(TEXT)
    response = h.client("submit").post(
        "/api/v1/articles/", {"html": page, "published_at": "2026-11-20"}, format="json"
    )
    article_extract(article_id=response.json()["id"])

    assert timezone.localtime(Article.objects.get().published_at).date() == date(2026, 11, 20)


def test_html_with_its_url_is_accepted() -> None:
    html = PAGE.format(TEXT)
    response = h.client("submit").post(
        "/api/v1/articles/", {"html": html, "url": "https://news.example.com/budget"}, format="json"
    )
    assert response.status_code == 202
    article = Article.objects.get(pk=response.json()["id"])
    assert article.raw_format == "html" and article.url == "https://news.example.com/budget"


def test_a_url_alone_is_fetched(web: LocalWebServer) -> None:
    web.routes["/story"] = Route(
        f"<html><body><article><p>{TEXT}</p></article></body></html>".encode()
    )
    response = h.client("submit").post(
        "/api/v1/articles/", {"url": web.url("/story")}, format="json"
    )
    assert response.status_code == 202
    assert Article.objects.get(pk=response.json()["id"]).raw
    assert web.hits("/story") == 1


def test_a_reviewer_rejection_note_never_shows_in_the_status() -> None:
    api = h.client("submit")
    article_id = api.post("/api/v1/articles/", {"text": TEXT, "title": "R"}, format="json").json()[
        "id"
    ]
    article_extract(article_id=article_id)
    claim = Article.objects.get(pk=article_id).claims.filter(review__isnull=False).first()
    services.review_reject(
        item_id=claim.review.pk, user=UserFactory(), reason="opinion", note="SECRET-NOTE"
    )
    response = api.get(f"/api/v1/articles/{article_id}/")
    assert "rejected" in response.content.decode()
    assert "SECRET-NOTE" not in response.content.decode()
    assert claim.text not in response.content.decode()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "non_field_errors"),
        ({"text": TEXT}, "title"),
        ({"text": 12, "title": "x"}, "text"),
        ({"html": ["<p>x</p>"]}, "html"),
        ({"url": True}, "url"),
        ({"url": "ftp://example.com/x"}, "url"),
        ({"url": "not a url"}, "url"),
        ({"html": "<p>x</p>", "text": "x", "title": "t"}, "text"),
        ({"text": "x", "title": "t", "body": "?"}, "body"),
        ({"text": "x", "title": "t\u0000"}, "title"),
        ({"html": "<p>x</p>", "url": "https://example.org/?q=" + "\u00e9" * 1000}, "url"),
        ({"text": "x", "title": "t", "published_at": "last Tuesday"}, "published_at"),
        ({"text": "x", "title": "t", "published_at": "2026-02-30"}, "published_at"),
        ({"text": "x", "title": "t", "published_at": 20261124}, "published_at"),
        ({"text": "x", "title": "t", "published_at": "2999-01-01"}, "published_at"),
        ({"url": "https://example.org/a", "published_at": "2026-11-24"}, "published_at"),
    ],
)
def test_bad_bodies_are_400_naming_the_field(body: dict, field: str) -> None:
    response = h.client("submit").post("/api/v1/articles/", body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    "raw", [b"[1, 2]", b"{not json", b'"text"', b"null", b"[" * 100_000 + b"]" * 100_000]
)
def test_bodies_that_are_no_object_are_400(raw: bytes) -> None:
    response = h.client("submit").post("/api/v1/articles/", raw, content_type="application/json")
    assert response.status_code == 400 and response.json()


def test_a_body_over_djangos_default_limit_but_within_the_apis_is_accepted() -> None:
    body = json.dumps({"text": "Taxes rose. " * (3 * 1024 * 1024 // 12), "title": "Big"})
    assert 2_621_440 < len(body) < 5 * 1024 * 1024

    response = h.client("submit").post("/api/v1/articles/", body, content_type="application/json")

    assert response.status_code == 202, response.content[:300]


def test_an_oversized_body_is_413(settings: object) -> None:
    settings.FACTCHECK_API_MAX_BODY_BYTES = 1000  # type: ignore[attr-defined]
    body = json.dumps({"text": "x" * 2000, "title": "big"})
    response = h.client("submit").post("/api/v1/articles/", body, content_type="application/json")
    assert response.status_code == 413 and "limit" in response.json()["detail"]
    assert not Article.objects.exists()


def test_an_unknown_article_is_404() -> None:
    assert h.client("submit").get("/api/v1/articles/999999/").status_code == 404


def test_a_publication_date_that_is_none_is_refused_in_words_once() -> None:
    api = h.client("submit")
    body = {"text": TEXT, "title": "Riverton", "published_at": "last Tuesday"}

    refused = api.post("/api/v1/articles/", body, format="json").json()

    assert refused == {
        "published_at": ["Not a date: 'last Tuesday'; give 2026-11-24 or an ISO 8601 time."]
    }
