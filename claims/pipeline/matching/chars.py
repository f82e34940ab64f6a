"""Character n-grams: the lexical half of the hybrid score.

Hashed, so nothing is fitted and a worker can start from an empty index. They forgive
spelling, inflection and tweet noise ("#AustralianFires") where whole words would not.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np
from scipy import sparse

from claims.pipeline.matching.hashing import char_wb_ngrams, hashed_counts

N_FEATURES = 2**20


def _char_ngrams(text: str) -> list[str]:
    return char_wb_ngrams(text, 3, 5)


def _hashed(texts: Sequence[str]) -> sparse.csr_matrix:
    return hashed_counts(texts, _char_ngrams, N_FEATURES)


def char_counts(texts: Sequence[str]) -> sparse.csr_matrix:
    """Log-scaled character 3-5-gram counts of normalised texts."""
    matrix = _hashed(texts)
    np.log1p(matrix.data, out=matrix.data)
    return matrix


def char_similarity(query: str, texts: Sequence[str]) -> np.ndarray:
    """Cosine of the query's character n-grams with each text's."""
    if not texts:
        return np.zeros(0, dtype=np.float32)
    return _first_row_cosines(unit_rows(_recent.counts([query, *texts])))


class _Rarity(Protocol):
    def idf(self, features: np.ndarray) -> np.ndarray: ...


@dataclass(frozen=True)
class CharCosines:
    """A query's character n-gram cosines with its candidates, and theirs with each other."""

    query: np.ndarray  # the query's cosine with each text
    among: np.ndarray  # the texts' with each other, a square matrix
    weighted: np.ndarray | None  # the query's with each text, n-grams weighted by rarity


def char_similarities(
    query: str, texts: Sequence[str], rarity: _Rarity | None = None
) -> CharCosines:
    """The query's character n-gram cosine with each text, the texts' with each other and,
    given `rarity`, the query's on n-grams weighted by their IDF, from one vectorisation
    (most of the cost)."""
    if not texts:
        empty = np.zeros(0, dtype=np.float32)
        return CharCosines(empty, np.zeros((0, 0), dtype=np.float32), None if rarity else empty)
    counts = _recent.counts([query, *texts])
    vectors = unit_rows(counts)
    # Renumbered onto the features these texts use: a product over the whole hash space
    # would transpose a matrix 2**20 rows tall.
    features, column = np.unique(vectors.indices, return_inverse=True)
    compact = sparse.csr_matrix(
        (vectors.data, column, vectors.indptr), shape=(vectors.shape[0], len(features))
    )
    among = (compact[1:] @ compact[1:].T).toarray().astype(np.float32)
    weighted = None
    if rarity is not None:
        counts.data *= rarity.idf(counts.indices)  # a fresh array: see _RecentCounts.counts
        weighted = _first_row_cosines(unit_rows(counts))
    return CharCosines(_first_row_cosines(vectors), among, weighted)


def _first_row_cosines(vectors: sparse.csr_matrix) -> np.ndarray:
    """The first row's dot product with each of the others (unit rows: cosines).

    The other rows' entries look up the first row's few hundred features by binary search; a
    sparse product would first transpose it into a matrix as tall as the hash space.
    """
    start, stop = vectors.indptr[0], vectors.indptr[1]
    order = np.argsort(vectors.indices[start:stop])
    features = vectors.indices[start:stop][order]
    weights = vectors.data[start:stop][order]
    others = vectors[1:]
    if not len(features):
        return np.zeros(others.shape[0], dtype=np.float32)
    at = np.minimum(np.searchsorted(features, others.indices), len(features) - 1)
    shared = np.where(features[at] == others.indices, others.data * weights[at], 0.0)
    rows = np.repeat(np.arange(others.shape[0]), np.diff(others.indptr))
    return np.bincount(rows, weights=shared, minlength=others.shape[0]).astype(np.float32)


