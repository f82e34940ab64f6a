"""An article's status is the submitting client's: another token walking ids finds nothing."""

from __future__ import annotations

import pytest
from django.test import override_settings

from claims.models import Article
from claims.services import article_receive
from tests.api import helpers as h
from tests.conftest import LocalWebServer, Route

pytestmark = pytest.mark.django_db

TEXT = "The mayor said crime fell by half in Riverton last year, according to city figures."


def test_a_token_walking_ids_reads_no_other_clients_articles(web: LocalWebServer) -> None:
    agency, rival = h.client("submit"), h.client("submit")
    web.routes["/gone"] = Route(b"", status=404)
    pushed = [
        agency.post("/api/v1/articles/", {"text": TEXT, "title": "Embargoed"}, format="json"),
        agency.post("/api/v1/articles/", {"url": web.url("/gone")}, format="json"),
    ]
    article_receive(raw=b"From a feed.", fmt="text", source=Article.Source.FEED)
    own = rival.post("/api/v1/articles/", {"text": TEXT + " Other.", "title": "Mine"}, "json")

    # Every id around this test's articles (the submit throttle stops a longer walk anyway).
    ids = Article.objects.values_list("pk", flat=True)
    lowest = pushed[0].json()["id"]
    seen = {
        pk: rival.get(f"/api/v1/articles/{pk}/").status_code
        for pk in range(max(lowest - 3, 1), max(ids) + 3)
    }

    assert {pk for pk, code in seen.items() if code == 200} == {own.json()["id"]}
    assert set(seen.values()) == {200, 404}
    for answer in pushed:
        assert agency.get(answer.json()["status_url"]).status_code == 200


def test_the_same_text_pushed_by_two_clients_is_readable_by_both() -> None:
    first, second = h.client("submit"), h.client("submit")
    a = first.post("/api/v1/articles/", {"text": TEXT, "title": "R"}, format="json").json()
    b = second.post("/api/v1/articles/", {"text": TEXT, "title": "R"}, format="json").json()

    assert a["id"] == b["id"] and b["created"] is False
    assert first.get(a["status_url"]).status_code == 200
    assert second.get(b["status_url"]).status_code == 200


@override_settings(FACTCHECK_API_FETCH_DEADLINE=0.5)
def test_a_page_fetched_later_by_the_worker_stays_readable_by_who_pushed_it(
    web: LocalWebServer,
) -> None:
    from claims.services import article_fetch

    api = h.client("submit")
    web.routes["/slow"] = Route(b"<html><p>" + TEXT.encode() + b"</p></html>", delay=1.0)
    failed = api.post("/api/v1/articles/", {"url": web.url("/slow")}, format="json").json()
    assert api.get(failed["status_url"]).json()["status"] == "failed"

    # The worker's fetch (no token of its own) resolves the failed record into the article.
    fetched = article_fetch(url=web.url("/slow")).article

    status = api.get(failed["status_url"]).json()
    assert status["status"] == "duplicate" and status["duplicate_of"] == fetched.pk
    assert api.get(f"/api/v1/articles/{fetched.pk}/").status_code == 200
