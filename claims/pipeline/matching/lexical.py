"""Lexical similarity: character n-grams for the score, BM25 over words to find candidates.

Both hash their features, so nothing is fitted and a worker can start from an empty index.
Character n-grams forgive spelling, inflection and tweet noise ("#AustralianFires"); words with
BM25 make an inverted index whose posting lists stay short enough to search a million claims.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import HashingVectorizer

N_FEATURES = 2**20

_chars = HashingVectorizer(
    analyzer="char_wb",
    ngram_range=(3, 5),
    n_features=N_FEATURES,
    alternate_sign=False,
    norm=None,
    lowercase=False,
    dtype=np.float32,
)
_words = HashingVectorizer(
    analyzer="word",
    ngram_range=(1, 2),
    stop_words="english",
    n_features=N_FEATURES,
    alternate_sign=False,
    norm=None,
    lowercase=False,
    dtype=np.float32,
)


def char_counts(texts: Sequence[str]) -> sparse.csr_matrix:
    """Log-scaled character 3-5-gram counts of normalised texts."""
    matrix = _chars.transform(texts).tocsr()
    np.log1p(matrix.data, out=matrix.data)
    return matrix


def char_vectors(texts: Sequence[str]) -> sparse.csr_matrix:
    """Unit-length, log-scaled character 3-5-gram counts of normalised texts."""
    return _unit_rows(char_counts(texts))


def char_similarity(query: str, texts: Sequence[str]) -> np.ndarray:
    """Cosine of the query's character n-grams with each text's."""
    if not texts:
        return np.zeros(0, dtype=np.float32)
    rows = _char_rows.get([query, *texts])
    features, weights = rows[0]
    others = rows[1:]
    return _cosines(
        features,
        weights,
        np.concatenate([row[0] for row in others]),
        np.concatenate([row[1] for row in others]),
        np.array([len(row[0]) for row in others]),
    )


def _first_row_cosines(vectors: sparse.csr_matrix) -> np.ndarray:
    """The first row's dot product with each of the others (unit rows: cosines)."""
    start, stop = vectors.indptr[0], vectors.indptr[1]
    order = np.argsort(vectors.indices[start:stop])
    others = vectors[1:]
    return _cosines(
        vectors.indices[start:stop][order],
        vectors.data[start:stop][order],
        others.indices,
        others.data,
        np.diff(others.indptr),
    )


def _cosines(
    features: np.ndarray,
    weights: np.ndarray,
    indices: np.ndarray,
    data: np.ndarray,
    lengths: np.ndarray,
) -> np.ndarray:
    """Dot products of one sparse row (`features` sorted) with rows laid end to end.

    The other rows' entries look up the query's few hundred features by binary search; a
    sparse product would first transpose the query into a matrix as tall as the hash space.
    """
    if not len(features):
        return np.zeros(len(lengths), dtype=np.float32)
    at = np.minimum(np.searchsorted(features, indices), len(features) - 1)
    shared = np.where(features[at] == indices, data * weights[at], 0.0)
    owners = np.repeat(np.arange(len(lengths)), lengths)
    return np.bincount(owners, weights=shared, minlength=len(lengths)).astype(np.float32)


class _CharRows:
    """The character vectors (sorted features, weights) of the texts compared last.

    A claim is compared with its candidates in the claim index and again in the fact-check
    index, and the same fact-checks come up as candidates again and again: vectorising
    costs ~0.1 ms a text, a hit a dictionary lookup. Bounded (least recently used go first);
    ~2.5 KB a text.
    """

    def __init__(self, size: int) -> None:
        self._size = size
        self._rows: OrderedDict[str, tuple[np.ndarray, np.ndarray]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, texts: Sequence[str]) -> list[tuple[np.ndarray, np.ndarray]]:
        with self._lock:
            found = {text: self._rows.get(text) for text in texts}
            for text, row in found.items():
                if row is not None:
                    self._rows.move_to_end(text)
        missing = [text for text, row in found.items() if row is None]
        if missing:
            vectors = char_vectors(missing)
            for n, text in enumerate(missing):
                start, stop = vectors.indptr[n], vectors.indptr[n + 1]
                order = np.argsort(vectors.indices[start:stop])
                found[text] = (
                    vectors.indices[start:stop][order],
                    vectors.data[start:stop][order],
                )
            with self._lock:
                for text in missing:
                    self._rows[text] = found[text]  # type: ignore[assignment]
                while len(self._rows) > self._size:
                    self._rows.popitem(last=False)
        return [found[text] for text in texts]  # type: ignore[misc]


_char_rows = _CharRows(size=10_000)


@dataclass(frozen=True)
class CharCosines:
    query: np.ndarray  # the query's cosine with each text
    among: np.ndarray  # the texts' with each other, a square matrix
    weighted: np.ndarray | None  # the query's with each text, n-grams weighted by rarity


