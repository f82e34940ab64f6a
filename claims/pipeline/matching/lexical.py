"""BM25 over words: the inverted index that finds a claim's candidates among a million.

Words are hashed, so nothing is fitted and a worker can start from an empty index; posting
lists of words stay short enough to search a million claims, which character n-grams (the
score's lexical half, `chars.py`) would not.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

import numpy as np
from scipy import sparse

from claims.pipeline.matching.chars import N_FEATURES
from claims.pipeline.matching.hashing import hashed_counts, word_ngrams


def _words_and_pairs(text: str) -> list[str]:
    return word_ngrams(text, 2)


def word_counts(texts: Sequence[str]) -> sparse.csr_matrix:
    """Hashed counts of content words (English stop words left out) and word pairs of
    normalised texts."""
    return hashed_counts(texts, _words_and_pairs, N_FEATURES)


class BM25Index:
    """An inverted index over word features, in segments so adding never rewrites it all.

    Each segment is a feature-major sparse matrix of BM25 term weights (without the IDF,
    which is applied at query time from the document frequencies of the whole index). New
    documents wait in a small row-major tail (cheap to append one claim to); a full tail
    becomes a segment, and segments merge like a binary counter, a new one joining the one
    before it while that one is at most twice its size: O(log n) segments, and each document
    copied O(log n) times in all, whether claims arrive one by one or a million at once.
    """

    K1 = 1.2
    B = 0.75
    MERGE_RATIO = 2
    TAIL_ROWS = 2048
    # Common query words are dropped from candidate search from this index size on.
    PRUNE_FROM = 50_000
    COMMON_SHARE = 20

    def __init__(self) -> None:
        # (matrix, keys) pairs: the column-major segments, then at most one row-major tail.
        # Replaced whole, never changed in place, so a search in another thread (API searches
        # run in threads while one of them tops the index up) reads a consistent set.
        self._parts: tuple[tuple[sparse.csc_matrix | sparse.csr_matrix, np.ndarray], ...] = ()
        self._df = np.zeros(N_FEATURES, dtype=np.int32)
        self._size = 0
        self._total_length = 0

    def __len__(self) -> int:
        return self._size

    @property
    def segments(self) -> int:
        """How many column-major segments the index is in (besides its tail)."""
        return sum(isinstance(matrix, sparse.csc_matrix) for matrix, _ in self._parts)

    @property
    def tail_rows(self) -> int:
        """How many documents wait in the row-major tail."""
        return sum(m.shape[0] for m, _ in self._parts if isinstance(m, sparse.csr_matrix))

    def add(self, keys: Sequence[int], texts: Sequence[str]) -> None:
        if not keys:
            return
        counts = word_counts(texts)
        lengths = np.asarray(counts.sum(axis=1)).ravel()
        total_length = self._total_length + int(lengths.sum())
        average = max(total_length / (self._size + len(keys)), 1.0)
        counts.data = _term_weights(counts, lengths, average)
        segments = [part for part in self._parts if isinstance(part[0], sparse.csc_matrix)]
        tail = [part for part in self._parts if isinstance(part[0], sparse.csr_matrix)]
        tail.append((counts, np.asarray(keys, dtype=np.int64)))
        # One row-major matrix, so a search reads the tail in one step.
        matrix = sparse.vstack([part[0] for part in tail], format="csr")
        tail_keys = np.concatenate([part[1] for part in tail])
        if matrix.shape[0] >= self.TAIL_ROWS:
            self._parts = tuple(_segments_merged([*segments, (matrix.tocsc(), tail_keys)]))
        else:
            self._parts = (*segments, (matrix, tail_keys))
        np.add.at(self._df, counts.indices, 1)
        self._size += len(keys)
        self._total_length = total_length

    def search(self, text: str, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Keys and BM25 scores of the `k` best documents for a normalised text, best first."""
        query = word_counts([text])
        features = np.unique(query.indices)
        if not len(features) or not self._size:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        df = self._df[features]
        if self._size >= self.PRUNE_FROM:
            # Words in more than one text in twenty weigh little in the score (IDF under 3)
            # but their postings are most of the work: left out while rarer ones remain.
            rare = df * self.COMMON_SHARE <= self._size
            if rare.any():
                features, df = features[rare], df[rare]
        idf = bm25_idf(df, self._size)
        best_keys: list[np.ndarray] = []
        best_scores: list[np.ndarray] = []
        for segment, keys in self._parts:
            rows, scores = _segment_scores(segment, features, idf)
            top = _top(scores, k)
            top = top[scores[top] > 0]
            best_keys.append(keys[rows[top]])
            best_scores.append(scores[top])
        all_keys = np.concatenate(best_keys)
        all_scores = np.concatenate(best_scores)
        order = np.argsort(-all_scores, kind="stable")[:k]
        return all_keys[order], all_scores[order]


