"""The page's body as blocks of text, with boilerplate blocks dropped."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import trafilatura
from lxml import etree
from lxml.html import HtmlElement

from claims.pipeline.html.metadata import (
    _key,
    clean,
)
from claims.pipeline.html.patterns import (
    APPEAL,
    APPEAL_WORDS,
    BREAKING,
    BY,
    FURNITURE,
    FURNITURE_WORDS,
    LABELLED,
    LINE_BREAK,
    LINK_BLOCK_WORDS,
    PARAGRAPH_BREAK,
    PHOTO_CREDIT,
    PREAMBLE_WORDS,
    SENTENCE_END,
    TAIL_MARKER,
    TAIL_START,
    TRAILING,
)


@dataclass(frozen=True)
class Block:
    text: str
    kind: str  # "p", "head", "item" or "row"
    key: str  # the text reduced for comparison, see _key()
    words: int
    is_link: bool = False  # the whole block is the text of a link on the page


def body_blocks(tree: HtmlElement, url: str) -> list[Block]:
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
                blocks.append(Block(text, kind, key, len(text.split()), key in links))
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
    yield "p", clean(element.tail)


def _texts(element: etree._Element, skip: str = "") -> list[str]:
    """An element's text, as several paragraphs where it holds <br><br>-separated ones."""
    parts: list[str] = []

    def walk(node: etree._Element) -> None:
        parts.append(node.text or "")
        for child in node:
            if child.tag == "lb":
                parts.append(LINE_BREAK)
            elif child.tag != skip:
                if child.tag in BREAKING:
                    parts.append(" ")
                walk(child)
            parts.append(child.tail or "")

    walk(element)
    paragraphs = PARAGRAPH_BREAK.split("".join(parts))
    return [clean(paragraph.replace(LINE_BREAK, " ")) for paragraph in paragraphs]


def _is_boilerplate(block: Block) -> bool:
    text = block.text
    if block.words <= FURNITURE_WORDS and FURNITURE.fullmatch(text.rstrip(TRAILING)):
        return True
    # A short paragraph that is all link is a teaser for another story or a button; a heading
    # that is a link is kept, as list articles link each item's name.
    if block.is_link and block.kind != "head" and block.words <= LINK_BLOCK_WORDS:
        return True
    if block.words <= 40 and (LABELLED.match(text) or PHOTO_CREDIT.search(text[-80:])):
        return True
    if text.startswith("[") and text.endswith("]") and block.words <= LINK_BLOCK_WORDS:
        return True  # an inline "[Read: other story]" teaser
    return block.words <= APPEAL_WORDS and bool(APPEAL.search(text))


def clean_blocks(blocks: list[Block], title: str, byline: str) -> list[Block]:
    total = sum(len(block.text) for block in blocks) or 1
    kept: list[Block] = []
    seen: set[str] = set()
    done = 0
    in_preamble = True
    headline, byline_key = _key(title), _key(byline)
    for block in blocks:
        done += len(block.text)
        # Related-story lists and comment sections follow the story: once one starts late in
        # the page, nothing after it is the article.
        late = done / total > TAIL_START and bool(kept)
        marker = block.words <= FURNITURE_WORDS and TAIL_MARKER.fullmatch(
            block.text.rstrip(TRAILING)
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


def _is_preamble(block: Block, headline: str, byline: str) -> bool:
    """Whether a block before the lede is the headline, a byline, a dateline or a kicker."""
    if block.key in (headline, byline) or BY.match(block.text):
        return block.words <= PREAMBLE_WORDS * 4
    return block.words <= PREAMBLE_WORDS and not SENTENCE_END.search(block.text)
