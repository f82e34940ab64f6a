"""Train and save the linear check-worthiness model that `linear` loads.

Two logistic regressions share the features of `feature_matrix`: a plain one, and one
over features scaled by their naive-Bayes log-count ratio (NB-LR, Wang & Manning 2012), which
trusts rare but telling n-grams more. Both are linear in the same features, so their averaged
logits are one weight vector: the ensemble costs nothing at scoring time. In 5-fold
cross-validation on the CheckThat! 2024 training set the average beat either model alone.
`python manage.py train_checkworthiness` runs it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold, StratifiedKFold

from claims.pipeline.checkworthiness.artefacts import model_files_write
from claims.pipeline.checkworthiness.calibration import IDENTITY, platt_fit
from claims.pipeline.checkworthiness.features import (
    CUE_NAMES,
    N_FEATURES,
    document_frequencies,
    feature_matrix,
)
from claims.pipeline.checkworthiness.linear import FORMAT, LinearCheckworthinessModel
from claims.pipeline.checkworthiness.metrics import best_threshold, binary_metrics
from claims.pipeline.checkworthiness.scorer import MAX_CHARS, prepare

MODEL_NAME = "checkworthiness.npz"
# Chosen by cross-validation on the training set (C in 1, 2, 3; balanced beat unweighted).
DEFAULT_C = 2.0


def _idf(df: np.ndarray, n_texts: int) -> np.ndarray:
    # Smoothed IDF as sklearn computes it; unseen buckets get the largest value.
    return (np.log((1 + n_texts) / (1 + df)) + 1).astype(np.float32)


def _fit_logistic(features: sp.csr_matrix, labels: np.ndarray, c: float) -> LogisticRegression:
    # lbfgs is deterministic; balanced weights because only ~24% of sentences are check-worthy.
    return LogisticRegression(C=c, class_weight="balanced", max_iter=3000).fit(features, labels)


def fit_linear(texts: Sequence[str], labels: np.ndarray, c: float) -> LinearCheckworthinessModel:
    prepared = [prepare(t) for t in texts]
    idf = _idf(document_frequencies(prepared), len(prepared))
    word_idf, char_idf = idf[:N_FEATURES], idf[N_FEATURES:]
    features = feature_matrix(prepared, word_idf, char_idf)
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


def fold_splits(
    labels: np.ndarray, *, folds: int, seed: int, groups: np.ndarray | None = None
) -> list[tuple[np.ndarray, np.ndarray]]:
    """(train, held-out) indices of each fold: whole groups (debates) when `groups` is given,
    else random folds with the classes in proportion."""
    placeholder = np.zeros(len(labels))
    if groups is None:
        splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
        return list(splitter.split(placeholder, labels))
    return list(GroupKFold(n_splits=folds).split(placeholder, labels, groups))


def out_of_fold_logits(
    texts: Sequence[str],
    labels: np.ndarray,
    *,
    c: float,
    folds: int,
    seed: int,
    groups: np.ndarray | None = None,
) -> np.ndarray:
    """Each text's logit from a model trained on the other folds; with `groups` (debates), a
    group's texts are never on both sides."""
    out_of_fold = np.zeros(len(texts))
    for train, held_out in fold_splits(labels, folds=folds, seed=seed, groups=groups):
        model = fit_linear([texts[i] for i in train], labels[train], c)
        out_of_fold[held_out] = model.logits([texts[i] for i in held_out])
    return out_of_fold


def train_checkworthiness(
    examples: Sequence[tuple[str, bool]],
    *,
    seed: int = 0,
    c: float = DEFAULT_C,
    folds: int = 5,
    groups: np.ndarray | None = None,
    description: Mapping[str, Any] | None = None,
) -> LinearCheckworthinessModel:
    """Fit on all `examples`; calibration and threshold come from `folds`-fold
    cross-validation, grouped by `groups` (debates) when given (folds 0: uncalibrated, 0.5)."""
    texts = [text for text, _ in examples]
    labels = np.array([bool(label) for _, label in examples], dtype=bool)
    if labels.all() or not labels.any():
        raise ValueError("training needs both check-worthy and other sentences")
    metadata: dict[str, Any] = {
        "format": FORMAT,
        "n_features": N_FEATURES,
        "cues": list(CUE_NAMES),
        "params": {
            "C": c,
            "seed": seed,
            "folds": folds,
            "max_chars": MAX_CHARS,
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
    calibration = IDENTITY
    if folds > 1:
        out_of_fold = out_of_fold_logits(texts, labels, c=c, folds=folds, seed=seed, groups=groups)
        calibration = platt_fit(out_of_fold, labels)
        calibrated = calibration.probabilities(out_of_fold)
        metadata["threshold"] = best_threshold(calibrated, labels)
        metadata["calibration"] = "Platt scaling of out-of-fold logits"
        metadata["metrics"]["cross_validation"] = {
            "folds": folds,
            "grouped": groups is not None,
            **binary_metrics(calibrated >= metadata["threshold"], labels),
        }
    model = fit_linear(texts, labels, c)
    return LinearCheckworthinessModel(
        word_idf=model.word_idf,
        char_idf=model.char_idf,
        weights=model.weights,
        bias=model.bias,
        metadata={**metadata, **model.metadata},
        calibration=calibration,
    )


def _arrays(model: LinearCheckworthinessModel) -> dict[str, np.ndarray]:
    n = N_FEATURES
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
    if model.calibration != IDENTITY:
        arrays["calibration"] = model.calibration.as_array()
    return arrays


def save_model(model: LinearCheckworthinessModel, path: Path) -> Path:
    """Write `path` (.npz; a directory gets checkworthiness.npz) and its .json; returns the .npz."""
    path = Path(path)
    if path.suffix != ".npz":
        path = path / MODEL_NAME
    model_files_write(path, _arrays(model), model.metadata, version_prefix="cw-linear")
    return path
