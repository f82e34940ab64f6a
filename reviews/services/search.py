"""Keeping the search entries of published fact-checks: written on publish and correction.

An entry holds what matching and the API's search find a published fact-check by: every
wording of its claim seen so far and the claim as checked it publishes (for words), and the
claim's embedding (for meaning).
"""

from __future__ import annotations

from django.contrib.postgres.search import SearchVector
from django.db import connection
from django.db.models import Value

from claims.models import Claim
from claims.services.embeddings import claims_embed_stored
from reviews.models import FactCheckSearch, ReviewItem, Verdict
from reviews.services.fact_check_grams import fact_check_grams_count

MAX_DOCUMENT_CHARS = 100_000


def fact_check_search_update(*, item_id: int, embed: bool = True) -> FactCheckSearch:
    """Index every wording of the item's claim seen so far (its cluster's claims); with
    `embed`, embed the claim first if it has no embedding."""
    item = ReviewItem.objects.select_related("claim").get(pk=item_id)
    if embed and item.claim.embedding is None and claims_embed_stored(claim_ids=[item.claim_id]):
        item.claim.refresh_from_db(fields=["embedding"])
    claim = item.claim
    texts = Claim.objects.filter(membership__cluster__members__claim=claim).order_by("pk")
    # The wording the fact-check publishes finds it too.
    published = (
        Verdict.objects.filter(review_item=item, published_at__isnull=False)
        .order_by("-version")
        .values_list("claim_reviewed", flat=True)
        .first()
    )
    wordings = list(
        dict.fromkeys(
            [claim.text, *([published] if published else []), *texts.values_list("text", flat=True)]
        )
    )
    # A claim repeated by thousands of outlets: its first wordings are enough to find it, and
    # PostgreSQL refuses a tsvector over 1 MB (which would fail every matching batch after).
    document = "\n".join(wordings)[:MAX_DOCUMENT_CHARS]
    entry, created = FactCheckSearch.objects.update_or_create(
        review_item=item, defaults={"document": document, "embedding": claim.embedding}
    )
    if created:
        # Ranked among the others by its claim's text (reviews.similar).
        fact_check_grams_count(added=[claim.text])
    if connection.vendor == "postgresql":
        FactCheckSearch.objects.filter(pk=item.pk).update(
            vector=SearchVector(Value(document), config="english")
        )
    return entry
