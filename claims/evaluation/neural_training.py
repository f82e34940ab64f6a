"""Train the MiniLM attribution scorer (`claims.pipeline.attribution.neural`) on a PolNeAR split.

The rows and labels are the linear ranker's (`ranker_training.training_rows`: every candidate
of every sentence the rules leave without a speaker). The encoder is frozen, so each window is
read once; the linear ranker's logit a row carries is predicted out of fold (articles grouped),
so that the head learns how far to trust it on articles the linear model never saw. The head's
threshold is chosen, as the linear ranker's is, on its own predictions out of fold under the
same limits on false and spurious speakers. Deterministic: one thread, fixed seeds.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.model_selection import GroupKFold

from claims.evaluation.attribution import (
    lower_vocabulary,
    speaker_matches,
)
from claims.evaluation.polnear import GoldArticle
from claims.evaluation.ranker_training import (
    DEFAULT_C,
    FALSE_LIMIT,
    FOLDS,
    SPURIOUS_LIMIT,
    THRESHOLDS,
    Rows,
    _fit,
    article_read,
    selection_figures,
    unattributed_named,
)
from claims.pipeline.attribution.neural import FORMAT, PRECISION, sentence_inputs
from claims.pipeline.attribution.ranker import RankerModel
from claims.pipeline.checkworthiness.artefacts import model_files_write

# Fixed before any run, never tuned on dev.
HIDDEN_UNITS = 64
EPOCHS = 8
BATCH_SIZE = 128
LEARNING_RATE = 1e-3
WEIGHT_DECAY = 1e-4
_NO_LOGIT = RankerModel({}, 0.0, 0.5, "none")  # column 0 is filled out of fold afterwards


@dataclass
class NeuralRows:
    rows: Rows
    inputs: np.ndarray  # one row per candidate: the head's input


def neural_rows(
    articles: Sequence[GoldArticle], encoder: Any, log: Callable[[str], None] | None = None
) -> NeuralRows:
    """`training_rows`, with what the encoder reads of each candidate."""
    lower_words = lower_vocabulary(articles)
    rows = Rows([], [], [], [], [])
    inputs: list[np.ndarray] = []
    started = time.perf_counter()
    for number, article in enumerate(articles):
        if log and number and number % 100 == 0:
            log(f"{number} articles read, {time.perf_counter() - started:.0f} s")
        reading = article_read(article, lower_words, rows)
        if reading is None:
            continue
        context, heads, first = reading
        wanted = unattributed_named(reading)
        found, matrix = sentence_inputs(context, _NO_LOGIT, encoder, wanted)
        for candidate, row in zip(found, matrix, strict=True):
            gold = heads[candidate.sentence]
            rows.features.append(candidate.features)
            rows.labels.append(int(bool(gold) and speaker_matches(candidate.name, gold or ())))
            rows.groups.append(number)
            rows.sentences.append(first + candidate.sentence)
            inputs.append(row)
    if not inputs or len(set(rows.labels)) < 2:
        raise ValueError("the split has no attributed sentence with a named source to learn from")
    return NeuralRows(rows, np.stack(inputs))


def linear_out_of_fold(rows: Rows, folds: int = FOLDS) -> np.ndarray:
    """The linear ranker's logit of each row from a model that never saw its article."""
    logits = np.zeros(len(rows.labels))
    for fit_part, held in GroupKFold(folds).split(logits, groups=np.asarray(rows.groups)):
        vectorizer, model = _fit(rows, fit_part, DEFAULT_C)
        matrix = vectorizer.transform([dict.fromkeys(rows.features[i], 1) for i in held])
        logits[held] = model.decision_function(matrix)
    return logits


