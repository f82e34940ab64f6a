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

# texts -> the score kept for each of those texts that has one, by this scorer's version.
Lookup = Callable[[Sequence[str]], Mapping[str, Score]]
# text -> score of the sentences the scorer has just read, to be found by `Lookup` later.
Keep = Callable[[Mapping[str, Score]], None]


def _keep_nothing(scores: Mapping[str, Score]) -> None:
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
        """`scorer`'s scores, the kept ones taken as they are, reasons included: a kept score
        without reasons is read again where this call wants them (it was kept from a call
        that explained only higher scores)."""
        distinct = list(dict.fromkeys(text for text in texts if text.strip()))
        stored = {
            text: score
            for text, score in (self.known(distinct) if distinct else {}).items()
            if score.reasons or (explain_from is not None and score.probability < explain_from)
        }
        rest = [text for text in dict.fromkeys(texts) if text not in stored]
        fresh = dict(zip(rest, self.scorer.score(rest, explain_from=explain_from), strict=True))
        if fresh:
            self.keep(fresh)
        return [stored[text] if text in stored else fresh[text] for text in texts]
