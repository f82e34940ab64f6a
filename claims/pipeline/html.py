"""A news page's main text and metadata, and whether it is an article worth mining.

trafilatura finds the main content; the metadata is read here from the page's meta tags and
JSON-LD because trafilatura's `extract_metadata` spends 20-35 ms per page on author XPath
fallbacks and category scans this service does not use. A last pass over the extracted blocks
drops what DOM-level cleaning leaves behind: share buttons, "Read more" links, newsletter and
donation appeals, related-story lists.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import trafilatura
from htmldate import find_date
from lxml import etree
from lxml.html import HtmlElement, document_fromstring

from claims.pipeline.errors import ExtractionError
from claims.pipeline.language import SUPPORTED_LANGUAGES, detect_language, normalise_language
from claims.pipeline.types import Document

# Below this many words of body text a page is a stub, a video or gallery page, or a paywall.
# Wire briefs of a few sentences are news too; below this it is a teaser or a stub.
MIN_ARTICLE_WORDS = 40
# Pages that mark themselves as articles (an <article> element, og:type, JSON-LD) are
# trusted below Reader View's length test up to this many words.
SHORT_ARTICLE_WORDS = 250
# Share of the extracted text made of whole link texts above which a page is an index.
MAX_LINK_SHARE = 0.5
# A block this short that is a link's whole text is navigation or a teaser for another story.
LINK_BLOCK_WORDS = 15
# Reader View's threshold: paragraphs of 140+ characters, sqrt(length - 140) summing past 20.
READERABLE_MIN_CHARS = 140
READERABLE_MIN_SCORE = 20.0
# Blocks before the lede at most this long are kickers, bylines and datelines.
PREAMBLE_WORDS = 8
# A "Related"/"More from" heading past this share of the text starts the page's tail.
TAIL_START = 0.5
# An appeal ("Sign up for our newsletter ...") is never longer than this.
APPEAL_WORDS = 80
# Labels, buttons and section names ("Share this article", "More from Politics") are this short.
FURNITURE_WORDS = 8
# A share of control characters above this means the input is not text at all.
BINARY_CONTROL_SHARE = 0.05

_SEPARATORS = re.compile(r"\s+[|\-–—·•»:]{1,2}\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")
_TAG = re.compile(r"<[A-Za-z!/]")
_CDATA = re.compile(r"^\s*(?://\s*)?(?:<!\[CDATA\[|<!--)|(?://\s*)?(?:\]\]>|-->)\s*$")
_SENTENCE_END = re.compile(r"[.!?:;\"”’)]$")
_BY = re.compile(r"^\s*by\s+", re.I)
_BYLINE_END = re.compile(r"\s*(?:\d|@|\||\s[-–—]\s).*$")
_ERROR_TITLE = re.compile(
    r"\b(?:404|page not found|page (?:is )?(?:unavailable|no longer available)|access denied|"
    r"server error|error \d{3}|something went wrong|content (?:is )?not available)\b",
    re.I,
)
# schema.org types of a story: NewsArticle, BlogPosting, LiveBlogPosting, Report, ...
_ARTICLE_TYPE = re.compile(r"Article|Posting|^Report$")
_DUBLIN_CORE = re.compile(r"^(dc|dcterms?)\.")
_LISTING_TYPES = frozenset({"CollectionPage", "ItemList", "SearchResultsPage", "ProfilePage"})
# Whole blocks that are page furniture, never prose.
_FURNITURE = re.compile(
    r"(advertisement|advertising|sponsored(?: content)?|continue reading(?: the main story)?|"
    r"read (?:more|next|the full (?:story|article))|more|related(?: \w+)?|see also|"
    r"share(?: this(?: \w+)?| on \w+)?|tweet|e-?mail|print|close|fullscreen|thumbnails|"
    r"previous|next|comments?|(?:loading|show|view) comments|\d+ comments?|\d+ of \d+|"
    r"image|photo|video|play video|back to top|sign (?:up|in)|log ?in|subscribe(?: now)?|"
    r"follow us(?: on \w+)?|topics|tags|you might also like|recommended(?: for you)?|"
    r"most (?:popular|read|viewed)|trending(?: now)?|top stories|latest news|more stories|"
    r"more (?:from|on|in) .{1,40}|more \w+ news|around the web|what to read next|"
    r"featured (?:slide ?shows?|videos?|stories)|editors'? picks)",
    re.I,
)
# Headings that open what follows a story: other stories, comments. Kept narrow, because
# everything after one (late in the page) is dropped.
_TAIL_MARKER = re.compile(
    r"(read more|related(?: \w+)?|more (?:from|on|in) .{1,40}|more \w+ news|more stories|"
    r"you might also like|recommended(?: for you)?|most (?:popular|read|viewed)|"
    r"trending(?: now)?|top stories|latest news|around the web|what to read next|comments|"
    r"featured (?:slide ?shows?|videos?|stories)|editors'? picks)",
    re.I,
)
# Blocks that open like this are a link or a label for one ("Related: ...", "Topics: ...").
_LABELLED = re.compile(
    r"^(?:related|read (?:more|next|also)|also read|see also|more on this|recommended|watch|"
    r"listen|more \w+ news|topics|tags|filed under|categories|image (?:copyright|caption)|"
    r"photo(?:graph)?|credit|illustration)\s*:",
    re.I,
)
# Newsletter, subscription and donation appeals; matched only in short blocks.
_APPEAL = re.compile(
    r"sign up (?:for|to) (?:our|the)|subscribe (?:to|for) (?:our|the)|"
    r"our (?:\w+ )?newsletters?\b|support (?:our|independent|quality) journalism|"
    r"(?:please )?consider (?:supporting|subscribing|donating)|"
    r"make a (?:\w+ )?(?:contribution|donation) to|become a (?:member|subscriber|supporter)|"
    r"already a subscriber|subscribe now|subscribe today|donate now|to continue reading|"
    r"readers like you|in your inbox|delivered to your inbox|click here to (?:subscribe|sign up)",
    re.I,
)
# "(Jim Watson/AFP/Getty Images)", "Photo: Reuters": a caption's credit, not "... said Reuters."
_PHOTO_CREDIT = re.compile(
    r"(?:[/|(]|\b(?:photo(?:graph)?|credit|image)s?:?)\s*"
    r"(?:getty images|reuters|afp|associated press|ap|shutterstock|epa)\)?\W*$",
    re.I,
)
_SPACE = re.compile(r"\s+")
_NON_WORD = re.compile(r"[\W_]+")
_TRAILING = " .:…»›>|"
_BREAKING = frozenset({"p", "head", "item", "quote", "cell", "list"})
# Stands for a <br> while an element's text is assembled: two in a row end a paragraph.
_LINE_BREAK = "\x1e"
_PARAGRAPH_BREAK = re.compile(r"\x1e\s*\x1e[\x1e\s]*")
# Class and id words of page furniture, and those that rescue a node anyway (Reader View's).
_UNLIKELY = re.compile(
    r"-ad-|ai2html|banner|breadcrumbs|combx|comment|community|cover-wrap|disqus|extra|footer|"
    r"gdpr|header|legends|menu|related|remark|replies|rss|shoutbox|sidebar|skyscraper|social|"
    r"sponsor|supplemental|ad-break|agegate|pagination|pager|popup|yom-remote",
    re.I,
)
_MAYBE = re.compile(r"and|article|body|column|main|shadow", re.I)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none", re.I)


@dataclass(frozen=True)
class _Block:
    text: str
    kind: str  # "p", "head", "item" or "row"
    key: str  # the text reduced for comparison, see _key()
    words: int
    is_link: bool = False  # the whole block is the text of a link on the page


@dataclass
class _PageMeta:
    tags: dict[str, str] = field(default_factory=dict)
    ld_article: dict[str, Any] = field(default_factory=dict)
    ld_types: set[str] = field(default_factory=set)


def document_from_html(html: str, url: str = "") -> Document:
    """Main text, title and metadata of a page, and whether it is an article to mine."""
    tree = _parse(html)
    meta = _read_meta(tree)
    site_name = _site_name(meta)
    canonical = _canonical_url(tree, meta, url)
    title = _title(tree, meta, site_name, canonical or url)
    byline = _byline(tree, meta)
    raw_blocks = _body_blocks(tree, url)
    text = "\n\n".join(block.text for block in _clean_blocks(raw_blocks, title, byline))
    language = detect_language(text or title, _declared_language(tree, meta))
    readerable = _probably_readerable(tree) or (
        _declares_article(tree, meta)
        and len(text.split()) <= SHORT_ARTICLE_WORDS
        and text.count("\n\n") >= 1  # a brief has paragraphs; a teaser has one
    )
    skip_reason = _skip_reason(raw_blocks, text, title, language, meta, readerable)
    return Document(
        title=title,
        text=text,
        byline=byline,
        published=_published(tree, meta, canonical or url),
        language=language,
        site_name=site_name,
        canonical_url=canonical,
        is_article=not skip_reason,
        skip_reason=skip_reason,
    )


def _parse(html: str) -> HtmlElement:
    if not html or not html.strip():
        raise ExtractionError("the HTML is empty")
    head = html[:8192]
    if len(_CONTROL.findall(head)) > BINARY_CONTROL_SHARE * len(head):
        raise ExtractionError("the input looks binary (control or NUL bytes), not HTML")
    # A stray NUL makes lxml stop reading; the rest of the page is still worth having.
    html = html.replace("\x00", "")
    tree = trafilatura.load_html(html)
    if tree is None and _TAG.search(head):
        # trafilatura refuses fragments ("<p>...</p>" alone); a wrapper makes them a document.
        try:
            tree = document_fromstring(f"<html><body>{html}</body></html>")
        except (etree.ParserError, ValueError):
            tree = None
    if tree is None:
        raise ExtractionError("the input could not be parsed as HTML")
    return tree


def _clean(text: str | None) -> str:
    return _SPACE.sub(" ", text or "").strip()


def _read_meta(tree: HtmlElement) -> _PageMeta:
    meta = _PageMeta()
    # Meta tags are read wherever they are: broken pages put them in <body>.
    for element in tree.iter("meta"):
        key = element.get("property") or element.get("name") or element.get("itemprop")
        key = (key or element.get("http-equiv") or "").strip().lower()
        content = _clean(element.get("content"))
        if key and content:
            # Dublin Core is written both ways: "dc.title" and "dc:title".
            meta.tags.setdefault(_DUBLIN_CORE.sub(r"\1:", key), content)
    for script in tree.iter("script"):
        if "ld+json" not in (script.get("type") or "").lower():
            continue
        try:
            data = json.loads(_CDATA.sub("", script.text or ""))
        except ValueError:
            continue  # Broken JSON-LD is common; the meta tags still tell most of it.
        for item in _json_objects(data):
            types = item.get("@type")
            types = {types} if isinstance(types, str) else set(types or ())
            meta.ld_types |= {t for t in types if isinstance(t, str)}
            is_story = any(isinstance(t, str) and _ARTICLE_TYPE.search(t) for t in types)
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
        return _clean(value)
    if isinstance(value, dict):
        return _ld_text(value.get("name"))
    if isinstance(value, list):
        return ", ".join(text for text in (_ld_text(item) for item in value) if text)
    return ""


def _site_name(meta: _PageMeta) -> str:
    publisher = _ld_text(meta.ld_article.get("publisher"))
    for candidate in (meta.tags.get("og:site_name"), publisher, meta.tags.get("application-name")):
        if candidate:
            return candidate.lstrip("@")
    return ""


def _canonical_url(tree: HtmlElement, meta: _PageMeta, url: str) -> str:
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
    return _NON_WORD.sub("", text.casefold())


def _is_site_label(segment: str, site_name: str, host: str) -> bool:
    """Whether a title segment ("BBC News", "Salon.com") names the site rather than the story."""
    label = _key(segment).removeprefix("the")
    if len(label) < 3 or len(segment.split()) > 6:
        return False
    site = _key(site_name).removeprefix("the")
    if site and (label in site or site in label):
        return True
    # "The Washington Post" on washingtonpost.com, "Salon.com" on salon.com.
    domain = host.removeprefix("www.").rsplit(".", 1)[0].replace(".", "")
    return bool(domain) and len(domain) > 2 and (label in domain or domain in label)


def _strip_site(title: str, site_name: str, host: str) -> str:
    """The headline of "Headline - Site" or "Site | Headline", when the site is recognised."""
    while (last := list(_SEPARATORS.finditer(title))) and _is_site_label(
        title[last[-1].end() :], site_name, host
    ):
        title = title[: last[-1].start()]
    first = _SEPARATORS.search(title)
    if first and _is_site_label(title[: first.start()], site_name, host):
        title = title[first.end() :]
    return title.strip()


def _title(tree: HtmlElement, meta: _PageMeta, site_name: str, url: str) -> str:
    host = urlsplit(url).hostname or ""
    headings = [_clean(h.text_content()) for h in tree.iter("h1")]
    headings = [h for h in headings if h and not _is_site_label(h, site_name, host)]
    title_element = tree.find(".//title")
    page_title = _clean(title_element.text_content()) if title_element is not None else ""
    # Structured and social titles name the story; <title> carries SEO suffixes and an <h1>
    # may be the site's logo, so they are fallbacks. The order is Readability's.
    for candidate in (
        _ld_text(meta.ld_article.get("headline") or meta.ld_article.get("name")),
        meta.tags.get("dc:title"),
        meta.tags.get("dcterm:title") or meta.tags.get("dcterms:title"),
        meta.tags.get("og:title"),
        meta.tags.get("title"),
        meta.tags.get("twitter:title"),
        meta.tags.get("parsely-title"),
    ):
        if candidate and not _is_site_label(candidate, site_name, host):
            return _strip_site(candidate, site_name, host)
    for heading in headings:
        # An <h1> that the <title> repeats is the headline, not a section name.
        if _key(heading) in _key(page_title):
            return heading
    if len(headings) == 1:
        return headings[0]
    return _strip_site(page_title, site_name, host) or (headings[0] if headings else "")


def _byline(tree: HtmlElement, meta: _PageMeta) -> str:
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
            names.extend(_BY.sub("", part) for part in re.split(r"\s*[;,]\s*|\s+and\s+", candidate))
    if not names:
        names = _byline_from_page(tree)
    unique: dict[str, str] = {}
    for name in names:
        name = _clean(name)
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
        name = _BYLINE_END.sub("", _BY.sub("", _clean(element.text_content())))
        if 2 <= len(name.split()) <= 5 and len(name) <= 60 and any(c.isupper() for c in name):
            return [name]
    return []


def _published(tree: HtmlElement, meta: _PageMeta, url: str) -> str:
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


def _declared_language(tree: HtmlElement, meta: _PageMeta) -> str:
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


def _body_blocks(tree: HtmlElement, url: str) -> list[_Block]:
    extracted = trafilatura.bare_extraction(
        tree,
        url=url or None,
        fast=True,  # the fallback extractors double the time and changed nothing on real pages
        include_comments=False,
        include_tables=True,
        # Kept off: with links on, trafilatura keeps link lists it otherwise prunes.
        include_links=False,
        with_metadata=False,
    )
    body = getattr(extracted, "body", None)
    if body is None:
        return []
    links = _link_texts(tree)
    blocks = []
    for element in body:
        for kind, text in _element_texts(element):
            if text:
                key = _key(text)
                blocks.append(_Block(text, kind, key, len(text.split()), key in links))
    return blocks


def _link_texts(tree: HtmlElement) -> set[str]:
    """Texts of the page's links long enough to be a headline or a call to action."""
    links = set()
    for anchor in tree.iter("a"):
        text = anchor.text_content()
        if len(text) > 12:
            links.add(_key(text))
    return links


