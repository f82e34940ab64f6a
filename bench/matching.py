"""Claim matching speed: top-5 matches among N stored claims, and the cost per new claim.

    .venv/bin/python bench/matching.py [--stored 1000000] [--queries 300] [--lexical]

Stored claims are synthetic (20-30 words drawn from a Zipf-distributed 30,000-word vocabulary,
so posting lists look like real text) with random unit vectors standing in for embeddings: the
index cost does not depend on what the vectors mean. Queries are stored claims with words
swapped and dropped. The embedding model's own cost per claim is measured separately on real
sentences, in batches as the matching task sends them.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from claims.pipeline.embeddings import DIMENSIONS, EmbeddingUnavailable, embedder_get  # noqa: E402
from claims.pipeline.matching.matcher import Matcher  # noqa: E402

VOCABULARY = 30_000
BATCH = 10_000


def _words(rng: np.random.Generator) -> list[str]:
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    return ["".join(rng.choice(letters, size=rng.integers(3, 10))) for _ in range(VOCABULARY)]


def _texts(rng: np.random.Generator, vocabulary: list[str], n: int) -> list[str]:
    ranks = np.minimum(rng.zipf(1.2, size=(n, 30)), VOCABULARY) - 1
    lengths = rng.integers(20, 31, size=n)
    numbers = rng.integers(1, 1000, size=n)
    return [
        " ".join(vocabulary[r] for r in row[:length]) + f" {number} percent"
        for row, length, number in zip(ranks, lengths, numbers, strict=True)
    ]


def _vectors(rng: np.random.Generator, n: int) -> np.ndarray:
    vectors = rng.standard_normal((n, DIMENSIONS), dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stored", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--lexical", action="store_true", help="no embeddings")
    args = parser.parse_args()
    rng = np.random.default_rng(7)
    vocabulary = _words(rng)
    matcher = Matcher(dimensions=None if args.lexical else DIMENSIONS)
    before = _rss_mib()
    started = time.perf_counter()
    kept: list[tuple[int, str, np.ndarray | None]] = []
    for start in range(0, args.stored, BATCH):
        n = min(BATCH, args.stored - start)
        texts = _texts(rng, vocabulary, n)
        vectors = None if args.lexical else _vectors(rng, n)
        matcher.add(list(range(start, start + n)), texts, vectors)
        per_batch = -(-args.queries * BATCH // args.stored)
        for row in rng.choice(n, size=min(per_batch, n), replace=False):
            kept.append((start + row, texts[row], None if vectors is None else vectors[row]))
    build = time.perf_counter() - started
    print(f"stored claims        {args.stored:,} ({'lexical' if args.lexical else 'hybrid'})")
    print(f"index build          {build:.0f} s, max RSS +{_rss_mib() - before:,.0f} MiB")

    timings = []
    hits = 0
    for key, text, vector in kept[: args.queries]:
        words = text.split()
        for _ in range(3):  # a paraphrase: three words replaced, one dropped
            words[int(rng.integers(len(words) - 2))] = vocabulary[int(rng.integers(VOCABULARY))]
        del words[int(rng.integers(len(words) - 2))]
        query_vector = None
        if vector is not None:
            query_vector = vector + rng.standard_normal(DIMENSIONS, dtype=np.float32) * 0.02
            query_vector /= np.linalg.norm(query_vector)
        t0 = time.perf_counter()
        found = matcher.search(" ".join(words), vector=query_vector, k=5)
        timings.append((time.perf_counter() - t0) * 1000)
        hits += bool(found) and found[0].key == key
    timings.sort()
    p50 = statistics.median(timings)
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(f"top-5 search         p50 {p50:.1f} ms, p95 {p95:.1f} ms over {len(timings)} queries")
    print(f"paraphrase found 1st {hits / len(timings):.1%}")

    if not args.lexical:
        try:
            embedder = embedder_get()
        except EmbeddingUnavailable as exc:
            print(f"embedding            unavailable: {exc}")
            return
        sentences = [text for _, text, _ in kept[:100]]
        embedder.encode(sentences[:8])
        t0 = time.perf_counter()
        embedder.encode(sentences)
        per_claim = (time.perf_counter() - t0) * 1000 / len(sentences)
        print(f"embedding            {per_claim:.1f} ms per claim (batch of 100)")
        print(f"matching per claim   {per_claim + p50:.1f} ms (embedding + median search)")
    print(f"cpus {os.cpu_count()}")


if __name__ == "__main__":
    main()
