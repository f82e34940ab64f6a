"""Fill missing embeddings of stored claims and fact-checks, and build their indexes.

Stored claims lose nothing when the embedding model is switched on late, or when a database
from before pgvector is migrated (its old float32 bytes are not carried over): this embeds
every claim, imported fact-check and published fact-check's search entry that has none, in
batches each committed on its own, so a run stopped anywhere goes on where it stopped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db import connection, transaction

from claims.models import Claim
from claims.pipeline.matching.normalise import fact_check_embedding_text
from claims.services.embeddings import (
    claims_embed_stored,
    semantic_enabled,
    texts_embed,
    vector_store,
)
from reviews.models import FactCheckSearch, ImportedFactCheck

BATCH_SIZE = 256
# With more than this many rows to fill, the HNSW index is dropped first and built once at
# the end: inserting a million vectors one by one into the graph costs several times more.
REBUILD_FROM = 20_000


@dataclass(frozen=True)
class VectorIndex:
    name: str
    table: str

    def create_sql(self, *, concurrently: bool) -> str:
        how = "CONCURRENTLY " if concurrently else ""
        return (
            f"CREATE INDEX {how}IF NOT EXISTS {self.name} ON {self.table} "
            "USING hnsw (embedding halfvec_cosine_ops)"
        )


# As created by migrations claims 0015 and reviews 0019.
CLAIMS = VectorIndex("claim_embedding", "claims_claim")
IMPORTED = VectorIndex("imported_fact_check_embedding", "reviews_importedfactcheck")
PUBLISHED = VectorIndex("fact_check_search_embedding", "reviews_factchecksearch")


class BackfillError(Exception):
    """The model is not there: nothing can be embedded."""


def embeddings_missing() -> dict[str, int]:
    """How many rows of each kind have no embedding yet."""
    return {
        "claims": Claim.objects.filter(embedding__isnull=True).count(),
        "imported fact-checks": ImportedFactCheck.objects.filter(embedding__isnull=True).count(),
        "published fact-checks": FactCheckSearch.objects.filter(embedding__isnull=True).count(),
    }


def embeddings_backfill(
    *, progress: Callable[[str, int], None] = lambda kind, done: None
) -> dict[str, int]:
    """Embed every row without an embedding and make sure the HNSW indexes exist; returns
    how many of each kind were filled. `progress(kind, rows)` is called after each batch."""
    if not semantic_enabled():
        raise BackfillError(
            "the embedding model is not available (FACTCHECK_MATCH_SEMANTIC=off, or the "
            "'semantic' extra is not installed): nothing to embed with"
        )
    missing = embeddings_missing()
    filled = {kind: 0 for kind in missing}
    for kind, index, fill in (
        ("claims", CLAIMS, _claims_fill),
        ("imported fact-checks", IMPORTED, _imported_fill),
        ("published fact-checks", PUBLISHED, _published_fill),
    ):
        if missing[kind] > REBUILD_FROM:
            _index_drop(index)
        after = 0
        # In key order from the last row done: a row the model gives no vector (a text of
        # no words) is passed, not asked again forever.
        while (done := fill(after)) is not None:
            after, count = done
            filled[kind] += count
            progress(kind, count)
        _index_build(index)
    return filled


def _claims_fill(after: int) -> tuple[int, int] | None:
    ids = list(
        Claim.objects.filter(embedding__isnull=True, pk__gt=after)
        .order_by("pk")
        .values_list("pk", flat=True)[:BATCH_SIZE]
    )
    if not ids:
        return None
    with transaction.atomic():
        embedded = claims_embed_stored(claim_ids=ids)
    return ids[-1], embedded


def _imported_fill(after: int) -> tuple[int, int] | None:
    facts = list(
        ImportedFactCheck.objects.filter(embedding__isnull=True, pk__gt=after).order_by("pk")[
            :BATCH_SIZE
        ]
    )
    if not facts:
        return None
    vectors = texts_embed(
        [fact_check_embedding_text(fact.claim_reviewed, fact.headline) for fact in facts]
    )
    assert vectors is not None  # semantic_enabled() was checked
    for fact, vector in zip(facts, vectors, strict=True):
        fact.embedding = vector_store(vector)
    with transaction.atomic():
        ImportedFactCheck.objects.bulk_update(facts, ["embedding"])
    return facts[-1].pk, sum(fact.embedding is not None for fact in facts)


def _published_fill(after: int) -> tuple[int, int] | None:
    entries = list(
        FactCheckSearch.objects.filter(embedding__isnull=True, pk__gt=after)
        .select_related("review_item")
        .order_by("pk")[:BATCH_SIZE]
    )
    if not entries:
        return None
    claim_ids = [entry.review_item.claim_id for entry in entries]
    with transaction.atomic():
        claims_embed_stored(claim_ids=claim_ids)
        vectors = dict(Claim.objects.filter(pk__in=claim_ids).values_list("pk", "embedding"))
        for entry in entries:
            entry.embedding = vectors.get(entry.review_item.claim_id)
        FactCheckSearch.objects.bulk_update(entries, ["embedding"])
    return entries[-1].pk, sum(entry.embedding is not None for entry in entries)


def _index_drop(index: VectorIndex) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"DROP INDEX IF EXISTS {index.name}")


def _index_build(index: VectorIndex) -> None:
    # Built without blocking writes: ingestion goes on meanwhile. A concurrent build that
    # was stopped leaves an invalid index under the name: it is built again.
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT i.indisvalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE c.relname = %s",
            [index.name],
        )
        row = cursor.fetchone()
        if row is not None and not row[0]:
            cursor.execute(f"DROP INDEX IF EXISTS {index.name}")
        cursor.execute(index.create_sql(concurrently=not connection.in_atomic_block))
