"""Cross-validation by debate, and the calibration fitted on its out-of-fold scores."""

from __future__ import annotations

import numpy as np
import pytest

from claims.pipeline.checkworthiness.calibration import platt_fit, platt_from
from claims.pipeline.checkworthiness.data import debate_groups
from claims.pipeline.checkworthiness.linear_training import fold_splits


def test_ids_are_cut_into_debates_where_they_jump_by_twenty_or_more() -> None:
    ids = ["105", "101", "130", "102", "131", "160", "179", "200"]

    groups = debate_groups(ids)

    # 101-105 | 130-131 | 160-179 (a jump of 19 stays) | 200; numbered in id order.
    assert groups.tolist() == [0, 0, 1, 0, 1, 2, 2, 3]


def test_a_sentence_id_that_is_not_a_number_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="Sentence_id must be an integer"):
        debate_groups(["12", "w3"])


def test_folds_by_debate_never_put_one_debate_on_both_sides() -> None:
    groups = np.repeat(np.arange(12), [5, 1, 9, 3, 3, 7, 2, 8, 4, 6, 1, 5])
    labels = np.arange(len(groups)) % 3 == 0

    splits = fold_splits(labels, folds=4, seed=0, groups=groups)

    assert len(splits) == 4
    held = np.concatenate([held_out for _, held_out in splits])
    assert sorted(held.tolist()) == list(range(len(groups)))  # every sentence held out once
    for train, held_out in splits:
        assert not set(groups[train]) & set(groups[held_out])


def test_random_folds_do_split_debates() -> None:
    # What the grouping prevents: random folds put most debates on both sides.
    groups = np.repeat(np.arange(12), 6)
    labels = np.arange(len(groups)) % 3 == 0

    splits = fold_splits(labels, folds=4, seed=0)

    assert any(set(groups[train]) & set(groups[held]) for train, held in splits)


def test_platt_scaling_keeps_the_order_and_matches_the_observed_rate() -> None:
    rng = np.random.default_rng(1)
    logits = rng.normal(size=4000) * 2
    # Labels drawn from a known curve: true P(yes) = sigmoid(0.5 * logit - 1).
    labels = rng.random(4000) < 1 / (1 + np.exp(-(0.5 * logits - 1)))

    platt = platt_fit(logits, labels)

    assert platt.slope == pytest.approx(0.5, abs=0.1)
    assert platt.intercept == pytest.approx(-1.0, abs=0.15)
    probabilities = platt.probabilities(np.sort(logits))
    assert np.all(np.diff(probabilities) >= 0)
    assert platt_from(platt.as_array()) == platt


def test_calibration_needs_both_classes() -> None:
    with pytest.raises(ValueError, match="both"):
        platt_fit(np.array([0.1, 0.2]), np.array([True, True]))
