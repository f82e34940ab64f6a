"""Nearest neighbours among unit-length embedding vectors.

At a million 384-dimension vectors an exact scan reads 1.5 GB per query (~150 ms on one core),
three times the 50 ms budget; an HNSW graph (usearch) answers in about a millisecond with the
vectors kept as half floats. Small indexes, and machines without usearch, use the exact scan.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

# Below this many vectors the exact scan is as fast as the graph and has perfect recall.
EXACT_BELOW = 20_000
_SCAN_BATCH = 65_536


class DenseIndex:
    """Cosine nearest neighbours over unit-length float32 vectors, keyed by int."""

    def __init__(self, dimensions: int, *, exact_below: int = EXACT_BELOW) -> None:
        self.dimensions = dimensions
        self.exact_below = exact_below
        # Below the graph's threshold: rows [0, _count) of buffers that double when full, so
        # adding one claim at a time never copies everything stored.
        self._count = 0
        self._keys = np.zeros(0, dtype=np.int64)
        self._vectors = np.zeros((0, dimensions), dtype=np.float32)
        self._rows: dict[int, int] = {}
        self._graph: object | None = None

    def __len__(self) -> int:
        if self._graph is not None:
            return len(self._graph)  # type: ignore[arg-type]
        return self._count

    def add(self, keys: Sequence[int], vectors: np.ndarray) -> None:
        if not len(keys):
            return
        keys_array = np.asarray(keys, dtype=np.int64)
        vectors = np.ascontiguousarray(vectors, dtype=np.float32).reshape(-1, self.dimensions)
        if self._graph is not None:
            self._graph.add(keys_array, vectors)  # type: ignore[attr-defined]
            return
        needed = self._count + len(keys_array)
        if needed > len(self._keys):
            capacity = max(needed, 2 * len(self._keys), 1024)
            self._keys = np.resize(self._keys, capacity)
            grown = np.zeros((capacity, self.dimensions), dtype=np.float32)
            grown[: self._count] = self._vectors[: self._count]
            self._vectors = grown
        self._keys[self._count : needed] = keys_array
        self._vectors[self._count : needed] = vectors
        self._rows.update((int(key), row) for row, key in enumerate(keys_array, self._count))
        self._count = needed
        if self._count >= self.exact_below:
            self._build_graph()

    def _build_graph(self) -> None:
        try:
            from usearch.index import Index
        except ImportError:
            return  # the exact scan still answers, only slower at scale
        graph = Index(ndim=self.dimensions, metric="cos", dtype="f16")
        graph.add(self._keys[: self._count], self._vectors[: self._count])
        self._graph = graph
        # The graph keeps its own half-float copy; the full-precision one is not needed.
        self._count = 0
        self._keys = np.zeros(0, dtype=np.int64)
        self._vectors = np.zeros((0, self.dimensions), dtype=np.float32)
        self._rows = {}

    def vectors_get(self, keys: Sequence[int]) -> np.ndarray:
        """The stored vectors of `keys` (zero rows for unknown keys)."""
        out = np.zeros((len(keys), self.dimensions), dtype=np.float32)
        if not len(keys):
            return out
        if self._graph is not None:
            found = self._graph.get(np.asarray(keys, dtype=np.int64))  # type: ignore[attr-defined]
            for row, vector in enumerate(found):
                if vector is not None:
                    out[row] = np.asarray(vector, dtype=np.float32).reshape(-1)
            return out
        for row, key in enumerate(keys):
            stored = self._rows.get(int(key))
            if stored is not None:
                out[row] = self._vectors[stored]
        return out

    def search(self, vector: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Keys and cosine similarities of the `k` nearest vectors, best first."""
        query = np.asarray(vector, dtype=np.float32).reshape(-1)
        if self._graph is not None:
            found = self._graph.search(query, k)  # type: ignore[attr-defined]
            return np.asarray(found.keys, dtype=np.int64), 1.0 - np.asarray(
                found.distances, dtype=np.float32
            )
        best_keys: list[np.ndarray] = []
        best_scores: list[np.ndarray] = []
        for start in range(0, self._count, _SCAN_BATCH):
            stop = min(start + _SCAN_BATCH, self._count)
            scores = self._vectors[start:stop] @ query
            top = (
                np.argsort(-scores, kind="stable")[:k]
                if len(scores) <= k
                else (np.argpartition(-scores, k - 1)[:k])
            )
            best_keys.append(self._keys[start:stop][top])
            best_scores.append(scores[top])
        if not best_keys:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        keys = np.concatenate(best_keys)
        scores = np.concatenate(best_scores)
        order = np.argsort(-scores, kind="stable")[:k]
        return keys[order], scores[order]
