"""The cascade: the linear model settles the clear cases, the MiniLM model scores the rest.

The default scorer when the semantic extra is installed. The linear model reads every sentence
(~30,000 a second). Those whose linear logit falls under `gate_logit` (chosen on out-of-fold
scores of held-out debates to keep RECALL_KEPT of the check-worthy ones) keep the linear
model's calibrated probability, far under any useful threshold; so do those at or over
`gate_high` (chosen so that MiniLM, out of fold, puts at least AGREEMENT of the sentences
there over the threshold too), far over it. The fine-tuned MiniLM average (`minilm`) scores
the sentences between, where the linear model is unsure: a news sentence reads as
check-worthy to a model trained on debates far more often than a debate sentence does, so
without the upper gate MiniLM scored nearly all of them. Both stages are Platt-calibrated on
out-of-fold logits, so a probability means the chance of being check-worthy whichever stage
gave it. Reasons come from the linear model's features, as with the other scorers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from claims.pipeline.checkworthiness.artefacts import MODELS_DIR, model_files_read
from claims.pipeline.checkworthiness.calibration import Platt, platt_from
from claims.pipeline.checkworthiness.linear import LinearCheckworthinessModel
from claims.pipeline.checkworthiness.minilm import MiniLMCheckworthinessModel
from claims.pipeline.checkworthiness.scorer import (
    EMPTY_REASON,
    TRUNCATED_REASON,
    ModelLoadError,
    prepare,
)
from claims.pipeline.types import Score

FORMAT = "checkworthiness-cascade/1"
DEFAULT_MODEL_PATH = MODELS_DIR / "checkworthiness-cascade.npz"
# Share of the check-worthy sentences (out of fold) the lower gate lets through to MiniLM.
RECALL_KEPT = 0.99
# Share of the sentences over the upper gate that MiniLM (out of fold) also puts over the
# threshold.
AGREEMENT = 0.99


@dataclass(frozen=True, eq=False)
class CascadeCheckworthinessModel:
    gate: LinearCheckworthinessModel
    strong: MiniLMCheckworthinessModel
    gate_logit: float
    gate_calibration: Platt  # of the linear logit, for the sentences the gates settle
    strong_calibration: Platt  # of `strong.logits`, for the sentences it scores
    metadata: Mapping[str, Any]
    gate_high: float = float("inf")

    @property
    def version(self) -> str:
        return str(self.metadata.get("version", "unsaved"))

    @property
    def threshold(self) -> float:
        return float(self.metadata.get("threshold", 0.5))

    def probabilities(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """P(check-worthy) of each text (blank: 0), and which texts MiniLM scored."""
        linear = self.gate.logits(texts)
        kept = (
            (linear >= self.gate_logit)
            & (linear < self.gate_high)
            & np.array([bool(t.strip()) for t in texts], bool)
        )
        probabilities = self.gate_calibration.probabilities(linear)
        indices = np.flatnonzero(kept).tolist()
        if len(indices):
            strong = self.strong.logits([texts[i] for i in indices], linear=linear[indices])
            probabilities[indices] = self.strong_calibration.probabilities(strong)
        blank = np.array([not t.strip() for t in texts], dtype=bool)
        probabilities[blank] = 0.0
        return probabilities, kept

    def score(self, texts: Sequence[str], *, explain_from: float | None = None) -> list[Score]:
        """Probability per text; reasons (the linear model's) only from `explain_from` up."""
        probabilities, _ = self.probabilities(texts)
        explain = [
            i
            for i, text in enumerate(texts)
            if text.strip() and (explain_from is None or probabilities[i] >= explain_from)
        ]
        reasons = {
            i: explained.reasons
            for i, explained in zip(
                explain, self.gate.score([texts[i] for i in explain]), strict=True
            )
        }
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


def lower_gate(linear: np.ndarray, labels: np.ndarray, recall: float) -> float:
    """The highest linear logit that keeps at least `recall` of the check-worthy sentences."""
    positives = np.sort(linear[labels])
    return float(positives[int(np.floor((1 - recall) * len(positives)))])


def upper_gate(linear: np.ndarray, strong: np.ndarray, threshold: float, agreement: float) -> float:
    """The lowest linear logit at and over which at least `agreement` of the sentences also
    get a MiniLM probability (`strong`) of `threshold` or more; inf when none does."""
    order = np.argsort(-linear, kind="stable")
    agreed = np.cumsum(strong[order] >= threshold) / np.arange(1, len(order) + 1)
    enough = np.flatnonzero(agreed >= agreement)
    return float(linear[order][enough.max()]) if len(enough) else float("inf")


def read_model(
    path: Path, gate: LinearCheckworthinessModel, strong: MiniLMCheckworthinessModel
) -> CascadeCheckworthinessModel:
    """The cascade described at `path` over the given models, which must be those it was
    chosen for (their versions are recorded)."""
    metadata, arrays = model_files_read(path, what="check-worthiness cascade", model_format=FORMAT)
    for role, model in (("linear", gate), ("minilm", strong)):
        if metadata.get(f"{role}_version") != model.version:
            raise ModelLoadError(
                f"cascade at {path} was calibrated for {role} model "
                f"{metadata.get(f'{role}_version')}, not {model.version}; rerun "
                "bench/checkworthiness_operating_point.py --write"
            )
    try:
        gate_logit = float(arrays["gate_logit"].reshape(()))
        gate_high = float(arrays["gate_high"].reshape(())) if "gate_high" in arrays else np.inf
        gate_calibration = platt_from(arrays["gate_calibration"])
        strong_calibration = platt_from(arrays["strong_calibration"])
    except (KeyError, ValueError, TypeError) as exc:
        raise ModelLoadError(f"check-worthiness cascade at {path} is incomplete: {exc!r}") from exc
    return CascadeCheckworthinessModel(
        gate=gate,
        strong=strong,
        gate_logit=gate_logit,
        gate_high=gate_high,
        gate_calibration=gate_calibration,
        strong_calibration=strong_calibration,
        metadata=metadata,
    )
