"""Retraining writes a candidate; only an explicit promote changes what scores claims."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from claims import scorers, services
from claims.models import Article
from claims.pipeline.checkworthiness.linear import DEFAULT_MODEL_PATH, read_model
from tests.claims.checkworthiness_data import labelled_tsv


def _run(*args: str) -> str:
    out = StringIO()
    call_command("train_checkworthiness", *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_a_retrained_model_scores_claims_only_after_it_is_promoted(tmp_path: Path) -> None:
    train, dev = labelled_tsv(tmp_path / "train.tsv", 30), labelled_tsv(tmp_path / "dev.tsv", 6)
    shipped = read_model(DEFAULT_MODEL_PATH).version
    with override_settings(FACTCHECK_MODEL_DIR=tmp_path / "models"):
        output = _run("--train", str(train), "--dev", str(dev), "--folds", "0")
        version = json.loads(output.splitlines()[0])["version"]

        assert version != shipped
        assert scorers.scorer_get().version == shipped

        _run("--promote", version)
        assert scorers.scorer_get().version == version
        received = services.article_receive(
            raw=b"Budget\n\nThe city spent 40 million dollars on roads in 2024, officials said.",
            fmt="text",
            source=Article.Source.PUSH,
        )
        article = services.article_extract(article_id=received.article.pk)
        assert {c.model_version for c in article.claims.all()} == {version}

        _run("--reset")
        assert scorers.scorer_get().version == shipped


@pytest.mark.django_db
def test_promoting_an_unknown_version_is_refused(tmp_path: Path) -> None:
    with override_settings(FACTCHECK_MODEL_DIR=tmp_path), pytest.raises(CommandError):
        _run("--promote", "cw-linear-000000000000")


def test_training_on_a_file_with_wrong_columns_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text("id\ttext\n1\thello\n")
    with pytest.raises(CommandError, match="class_label"):
        _run("--train", str(bad), "--dev", str(bad), "--folds", "0")


@pytest.mark.django_db
def test_reviewer_decisions_are_added_as_training_examples(tmp_path: Path) -> None:
    from reviews import workflow
    from reviews.models import ReviewItem
    from tests.factories import ClaimFactory, ReviewItemFactory

    ReviewItemFactory(
        claim=ClaimFactory(text="Thanks for coming tonight, everyone."),
        status=workflow.REJECTED,
        rejection_reason=ReviewItem.RejectionReason.NOT_CHECKWORTHY,
    )
    ReviewItemFactory(status=workflow.PUBLISHED)
    ReviewItemFactory(status=workflow.REJECTED, rejection_reason="opinion")
    ReviewItemFactory()  # still pending: not a decision
    train, dev = labelled_tsv(tmp_path / "train.tsv", 30), labelled_tsv(tmp_path / "dev.tsv", 6)

    with override_settings(FACTCHECK_MODEL_DIR=tmp_path / "models"):
        output = _run("--train", str(train), "--dev", str(dev), "--folds", "0", "--with-reviews")
        version = json.loads(output.splitlines()[1])["version"]
        metadata = json.loads(scorers.candidate_path(version).with_suffix(".json").read_text())

    assert "adding 2 reviewer decisions" in output
    assert metadata["training_data"]["reviewer_decisions"] == 2
    assert metadata["training_data"]["n"] == 60 + 2
