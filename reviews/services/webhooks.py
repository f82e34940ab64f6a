"""Webhooks: endpoints newsrooms register, and signed deliveries with retries and a log.

A delivery is a row written in the same transaction as the publication it announces, so
none is lost; the `webhook_deliver` task sends it (and retries with exponential backoff), and
a periodic sweep sends again any whose task was lost. Sending is in
`reviews.services.webhook_sending`; deliveries are signed as Standard Webhooks
(https://www.standardwebhooks.com/), so a receiver can verify them with that specification's
libraries.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import secrets
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from claims.models import ApiToken
from claims.outbound import ADDRESS_NOT_ALLOWED, OutboundError, address_check
from claims.pipeline.urls import usable_url
from reviews import tasks
from reviews.models import WebhookDelivery, WebhookEndpoint

logger = logging.getLogger(__name__)

SECRET_PREFIX = "whsec_"


class WebhookError(ValueError):
    """An endpoint the rules refuse; the message says why."""


def webhook_secret_new() -> str:
    """A Standard Webhooks secret: `whsec_` and 32 random bytes in base64."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(32)).decode()


def webhook_signature(*, secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """`v1,` and the base64 HMAC-SHA256 of "{id}.{timestamp}.{body}" (Standard Webhooks)."""
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    signed = f"{message_id}.{timestamp}.".encode() + body
    return "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()


def _events_parse(events: Iterable[str]) -> list[str]:
    wanted = set(events)
    unknown = wanted - set(WebhookEndpoint.Event.values)
    if unknown or not wanted:
        raise WebhookError(
            f"events must be some of {', '.join(WebhookEndpoint.Event.values)}"
            + (f"; unknown: {', '.join(sorted(unknown))}" if unknown else "")
        )
    return [e for e in WebhookEndpoint.Event.values if e in wanted]


def webhook_url_check(url: str) -> None:
    """Refuse a URL deliveries could not or must not go to, with no oracle in the message."""
    if not usable_url(url):
        raise WebhookError(f"not a usable http(s) URL: {url[:200]!r}")
    try:
        address_check(url)
    except OutboundError as exc:
        # The same answer whether the name is internal or does not resolve at all, so
        # registering is no way to learn which internal names exist.
        logger.warning("webhook endpoint refused: %s", exc)
        raise WebhookError(
            f"{ADDRESS_NOT_ALLOWED}: the host must resolve to public addresses "
            f"(reference {exc.reference})"
        ) from exc


def webhook_endpoint_register(
    *, url: str, events: Iterable[str], token: ApiToken | None = None, description: str = ""
) -> WebhookEndpoint:
    """Register an endpoint with a fresh secret; refuses addresses the desk may not reach and
    more than FACTCHECK_WEBHOOK_MAX_ENDPOINTS_PER_TOKEN endpoints for one token."""
    webhook_url_check(url)
    parsed = _events_parse(events)
    with transaction.atomic():
        if token is not None:
            # Locked, so concurrent registrations are counted one after the other.
            ApiToken.objects.select_for_update().filter(pk=token.pk).first()
            limit = settings.FACTCHECK_WEBHOOK_MAX_ENDPOINTS_PER_TOKEN
            if WebhookEndpoint.objects.filter(token=token).count() >= limit:
                raise WebhookError(
                    f"this token has {limit} webhook endpoints, the most it may have; "
                    "remove one first"
                )
        return WebhookEndpoint.objects.create(
            url=url,
            events=parsed,
            token=token,
            description=description,
            secret=webhook_secret_new(),
        )


def webhook_endpoint_update(
    *, endpoint: WebhookEndpoint, url: str, events: Iterable[str], description: str, active: bool
) -> WebhookEndpoint:
    """Change an endpoint; a new URL is checked as a registration's is."""
    if url != WebhookEndpoint.objects.values_list("url", flat=True).get(pk=endpoint.pk):
        webhook_url_check(url)
    endpoint.url = url
    endpoint.events = _events_parse(events)
    endpoint.description = description
    endpoint.active = active
    endpoint.save(update_fields=["url", "events", "description", "active"])
    return endpoint


def webhook_endpoints_resume(*, endpoint_ids: list[int]) -> int:
    """Lift the circuit breaker's pause; the next deliveries are sent at once."""
    now = timezone.now()
    resumed = WebhookEndpoint.objects.filter(pk__in=endpoint_ids).update(
        paused_until=None, consecutive_failures=0
    )
    WebhookDelivery.objects.filter(
        endpoint_id__in=endpoint_ids, status=WebhookDelivery.Status.PENDING
    ).update(next_attempt_at=now)
    return resumed


def deliveries_create(*, event: str, payload: dict) -> list[WebhookDelivery]:
    """A pending delivery of `payload` for every live endpoint that wants `event`."""
    candidates = WebhookEndpoint.objects.filter(active=True).select_related("token")
    # A deactivated token's endpoints, or one that lost the read scope, get nothing: a webhook
    # tells only what the token could read itself (Endpoint.refusal says which).
    endpoints = [e for e in candidates if event in e.events and not e.refusal()]
    now = timezone.now()
    return WebhookDelivery.objects.bulk_create(
        [
            WebhookDelivery(endpoint=e, event=event, payload=payload, next_attempt_at=now)
            for e in endpoints
        ]
    )


def deliveries_enqueue(delivery_ids: list[int]) -> None:
    """Send the deliveries once the transaction that wrote them commits."""

    def send() -> None:
        for delivery_id in delivery_ids:
            tasks.webhook_deliver.delay(delivery_id)

    # robust: a broker outage must not undo the publication; the sweep sends them later.
    transaction.on_commit(send, robust=True)


def webhook_delivery_replay(*, delivery_id: int) -> WebhookDelivery:
    """Send a logged delivery again, as a new delivery of the same event and payload."""
    original = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    with transaction.atomic():
        replay = WebhookDelivery.objects.create(
            endpoint=original.endpoint,
            event=original.event,
            payload=original.payload,
            next_attempt_at=timezone.now(),
        )
        deliveries_enqueue([replay.pk])
    return replay


def webhook_deliveries_requeue_stale(*, grace_seconds: float = 60, batch_size: int = 500) -> int:
    """Enqueue pending deliveries overdue by more than `grace_seconds` (their task was lost)."""
    cutoff = timezone.now() - timedelta(seconds=grace_seconds)
    due = list(
        WebhookDelivery.objects.filter(
            status=WebhookDelivery.Status.PENDING, next_attempt_at__lt=cutoff
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:batch_size]
    )
    for delivery_id in due:
        tasks.webhook_deliver.delay(delivery_id)
    if due:
        logger.warning("re-enqueued %d overdue webhook deliveries", len(due))
    return len(due)
