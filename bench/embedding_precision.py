"""Cost and agreement of the matching embedder at each precision, on one core.

    taskset -c 0 .venv/bin/python bench/embedding_precision.py [--texts N] [--rounds R]

Embeds the first N CheckThat! 2020 dev tweets and the first N verified claims
(`../shared/corpus/claim-matching/`) as `Embedder.encode` does (batches of 16, longest
first), at float32, int8 and bfloat16; the precisions take turns within each round, so a
change in the machine's load touches them alike. Prints CPU ms per text (median of rounds)
and each precision's cosine with float32's vectors.
"""

from __future__ import annotations

import argparse
import csv
import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402

from claims.evaluation.matching import read_queries  # noqa: E402
from claims.pipeline.embeddings import embedder_load  # noqa: E402

CORPUS = REPO.parent / "shared" / "corpus" / "claim-matching"


def corpus_texts(count: int) -> list[str]:
    tweets = [text for _, text in read_queries(CORPUS / "dev" / "tweets.queries.tsv")]
    with open(CORPUS / "verified_claims.docs.tsv", encoding="utf-8", newline="") as docs:
        rows = csv.reader(docs, delimiter="\t")
        next(rows)
        claims = [row[1] for _, row in zip(range(count), rows, strict=False)]
    return tweets[:count] + claims


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--texts", type=int, default=200, help="tweets, and as many claims")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    import torch

    torch.set_num_threads(1)
    texts = corpus_texts(args.texts)
    precisions = ["float32", "int8", "bfloat16"]
    embedders = {precision: embedder_load(precision) for precision in precisions}
    seconds: dict[str, list[float]] = {precision: [] for precision in precisions}
    vectors: dict[str, np.ndarray] = {}
    for _ in range(args.rounds):
        for precision, embedder in embedders.items():
            started = time.process_time()
            vectors[precision] = embedder.encode(texts)
            seconds[precision].append(time.process_time() - started)
    print(f"{len(texts)} texts, {args.rounds} rounds, CPU time, one thread")
    for precision in precisions:
        cosines = (vectors[precision] * vectors["float32"]).sum(axis=1)
        print(
            f"{precision:<9} {statistics.median(seconds[precision]) / len(texts) * 1000:6.2f} "
            f"ms/text   cosine with float32: mean {cosines.mean():.4f}, "
            f"1st percentile {np.percentile(cosines, 1):.4f}, min {cosines.min():.4f}"
        )


if __name__ == "__main__":
    main()
