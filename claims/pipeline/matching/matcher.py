"""Score the stored claims (or fact-checks) a new claim may repeat, with a hybrid score.

A few candidates come from an index of words and one of embeddings: PostgreSQL's full-text
search and pgvector in production, or the in-memory `Matcher` below (the embedded default,
the benchmarks of the pure code). `Scoring.rank` rescores them on character n-grams plus
embedding cosine, and each result carries the guards' verdicts so the caller can refuse to
merge a claim with its denial or with the same sentence about another number.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np

from claims.pipeline.matching.chars import CharRarity, char_similarities, char_similarity
from claims.pipeline.matching.dense import DenseIndex
from claims.pipeline.matching.lexical import BM25Index
from claims.pipeline.matching.normalise import (
    Fingerprint,
    fingerprint,
    fingerprint_normalised,
    numbers_conflict,
    numbers_shared,
    polarity_conflict,
)

# How many candidates each index proposes for rescoring. Five rather than ten halves the
# rescoring (9.6 against 18.7 ms p50 per claim among 300,000 stored; 13.4 ms among a million)
# and ranks fact-checks a little better (MAP@5 train 0.889 against 0.887, dev 0.888 against
# 0.886), for a little recall at scale (dev tweets with a relevant claim in the top five among
# a million: 178 of 197 against 181; the same 181 among 300,000).
CANDIDATES = 5


@dataclass(frozen=True)
class Weights:
    """How the hybrid score mixes its parts; `semantic` is ignored without embeddings."""

    semantic: float = 0.4
    # Subtracted from the score of a pair the guards flag, so a conflict ranks below an
    # otherwise equal clean match.
    conflict_penalty: float = 0.1
    # Added when both texts state the same figure ("within 24 hours", "3%") and the guards
    # see no conflict: few unrelated sentences share a number as well as their words.
    shared_number_bonus: float = 0.0


@dataclass(frozen=True)
class Match:
    key: int
    score: float  # hybrid, in [0, 1] before the conflict penalty and shared-figure bonus
    lexical: float
    semantic: float | None
    numbers_differ: bool
    polarity_differs: bool

    @property
    def conflicting(self) -> bool:
        """The guards say these are different claims, however alike they read."""
        return self.numbers_differ or self.polarity_differs


@dataclass(frozen=True)
class Candidate:
    """A stored text proposed for a query, with its embedding cosine when both have one."""

    key: int
    text: str  # normalised: `fingerprint(text).text`
    semantic: float | None = None


class Rarity(Protocol):
    """Inverse document frequencies of hashed character n-grams among the stored texts."""

    def idf(self, features: np.ndarray) -> np.ndarray: ...


@dataclass(frozen=True)
class Scoring:
    """How candidates are scored and ordered.

    Results come best score first, unless `rank_by_rarity`: then they are ordered by the
    hybrid computed on IDF-weighted character n-grams (IDF from the `rarity` given to
    `rank`), while each keeps its plain score for the thresholds. With `duplicates_at`,
    results whose texts are at least that alike (plain character n-gram cosine) are one text
    stored twice: they are listed together, lowest key first, where the best of them ranks
    (`duplicates_together`).
    """

    weights: Weights = field(default_factory=lambda: Weights())
    duplicates_at: float | None = None
    rank_by_rarity: bool = False

    def rank(
        self, query: Fingerprint, candidates: Sequence[Candidate], rarity: Rarity | None = None
    ) -> list[Match]:
        """Every candidate scored against the query, in this scoring's order."""
        if not candidates or not query.matchable:
            return []
        ordered = [candidate.key for candidate in candidates]
        texts = {candidate.key: candidate.text for candidate in candidates}
        semantic = {candidate.key: candidate.semantic for candidate in candidates}
        prints = {key: fingerprint_normalised(texts[key]) for key in ordered}
        rarity = rarity if self.rank_by_rarity else None
        alike = weighted = None
        if self.duplicates_at is None and rarity is None:
            lexical = char_similarity(query.text, [texts[key] for key in ordered])
        else:
            cosines = char_similarities(query.text, [texts[key] for key in ordered], rarity)
            lexical, weighted = cosines.query, cosines.weighted
            if self.duplicates_at is not None:
                # Two texts a figure or a "not" sets apart are two claims, however alike.
                alike = {
                    key: {
                        ordered[col]
                        for col in np.flatnonzero(among >= self.duplicates_at)
                        if not _guards_object(prints[key], prints[ordered[col]])
                    }
                    for key, among in zip(ordered, cosines.among, strict=True)
                }
        matches = [
            self._match(query, key, prints[key], float(lexical[row]), semantic[key])
            for row, key in enumerate(ordered)
        ]
        if weighted is None:
            matches.sort(key=lambda match: (-match.score, match.key))
        else:
            # The same hybrid with the weighted cosine in place of the plain one.
            rank = {
                match.key: match.score
                + self._lexical_share(match) * (float(weighted[row]) - float(lexical[row]))
                for row, match in enumerate(matches)
            }
            matches.sort(key=lambda match: (-rank[match.key], match.key))
        if alike is not None:
            matches = duplicates_together(matches, alike)
        return matches

    def _lexical_share(self, match: Match) -> float:
        return 1.0 if match.semantic is None else 1 - self.weights.semantic

    def _match(
        self,
        query: Fingerprint,
        key: int,
        other: Fingerprint,
        lexical: float,
        semantic: float | None,
    ) -> Match:
        score = lexical
        if semantic is not None:
            weight = self.weights.semantic
            score = weight * max(semantic, 0.0) + (1 - weight) * lexical
        numbers = numbers_conflict(query, other)
        polarity = polarity_conflict(query, other)
        if numbers or polarity:
            score -= self.weights.conflict_penalty
        elif numbers_shared(query, other):
            score += self.weights.shared_number_bonus
        return Match(
            key=key,
            score=round(score, 6),
            lexical=round(lexical, 6),
            semantic=None if semantic is None else round(semantic, 6),
            numbers_differ=numbers,
            polarity_differs=polarity,
        )


