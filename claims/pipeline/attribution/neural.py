"""The ranker's choice re-scored with what MiniLM reads of the sentence and its candidates.

The linear ranker (`ranker`) sees a candidate through a few words around its mention; what
makes a name the speaker of a sentence with a verb the rules do not know (*X estimates*, *the
Florida senator sought*) is how the whole clause is built. Here the claim sentence and the two
before it are read once by the packaged all-MiniLM-L6-v2 (`claims.pipeline.minilm`: the base
weights the embedder and the check-worthiness model hold, its top layer replaced by one
fine-tuned with the head, `claims.evaluation.neural_finetune`); each candidate is then its
mention's word pieces averaged, beside the claim sentence's, their product and the linear
ranker's logit, and a small two-layer head gives its probability. Only sentences the rules leave
without a speaker are ranked, as with the linear ranker, and only those that become claims
(`attribute_article(..., only=)`), so the encoder runs a few times per article.

It needs the `semantic` extra (torch, tokenizers, the packaged model); without it, or when
its file is missing or corrupt, attribution is the rules and the linear ranker, unchanged.
"""

from __future__ import annotations

import bisect
import logging
import math
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from claims.pipeline.attribution.ranker import (
    Candidate,
    Context,
    RankerModel,
    candidates,
    inferred_attribution,
    load_ranker,
    read_model,
)
from claims.pipeline.checkworthiness.artefacts import model_files_read
from claims.pipeline.checkworthiness.scorer import ModelLoadError
from claims.pipeline.types import Attribution

logger = logging.getLogger(__name__)

FORMAT = "attribution-minilm-v1"
DEFAULT_MODEL_PATH = Path(__file__).with_name("models") / "attribution-minilm.npz"


def linear_path(path: Path) -> Path:
    """Where a scorer keeps the linear ranker it was trained over: its head reads that ranker's
    logit, so the linear ranker the pipeline ships may be retrained without it."""
    return path.with_name(f"{path.stem}-linear.npz")


BEFORE = 2  # sentences read before the claim
MAX_TOKENS = 128  # the window's word pieces; earlier sentences are dropped first
BATCH = 16
# int8 (torch's dynamic quantisation of the Linear layers): three times float32's speed on one
# core here, and training reads the frozen layers in int8, so it is what the head expects.
PRECISION = "int8"
HIDDEN = 384


@dataclass(frozen=True)
class Window:
    """One claim sentence with the sentences before it, as word pieces."""

    ids: list[int]
    claim: tuple[int, int]  # its word pieces [from, to)
    mentions: dict[str, list[int]]  # a candidate name -> its mentions' word pieces


def window(context: Context, index: int, tokenizer: Any) -> Window:
    """The claim `index` and up to BEFORE sentences before it (fewer when they do not fit)."""
    sentences = context.sentences
    for first in range(max(0, index - BEFORE), index + 1):
        pieces = [sentences[i] for i in range(first, index + 1)]
        text = " ".join(s.text for s in pieces)
        encoded = tokenizer.encode(text)
        if len(encoded.ids) <= MAX_TOKENS or first == index:
            break
    ids = list(encoded.ids[:MAX_TOKENS])
    offsets = list(encoded.offsets[: len(ids)])
    # Where each sentence of the window starts in its text, to place the names' mentions.
    starts: list[int] = []
    at = 0
    for s in pieces:
        starts.append(at)
        at += len(s.text) + 1
    claim_from = starts[-1]
    claim = [i for i, (a, b) in enumerate(offsets) if b > a and a >= claim_from]
    mentions: dict[str, list[int]] = {}
    registry = context.registry
    lo = bisect.bisect_left(registry.starts, pieces[0].start)
    hi = bisect.bisect_left(registry.starts, pieces[-1].end)
    for mention in registry.mentions[lo:hi]:
        which = next(
            (k for k in range(len(pieces) - 1, -1, -1) if pieces[k].start <= mention.start), 0
        )
        begin = starts[which] + mention.start - pieces[which].start
        end = starts[which] + mention.end - pieces[which].start
        covered = [i for i, (a, b) in enumerate(offsets) if b > a and a < end and b > begin]
        mentions.setdefault(mention.name, []).extend(covered)
    span = (claim[0], claim[-1] + 1) if claim else (0, len(ids))
    return Window(ids, span, mentions)


