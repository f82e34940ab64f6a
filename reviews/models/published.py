"""What publishing derives from a published fact-check: its search entry and its API record."""

from __future__ import annotations

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from pgvector.django import HalfVectorField

from claims.pipeline.embeddings import DIMENSIONS


class FactCheckSearch(models.Model):
    """The words of a published fact-check (every wording of its claim), for full-text search.

    Written when a fact-check is published or corrected, so search ranks the published
    fact-checks only instead of every claim ever extracted. Matching and search find their
    candidates among published fact-checks here: by these words and by the embedding of the
    claim as checked (its queue entry's claim).
    """

    review_item = models.OneToOneField(
        "reviews.ReviewItem", on_delete=models.CASCADE, primary_key=True, related_name="search"
    )
    document = models.TextField()
    # PostgreSQL only (GIN-indexed by migration); the embedded SQLite default searches words.
    vector = SearchVectorField(null=True)
    # The claim's embedding, copied when the entry is written; HNSW-indexed on PostgreSQL.
    embedding = HalfVectorField(dimensions=DIMENSIONS, null=True, blank=True, editable=False)

    class Meta:
        verbose_name_plural = "fact-check search entries"

    def __str__(self) -> str:
        return self.document[:80]


class FactCheckRecord(models.Model):
    """A published fact-check's API record, rendered when it changes, so pages are read, not built.

    Written on publication and correction and when a claim joins or leaves the fact-check's
    cluster (reviews/services/records.py). The API serves it only for the version it was
    rendered from (`verdict`) and with the current `layout`; anything else is rendered afresh.
    """

    review_item = models.OneToOneField(
        "reviews.ReviewItem", on_delete=models.CASCADE, primary_key=True, related_name="api_record"
    )
    verdict = models.ForeignKey("reviews.Verdict", on_delete=models.CASCADE, related_name="+")
    # The record's JSON, with the byte \x01 where the API's absolute address goes: that
    # depends on the request's host, and JSON text never holds a raw control character.
    record = models.TextField()
    # The record format and time zone it was written in (reviews.records.layout()).
    layout = models.CharField(max_length=100)
    rendered_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"API record of fact-check {self.review_item_id}"
