"""What every check-worthiness model offers the pipeline, and the part of a text it reads."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from claims.pipeline.types import Score

# Debate sentences run to ~800 characters; anything far longer is a splitter failure, and
# reading all of it would cost time without telling a model anything more.
MAX_CHARS = 2000
EMPTY_REASON = "empty sentence"
TRUNCATED_REASON = f"very long text: only the first {MAX_CHARS} characters were scored"


class ModelLoadError(RuntimeError):
    """The model artefact is missing, unreadable or from an incompatible version of this code."""


class Scorer(Protocol):
    @property
    def version(self) -> str: ...

    def score(self, texts: Sequence[str], *, explain_from: float | None = None) -> list[Score]: ...


def prepare(text: str) -> str:
    """The part of `text` the model reads: bounded length, encodable as UTF-8."""
    text = text[:MAX_CHARS]
    # Lone surrogates (from badly decoded input) cannot be encoded to code points.
    return text.encode("utf-8", "replace").decode("utf-8")
