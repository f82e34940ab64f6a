"""Platt scaling: a model's logit mapped to the chance that a sentence is check-worthy.

Both models are trained with balanced classes, so their raw probabilities overstate the ~24%
of check-worthy sentences, each by its own amount. Fitted on out-of-fold logits (debates the
model never saw), `sigmoid(slope * logit + intercept)` is a probability in the plain sense for
either model, so one FACTCHECK_CLAIM_THRESHOLD means the same whichever scores. Platt rather
than isotonic: two numbers, monotone (the ranking stays the model's), and no steps that would
tie scores in the review queue.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np


class Platt(NamedTuple):
    slope: float
    intercept: float

    def probabilities(self, logits: np.ndarray) -> np.ndarray:
        with np.errstate(over="ignore"):
            return 1.0 / (1.0 + np.exp(-(self.slope * np.asarray(logits) + self.intercept)))

    def as_array(self) -> np.ndarray:
        return np.array([self.slope, self.intercept], dtype=np.float64)


IDENTITY = Platt(1.0, 0.0)


def platt_fit(logits: np.ndarray, labels: np.ndarray) -> Platt:
    """The Platt scaling that best predicts `labels` from out-of-fold `logits`."""
    # Imported here: only training fits, and importing sklearn takes about a second.
    from sklearn.linear_model import LogisticRegression

    labels = np.asarray(labels, dtype=bool)
    if labels.all() or not labels.any():
        raise ValueError("calibration needs both check-worthy and other sentences")
    finite = np.isfinite(logits)
    # Nearly unregularised: two parameters from thousands of sentences.
    fitted = LogisticRegression(C=1e6).fit(np.asarray(logits)[finite, None], labels[finite])
    return Platt(float(fitted.coef_[0, 0]), float(fitted.intercept_[0]))


def platt_from(array: np.ndarray | None) -> Platt:
    """The Platt scaling stored as `as_array` wrote it; IDENTITY when there is none."""
    if array is None:
        return IDENTITY
    slope, intercept = (float(x) for x in np.asarray(array, dtype=np.float64).reshape(2))
    return Platt(slope, intercept)
