"""Sentence embeddings of claims, computed once when the claims are stored.

Matching, search and the import of published fact-checks embed their texts with the same
model, so every vector compared was made the same way. The model is optional: without it
(`FACTCHECK_MATCH_SEMANTIC=off`, or the `semantic` extra missing) claims carry no vector and
matching is lexical.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Sequence

import numpy as np
from django.conf import settings
from django.db import connection, transaction

from claims.models import Claim
from claims.pipeline.embeddings import EmbeddingUnavailable, embedder_get
from factcheck.db import atomic_unflushed, rows_update

logger = logging.getLogger(__name__)

_warned: set[str] = set()


def semantic_enabled() -> bool:
    """Whether matching uses embeddings: the setting allows it and the extra is installed."""
    if settings.FACTCHECK_MATCH_SEMANTIC == "off":
        return False
    try:
        embedder_get(settings.FACTCHECK_EMBEDDING_PRECISION)
    except EmbeddingUnavailable as exc:
        if str(exc) not in _warned:
            _warned.add(str(exc))
            logger.warning("claim matching is lexical only: %s", exc)
        return False
    return True


def texts_embed(texts: Sequence[str]) -> np.ndarray | None:
    """Unit-length embeddings of `texts`, one row each, or None when matching is lexical."""
    if not semantic_enabled():
        return None
    return embedder_get(settings.FACTCHECK_EMBEDDING_PRECISION).encode(list(texts))


def claims_embed(*, claims: Sequence[Claim]) -> int:
    """Set the embedding of claims not yet saved; returns how many the model encoded.

    A text already stored (the same sentence in another outlet's copy of a wire story) takes
    the stored vector instead of a pass through the model, which is most of a claim's cost.
    """
    if not claims or not semantic_enabled():
        return 0
    texts = list(dict.fromkeys(claim.text for claim in claims))
    known = _vectors_stored(texts)
    fresh = [text for text in texts if text not in known]
    if fresh:
        vectors = texts_embed(fresh)
        if vectors is not None:
            known.update(zip(fresh, (vector_store(row) for row in vectors), strict=True))
    for claim in claims:
        claim.embedding = known.get(claim.text)
    return len(fresh)


def _vectors_stored(texts: Iterable[str]) -> dict[str, object]:
    """text -> the vector of a stored claim with those words, for those of `texts` that have one."""
    return dict(
        Claim.objects.filter(text__in=list(texts), embedding__isnull=False)
        .order_by()
        .values_list("text", "embedding")
    )


def vector_store(vector: np.ndarray) -> list[float] | None:
    """A vector as stored: None for the zero vector the model gives an empty text."""
    if not np.any(vector):
        return None
    return [float(value) for value in vector]


def embedder_warm_up_start(*, always: bool = False) -> threading.Thread | None:
    """Load the embedding model in the background (web processes unless
    FACTCHECK_SEARCH_WARM_UP is off, matching workers `always`), so the first search or
    batch does not wait for it."""
    if not always and not settings.FACTCHECK_SEARCH_WARM_UP:
        return None
    thread = threading.Thread(target=_warm_up, name="embedder-warm-up", daemon=True)
    thread.start()
    return thread


def _warm_up() -> None:
    try:
        semantic_enabled()
    except Exception:  # never let a background load take the process down
        logger.exception("loading the embedding model failed")


def claims_embed_stored(*, claim_ids: Sequence[int], flushed: bool = True) -> int:
    """Embed stored claims that have no embedding yet (stored while the model was away, or
    before embeddings were kept); returns how many were embedded. `flushed=False`: the writes
    commit without waiting for the log's flush (matching, which embeds again what a crash
    loses); the model runs outside any transaction either way."""
    if not semantic_enabled():
        return 0
    writes = transaction.atomic if flushed else atomic_unflushed
    copied = 0
    if connection.vendor == "postgresql":
        with writes():
            copied = claims_vectors_copy(claim_ids=claim_ids)
    claims = list(Claim.objects.filter(pk__in=claim_ids, embedding__isnull=True).only("pk", "text"))
    for claim in claims:
        claim.embedding = None
    claims_embed(claims=claims)
    embedded = [claim for claim in claims if claim.embedding is not None]
    if embedded:
        with writes():
            rows_update(Claim, embedded, ["embedding"])
    return copied + len(embedded)


# The vector of the same text stored before (the hash index on the text finds it), copied
# inside PostgreSQL: a wire story's copies cost no pass through the model and no vector
# read into Python and written back. One stored copy a text, any one: copies differ at most
# by the arithmetic that made them, and reading them all (hundreds for a wire story) to keep
# one would cost ten times as much.
_COPY_STORED = """
UPDATE claims_claim AS c SET embedding = k.embedding
FROM (
    SELECT t.text, s.embedding
    FROM (SELECT DISTINCT text FROM claims_claim WHERE id = ANY(%s::bigint[])) AS t
    CROSS JOIN LATERAL (
        SELECT embedding FROM claims_claim
        WHERE text = t.text AND embedding IS NOT NULL
        LIMIT 1
    ) AS s
) AS k
WHERE c.id = ANY(%s::bigint[]) AND c.embedding IS NULL AND c.text = k.text
"""


def claims_vectors_copy(*, claim_ids: Sequence[int]) -> int:
    """Give stored claims without an embedding the vector of a stored claim with the same
    words, without the model; how many were given one."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(_COPY_STORED, [list(claim_ids), list(claim_ids)])
            return cursor.rowcount
    claims = list(Claim.objects.filter(pk__in=claim_ids, embedding__isnull=True).only("pk", "text"))
    known = _vectors_stored({claim.text for claim in claims})
    for claim in claims:
        claim.embedding = known.get(claim.text)
    given = [claim for claim in claims if claim.embedding is not None]
    rows_update(Claim, given, ["embedding"])
    return len(given)
