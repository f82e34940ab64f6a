"""The webhook endpoints the publishing API notifies, and each delivery to them."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class WebhookEndpoint(models.Model):
    """A URL that is told, with a signed POST, when a fact-check is published or corrected."""

    class Event(models.TextChoices):
        PUBLISHED = "fact_check.published", "Fact-check published"
        CORRECTED = "fact_check.corrected", "Fact-check corrected"

    url = models.URLField(max_length=2000)
    secret = models.CharField(max_length=100, help_text="Key of the HMAC-SHA256 signature.")
    events = models.JSONField(default=list)
    active = models.BooleanField(default=True)
    # The API client that registered it; endpoints added in admin have none.
    token = models.ForeignKey(
        "claims.ApiToken",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="webhooks",
    )
    description = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.url


class WebhookDelivery(models.Model):
    """One event for one endpoint, kept with every attempt's outcome so it can be replayed."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed (gave up)"

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(max_length=40, choices=WebhookEndpoint.Event.choices)
    payload = models.JSONField()
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    attempts = models.PositiveIntegerField(default=0)
    response_code = models.PositiveIntegerField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    delivered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "webhook deliveries"
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="webhook_delivery_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint} ({self.status})"
