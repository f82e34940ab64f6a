"""Webhooks against hostile or broken receivers: slow ones, many ones, revoked tokens."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client, override_settings
from django.utils import timezone

from claims.models import ApiToken
from reviews.models import WebhookDelivery, WebhookEndpoint
from reviews.services import webhook_sending, webhooks
from tests.api import helpers as h
from tests.conftest import CeleryWorker, WebhookReceiver, wait_until
from tests.security.peers import RawServer, trickle_headers


@pytest.fixture
def slow() -> Iterator[RawServer]:
    server = RawServer(trickle_headers(every=0.5, seconds=60))
    yield server
    server.close()


def _register(api: object, url: str) -> WebhookEndpoint:
    response = api.post(  # type: ignore[attr-defined]
        "/api/v1/webhooks/", {"url": url, "events": ["fact_check.published"]}, format="json"
    )
    assert response.status_code == 201, response.content
    return WebhookEndpoint.objects.get(pk=response.json()["id"])


@pytest.fixture
def worker3(transactional_db: None, redis_clean: None, tmp_path: Path) -> Iterator[CeleryWorker]:
    worker = CeleryWorker(tmp_path / "worker.log", concurrency=3)
    try:
        worker.wait_ready()
        yield worker
    finally:
        worker.stop()


@pytest.mark.celery_worker
def test_a_trickling_receiver_neither_holds_a_lock_nor_delays_a_healthy_one(
    worker3: CeleryWorker, slow: RawServer, webhook_receiver: WebhookReceiver
) -> None:
    _register(h.client("read"), slow.url("/hook"))
    healthy = _register(h.client("read"), webhook_receiver.url())
    webhook_receiver.secret = healthy.secret

    started = time.monotonic()
    for n in range(3):
        h.published(f"Claim number {n} about crime.")

    wait_until(lambda: len(webhook_receiver.received) == 3, timeout=30)
    assert time.monotonic() - started < 8, "healthy deliveries waited for the slow endpoint"
    assert all(r["signature_valid"] for r in webhook_receiver.received)

    # While the slow endpoint holds a worker, its delivery's attempt is already counted and
    # its row is not locked (the POST runs outside any transaction).
    wait_until(lambda: slow.open >= 1, timeout=10)
    sending = WebhookDelivery.objects.filter(
        endpoint__url=slow.url("/hook"), sending_until__isnull=False
    ).first()
    assert sending is not None and sending.attempts == 1
    with transaction.atomic():
        locked = WebhookDelivery.objects.select_for_update(nowait=True).get(pk=sending.pk)
    assert locked.pk == sending.pk

    # The slow attempts end at the deadline (5 s in the suite) as failures to retry.
    wait_until(
        lambda: WebhookDelivery.objects.filter(
            endpoint__url=slow.url("/hook"), last_error__contains="too slow"
        ).exists(),
        timeout=20,
    )


@pytest.mark.celery_worker
def test_a_task_killed_while_sending_has_counted_its_attempt_and_the_cap_holds(
    transactional_db: None,
    redis_clean: None,
    tmp_path: Path,
    slow: RawServer,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("FACTCHECK_WEBHOOK_MAX_ATTEMPTS", "1")
    _register(h.client("read"), slow.url("/hook"))
    worker = CeleryWorker(tmp_path / "first.log")
    try:
        worker.wait_ready()
        h.published("Crime fell by half.")
        wait_until(lambda: slow.open >= 1, timeout=30)
        # The worker dies mid-request, as at a hard time limit or an OOM kill.
        os.killpg(worker.process.pid, signal.SIGKILL)
        worker.process.wait()
    finally:
        worker.stop()

    delivery = WebhookDelivery.objects.get()
    assert delivery.attempts == 1 and delivery.status == "pending"

    again = CeleryWorker(tmp_path / "second.log")
    try:
        again.wait_ready()
        # The sweep finds the delivery overdue once its attempt would have ended.
        wait_until(
            lambda: webhooks.webhook_deliveries_requeue_stale(grace_seconds=0) > 0, timeout=30
        )
        wait_until(lambda: WebhookDelivery.objects.get().status == "failed", timeout=30)
    finally:
        again.stop()
    delivery.refresh_from_db()
    assert delivery.attempts == 1 and "gave up after 1 attempts" in delivery.last_error
    assert slow.accepted == 1, "not sent again past the cap"


@pytest.mark.django_db
@override_settings(FACTCHECK_WEBHOOK_MAX_ENDPOINTS_PER_TOKEN=10)
def test_a_token_registers_at_most_the_configured_number_of_endpoints(
    webhook_receiver: WebhookReceiver,
) -> None:
    api = h.client("read")
    answers = [
        api.post(
            "/api/v1/webhooks/",
            {"url": webhook_receiver.url(f"/{n}"), "events": ["fact_check.published"]},
            format="json",
        )
        for n in range(30)
    ]

    assert [a.status_code for a in answers] == [201] * 10 + [400] * 20
    assert "the most it may have" in answers[-1].json()["url"][0]
    assert WebhookEndpoint.objects.count() == 10
    assert (
        h.client("read")
        .post(  # another token has its own allowance
            "/api/v1/webhooks/",
            {"url": webhook_receiver.url("/other"), "events": ["fact_check.published"]},
            format="json",
        )
        .status_code
        == 201
    )


@pytest.mark.django_db
def test_a_deactivated_tokens_endpoints_get_nothing_and_staff_can_remove_them(
    webhook_receiver: WebhookReceiver,
) -> None:
    api = h.client("read")
    endpoint = _register(api, webhook_receiver.url())
    webhook_receiver.secret = endpoint.secret
    (waiting,) = webhooks.deliveries_create(event="fact_check.published", payload={"x": 1})

    staff = get_user_model().objects.create_superuser("boss", "boss@example.org", "pw")
    admin = Client()
    admin.force_login(staff)
    token = ApiToken.objects.get(pk=api.token.pk)  # type: ignore[attr-defined]
    changed = admin.post(
        f"/admin/claims/apitoken/{token.pk}/change/",
        {"name": token.name, "scope_choices": token.scopes},  # "active" left unticked
    )
    assert changed.status_code == 302 and not ApiToken.objects.get(pk=token.pk).active

    # Deliveries already written are not sent, and new publications write none.
    webhook_sending.webhook_delivery_attempt(delivery_id=waiting.pk)
    waiting.refresh_from_db()
    assert waiting.status == "failed" and "deactivated" in waiting.last_error
    assert webhooks.deliveries_create(event="fact_check.published", payload={"x": 2}) == []
    assert webhook_receiver.received == []
    listed = admin.get("/admin/reviews/webhookendpoint/")
    assert "the API token that registered the endpoint was deactivated" in listed.text

    # The token cannot remove its endpoint any more (401); staff can.
    assert api.delete(f"/api/v1/webhooks/{endpoint.pk}/").status_code == 401
    removed = admin.post(f"/admin/reviews/webhookendpoint/{endpoint.pk}/delete/", {"post": "yes"})
    assert removed.status_code == 302 and not WebhookEndpoint.objects.exists()


@pytest.mark.django_db
@override_settings(FACTCHECK_WEBHOOK_BREAKER_FAILURES=3, FACTCHECK_WEBHOOK_BREAKER_SECONDS=600)
def test_an_endpoint_failing_again_and_again_is_paused_and_admin_says_so(
    webhook_receiver: WebhookReceiver,
) -> None:
    endpoint = webhooks.webhook_endpoint_register(
        url=webhook_receiver.url(), events=["fact_check.published"]
    )
    webhook_receiver.secret = endpoint.secret
    webhook_receiver.statuses = [500] * 3
    deliveries = [
        webhooks.deliveries_create(event="fact_check.published", payload={"n": n})[0]
        for n in range(4)
    ]

    for delivery in deliveries[:3]:
        webhook_sending.webhook_delivery_attempt(delivery_id=delivery.pk)
    fourth = webhook_sending.webhook_delivery_attempt(delivery_id=deliveries[3].pk)

    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 3
    assert endpoint.paused_until is not None and endpoint.paused_until > timezone.now()
    assert fourth is not None and fourth.attempts == 0, "a paused endpoint is not tried"
    assert fourth.next_attempt_at == endpoint.paused_until
    assert len(webhook_receiver.received) == 3

    staff = get_user_model().objects.create_superuser("boss", "boss@example.org", "pw")
    admin = Client()
    admin.force_login(staff)
    assert "Paused until" in admin.get("/admin/reviews/webhookendpoint/").text
    admin.post(
        "/admin/reviews/webhookendpoint/",
        {"action": "resume", "_selected_action": [endpoint.pk]},
    )
    resumed = webhook_sending.webhook_delivery_attempt(delivery_id=deliveries[3].pk)
    assert resumed is not None and resumed.status == "delivered"
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 0 and endpoint.paused_until is None


@pytest.mark.django_db(transaction=True)
@override_settings(FACTCHECK_WEBHOOK_MAX_IN_FLIGHT=2, FACTCHECK_WEBHOOK_TIMEOUT=2.0)
def test_no_more_than_the_configured_deliveries_of_one_endpoint_are_sent_at_once(
    slow: RawServer,
) -> None:
    webhooks.webhook_endpoint_register(url=slow.url("/hook"), events=["fact_check.published"])
    deliveries = [
        webhooks.deliveries_create(event="fact_check.published", payload={"n": n})[0]
        for n in range(3)
    ]
    results: dict[int, WebhookDelivery | None] = {}

    def attempt(delivery_id: int) -> None:
        from django.db import connection

        try:
            results[delivery_id] = webhook_sending.webhook_delivery_attempt(delivery_id=delivery_id)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(d.pk,)) for d in deliveries[:2]]
    for thread in threads:
        thread.start()
    wait_until(lambda: slow.open == 2, timeout=10)
    third = webhook_sending.webhook_delivery_attempt(delivery_id=deliveries[2].pk)
    for thread in threads:
        thread.join()

    assert third is not None and third.attempts == 0 and third.status == "pending"
    assert third.next_attempt_at is not None
    assert third.next_attempt_at - timezone.now() < timedelta(seconds=5)
    assert slow.accepted == 2
    assert all(r is not None and r.attempts == 1 for r in results.values())
