"""`/` lists the published fact-checks and `/feeds/` the feeds: public, like the feeds."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from tests.api import helpers as h
from tests.reviews.page_head import page_head

pytestmark = pytest.mark.django_db


def test_the_front_page_lists_published_fact_checks_and_only_those() -> None:
    published = h.published("The bridge cost 40 million euros.")
    h.queued("The tunnel cost 90 million euros.")

    page = Client().get("/")

    assert page.status_code == 200
    text = page.content.decode()
    assert "The bridge cost 40 million euros." in text
    assert "tunnel" not in text
    assert f'href="/fact-checks/{published.pk}/"' in text
    assert Client().get(f"/fact-checks/{published.pk}/").status_code == 200


def test_the_front_page_says_when_nothing_is_published() -> None:
    page = Client().get("/")

    assert page.status_code == 200 and b'id="no-fact-checks"' in page.content


def test_the_feeds_index_links_every_feed_and_each_answers() -> None:
    h.published("The bridge cost 40 million euros.")

    page = Client().get("/feeds/")

    assert page.status_code == 200
    links = re.findall(r'<a href="(/feeds/[^"]+)"', page.content.decode())
    assert sorted(links) == [
        "/feeds/fact-checks.atom",
        "/feeds/fact-checks.json",
        "/feeds/fact-checks.rss",
    ]
    for link in links:
        assert Client().get(link).status_code == 200


@pytest.mark.parametrize(
    ("path", "title"),
    [("/", "Fact-checks | Fact-check desk"), ("/feeds/", "Feeds | Fact-check desk")],
)
def test_the_front_pages_name_their_canonical_address_and_describe_themselves(
    path: str, title: str
) -> None:
    head = page_head(Client().get(path).content.decode())

    assert head.title == title and len(head.h1) == 1
    assert head.links["canonical"] == f"http://testserver{path}"
    assert head.meta["og:url"] == head.links["canonical"] and head.meta["og:type"] == "website"
    assert head.meta["og:title"] == head.meta["twitter:title"] == title
    assert head.meta["description"] and head.meta["description"] == head.meta["og:description"]
    assert head.meta["og:site_name"] == "Fact-check desk"


@pytest.mark.parametrize("path", ["/", "/feeds/"])
def test_the_site_name_leads_to_the_list_of_fact_checks(path: str) -> None:
    anchors = page_head(Client().get(path).content.decode()).anchors

    assert anchors[0] == ("/", "Fact-check desk")
    assert not [href for href, _ in anchors if "example.org" in href]
