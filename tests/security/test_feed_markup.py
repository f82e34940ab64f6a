"""Markup in every text a feed carries stays text: nothing a feed reader would run."""

from __future__ import annotations

import html
from html.parser import HTMLParser
from xml.etree import ElementTree

import pytest
from django.test import Client

from tests.api import helpers as h

pytestmark = pytest.mark.django_db

ATTACK = '"><img src=x onerror=alert(1)><script>alert(2)</script>'
ATOM = "{http://www.w3.org/2005/Atom}"


class _Elements(HTMLParser):
    """The elements and attributes an HTML reader would build from a text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))


def _as_html(text: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    parser = _Elements()
    parser.feed(text)
    parser.close()
    return parser.tags


@pytest.fixture
def hostile() -> None:
    # The claim comes from a pushed article (any API client with the submit scope), the
    # speaker from its attribution; the explanation and summary quote the claim, and the
    # correction note is a reviewer's text.
    item = h.published(f"{ATTACK} Crime fell by half.", speaker=f"Mayor {ATTACK}")
    h.correct(
        item,
        explanation=f"Explanation {ATTACK}",
        summary=f"Summary {ATTACK}",
        note=f"Note {ATTACK}",
    )


def test_rss_text_fields_are_escaped_html(hostile: None) -> None:
    response = Client().get("/feeds/fact-checks.rss")
    root = ElementTree.fromstring(response.content)
    (item,) = root.iter("item")

    for name in ("title", "description", "category"):
        for element in item.iter(name):
            # An RSS reader takes these for HTML: only our own <p>s may come out of them.
            assert {tag for tag, _ in _as_html(element.text or "")} <= {"p"}, name
            assert all(not attrs for _, attrs in _as_html(element.text or "")), name
    description = item.findtext("description") or ""
    assert html.unescape(description).count(ATTACK) == 3  # explanation, summary, note
    assert ATTACK in html.unescape(item.findtext("title") or "")


def test_atom_titles_are_text_and_summaries_escaped_html(hostile: None) -> None:
    response = Client().get("/feeds/fact-checks.atom")
    root = ElementTree.fromstring(response.content)
    (entry,) = root.iter(f"{ATOM}entry")

    title = entry.find(f"{ATOM}title")
    assert title is not None and title.get("type", "text") == "text"
    assert ATTACK in (title.text or "")  # text: a reader shows it, never parses it
    for element in entry:
        kind = element.get("type", "text")
        if kind == "html":
            assert {tag for tag, _ in _as_html(element.text or "")} <= {"p"}, element.tag
            assert all(not attrs for _, attrs in _as_html(element.text or "")), element.tag
        assert kind in ("text", "html"), f"{element.tag} is typed {kind}"
    summary = entry.find(f"{ATOM}summary")
    assert summary is not None and html.unescape(summary.text or "").count(ATTACK) == 3


def test_the_json_feed_carries_text_only(hostile: None) -> None:
    (entry,) = Client().get("/feeds/fact-checks.json").json()["items"]

    # JSON Feed's title, summary and content_text are plain text by the specification;
    # content_html, which readers render, is never sent.
    assert "content_html" not in entry
    assert ATTACK in entry["title"] and entry["content_text"].count(ATTACK) == 3
    assert ATTACK in entry["summary"]
