"""Articles from files: .txt (title on the first line), .html, and .json."""

from __future__ import annotations

import json
import re
from pathlib import Path

from claims.models import Article
from claims.pipeline.inputs import guess_format
from claims.pipeline.urls import usable_url
from claims.services.ingest import (
    IngestError,
    Received,
    article_receive,
    published_date_parse,
)

SUPPORTED_SUFFIXES = (".txt", ".html", ".htm", ".json", ".jsonl")
_SURROGATE = re.compile("[\ud800-\udfff]")


class InputFileError(ValueError):
    """A file that cannot be read as articles; the message says why."""


def article_ingest_file(*, path: Path) -> list[Received]:
    """Receive every article a file holds (a .json/.jsonl file may hold several)."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputFileError(f"{path}: cannot be read: {exc.strerror}") from exc
    if path.suffix.lower() in (".json", ".jsonl"):
        return [article_receive(**fields) for fields in json_articles(data, name=str(path))]
    fmt = guess_format(path.name, head=data[:1024])
    return [article_receive(raw=data, fmt=fmt, source=Article.Source.FILE)]


def json_articles(data: bytes, *, name: str) -> list[dict]:
    """Parse a JSON object, a list of objects, or JSON lines into article fields.

    Each object has `html` or `text`, and optionally `url`, `title` and `published_at` (a date
    or an ISO 8601 time).
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputFileError(f"{name}: JSON must be UTF-8") from exc
    try:
        parsed = json.loads(text)
        items = parsed if isinstance(parsed, list) else [parsed]
    except RecursionError as exc:
        raise InputFileError(f"{name}: JSON nested too deeply") from exc
    except json.JSONDecodeError:
        try:
            items = [json.loads(line) for line in text.splitlines() if line.strip()]
        except (json.JSONDecodeError, RecursionError) as exc:
            raise InputFileError(f"{name}: not JSON or JSON lines: {exc}") from exc
    return [_article_fields(item, f"{name}[{index}]") for index, item in enumerate(items)]


def _article_fields(item: object, where: str) -> dict:
    if not isinstance(item, dict):
        raise InputFileError(f"{where}: expected an object with 'html' or 'text'")
    html, text = item.get("html") or None, item.get("text")
    body = html if html is not None else text
    if not isinstance(body, str):
        raise InputFileError(f"{where}: needs a string 'html' or 'text' field")
    for key in ("url", "title"):
        if key in item and not isinstance(item[key], str):
            raise InputFileError(f"{where}: '{key}' must be a string")
        # PostgreSQL text refuses NUL; a raw body may hold one (extraction then fails it).
        if "\x00" in item.get(key, ""):
            raise InputFileError(f"{where}: '{key}' contains a NUL character")
    for key in ("html", "text", "url", "title"):
        value = item.get(key)
        # JSON's "\ud800" escapes decode to lone surrogates, which are not text at all.
        if isinstance(value, str) and _SURROGATE.search(value):
            raise InputFileError(f"{where}: '{key}' contains a lone surrogate (\\ud800-\\udfff)")
    # Checked with the rest, before any article of the file is stored: refused later, by
    # article_receive, it would leave the file half ingested and not say which one it was.
    if item.get("url") and not usable_url(item["url"]):
        raise InputFileError(f"{where}: 'url' is not a usable http(s) URL: {item['url'][:200]!r}")
    published = item.get("published_at")
    if published is not None and not isinstance(published, str):
        raise InputFileError(f"{where}: 'published_at' must be a string")
    try:
        published_at = published_date_parse(published) if published else None
    except IngestError as exc:
        raise InputFileError(f"{where}: 'published_at' is {exc}") from exc
    return {
        "raw": body.encode("utf-8"),
        "fmt": Article.Format.HTML if html is not None else Article.Format.TEXT,
        "source": Article.Source.FILE,
        "url": item.get("url", ""),
        "title": item.get("title", ""),
        "published_at": published_at,
    }


def expand_paths(paths: list[Path]) -> list[Path]:
    """Files as given, and the supported files inside any directory given."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                sorted(p for p in path.rglob("*") if p.suffix.lower() in SUPPORTED_SUFFIXES)
            )
        else:
            found.append(path)
    return found
