"""Evaluate a check-worthiness scorer on CLEF CheckThat! Task 1 data (F1 of the "Yes" class).

Pure functions; `manage.py evaluate checkworthiness` and the training script call them.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

from claims.pipeline.scoring import Scorer

REQUIRED_COLUMNS = ("Sentence_id", "Text", "class_label")
_LABELS = {"yes": True, "no": False}
# Scoring in slices bounds the memory of the sparse feature matrix on large files.
BATCH_SIZE = 2000


class CheckworthyRow(NamedTuple):
    id: str
    text: str
    label: bool  # True when the sentence is check-worthy ("Yes")


def read_checkthat_tsv(path: Path | str) -> list[CheckworthyRow]:
    """Rows of a CheckThat! TSV; raises ValueError naming missing columns or a bad label."""
    path = Path(path)
    try:
        return _read_checkthat_tsv(path)
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except csv.Error as exc:  # a field over csv.field_size_limit(), say: not a ValueError
        raise ValueError(f"{path}: not a TSV file: {exc}") from exc


def _read_checkthat_tsv(path: Path) -> list[CheckworthyRow]:
    # Texts containing tabs or quotes are double-quoted in these files: a CSV reader unquotes them.
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle, delimiter="\t")
        columns = [c.strip() for c in reader.fieldnames or []]
        missing = [c for c in REQUIRED_COLUMNS if c not in columns]
        if missing:
            raise ValueError(
                f"{path}: missing column(s) {', '.join(missing)}; "
                f"expected {', '.join(REQUIRED_COLUMNS)}, found {', '.join(columns) or 'none'}"
            )
        reader.fieldnames = columns
        rows = []
        for line, record in enumerate(reader, start=2):
            raw = record["class_label"] or ""
            label = raw.strip().lower()
            if label not in _LABELS:
                raise ValueError(f"{path}:{line}: class_label must be Yes or No, got {raw!r}")
            rows.append(
                # A short row leaves the columns after its last field None.
                CheckworthyRow(
                    (record["Sentence_id"] or "").strip(), record["Text"] or "", _LABELS[label]
                )
            )
    return rows


def evaluate_checkworthiness(
    rows: Sequence[CheckworthyRow], scorer: Scorer, threshold: float
) -> dict[str, Any]:
    """Precision, recall and F1 of the check-worthy class at `threshold`, plus every score."""
    scores: list[float] = []
    for start in range(0, len(rows), BATCH_SIZE):
        batch = rows[start : start + BATCH_SIZE]
        scores += [s.probability for s in scorer.score([row.text for row in batch])]
    tp = fp = fn = tn = 0
    for row, score in zip(rows, scores, strict=True):
        predicted = score >= threshold
        tp += predicted and row.label
        fp += predicted and not row.label
        fn += not predicted and row.label
        tn += not predicted and not row.label
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "model_version": scorer.version,
        "threshold": threshold,
        "n": len(rows),
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "tn": tn,
        "precision": precision,
        "recall": recall,
        "f1": f1,
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