def bm25_idf(df: np.ndarray, size: int) -> np.ndarray:
    """BM25's IDF of features held by `df` of `size` documents."""
    return np.log1p((size - df + 0.5) / (df + 0.5)).astype(np.float32)


def bm25_scores(
    query: str,
    texts: Sequence[str],
    df: Callable[[np.ndarray], np.ndarray],
    size: int,
    average_length: float,
) -> np.ndarray:
    """BM25 of a few normalised `texts` for a normalised `query`, as `BM25Index` would score
    them inside a collection of `size` documents of `average_length` word features whose
    document frequencies `df` gives (a collection kept elsewhere, such as the database)."""
    features = np.unique(word_counts([query]).indices)
    if not len(features) or not len(texts) or size <= 0:
        return np.zeros(len(texts), dtype=np.float32)
    counts = word_counts(texts)
    lengths = np.asarray(counts.sum(axis=1)).ravel()
    weights = _term_weights(counts, lengths, max(average_length, 1.0))
    idf = bm25_idf(np.asarray(df(features), dtype=np.float64), size)
    at = np.minimum(np.searchsorted(features, counts.indices), len(features) - 1)
    shared = features[at] == counts.indices
    rows = np.repeat(np.arange(counts.shape[0]), np.diff(counts.indptr))
    return np.bincount(
        rows[shared], weights=weights[shared] * idf[at[shared]], minlength=len(texts)
    ).astype(np.float32)


def _term_weights(counts: sparse.csr_matrix, lengths: np.ndarray, average: float) -> np.ndarray:
    """BM25's saturated, length-normalised weight of each stored count (row-major `counts`)."""
    k1, b = BM25Index.K1, BM25Index.B
    rows = np.repeat(np.arange(counts.shape[0]), np.diff(counts.indptr))
    tf = counts.data
    return (tf * (k1 + 1) / (tf + k1 * (1 - b + b * lengths[rows] / average))).astype(np.float32)


def _segments_merged(
    segments: list[tuple[sparse.csc_matrix, np.ndarray]],
) -> list[tuple[sparse.csc_matrix, np.ndarray]]:
    """The last segment merged into the one before while that one is at most twice its size."""
    while (
        len(segments) > 1
        and segments[-2][0].shape[0] <= BM25Index.MERGE_RATIO * segments[-1][0].shape[0]
    ):
        (last, last_keys), (before, before_keys) = segments.pop(), segments.pop()
        segments.append(
            (
                sparse.vstack([before, last], format="csc"),
                np.concatenate([before_keys, last_keys]),
            )
        )
    return segments


def _segment_scores(
    segment: sparse.csc_matrix | sparse.csr_matrix, features: np.ndarray, idf: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The rows of a segment (or of the tail) holding any of the features, and their scores.

    Only the postings of the query's features are read: when they touch few of the segment's
    rows the scores are summed over those rows alone, instead of over a dense vector as long as
    the segment (4 MB to clear and partition per query at a million claims).
    """
    if isinstance(segment, sparse.csr_matrix):
        return _tail_scores(segment, features, idf)
    postings = segment[:, features]
    if postings.nnz * 8 >= segment.shape[0]:
        scores = np.asarray(postings @ idf).ravel()
        return np.arange(segment.shape[0]), scores
    weights = postings.data * np.repeat(idf, np.diff(postings.indptr))
    rows, slot = np.unique(postings.indices, return_inverse=True)
    return rows, np.bincount(slot, weights=weights, minlength=len(rows)).astype(np.float32)


def _tail_scores(
    tail: sparse.csr_matrix, features: np.ndarray, idf: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Scores of every row of the row-major tail.

    Each entry reads its feature's IDF from a table as long as the hash space (zero but for the
    query's features while this runs). Slicing columns out of a row-major matrix would first
    build an offset table that long for every query, and a binary search of 40,000 entries
    among the query's features costs as much: 1 ms per query on a 2,000-row tail, 0.15 ms this
    way.
    """
    table: np.ndarray | None = getattr(_tables, "idf", None)
    if table is None:
        table = _tables.idf = np.zeros(N_FEATURES, dtype=np.float32)
    table[features] = idf
    try:
        weights = tail.data * table[tail.indices]
    finally:
        table[features] = 0.0
    rows = np.repeat(np.arange(tail.shape[0]), np.diff(tail.indptr))
    scores = np.bincount(rows, weights=weights, minlength=tail.shape[0]).astype(np.float32)
    return np.arange(tail.shape[0]), scores


# One IDF table per thread: API searches may run in threads against one index.
_tables = threading.local()


def _top(scores: np.ndarray, k: int) -> np.ndarray:
    if len(scores) <= k:
        return np.arange(len(scores))
    return np.argpartition(-scores, k - 1)[:k]
