"""The public page of a published fact-check: readable without a token, with its ClaimReview."""

from __future__ import annotations

import datetime
import json
import re

import pytest
from django.test import Client

from claims.models import Publisher
from reviews.models import Verdict
from tests.api import helpers as h
from tests.reviews.page_head import page_head

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


def test_the_page_is_headed_by_the_claim_and_describes_itself_to_search_and_previews() -> None:
    item = h.published("The bridge cost 2 billion.", speaker="Governor Lee")

    text = Client().get(f"/fact-checks/{item.pk}/").content.decode()

    head = page_head(text)
    review = _json_ld(text)
    url = f"http://testserver/fact-checks/{item.pk}/"
    assert head.h1 == ["Fact-check: The bridge cost 2 billion."]
    assert review["claimReviewed"] == "The bridge cost 2 billion." and review["url"] == url
    assert head.links["canonical"] == url
    description = "Our rating: False. Explanation of The bridge cost 2 billion."
    assert head.title == "False: The bridge cost 2 billion. | Fact-check desk"
    assert head.meta == {
        "viewport": "width=device-width, initial-scale=1",
        "description": description,
        "og:site_name": "Fact-check desk",
        "og:type": "article",
        "og:url": url,
        "og:title": "False: The bridge cost 2 billion.",
        "og:description": description,
        "twitter:card": "summary",
        "twitter:title": "False: The bridge cost 2 billion.",
        "twitter:description": description,
        "article:published_time": review["datePublished"],
    }


def test_a_corrected_fact_check_says_when_it_changed_and_its_new_rating() -> None:
    item = h.published("Crime fell by half.")
    h.correct(item, rating="mostly_false", explanation="It fell by a third.")

    text = Client().get(f"/fact-checks/{item.pk}/").content.decode()

    head = page_head(text)
    assert head.meta["article:modified_time"] == _json_ld(text)["dateModified"]
    assert head.meta["og:title"] == "Mostly false: Crime fell by half."
    assert head.meta["description"] == "Our rating: Mostly false. It fell by a third."


def test_the_claimreview_and_the_page_date_things_to_the_second() -> None:
    appeared = datetime.datetime(2026, 3, 2, 9, 30, 15, 250000, tzinfo=datetime.UTC)
    item = h.published("Crime fell by half.", url="https://news.example.com/c", published=appeared)
    Verdict.objects.filter(review_item=item).update(
        published_at=datetime.datetime(2026, 3, 4, 10, 20, 30, 123456, tzinfo=datetime.UTC)
    )

    text = Client().get(f"/fact-checks/{item.pk}/").content.decode()

    review = _json_ld(text)
    claim = review["itemReviewed"]
    assert review["datePublished"] == "2026-03-04T10:20:30+00:00"
    assert claim["datePublished"] == "2026-03-02T09:30:15+00:00"
    assert claim["appearance"][0]["datePublished"] == "2026-03-02T09:30:15+00:00"
    assert page_head(text).meta["article:published_time"] == "2026-03-04T10:20:30+00:00"


def test_a_long_verdict_is_cut_in_the_description_and_markup_stays_text() -> None:
    item = h.published('The "bridge" cost <b>2</b> billion.')
    Verdict.objects.filter(review_item=item).update(
        explanation="word " * 60
    )  # as long as an explanation can be

    text = Client().get(f"/fact-checks/{item.pk}/").content.decode()

    head = page_head(text)
    assert head.meta["og:title"] == 'False: The "bridge" cost <b>2</b> billion.'
    assert "<b>" not in text.split("</head>")[0]
    assert len(head.meta["description"]) == 200 and head.meta["description"].endswith("…")


def test_the_page_links_back_to_the_list_of_fact_checks_and_not_to_a_placeholder() -> None:
    item = h.published("The bridge cost 2 billion.")

    text = Client().get(f"/fact-checks/{item.pk}/").content.decode()

    anchors = page_head(text).anchors
    assert ("/", "Fact-check desk") in anchors and ("/", "← All fact-checks") in anchors
    assert "https://example.org/" not in [href for href, _ in anchors]
    assert Client().get("/").status_code == 200


def test_an_appearance_is_credited_to_the_site_the_page_names_unless_an_editor_named_it() -> None:
    item = h.published("Ferry fares doubled.", url="https://harbor-times.example/ferries")
    article = item.claim.article
    # Intake names a new publisher after its domain; the page says what its site is called.
    article.publisher = Publisher.objects.create(
        domain="harbor-times.example", name="harbor-times.example"
    )
    article.site_name = "Harbor City Times"
    article.save()

    page = Client().get(f"/fact-checks/{item.pk}/").content.decode()
    author = _json_ld(page)["itemReviewed"]["appearance"][0]["author"]  # type: ignore[index]
    assert author["name"] == "Harbor City Times"
    assert author["url"] == "https://harbor-times.example/"
    assert ", Harbor City Times" in page

    Publisher.objects.filter(pk=article.publisher.pk).update(name="The Harbor Times")
    page = Client().get(f"/fact-checks/{item.pk}/").content.decode()
    author = _json_ld(page)["itemReviewed"]["appearance"][0]["author"]  # type: ignore[index]
    assert author["name"] == "The Harbor Times"
