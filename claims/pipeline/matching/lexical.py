"""Lexical similarity: character n-grams for the score, BM25 over words to find candidates.

Both hash their features, so nothing is fitted and a worker can start from an empty index.
Character n-grams forgive spelling, inflection and tweet noise ("#AustralianFires"); words with
BM25 make an inverted index whose posting lists stay short enough to search a million claims.
"""

from __future__ import annotations

from collections.abc import Sequence

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


def char_vectors(texts: Sequence[str]) -> sparse.csr_matrix:
    """Unit-length, log-scaled character 3-5-gram counts of normalised texts."""
    matrix = _chars.transform(texts).tocsr()
    np.log1p(matrix.data, out=matrix.data)
    return _unit_rows(matrix)


def char_similarity(query: str, texts: Sequence[str]) -> np.ndarray:
    """Cosine of the query's character n-grams with each text's."""
    if not texts:
        return np.zeros(0, dtype=np.float32)
    vectors = char_vectors([query, *texts])
    return np.asarray((vectors[1:] @ vectors[0].T).toarray()).ravel()


def word_counts(texts: Sequence[str]) -> sparse.csr_matrix:
    """Hashed counts of content words and word pairs of normalised texts."""
    return _words.transform(texts).tocsr()


def _unit_rows(matrix: sparse.csr_matrix) -> sparse.csr_matrix:
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.diags(1.0 / norms).dot(matrix).tocsr().astype(np.float32)


class BM25Index:
    """An inverted index over word features, in segments so adding never rewrites it all.

    Each segment is a feature-major sparse matrix of BM25 term weights (without the IDF,
    which is applied at query time from the document frequencies of the whole index).
    """

    K1 = 1.2
    B = 0.75
    MAX_SEGMENTS = 8

    def __init__(self) -> None:
        self._segments: list[sparse.csc_matrix] = []
        self._keys: list[np.ndarray] = []
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
        self._segments.append(counts.tocsc())
        self._keys.append(np.asarray(keys, dtype=np.int64))
        if len(self._segments) > self.MAX_SEGMENTS:
            self._segments = [sparse.vstack(self._segments, format="csc")]
            self._keys = [np.concatenate(self._keys)]

    def search(self, text: str, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Keys and BM25 scores of the `k` best documents for a normalised text, best first."""
        query = word_counts([text])
        features = np.unique(query.indices)
        if not len(features) or not self._size:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        df = self._df[features]
        idf = np.log1p((self._size - df + 0.5) / (df + 0.5)).astype(np.float32)
        best_keys: list[np.ndarray] = []
        best_scores: list[np.ndarray] = []
        for segment, keys in zip(self._segments, self._keys, strict=True):
            scores = np.asarray(segment[:, features] @ idf).ravel()
            top = _top(scores, k)
            top = top[scores[top] > 0]
            best_keys.append(keys[top])
            best_scores.append(scores[top])
        all_keys = np.concatenate(best_keys)
        all_scores = np.concatenate(best_scores)
        order = np.argsort(-all_scores, kind="stable")[:k]
        return all_keys[order], all_scores[order]


def _top(scores: np.ndarray, k: int) -> np.ndarray:
    if len(scores) <= k:
        return np.arange(len(scores))
    return np.argpartition(-scores, k - 1)[:k]
