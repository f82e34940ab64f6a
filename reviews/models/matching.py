"""Clusters of repeated claims, what matching suggests, and fact-checks imported from elsewhere.

A claim's place in a cluster is held here, keyed by the claim, so intake (`claims`) knows
nothing of clusters: extraction stores claims and sends `claims.signals.claims_stored`, and
the desk gives each a cluster and a queue entry and sends it to matching (a copy of words
matching placed lately joins their cluster instead: `RankedText`).
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from pgvector.django import HalfVectorField
from simple_history.models import HistoricalRecords

from claims.models import Claim, text_digest
from claims.pipeline.embeddings import DIMENSIONS


class Cluster(models.Model):
    """One claim however often it is made: its canonical wording and all its appearances."""

    canonical = models.OneToOneField(Claim, on_delete=models.CASCADE, related_name="canonical_of")
    # Kept with the cluster so the queue can sort and show spread without counting rows.
    appearance_count = models.PositiveIntegerField(default=1)
    first_seen_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(appearance_count__gte=1), name="cluster_has_an_appearance"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.canonical} (×{self.appearance_count})"


class ClusterMember(models.Model):
    """A claim's place: the cluster it is an appearance of, and whether matching placed it."""

    claim = models.OneToOneField(
        Claim, on_delete=models.CASCADE, primary_key=True, related_name="membership"
    )
    cluster = models.ForeignKey(
        Cluster, on_delete=models.CASCADE, related_name="members", db_index=False
    )
    # Set once matching has placed the claim; matching never moves a claim twice, so a
    # reviewer's split or merge stays as they left it.
    matched_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            # A cluster's appearances, newest extracted first, however widely it spread.
            models.Index(fields=["cluster", "-claim"], name="member_cluster_recent"),
            # The sweep for claims whose matching message was lost.
            models.Index(
                fields=["created_at"],
                condition=Q(matched_at__isnull=True),
                name="member_unmatched",
            ),
        ]

    def __str__(self) -> str:
        return f"claim {self.claim_id} in cluster {self.cluster_id}"


class RankedText(models.Model):
    """Words matching placed lately: the cluster and claim it placed them with, and when it
    ranked the fact-checks for them. A claim stored later with the same words joins that
    cluster as it is stored while this is recent (reviews.services.copies).

    Kept FACTCHECK_MATCH_COPY_SECONDS. Cluster and claim are plain ids, checked under the
    cluster's lock when they are used, so that a merge or a deletion never waits on these
    rows or cascades into them.
    """

    # blake2b of the text, 16 bytes (a UUID column holds it in 16 bytes on PostgreSQL).
    digest = models.UUIDField(primary_key=True)
    cluster_id = models.BigIntegerField()
    claim_id = models.BigIntegerField()
    ranked_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.digest}: cluster {self.cluster_id}"

    @staticmethod
    def digest_of(text: str) -> uuid.UUID:
        return text_digest(text)


class ClusterEvent(models.Model):
    """A change to a cluster's membership: automatic joins and reviewers' merges and splits."""

    class Kind(models.TextChoices):
        JOIN = "join", "Matched into the cluster"
        MERGE = "merge", "Clusters merged"
        SPLIT = "split", "Claims split out"

    kind = models.CharField(max_length=10, choices=Kind.choices)
    cluster = models.ForeignKey(
        Cluster, null=True, on_delete=models.SET_NULL, related_name="events"
    )
    claim_ids = models.JSONField(default=list)
    other_cluster_ids = models.JSONField(default=list)
    score = models.FloatField(null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: claims {self.claim_ids}"


class ClusterSuggestion(models.Model):
    """Two clusters a reviewer should look at together: maybe one claim, maybe contradictory."""

    class Kind(models.TextChoices):
        DUPLICATE = "duplicate", "Possibly the same claim"
        CONTRADICTION = "contradiction", "Possibly contradictory"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        MERGED = "merged", "Merged"
        DISMISSED = "dismissed", "Dismissed"

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="suggestions")
    other = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=15, choices=Kind.choices)
    score = models.FloatField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-score"]
        constraints = [
            models.UniqueConstraint(fields=["cluster", "other"], name="cluster_suggestion_once"),
            models.CheckConstraint(
                condition=~Q(cluster=F("other")), name="cluster_suggestion_two_clusters"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.score:.2f})"


