"""Claim matching in one process's memory: top-5 matches among N stored claims, per claim.

    .venv/bin/python bench/matching_memory.py [--stored 1000000] [--queries 300] [--real 3000]

The in-memory `Matcher` (BM25 and an HNSW graph of usearch) is what the embedded SQLite
default builds for each batch, and what every process held for all stored claims before
candidates came from PostgreSQL (`bench/matching.py`); this measures it the same way, for
comparison.

Stored claims: the first `--real` verified claims of the CheckThat! 2020 pool (plus those the
dev queries' qrels name), with their texts embedded by the real model, then synthetic claims up
to N: texts of 20-30 words drawn Zipf-wise from the words of the real claims and tweets, most
frequent first, plus a figure (so a real query's words meet posting lists as long as real text
gives them), and vectors that are normalised noisy mixes of two real
claims' vectors (the graph's cost depends on how the vectors cluster, not on what they mean).
Queries are real tweets (CheckThat! dev, then train) embedded by the real model one at a time,
and each is timed through everything the matching task does for a claim without the database:
embedding, both indexes' candidates, rescoring and guards for the stored claims, the same for
the fact-check index (the real verified claims), and the merge decision. Then the next tweets
in batches of FACTCHECK_MATCH_BATCH_SIZE, as `claims_match` runs them (one batched embedding
call, then each claim's searches).
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from claims.pipeline.embeddings import DIMENSIONS, Embedder, embedder_get  # noqa: E402
from claims.pipeline.matching.matcher import (  # noqa: E402
    Match,
    Matcher,
    claim_matcher,
    fact_check_matcher,
)
from claims.pipeline.matching.normalise import normalise, words  # noqa: E402

BATCH = 10_000
MATCH_BATCH = 100  # FACTCHECK_MATCH_BATCH_SIZE's default
MERGE_AT = 0.6  # FACTCHECK_MATCH_MERGE_THRESHOLD's default
SHARED = Path(os.environ.get("FACTCHECK_SHARED_DIR", REPO.parent / "shared"))
CORPUS = SHARED / "corpus" / "claim-matching"


def _tsv(path: Path) -> list[tuple[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle, delimiter="\t")
        next(reader)
        return [(row[0], row[1]) for row in reader if len(row) >= 2]


def _qrels(path: Path) -> dict[str, set[str]]:
    relevant: dict[str, set[str]] = {}
    for line in path.read_text(encoding="utf-8").split("\n"):
        parts = line.split()
        if len(parts) == 4 and parts[3] != "0":
            relevant.setdefault(parts[0], set()).add(parts[2])
    return relevant


def _vocabulary(texts: list[str]) -> list[str]:
    """The words of real claims and tweets, most frequent first, so that the synthetic claims'
    posting lists are as long as a real query's words meet them."""
    counts = Counter(word for text in texts for word in words(normalise(text)))
    return [word for word, _ in counts.most_common()]


def _texts(rng: np.random.Generator, vocabulary: list[str], n: int) -> list[str]:
    ranks = np.minimum(rng.zipf(1.2, size=(n, 30)), len(vocabulary)) - 1
    lengths = rng.integers(20, 31, size=n)
    numbers = rng.integers(1, 1000, size=n)
    return [
        " ".join(vocabulary[r] for r in row[:length]) + f" {number} percent"
        for row, length, number in zip(ranks, lengths, numbers, strict=True)
    ]


def _mixed(rng: np.random.Generator, base: np.ndarray, n: int) -> np.ndarray:
    """Unit vectors near real ones: w*a + (1-w)*b + noise, w in [0.5, 1], noise norm ~0.5."""
    a = base[rng.integers(len(base), size=n)]
    b = base[rng.integers(len(base), size=n)]
    w = rng.uniform(0.5, 1.0, size=(n, 1)).astype(np.float32)
    noise = rng.standard_normal((n, DIMENSIONS), dtype=np.float32) * (0.5 / DIMENSIONS**0.5)
    vectors = w * a + (1 - w) * b + noise
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors


def _rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().split("\n"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(int(len(ordered) * q + 0.5) - 1, 0)]


def _place(
    claims: Matcher, facts: Matcher, key: int, text: str, vector: np.ndarray | None
) -> tuple[list[Match], Match | None]:
    """What `_claim_place` computes outside the database: matches, the merge target, checks,
    and adding the placed claim to the index (under a new key, as production does)."""
    matches = claims.search(text, vector=vector, k=5)
    target = next((m for m in matches if m.score >= MERGE_AT and not m.conflicting), None)
    facts.search(text, vector=vector, k=3)
    claims.add([key], [text], None if vector is None else vector.reshape(1, -1))
    return matches, target


