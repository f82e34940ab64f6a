from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.models import HistoricalRecords

from claims.models import Claim
from reviews import workflow


class ReviewItem(models.Model):
    """A claim's place in the review queue."""

    class Status(models.TextChoices):
        PENDING = workflow.PENDING, "Pending"
        IN_REVIEW = workflow.IN_REVIEW, "In review"
        AWAITING_APPROVAL = workflow.AWAITING_APPROVAL, "Awaiting approval"
        PUBLISHED = workflow.PUBLISHED, "Published"
        REJECTED = workflow.REJECTED, "Rejected"
        CORRECTED = workflow.CORRECTED, "Corrected"

    class RejectionReason(models.TextChoices):
        NOT_CHECKWORTHY = "not_checkworthy", "Not check-worthy"
        DUPLICATE = "duplicate", "Duplicate"
        OUT_OF_SCOPE = "out_of_scope", "Out of scope"
        OPINION = "opinion", "Opinion"

    claim = models.OneToOneField(Claim, on_delete=models.CASCADE, related_name="review")
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    priority = models.FloatField(default=0.0)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="review_items",
    )
    assigned_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.CharField(max_length=20, choices=RejectionReason.choices, blank=True)
    rejection_note = models.TextField(blank=True)
    # The queue's filters, copied from the canonical claim when the item is queued (they never
    # change after extraction): each filter is then one index range in queue order instead of a
    # join that walks the queue until it finds a page of matches (bench/review_queue.py).
    speaker = models.CharField(max_length=300, blank=True)
    claim_type = models.CharField(max_length=20, choices=Claim.Type.choices, blank=True)
    score = models.FloatField(default=0.0)
    # Indexed below together with the queue order.
    publisher = models.ForeignKey(
        "claims.Publisher",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    feed = models.ForeignKey(
        "claims.Feed",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Workflow moves are conditional UPDATEs, which send no signals: `services._move` writes
    # their history rows itself. The copied claim attributes are the claim's history, not this.
    history = HistoricalRecords(
        excluded_fields=["speaker", "claim_type", "score", "publisher", "feed"]
    )

    class Meta:
        # Ends in the primary key, so the admin adds no tie-breaker of its own and every index
        # below serves the queue's ORDER BY as it is, with no sort step.
        ordering = ["-priority", "id"]
        indexes = [
            # The queue filtered by status (the default view is "pending").
            models.Index(fields=["status", "-priority", "id"], name="review_queue_order"),
            # The whole queue, any status, and filters on joined tables walked in queue order.
            models.Index(fields=["-priority", "id"], name="review_queue_all"),
            # The list's default view, the work still to do: walked in queue order without
            # stepping over the closed claims, which gather at the top as the desk works.
            models.Index(
                fields=["-priority", "id"],
                condition=Q(status__in=workflow.OPEN),
                name="review_open_order",
            ),
            # "Take next": the unassigned pending claims, best first.
            models.Index(
                fields=["-priority", "id"],
                condition=Q(status=workflow.PENDING, assigned_to__isnull=True),
                name="review_take_next",
            ),
            # "Assigned to me", in queue order.
            models.Index(fields=["assigned_to", "-priority", "id"], name="review_assigned_order"),
            # The filters on the claim's attributes, each in queue order.
            models.Index(fields=["speaker", "-priority", "id"], name="review_speaker_order"),
            models.Index(fields=["claim_type", "-priority", "id"], name="review_type_order"),
            models.Index(fields=["publisher", "-priority", "id"], name="review_publisher_order"),
            models.Index(fields=["feed", "-priority", "id"], name="review_feed_order"),
            # The rejection-reason filter, in queue order.
            models.Index(
                fields=["rejection_reason", "-priority", "id"],
                condition=Q(status=workflow.REJECTED),
                name="review_rejected_order",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=workflow.REJECTED) | ~Q(rejection_reason=""),
                name="review_rejection_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status=workflow.IN_REVIEW) | Q(assigned_to__isnull=False),
                name="review_in_review_is_held",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()}: {self.claim}"


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
from reviews.models_api import (  # noqa: E402,F401
    ApiToken,
    FactCheckRecord,
    FactCheckSearch,
    WebhookDelivery,
    WebhookEndpoint,
)
