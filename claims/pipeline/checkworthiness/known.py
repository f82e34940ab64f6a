"""Sentences scored before keep their score: the model reads only the sentences it never saw.

A wire story reaches a desk as hundreds of copies, sentence for sentence the same, and every
scorer here reads a sentence alone (not its neighbours), so its verdict on a sentence is the
same in every copy (in int8 up to the rounding of each batch's inputs). `KnownScores` asks
`known` for the scores stored with earlier claims of the same words by the same pipeline and
model, and sends only the other sentences to the scorer: a sentence found costs one index
probe of the lookup, not a forward pass. Sentences not stored as claims (under the threshold,
too short or too long, or in an article kept as a duplicate) are scored again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from claims.pipeline.checkworthiness.scorer import Scorer
from claims.pipeline.types import Score

# texts -> the score stored for each of those texts that has one, by this scorer's version.
Lookup = Callable[[Sequence[str]], Mapping[str, Score]]


@dataclass(frozen=True)
class KnownScores:
    scorer: Scorer
    known: Lookup

    @property
    def version(self) -> str:
        return self.scorer.version

    def score(self, texts: Sequence[str], *, explain_from: float | None = None) -> list[Score]:
        """`scorer`'s scores, the stored ones taken as they are (reasons included: a claim is
        stored with them)."""
        distinct = list(dict.fromkeys(text for text in texts if text.strip()))
        stored = self.known(distinct) if distinct else {}
        rest = [text for text in dict.fromkeys(texts) if text not in stored]
        fresh = dict(zip(rest, self.scorer.score(rest, explain_from=explain_from), strict=True))
        return [stored[text] if text in stored else fresh[text] for text in texts]
