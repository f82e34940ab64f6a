"""Fine-tune MiniLM's top layer with the attribution scorer's head (`neural_training`'s rows).

The bottom layers are frozen and read each window once (their output is kept in float16);
each epoch runs the top layer and the head only, on one thread, with fixed seeds, so that a
rerun gives the same weights. Only the top layer and the head are saved, as the check-worthiness
model saves its layers (`claims.pipeline.checkworthiness.minilm`).
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
from claims.evaluation.neural_training import linear_out_of_fold, rank_figures
from claims.evaluation.polnear import GoldArticle
from claims.evaluation.ranker_training import FOLDS, Rows, article_read, unattributed_named
from claims.pipeline.attribution.neural import FORMAT, HIDDEN, PRECISION, window
from claims.pipeline.attribution.ranker import RankerModel, candidates
from claims.pipeline.checkworthiness.artefacts import model_files_write
from claims.pipeline.checkworthiness.minilm_training import pad_tokens, stack_hidden

TOP_LAYERS = 1
# Fixed before any run, never tuned on dev: two epochs beat one out of fold (0.749 / 0.720).
EPOCHS = 2
WINDOWS_PER_BATCH = 16
LAYER_LEARNING_RATE = 1e-4
HEAD_LEARNING_RATE = 1e-3
HEAD_UNITS = 64
_PARTS = (
    "attention.self.query",
    "attention.self.key",
    "attention.self.value",
    "attention.output.dense",
    "attention.output.LayerNorm",
    "intermediate.dense",
    "output.dense",
    "output.LayerNorm",
)


@dataclass
class Example:
    """One ranked sentence: its window, each candidate's word pieces and row."""

    ids: list[int]
    claim: tuple[int, int]
    mentions: dict[str, list[int]]
    pieces: list[list[int]]
    rows: list[int]
    group: int


def examples_and_rows(
    articles: Sequence[GoldArticle], tokenizer: Any
) -> tuple[Rows, list[Example]]:
    """`neural_training.neural_rows`' rows, with each sentence's window for the encoder."""
    lower_words = lower_vocabulary(articles)
    rows = Rows([], [], [], [], [])
    examples: list[Example] = []
    for number, article in enumerate(articles):
        reading = article_read(article, lower_words, rows)
        if reading is None:
            continue
        context, heads, first = reading
        wanted = unattributed_named(reading)
        by_sentence: dict[int, Example] = {}
        for candidate in candidates(context, wanted):
            example = by_sentence.get(candidate.sentence)
            if example is None:
                win = window(context, candidate.sentence, tokenizer)
                example = Example(win.ids, win.claim, win.mentions, [], [], number)
                by_sentence[candidate.sentence] = example
                examples.append(example)
            gold = heads[candidate.sentence]
            example.pieces.append(sorted(set(example.mentions.get(candidate.name, ()))))
            example.rows.append(len(rows.labels))
            rows.features.append(candidate.features)
            rows.labels.append(int(bool(gold) and speaker_matches(candidate.name, gold or ())))
            rows.groups.append(number)
            rows.sentences.append(first + candidate.sentence)
    return rows, examples


def bottom_states(encoder: Any, examples: Sequence[Example], batch: int = 16) -> list[Any]:
    """The frozen layers' output for each window, float16, read once."""
    import torch

    bottom = encoder.layers - TOP_LAYERS
    out: list[Any] = [None] * len(examples)
    order = sorted(range(len(examples)), key=lambda i: len(examples[i].ids))
    for first in range(0, len(order), batch):
        chosen = order[first : first + batch]
        ids, mask = pad_tokens([examples[i].ids for i in chosen])
        hidden = encoder.hidden_states(ids, mask, layers=bottom)
        for row, i in enumerate(chosen):
            out[i] = hidden[row, : len(examples[i].ids)].to(torch.float16).clone()
    return out