def _element_texts(element: etree._Element) -> Iterator[tuple[str, str]]:
    if element.tag == "list":
        for item in element.iter("item"):
            yield from (("item", text) for text in _texts(item, skip="list"))
    elif element.tag == "table":
        for row in element.iter("row"):
            cells = (" ".join(_texts(cell)) for cell in row.iter("cell"))
            yield "row", " | ".join(cell for cell in cells if cell)
    else:
        kind = "head" if element.tag == "head" else "p"
        yield from ((kind, text) for text in _texts(element))
    yield "p", _clean(element.tail)


def _texts(element: etree._Element, skip: str = "") -> list[str]:
    """An element's text, as several paragraphs where it holds <br><br>-separated ones."""
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        parts.append(node.text or "")
        for child in node:
            if child.tag == "lb":
                parts.append(_LINE_BREAK)
            elif child.tag != skip:
                if child.tag in _BREAKING:
                    parts.append(" ")
                walk(child)
            parts.append(child.tail or "")

    walk(element)
    paragraphs = _PARAGRAPH_BREAK.split("".join(parts))
    return [_clean(paragraph.replace(_LINE_BREAK, " ")) for paragraph in paragraphs]


def _is_boilerplate(block: _Block) -> bool:
    text = block.text
    if block.words <= FURNITURE_WORDS and _FURNITURE.fullmatch(text.rstrip(_TRAILING)):
        return True
    # A short paragraph that is all link is a teaser for another story or a button; a heading
    # that is a link is kept, as list articles link each item's name.
    if block.is_link and block.kind != "head" and block.words <= LINK_BLOCK_WORDS:
        return True
    if block.words <= 40 and (_LABELLED.match(text) or _PHOTO_CREDIT.search(text[-80:])):
        return True
    if text.startswith("[") and text.endswith("]") and block.words <= LINK_BLOCK_WORDS:
        return True  # an inline "[Read: other story]" teaser
    return block.words <= APPEAL_WORDS and bool(_APPEAL.search(text))


