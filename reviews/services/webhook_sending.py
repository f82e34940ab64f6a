"""Sending one webhook delivery, so that no endpoint can hold up the others.

An attempt has three steps, and only the first and last touch the database, each in its own
short transaction: **claim** (count the attempt and set the next one as if this one failed,
committed before anything is sent, so a task killed while sending still counts and the retry
cap holds), **send** (no transaction, no lock, one wall-clock deadline), **record** (the
outcome, only if no later attempt has been claimed meanwhile).

Endpoints are kept apart: at most FACTCHECK_WEBHOOK_MAX_IN_FLIGHT deliveries of one endpoint
are sent at once (the rest wait without counting an attempt), and after
FACTCHECK_WEBHOOK_BREAKER_FAILURES failed attempts in a row the endpoint is paused for
FACTCHECK_WEBHOOK_BREAKER_SECONDS (shown in admin), after which one success closes the breaker.
"""

from __future__ import annotations

import json
import logging
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from claims.outbound import OutboundError, http_post
from reviews.models import WebhookDelivery, WebhookEndpoint
from reviews.services import webhooks

logger = logging.getLogger(__name__)

# Only this much of an endpoint's answer is kept in the log.
ERROR_EXCERPT = 500
# A delivery that finds its endpoint busy tries again this much later (no attempt counted).
BUSY_RETRY_SECONDS = 2.0


def backoff_seconds(attempts: int) -> float:
    return float(settings.FACTCHECK_WEBHOOK_BACKOFF_SECONDS * 2 ** max(attempts - 1, 0))


def message_id(delivery: WebhookDelivery) -> str:
    """The Standard Webhooks `webhook-id`: the same on every attempt, so receivers dedup."""
    return f"msg_{delivery.pk}"


def _body(delivery: WebhookDelivery) -> bytes:
    # The same bytes on every attempt.
    return json.dumps(delivery.payload, sort_keys=True, separators=(",", ":")).encode()


def webhook_delivery_attempt(*, delivery_id: int) -> WebhookDelivery | None:
    """Send a pending delivery that is due and log the outcome; None if another task has it."""
    delivery, sending = _claim(delivery_id)
    if delivery is None or not sending:
        return delivery
    endpoint = delivery.endpoint
    body = _body(delivery)
    timestamp = int(time.time())
    msg_id = message_id(delivery)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": settings.FACTCHECK_USER_AGENT,
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": webhooks.webhook_signature(
            secret=endpoint.secret, message_id=msg_id, timestamp=timestamp, body=body
        ),
    }
    code: int | None = None
    try:
        answer = http_post(
            endpoint.url,
            body=body,
            headers=headers,
            deadline=settings.FACTCHECK_WEBHOOK_TIMEOUT,
            excerpt_bytes=ERROR_EXCERPT * 4,
        )
        code = answer.status
        error = "" if 200 <= code < 300 else f"HTTP {code}: {_excerpt(answer.excerpt)}"
    except OutboundError as exc:  # refused by the SSRF guard, unreachable, too slow
        error = str(exc)
    return _record(delivery, code=code, error=error)


