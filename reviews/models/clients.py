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
    secret = models.CharField(
        max_length=100, help_text="whsec_ and the base64 key of the HMAC-SHA256 signature."
    )
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
    # The circuit breaker: failed attempts in a row, and until when sending is paused.
    consecutive_failures = models.PositiveIntegerField(default=0, editable=False)
    paused_until = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.url

    def refusal(self) -> str:
        """Why nothing may be sent to this endpoint now, or "" (pauses are not refusals)."""
        if not self.active:
            return "the endpoint was deactivated"
        if self.token is not None and not self.token.active:
            return "the API token that registered the endpoint was deactivated"
        if self.token is not None and not self.token.has_scope("read"):
            return "the API token that registered the endpoint lost its read scope"
        return ""


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
    # Set while an attempt is being sent (until its deadline has surely passed): the deliveries
    # of an endpoint in flight at once are counted on it.
    sending_until = models.DateTimeField(null=True, blank=True, editable=False)
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