def token_states(encoder: Any, windows: Sequence[Window]) -> list[Any]:
    """The encoder's last layer for each window's word pieces (batched by length)."""
    import torch

    out: list[Any] = [None] * len(windows)
    order = sorted(range(len(windows)), key=lambda i: len(windows[i].ids))
    for first in range(0, len(order), BATCH):
        batch = order[first : first + BATCH]
        width = max(len(windows[i].ids) for i in batch)
        ids = torch.zeros((len(batch), width), dtype=torch.long)
        mask = torch.zeros((len(batch), width), dtype=torch.long)
        for row, i in enumerate(batch):
            ids[row, : len(windows[i].ids)] = torch.tensor(windows[i].ids)
            mask[row, : len(windows[i].ids)] = 1
        with torch.inference_mode():
            hidden = encoder.hidden_states(ids, mask).float()
        for row, i in enumerate(batch):
            out[i] = hidden[row, : len(windows[i].ids)]
    return out


def candidate_inputs(states: Any, win: Window, name: str, linear_logit: float) -> np.ndarray:
    """What the head reads of one candidate: [logit, named in window, mention, claim, product]."""
    claim = states[win.claim[0] : win.claim[1]].mean(0).numpy()
    pieces = sorted(set(win.mentions.get(name, ())))
    mention = states[pieces].mean(0).numpy() if pieces else np.zeros(HIDDEN, dtype=np.float32)
    return np.concatenate(
        [[linear_logit, float(bool(pieces))], mention, claim, mention * claim]
    ).astype(np.float32)


def sentence_inputs(
    context: Context,
    linear: RankerModel,
    encoder: Any,
    sentences: Collection[int],
) -> tuple[list[Candidate], np.ndarray]:
    """Every candidate of `sentences` and the head's input for each."""
    found = candidates(context, sentences)
    wanted = sorted({c.sentence for c in found})
    windows = [window(context, index, encoder.tokenizer) for index in wanted]
    states = dict(zip(wanted, token_states(encoder, windows), strict=True))
    by_index = dict(zip(wanted, windows, strict=True))
    rows = [
        candidate_inputs(states[c.sentence], by_index[c.sentence], c.name, linear.logit(c.features))
        for c in found
    ]
    width = 2 + 3 * HIDDEN
    return found, np.stack(rows) if rows else np.zeros((0, width), dtype=np.float32)


class NeuralRanker:
    """The linear ranker, the frozen encoder and a two-layer head over their outputs."""

    def __init__(
        self,
        linear: RankerModel,
        encoder: Any,
        arrays: dict[str, np.ndarray],
        threshold: float,
        version: str,
    ) -> None:
        self.linear, self.encoder = linear, encoder
        self.threshold, self.version = threshold, version
        self.mean, self.scale = arrays["mean"], arrays["scale"]
        self.w1, self.b1 = arrays["w1"], arrays["b1"]
        self.w2, self.b2 = arrays["w2"], float(arrays["b2"].reshape(()))
        self.cut = math.log(threshold / (1 - threshold))

    def logits(self, inputs: np.ndarray) -> np.ndarray:
        hidden = np.maximum(((inputs - self.mean) / self.scale) @ self.w1.T + self.b1, 0.0)
        return np.asarray(hidden @ self.w2 + self.b2, dtype=np.float64)