def _claim(delivery_id: int) -> tuple[WebhookDelivery | None, bool]:
    """Lock the delivery briefly and decide: send now (attempt counted), wait, or give up."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("endpoint", "endpoint__token")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or delivery.status != WebhookDelivery.Status.PENDING:
            return delivery, False
        now = timezone.now()
        # A duplicated or early task must not add an attempt before the backoff is over.
        if delivery.next_attempt_at and delivery.next_attempt_at > now + timedelta(seconds=0.2):
            return delivery, False
        refusal = delivery.endpoint.refusal()
        if not refusal and delivery.attempts >= settings.FACTCHECK_WEBHOOK_MAX_ATTEMPTS:
            refusal = f"gave up after {delivery.attempts} attempts"
        if refusal:
            _give_up(delivery, refusal)
            return delivery, False
        # The endpoint's row serialises the count of its deliveries in flight.
        endpoint = WebhookEndpoint.objects.select_for_update().get(pk=delivery.endpoint_id)
        if endpoint.paused_until and endpoint.paused_until > now:
            return _postpone(delivery, endpoint.paused_until), False
        in_flight = (
            WebhookDelivery.objects.filter(endpoint_id=endpoint.pk, sending_until__gt=now)
            .exclude(pk=delivery.pk)
            .count()
        )
        if in_flight >= settings.FACTCHECK_WEBHOOK_MAX_IN_FLIGHT:
            return _postpone(delivery, now + timedelta(seconds=BUSY_RETRY_SECONDS)), False
        sending = timedelta(seconds=settings.FACTCHECK_WEBHOOK_TIMEOUT + 5)
        delivery.attempts += 1
        delivery.sending_until = now + sending
        # Were the task killed while sending, the sweep finds the delivery due after this.
        delivery.next_attempt_at = (
            now + sending + timedelta(seconds=backoff_seconds(delivery.attempts))
        )
        delivery.save(update_fields=["attempts", "sending_until", "next_attempt_at"])
    return delivery, True


def _give_up(delivery: WebhookDelivery, reason: str) -> None:
    delivery.status = WebhookDelivery.Status.FAILED
    delivery.last_error = reason
    delivery.next_attempt_at = None
    delivery.sending_until = None
    delivery.save(update_fields=["status", "last_error", "next_attempt_at", "sending_until"])


def _postpone(delivery: WebhookDelivery, until: datetime) -> WebhookDelivery:
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=until)
    delivery.next_attempt_at = until
    return delivery


def _record(delivery: WebhookDelivery, *, code: int | None, error: str) -> WebhookDelivery:
    now = timezone.now()
    fields: dict[str, object] = {"response_code": code, "last_error": error, "sending_until": None}
    if not error:
        fields |= {
            "status": WebhookDelivery.Status.DELIVERED,
            "delivered_at": now,
            "next_attempt_at": None,
        }
    elif delivery.attempts >= settings.FACTCHECK_WEBHOOK_MAX_ATTEMPTS:
        fields |= {"status": WebhookDelivery.Status.FAILED, "next_attempt_at": None}
    else:
        fields["next_attempt_at"] = now + timedelta(seconds=backoff_seconds(delivery.attempts))
    with transaction.atomic():
        # Only the attempt that was claimed last writes its outcome.
        WebhookDelivery.objects.filter(
            pk=delivery.pk, attempts=delivery.attempts, status=WebhookDelivery.Status.PENDING
        ).update(**fields)
        _breaker_update(delivery.endpoint_id, failed=bool(error), now=now)
    if error:
        logger.warning("webhook delivery %s failed: %s", delivery.pk, error)
    delivery.refresh_from_db()
    return delivery


def _breaker_update(endpoint_id: int, *, failed: bool, now: datetime) -> None:
    endpoints = WebhookEndpoint.objects.filter(pk=endpoint_id)
    if not failed:
        endpoints.update(consecutive_failures=0, paused_until=None)
        return
    endpoints.update(consecutive_failures=F("consecutive_failures") + 1)
    threshold = settings.FACTCHECK_WEBHOOK_BREAKER_FAILURES
    pause = timedelta(seconds=settings.FACTCHECK_WEBHOOK_BREAKER_SECONDS)
    if endpoints.filter(consecutive_failures__gte=threshold).update(paused_until=now + pause):
        logger.warning(
            "webhook endpoint %s paused for %s s after %s failed attempts in a row",
            endpoint_id,
            settings.FACTCHECK_WEBHOOK_BREAKER_SECONDS,
            threshold,
        )


def _excerpt(head: bytes) -> str:
    """The start of an endpoint's answer, for the log (never the whole of it)."""
    text = head.decode("utf-8", errors="replace")
    # PostgreSQL text takes no NUL: an endpoint's answer must not stop the log.
    return text.replace("\x00", "")[:ERROR_EXCERPT]