class Matcher:
    """An in-memory index of matchable texts, keyed by int: candidates from BM25 over words
    and from embeddings, ranked by `Scoring` (with IDF from the index's own content)."""

    def __init__(
        self,
        *,
        dimensions: int | None,
        weights: Weights | None = None,
        duplicates_at: float | None = None,
        rank_by_rarity: bool = False,
    ) -> None:
        self.scoring = Scoring(weights or Weights(), duplicates_at, rank_by_rarity)
        self.rarity = CharRarity() if rank_by_rarity else None
        self.lexical = BM25Index()
        self.dense = DenseIndex(dimensions) if dimensions else None
        self._texts: dict[int, str] = {}

    def __len__(self) -> int:
        return len(self.lexical)

    def text_of(self, key: int) -> str | None:
        """The normalised text indexed under `key`, if any."""
        return self._texts.get(key)

    def add(
        self, keys: Sequence[int], texts: Sequence[str], vectors: np.ndarray | None = None
    ) -> None:
        """Index texts (raw; they are normalised here) and, if given, their embeddings.

        A key already indexed is left as it is, so adding the same rows twice is harmless.
        """
        fresh = [row for row, key in enumerate(keys) if key not in self._texts]
        if len(fresh) < len(keys):
            keys = [keys[row] for row in fresh]
            texts = [texts[row] for row in fresh]
            vectors = None if vectors is None else vectors[fresh]
        normalised = [fingerprint(text).text for text in texts]
        self.lexical.add(keys, normalised)
        if self.rarity is not None:
            self.rarity.add(normalised)
        self._texts.update(zip(keys, normalised, strict=True))
        if self.dense is not None and vectors is not None:
            present = [row for row in range(len(keys)) if np.any(vectors[row])]
            self.dense.add([keys[row] for row in present], vectors[present])

    def candidates(
        self,
        text: str,
        *,
        vector: np.ndarray | None = None,
        exclude: frozenset[int] = frozenset(),
    ) -> list[Candidate]:
        """The texts both indexes propose for a raw text (none for an unmatchable text)."""
        query = fingerprint(text)
        if not query.matchable or not len(self):
            return []
        want = CANDIDATES + len(exclude)
        keys, _ = self.lexical.search(query.text, want)
        candidates = dict.fromkeys(int(key) for key in keys)
        semantic: dict[int, float] = {}
        dense = self.dense if vector is not None and np.any(vector) else None
        if dense is not None and vector is not None:
            dense_keys, dense_scores = dense.search(vector, want)
            for key, score in zip(dense_keys, dense_scores, strict=True):
                candidates.setdefault(int(key))
                semantic[int(key)] = float(score)
        for key in exclude:
            candidates.pop(key, None)
        ordered = [key for key in candidates if key in self._texts]
        if dense is not None and vector is not None:
            missing = [key for key in ordered if key not in semantic]
            if missing:
                found = dense.vectors_get(missing) @ vector
                semantic.update(zip(missing, (float(s) for s in found), strict=True))
        return [Candidate(key, self._texts[key], semantic.get(key)) for key in ordered]

    def search(
        self,
        text: str,
        *,
        vector: np.ndarray | None = None,
        k: int | None = 5,
        exclude: frozenset[int] = frozenset(),
    ) -> list[Match]:
        """The `k` best matches for a raw text (every candidate's with `k` None), best first;
        none for an unmatchable text."""
        found = self.candidates(text, vector=vector, exclude=exclude)
        return self.scoring.rank(fingerprint(text), found, rarity=self.rarity)[:k]