def rerank_neural(
    context: Context, model: NeuralRanker, only: Collection[int] | None = None
) -> list[Attribution | None]:
    """As `ranker.rerank`, with the head's probabilities in place of the linear model's."""
    unattributed = {
        index
        for index, rule in enumerate(context.rules)
        if rule is None and (only is None or index in only)
    }
    found, inputs = sentence_inputs(context, model.linear, model.encoder, unattributed)
    best: dict[int, tuple[float, str]] = {}
    for candidate, score in zip(found, model.logits(inputs), strict=True):
        if score >= model.cut and score > best.get(candidate.sentence, (-math.inf, ""))[0]:
            best[candidate.sentence] = (float(score), candidate.name)
    result = list(context.rules)
    for index, (_, name) in best.items():
        result[index] = inferred_attribution(name, index, context)
    return result


def read_neural(path: Path, linear: RankerModel | None = None) -> NeuralRanker:
    """A saved scorer on the packaged encoder; ModelLoadError (MiniLMUnavailable without the
    extra) when it cannot be used."""
    from claims.pipeline.checkworthiness.minilm import base_get
    from claims.pipeline.minilm import heap_trim

    metadata, arrays = model_files_read(path, what="attribution MiniLM scorer", model_format=FORMAT)
    if linear is None and linear_path(path).exists():
        linear = read_model(linear_path(path))
    linear = linear or load_ranker()
    if linear is None:
        raise ModelLoadError("the MiniLM attribution scorer needs the linear ranker beside it")
    if metadata.get("linear_version") != linear.version:
        raise ModelLoadError(
            f"{path} was trained over linear ranker {metadata.get('linear_version')}, "
            f"not {linear.version}; retrain it"
        )
    precision = str(metadata.get("precision", PRECISION))
    try:
        # A fine-tuned scorer ships its top layers, packed in int8 from the float32 base the
        # matching embedder and the check-worthiness scorer share (one copy of the embeddings
        # in a process); a frozen one reads the base as it is.
        # As stored: converted layer by layer as they are packed.
        top = {
            key.removeprefix("top."): value
            for key, value in arrays.items()
            if key.startswith("top.")
        }
        layers = int(metadata.get("trained_layers", 0))
        if layers or top:
            encoder = base_get("float32" if precision == "int8" else precision).with_top_layers(
                top, layers=layers, max_tokens=MAX_TOKENS, precision=precision
            )
        else:
            encoder = base_get(precision)
        width = 2 + 3 * HIDDEN
        parts = {key: arrays[key].astype(np.float32) for key in ("mean", "scale", "w1", "b1", "w2")}
        parts["b2"] = arrays["b2"].astype(np.float32)
        if parts["mean"].shape != (width,) or parts["w1"].shape[1] != width:
            raise ValueError("the head does not match the encoder's width")
        if parts["w2"].shape != parts["b1"].shape or parts["w1"].shape[0] != parts["b1"].shape[0]:
            raise ValueError("the head's layers do not fit together")
        threshold = float(metadata["threshold"])
        if not 0.0 < threshold < 1.0:
            raise ValueError(f"threshold {threshold} outside (0, 1)")
    except (KeyError, TypeError, ValueError, RuntimeError) as exc:
        raise ModelLoadError(f"attribution MiniLM scorer at {path} is malformed: {exc}") from exc
    del top
    heap_trim()  # the fine-tuned layer's float copies, gone once packed
    return NeuralRanker(linear, encoder, parts, threshold, str(metadata["version"]))


@lru_cache(maxsize=4)
def _cached(path: Path) -> NeuralRanker | None:
    try:
        return read_neural(path)
    except ModelLoadError as exc:
        # The rules and the linear ranker still attribute every sentence.
        logger.warning("attribution MiniLM scorer not loaded, linear ranker only: %s", exc)
        return None


def load_neural(path: Path | None = None) -> NeuralRanker | None:
    """The shipped (or given) scorer, loaded once per process; None when it cannot be used."""
    return _cached(Path(path or DEFAULT_MODEL_PATH).resolve())
