"""Sentences scored before keep their score: the model reads only the sentences it never saw.

A wire story reaches a desk as hundreds of copies, sentence for sentence the same, and every
scorer here reads a sentence alone (not its neighbours), so its verdict on a sentence is the
same in every copy. `KnownScores` asks `known` for the scores stored with earlier claims of
the same words under the same model version and sends only the other sentences to the model:
a copy's claims cost the linear model's features, not MiniLM's forward pass. Sentences that
scored under the threshold were not stored as claims, so they are scored again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from claims.pipeline.checkworthiness.scorer import Scorer
from claims.pipeline.types import Score

# (texts, model version) -> the score stored for each of those texts that has one.
Lookup = Callable[[Sequence[str], str], Mapping[str, Score]]


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
        stored = self.known(distinct, self.scorer.version) if distinct else {}
        rest = [text for text in dict.fromkeys(texts) if text not in stored]
        fresh = dict(zip(rest, self.scorer.score(rest, explain_from=explain_from), strict=True))
        return [stored[text] if text in stored else fresh[text] for text in texts]
