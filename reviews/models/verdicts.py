"""A review item's verdicts (one version each) and the evidence sources they cite."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from reviews.models.queue import ReviewItem


class ClaimantKind(models.TextChoices):
    """Who made the claim, as the fact-check publishes it; "unattributed" names nobody."""

    PERSON = "person", "Person"
    ORGANIZATION = "organization", "Organization"
    UNATTRIBUTED = "unattributed", "Unattributed"


class Verdict(models.Model):
    """One version of a review item's rating; corrections add a version, never overwrite one."""

    review_item = models.ForeignKey(ReviewItem, on_delete=models.CASCADE, related_name="verdicts")
    version = models.PositiveIntegerField()
    # The key of a rating of the current scale (reviews.models.ratings); blank while the
    # reviewer drafts, and the publishing gate refuses a verdict without one.
    rating = models.CharField(max_length=20, blank=True)
    # The rating as published (name, ClaimReview value and range), copied from the scale when
    # the verdict is saved and fixed at publication: a later change of the scale leaves a
    # published fact-check as it was (reviews.ratings.rating_snapshot).
    rating_name = models.CharField(max_length=60, blank=True)
    rating_value = models.IntegerField(null=True, blank=True)
    rating_best = models.IntegerField(null=True, blank=True)
    rating_worst = models.IntegerField(null=True, blank=True)
    explanation = models.CharField(max_length=300, blank=True)
    summary = models.TextField(blank=True)
    # The claim as it is published (ClaimReview claimReviewed): a standalone wording, prefilled
    # from the pipeline's proposal (Claim.standalone, else the sentence) and edited by the
    # reviewer, and who made it. Never the outlet: a claim nobody is named for is unattributed.
    claim_reviewed = models.TextField(blank=True)
    claimant = models.CharField(max_length=300, blank=True)
    claimant_kind = models.CharField(
        max_length=20, choices=ClaimantKind.choices, default=ClaimantKind.UNATTRIBUTED
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="verdicts_written"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="verdicts_approved",
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    # Why an editor sent the draft back to the reviewer.
    editor_note = models.TextField(blank=True)
    correction_note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["review_item", "-version"]
        indexes = [
            # The publishing API lists the latest published versions, newest first.
            models.Index(
                fields=["-published_at", "-id"],
                condition=Q(published_at__isnull=False),
                name="verdict_published_order",
            ),
        ]
        permissions = [("approve_verdict", "Can approve, send back and correct verdicts")]
        constraints = [
            models.UniqueConstraint(
                fields=["review_item", "version"], name="verdict_version_unique"
            ),
            # At most one draft per claim: the one the reviewer is working on.
            models.UniqueConstraint(
                fields=["review_item"],
                condition=Q(published_at__isnull=True),
                name="verdict_one_draft",
            ),
            # Four eyes: nobody approves their own verdict.
            models.CheckConstraint(
                condition=Q(approved_by__isnull=True) | ~Q(approved_by=F("author")),
                name="verdict_four_eyes",
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="verdict_version_positive"),
            # A named claimant has a kind; an unattributed claim names nobody.
            models.CheckConstraint(
                condition=Q(claimant_kind=ClaimantKind.UNATTRIBUTED, claimant="")
                | (
                    Q(claimant_kind__in=[ClaimantKind.PERSON, ClaimantKind.ORGANIZATION])
                    & ~Q(claimant="")
                ),
                name="verdict_claimant_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"v{self.version} {self.get_rating_display() or 'unrated'}: {self.review_item.claim}"

    def get_rating_display(self) -> str:
        """The rating's name as it was copied from the scale, or its key."""
        return self.rating_name or self.rating


class EvidenceSource(models.Model):
    """A source a verdict rests on, with the text archived as it read when it was checked."""

    class Stance(models.TextChoices):
        SUPPORTS = "supports", "Supports the claim"
        REFUTES = "refutes", "Refutes the claim"
        CONTEXT = "context", "Gives context"

    verdict = models.ForeignKey(Verdict, on_delete=models.CASCADE, related_name="sources")
    url = models.URLField(max_length=2000)
    title = models.CharField(max_length=500, blank=True)
    publisher = models.CharField(max_length=200, blank=True)
    date = models.DateField(null=True, blank=True)
    stance = models.CharField(max_length=10, choices=Stance.choices)
    quote = models.TextField(blank=True)
    archived_text = models.TextField(blank=True)
    archived_hash = models.CharField(max_length=64, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    fetch_error = models.TextField(blank=True)
    # Every archiving attempt counts, so the re-archive sweep gives up on a dead page.
    archive_attempts = models.PositiveIntegerField(default=0)
    archive_tried_at = models.DateTimeField(null=True, blank=True)
    # When it was cited: a source whose task never ran (broker down) is swept after a while.
    created_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["verdict", "pk"]
        indexes = [
            # The re-archive sweep: sources still without an archived copy.
            models.Index(
                fields=["archive_tried_at"],
                condition=Q(archived_hash=""),
                name="evidence_unarchived",
            ),
        ]

    def __str__(self) -> str:
        return self.title or self.url


# The API's models live in their own module; imported here so Django registers them.
