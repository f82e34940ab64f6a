"""The backfill embeds whatever has no embedding, goes on where it stopped, builds the index."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from claims.models import Claim
from reviews.models import FactCheckSearch, ImportedFactCheck
from reviews.services import embeddings as backfill
from tests.api import helpers as h
from tests.factories import ClaimFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _index_valid(name: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE c.relname = %s",
            [name],
        )
        row = cursor.fetchone()
    return bool(row and row[0])


def test_every_missing_embedding_is_filled_and_the_indexes_stand() -> None:
    ClaimFactory.create_batch(5)
    ImportedFactCheck.objects.create(claim_reviewed="Sharks swam on the highway.", source_key="a")
    h.published("Unemployment fell to 3 percent.")
    FactCheckSearch.objects.update(embedding=None)
    Claim.objects.update(embedding=None)

    call_command("embeddings_backfill", "--no-progress")

    assert not Claim.objects.filter(embedding__isnull=True).exists()
    assert not ImportedFactCheck.objects.filter(embedding__isnull=True).exists()
    assert not FactCheckSearch.objects.filter(embedding__isnull=True).exists()
    for index in (backfill.CLAIMS, backfill.IMPORTED, backfill.PUBLISHED):
        assert _index_valid(index.name)
    assert backfill.embeddings_missing() == dict.fromkeys(backfill.embeddings_missing(), 0)


def test_a_backfill_stopped_midway_goes_on_where_it_stopped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ClaimFactory.create_batch(7)
    Claim.objects.update(embedding=None)
    monkeypatch.setattr(backfill, "BATCH_SIZE", 3)
    monkeypatch.setattr(backfill, "REBUILD_FROM", 2)  # so the index is dropped, then rebuilt

    class Stopped(Exception):
        pass

    def stop(kind: str, done: int) -> None:
        raise Stopped

    with pytest.raises(Stopped):
        backfill.embeddings_backfill(progress=stop)
    assert Claim.objects.filter(embedding__isnull=True).count() == 4
    assert not _index_valid(backfill.CLAIMS.name)

    filled = backfill.embeddings_backfill()

    assert filled["claims"] == 4
    assert not Claim.objects.filter(embedding__isnull=True).exists()
    assert _index_valid(backfill.CLAIMS.name)


def test_without_the_model_the_backfill_says_so(settings) -> None:  # type: ignore[no-untyped-def]
    settings.FACTCHECK_MATCH_SEMANTIC = "off"
    with pytest.raises(CommandError, match="embedding model is not available"):
        call_command("embeddings_backfill", "--no-progress")
