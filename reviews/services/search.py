"""Keeping the search entries of published fact-checks: written on publish and correction."""

from __future__ import annotations

from django.contrib.postgres.search import SearchVector
from django.db import connection
from django.db.models import Value

from claims.models import Claim
from reviews.models import FactCheckSearch, ReviewItem

MAX_DOCUMENT_CHARS = 100_000


def fact_check_search_update(*, item_id: int) -> FactCheckSearch:
    """Index every wording of the item's claim seen so far (its cluster's claims)."""
    item = ReviewItem.objects.select_related("claim").get(pk=item_id)
    claim = item.claim
    if claim.cluster_id is not None:
        texts = Claim.objects.filter(cluster_id=claim.cluster_id).order_by("pk")
        wordings = list(dict.fromkeys([claim.text, *texts.values_list("text", flat=True)]))
    else:
        wordings = [claim.text]
    # A claim repeated by thousands of outlets: its first wordings are enough to find it, and
    # PostgreSQL refuses a tsvector over 1 MB (which would fail every matching batch after).
    document = "\n".join(wordings)[:MAX_DOCUMENT_CHARS]
    entry, _ = FactCheckSearch.objects.update_or_create(
        review_item=item, defaults={"document": document}
    )
    if connection.vendor == "postgresql":
        FactCheckSearch.objects.filter(pk=item.pk).update(
            vector=SearchVector(Value(document), config="english")
        )
    return entry
