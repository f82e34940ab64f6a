"""The desk's own conversation: notes on a claim, and the notifications users get.

Internal by construction: nothing that publishes (reviews.selectors' published fact-checks,
the API, ClaimReview, feeds, webhooks, public pages) reads these tables.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from reviews.models.queue import ReviewItem


class Note(models.Model):
    """A message in a claim's thread, for reviewers and editors only."""

    review_item = models.ForeignKey(ReviewItem, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    # The desk users the note names as @username; each got a notification.
    mentioned = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["review_item", "created_at", "pk"]
        indexes = [models.Index(fields=["review_item", "created_at"], name="note_thread")]

    def __str__(self) -> str:
        return f"{self.author} on claim {self.review_item_id}: {self.text[:60]}"


class Notification(models.Model):
    """Something on the desk a user should know about, read in the desk and sent by email."""

    class Kind(models.TextChoices):
        ASSIGNED = "assigned", "Assigned to you"
        SENT_BACK = "sent_back", "Sent back to you"
        APPROVED = "approved", "Approved and published"
        CORRECTION = "correction", "Correction"
        MENTION = "mention", "Mentioned in a note"

    class Email(models.TextChoices):
        PENDING = "pending", "To send"
        SENT = "sent", "Sent"
        # The user turned email off, or has no address.
        SKIPPED = "skipped", "Not sent"
        FAILED = "failed", "Failed"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="desk_notifications"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    review_item = models.ForeignKey(
        ReviewItem, on_delete=models.CASCADE, related_name="notifications"
    )
    # Who did it; None for the desk itself.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    message = models.CharField(max_length=500)
    note = models.ForeignKey(
        Note, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    email = models.CharField(max_length=10, choices=Email.choices, default=Email.PENDING)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            # A user's list, newest first, and their unread count (start page, claim page).
            models.Index(fields=["user", "-created_at", "-id"], name="notification_list"),
            models.Index(
                fields=["user", "review_item"],
                condition=Q(read_at__isnull=True),
                name="notification_unread",
            ),
            # The sweep for emails whose task was lost (broker down).
            models.Index(
                fields=["created_at"], condition=Q(email="pending"), name="notification_to_email"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.message}"


class NotificationSettings(models.Model):
    """A user's choices about notifications; a user without a row gets the defaults."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="notification_settings",
    )
    email = models.BooleanField(
        "email me", default=True, help_text="Also send each notification to my email address."
    )

    class Meta:
        verbose_name_plural = "notification settings"

    def __str__(self) -> str:
        return f"{self.user}: email {'on' if self.email else 'off'}"
