"""From bytes as received to a cleaned Document, whatever the input's format."""

from __future__ import annotations

import re

from claims.pipeline.errors import ExtractionError
from claims.pipeline.types import Document

FORMATS = ("html", "text")
# A share of control bytes above this means the input is not text at all.
BINARY_CONTROL_SHARE = 0.05
SINGLE_BYTE_FAMILIES = ("cp125", "iso8859", "latin", "mac_", "cp850", "cp437")
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
    from charset_normalizer import from_bytes

    best = from_bytes(raw[:200_000]).best()
    guess = best.encoding if best is not None and best.encoding else ""
    # Short Western text is ambiguous between the single-byte code pages; windows-1252 is
    # what undeclared legacy pages almost always are (the WHATWG default), so it wins those.
    if not guess or guess.startswith(SINGLE_BYTE_FAMILIES):
        try:
            return raw.decode("cp1252")
        except UnicodeDecodeError:
            pass
    if not guess:
        raise ExtractionError("the input is not UTF-8 and its character set cannot be detected")
    return raw.decode(guess, errors="replace")


def document_from_input(
    raw: bytes, fmt: str, *, url: str = "", title: str = "", charset: str = ""
) -> Document:
    """Decode and clean raw input of format `html` or `text` into a Document."""
    if fmt not in FORMATS:
        raise ExtractionError(f"unknown input format {fmt!r}; expected one of {FORMATS}")
    text = decode_input(raw, charset)
    if fmt == "html":
        from claims.pipeline.html import document_from_html

        document = document_from_html(text, url=url)
        if title and not document.title:
            document = _with_title(document, title)
    else:
        from claims.pipeline.text import document_from_text

        document = document_from_text(text, title=title)
    if document.is_article and not document.text.strip():
        raise ExtractionError("no article text could be found in the input")
    return document


def _with_title(document: Document, title: str) -> Document:
    from dataclasses import replace

    return replace(document, title=title)


def guess_format(name: str, content_type: str = "", head: bytes = b"") -> str:
    """Pick `html` or `text` from a file name, a Content-Type, or the first bytes."""
    lowered = name.lower()
    if lowered.endswith((".html", ".htm", ".xhtml")) or "html" in content_type:
        return "html"
    if lowered.endswith(".txt") or content_type.startswith("text/plain"):
        return "text"
    sniff = head[:1024].lstrip().lower()
    if sniff.startswith((b"<!doctype html", b"<html")) or b"<body" in sniff:
        return "html"
    return "text"
