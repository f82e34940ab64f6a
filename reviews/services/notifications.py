"""Notifications: written in the transaction of what they announce, emailed after it commits.

Each notification is a row the desk shows (start page, claim page, the list); its email goes
through the `notification_emails_send` task, enqueued with `transaction.on_commit`, so no
email leaves for a change that rolled back and none is sent inside a transaction. Sending
claims the row first (a conditional UPDATE), so a duplicated or retried task sends nothing
twice; a periodic sweep sends those whose task was lost.
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser, Permission, User
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from reviews import tasks
from reviews.models import Note, Notification, NotificationSettings, ReviewItem

logger = logging.getLogger(__name__)

Kind = Notification.Kind
Email = Notification.Email

# An email that fails this many times is given up (the notification stays in the desk).
EMAIL_MAX_ATTEMPTS = 5
# The sweep sends the emails still pending after this long: their task was lost.
SWEEP_AFTER = timedelta(minutes=5)
SWEEP_BATCH = 200


def users_with_permission(permission: str) -> QuerySet[User]:
    """The active staff who hold `permission` (through a group, directly, or as superusers)."""
    app_label, codename = permission.split(".")
    granted = Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    users = get_user_model().objects.filter(is_active=True, is_staff=True)
    return (
        users.filter(groups__permissions__in=granted)
        | users.filter(user_permissions__in=granted)
        | users.filter(is_superuser=True)
    ).distinct()


def claim_words(item: ReviewItem) -> str:
    """The claim as checked, with its claimant, as a notification quotes it: short."""
    claim = item.claim
    claimant = claim.claimant.strip()
    words = f"{claimant}: {claim.as_checked}" if claimant else claim.as_checked
    return Truncator(words).chars(120)


def notify(
    *,
    users: Iterable[AbstractBaseUser | None],
    kind: str,
    item: ReviewItem,
    actor: AbstractBaseUser | None,
    message: str,
    note: Note | None = None,
) -> list[Notification]:
    """Tell each of `users` (never the actor) about `item`; their emails go after commit."""
    recipients: dict[int, AbstractBaseUser] = {}
    for user in users:
        if user is None or not user.is_active:
            continue
        if actor is not None and user.pk == actor.pk:
            continue
        recipients[user.pk] = user
    if not recipients:
        return []
    created = Notification.objects.bulk_create(
        [
            Notification(
                user_id=pk,
                kind=kind,
                review_item_id=item.pk,
                actor_id=actor.pk if actor is not None else None,
                message=Truncator(message).chars(500),
                note=note,
            )
            for pk in recipients
        ]
    )
    ids = [n.pk for n in created]
    # robust: a broker outage must not undo the change; the sweep sends these later.
    transaction.on_commit(lambda: tasks.notification_emails_send.delay(ids), robust=True)
    return created


def notifications_mark_read(
    *, user: User, ids: Sequence[int] = (), item_id: int | None = None
) -> int:
    """Mark the user's unread notifications read: these ids, those of one claim, or all."""
    unread = Notification.objects.filter(user=user.pk, read_at__isnull=True)
    if ids:
        unread = unread.filter(pk__in=ids)
    if item_id is not None:
        unread = unread.filter(review_item_id=item_id)
    return unread.update(read_at=timezone.now())


def notification_settings_get(*, user: User) -> NotificationSettings:
    """The user's settings, or the defaults (unsaved) when they never changed them."""
    found = NotificationSettings.objects.filter(user=user.pk).first()
    return found or NotificationSettings(user_id=user.pk)


def notification_settings_save(*, user: User, email: bool) -> NotificationSettings:
    """Turn the user's notification emails on or off."""
    saved, _ = NotificationSettings.objects.update_or_create(
        user_id=user.pk, defaults={"email": email}
    )
    return saved


def _email_text(notification: Notification) -> tuple[str, str]:
    item = notification.review_item
    # The claim's workspace, where its verdict, notes and notifications are.
    link = settings.FACTCHECK_SITE_URL.rstrip("/") + reverse(
        "admin:reviews_reviewitem_work", args=[item.pk]
    )
    preferences = settings.FACTCHECK_SITE_URL.rstrip("/") + reverse("desk-notifications")
    lines = [notification.message, "", f"The claim: {claim_words(item)}"]
    if item.claim.as_checked != item.claim.text:
        # Reviewers answer for what the article said, not only for the desk's rewording.
        lines.append(f"The article said: {Truncator(item.claim.text).chars(300)}")
    lines.append(link)
    if notification.note is not None:
        lines[1:1] = ["", notification.note.text]
    lines += ["", f"Turn these emails off on your notifications page: {preferences}"]
    subject = f"[{settings.FACTCHECK_ORGANIZATION_NAME}] {notification.get_kind_display()}"
    return subject, "\n".join(lines)


def notification_email_send(*, notification_id: int) -> str:
    """Email one notification once; returns what became of it (an Email value)."""
    notification = (
        Notification.objects.select_related("user", "review_item__claim", "note")
        .filter(pk=notification_id)
        .first()
    )
    if notification is None or notification.email != Email.PENDING:
        return notification.email if notification else Email.SKIPPED
    user = notification.user
    if not user.email or not notification_settings_get(user=user).email:
        Notification.objects.filter(pk=notification_id, email=Email.PENDING).update(
            email=Email.SKIPPED
        )
        return Email.SKIPPED
    # Claimed before sending: a second task for the same row finds it taken and sends nothing.
    claimed = Notification.objects.filter(pk=notification_id, email=Email.PENDING).update(
        email=Email.SENT, emailed_at=timezone.now(), email_attempts=F("email_attempts") + 1
    )
    if not claimed:
        return Email.SENT
    subject, body = _email_text(notification)
    try:
        send_mail(subject, body, None, [user.email])
    except (OSError, smtplib.SMTPException) as exc:
        attempts = notification.email_attempts + 1
        state = Email.FAILED if attempts >= EMAIL_MAX_ATTEMPTS else Email.PENDING
        Notification.objects.filter(pk=notification_id).update(email=state, emailed_at=None)
        logger.warning(
            "notification %s: email attempt %s failed: %s", notification_id, attempts, exc
        )
        return state
    return Email.SENT


def notification_emails_send(*, ids: Sequence[int]) -> list[str]:
    """Email these notifications (each once)."""
    return [notification_email_send(notification_id=pk) for pk in ids]


def notification_emails_sweep(*, now: datetime | None = None) -> int:
    """Send the emails still pending a while after their notification: their task was lost
    (broker down) or their last attempt failed."""
    before = (now or timezone.now()) - SWEEP_AFTER
    ids = list(
        Notification.objects.filter(Q(email=Email.PENDING) & Q(created_at__lt=before))
        .order_by("created_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    notification_emails_send(ids=ids)
    return len(ids)
