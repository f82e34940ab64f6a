from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from claims.pipeline.checkworthiness.artefacts import metadata_path
from claims.pipeline.checkworthiness.calibration import IDENTITY
from claims.pipeline.checkworthiness.features import feature_matrix
from claims.pipeline.checkworthiness.linear import read_model
from claims.pipeline.checkworthiness.linear_training import save_model, train_checkworthiness
from claims.pipeline.checkworthiness.scorer import prepare

SUBJECTS = ["Unemployment", "The deficit", "Crime", "Inflation", "Tax revenue", "Spending"]
VERBS = ["fell", "rose", "doubled", "dropped"]


def _examples() -> list[tuple[str, bool]]:
    claims = [
        (f"{s} {v} by {n} percent since {1990 + n}.", True)
        for n, (s, v) in enumerate((s, v) for s in SUBJECTS for v in VERBS)
    ]
    chatter = [
        (f"{greeting}, {who}.", False)
        for greeting in ["Thank you", "Good evening", "Welcome back", "Nice to see you"]
        for who in ["everyone", "Jim", "folks", "my friends", "Senator", "Governor"]
    ]
    return claims + chatter


def test_training_twice_writes_identical_bytes(tmp_path: Path) -> None:
    first = save_model(train_checkworthiness(_examples(), seed=3, folds=0), tmp_path / "a")
    second = save_model(train_checkworthiness(_examples(), seed=3, folds=0), tmp_path / "b")
    assert first.read_bytes() == second.read_bytes()
    assert metadata_path(first).read_bytes() == metadata_path(second).read_bytes()


def test_saved_model_scores_like_the_trained_one(tmp_path: Path) -> None:
    model = train_checkworthiness(_examples(), folds=0)
    loaded = read_model(save_model(model, tmp_path / "model.npz"))
    texts = ["Crime rose by 7 percent since 1997.", "Good evening, folks."]
    trained = [s.probability for s in model.score(texts)]
    restored = [s.probability for s in loaded.score(texts)]
    np.testing.assert_allclose(trained, restored, rtol=1e-5)
    assert restored[0] > 0.5 > restored[1]
    assert loaded.version.startswith("cw-linear-")


def test_scoring_computes_the_features_training_fitted() -> None:
    model = train_checkworthiness(_examples(), folds=0)
    texts = ["Crime rose by 7 percent since 1997.", "Good evening, folks.", "Ça va? 🙂"]
    fitted = feature_matrix([prepare(t) for t in texts], model.word_idf, model.char_idf)
    np.testing.assert_allclose(
        model.logits(texts), fitted @ model.weights + model.bias, rtol=1e-5, atol=1e-6
    )


def test_cross_validation_by_debate_sets_calibration_threshold_and_metrics() -> None:
    debates = np.arange(len(_examples())) % 6
    model = train_checkworthiness(_examples(), folds=2, groups=debates)
    assert 0.05 <= model.threshold <= 0.95
    assert model.metadata["metrics"]["cross_validation"]["n"] == len(_examples())
    assert model.metadata["metrics"]["cross_validation"]["grouped"] is True
    # The threshold applies to calibrated probabilities, which is what `score` gives.
    assert model.calibration != IDENTITY
    high, low = model.score(["Crime rose by 7 percent since 1997.", "Good evening, folks."])
    assert high.probability >= model.threshold > low.probability


def test_training_needs_both_classes() -> None:
    with pytest.raises(ValueError, match="both"):
        train_checkworthiness([("Crime fell.", True), ("Taxes rose.", True)], folds=0)
