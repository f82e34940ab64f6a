"""A review item's verdicts (one version each) and the evidence sources they cite."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from reviews.models.queue import ReviewItem


class Verdict(models.Model):
    """One version of a review item's rating; corrections add a version, never overwrite one."""

    class Rating(models.TextChoices):
        TRUE = "true", "True"
        MOSTLY_TRUE = "mostly_true", "Mostly true"
        HALF_TRUE = "half_true", "Half true"
        MOSTLY_FALSE = "mostly_false", "Mostly false"
        FALSE = "false", "False"
        MISLEADING = "misleading", "Misleading"
        UNPROVEN = "unproven", "Unproven"

    review_item = models.ForeignKey(ReviewItem, on_delete=models.CASCADE, related_name="verdicts")
    version = models.PositiveIntegerField()
    # Blank while the reviewer drafts; the publishing gate refuses a verdict without one.
    rating = models.CharField(max_length=20, choices=Rating.choices, blank=True)
    explanation = models.CharField(max_length=300, blank=True)
    summary = models.TextField(blank=True)
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
        ]

    def __str__(self) -> str:
        return f"v{self.version} {self.get_rating_display() or 'unrated'}: {self.review_item.claim}"

    @property
    def rating_value(self) -> int | None:
        """The ClaimReview `ratingValue` on the 1 (worst) to 5 (best) scale, if it has one."""
        return RATING_VALUES.get(self.rating)


# ClaimReview's numeric scale, defined once. Misleading sits with mostly false (2), not false
# (1): the facts are usually right and the framing wrong. Unproven has no place on a truth scale,
# so it is left out and published with its name (`alternateName`) only.
RATING_BEST = 5
RATING_WORST = 1
RATING_VALUES: dict[str, int | None] = {
    Verdict.Rating.TRUE: 5,
    Verdict.Rating.MOSTLY_TRUE: 4,
    Verdict.Rating.HALF_TRUE: 3,
    Verdict.Rating.MOSTLY_FALSE: 2,
    Verdict.Rating.FALSE: 1,
    Verdict.Rating.MISLEADING: 2,
    Verdict.Rating.UNPROVEN: None,
}


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
