"""Read a PolNeAR split: articles and their attributions in BRAT standoff.

A split folder holds `text/NAME.txt` (the headline on the first line, paragraphs separated by
blank lines) and `attributions/NAME_XXXX.ann`, the annotation of NAME.txt by annotator XXXX.
`T` lines are spans (`T3<TAB>Content 115 290<TAB>text`, fragments joined by `;`), `E` lines tie
one attribution's spans together (`E1<TAB>Attribution:T4 Content:T3 Cue:T2 Source:T1`).
Articles annotated twice are read once, from the first annotator's file in name order, so that
no statement counts double.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_ID = re.compile(r"[TE]\d+$")


@dataclass(frozen=True)
class Span:
    start: int  # of the first fragment in the text
    end: int  # of the last fragment in the text
    text: str  # the fragments' text, joined by a space in the file's order
    # A discontinuous span's pieces ("“...,” he said, “...”"), in the order of the file.
    fragments: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class GoldAttribution:
    source: Span | None  # None for an attribution without a source ("it was reported")
    cue: Span | None
    contents: tuple[Span, ...]


@dataclass(frozen=True)
class GoldArticle:
    name: str
    text: str
    attributions: tuple[GoldAttribution, ...]


def read_split(directory: Path | str) -> list[GoldArticle]:
    """Every annotated article of a split; raises ValueError on a missing layout or bad file."""
    directory = Path(directory)
    texts, annotations = directory / "text", directory / "attributions"
    if not texts.is_dir() or not annotations.is_dir():
        raise ValueError(f"{directory}: expected the folders text/ and attributions/")
    first: dict[str, Path] = {}
    for path in sorted(annotations.glob("*.ann")):
        name = path.stem.rpartition("_")[0]
        if name:
            first.setdefault(name, path)
    articles = []
    for name, ann in sorted(first.items()):
        text_path = texts / f"{name}.txt"
        if not text_path.is_file():
            raise ValueError(f"{ann}: no text file {text_path.name}")
        text = _read_text(text_path)
        articles.append(GoldArticle(name, text, tuple(read_ann(ann, text))))
    if not articles:
        raise ValueError(f"{directory}: no annotation files in attributions/")
    return articles


def _read_text(path: Path) -> str:
    try:
        # newline="" keeps "\r\n" as two characters: BRAT offsets count them both.
        with path.open(encoding="utf-8", newline="") as handle:
            return handle.read()
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc


def read_ann(path: Path, text: str) -> list[GoldAttribution]:
    """The attributions of one `.ann` file, spans checked against the article's text."""
    spans: dict[str, tuple[str, Span]] = {}
    events: list[dict[str, str]] = []
    for number, line in enumerate(_read_text(path).splitlines(), start=1):
        fields = line.split("\t")
        # A span's text may hold a line break: its second line is no annotation of its own.
        if not _ID.match(fields[0]):
            continue
        try:
            if line.startswith("T"):
                spans[fields[0]] = _span(fields, text)
            else:
                events.append(dict(arg.split(":", 1) for arg in fields[1].split()))
        except (IndexError, ValueError) as exc:
            raise ValueError(f"{path}:{number}: not a BRAT span or event line: {line!r}") from exc
    result = []
    for event in events:
        roles: dict[str, list[Span]] = {}
        for role, ref in event.items():
            if ref in spans:
                roles.setdefault(role.rstrip("0123456789"), []).append(spans[ref][1])
        contents = tuple(roles.get("Content", ()))
        if contents:
            source = roles.get("Source", [None])[0]
            cue = roles.get("Cue", [None])[0]
            result.append(GoldAttribution(source, cue, contents))
    return result


def _span(fields: list[str], text: str) -> tuple[str, Span]:
    label, _, offsets = fields[1].partition(" ")
    fragments = []
    for piece in offsets.split(";"):
        start, end = (int(n) for n in piece.split())
        if not 0 <= start <= end <= len(text):
            raise ValueError(f"span {start}-{end} outside the text")
        fragments.append((start, end))
    joined = " ".join(text[start:end] for start, end in fragments)
    first, last = min(f[0] for f in fragments), max(f[1] for f in fragments)
    return label, Span(first, last, joined, tuple(fragments))
