"""Rejections as not check-worthy, made in the admin, reach the model's retraining."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse

from claims import scorers
from reviews.selectors import reviewer_decisions
from reviews.services.queue import demo_accounts_ensure
from tests.claims.checkworthiness_data import labelled_tsv
from tests.factories import ClaimFactory, ReviewItemFactory


@pytest.mark.django_db
def test_a_claim_rejected_as_not_check_worthy_in_the_admin_is_a_negative_example(
    tmp_path: Path,
) -> None:
    demo_accounts_ensure(password="pw")
    reviewer = Client()
    assert reviewer.login(username="reviewer", password="pw")
    greeting = ReviewItemFactory(claim=ClaimFactory(text="Good evening and welcome, everyone."))
    opinion = ReviewItemFactory(claim=ClaimFactory(text="This is the best city on earth."))
    queue = reverse("admin:reviews_reviewitem_changelist")
    for item, reason in ((greeting, "not_checkworthy"), (opinion, "opinion")):
        reviewer.post(
            queue,
            {
                "action": "reject_selected",
                "_selected_action": [item.pk],
                "apply": "1",
                "reason": reason,
                "note": "",
            },
        )

    # An opinion says nothing about check-worthiness; only the greeting is a decision.
    assert reviewer_decisions() == [("Good evening and welcome, everyone.", False)]

    out = StringIO()
    with override_settings(FACTCHECK_MODEL_DIR=tmp_path / "models"):
        call_command(
            "train_checkworthiness",
            "--train", str(labelled_tsv(tmp_path / "train.tsv", 30)),
            "--dev", str(labelled_tsv(tmp_path / "dev.tsv", 6)),
            "--folds", "0",
            "--with-reviews",
            stdout=out,
        )  # fmt: skip
        version = json.loads(out.getvalue().splitlines()[1])["version"]
        metadata = json.loads(scorers.candidate_path(version).with_suffix(".json").read_text())

    assert "adding 1 reviewer decisions" in out.getvalue()
    assert metadata["training_data"]["reviewer_decisions"] == 1
