"""Train and save the linear check-worthiness model that `claims.pipeline.scoring` loads.

Two logistic regressions share the features of `scoring.feature_matrix`: a plain one, and one
over features scaled by their naive-Bayes log-count ratio (NB-LR, Wang & Manning 2012), which
trusts rare but telling n-grams more. Both are linear in the same features, so their averaged
logits are one weight vector: the ensemble costs nothing at scoring time. In 5-fold
cross-validation on the CheckThat! 2024 training set the average beat either model alone.

    python -m claims.pipeline.training --train TRAIN.tsv [--dev DEV.tsv] \
        --out claims/pipeline/models/
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from claims.pipeline import scoring
from claims.pipeline.scoring import LinearCheckworthinessModel

MODEL_NAME = "checkworthiness.npz"
# Chosen by cross-validation on the training set (C in 1, 2, 3; balanced beat unweighted).
DEFAULT_C = 2.0
THRESHOLD_GRID = np.round(np.arange(0.05, 0.951, 0.01), 2)
# zip entries carry a timestamp; a fixed one makes two trainings write identical bytes.
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def _idf(df: np.ndarray, n_texts: int) -> np.ndarray:
    # Smoothed IDF as sklearn computes it; unseen buckets get the largest value.
    return (np.log((1 + n_texts) / (1 + df)) + 1).astype(np.float32)


def _fit_logistic(features: sp.csr_matrix, labels: np.ndarray, c: float) -> LogisticRegression:
    # lbfgs is deterministic; balanced weights because only ~24% of sentences are check-worthy.
    return LogisticRegression(C=c, class_weight="balanced", max_iter=3000).fit(features, labels)


def _fit(texts: Sequence[str], labels: np.ndarray, c: float) -> LinearCheckworthinessModel:
    prepared = [scoring.prepare(t) for t in texts]
    idf = _idf(scoring.document_frequencies(prepared), len(prepared))
    word_idf, char_idf = idf[: scoring.N_FEATURES], idf[scoring.N_FEATURES :]
    features = scoring.feature_matrix(prepared, word_idf, char_idf)
    plain = _fit_logistic(features, labels, c)
    positive = np.asarray(features[labels].sum(axis=0)).ravel() + 1
    negative = np.asarray(features[~labels].sum(axis=0)).ravel() + 1
    ratio = np.log(positive / positive.sum()) - np.log(negative / negative.sum())
    nb = _fit_logistic(features @ sp.diags(ratio), labels, c)
    # Columns never seen in training are all zero, so both models leave their weight at zero.
    weights = (plain.coef_.ravel() + nb.coef_.ravel() * ratio) / 2
    bias = float(plain.intercept_[0] + nb.intercept_[0]) / 2
    return LinearCheckworthinessModel(
        word_idf=word_idf,
        char_idf=char_idf,
        weights=weights.astype(np.float32),
        bias=bias,
        metadata={"unseen_idf": float(np.log(1 + len(texts)) + 1)},
    )


def binary_metrics(predicted: np.ndarray, labels: np.ndarray) -> dict[str, float | int]:
    """Precision, recall and F1 of the positive (check-worthy) class, with the counts."""
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


def _best_threshold(probabilities: np.ndarray, labels: np.ndarray) -> float:
    f1s = [binary_metrics(probabilities >= t, labels)["f1"] for t in THRESHOLD_GRID]
    best = max(f1s)
    # Among near-ties prefer the cut-off closest to 0.5: a flat optimum is noise, not signal.
    candidates = [t for t, f in zip(THRESHOLD_GRID, f1s, strict=True) if f >= best - 0.002]
    return float(min(candidates, key=lambda t: (abs(t - 0.5), t)))


def _cross_validated(
    texts: Sequence[str], labels: np.ndarray, *, c: float, folds: int, seed: int
) -> np.ndarray:
    out_of_fold = np.zeros(len(texts))
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    for train, held_out in splitter.split(np.zeros(len(texts)), labels):
        model = _fit([texts[i] for i in train], labels[train], c)
        out_of_fold[held_out] = 1 / (1 + np.exp(-model.logits([texts[i] for i in held_out])))
    return out_of_fold


def train_checkworthiness(
    examples: Sequence[tuple[str, bool]],
    *,
    seed: int = 0,
    c: float = DEFAULT_C,
    folds: int = 5,
    description: Mapping[str, Any] | None = None,
) -> LinearCheckworthinessModel:
    """Fit on all `examples`; the threshold comes from `folds`-fold cross-validation (0 = 0.5)."""
    texts = [text for text, _ in examples]
    labels = np.array([bool(label) for _, label in examples], dtype=bool)
    if labels.all() or not labels.any():
        raise ValueError("training needs both check-worthy and other sentences")
    metadata: dict[str, Any] = {
        "format": scoring.FORMAT,
        "n_features": scoring.N_FEATURES,
        "cues": list(scoring.CUE_NAMES),
        "params": {
            "C": c,
            "seed": seed,
            "folds": folds,
            "max_chars": scoring.MAX_CHARS,
            "model": "mean of logistic regression and NB-LR logits, balanced classes",
        },
        "training_data": {
            "n": len(texts),
            "n_check_worthy": int(labels.sum()),
            **(description or {}),
        },
        "threshold": 0.5,
        "metrics": {},
    }
    if folds > 1:
        out_of_fold = _cross_validated(texts, labels, c=c, folds=folds, seed=seed)
        metadata["threshold"] = _best_threshold(out_of_fold, labels)
        metadata["metrics"]["cross_validation"] = {
            "folds": folds,
            **binary_metrics(out_of_fold >= metadata["threshold"], labels),
        }
    model = _fit(texts, labels, c)
    return LinearCheckworthinessModel(
        word_idf=model.word_idf,
        char_idf=model.char_idf,
        weights=model.weights,
        bias=model.bias,
        metadata={**metadata, **model.metadata},
    )


def _arrays(model: LinearCheckworthinessModel) -> dict[str, np.ndarray]:
    n = scoring.N_FEATURES
    unseen = np.float32(model.metadata["unseen_idf"])
    arrays: dict[str, np.ndarray] = {}
    for prefix, idf, weight in (
        ("word", model.word_idf, model.weights[:n]),
        ("char", model.char_idf, model.weights[n : 2 * n]),
    ):
        index = np.flatnonzero((idf != unseen) | (weight != 0)).astype(np.int32)
        arrays[f"{prefix}_index"] = index
        arrays[f"{prefix}_idf"] = idf[index].astype(np.float32)
        arrays[f"{prefix}_weight"] = weight[index].astype(np.float32)
    arrays["cue_weight"] = model.weights[2 * n :].astype(np.float32)
    arrays["bias"] = np.array(model.bias, dtype=np.float64)
    return arrays


def save_model(model: LinearCheckworthinessModel, path: Path) -> Path:
    """Write `path` (.npz; a directory gets checkworthiness.npz) and its .json; returns the .npz."""
    path = Path(path)
    if path.suffix != ".npz":
        path = path / MODEL_NAME
    path.parent.mkdir(parents=True, exist_ok=True)
    arrays = _arrays(model)
    buffer = io.BytesIO()
    digest = hashlib.sha256()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(arrays):
            member = io.BytesIO()
            np.lib.format.write_array(member, arrays[name], allow_pickle=False)
            digest.update(name.encode() + member.getvalue())
            info = zipfile.ZipInfo(f"{name}.npy", date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, member.getvalue())
    path.write_bytes(buffer.getvalue())
    # The version names the weights, so claims record exactly which model scored them.
    metadata = {**model.metadata, "version": f"cw-linear-{digest.hexdigest()[:12]}"}
    scoring.metadata_path(path).write_text(
        json.dumps(metadata, indent=2, sort_keys=True) + "\n", encoding="utf-8"
    )
    return path


def _file_description(path: Path) -> dict[str, str]:
    return {"file": path.name, "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}


def main(argv: Sequence[str] | None = None) -> int:
    # Imported here: the pipeline itself does not depend on the evaluation code.
    from claims.evaluation.checkworthiness import evaluate_checkworthiness, read_checkthat_tsv

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--train", type=Path, required=True, help="CheckThat! TSV to train on")
    parser.add_argument("--dev", type=Path, help="TSV to report metrics on (never tuned on)")
    parser.add_argument("--out", type=Path, default=scoring.DEFAULT_MODEL_PATH.parent)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--c", type=float, default=DEFAULT_C)
    args = parser.parse_args(argv)
    rows = read_checkthat_tsv(args.train)
    description = {
        "source": "CLEF CheckThat! 2024 Task 1 English (ClaimBuster)",
        **_file_description(args.train),
    }
    model = train_checkworthiness(
        [(row.text, row.label) for row in rows],
        seed=args.seed,
        c=args.c,
        folds=args.folds,
        description=description,
    )
    if args.dev:
        result = evaluate_checkworthiness(read_checkthat_tsv(args.dev), model, model.threshold)
        dev = {k: result[k] for k in ("precision", "recall", "f1", "tp", "fp", "fn", "tn", "n")}
        model.metadata["metrics"]["dev"] = {**_file_description(args.dev), **dev}
    path = save_model(model, args.out)
    print(json.dumps({"model": str(path), **model.metadata["metrics"]}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
