"""A database whose fact-checks were stored before their words were counted gets them counted
by the migration, so BM25 chooses their lexical candidates from the first request on."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from claims.pipeline.matching.normalise import fingerprint
from reviews.candidates import word_rarity

BEFORE = [("reviews", "0024_notes_notifications")]
CLAIM = "Sharks were seen swimming on a flooded highway after the hurricane."


def _migrate(targets: list[tuple[str, str]] | None) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    return MigrationExecutor(connection)


@pytest.mark.django_db(transaction=True)
def test_the_words_of_fact_checks_stored_before_are_counted_once() -> None:
    executor = _migrate(BEFORE)
    try:
        old = executor.loader.project_state(BEFORE).apps
        old.get_model("reviews", "ImportedFactCheck").objects.create(
            claim_reviewed=CLAIM, headline="", rating="False", source_key="k1"
        )
        # As stored then: the text counted, its character n-grams only.
        old.get_model("reviews", "FactCheckGram").objects.create(feature=-1, texts=1)
    finally:
        _migrate(None)

    rarity = word_rarity([fingerprint(CLAIM).text])
    assert rarity.size == 1
    assert rarity.df and set(rarity.df.values()) == {1}
    assert rarity.average_length == len(rarity.df)  # every word of the claim, once

    _migrate(BEFORE)  # and back: the words forgotten, the texts' count kept
    _migrate(None)
    assert set(word_rarity([fingerprint(CLAIM).text]).df.values()) == {1}
