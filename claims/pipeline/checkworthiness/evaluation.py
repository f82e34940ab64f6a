"""Evaluate a check-worthiness scorer on labelled sentences (F1 of the "Yes" class).

Pure functions; `manage.py evaluate checkworthiness` and training call them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import numpy as np

from claims.pipeline.checkworthiness.data import CheckworthyRow
from claims.pipeline.checkworthiness.metrics import binary_metrics
from claims.pipeline.checkworthiness.scorer import Scorer

# Scoring in slices bounds the memory of the sparse feature matrix on large files.
BATCH_SIZE = 2000


def evaluate_checkworthiness(
    rows: Sequence[CheckworthyRow], scorer: Scorer, threshold: float
) -> dict[str, Any]:
    """Precision, recall and F1 of the check-worthy class at `threshold`, plus every score."""
    scores: list[float] = []
    for start in range(0, len(rows), BATCH_SIZE):
        batch = rows[start : start + BATCH_SIZE]
        scores += [s.probability for s in scorer.score([row.text for row in batch])]
    labels = np.array([row.label for row in rows], dtype=bool)
    metrics = binary_metrics(np.array(scores) >= threshold, labels)
    return {
        "model_version": scorer.version,
        "threshold": threshold,
        **metrics,
        "predictions": [
            {"id": row.id, "score": round(score, 6), "label": "Yes" if row.label else "No"}
            for row, score in zip(rows, scores, strict=True)
        ],
    }


def render_checkworthiness(result: dict[str, Any], *, per_sentence: bool = False) -> list[str]:
    """Readable lines, then (optionally) one JSON line per sentence, then one JSON summary line."""
    lines = [
        f"model {result['model_version']}, threshold {result['threshold']:.2f}, "
        f"{result['n']} sentences",
        f"tp {result['tp']}  fp {result['fp']}  fn {result['fn']}  tn {result['tn']}",
        f"precision {result['precision']:.4f}  recall {result['recall']:.4f}  "
        f"F1 (Yes) {result['f1']:.4f}",
    ]
    if per_sentence:
        lines += [json.dumps(p) for p in result["predictions"]]
    summary = {k: result[k] for k in ("f1", "precision", "recall", "n")}
    lines.append(
        json.dumps({k: round(v, 4) if isinstance(v, float) else v for k, v in summary.items()})
    )
    return lines
