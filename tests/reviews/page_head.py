"""What a search engine or a link preview reads from a public page: its `<head>` and `<h1>`."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Head:
    title: str = ""
    meta: dict[str, str] = field(default_factory=dict)  # by name or property
    links: dict[str, str] = field(default_factory=dict)  # by rel
    h1: list[str] = field(default_factory=list)
    anchors: list[tuple[str, str]] = field(default_factory=list)  # (href, text) in the body


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.head = Head()
        self._in: str | None = None
        self._text: list[str] = []
        self._href = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {key: value or "" for key, value in attrs}
        if tag == "meta" and ("name" in values or "property" in values):
            self.head.meta[values.get("name") or values["property"]] = values.get("content", "")
        elif tag == "link" and values.get("rel") == "canonical":
            self.head.links["canonical"] = values["href"]
        elif tag in ("title", "h1", "a") and self._in is None:
            self._in, self._text, self._href = tag, [], values.get("href", "")

    def handle_data(self, data: str) -> None:
        if self._in:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag != self._in:
            return
        text = " ".join("".join(self._text).split())
        if tag == "title":
            self.head.title = text
        elif tag == "h1":
            self.head.h1.append(text)
        else:
            self.head.anchors.append((self._href, text))
        self._in = None


def page_head(html: str) -> Head:
    reader = _Reader()
    reader.feed(html)
    return reader.head
