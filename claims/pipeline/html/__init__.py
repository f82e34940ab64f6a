"""A news page's main text and metadata, and whether it is an article worth mining.

trafilatura finds the main content; the metadata is read here from the page's meta tags and
JSON-LD because trafilatura's `extract_metadata` spends 20-35 ms per page on author XPath
fallbacks and category scans this service does not use. A last pass over the extracted blocks
drops what DOM-level cleaning leaves behind: share buttons, "Read more" links, newsletter and
donation appeals, related-story lists.
"""

from __future__ import annotations

import trafilatura
from lxml import etree
from lxml.html import HtmlElement, document_fromstring

from claims.pipeline.errors import ExtractionError
from claims.pipeline.html.blocks import (
    body_blocks,
    clean_blocks,
)
from claims.pipeline.html.kind import (
    _skip_reason,
    declares_article,
    probably_readerable,
)
from claims.pipeline.html.metadata import (
    _byline,
    _site_name,
    _title,
    canonical_url,
    declared_language,
    published,
    read_meta,
)
from claims.pipeline.html.patterns import (
    BINARY_CONTROL_SHARE,
    CONTROL,
    SHORT_ARTICLE_WORDS,
    TAG,
)
from claims.pipeline.language import detect_language
from claims.pipeline.types import Document


def document_from_html(html: str, url: str = "") -> Document:
    """Main text, title and metadata of a page, and whether it is an article to mine."""
    tree = _parse(html)
    meta = read_meta(tree)
    site_name = _site_name(meta)
    canonical = canonical_url(tree, meta, url)
    title = _title(tree, meta, site_name, canonical or url)
    byline = _byline(tree, meta)
    raw_blocks = body_blocks(tree, url)
    text = "\n\n".join(block.text for block in clean_blocks(raw_blocks, title, byline))
    language = detect_language(text or title, declared_language(tree, meta))
    readerable = probably_readerable(tree) or (
        declares_article(tree, meta)
        and len(text.split()) <= SHORT_ARTICLE_WORDS
        and text.count("\n\n") >= 1  # a brief has paragraphs; a teaser has one
    )
    skip_reason = _skip_reason(raw_blocks, text, title, language, meta, readerable)
    return Document(
        title=title,
        text=text,
        byline=byline,
        published=published(tree, meta, canonical or url),
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
    if len(CONTROL.findall(head)) > BINARY_CONTROL_SHARE * len(head):
        raise ExtractionError("the input looks binary (control or NUL bytes), not HTML")
    # A stray NUL makes lxml stop reading; the rest of the page is still worth having.
    html = html.replace("\x00", "")
    tree = trafilatura.load_html(html)
    if tree is None and TAG.search(head):
        # trafilatura refuses fragments ("<p>...</p>" alone); a wrapper makes them a document.
        try:
            tree = document_fromstring(f"<html><body>{html}</body></html>")
        except (etree.ParserError, ValueError):
            tree = None
    if tree is None:
        raise ExtractionError("the input could not be parsed as HTML")
    return tree