class ImportedFactCheck(models.Model):
    """A fact-check published elsewhere, imported from its ClaimReview markup."""

    claim_reviewed = models.TextField()
    headline = models.CharField(max_length=1000, blank=True)
    rating = models.CharField(max_length=200, blank=True, help_text="reviewRating.alternateName")
    url = models.URLField(max_length=2000, blank=True)
    publisher = models.CharField(max_length=300, blank=True)
    claimant = models.CharField(max_length=300, blank=True)
    date_published = models.DateField(null=True, blank=True)
    # Identity of the record across re-imports: its URL and claim, hashed.
    source_key = models.CharField(max_length=64, unique=True)
    # Of `fact_check_embedding_text`; null without the model. On PostgreSQL the table also
    # has `search_vector`, the words of claim and headline, generated by the database (see
    # migration reviews 0019); both are indexed there.
    embedding = HalfVectorField(dimensions=DIMENSIONS, null=True, blank=True, editable=False)
    imported_from = models.CharField(max_length=2000, blank=True)
    imported_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-date_published", "pk"]
        verbose_name = "imported fact-check"

    def __str__(self) -> str:
        return f"{self.publisher or 'external'}: {self.claim_reviewed[:100]}"

    @property
    def match_text(self) -> str:
        return f"{self.claim_reviewed} {self.headline}".strip()


class FactCheckGram(models.Model):
    """How many fact-checks' texts (imported and published) hold a hashed character n-gram
    or word.

    The ranking of fact-checks weighs shared rare n-grams above common ones, and chooses its
    lexical candidates by BM25 over words; this is where their rarity is counted, once per
    text as it is stored (`reviews.services.fact_check_grams`): character n-grams under
    their hash, words and word pairs after them (from 2**20); `feature` -1 counts the texts
    and -2 their length in words.
    """

    feature = models.IntegerField(primary_key=True)
    texts = models.IntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.feature}: {self.texts}"


class FactCheckSuggestion(models.Model):
    """A fact-check, published here or imported, that may already answer a cluster's claim.

    A rejected pair is kept so it is never suggested again.
    """

    class Status(models.TextChoices):
        SUGGESTED = "suggested", "Suggested"
        CONFIRMED = "confirmed", "Confirmed"
        REJECTED = "rejected", "Rejected"

    class Conflict(models.TextChoices):
        """What the guards saw that may set the claim apart from the one fact-checked."""

        NONE = "", "None"
        NUMBERS = "numbers", "States other figures"
        POLARITY = "polarity", "May contradict it"

    cluster = models.ForeignKey(
        Cluster, on_delete=models.CASCADE, related_name="fact_check_suggestions"
    )
    fact_check = models.ForeignKey(
        ImportedFactCheck,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="suggestions",
    )
    review_item = models.ForeignKey(
        "reviews.ReviewItem",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="suggested_for",
    )
    score = models.FloatField()
    # A flagged match is still suggested: a post that denies, or misquotes the figures of, a
    # checked claim is usually answered by that check (of the 999 CheckThat! 2020 tweet /
    # fact-check pairs, 307 were flagged), and the reviewer sees why it may not be.
    conflict = models.CharField(
        max_length=10, choices=Conflict.choices, default=Conflict.NONE, blank=True
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUGGESTED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "fact-check suggestion"
        ordering = ["-score"]
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "fact_check"],
                condition=Q(fact_check__isnull=False),
                name="fact_check_suggested_once",
            ),
            models.UniqueConstraint(
                fields=["cluster", "review_item"],
                condition=Q(review_item__isnull=False),
                name="review_suggested_once",
            ),
            models.CheckConstraint(
                condition=Q(fact_check__isnull=True) ^ Q(review_item__isnull=True),
                name="suggestion_names_one_fact_check",
            ),
        ]

    def __str__(self) -> str:
        target = self.fact_check or self.review_item
        return f"{self.get_status_display()}: {target} ({self.score:.2f})"
