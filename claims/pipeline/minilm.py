"""all-MiniLM-L6-v2's forward pass in plain torch, read from the packaged weights.

What sentence-transformers computes for this model (BERT, six layers, mean pooling over the
tokens, unit length), without importing sentence-transformers and transformers: those two
add ~200 MiB to every process that embeds (torch alone is ~220 MiB), which is what keeps a
web or worker process under its memory budget. The tokenizer is the model's own
`tokenizer.json`, read by `tokenizers`.

The check-worthiness model is the same encoder with its top layers fine-tuned
(`with_top_layers`): it shares the base's embeddings and bottom layers, so a process that
embeds and scores holds one copy of them (`minilm_get`).

Precisions: "float32"; "bfloat16" (fast only with AMX); "int8", the Linear layers (97% of the
arithmetic) run by torch's dynamic quantisation: weights stored as int8 with a scale per
output row, each input quantised per batch as it comes (8 bits with VNNI, 7 on AVX2 alone);
embeddings, layer norms, attention and pooling stay float32. `claims.pipeline.cpu` says which
is fast where.
"""

from __future__ import annotations

import contextlib
import copy
import ctypes
import json
import threading
import warnings
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

# sentence_bert_config.json: longer texts are cut to this many tokens, as the model was trained.
MAX_TOKENS = 256
PRECISIONS = ("float32", "bfloat16", "int8")
# The Linear layers of each encoder layer; "attention.self" stands for its query, key and
# value projections, which read the same input and run as one product in int8.
_LINEAR = (
    "attention.self",
    "attention.output.dense",
    "intermediate.dense",
    "output.dense",
)


