"""The public page of a published fact-check: readable without a token, with its ClaimReview."""

from __future__ import annotations

import datetime
import json
import re

import pytest
from django.test import Client

from tests.api import helpers as h

pytestmark = pytest.mark.django_db


def _json_ld(html: str) -> dict[str, object]:
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert found is not None
    return json.loads(found.group(1))  # type: ignore[no-any-return]


def test_a_published_fact_check_has_a_public_page_with_its_claimreview() -> None:
    item = h.published(
        "The bridge cost 2 billion.", speaker="Governor Lee", url="https://news.example.com/b"
    )
    api_review = h.client("read").get(f"/api/v1/fact-checks/{item.pk}/claimreview/").json()

    page = Client().get(f"/fact-checks/{item.pk}/")

    assert page.status_code == 200 and page["Content-Type"].startswith("text/html")
    text = page.content.decode()
    assert "The bridge cost 2 billion." in text and "Governor Lee" in text
    assert '<span class="rating" id="rating">False</span>' in text
    assert 'href="https://news.example.com/b"' in text  # where it appeared
    review = _json_ld(text)
    assert review == api_review
    assert review["url"] == f"http://testserver/fact-checks/{item.pk}/"


def test_where_the_claim_appeared_dates_only_the_articles_that_give_a_date() -> None:
    item = h.published("The bridge cost 2 billion.", url="https://news.example.com/b")
    h.appear_again(
        item,
        "The bridge cost two billion.",
        url="https://other.example.com/bridge",
        published=datetime.datetime(2026, 3, 2, 9, 30, tzinfo=datetime.UTC),
    )

    text = Client().get(f"/fact-checks/{item.pk}/").content.decode()

    listed = text.split('id="appearances"')[1].split("</ul>")[0]
    (undated,) = [line for line in listed.splitlines() if "news.example.com/b" in line]
    (dated,) = [line for line in listed.splitlines() if "other.example.com" in line]
    assert "(2 March 2026)" in dated
    assert "(" not in undated.split("</a>")[1]


def test_a_correction_is_shown_on_the_page() -> None:
    item = h.published("Crime fell by half.")
    h.correct(item, rating="mostly_false", note="The fall was a third.")

    text = Client().get(f"/fact-checks/{item.pk}/").content.decode()

    assert "Correction (version 2" in text and "The fall was a third." in text
    assert _json_ld(text)["reviewRating"]["alternateName"] == "Mostly false"  # type: ignore[index]


def test_nothing_unpublished_has_a_page() -> None:
    queued = h.queued("Taxes doubled last year.")
    h.draft(queued, h.editor())

    assert Client().get(f"/fact-checks/{queued.pk}/").status_code == 404
    assert Client().get("/fact-checks/999999/").status_code == 404
    assert Client().post(f"/fact-checks/{queued.pk}/").status_code == 405


def test_a_claim_cannot_break_out_of_the_embedded_json() -> None:
    claim = 'He said "</script><script>alert(1)</script>" & more.'
    item = h.published(claim)

    text = Client().get(f"/fact-checks/{item.pk}/").content.decode()

    assert "<script>alert(1)" not in text
    assert _json_ld(text)["claimReviewed"] == claim


def test_text_pushed_without_an_address_is_not_listed_and_long_lists_are_cut(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from reviews import pages

    monkeypatch.setattr(pages, "APPEARANCES_SHOWN", 2)
    item = h.published("Rents rose 40 percent.", url="https://a.example.com/1")
    pushed = h.appear_again(item, "Rents rose by 40 percent.")
    pushed.article.title = "EMBARGOED agency copy"
    pushed.article.save()
    for n in range(3):
        h.appear_again(
            item, f"Rents rose 40 percent, report {n}.", url=f"https://b.example.com/{n}"
        )

    page = Client().get(f"/fact-checks/{item.pk}/")

    text = page.content.decode()
    assert "EMBARGOED" not in text
    listed = text.split('id="appearances"')[1].split("</ul>")[0]
    assert listed.count("<li>") == 2 and "https://a.example.com/1" in listed
    assert "and 2 more." in text
    assert Client().head(f"/fact-checks/{item.pk}/").status_code == 200
