"""Whether a page is an article worth mining, and if not, why."""

from __future__ import annotations

import math

from lxml.html import HtmlElement

from claims.pipeline.html.blocks import (
    Block,
)
from claims.pipeline.html.metadata import (
    PageMeta,
)
from claims.pipeline.html.patterns import (
    ERROR_TITLE,
    HIDDEN_STYLE,
    LISTING_TYPES,
    MAX_LINK_SHARE,
    MAYBE,
    MIN_ARTICLE_WORDS,
    READERABLE_MIN_CHARS,
    READERABLE_MIN_SCORE,
    UNLIKELY,
)
from claims.pipeline.language import SUPPORTED_LANGUAGES


def probably_readerable(tree: HtmlElement) -> bool:
    """Firefox Reader View's test: enough long, visible paragraphs outside page furniture."""
    nodes = list(tree.iter("p", "pre"))
    nodes += [br.getparent() for br in tree.iter("br") if br.getparent().tag == "div"]
    score = 0.0
    for node in dict.fromkeys(nodes):
        marks = f"{node.get('class', '')} {node.get('id', '')}"
        if UNLIKELY.search(marks) and not MAYBE.search(marks):
            continue
        if node.get("hidden") is not None or node.get("aria-hidden") == "true":
            continue
        if HIDDEN_STYLE.search(node.get("style", "")) or _inside_list_item(node):
            continue
        length = len(node.text_content().strip())
        if length >= READERABLE_MIN_CHARS:
            score += math.sqrt(length - READERABLE_MIN_CHARS)
            if score > READERABLE_MIN_SCORE:
                return True
    return False


def declares_article(tree: HtmlElement, meta: PageMeta) -> bool:
    if meta.ld_article or meta.tags.get("og:type", "").lower() == "article":
        return True
    return next(tree.iter("article"), None) is not None


def _inside_list_item(node: HtmlElement) -> bool:
    return node.tag == "p" and any(parent.tag == "li" for parent in node.iterancestors())


def _skip_reason(
    raw: list[Block], text: str, title: str, language: str, meta: PageMeta, readerable: bool
) -> str:
    words = len(text.split())
    link_chars = sum(len(block.text) for block in raw if block.is_link)
    if not text:
        return "not an article: no main text found"
    if meta.ld_types & LISTING_TYPES and not meta.ld_article:
        return "not an article: the page describes itself as a listing"
    if link_chars > MAX_LINK_SHARE * sum(len(block.text) for block in raw):
        return "not an article: mostly links (an index or listing page)"
    if not readerable:
        return "not an article: no paragraphs of running text"
    if words < MIN_ARTICLE_WORDS:
        return f"not an article: only {words} words of body text"
    if ERROR_TITLE.search(title) and words < 3 * MIN_ARTICLE_WORDS:
        return "not an article: looks like an error page"
    if language and language not in SUPPORTED_LANGUAGES:
        return f"language {language} is not supported"
    return ""
