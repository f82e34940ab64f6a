"""Pure pipeline speed on one core: articles a second and the cost of each stage.

    .venv/bin/python bench/pipeline.py [--articles DIR] [--rounds N] [--cpu]
        [--scorer auto|linear|cascade|minilm] [--precision auto|float32|bfloat16|int8]
        [--threshold T]

Reads the sample articles beside the project (../shared/samples/articles) and pads each to
about 600 words with its own paragraphs, the size the target is set for. "claim as checked"
times the standalone wording for every sentence; the pipeline does it for claims only.
The scorer is the pipeline's default: the cascade when the semantic extra loads (its two
stages timed apart: the linear gate on every sentence, MiniLM on those it keeps), else the
linear model; one math thread, as on one core. The whole pipeline attributes as the service
does by default (the rules and the linear ranker); with the semantic extra it is also timed with
the MiniLM attribution scorer (FACTCHECK_ATTRIBUTION_MODEL=minilm) and, always, with the rules
alone.
"""

from __future__ import annotations

import argparse
import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from claims.pipeline.attribution import attribute, attribute_article  # noqa: E402
from claims.pipeline.attribution.neural import load_neural  # noqa: E402
from claims.pipeline.attribution.ranker import load_ranker  # noqa: E402
from claims.pipeline.checkworthiness import cascade, minilm  # noqa: E402
from claims.pipeline.checkworthiness.linear import load_scorer  # noqa: E402
from claims.pipeline.checkworthiness.scorer import ModelLoadError, Scorer  # noqa: E402
from claims.pipeline.claim_types import claim_type  # noqa: E402
from claims.pipeline.extract import extract_claims  # noqa: E402
from claims.pipeline.sentences import split_sentences  # noqa: E402
from claims.pipeline.standalone import claim_as_checked  # noqa: E402
from claims.pipeline.text import document_from_text  # noqa: E402
from factcheck.config import Config  # noqa: E402

TARGET_WORDS = 600


def articles(directory: Path) -> list[str]:
    texts = []
    for path in sorted(directory.glob("*.txt")):
        lines = path.read_text().splitlines()
        title, body = lines[0], [line for line in lines[1:] if line.strip()]
        words, padded = 0, []
        while words < TARGET_WORDS:
            for line in body:
                padded.append(line)
                words += len(line.split())
                if words >= TARGET_WORDS:
                    break
        texts.append(title + "\n\n" + "\n\n".join(padded))
    return texts


CLOCK = time.perf_counter


def timed(label: str, fn: Callable[[], object], rounds: int, items: int) -> float:
    samples = []
    for _ in range(rounds):
        start = CLOCK()
        fn()
        samples.append(CLOCK() - start)
    per_item_ms = statistics.median(samples) / items * 1000
    print(f"  {label:<28} {per_item_ms:8.3f} ms/article")
    return per_item_ms


