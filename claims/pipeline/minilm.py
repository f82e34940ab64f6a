"""all-MiniLM-L6-v2's forward pass in plain torch, read from the packaged weights.

What sentence-transformers computes for this model (BERT, six layers, mean pooling over the
tokens, unit length), without importing sentence-transformers and transformers: those two
add ~200 MiB to every process that embeds (torch alone is ~220 MiB), which is what keeps a
web or worker process under its memory budget. The tokenizer is the model's own
`tokenizer.json`, read by `tokenizers`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

# sentence_bert_config.json: longer texts are cut to this many tokens, as the model was trained.
MAX_TOKENS = 256


class MiniLM:
    """The encoder and its tokenizer, loaded once; `encode` gives pooled, unit rows."""

    def __init__(self, directory: Path, *, dtype: str = "float32") -> None:
        import torch
        from safetensors.torch import load_file
        from tokenizers import Tokenizer

        self._torch = torch
        config = json.loads((directory / "config.json").read_text())
        self.hidden = int(config["hidden_size"])
        self.heads = int(config["num_attention_heads"])
        self.layers = int(config["num_hidden_layers"])
        self.eps = float(config["layer_norm_eps"])
        if config.get("hidden_act") != "gelu" or config.get("model_type") != "bert":
            raise ValueError(f"{directory} is not a BERT model with GELU activations")
        to = getattr(torch, dtype)
        weights = load_file(str(directory / "model.safetensors"))
        # Checkpoints name the same tensors with or without a "bert." prefix.
        self.weights = {
            name.removeprefix("bert."): tensor.to(to)
            for name, tensor in weights.items()
            if tensor.is_floating_point()
        }
        self.tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
        self.tokenizer.enable_truncation(MAX_TOKENS)
        self.tokenizer.enable_padding(pad_id=int(config.get("pad_token_id", 0)))

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Mean-pooled, unit-length float32 rows, one per text (one batch, padded together)."""
        torch = self._torch
        from torch.nn import functional

        encoded = self.tokenizer.encode_batch(list(texts))
        ids = torch.tensor([row.ids for row in encoded], dtype=torch.long)
        mask = torch.tensor([row.attention_mask for row in encoded], dtype=torch.long)
        with torch.inference_mode():
            hidden = self._layers(ids, mask, functional)
            kept = mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * kept).sum(1) / kept.sum(1).clamp(min=1e-9)
            vectors = pooled.float().numpy()
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return (vectors / np.where(norms == 0, 1.0, norms)).astype(np.float32)

    def _layers(self, ids: Any, mask: Any, functional: Any) -> Any:
        w = self.weights
        batch, length = ids.shape
        width = self.hidden // self.heads

        def linear(x: Any, name: str) -> Any:
            return functional.linear(x, w[f"{name}.weight"], w[f"{name}.bias"])

        def norm(x: Any, name: str) -> Any:
            return functional.layer_norm(
                x, (self.hidden,), w[f"{name}.weight"], w[f"{name}.bias"], self.eps
            )

        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][:length]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = norm(x, "embeddings.LayerNorm")
        attend = mask[:, None, None, :].bool()  # padding is never attended to
        for layer in range(self.layers):
            at = f"encoder.layer.{layer}"
            q, k, v = (
                linear(x, f"{at}.attention.self.{part}")
                .view(batch, length, self.heads, width)
                .transpose(1, 2)
                for part in ("query", "key", "value")
            )
            context = functional.scaled_dot_product_attention(q, k, v, attn_mask=attend)
            context = context.transpose(1, 2).reshape(batch, length, self.hidden)
            x = norm(
                linear(context, f"{at}.attention.output.dense") + x,
                f"{at}.attention.output.LayerNorm",
            )
            inner = functional.gelu(linear(x, f"{at}.intermediate.dense"))
            x = norm(linear(inner, f"{at}.output.dense") + x, f"{at}.output.LayerNorm")
        return x
