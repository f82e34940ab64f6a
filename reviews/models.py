from __future__ import annotations

from django.db import models

from claims.models import Claim


class ReviewItem(models.Model):
    """A claim's place in the review queue."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"

    claim = models.OneToOneField(Claim, on_delete=models.CASCADE, related_name="review")
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    priority = models.FloatField(default=0.0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-priority", "created_at"]
        indexes = [
            models.Index(fields=["status", "-priority", "created_at"], name="review_queue_order"),
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()}: {self.claim}"