def _timed(call: Callable[[], object]) -> tuple[object, float]:
    started = time.perf_counter()
    result = call()
    return result, (time.perf_counter() - started) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--stored", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--real", type=int, default=3000, help="real verified claims stored")
    parser.add_argument("--lexical", action="store_true", help="no embeddings")
    args = parser.parse_args()
    rng = np.random.default_rng(7)
    pool = _tsv(CORPUS / "verified_claims.docs.tsv")
    dev = _tsv(CORPUS / "dev" / "tweets.queries.tsv")
    everything = dev + _tsv(CORPUS / "train" / "tweets.queries.tsv")
    tweets = everything[: args.queries]
    # The batches take the tweets that follow: texts never matched before, as at ingestion
    # (the matcher keeps recent texts' character counts and fingerprints).
    later = everything[args.queries : 2 * args.queries]
    relevant = _qrels(CORPUS / "dev" / "tweet-vclaim-pairs.qrels")
    wanted = {vclaim for ids in relevant.values() for vclaim in ids}
    real = [row for n, row in enumerate(pool) if n < args.real or row[0] in wanted]
    vocabulary = _vocabulary([text for _, text in pool] + [text for _, text in tweets])
    print(f"cpus {os.cpu_count()}, load average at start {_load()}")

    embedder: Embedder | None = None
    if not args.lexical:
        embedder = embedder_get()
        embedder.encode(["warm up the model"])
    dims = None if embedder is None else DIMENSIONS
    # The two indexes as the matching service builds them.
    claims = claim_matcher(dimensions=dims)
    facts = fact_check_matcher(dimensions=dims)

    started = time.perf_counter()
    real_texts = [text for _, text in real]
    base = None if embedder is None else embedder.encode(real_texts)
    embed_real = time.perf_counter() - started
    facts.add(list(range(len(real))), real_texts, base)
    before = _rss_mib()
    started = time.perf_counter()
    claims.add(list(range(len(real))), real_texts, base)
    for start in range(len(real), args.stored, BATCH):
        n = min(BATCH, args.stored - start)
        vectors = None if base is None else _mixed(rng, base, n)
        claims.add(list(range(start, start + n)), _texts(rng, vocabulary, n), vectors)
    build = time.perf_counter() - started
    print(f"stored claims        {args.stored:,} ({'lexical' if embedder is None else 'hybrid'})")
    print(f"real claims embedded {len(real):,} in {embed_real:.0f} s")
    rss = _rss_mib()
    print(f"index build          {build:.0f} s, RSS {rss:,.0f} MiB (+{rss - before:,.0f})")
    print(f"load average         {_load()}")

    keys = {vclaim: n for n, (vclaim, _) in enumerate(real)}
    embed_ms: list[float] = []
    search_ms: list[float] = []
    total_ms: list[float] = []
    found = judged = 0
    next_key = args.stored
    for tweet_id, text in tweets:
        next_key += 1
        vector = None
        if embedder is not None:
            encoded, ms = _timed(lambda text=text: embedder.encode([text]))  # type: ignore[union-attr]
            vector = encoded[0]  # type: ignore[index]
            embed_ms.append(ms)
        result, ms = _timed(
            lambda key=next_key, text=text, vector=vector: _place(claims, facts, key, text, vector)
        )
        search_ms.append(ms)
        total_ms.append(ms + (embed_ms[-1] if embed_ms else 0.0))
        if tweet_id in relevant:
            judged += 1
            top = {m.key for m in result[0]}  # type: ignore[index]
            found += any(keys.get(v) in top for v in relevant[tweet_id])
    print(f"one claim at a time  {len(total_ms)} real tweets, load {_load()}")
    parts = (("embedding", embed_ms), ("search+rescore", search_ms), ("total", total_ms))
    for name, values in parts:
        if values:
            p50, p95 = statistics.median(values), _pct(values, 0.95)
            print(f"  {name:18} p50 {p50:6.1f} ms  p95 {p95:6.1f} ms")
    if judged:
        print(f"  dev tweets with a relevant verified claim in the top 5: {found}/{judged}")

    batch_ms: list[float] = []
    batch_embed: list[float] = []
    for start in range(0, len(later), MATCH_BATCH):
        texts = [text for _, text in later[start : start + MATCH_BATCH]]
        t0 = time.perf_counter()
        vectors = None if embedder is None else embedder.encode(texts)
        t1 = time.perf_counter()
        for row, text in enumerate(texts):
            next_key += 1
            _place(claims, facts, next_key, text, None if vectors is None else vectors[row])
        t2 = time.perf_counter()
        batch_embed.append((t1 - t0) * 1000 / len(texts))
        batch_ms.append((t2 - t0) * 1000 / len(texts))
    print(f"in batches of {MATCH_BATCH}    the next {len(later)} tweets, load {_load()}")
    for n, (per, emb) in enumerate(zip(batch_ms, batch_embed, strict=True)):
        print(f"  batch {n}: {per:.1f} ms per claim ({emb:.1f} embedding, {per - emb:.1f} search)")
    print(f"  mean {statistics.mean(batch_ms):.1f} ms per claim added to ingestion")
    print(f"max RSS {_rss_mib():,.0f} MiB, load average at end {_load()}")


if __name__ == "__main__":
    main()
