"""Webhooks: endpoints newsrooms register, and signed deliveries with retries and a log.

A delivery is a row written in the same transaction as the publication it announces, so
none is lost; the `webhook_deliver` task sends it (and retries with exponential backoff), and
a periodic sweep sends again any whose task was lost.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import time
from collections.abc import Iterable
from datetime import timedelta

import requests
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from claims.models import ApiToken
from claims.pipeline.urls import usable_url
from claims.services.fetch import (
    FetchError,
    _allowed_networks,
    _PinnedAdapter,
    _public_addresses,
)
from reviews import tasks
from reviews.models import WebhookDelivery, WebhookEndpoint

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Factcheck-Signature"
TIMESTAMP_HEADER = "X-Factcheck-Timestamp"
EVENT_HEADER = "X-Factcheck-Event"
DELIVERY_HEADER = "X-Factcheck-Delivery"
# Only this much of an endpoint's answer is kept in the log.
ERROR_EXCERPT = 500


class WebhookError(ValueError):
    """An endpoint the rules refuse; the message says why."""


def webhook_signature(*, secret: str, timestamp: int, body: bytes) -> str:
    """`sha256=` and the hex HMAC-SHA256 of "{timestamp}.{body}" under the endpoint's secret."""
    message = str(timestamp).encode() + b"." + body
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def _events_parse(events: Iterable[str]) -> list[str]:
    wanted = set(events)
    unknown = wanted - set(WebhookEndpoint.Event.values)
    if unknown or not wanted:
        raise WebhookError(
            f"events must be some of {', '.join(WebhookEndpoint.Event.values)}"
            + (f"; unknown: {', '.join(sorted(unknown))}" if unknown else "")
        )
    return [e for e in WebhookEndpoint.Event.values if e in wanted]


def webhook_endpoint_register(
    *, url: str, events: Iterable[str], token: ApiToken | None = None, description: str = ""
) -> WebhookEndpoint:
    """Register an endpoint with a fresh secret; refuses addresses the desk may not reach."""
    if not usable_url(url):
        raise WebhookError(f"not a usable http(s) URL: {url[:200]!r}")
    try:
        _public_addresses(url, _allowed_networks())
    except FetchError as exc:
        if not exc.retryable:  # an unresolvable name may resolve later; a private one won't
            raise WebhookError(str(exc)) from exc
    return WebhookEndpoint.objects.create(
        url=url,
        events=_events_parse(events),
        token=token,
        description=description,
        secret=secrets.token_urlsafe(32),
    )


def deliveries_create(*, event: str, payload: dict) -> list[WebhookDelivery]:
    """A pending delivery of `payload` for every active endpoint that wants `event`."""
    endpoints = [e for e in WebhookEndpoint.objects.filter(active=True) if event in e.events]
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


def _body(delivery: WebhookDelivery) -> bytes:
    # The same bytes on every attempt, so a receiver can dedup on the delivery id.
    return json.dumps(delivery.payload, sort_keys=True, separators=(",", ":")).encode()


def _post(url: str, body: bytes, headers: dict[str, str]) -> requests.Response:
    """POST to `url` connecting only to checked public (or allowlisted) addresses."""
    addresses = _public_addresses(url, _allowed_networks())
    adapter = _PinnedAdapter()
    with requests.Session() as session:
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        for index, address in enumerate(addresses):
            adapter.address = str(address)
            try:
                return session.post(
                    url,
                    data=body,
                    headers=headers,
                    timeout=settings.FACTCHECK_WEBHOOK_TIMEOUT,
                    allow_redirects=False,  # a redirect could lead anywhere: it is a failure
                    # Read only what the log keeps: an answer may be huge or never end.
                    stream=True,
                )
            except requests.ConnectionError:
                if index == len(addresses) - 1:
                    raise
    raise AssertionError("unreachable: addresses is never empty")


def _excerpt(response: requests.Response) -> str:
    """The start of an endpoint's answer, for the log (never the whole of it)."""
    head = next(response.iter_content(ERROR_EXCERPT * 4), b"")
    try:
        text = head.decode(response.encoding or "utf-8", errors="replace")
    except LookupError:  # a charset Python does not know
        text = head.decode("utf-8", errors="replace")
    # PostgreSQL text takes no NUL: an endpoint's answer must not stop the log.
    return text[:ERROR_EXCERPT].replace("\x00", "")


def backoff_seconds(attempts: int) -> float:
    return float(settings.FACTCHECK_WEBHOOK_BACKOFF_SECONDS * 2 ** max(attempts - 1, 0))


def webhook_delivery_attempt(*, delivery_id: int) -> WebhookDelivery | None:
    """Send a pending delivery that is due, and log the outcome; None if another task has it."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("endpoint")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None or delivery.status != WebhookDelivery.Status.PENDING:
            return delivery
        now = timezone.now()
        # A duplicated or early task must not add an attempt before the backoff is over.
        if delivery.next_attempt_at and delivery.next_attempt_at > now + timedelta(seconds=0.2):
            return delivery
        endpoint = delivery.endpoint
        if not endpoint.active:
            delivery.status = WebhookDelivery.Status.FAILED
            delivery.last_error = "the endpoint was deactivated"
            delivery.next_attempt_at = None
            delivery.save(update_fields=["status", "last_error", "next_attempt_at"])
            return delivery
        body = _body(delivery)
        timestamp = int(time.time())
        headers = {
            "Content-Type": "application/json",
            "User-Agent": settings.FACTCHECK_USER_AGENT,
            EVENT_HEADER: delivery.event,
            DELIVERY_HEADER: str(delivery.pk),
            TIMESTAMP_HEADER: str(timestamp),
            SIGNATURE_HEADER: webhook_signature(
                secret=endpoint.secret, timestamp=timestamp, body=body
            ),
        }
        code: int | None = None
        try:
            with _post(endpoint.url, body, headers) as response:
                code = response.status_code
                error = "" if 200 <= code < 300 else f"HTTP {code}: {_excerpt(response)}"
        except FetchError as exc:  # refused by the SSRF guard, or the name did not resolve
            error = str(exc)
        except requests.RequestException as exc:
            error = f"could not reach {endpoint.url}: {exc}"
        except ValueError as exc:
            # requests parses a redirect's Location even when it does not follow it.
            error = f"{endpoint.url} answered a malformed redirect: {exc}"
        delivery.attempts += 1
        delivery.response_code = code
        delivery.last_error = error
        if not error:
            delivery.status = WebhookDelivery.Status.DELIVERED
            delivery.delivered_at = timezone.now()
            delivery.next_attempt_at = None
        elif delivery.attempts >= settings.FACTCHECK_WEBHOOK_MAX_ATTEMPTS:
            delivery.status = WebhookDelivery.Status.FAILED
            delivery.next_attempt_at = None
        else:
            delivery.next_attempt_at = timezone.now() + timedelta(
                seconds=backoff_seconds(delivery.attempts)
            )
        delivery.save()
        if error:
            logger.warning("webhook delivery %s failed: %s", delivery.pk, error)
        return delivery


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
