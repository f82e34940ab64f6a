"""The words of fact-checks stored before they were counted get counted by a migration, and
the word indexes take new rows at once: BM25 and the lexical searches work from the first
request on."""

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


@pytest.mark.django_db
def test_the_word_indexes_take_each_new_row_at_once() -> None:
    # A pending list would be read by every search until vacuum merged it.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, reloptions FROM pg_class WHERE relname = ANY(%s)",
            [["claim_search_vector", "imported_fact_check_words", "fact_check_search_vector"]],
        )
        options = dict(cursor.fetchall())
    assert len(options) == 3
    assert all("fastupdate=off" in (found or []) for found in options.values())


@pytest.mark.django_db
def test_a_texts_stemmed_words_are_asked_of_postgresql_once_per_process() -> None:
    from django.test.utils import CaptureQueriesContext

    from reviews import candidates

    candidates._lexemes_kept.clear()
    with CaptureQueriesContext(connection) as first:
        candidates._lexemes(["Prices rose.", "Exports doubled."])
    with CaptureQueriesContext(connection) as again:
        words = candidates._lexemes(["Prices rose.", "Wages fell.", "Prices rose."])
    with CaptureQueriesContext(connection) as known:
        candidates._lexemes(["Wages fell.", "Exports doubled."])

    assert words == {"Prices rose.": ["price", "rose"], "Wages fell.": ["fell", "wage"]}
    assert len(first) == len(again) == 1 and len(known) == 0
    assert "Wages fell." in again[0]["sql"] and "Prices rose." not in again[0]["sql"]
