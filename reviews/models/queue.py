"""The review queue: one entry per cluster's canonical claim."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
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
    # Set by an editor (review_due_set); an open claim past it shows as overdue.
    due_on = models.DateField("due", null=True, blank=True)
    # The claim's last appearance (its cluster's), copied here so the periodic ageing of the
    # recency bonus finds the open claims still inside the window through one index.
    last_seen_at = models.DateTimeField(null=True, blank=True)
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
        excluded_fields=["speaker", "claim_type", "score", "publisher", "feed", "last_seen_at"]
    )

    class Meta:
        # A newsroom's words: the list is the review queue, each entry a claim on it (the
        # queue's count, page title and "select all" say "claims", reviews.admin.review_items).
        verbose_name = "claim"
        verbose_name_plural = "review queue"
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
            # The ageing of recency bonuses (reviews.priority): open claims seen recently.
            models.Index(
                fields=["last_seen_at"],
                condition=Q(status__in=workflow.OPEN),
                name="review_open_last_seen",
            ),
            # Due dates: what is due or overdue among the open claims (start page, filter).
            models.Index(
                fields=["due_on"], condition=Q(status__in=workflow.OPEN), name="review_open_due"
            ),
            # Queue size by check-worthiness band (start page): counted from the index alone.
            models.Index(
                fields=["score"], condition=Q(status__in=workflow.OPEN), name="review_open_score"
            ),
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
