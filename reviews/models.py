from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

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
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-priority", "created_at"]
        indexes = [
            models.Index(fields=["status", "-priority", "created_at"], name="review_queue_order"),
            # "Take next": the unassigned pending claims, best first.
            models.Index(
                fields=["-priority", "created_at"],
                condition=Q(status=workflow.PENDING, assigned_to__isnull=True),
                name="review_take_next",
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
