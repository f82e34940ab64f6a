"""Read ClaimReview JSON-LD from other fact-checkers: one object, a list, JSON lines, an
`@graph`, or a DataCommons `DataFeed`. Each bad record gets its own error; the rest are read.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import astuple, dataclass, field, fields
from datetime import date
from typing import Any

MAX_CLAIM_CHARS = 5000
# PostgreSQL text takes no NUL, and UTF-8 no lone surrogate (a stray "\ud800" escape).
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


@dataclass(frozen=True)
class ImportedFactCheck:
    claim_reviewed: str
    url: str
    rating: str = ""
    headline: str = ""
    publisher: str = ""
    claimant: str = ""
    date_published: date | None = None


@dataclass
class ParsedFeed:
    records: list[ImportedFactCheck] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


class ClaimReviewFormatError(ValueError):
    """The input is not JSON in any of the accepted layouts."""


def _documents(data: str) -> Iterator[tuple[str, Any]]:
    try:
        yield "", json.loads(data)
        return
    except json.JSONDecodeError as exc:
        whole_error = exc
    except RecursionError as exc:
        raise ClaimReviewFormatError("JSON nested too deeply") from exc
    lines = [(n, line) for n, line in enumerate(data.splitlines(), start=1) if line.strip()]
    if len(lines) < 2:
        raise ClaimReviewFormatError(
            f"not JSON (line {whole_error.lineno}, column {whole_error.colno}: "
            f"{whole_error.msg}); expected a ClaimReview object, a list or JSON lines"
        )
    for number, line in lines:
        try:
            yield f"line {number}", json.loads(line)
        except json.JSONDecodeError as exc:
            yield f"line {number}", ClaimReviewFormatError(f"not JSON: {exc.msg}")
        except RecursionError:
            yield f"line {number}", ClaimReviewFormatError("JSON nested too deeply")


def _items(value: Any) -> Iterator[Any]:
    """Flatten lists, `@graph`s and DataCommons feeds down to candidate records."""
    if isinstance(value, list):
        for item in value:
            yield from _items(item)
    elif isinstance(value, dict) and "dataFeedElement" in value:
        yield from _items(value["dataFeedElement"])
    elif isinstance(value, dict) and "@graph" in value:
        yield from _items(value["@graph"])
    elif isinstance(value, dict) and value.get("@type") == "DataFeedItem":
        yield from _items(value.get("item", []))
    else:
        yield value


def _name(value: Any) -> str:
    if isinstance(value, list):
        value = value[0] if value else ""
    if isinstance(value, dict):
        value = value.get("name") or value.get("url") or ""
    return value.strip()[:300] if isinstance(value, str) else ""


def _date(value: Any) -> date | None:
    if not isinstance(value, str) or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _record(value: Any) -> ImportedFactCheck:
    if not isinstance(value, dict):
        raise ValueError(f"expected a JSON object, got {type(value).__name__}")
    kind = value.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    if "ClaimReview" not in kinds:
        raise ValueError(f"@type is {kind!r}, not ClaimReview")
    claim = value.get("claimReviewed")
    if not isinstance(claim, str) or not claim.strip():
        raise ValueError("claimReviewed is missing or empty")
    url = value.get("url", "")
    if not isinstance(url, str) or (url and not url.startswith(("http://", "https://"))):
        raise ValueError(f"url {url!r} is not an http(s) URL")
    rating = value.get("reviewRating") or {}
    rating_name = rating.get("alternateName", "") if isinstance(rating, dict) else ""
    item = value.get("itemReviewed") or {}
    record = ImportedFactCheck(
        claim_reviewed=" ".join(claim.split())[:MAX_CLAIM_CHARS],
        url=url[:2000],
        rating=str(rating_name).strip()[:200],
        headline=str(value.get("headline") or value.get("name") or "").strip()[:1000],
        publisher=_name(value.get("author")) or _name(value.get("publisher")),
        claimant=_name(item.get("author")) if isinstance(item, dict) else "",
        date_published=_date(value.get("datePublished")),
    )
    for name, text in zip((f.name for f in fields(record)), astuple(record), strict=True):
        if isinstance(text, str) and (bad := _UNSTORABLE.search(text)):
            raise ValueError(f"{name} contains the character {bad.group()!r}, which is not text")
    return record


def claimreviews_parse(data: bytes | str) -> ParsedFeed:
    """Records and per-record errors; raises ClaimReviewFormatError if nothing is JSON."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ClaimReviewFormatError(f"not UTF-8 text: {exc}") from exc
    parsed = ParsedFeed()
    position = 0
    for where, document in _documents(data):
        if isinstance(document, ClaimReviewFormatError):
            parsed.errors.append(f"{where}: {document}")
            continue
        for value in _items(document):
            position += 1
            label = where or f"record {position}"
            try:
                parsed.records.append(_record(value))
            except ValueError as exc:
                parsed.errors.append(f"{label}: {exc}")
    return parsed
