"""What search engines are told: robots.txt keeps them to the public pages and names the
sitemap, which lists every published fact-check's page once and nothing else."""

from __future__ import annotations

import urllib.robotparser
import xml.etree.ElementTree as ET

import pytest
from django.test import Client
from django.utils import timezone

from reviews.services import publishing
from reviews.services import queue as services
from tests.api import helpers as h
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def _robots() -> tuple[str, urllib.robotparser.RobotFileParser]:
    response = Client().get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    parser = urllib.robotparser.RobotFileParser()
    parser.parse(text.splitlines())
    return text, parser


def _xml(url: str) -> ET.Element:
    response = Client().get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/xml")
    return ET.fromstring(response.content)


def _sitemaps() -> list[str]:
    """The sitemaps the index at /sitemap.xml (the one robots.txt names) lists."""
    index = _xml("/sitemap.xml")
    assert index.tag == f"{SITEMAP}sitemapindex"
    return [s.findtext(f"{SITEMAP}loc", "") for s in index.findall(f"{SITEMAP}sitemap")]


def _sitemap() -> dict[str, str]:
    """Every page the sitemaps list, each with its last modification, each listed once."""
    pages: dict[str, str] = {}
    for url in _sitemaps():
        for u in _xml(url.removeprefix("http://testserver")).findall(f"{SITEMAP}url"):
            loc = u.findtext(f"{SITEMAP}loc", "")
            assert loc not in pages
            pages[loc] = u.findtext(f"{SITEMAP}lastmod", "")
    return pages


def test_crawlers_may_read_the_public_pages_and_feeds_but_not_the_desk_or_the_api() -> None:
    item = h.published("Crime fell by half.")

    text, robots = _robots()

    for path in ["/", f"/fact-checks/{item.pk}/", "/feeds/", "/feeds/fact-checks.rss"]:
        assert robots.can_fetch("Googlebot", f"http://testserver{path}"), path
    for path in ["/admin/", "/admin/reviews/reviewitem/", "/api/v1/", "/api/v1/articles/"]:
        assert not robots.can_fetch("Googlebot", f"http://testserver{path}"), path
    assert robots.site_maps() == ["http://testserver/sitemap.xml"]
    assert text.endswith("\n")


def test_the_sitemap_lists_each_published_fact_check_once_and_nothing_unpublished() -> None:
    corrected = h.published("Crime fell by half.")
    h.correct(corrected)
    published = h.published("Rents rose 40 percent.")
    reviewer = UserFactory()
    h.queued("A claim still in the queue.")
    h.draft(h.queued("A claim held with a draft."), reviewer)
    submitted = h.queued("A claim submitted to an editor.")
    h.draft(submitted, reviewer)
    publishing.verdict_submit(item_id=submitted.pk, user=reviewer)
    rejected = h.queued("A claim rejected as opinion.")
    services.review_reject(item_id=rejected.pk, user=reviewer, reason="opinion", note="")

    pages = _sitemap()

    assert set(pages) == {
        f"http://testserver/fact-checks/{corrected.pk}/",
        f"http://testserver/fact-checks/{published.pk}/",
    }
    latest = corrected.verdicts.order_by("-version").first()
    assert pages[f"http://testserver/fact-checks/{corrected.pk}/"] == (
        f"{timezone.localtime(latest.published_at):%Y-%m-%d}"
    )
    for url in pages:
        assert Client().get(url).status_code == 200  # readers need no login or token


def test_a_newsroom_publishing_on_its_own_site_lists_its_pages_there(settings: object) -> None:
    settings.FACTCHECK_FACT_CHECK_URL = "https://news.example.org/checks/{id}"  # type: ignore[attr-defined]
    h.published("Crime fell by half.")

    text, robots = _robots()

    # A sitemap names only pages of the host that serves it.
    assert _sitemap() == {}
    assert robots.site_maps() is None and "Sitemap" not in text
    assert not robots.can_fetch("Googlebot", "http://testserver/admin/")


def test_a_sitemap_too_long_for_one_file_is_split_into_pages_the_index_names(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from reviews.sitemaps import FactCheckSitemap

    monkeypatch.setattr(FactCheckSitemap, "limit", 2)  # 50,000 in the protocol
    late = h.queued("Bus fares doubled in a year.")  # queued first, published last
    items = [h.published(f"Rents rose {n}0 percent.") for n in range(1, 5)]
    reviewer = UserFactory()
    h.draft(late, reviewer)
    publishing.verdict_submit(item_id=late.pk, user=reviewer)
    publishing.verdict_approve(item_id=late.pk, editor=h.editor())

    files = _sitemaps()

    assert files == [
        "http://testserver/sitemap-fact-checks.xml",
        "http://testserver/sitemap-fact-checks.xml?p=2",
        "http://testserver/sitemap-fact-checks.xml?p=3",
    ]
    assert "lastmod" not in Client().get("/sitemap.xml").content.decode()
    assert set(_sitemap()) == {f"http://testserver/fact-checks/{i.pk}/" for i in [*items, late]}
    # A new fact-check joins the last file; the full ones keep their lists.
    last = _xml(files[-1].removeprefix("http://testserver"))
    assert [u.findtext(f"{SITEMAP}loc") for u in last.findall(f"{SITEMAP}url")] == [
        f"http://testserver/fact-checks/{late.pk}/"
    ]