def _clean_blocks(blocks: list[_Block], title: str, byline: str) -> list[_Block]:
    total = sum(len(block.text) for block in blocks) or 1
    kept: list[_Block] = []
    seen: set[str] = set()
    done = 0
    in_preamble = True
    headline, byline_key = _key(title), _key(byline)
    for block in blocks:
        done += len(block.text)
        # Related-story lists and comment sections follow the story: once one starts late in
        # the page, nothing after it is the article.
        late = done / total > TAIL_START and bool(kept)
        marker = block.words <= FURNITURE_WORDS and _TAIL_MARKER.fullmatch(
            block.text.rstrip(_TRAILING)
        )
        if late and marker:
            break
        if not block.key or block.key in seen or _is_boilerplate(block):
            continue
        if in_preamble and _is_preamble(block, headline, byline_key):
            continue
        in_preamble = in_preamble and (block.kind == "head" or block.words < 2 * PREAMBLE_WORDS)
        seen.add(block.key)
        kept.append(block)
    return kept


def _is_preamble(block: _Block, headline: str, byline: str) -> bool:
    """Whether a block before the lede is the headline, a byline, a dateline or a kicker."""
    if block.key in (headline, byline) or _BY.match(block.text):
        return block.words <= PREAMBLE_WORDS * 4
    return block.words <= PREAMBLE_WORDS and not _SENTENCE_END.search(block.text)