def fit_head(inputs: np.ndarray, labels: np.ndarray, *, seed: int = 0) -> dict[str, np.ndarray]:
    """A two-layer head (ReLU) fitted by Adam on binary cross-entropy; its arrays."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        torch.manual_seed(seed)
        mean = inputs.mean(0)
        scale = inputs.std(0) + 1e-6
        x = torch.from_numpy(((inputs - mean) / scale).astype(np.float32))
        y = torch.from_numpy(labels.astype(np.float32))
        first = torch.nn.Linear(x.shape[1], HIDDEN_UNITS)
        second = torch.nn.Linear(HIDDEN_UNITS, 1)
        dropout = torch.nn.Dropout(0.2)
        parameters = [*first.parameters(), *second.parameters()]
        optimiser = torch.optim.AdamW(parameters, lr=LEARNING_RATE, weight_decay=WEIGHT_DECAY)
        loss_function = torch.nn.BCEWithLogitsLoss()
        generator = np.random.default_rng(seed)
        for _ in range(EPOCHS):
            order = generator.permutation(len(y))
            for start in range(0, len(order), BATCH_SIZE):
                batch = torch.from_numpy(order[start : start + BATCH_SIZE])
                hidden = torch.relu(first(dropout(x[batch])))
                loss = loss_function(second(dropout(hidden)).squeeze(-1), y[batch])
                optimiser.zero_grad()
                loss.backward()
                optimiser.step()
        return {
            "mean": mean.astype(np.float32),
            "scale": scale.astype(np.float32),
            "w1": first.weight.detach().numpy().astype(np.float32),
            "b1": first.bias.detach().numpy().astype(np.float32),
            "w2": second.weight.detach().numpy().ravel().astype(np.float32),
            "b2": second.bias.detach().numpy().reshape(()).astype(np.float32),
        }
    finally:
        torch.set_num_threads(threads)


def head_probabilities(head: dict[str, np.ndarray], inputs: np.ndarray) -> np.ndarray:
    hidden = np.maximum(((inputs - head["mean"]) / head["scale"]) @ head["w1"].T + head["b1"], 0)
    return np.asarray(1 / (1 + np.exp(-(hidden @ head["w2"] + head["b2"]))))


def out_of_fold(data: NeuralRows, folds: int = FOLDS, seed: int = 0) -> np.ndarray:
    """The head's probability of each row from a head that never saw its article."""
    labels = np.asarray(data.rows.labels)
    probabilities = np.zeros(len(labels))
    for fit_part, held in GroupKFold(folds).split(labels, groups=np.asarray(data.rows.groups)):
        head = fit_head(data.inputs[fit_part], labels[fit_part], seed=seed)
        probabilities[held] = head_probabilities(head, data.inputs[held])
    return probabilities


def rank_figures(rows: Rows, probabilities: np.ndarray) -> list[dict[str, float]]:
    """Every threshold's figures, best first (as `ranker_training.choose_threshold`)."""
    figures = [selection_figures(rows, probabilities, t) for t in THRESHOLDS]

    def rank(f: dict[str, float]) -> tuple[bool, float]:
        within = f["false_attribution"] <= FALSE_LIMIT and f["spurious_rate"] <= SPURIOUS_LIMIT
        return (within, f["speaker_accuracy"] if within else -f["false_attribution"])

    return sorted(figures, key=rank, reverse=True)


def train_neural(
    data: NeuralRows,
    linear: RankerModel,
    out: Path,
    *,
    seed: int = 0,
    folds: int = FOLDS,
    log: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Fit the head on `data` (from `neural_rows`), choose its threshold out of fold, write it."""
    labels = np.asarray(data.rows.labels)
    figures: list[dict[str, float]] = []
    if folds > 1:  # else the linear logits are in-sample and the threshold is 0.5
        data.inputs[:, 0] = linear_out_of_fold(data.rows, folds)
        figures = rank_figures(data.rows, out_of_fold(data, folds, seed))
        if log:
            log(f"out of fold: {figures[0]}")
    else:
        data.inputs[:, 0] = [linear.logit(features) for features in data.rows.features]
    head = fit_head(data.inputs, labels, seed=seed)
    metadata = {
        "format": FORMAT,
        "threshold": figures[0]["threshold"] if figures else 0.5,
        "linear_version": linear.version,
        "precision": PRECISION,
        "seed": seed,
        "rows": len(labels),
        "params": {
            "hidden_units": HIDDEN_UNITS,
            "epochs": EPOCHS,
            "batch_size": BATCH_SIZE,
            "learning_rate": LEARNING_RATE,
            "weight_decay": WEIGHT_DECAY,
        },
        "out_of_fold": figures[0] if figures else {},
    }
    return model_files_write(out, head, metadata, version_prefix="attribution-minilm")
