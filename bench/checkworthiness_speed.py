"""How fast the two check-worthiness models load and score, on one core.

Scores the CheckThat! 2024 English dev sentences (1,032 debate sentences) through `score()`,
the pipeline's call, with reasons for those at or above 0.5 as extraction asks for them:

- linear: the default model (`claims.pipeline.checkworthiness.linear`), the dev set repeated
  20 times;
- minilm: the fine-tuned MiniLM model (`claims.pipeline.checkworthiness.minilm`, `semantic`
  extra).

Load time is a fresh process's first load: the linear model's arrays; for MiniLM, importing
torch and transformers, the packaged base model and the fine-tuned layers.

    python bench/checkworthiness_speed.py [--shared ../shared] [--rounds 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

_LOAD = """
import json, os, sys, time
os.environ["OMP_NUM_THREADS"] = "1"
sys.path.insert(0, {repo!r})
started = time.perf_counter()
from claims.pipeline.checkworthiness import linear as scoring, minilm
linear = scoring.read_model(scoring.DEFAULT_MODEL_PATH)
linear_seconds = time.perf_counter() - started
if {kind!r} == "minilm":
    import torch
    torch.set_num_threads(1)
    minilm.read_model(minilm.DEFAULT_MODEL_PATH, linear, precision="auto")
print(json.dumps(time.perf_counter() - started if {kind!r} == "minilm" else linear_seconds))
"""


def _load_seconds(kind: str) -> float:
    code = _LOAD.format(repo=str(REPO), kind=kind)
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return float(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    import torch

    from claims.pipeline.checkworthiness import linear as scoring
    from claims.pipeline.checkworthiness import minilm
    from claims.pipeline.checkworthiness.data import read_checkthat_tsv

    torch.set_num_threads(1)
    dev = read_checkthat_tsv(
        args.shared / "corpus" / "checkworthiness" / "CT24_checkworthy_english_dev.tsv"
    )
    texts = [row.text for row in dev]
    linear = scoring.read_model(scoring.DEFAULT_MODEL_PATH)
    # As workers load it (FACTCHECK_CHECKWORTHINESS_PRECISION=auto): bfloat16 with AMX, int8
    # with VNNI, float32 elsewhere.
    precision = "auto"
    models = {
        "linear": (linear, texts * 20),
        "minilm": (
            minilm.read_model(minilm.DEFAULT_MODEL_PATH, linear, precision=precision),
            texts,
        ),
    }
    results: dict[str, dict[str, object]] = {}
    for name, (model, batch) in models.items():
        model.score(batch[:64], explain_from=0.5)  # warm up caches
        rates = []
        for _ in range(args.rounds):
            started = time.perf_counter()
            model.score(batch, explain_from=0.5)
            rates.append(len(batch) / (time.perf_counter() - started))
        loads = [_load_seconds(name) for _ in range(args.rounds)]
        results[name] = {
            "version": model.version,
            "precision": getattr(getattr(model, "encoder", None), "precision", "float32"),
            "sentences_per_second_one_core": round(statistics.median(rates), 1),
            "load_seconds_median": round(statistics.median(loads), 2),
            "load_seconds_all": [round(x, 2) for x in loads],
        }
    results["load_average"] = {"1 / 5 / 15 min": [round(x, 2) for x in os.getloadavg()]}
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
