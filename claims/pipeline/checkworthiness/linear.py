"""The linear check-worthiness model: logistic weights over `features.feature_matrix`.

The default scorer without the semantic extra, and the first stage of the cascade with it:
~30,000 sentences a second on one core, with reasons a reader can follow (the cues and the
words that pushed a score up). `linear_training` writes the artefact `load_scorer` reads.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from claims.pipeline.checkworthiness.artefacts import MODELS_DIR, model_files_read
from claims.pipeline.checkworthiness.calibration import IDENTITY, Platt, platt_from
from claims.pipeline.checkworthiness.features import (
    BATCH_ROWS,
    CUE_NAMES,
    N_FEATURES,
    BatchFeatures,
    batch_features,
    batches,
    tfidf,
)
from claims.pipeline.checkworthiness.scorer import (
    EMPTY_REASON,
    MAX_CHARS,
    TRUNCATED_REASON,
    ModelLoadError,
    prepare,
)
from claims.pipeline.types import Score

DEFAULT_MODEL_PATH = MODELS_DIR / "checkworthiness.npz"
# /2: n-grams are hashed by `features.batch_features`, not by scikit-learn's murmurhash.
FORMAT = "checkworthiness-linear/2"
MAX_NGRAM_REASONS = 3
MAX_CUE_REASONS = 3
# A contribution (feature value x weight, in logit units) below this is noise, not a reason.
MIN_REASON_CONTRIBUTION = 0.05
# Scaled cues ("long sentence", "names a person or body") lie in [0, 1]; half-way is 30 words
# or two capitalised names, below which they describe nearly every sentence.
MIN_CUE_VALUE = 0.5
DIFFUSE_REASON = "overall wording (no single strong feature)"


@dataclass(frozen=True, eq=False)
class LinearCheckworthinessModel:
    """Logistic model over `feature_matrix`; `weights` has one entry per feature column.

    `logits` are the raw model's; `score` gives probabilities through `calibration`.
    """

    word_idf: np.ndarray
    char_idf: np.ndarray
    weights: np.ndarray
    bias: float
    metadata: Mapping[str, Any]
    calibration: Platt = IDENTITY

    @property
    def version(self) -> str:
        return str(self.metadata.get("version", "unsaved"))

    @property
    def threshold(self) -> float:
        """The calibrated cut-off that maximised F1 of the check-worthy class in grouped
        cross-validation."""
        return float(self.metadata.get("threshold", 0.5))

    @cached_property
    def _idf_and_weight(self) -> np.ndarray:
        # Side by side, a column's IDF and weight share a cache line: the lookup of a batch's
        # scattered columns in this 16 MB table is the costliest step of scoring.
        # Stored as complex64 (real: IDF, imaginary: weight) because numpy gathers one 8-byte
        # element per index ~8x faster than a row of a two-column array.
        table = np.empty((2 * N_FEATURES, 2), dtype=np.float32)
        table[:, 0] = np.concatenate([self.word_idf, self.char_idf])
        table[:, 1] = self.weights[: 2 * N_FEATURES]
        return table.view(np.complex64).ravel()

    @cached_property
    def _cue_weights(self) -> np.ndarray:
        return self.weights[2 * N_FEATURES :].astype(np.float64)

    def logits(self, texts: Sequence[str]) -> np.ndarray:
        prepared = [prepare(t) for t in texts]
        parts = [self._logits(batch, self._contributions(batch))[0] for batch in batches(prepared)]
        return np.concatenate(parts) if parts else np.zeros(0)

    def _contributions(self, batch: BatchFeatures) -> np.ndarray:
        looked_up = self._idf_and_weight.take(batch.column)
        return tfidf(batch, looked_up.real.astype(np.float64)) * looked_up.imag

    def _logits(
        self, batch: BatchFeatures, contributions: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        cue_contributions = batch.cues * self._cue_weights
        logits = np.bincount(batch.row, weights=contributions, minlength=batch.n_rows)
        return logits + cue_contributions.sum(axis=1) + self.bias, cue_contributions

    def score(self, texts: Sequence[str], *, explain_from: float | None = None) -> list[Score]:
        """Probability and reasons per text; reasons only from `explain_from` up, if given.

        Explaining costs about as much as scoring, and only claims above the threshold are
        ever shown, so a caller that keeps those passes its threshold. A blank text always
        carries EMPTY_REASON: its probability of zero needs no computing.
        """
        present = [i for i, t in enumerate(texts) if t.strip()]
        scores = [Score(probability=0.0, reasons=(EMPTY_REASON,)) for _ in texts]
        for first in range(0, len(present), BATCH_ROWS):
            indices = present[first : first + BATCH_ROWS]
            batch = batch_features([prepare(texts[i]) for i in indices])
            contributions = self._contributions(batch)
            logits, cue_contributions = self._logits(batch, contributions)
            probabilities = self.calibration.probabilities(logits)
            explain = (
                np.ones(len(indices), dtype=bool)
                if explain_from is None
                else probabilities >= explain_from
            )
            reasons = self._reasons(batch, contributions, cue_contributions, explain)
            for row, index in enumerate(indices):
                why = reasons[row]
                if explain[row] and len(texts[index]) > MAX_CHARS:
                    why = (*why, TRUNCATED_REASON)
                scores[index] = Score(probability=float(probabilities[row]), reasons=why)
        return scores

    def _reasons(
        self,
        batch: BatchFeatures,
        contributions: np.ndarray,
        cue_contributions: np.ndarray,
        explain: np.ndarray,
    ) -> list[tuple[str, ...]]:
        """The strongest cues, then the strongest word n-grams, of each row to `explain`."""
        # Scaled cues count only when strong: every sentence has some length.
        strong = (cue_contributions >= MIN_REASON_CONTRIBUTION) & (batch.cues >= MIN_CUE_VALUE)
        ranked = np.argsort(-np.where(strong, cue_contributions, -np.inf), axis=1, kind="stable")
        top_cues = ranked[:, :MAX_CUE_REASONS]
        top_strong = np.take_along_axis(strong, top_cues, axis=1)

        # Only word n-grams are named: a character n-gram means nothing to a reader.
        chosen = np.flatnonzero(
            (batch.column < N_FEATURES)
            & (contributions >= MIN_REASON_CONTRIBUTION)
            & explain[batch.row]
        )
        rows = batch.row[chosen]
        chosen = chosen[np.lexsort((-contributions[chosen], rows))]
        rows = batch.row[chosen]
        rank = np.arange(len(chosen)) - np.searchsorted(rows, rows)
        chosen, rows = chosen[rank < MAX_NGRAM_REASONS], rows[rank < MAX_NGRAM_REASONS]
        # Name each bucket after its first n-gram in the sentence.
        keys = rows * N_FEATURES + batch.column[chosen]
        seen, first = np.unique(batch.word_key, return_index=True)
        occurrences = first[np.searchsorted(seen, keys)]

        ngrams: list[list[str]] = [[] for _ in range(batch.n_rows)]
        for row, occurrence in zip(rows.tolist(), occurrences.tolist(), strict=True):
            ngram = batch.word_ngram(occurrence)
            ngrams[row].append(f"{'phrase' if ' ' in ngram else 'word'} '{ngram}'")
        reasons: list[tuple[str, ...]] = []
        for row, (cue_columns, cue_strong) in enumerate(
            zip(top_cues.tolist(), top_strong.tolist(), strict=True)
        ):
            if not explain[row]:
                reasons.append(())
                continue
            why = [CUE_NAMES[c] for c, ok in zip(cue_columns, cue_strong, strict=True) if ok]
            # Every score is explained: with no single strong feature, the wording as a whole
            # (character n-grams spread over the sentence) carried it.
            reasons.append(tuple(why + ngrams[row]) or (DIFFUSE_REASON,))
        return reasons


def _dense(arrays: Mapping[str, np.ndarray], prefix: str, fill: float) -> tuple[np.ndarray, ...]:
    # Only buckets seen in training are stored; every other bucket has the unseen IDF and no weight.
    index = arrays[f"{prefix}_index"]
    idf = np.full(N_FEATURES, fill, dtype=np.float32)
    weight = np.zeros(N_FEATURES, dtype=np.float32)
    idf[index] = arrays[f"{prefix}_idf"]
    weight[index] = arrays[f"{prefix}_weight"]
    return idf, weight


def read_model(path: Path) -> LinearCheckworthinessModel:
    """Load a saved model from its `.npz` (and the `.json` beside it); no caching."""
    metadata, arrays = model_files_read(path, what="check-worthiness model", model_format=FORMAT)
    if metadata.get("cues") != list(CUE_NAMES) or metadata.get("n_features") != N_FEATURES:
        raise ModelLoadError(f"model at {path} was trained with other features; retrain it")
    try:
        unseen = float(metadata["unseen_idf"])
        word_idf, word_weight = _dense(arrays, "word", unseen)
        char_idf, char_weight = _dense(arrays, "char", unseen)
        cue_weight = arrays["cue_weight"].astype(np.float32).reshape(len(CUE_NAMES))
        bias = float(arrays["bias"].reshape(()))
        calibration = platt_from(arrays.get("calibration"))
    except (KeyError, ValueError, IndexError, TypeError) as exc:
        raise ModelLoadError(f"check-worthiness model at {path} is incomplete: {exc!r}") from exc
    return LinearCheckworthinessModel(
        word_idf=word_idf,
        char_idf=char_idf,
        weights=np.concatenate([word_weight, char_weight, cue_weight]),
        bias=bias,
        metadata=metadata,
        calibration=calibration,
    )


@lru_cache(maxsize=4)
def _cached(path: Path) -> LinearCheckworthinessModel:
    return read_model(path)


def load_scorer(path: Path | None = None) -> LinearCheckworthinessModel:
    """The shipped (or given) model, loaded once per process."""
    return _cached(Path(path or DEFAULT_MODEL_PATH).resolve())