class MiniLM:
    """The encoder and its tokenizer, loaded once; `encode` gives pooled, unit rows."""

    def __init__(
        self,
        *,
        directory: Path,
        config: Mapping[str, Any],
        tensors: dict[str, Any],
        precision: str,
        max_tokens: int = MAX_TOKENS,
    ) -> None:
        """`tensors`: every float tensor of the checkpoint, named without its "bert." prefix,
        in float32 (bfloat16 at that precision); int8 packs the Linear weights here."""
        import torch
        from tokenizers import Tokenizer

        if precision not in PRECISIONS:
            raise ValueError(f"unknown precision {precision!r}; use one of {PRECISIONS}")
        self._torch = torch
        self.hidden = int(config["hidden_size"])
        self.heads = int(config["num_attention_heads"])
        self.layers = int(config["num_hidden_layers"])
        self.eps = float(config["layer_norm_eps"])
        self.precision = precision
        self.max_tokens = max_tokens
        self.shapes = {name: tuple(tensor.shape) for name, tensor in tensors.items()}
        self.tensors = dict(tensors)
        # This encoder's Linear layers at another precision, packed once for every model
        # built on it (`with_top_layers`).
        self._converted: dict[tuple[str, str], Callable[[Any], Any]] = {}
        self._converting = threading.Lock()
        self.linears = _linears(
            self.tensors,
            [f"encoder.layer.{layer}.{part}" for layer in range(self.layers) for part in _LINEAR],
            precision,
        )
        self.tokenizer = Tokenizer.from_file(str(directory / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_tokens)
        # The file pads every text to 128 tokens; the forward pass reads real tokens only.
        self.tokenizer.no_padding()

    def with_top_layers(
        self,
        top: Mapping[str, Any],
        *,
        layers: int,
        max_tokens: int,
        precision: str | None = None,
    ) -> MiniLM:
        """This encoder with its top `layers` layers replaced by `top`'s float arrays, named
        "layer.<i>.<name>" with i counting from the first replaced layer (as a fine-tuning's
        `state_dict` does); everything else is this one's, shared, not copied. ValueError
        when `top` does not hold every tensor of those layers, shaped as the base's.

        `precision` "int8" on a float32 encoder gives a model whose every Linear layer is
        packed: the new top layers for it alone, the base's own layers once for every model
        built on this encoder that keeps them (the check-worthiness and attribution scorers
        share their bottom layers' packs), while the float32 matching embedder needs no int8
        model of its own, whose top layers the fine-tuned ones would replace anyway."""
        precision = self.precision if precision is None else precision
        if precision != self.precision and (self.precision, precision) != ("float32", "int8"):
            raise ValueError(f"a {self.precision} encoder cannot give a {precision} one")
        if not 0 < layers <= self.layers:
            raise ValueError(f"{layers} top layers for a {self.layers}-layer encoder")
        first = self.layers - layers
        replaced = {
            f"encoder.layer.{first + int(key.split('.')[1])}.{key.split('.', 2)[2]}": value
            for key, value in top.items()
        }
        prefixes = tuple(f"encoder.layer.{layer}." for layer in range(first, self.layers))
        expected = {name for name in self.shapes if name.startswith(prefixes)}
        if set(replaced) != expected:
            raise ValueError(f"layers differ: {sorted(set(replaced) ^ expected)[:3]}")
        for name, value in replaced.items():
            if tuple(value.shape) != self.shapes[name]:
                raise ValueError(f"{name} is {tuple(value.shape)}, not as the base's")
        dtype = self.tensors["embeddings.word_embeddings.weight"].dtype
        tensors = dict(self.tensors)
        linears = {
            **self.linears,
            **self._converted_linears(
                [name for name in self.linears if not name.startswith(prefixes)], precision
            ),
        }
        # Layer by layer, so that only one layer's float copies (7 MB) are held at a time
        # when int8 packs them: a float16 `top` is read here, not converted whole beforehand.
        for prefix in prefixes:
            for name, value in replaced.items():
                if name.startswith(prefix):
                    float32 = self._torch.as_tensor(value).to(self._torch.float32)
                    tensors[name] = float32.to(dtype)
            layer = [name for name in self.linears if name.startswith(prefix)]
            linears.update(_linears(tensors, layer, precision))
        model = copy.copy(self)
        model.precision = precision
        model.linears = linears
        if precision == "int8":
            for name in self.linears:
                for part in _linear_parts(name):
                    tensors.pop(f"{part}.weight", None)
                    tensors.pop(f"{part}.bias", None)
        model.tensors = tensors
        model._converted = {}
        model._converting = threading.Lock()
        model.max_tokens = max_tokens
        model.tokenizer = type(self.tokenizer).from_str(self.tokenizer.to_str())
        model.tokenizer.enable_truncation(max_tokens)
        return model

    def _converted_linears(
        self, names: Sequence[str], precision: str
    ) -> dict[str, Callable[[Any], Any]]:
        """This encoder's own Linear layers `names` at `precision` (none when it is this
        encoder's), packed the first time a model asks for them."""
        if precision == self.precision:
            return {}
        with self._converting:
            missing = [name for name in names if (name, precision) not in self._converted]
            # A copy: packing takes the float weights out of the dict it is given.
            for name, linear in _linears(dict(self.tensors), missing, precision).items():
                self._converted[name, precision] = linear
            return {name: self._converted[name, precision] for name in names}

    def pooled(self, texts: Sequence[str]) -> Any:
        """The mean of each text's token vectors, a float32 torch tensor (one batch)."""
        torch = self._torch
        if not texts:
            return torch.zeros(0, self.hidden)
        encoded = self.tokenizer.encode_batch(list(texts))
        lengths = [len(row.ids) for row in encoded]
        ids = torch.tensor([token for row in encoded for token in row.ids], dtype=torch.long)
        positions = torch.tensor([p for n in lengths for p in range(n)], dtype=torch.long)
        with torch.inference_mode():
            hidden = self._layers(ids, positions, lengths)
            rows = torch.repeat_interleave(torch.arange(len(lengths)), torch.tensor(lengths))
            sums = hidden.new_zeros(len(lengths), self.hidden).index_add_(0, rows, hidden)
            return (sums / torch.tensor(lengths, dtype=hidden.dtype).unsqueeze(1)).float()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Mean-pooled, unit-length float32 rows, one per text (one batch)."""
        vectors = self.pooled(texts).numpy()
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return (vectors / np.where(norms == 0, 1.0, norms)).astype(np.float32)

    def hidden_states(self, ids: Any, mask: Any, *, layers: int | None = None) -> Any:
        """The vector of every word piece of a batch of ids padded on the right, after the
        first `layers` layers (all by default): [texts, word pieces, hidden], zero where the
        batch is padding."""
        torch = self._torch
        keep = mask.bool()
        lengths = keep.sum(1).tolist()
        positions = torch.cat([torch.arange(n, dtype=torch.long) for n in lengths])
        with torch.inference_mode():
            flat = self._layers(ids[keep], positions, lengths, layers)
            padded = flat.new_zeros(ids.shape[0], ids.shape[1], self.hidden)
            padded[keep] = flat
            return padded

    def _layers(
        self, ids: Any, positions: Any, lengths: Sequence[int], layers: int | None = None
    ) -> Any:
        """The vector of every token of the batch after the first `layers` layers (all by
        default), the texts' tokens one after another: no padding, so the Linear layers read
        only real tokens, and attention runs text by text (a padded batch's mask doubled
        attention's cost on news sentences)."""
        torch = self._torch
        from torch.nn import functional

        w = self.tensors
        width = self.hidden // self.heads
        scale = width**-0.5
        ends = np.cumsum(lengths).tolist()
        spans = list(zip([0, *ends[:-1]], ends, strict=True))

        def norm(x: Any, name: str) -> Any:
            return functional.layer_norm(
                x, (self.hidden,), w[f"{name}.weight"], w[f"{name}.bias"], self.eps
            )

        def attention(q: Any, k: Any, v: Any) -> Any:
            # [heads, tokens, width] once for the batch; each text is then a slice of it. Plain
            # products beat scaled_dot_product_attention's kernel at these sizes (a few dozen
            # tokens, 32 wide): int8 forward pass on news, 67-87 ms an article against 91-103.
            dtype = v.dtype
            if dtype == torch.bfloat16:
                # A few dozen tokens a text: bfloat16's products are no faster at these sizes,
                # and its conversions around each softmax cost a third more.
                q, k, v = q.float(), k.float(), v.float()
            q, k, v = (t.reshape(-1, self.heads, width).transpose(0, 1) for t in (q * scale, k, v))
            out = []
            for start, end in spans:
                scores = torch.matmul(q[:, start:end], k[:, start:end].transpose(1, 2))
                out.append(torch.matmul(scores.softmax(-1), v[:, start:end]))
            return torch.cat(out, 1).transpose(0, 1).reshape(-1, self.hidden).to(dtype)

        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.position_embeddings.weight"][positions]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = norm(x, "embeddings.LayerNorm")
        for layer in range(self.layers if layers is None else layers):
            at = f"encoder.layer.{layer}"
            linear = self.linears
            context = attention(*linear[f"{at}.attention.self"](x))
            x = norm(
                linear[f"{at}.attention.output.dense"](context) + x,
                f"{at}.attention.output.LayerNorm",
            )
            inner = functional.gelu(linear[f"{at}.intermediate.dense"](x))
            x = norm(linear[f"{at}.output.dense"](inner) + x, f"{at}.output.LayerNorm")
        return x


def _linears(
    tensors: dict[str, Any], names: Sequence[str], precision: str
) -> dict[str, Callable[[Any], Any]]:
    """The Linear layers `names` of `tensors` at `precision` ("….attention.self": a callable
    giving the query, key and value projections); int8 packs their weights and takes the
    float ones out of `tensors`, so that only the packed copy stays in memory."""
    linears = {}
    for name in names:
        parts = _linear_parts(name)
        weights = [tensors[f"{part}.weight"] for part in parts]
        biases = [tensors[f"{part}.bias"] for part in parts]
        linears[name] = _linear(weights, biases, precision)
        if precision == "int8":
            for part in parts:
                del tensors[f"{part}.weight"], tensors[f"{part}.bias"]
    if precision == "int8" and names:
        # Packing leaves its float temporaries in pieces glibc keeps and does not always
        # reuse: handed back after each layer, a scorer's load peaks a few MiB over what it
        # settles at, not 20-50 MiB.
        heap_trim()
    return linears


def _linear_parts(name: str) -> list[str]:
    """The checkpoint's Linear layers that `name` in `MiniLM.linears` runs."""
    if name.endswith(".attention.self"):
        return [f"{name}.{part}" for part in ("query", "key", "value")]
    return [name]


def _linear(weights: Sequence[Any], biases: Sequence[Any], precision: str) -> Callable[[Any], Any]:
    """x Wᵀ + b for each (W, b) at `precision` (one tensor, or a tuple for several); int8
    packs the Ws as one matrix, per output row, so the input is quantised once for all."""
    import torch
    from torch.nn import functional

    from claims.pipeline.cpu import has_vnni

    if precision != "int8":
        if len(weights) == 1:
            return lambda x: functional.linear(x, weights[0], biases[0])
        pairs = list(zip(weights, biases, strict=True))
        return lambda x: tuple(functional.linear(x, w, b) for w, b in pairs)
    weight, bias = torch.cat(list(weights)), torch.cat(list(biases))
    scales = (weight.abs().amax(dim=1) / 127).clamp(min=1e-8).double()
    # torch deprecates its quantised tensors in favour of torchao, not a dependency here;
    # the kernels these call are the ones it documents for dynamic quantisation.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        quantised = torch.quantize_per_channel(
            weight, scales, torch.zeros_like(scales, dtype=torch.long), 0, torch.qint8
        )
        packed = torch.ops.quantized.linear_prepack(quantised, bias)
    # Inputs in 7 bits where AVX2's 16-bit sums would saturate; with VNNI all 8 (half the
    # error of a product, the same time).
    reduce_range = not has_vnni()
    if len(weights) == 1:
        return lambda x: torch.ops.quantized.linear_dynamic(x, packed, reduce_range)
    rows = [int(w.shape[0]) for w in weights]
    return lambda x: torch.ops.quantized.linear_dynamic(x, packed, reduce_range).split(rows, 1)


def minilm_load(
    directory: Path,
    *,
    precision: str = "float32",
    shared: Sequence[Mapping[str, Any]] = (),
) -> MiniLM:
    """The model in `directory` at `precision`; tensors of the same name, shape and dtype
    found in `shared` (other precisions' of the same checkpoint) are taken from there rather
    than loaded again."""
    import torch
    from safetensors import safe_open

    if precision not in PRECISIONS:
        raise ValueError(f"unknown precision {precision!r}; use one of {PRECISIONS}")
    config = json.loads((directory / "config.json").read_text())
    if config.get("hidden_act") != "gelu" or config.get("model_type") != "bert":
        raise ValueError(f"{directory} is not a BERT model with GELU activations")
    to = torch.bfloat16 if precision == "bfloat16" else torch.float32
    tensors = {}
    # Only the tensors not shared are read from the file.
    with safe_open(str(directory / "model.safetensors"), framework="pt") as weights:
        for key in weights.keys():  # noqa: SIM118 (safe_open is not a mapping)
            stored = weights.get_slice(key)
            if stored.get_dtype() not in ("F16", "BF16", "F32", "F64"):
                continue
            # Checkpoints name the same tensors with or without a "bert." prefix.
            name = key.removeprefix("bert.")
            shape = tuple(stored.get_shape())
            tensors[name] = next(
                (
                    other[name]
                    for other in shared
                    if name in other
                    and other[name].dtype == to
                    and tuple(other[name].shape) == shape
                ),
                None,
            )
            if tensors[name] is None:
                tensors[name] = weights.get_tensor(key).to(to)
    return MiniLM(directory=directory, config=config, tensors=tensors, precision=precision)


def heap_trim() -> None:
    """Hand the heap's freed pages back to the system (glibc only): loading a model frees
    its float32 temporaries in pieces glibc would keep, 25-50 MiB of resident memory at int8."""
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to hand back
        ctypes.CDLL("libc.so.6").malloc_trim(0)


_lock = threading.Lock()
_loaded: dict[tuple[Path, str], MiniLM] = {}


def minilm_get(directory: Path, precision: str) -> MiniLM:
    """The model in `directory` at `precision`, loaded once per process: the matching
    embedder and the check-worthiness model share it (and one precision shares another's
    float32 embeddings and layer norms)."""
    key = (directory.resolve(), precision)
    with _lock:
        if key not in _loaded:
            shared = [model.tensors for (path, _), model in _loaded.items() if path == key[0]]
            _loaded[key] = minilm_load(directory, precision=precision, shared=shared)
            heap_trim()
        return _loaded[key]