def _probably_readerable(tree: HtmlElement) -> bool:
    """Firefox Reader View's test: enough long, visible paragraphs outside page furniture."""
    nodes = list(tree.iter("p", "pre"))
    nodes += [br.getparent() for br in tree.iter("br") if br.getparent().tag == "div"]
    score = 0.0
    for node in dict.fromkeys(nodes):
        marks = f"{node.get('class', '')} {node.get('id', '')}"
        if _UNLIKELY.search(marks) and not _MAYBE.search(marks):
            continue
        if node.get("hidden") is not None or node.get("aria-hidden") == "true":
            continue
        if _HIDDEN_STYLE.search(node.get("style", "")) or _inside_list_item(node):
            continue
        length = len(node.text_content().strip())
        if length >= READERABLE_MIN_CHARS:
            score += math.sqrt(length - READERABLE_MIN_CHARS)
            if score > READERABLE_MIN_SCORE:
                return True
    return False


def _declares_article(tree: HtmlElement, meta: _PageMeta) -> bool:
    if meta.ld_article or meta.tags.get("og:type", "").lower() == "article":
        return True
    return next(tree.iter("article"), None) is not None


def _inside_list_item(node: HtmlElement) -> bool:
    return node.tag == "p" and any(parent.tag == "li" for parent in node.iterancestors())


def _skip_reason(
    raw: list[_Block], text: str, title: str, language: str, meta: _PageMeta, readerable: bool
) -> str:
    words = len(text.split())
    link_chars = sum(len(block.text) for block in raw if block.is_link)
    if not text:
        return "not an article: no main text found"
    if meta.ld_types & _LISTING_TYPES and not meta.ld_article:
        return "not an article: the page describes itself as a listing"
    if link_chars > MAX_LINK_SHARE * sum(len(block.text) for block in raw):
        return "not an article: mostly links (an index or listing page)"
    if not readerable:
        return "not an article: no paragraphs of running text"
    if words < MIN_ARTICLE_WORDS:
        return f"not an article: only {words} words of body text"
    if _ERROR_TITLE.search(title) and words < 3 * MIN_ARTICLE_WORDS:
        return "not an article: looks like an error page"
    if language and language not in SUPPORTED_LANGUAGES:
        return f"language {language} is not supported"
    return ""