def scorer_load(choice: str, precision: str = "auto") -> Scorer:
    """The scorer FACTCHECK_CHECKWORTHINESS_MODEL=`choice` gives a worker, from shipped files."""
    linear = load_scorer()
    if choice == "linear":
        return linear
    try:
        import torch

        torch.set_num_threads(1)
        strong = minilm.read_model(minilm.DEFAULT_MODEL_PATH, linear, precision=precision)
        if choice == "minilm":
            return strong
        return cascade.read_model(cascade.DEFAULT_MODEL_PATH, linear, strong)
    except (ModelLoadError, ImportError) as exc:
        if choice != "auto":
            sys.exit(f"{choice}: {exc}")
        print(f"semantic extra unavailable, scoring with the linear model: {exc}")
        return linear


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--articles", type=Path, default=REPO.parent / "shared" / "samples" / "articles"
    )
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument(
        "--threshold",
        type=float,
        default=Config.claim_threshold,
        help="default: FACTCHECK_CLAIM_THRESHOLD's default",
    )
    parser.add_argument("--scorer", choices=("auto", "linear", "cascade", "minilm"), default="auto")
    parser.add_argument(
        "--precision",
        choices=("auto", "float32", "bfloat16", "int8"),
        default="auto",
        help="MiniLM's arithmetic (FACTCHECK_CHECKWORTHINESS_PRECISION; default: its default)",
    )
    parser.add_argument(
        "--cpu",
        action="store_true",
        help="time the CPU this process uses instead of the wall clock (a machine other "
        "processes load makes wall-clock figures swing)",
    )
    args = parser.parse_args()
    global CLOCK
    if args.cpu:
        CLOCK = time.process_time

    texts = articles(args.articles)
    if not texts:
        sys.exit(f"no .txt articles in {args.articles}")
    words = statistics.mean(len(t.split()) for t in texts)
    load_start = time.perf_counter()
    scorer = scorer_load(args.scorer, args.precision)
    threshold = args.threshold
    load_ms = (time.perf_counter() - load_start) * 1000
    documents = [document_from_text(t) for t in texts]
    sentences = [split_sentences(d.text) for d in documents]
    n = len(texts)
    print(f"{n} articles of {words:.0f} words on average; scorer {scorer.version}")
    print(f"model load: {load_ms:.0f} ms; threshold {threshold}")
    print(
        f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}"
    )
    print("per stage (median of rounds):")
    clean = timed("clean text", lambda: [document_from_text(t) for t in texts], args.rounds, n)
    split = timed(
        "split sentences", lambda: [split_sentences(d.text) for d in documents], args.rounds, n
    )
    score = timed(
        "score sentences",
        lambda: [scorer.score([s.text for s in ss]) for ss in sentences],
        args.rounds,
        n,
    )
    if isinstance(scorer, cascade.CascadeCheckworthinessModel):
        cascaded = scorer
        kept = [cascaded.probabilities([s.text for s in ss])[1] for ss in sentences]
        share = sum(int(k.sum()) for k in kept) / sum(len(k) for k in kept)
        timed(
            "  of which linear gate",
            lambda: [cascaded.gate.logits([s.text for s in ss]) for ss in sentences],
            args.rounds,
            n,
        )
        print(
            f"  MiniLM scores {share:.0%} of {sum(len(k) for k in kept) / n:.0f} "
            f"sentences an article (linear logit {cascaded.gate_logit:.2f} to "
            f"{cascaded.gate_high:.2f}); the rest is MiniLM and reasons"
        )
    timed(
        "attribute, rules only",
        lambda: [
            attribute(d.text, ss, ranker=None) for d, ss in zip(documents, sentences, strict=False)
        ],
        args.rounds,
        n,
    )
    linear = load_ranker()
    attr = timed(
        "attribute, rules + linear ranker",
        lambda: [
            attribute(d.text, ss, ranker=linear)
            for d, ss in zip(documents, sentences, strict=False)
        ],
        args.rounds,
        n,
    )
    # The MiniLM scorer runs on the sentences that become claims, as the pipeline calls it.
    neural = load_neural()
    if neural is not None:
        wanted = [
            {
                i
                for i, score in enumerate(scorer.score([s.text for s in ss]))
                if score.probability >= threshold
            }
            for ss in sentences
        ]
        ranked = sum(
            sum(1 for i in w if r[i] is None)
            for w, r in zip(
                wanted,
                [
                    attribute(d.text, ss, ranker=None)
                    for d, ss in zip(documents, sentences, strict=True)
                ],
                strict=True,
            )
        )
        timed(
            "attribute, rules + MiniLM scorer (claims)",
            lambda: [
                attribute_article(d.text, ss, ranker=neural, only=w)
                for d, ss, w in zip(documents, sentences, wanted, strict=True)
            ],
            args.rounds,
            n,
        )
        print(
            f"  MiniLM reads {ranked / n:.1f} claims an article that the rules leave unattributed"
        )
    parsed = [
        attribute_article(d.text, ss, ranker=linear)
        for d, ss in zip(documents, sentences, strict=False)
    ]
    checked = timed(
        "claim as checked (all)",
        lambda: [
            [
                claim_as_checked(s, who, d.text, p.registry)
                for s, who in zip(ss, p.attributions, strict=True)
            ]
            for d, ss, p in zip(documents, sentences, parsed, strict=True)
        ],
        args.rounds,
        n,
    )
    kind = timed(
        "claim types",
        lambda: [[claim_type(s.text, None) for s in ss] for ss in sentences],
        args.rounds,
        n,
    )
    # The service's default attribution: the rules and the linear ranker
    # (FACTCHECK_ATTRIBUTION_MODEL=linear); the MiniLM scorer only on request.
    whole = timed(
        "whole pipeline",
        lambda: [
            extract_claims(document_from_text(t), scorer, threshold, ranker=linear) for t in texts
        ],
        args.rounds,
        n,
    )
    if neural is not None:
        timed(
            "whole pipeline, MiniLM attribution scorer",
            lambda: [
                extract_claims(document_from_text(t), scorer, threshold, ranker=neural)
                for t in texts
            ],
            args.rounds,
            n,
        )
    rules_only = timed(
        "whole pipeline, rules only",
        lambda: [
            extract_claims(document_from_text(t), scorer, threshold, ranker=None) for t in texts
        ],
        args.rounds,
        n,
    )
    print(f"sum of stages: {clean + split + score + attr + checked + kind:.3f} ms/article")
    print(f"throughput: {1000 / whole:.0f} articles/second on one core")
    print(f"throughput, attribution by the rules alone: {1000 / rules_only:.0f} articles/second")


if __name__ == "__main__":
    main()