# A fact-check answers a claim and its denial alike ("fake", "not true" are in a third of the
# right CheckThat! pairs), so ranking fact-checks takes no conflict penalty (MAP@5 on train
# 0.859 -> 0.886, dev 0.878 -> 0.883); a suggestion the guards object to is marked as such.
FACT_CHECK_CONFLICT_PENALTY = 0.0

# Fact-checkers' records come more than once (a re-post, another URL, the same words with other
# quotes: 379 of the 10,375 in the CheckThat! 2020 pool have a copy at this character cosine).
# Copies are listed together, the first stored first, rather than in the order a hair of score
# puts them: a fifth of the train tweets whose fact-check was not ranked first had it second,
# behind its own copy (MAP@5 train 0.890 -> 0.903, dev 0.888 -> 0.908).
FACT_CHECK_DUPLICATE_SIMILARITY = 0.9

# Between two claims a shared figure is strong evidence of one claim ("within 24 hours");
# a tweet and a fact-check share mostly dates, so fact-check ranking goes without it
# (MAP@5 on CheckThat! dev fell from 0.72 to 0.62 with it).
CLAIM_SHARED_NUMBER_BONUS = 0.1


def claim_scoring(*, semantic: float = Weights.semantic) -> Scoring:
    """How stored claims are scored for a new claim, which may join them."""
    return Scoring(Weights(semantic=semantic, shared_number_bonus=CLAIM_SHARED_NUMBER_BONUS))


def fact_check_scoring(*, semantic: float = Weights.semantic) -> Scoring:
    """How imported and published fact-checks are ranked for a claim they may answer.

    On the hybrid computed with IDF-weighted character n-grams: shared rare words ("ivanka",
    "voting machines") then count for more than a shared "trump" or "president" (MAP@5 with
    the copies together: train 0.903 -> 0.913, dev 0.908 -> 0.912; 19 train tweets gain their
    fact-check at rank 1, 11 lose it). Each keeps its plain score: IDF follows the stored
    fact-checks' size and content, and the thresholds were set on the plain score.
    """
    return Scoring(
        Weights(semantic=semantic, conflict_penalty=FACT_CHECK_CONFLICT_PENALTY),
        duplicates_at=FACT_CHECK_DUPLICATE_SIMILARITY,
        rank_by_rarity=True,
    )


def claim_matcher(*, dimensions: int | None, semantic: float = Weights.semantic) -> Matcher:
    """An in-memory index of stored claims, scored as `claim_scoring`."""
    scoring = claim_scoring(semantic=semantic)
    return Matcher(dimensions=dimensions, weights=scoring.weights)


def fact_check_matcher(*, dimensions: int | None, semantic: float = Weights.semantic) -> Matcher:
    """An in-memory index of fact-checks, ranked as `fact_check_scoring`."""
    scoring = fact_check_scoring(semantic=semantic)
    return Matcher(
        dimensions=dimensions,
        weights=scoring.weights,
        duplicates_at=scoring.duplicates_at,
        rank_by_rarity=scoring.rank_by_rarity,
    )


def _guards_object(a: Fingerprint, b: Fingerprint) -> bool:
    return numbers_conflict(a, b) or polarity_conflict(a, b)


def duplicates_together(matches: list[Match], alike: dict[int, set[int]]) -> list[Match]:
    """Matches in their order, except that copies of one text (`alike`: key -> the keys whose
    texts are that text) follow the best of them, all in key order.

    Which copy of a record stored twice scores a hair higher depends on its quotes and
    spacing; a stable order (the lowest key, the first stored) says more than that hair.
    """
    placed: set[int] = set()
    ordered: list[Match] = []
    by_key = {match.key: match for match in matches}
    for match in matches:
        if match.key in placed:
            continue
        group = sorted(key for key in alike.get(match.key, set()) | {match.key} if key in by_key)
        group = [key for key in group if key not in placed]
        placed.update(group)
        ordered.extend(by_key[key] for key in group)
    return ordered
