"""A page's metadata from its meta tags and JSON-LD: title, byline, date, site, language."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from htmldate import find_date
from lxml.html import HtmlElement

from claims.pipeline.html.patterns import (
    ARTICLE_TYPE,
    BY,
    BYLINE_END,
    CDATA,
    DUBLIN_CORE,
    NON_WORD,
    SEPARATORS,
    SPACE,
)
from claims.pipeline.language import normalise_language


@dataclass
class PageMeta:
    tags: dict[str, str] = field(default_factory=dict)
    ld_article: dict[str, Any] = field(default_factory=dict)
    ld_types: set[str] = field(default_factory=set)


def clean(text: str | None) -> str:
    return SPACE.sub(" ", text or "").strip()


def read_meta(tree: HtmlElement) -> PageMeta:
    meta = PageMeta()
    # Meta tags are read wherever they are: broken pages put them in <body>.
    for element in tree.iter("meta"):
        key = element.get("property") or element.get("name") or element.get("itemprop")
        key = (key or element.get("http-equiv") or "").strip().lower()
        content = clean(element.get("content"))
        if key and content:
            # Dublin Core is written both ways: "dc.title" and "dc:title".
            meta.tags.setdefault(DUBLIN_CORE.sub(r"\1:", key), content)
    for script in tree.iter("script"):
        if "ld+json" not in (script.get("type") or "").lower():
            continue
        try:
            data = json.loads(CDATA.sub("", script.text or ""))
        # Broken JSON-LD is common; the meta tags still tell most of it. RecursionError: lists
        # nested thousands deep, which must not cost the page its text.
        except (ValueError, RecursionError):
            continue
        for item in _json_objects(data):
            types = item.get("@type")
            types = {types} if isinstance(types, str) else set(types or ())
            meta.ld_types |= {t for t in types if isinstance(t, str)}
            is_story = any(isinstance(t, str) and ARTICLE_TYPE.search(t) for t in types)
            if is_story and not meta.ld_article:
                meta.ld_article = item
    return meta


def _json_objects(data: Any) -> Iterator[dict[str, Any]]:
    if isinstance(data, list):
        for item in data:
            yield from _json_objects(item)
    elif isinstance(data, dict):
        yield data
        yield from _json_objects(data.get("@graph"))


def _ld_text(value: Any) -> str:
    """A JSON-LD value as text: names of objects, names of lists of objects joined."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict):
        return _ld_text(value.get("name"))
    if isinstance(value, list):
        return ", ".join(text for text in (_ld_text(item) for item in value) if text)
    return ""


def _site_name(meta: PageMeta) -> str:
    publisher = _ld_text(meta.ld_article.get("publisher"))
    for candidate in (meta.tags.get("og:site_name"), publisher, meta.tags.get("application-name")):
        if candidate:
            return candidate.lstrip("@")
    return ""


def canonical_url(tree: HtmlElement, meta: PageMeta, url: str) -> str:
    candidates = [
        link.get("href")
        for link in tree.iter("link")
        if "canonical" in (link.get("rel") or "").lower().split()
    ]
    candidates += [meta.tags.get("og:url"), _ld_text(meta.ld_article.get("url"))]
    for candidate in candidates:
        if candidate and candidate.strip():
            absolute = urljoin(url, candidate.strip())
            if urlsplit(absolute).scheme in ("http", "https"):
                return absolute
    return url


def _key(text: str) -> str:
    """Text reduced to its letters and digits, for comparing blocks, titles and links."""
    return NON_WORD.sub("", text.casefold())


# Site names are short: "BBC News", "The Washington Post", "Salon.com".
_SITE_WORDS = 6