def unit_rows(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    """A copy of `matrix` with each non-empty row scaled to unit length."""
    matrix = matrix.astype(np.float32)
    lengths = np.diff(matrix.indptr)
    rows = np.repeat(np.arange(matrix.shape[0]), lengths)
    norms = np.sqrt(np.bincount(rows, weights=matrix.data**2, minlength=matrix.shape[0]))
    norms[norms == 0] = 1.0
    # Scaled row by row in place: a product with a diagonal matrix would allocate per column,
    # and there are 2**20 columns.
    matrix.data /= np.repeat(norms, lengths).astype(np.float32)
    return matrix


class _RecentCounts:
    """The character counts (features, log counts) of the texts compared last.

    A claim is compared with its candidates in the claim index and again in the fact-check
    index, and the same fact-checks come up as candidates again and again: vectorising costs
    ~0.1 ms a text, a hit a dictionary lookup. Bounded by the entries it holds (least
    recently used go first); a 25-word sentence has ~300, a clipped 2,000-character text up
    to ~6,000, at 8 bytes each.
    """

    def __init__(self, max_entries: int) -> None:
        self._max_entries = max_entries
        self._entries = 0
        self._rows: OrderedDict[str, tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._lock = threading.Lock()

    def counts(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """The texts' log counts, one row each, in arrays of their own (safe to scale)."""
        rows = self.rows(texts)
        lengths = np.array([len(features) for features, _ in rows])
        indptr = np.zeros(len(rows) + 1, dtype=np.int64)
        np.cumsum(lengths, out=indptr[1:])
        return sparse.csr_matrix(
            (
                np.concatenate([data for _, data in rows]),
                np.concatenate([features for features, _ in rows]),
                indptr,
            ),
            shape=(len(rows), N_FEATURES),
        )

    def rows(self, texts: Sequence[str]) -> list[tuple[np.ndarray, np.ndarray]]:
        """Each text's (features, log counts); the arrays are shared and read-only."""
        found: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        with self._lock:
            for text in texts:
                row = self._rows.get(text)
                if row is not None:
                    self._rows.move_to_end(text)
                    found[text] = row
        missing = list(dict.fromkeys(text for text in texts if text not in found))
        if missing:
            counts = char_counts(missing)
            fresh = {}
            for n, text in enumerate(missing):
                start, stop = counts.indptr[n], counts.indptr[n + 1]
                features, data = counts.indices[start:stop].copy(), counts.data[start:stop].copy()
                features.setflags(write=False)
                data.setflags(write=False)
                fresh[text] = (features, data)
            found.update(fresh)
            with self._lock:
                for text, row in fresh.items():
                    if text not in self._rows:
                        self._rows[text] = row
                        self._entries += len(row[0])
                while self._entries > self._max_entries and self._rows:
                    _, (features, _) = self._rows.popitem(last=False)
                    self._entries -= len(features)
        return [found[text] for text in texts]


# ~4 million entries: 32 MB, some 13,000 sentences.
_recent = _RecentCounts(max_entries=4_000_000)


class CharRarity:
    """How many texts hold each hashed character n-gram, for IDF weights.

    The weights follow the index's size and content, so a score built on them would move
    under fixed thresholds; the matcher uses them only to order its results.
    """

    def __init__(self) -> None:
        # Counts and size are replaced together, so a search in another thread never reads
        # the counts of one size with another.
        self._counts: tuple[np.ndarray, int] = (np.zeros(N_FEATURES, dtype=np.int32), 0)

    def add(self, texts: Sequence[str]) -> None:
        """Count the n-grams of normalised texts, once per text."""
        if not texts:
            return
        counts = _hashed(texts)
        counts.sum_duplicates()
        df, size = self._counts
        df = df.copy()
        np.add.at(df, counts.indices, 1)
        self._counts = (df, size + len(texts))

    def idf(self, features: np.ndarray) -> np.ndarray:
        """Smoothed IDF of each feature: 1 for an n-gram every text holds, more the rarer."""
        df, size = self._counts
        return (np.log((size + 1) / (df[features] + 1)) + 1).astype(np.float32)


def char_features_per_text(texts: Sequence[str]) -> list[np.ndarray]:
    """The distinct hashed character n-grams of each normalised text."""
    counts = _hashed(texts)
    counts.sum_duplicates()
    return [
        counts.indices[counts.indptr[row] : counts.indptr[row + 1]].copy()
        for row in range(counts.shape[0])
    ]


def char_features(texts: Sequence[str]) -> np.ndarray:
    """The distinct hashed character n-grams of normalised texts, sorted."""
    if not texts:
        return np.zeros(0, dtype=np.int64)
    return np.unique(_hashed(texts).indices).astype(np.int64)


def char_cosine_matrix(texts: Sequence[str]) -> np.ndarray:
    """Every normalised text's character n-gram cosine with every other, a square matrix."""
    if not texts:
        return np.zeros((0, 0), dtype=np.float32)
    vectors = unit_rows(_recent.counts(list(texts)))
    features, column = np.unique(vectors.indices, return_inverse=True)
    compact = sparse.csr_matrix(
        (vectors.data, column, vectors.indptr), shape=(vectors.shape[0], len(features))
    )
    return (compact @ compact.T).toarray().astype(np.float32)