class Tuned:
    """The trainable top layer (from the base's weights) and the head."""

    def __init__(self, encoder: Any) -> None:
        import torch

        first = encoder.layers - TOP_LAYERS
        self.encoder = encoder
        self.weights = {
            f"layer.{k}.{part}.{kind}": torch.nn.Parameter(
                encoder.tensors[f"encoder.layer.{first + k}.{part}.{kind}"].float().clone()
            )
            for k in range(TOP_LAYERS)
            for part in _PARTS
            for kind in ("weight", "bias")
        }
        self.first = torch.nn.Linear(2 + 3 * HIDDEN, HEAD_UNITS)
        self.second = torch.nn.Linear(HEAD_UNITS, 1)

    def head_parameters(self) -> list[Any]:
        return [*self.first.parameters(), *self.second.parameters()]

    def top(self, hidden: Any, mask: Any) -> Any:
        from torch.nn import functional

        w, size, heads = self.weights, self.encoder.hidden, self.encoder.heads
        batch, length, _ = hidden.shape
        attend = mask[:, None, None, :].bool()
        x = hidden
        for k in range(TOP_LAYERS):
            at = f"layer.{k}"

            def lin(name: str, value: Any, at: str = at) -> Any:
                return functional.linear(value, w[f"{at}.{name}.weight"], w[f"{at}.{name}.bias"])

            def norm(value: Any, name: str, at: str = at) -> Any:
                return functional.layer_norm(
                    value,
                    (size,),
                    w[f"{at}.{name}.weight"],
                    w[f"{at}.{name}.bias"],
                    self.encoder.eps,
                )

            q, key, v = (
                lin(f"attention.self.{p}", x)
                .view(batch, length, heads, size // heads)
                .transpose(1, 2)
                for p in ("query", "key", "value")
            )
            context = functional.scaled_dot_product_attention(q, key, v, attn_mask=attend)
            context = context.transpose(1, 2).reshape(batch, length, size)
            x = norm(lin("attention.output.dense", context) + x, "attention.output.LayerNorm")
            inner = functional.gelu(lin("intermediate.dense", x))
            x = norm(lin("output.dense", inner) + x, "output.LayerNorm")
        return x

    def logits(self, states: Any, examples: Sequence[Example], linear: np.ndarray) -> Any:
        """Each candidate's logit, in the order of the examples' rows."""
        import torch

        inputs = []
        for row, example in enumerate(examples):
            n = len(example.ids)
            s = states[row, :n]
            claim = s[example.claim[0] : example.claim[1]].mean(0)
            for pieces, index in zip(example.pieces, example.rows, strict=True):
                mention = s[pieces].mean(0) if pieces else torch.zeros(HIDDEN)
                flags = torch.tensor([float(linear[index]), float(bool(pieces))])
                inputs.append(torch.cat([flags, mention, claim, mention * claim]))
        hidden = torch.relu(self.first(torch.stack(inputs)))
        return self.second(hidden).squeeze(-1)

    def arrays(self) -> dict[str, np.ndarray]:
        width = 2 + 3 * HIDDEN
        out = {
            f"top.{name}": value.detach().numpy().astype(np.float16)
            for name, value in self.weights.items()
        }
        out.update(
            mean=np.zeros(width, dtype=np.float32),
            scale=np.ones(width, dtype=np.float32),
            w1=self.first.weight.detach().numpy().astype(np.float32),
            b1=self.first.bias.detach().numpy().astype(np.float32),
            w2=self.second.weight.detach().numpy().ravel().astype(np.float32),
            b2=self.second.bias.detach().numpy().reshape(()).astype(np.float32),
        )
        return out


def _batches(examples: Sequence[int], lengths: Sequence[int], rng: Any) -> list[list[int]]:
    shuffled = [examples[i] for i in rng.permutation(len(examples))]
    chunk = 50 * WINDOWS_PER_BATCH
    batches = []
    for start in range(0, len(shuffled), chunk):
        part = sorted(shuffled[start : start + chunk], key=lambda i: lengths[i])
        batches += [part[j : j + WINDOWS_PER_BATCH] for j in range(0, len(part), WINDOWS_PER_BATCH)]
    rng.shuffle(batches)
    return batches


def fine_tune(
    encoder: Any,
    examples: Sequence[Example],
    states: Sequence[Any],
    labels: np.ndarray,
    linear: np.ndarray,
    fit: Sequence[int],
    *,
    seed: int = 0,
    log: Callable[[str], None] | None = None,
) -> Tuned:
    """Train the top layer and head on the examples `fit`."""
    import torch

    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    tuned = Tuned(encoder)
    layer = list(tuned.weights.values())
    optimiser = torch.optim.AdamW(
        [
            {"params": layer, "lr": LAYER_LEARNING_RATE},
            {"params": tuned.head_parameters(), "lr": HEAD_LEARNING_RATE},
        ],
        weight_decay=0.01,
    )
    lengths = [len(e.ids) for e in examples]
    steps = EPOCHS * ((len(fit) + WINDOWS_PER_BATCH - 1) // WINDOWS_PER_BATCH)
    warmup = max(steps // 10, 1)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser,
        lambda step: min((step + 1) / warmup, max(steps - step, 0) / max(steps - warmup, 1)),
    )
    target = torch.from_numpy(labels.astype(np.float32))
    loss_function = torch.nn.BCEWithLogitsLoss()
    started = time.perf_counter()
    for epoch in range(EPOCHS):
        total = 0.0
        for number, chosen in enumerate(_batches(list(fit), lengths, rng)):
            hidden, mask = stack_hidden(states, chosen, HIDDEN)
            chosen_examples = [examples[i] for i in chosen]
            logits = tuned.logits(tuned.top(hidden, mask), chosen_examples, linear)
            rows = [r for e in chosen_examples for r in e.rows]
            loss = loss_function(logits, target[rows])
            optimiser.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(layer, 1.0)
            optimiser.step()
            schedule.step()
            total += loss.item()
            if log and number % 200 == 0:
                log(f"epoch {epoch + 1} batch {number}: {time.perf_counter() - started:.0f} s")
        if log:
            log(f"epoch {epoch + 1}: loss {total:.1f}, {time.perf_counter() - started:.0f} s")
    return tuned


def predict(
    tuned: Tuned,
    examples: Sequence[Example],
    states: Sequence[Any],
    linear: np.ndarray,
    held: Sequence[int],
    out: np.ndarray,
) -> None:
    """Write the probability of every row of the examples `held` into `out`."""
    import torch

    with torch.no_grad():
        for start in range(0, len(held), WINDOWS_PER_BATCH):
            chosen = list(held[start : start + WINDOWS_PER_BATCH])
            hidden, mask = stack_hidden(states, chosen, HIDDEN)
            chosen_examples = [examples[i] for i in chosen]
            logits = tuned.logits(tuned.top(hidden, mask), chosen_examples, linear)
            rows = [r for e in chosen_examples for r in e.rows]
            out[rows] = torch.sigmoid(logits).double().numpy()


def out_of_fold(
    encoder: Any,
    examples: Sequence[Example],
    states: Sequence[Any],
    labels: np.ndarray,
    linear: np.ndarray,
    *,
    folds: int = FOLDS,
    seed: int = 0,
    log: Callable[[str], None] | None = None,
) -> np.ndarray:
    """Each row's probability from a model that never saw its article."""
    probabilities = np.zeros(len(labels))
    groups = np.asarray([e.group for e in examples])
    for fit, held in GroupKFold(folds).split(groups, groups=groups):
        tuned = fine_tune(encoder, examples, states, labels, linear, fit, seed=seed, log=log)
        predict(tuned, examples, states, linear, held, probabilities)
    return probabilities


def train_finetuned(
    articles: Sequence[GoldArticle],
    linear_model: RankerModel,
    out: Path,
    *,
    seed: int = 0,
    folds: int = FOLDS,
    log: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Fine-tune on `articles`, choose the threshold out of fold, write the top layer and head."""
    import torch

    from claims.pipeline.checkworthiness.minilm import base_get

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # one order of sums: the same weights on every run
    try:
        # The frozen layers run as the pipeline runs them (int8); the top layer trains from
        # the base's float32 weights.
        encoder = base_get("float32")
        rows, examples = examples_and_rows(articles, encoder.tokenizer)
        if not examples or len(set(rows.labels)) < 2:
            raise ValueError("the split has no attributed sentence with a named source")
        states = bottom_states(base_get(PRECISION), examples)
        if log:
            log(f"{len(examples)} windows read by the frozen layers")
        labels = np.asarray(rows.labels)
        figures: list[dict[str, float]] = []
        if folds > 1:  # else the linear logits are in-sample and the threshold is 0.5
            linear = linear_out_of_fold(rows, folds)
            probabilities = out_of_fold(
                encoder, examples, states, labels, linear, folds=folds, seed=seed, log=log
            )
            figures = rank_figures(rows, probabilities)
            if log:
                log(f"out of fold: {figures[0]}")
        else:
            linear = np.asarray([linear_model.logit(f) for f in rows.features])
        everything = list(range(len(examples)))
        tuned = fine_tune(encoder, examples, states, labels, linear, everything, seed=seed)
    finally:
        torch.set_num_threads(threads)
    metadata = {
        "format": FORMAT,
        "threshold": figures[0]["threshold"] if figures else 0.5,
        "linear_version": linear_model.version,
        "precision": PRECISION,
        "trained_layers": TOP_LAYERS,
        "seed": seed,
        "rows": len(labels),
        "params": {
            "epochs": EPOCHS,
            "windows_per_batch": WINDOWS_PER_BATCH,
            "layer_learning_rate": LAYER_LEARNING_RATE,
            "head_learning_rate": HEAD_LEARNING_RATE,
            "head_units": HEAD_UNITS,
        },
        "out_of_fold": figures[0] if figures else {},
    }
    return model_files_write(
        out, tuned.arrays(), metadata, version_prefix="attribution-minilm", compress=False
    )
