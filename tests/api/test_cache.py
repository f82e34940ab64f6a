"""The optional cache of whole API answers (FACTCHECK_API_CACHE_SECONDS)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache

from tests.api import helpers as h

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def cached(settings: Any) -> Iterator[None]:
    settings.FACTCHECK_API_CACHE_SECONDS = 30
    cache.clear()
    yield
    cache.clear()


def test_a_publication_empties_the_cache(django_capture_on_commit_callbacks: Any) -> None:
    first = h.published("Unemployment fell to 3 percent.")
    api = h.client("read")
    assert [r["id"] for r in api.get("/api/v1/fact-checks/").json()["results"]] == [first.pk]

    with django_capture_on_commit_callbacks(execute=True):
        second = h.published("Taxes doubled last year.")

    listed = api.get("/api/v1/fact-checks/").json()["results"]
    assert [r["id"] for r in listed] == [second.pk, first.pk]


def test_an_answer_is_served_from_the_cache_until_then() -> None:
    item = h.published("Unemployment fell to 3 percent.")
    api = h.client("read")
    before = api.get(f"/api/v1/fact-checks/{item.pk}/")
    # The test's transaction never commits, so the correction does not empty the cache.
    h.correct(item, rating="true")

    again = api.get(f"/api/v1/fact-checks/{item.pk}/")

    assert again.content == before.content and again["ETag"] == before["ETag"]


def test_the_cache_keeps_the_browsable_html_and_json_apart() -> None:
    item = h.published("Unemployment fell to 3 percent.")
    api = h.client("read")

    html = api.get(f"/api/v1/fact-checks/{item.pk}/", HTTP_ACCEPT="text/html")
    json = api.get(f"/api/v1/fact-checks/{item.pk}/", HTTP_ACCEPT="application/json")

    assert html["Content-Type"].startswith("text/html")
    assert json["Content-Type"] == "application/json" and json.json()["id"] == item.pk
