"""Sentences scored before keep their score: the model reads only the sentences it never saw.

A wire story reaches a desk as hundreds of copies, sentence for sentence the same, and every
scorer here reads a sentence alone (not its neighbours), so its verdict on a sentence is the
same in every copy (in int8 up to the rounding of each batch's inputs). `KnownScores` asks
`known` for the scores kept from earlier articles by the same pipeline and model, sends only
the other sentences to the scorer, and hands what it read to `keep`: a sentence found costs
one index probe of the lookup, not a forward pass.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from claims.pipeline.checkworthiness.scorer import Scorer
from claims.pipeline.types import Score


@dataclass(frozen=True)
class Kept:
    """A score as kept: `explained` when its reasons were worked out (a scorer explains only
    the scores of a threshold up, so a lower one is kept with none)."""

    score: Score
    explained: bool


# texts -> what is kept for each of those texts that has a score by this scorer's version.
Lookup = Callable[[Sequence[str]], Mapping[str, Kept]]
# text -> what the scorer has just read, to be found by `Lookup` later.
Keep = Callable[[Mapping[str, Kept]], None]


def _keep_nothing(scores: Mapping[str, Kept]) -> None:
    return None


@dataclass(frozen=True)
class KnownScores:
    scorer: Scorer
    known: Lookup
    keep: Keep = _keep_nothing

    @property
    def version(self) -> str:
        return self.scorer.version

    def score(self, texts: Sequence[str], *, explain_from: float | None = None) -> list[Score]:
        """`scorer`'s scores, the kept ones taken as they are, reasons included; a score kept
        unexplained is read again where this call wants its reasons (a lower threshold)."""
        distinct = list(dict.fromkeys(text for text in texts if text.strip()))
        stored = {
            text: kept.score
            for text, kept in (self.known(distinct) if distinct else {}).items()
            if kept.explained
            or (explain_from is not None and kept.score.probability < explain_from)
        }
        rest = [text for text in dict.fromkeys(texts) if text not in stored]
        fresh = dict(zip(rest, self.scorer.score(rest, explain_from=explain_from), strict=True))
        if fresh:
            self.keep(
                {
                    text: Kept(score, explain_from is None or score.probability >= explain_from)
                    for text, score in fresh.items()
                }
            )
        return [stored[text] if text in stored else fresh[text] for text in texts]
