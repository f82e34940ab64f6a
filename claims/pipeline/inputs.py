"""From bytes as received to a cleaned Document, whatever the input's format."""

from __future__ import annotations

import re
from dataclasses import replace

from charset_normalizer import from_bytes

from claims.pipeline.errors import ExtractionError
from claims.pipeline.html import document_from_html
from claims.pipeline.text import document_from_text
from claims.pipeline.types import Document

FORMATS = ("html", "text")
# A share of control bytes above this means the input is not text at all.
BINARY_CONTROL_SHARE = 0.05
# Western single-byte guesses, among which short text cannot be told apart.
WESTERN_GUESSES = ("cp1252", "latin_1", "iso8859_1", "iso8859_15", "mac_roman", "cp850")
_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
_CONTROL = bytes(c for c in range(32) if c not in (9, 10, 12, 13))
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_\-:.]+)""", re.I)


def looks_binary(raw: bytes) -> bool:
    head = raw[:8192]
    if b"\x00" in head:
        return True
    controls = sum(1 for byte in head if byte in _CONTROL)
    return controls > BINARY_CONTROL_SHARE * max(len(head), 1)


def decode_input(raw: bytes, declared_charset: str = "") -> str:
    """Decode bytes as UTF-8, else the declared or sniffed charset; refuse binary input."""
    if not raw.strip():
        raise ExtractionError("the input is empty")
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError as exc:
                raise ExtractionError(
                    f"the input starts with a {encoding} mark but is not"
                ) from exc
    if looks_binary(raw):
        raise ExtractionError("the input looks binary (control or NUL bytes), not text or HTML")
    candidates = ["utf-8-sig"]
    if declared_charset:
        candidates.insert(0, declared_charset)
    match = _META_CHARSET.search(raw[:4096])
    if match:
        candidates.append(match.group(1).decode("ascii", "ignore"))
    for encoding in candidates:
        try:
            return raw.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    matches = list(from_bytes(raw[:200_000]))
    if not matches:
        raise ExtractionError("the input is not UTF-8 and its character set cannot be detected")
    best = matches[0]
    # Short Western text fits several code pages equally well; windows-1252 is what
    # undeclared legacy pages almost always are (the WHATWG default), so it wins a tie.
    for candidate in matches:
        if (
            candidate.encoding in WESTERN_GUESSES
            and candidate.chaos <= best.chaos + 0.01
            and candidate.coherence >= best.coherence - 0.01
        ):
            best = candidate
            break
    return raw.decode(best.encoding, errors="replace")


def document_from_input(
    raw: bytes, fmt: str, *, url: str = "", title: str = "", charset: str = ""
) -> Document:
    """Decode and clean raw input of format `html` or `text` into a Document."""
    if fmt not in FORMATS:
        raise ExtractionError(f"unknown input format {fmt!r}; expected one of {FORMATS}")
    text = decode_input(raw, charset)
    if fmt == "html":
        document = document_from_html(text, url=url)
        if title and not document.title:
            document = _with_title(document, title)
    else:
        document = document_from_text(text, title=title)
    if document.is_article and not document.text.strip():
        raise ExtractionError("no article text could be found in the input")
    return document


def _with_title(document: Document, title: str) -> Document:
    return replace(document, title=title)


def guess_format(name: str, content_type: str = "", head: bytes = b"") -> str:
    """Pick `html` or `text` from a file name, a Content-Type, or the first bytes."""
    lowered = name.lower()
    if lowered.endswith((".html", ".htm", ".xhtml")) or "html" in content_type:
        return "html"
    # What the bytes say beats a .txt name: scrapers save pages under any name.
    sniff = head[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if sniff.startswith((b"<!doctype html", b"<html")) or b"<body" in sniff:
        return "html"
    return "text"
