"""F1 of the check-worthy class (CheckThat!'s official metric) and the choice of a cut-off."""

from __future__ import annotations

import numpy as np

THRESHOLD_GRID = np.round(np.arange(0.05, 0.951, 0.01), 2)


def binary_metrics(predicted: np.ndarray, labels: np.ndarray) -> dict[str, float | int]:
    """Precision, recall and F1 of the positive (check-worthy) class, with the counts."""
    predicted, labels = np.asarray(predicted, dtype=bool), np.asarray(labels, dtype=bool)
    tp = int(np.sum(predicted & labels))
    fp = int(np.sum(predicted & ~labels))
    fn = int(np.sum(~predicted & labels))
    tn = int(np.sum(~predicted & ~labels))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "tn": tn,
        "n": int(labels.size),
    }


def best_threshold(probabilities: np.ndarray, labels: np.ndarray) -> float:
    """The cut-off of THRESHOLD_GRID with the best F1; among near-ties, the closest to 0.5."""
    f1s = [binary_metrics(probabilities >= t, labels)["f1"] for t in THRESHOLD_GRID]
    best = max(f1s)
    # A flat optimum is noise, not signal.
    candidates = [t for t, f in zip(THRESHOLD_GRID, f1s, strict=True) if f >= best - 0.002]
    return float(min(candidates, key=lambda t: (abs(t - 0.5), t)))