def _is_site_label(segment: str, site_name: str, host: str) -> bool:
    """Whether a title segment ("BBC News", "Salon.com") names the site rather than the story."""
    label = _key(segment).removeprefix("the")
    if len(label) < 3 or len(segment.split()) > _SITE_WORDS:
        return False
    site = _key(site_name).removeprefix("the")
    if site and (label in site or site in label):
        return True
    # "The Washington Post" on washingtonpost.com, "Salon.com" on salon.com.
    domain = host.removeprefix("www.").rsplit(".", 1)[0].replace(".", "")
    return bool(domain) and len(domain) > 2 and (label in domain or domain in label)


def _strip_site(title: str, site_name: str, host: str) -> str:
    """The headline of "Headline - Site", "Headline - Section - Site" or "Site | Headline",
    when the site is recognised."""
    stripped = False
    while (last := list(SEPARATORS.finditer(title))) and _is_site_label(
        title[last[-1].end() :], site_name, host
    ):
        title, stripped = title[: last[-1].start()], True
    last = list(SEPARATORS.finditer(title))
    if (
        stripped
        and last
        and len(title[last[-1].end() :].split()) <= _SHORT_TITLE_WORDS
        and len(title[: last[-1].start()].split()) > _SHORT_TITLE_WORDS
    ):
        title = title[: last[-1].start()]  # a section's name between headline and site
    first = SEPARATORS.search(title)
    if first and _is_site_label(title[: first.start()], site_name, host):
        title = title[first.end() :]
    return title.strip()


# A contained title agrees with a longer one when it is at least this share of it: "Headline"
# and "Headline - Section" agree, "Politics" and "Headline - Politics" do not.
_CONTAINED_SHARE = 0.5
# Headlines are rarely this short; site and section names ("Yahoo News", "Politics") often are.
_SHORT_TITLE_WORDS = 3


def _title(tree: HtmlElement, meta: PageMeta, site_name: str, url: str) -> str:
    """The story's headline: the most trusted candidate that is not a lone site or section name
    ("Yahoo News", "Politics") while other candidates agree on a headline."""
    host = urlsplit(url).hostname or ""
    headings = [clean(h.text_content()) for h in tree.iter("h1")]
    title_element = tree.find(".//title")
    page_title = clean(title_element.text_content()) if title_element is not None else ""
    site_name = site_name or _site_repeated(
        [page_title, *headings[:3]], [page_title, *meta.tags.values()]
    )
    headings = [h for h in headings if h and not _is_site_label(h, site_name, host)]
    # Structured and social titles name the story; <title> carries SEO suffixes and an <h1>
    # may be the site's logo, so they are fallbacks. The order is Readability's.
    structured = [
        _strip_site(candidate, site_name, host)
        for candidate in (
            _ld_text(meta.ld_article.get("headline") or meta.ld_article.get("name")),
            meta.tags.get("dc:title"),
            meta.tags.get("dcterm:title") or meta.tags.get("dcterms:title"),
            meta.tags.get("og:title"),
            meta.tags.get("title"),
            meta.tags.get("twitter:title"),
            meta.tags.get("parsely-title"),
        )
        if candidate and not _is_site_label(candidate, site_name, host)
    ]
    visible = [*headings[:3], _strip_site(page_title, site_name, host)]
    keys = [_key(c) for c in [*structured, *visible]]
    for index, candidate in enumerate(structured):
        if candidate and not _lone_label(index, keys, candidate):
            return candidate
    stripped = _strip_site(page_title, site_name, host)
    for heading in headings:
        # An <h1> that the <title> repeats is the headline; a short one inside a longer <title>
        # ("Politics" in "Headline - Politics - Site") is a section name.
        key = _key(heading)
        if _agree(key, _key(stripped)) or (
            key in _key(page_title) and len(heading.split()) > _SHORT_TITLE_WORDS
        ):
            return heading
    if len(headings) == 1 and (
        len(headings[0].split()) > _SHORT_TITLE_WORDS or len(stripped.split()) <= _SHORT_TITLE_WORDS
    ):
        return headings[0]
    return stripped or (headings[0] if headings else "")


