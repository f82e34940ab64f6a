"""Would a sentence-embedding model beat the shipped linear check-worthiness model?

Compares, on the CheckThat! 2024 English data, the shipped kind of model (hashed n-gram TF-IDF,
`claims.pipeline.checkworthiness.linear_training`), a logistic regression on all-MiniLM-L6-v2
embeddings (the `semantic` extra), and the two stacked (embedding + the linear model's
out-of-fold logit).
Each is judged by 5-fold cross-validation on the training set, with the threshold chosen there,
and by the dev set at that threshold: dev is never used to choose anything. Also reports how
fast the embedding model scores, next to the linear one.

    python bench/checkworthiness_models.py [--shared ../shared]

Needs the `semantic` extra. Takes ~3 minutes on 2 idle cores (embedding 23,500 sentences).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from claims.pipeline.checkworthiness.data import read_checkthat_tsv  # noqa: E402
from claims.pipeline.checkworthiness.linear_training import DEFAULT_C, fit_linear  # noqa: E402
from claims.pipeline.checkworthiness.metrics import best_threshold, binary_metrics  # noqa: E402
from claims.pipeline.checkworthiness.scorer import MAX_CHARS  # noqa: E402
from claims.pipeline.embeddings import embedder_get  # noqa: E402

SEED = 0
FOLDS = 5
C_EMBEDDING = 1.0


def _read(path: Path) -> tuple[list[str], np.ndarray]:
    rows = read_checkthat_tsv(path)
    return [r.text for r in rows], np.array([r.label for r in rows])


def _f1(probabilities: np.ndarray, labels: np.ndarray, threshold: float) -> float:
    return float(binary_metrics(probabilities >= threshold, labels)["f1"])


def _best(probabilities: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    threshold = best_threshold(probabilities, labels)
    return threshold, _f1(probabilities, labels, threshold)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x))


def _logistic(features: np.ndarray, labels: np.ndarray) -> LogisticRegression:
    model = LogisticRegression(C=C_EMBEDDING, max_iter=2000, class_weight="balanced")
    return model.fit(features, labels)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_shared = os.environ.get(
        "FACTCHECK_SHARED_DIR", str(Path(__file__).parents[2] / "shared")
    )
    parser.add_argument("--shared", default=default_shared)
    args = parser.parse_args()
    corpus = Path(args.shared) / "corpus" / "checkworthiness"
    train_texts, train_labels = _read(corpus / "CT24_checkworthy_english_train.tsv")
    dev_texts, dev_labels = _read(corpus / "CT24_checkworthy_english_dev.tsv")
    splitter = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=SEED)
    folds = list(splitter.split(np.zeros(len(train_labels)), train_labels))

    started = time.perf_counter()
    embedder = embedder_get()
    load_seconds = time.perf_counter() - started
    started = time.perf_counter()
    train_vectors = embedder.encode(train_texts)
    dev_vectors = embedder.encode(dev_texts)
    embed_rate = (len(train_texts) + len(dev_texts)) / (time.perf_counter() - started)

    linear_oof = np.zeros(len(train_texts))
    for fit_rows, held_rows in folds:
        fold_model = fit_linear(
            [train_texts[i] for i in fit_rows], train_labels[fit_rows], DEFAULT_C
        )
        linear_oof[held_rows] = fold_model.logits([train_texts[i] for i in held_rows])
    linear = fit_linear(train_texts, train_labels, DEFAULT_C)
    started = time.perf_counter()
    linear_dev = linear.logits(dev_texts)
    linear_rate = len(dev_texts) / (time.perf_counter() - started)

    stacked_train = np.hstack([train_vectors, linear_oof[:, None]])
    stacked_dev = np.hstack([dev_vectors, linear_dev[:, None]])
    candidates = {
        "linear n-gram (shipped kind)": (_sigmoid(linear_oof), _sigmoid(linear_dev)),
    }
    for name, train_x, dev_x in (
        ("MiniLM embedding + LR", train_vectors, dev_vectors),
        ("stacked: embedding + linear logit", stacked_train, stacked_dev),
    ):
        oof = np.zeros(len(train_texts))
        for fit_rows, held_rows in folds:
            oof[held_rows] = _logistic(train_x[fit_rows], train_labels[fit_rows]).decision_function(
                train_x[held_rows]
            )
        full = _logistic(train_x, train_labels)
        candidates[name] = (_sigmoid(oof), full.predict_proba(dev_x)[:, 1])

    print(f"| model | CV F1 (train, {FOLDS} folds) | threshold | dev F1 at that threshold |")
    print("| --- | --- | --- | --- |")
    for name, (oof_p, dev_p) in candidates.items():
        threshold, cv_f1 = _best(oof_p, train_labels)
        print(
            f"| {name} | {cv_f1:.3f} | {threshold:.2f} | {_f1(dev_p, dev_labels, threshold):.3f} |"
        )
    print(
        f"\nspeed: linear {linear_rate:,.0f} sentences/s (all cores numpy uses); MiniLM "
        f"{embed_rate:,.0f} sentences/s, model load {load_seconds:.1f} s "
        f"(torch threads: {os.environ.get('OMP_NUM_THREADS', 'default')}); "
        f"MAX_CHARS={MAX_CHARS}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
