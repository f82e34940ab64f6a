"""Refusals tell API clients nothing about the internal network; the detail stays with the desk."""

from __future__ import annotations

import re

import pytest
from django.test import override_settings

from claims.models import Article
from tests.api import helpers as h

pytestmark = pytest.mark.django_db

# What an oracle would leak: addresses, the guard's reasons, the resolver's words.
LEAKS = re.compile(
    r"127\.0\.0\.1|10\.1\.2\.3|loopback|private|resolves to|could not resolve|"
    r"Name or service|Errno",
    re.IGNORECASE,
)


@override_settings(FACTCHECK_FETCH_ALLOWED_NETWORKS=[])
@pytest.mark.parametrize(
    ("url", "told"),
    [
        ("http://localhost:9/admin", "could not fetch"),
        ("http://no-such-host.invalid/x", "could not fetch"),
        ("http://127.0.0.1:9/x", "address not allowed"),
        ("http://10.1.2.3/x", "address not allowed"),
    ],
)
def test_an_article_url_the_desk_may_not_fetch_reads_as_a_generic_refusal(
    url: str, told: str
) -> None:
    api = h.client("submit")

    accepted = api.post("/api/v1/articles/", {"url": url}, format="json")
    status = api.get(accepted.json()["status_url"]).json()

    assert status["status"] == "failed"
    assert re.fullmatch(rf"{told} \(reference [0-9a-f]{{10}}\)", status["error"]), status
    assert not LEAKS.search(status["error"])
    assert not LEAKS.search(str({k: v for k, v in status.items() if k != "url"}))
    # The desk sees why, under the same reference.
    article = Article.objects.get(pk=status["id"])
    assert LEAKS.search(article.error)
    assert status["error"].split("reference ")[1].rstrip(")") in article.error


@override_settings(FACTCHECK_FETCH_ALLOWED_NETWORKS=[])
def test_an_internal_name_and_a_missing_one_are_refused_alike_when_registering_a_webhook() -> None:
    api = h.client("read")
    answers = [
        api.post("/api/v1/webhooks/", {"url": url, "events": ["fact_check.published"]}, "json")
        for url in ("http://localhost:8000/hook", "http://no-such-host.invalid/hook")
    ]

    messages = [a.json()["url"][0] for a in answers]
    assert [a.status_code for a in answers] == [400, 400]
    assert all(m.startswith("address not allowed: ") for m in messages)
    assert messages[0].split("(reference")[0] == messages[1].split("(reference")[0]
    assert not any(LEAKS.search(m.split("(reference")[0]) for m in messages)
