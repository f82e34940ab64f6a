"""An article's words as parallel lists, with its quotations found and blanked, so that the
rules read the words around quotations and never the words inside them."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence

from claims.pipeline.attribution.vocabulary import (
    CLOSE_QUOTES,
    NAME_PARTICLES,
    OPEN_QUOTES,
    QUOTE_MARK,
    TITLE_GAP,
    TOKEN,
)
from claims.pipeline.types import Sentence


class Tokens:
    """Words and punctuation as parallel lists (one object per token costs 4x), with offsets
    into the document. Words inside quotations are left out; the quotation marks stay."""

    __slots__ = ("text", "low", "start", "end", "cap")

    def __init__(
        self, text: list[str], start: list[int], end: list[int], low: list[str], cap: list[bool]
    ) -> None:
        self.text, self.start, self.end, self.low, self.cap = text, start, end, low, cap

    @classmethod
    def of(cls, masked: str) -> Tokens:
        matches = list(TOKEN.finditer(masked))
        words = [m.group() for m in matches]
        cap = [word[0].isupper() for word in words]
        # "Charles de Gaulle", "Ludwig van Beethoven": a particle between capitalised words is
        # part of the name they make.
        for i in range(len(words) - 2, 0, -1):
            if words[i] in NAME_PARTICLES and cap[i - 1] and cap[i + 1]:
                cap[i] = True
        return cls(
            words,
            [m.start() for m in matches],
            [m.end() for m in matches],
            [word.lower() for word in words],
            cap,
        )

    def window(self, begin: int, end: int) -> Tokens:
        """The tokens between two document offsets (a sentence)."""
        lo, hi = bisect_left(self.start, begin), bisect_left(self.start, end)
        return Tokens(
            self.text[lo:hi], self.start[lo:hi], self.end[lo:hi], self.low[lo:hi], self.cap[lo:hi]
        )

    def __len__(self) -> int:
        return len(self.text)


def quote_spans(text: str, sentences: Sequence[Sentence]) -> list[tuple[int, int]]:
    """Spans of direct quotations (marks included); an unclosed one runs to its paragraph end."""
    spans: list[tuple[int, int]] = []
    paragraphs: dict[int, tuple[int, int]] = {}
    for sentence in sentences:
        first, _ = paragraphs.get(sentence.paragraph, (sentence.start, sentence.end))
        paragraphs[sentence.paragraph] = (first, sentence.end)
    for begin, end in paragraphs.values():
        opened = -1
        for mark in QUOTE_MARK.finditer(text, begin, end):
            ch, index = mark.group(), mark.start()
            if opened < 0 and (ch in OPEN_QUOTES or ch == '"'):
                opened = index
            elif opened >= 0 and (ch in CLOSE_QUOTES or ch == '"'):
                spans.append((opened, index + 1))
                opened = -1
        if opened >= 0:
            spans.append((opened, end))
    return spans


def mask(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """`text` with quoted words blanked (marks kept), so that cues inside quotations are not
    read; offsets do not change."""
    pieces = []
    done = 0
    for begin, end in spans:
        pieces.append(text[done : begin + 1])
        pieces.append(" " * max(0, end - begin - 2))
        done = max(begin + 1, end - 1)
    pieces.append(text[done:])
    return "".join(pieces)


def after_quote(masked: str, at: int) -> bool:
    """Whether a quotation closes just before `at` ("…,” Kremlin spokesman Dmitry Peskov")."""
    close = max(masked.rfind(mark, 0, at) for mark in '”»"')
    return close >= 0 and TITLE_GAP.match(masked, close + 1, at) is not None