def char_similarities(
    query: str, texts: Sequence[str], rarity: CharRarity | None = None
) -> CharCosines:
    """The query's character n-gram cosine with each text, the texts' with each other and,
    given `rarity`, the query's on n-grams weighted by their IDF, from one vectorisation
    (most of the cost)."""
    if not texts:
        empty = np.zeros(0, dtype=np.float32)
        return CharCosines(empty, np.zeros((0, 0), dtype=np.float32), None if rarity else empty)
    counts = char_counts([query, *texts])
    vectors = _unit_rows(counts)
    # Renumbered onto the features these texts use: a product over the whole hash space
    # would transpose a matrix 2**20 rows tall.
    features, column = np.unique(vectors.indices, return_inverse=True)
    compact = sparse.csr_matrix(
        (vectors.data, column, vectors.indptr), shape=(vectors.shape[0], len(features))
    )
    among = (compact[1:] @ compact[1:].T).toarray().astype(np.float32)
    weighted = None
    if rarity is not None:
        counts.data *= rarity.idf(counts.indices)
        weighted = _first_row_cosines(_unit_rows(counts))
    return CharCosines(_first_row_cosines(vectors), among, weighted)


class CharRarity:
    """How many texts hold each hashed character n-gram, for IDF weights.

    The weights follow the index's size and content, so a score built on them would move
    under fixed thresholds; the matcher uses them only to order its results.
    """

    def __init__(self) -> None:
        self._df = np.zeros(N_FEATURES, dtype=np.int32)
        self._size = 0

    def add(self, texts: Sequence[str]) -> None:
        """Count the n-grams of normalised texts, once per text."""
        if not texts:
            return
        counts = _chars.transform(texts).tocsr()
        counts.sum_duplicates()
        np.add.at(self._df, counts.indices, 1)
        self._size += len(texts)

    def idf(self, features: np.ndarray) -> np.ndarray:
        """Smoothed IDF of each feature: 1 for an n-gram every text holds, more the rarer."""
        df = self._df[features]
        return (np.log((self._size + 1) / (df + 1)) + 1).astype(np.float32)


def word_counts(texts: Sequence[str]) -> sparse.csr_matrix:
    """Hashed counts of content words and word pairs of normalised texts."""
    return _words.transform(texts).tocsr()


def _unit_rows(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    matrix = matrix.astype(np.float32)
    lengths = np.diff(matrix.indptr)
    rows = np.repeat(np.arange(matrix.shape[0]), lengths)
    norms = np.sqrt(np.bincount(rows, weights=matrix.data**2, minlength=matrix.shape[0]))
    norms[norms == 0] = 1.0
    # Scaled row by row in place: a product with a diagonal matrix would allocate per column,
    # and there are 2**20 columns.
    matrix.data /= np.repeat(norms, lengths).astype(np.float32)
    return matrix


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
        self._segments: list[sparse.csc_matrix] = []
        self._keys: list[np.ndarray] = []
        self._tail: list[sparse.csr_matrix] = []
        self._tail_keys: list[np.ndarray] = []
        self._df = np.zeros(N_FEATURES, dtype=np.int32)
        self._size = 0
        self._total_length = 0

    def __len__(self) -> int:
        return self._size

    def add(self, keys: Sequence[int], texts: Sequence[str]) -> None:
        if not keys:
            return
        counts = word_counts(texts)
        lengths = np.asarray(counts.sum(axis=1)).ravel()
        self._size += len(keys)
        self._total_length += int(lengths.sum())
        average = max(self._total_length / self._size, 1.0)
        rows = np.repeat(np.arange(counts.shape[0]), np.diff(counts.indptr))
        tf = counts.data
        counts.data = (
            tf * (self.K1 + 1) / (tf + self.K1 * (1 - self.B + self.B * lengths[rows] / average))
        ).astype(np.float32)
        np.add.at(self._df, counts.indices, 1)
        self._tail.append(counts)
        self._tail_keys.append(np.asarray(keys, dtype=np.int64))
        if sum(part.shape[0] for part in self._tail) >= self.TAIL_ROWS:
            self._segment_add()
        elif len(self._tail) > 1:
            # One row-major matrix, so a search reads the tail in one step.
            self._tail = [sparse.vstack(self._tail, format="csr")]
            self._tail_keys = [np.concatenate(self._tail_keys)]

    def _segment_add(self) -> None:
        self._segments.append(sparse.vstack(self._tail, format="csr").tocsc())
        self._keys.append(np.concatenate(self._tail_keys))
        self._tail, self._tail_keys = [], []
        while (
            len(self._segments) > 1
            and self._segments[-2].shape[0] <= self.MERGE_RATIO * self._segments[-1].shape[0]
        ):
            last, before = self._segments.pop(), self._segments.pop()
            self._segments.append(sparse.vstack([before, last], format="csc"))
            last_keys, before_keys = self._keys.pop(), self._keys.pop()
            self._keys.append(np.concatenate([before_keys, last_keys]))

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
        idf = np.log1p((self._size - df + 0.5) / (df + 0.5)).astype(np.float32)
        best_keys: list[np.ndarray] = []
        best_scores: list[np.ndarray] = []
        parts = [*zip(self._segments, self._keys, strict=True)]
        parts += zip(self._tail, self._tail_keys, strict=True)
        for segment, keys in parts:
            rows, scores = _segment_scores(segment, features, idf)
            top = _top(scores, k)
            top = top[scores[top] > 0]
            best_keys.append(keys[rows[top]])
            best_scores.append(scores[top])
        all_keys = np.concatenate(best_keys)
        all_scores = np.concatenate(best_scores)
        order = np.argsort(-all_scores, kind="stable")[:k]
        return all_keys[order], all_scores[order]


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