def _site_repeated(labels: list[str], titles: list[str]) -> str:
    """A page that names no site may still show its name: a short <title> or <h1> ("The Daily
    Courier") that another title carries as its first or last segment beside a longer rest
    ("Headline of several words | The Daily Courier"), and that no title gives alone (a
    headline the <h1> and og:title share is no site name)."""
    whole = {_key(title) for title in titles}
    for label in labels:
        key = _key(label)
        words = len(label.split())
        if len(key) < 3 or words > _SITE_WORDS or key in whole - {_key(labels[0])}:
            continue
        for title in titles:
            segments = SEPARATORS.split(title)
            for segment, rest in ((segments[0], segments[1:]), (segments[-1], segments[:-1])):
                if rest and _key(segment) == key and len(" ".join(rest).split()) > words:
                    return label
    return ""


def _lone_label(index: int, keys: list[str], candidate: str) -> bool:
    """Whether a short candidate no other one agrees with stands beside a headline that others
    agree on: a site or section name given as the page's title."""
    if len(candidate.split()) > _SHORT_TITLE_WORDS:
        return False
    if any(_agree(keys[index], other) for j, other in enumerate(keys) if j != index and other):
        return False
    return any(
        _agree(key, other)
        for i, key in enumerate(keys)
        if i != index and key
        for j, other in enumerate(keys)
        if j not in (i, index) and other
    )


def _agree(key: str, other: str) -> bool:
    if key == other:
        return True
    short, long = (key, other) if len(key) < len(other) else (other, key)
    return bool(short) and short in long and len(short) >= _CONTAINED_SHARE * len(long)


def _byline(tree: HtmlElement, meta: PageMeta) -> str:
    names: list[str] = []
    for candidate in (
        _ld_text(meta.ld_article.get("author")),
        meta.tags.get("author"),
        meta.tags.get("article:author"),
        meta.tags.get("byl"),
        meta.tags.get("dc:creator"),
    ):
        # article:author is often a profile URL; a single word is often a handle.
        if candidate and "://" not in candidate and " " in candidate.strip():
            names.extend(BY.sub("", part) for part in re.split(r"\s*[;,]\s*|\s+and\s+", candidate))
    if not names:
        names = _byline_from_page(tree)
    unique: dict[str, str] = {}
    for name in names:
        name = clean(name)
        if name:
            unique.setdefault(name.casefold(), name.title() if name.isupper() else name)
    return ", ".join(unique.values())


def _byline_from_page(tree: HtmlElement) -> list[str]:
    body = tree.find("body")
    if body is None:
        return []
    elements = body.xpath(
        ".//*[@rel='author' or @itemprop='author' or contains(@class, 'byline')"
        " or contains(@class, 'author-name')]"
    )
    for element in elements[:12]:
        name = BYLINE_END.sub("", BY.sub("", clean(element.text_content())))
        if 2 <= len(name.split()) <= 5 and len(name) <= 60 and any(c.isupper() for c in name):
            return [name]
    return []


def published(tree: HtmlElement, meta: PageMeta, url: str) -> str:
    for key in (
        "article:published_time",
        "datepublished",
        "pubdate",
        "publishdate",
        "sailthru.date",
        "parsely-pub-date",
        "dc:date",
        "dcterms:created",
        "date",
    ):
        if meta.tags.get(key):
            return meta.tags[key]
    if isinstance(meta.ld_article.get("datePublished"), str):
        return str(meta.ld_article["datePublished"])
    # htmldate guesses from the URL, <time> elements and visible dates; its fast mode is enough.
    found = find_date(tree, url=url or None, extensive_search=False, original_date=True)
    return found or ""


def declared_language(tree: HtmlElement, meta: PageMeta) -> str:
    for candidate in (
        tree.get("lang"),
        tree.get("xml:lang"),
        meta.tags.get("content-language"),
        meta.tags.get("og:locale"),
        _ld_text(meta.ld_article.get("inLanguage")),
    ):
        if normalise_language(candidate or ""):
            return candidate or ""
    return ""
