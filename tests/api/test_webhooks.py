"""Webhooks: registered by API, signed, sent by a real Celery worker with retries, replayable."""

from __future__ import annotations

import json
import time

import pytest

from reviews.models import WebhookDelivery, WebhookEndpoint
from reviews.services import webhook_sending, webhooks
from tests.api import helpers as h
from tests.conftest import CeleryWorker, WebhookReceiver, wait_until


def _register(receiver: WebhookReceiver, events: list[str]) -> WebhookEndpoint:
    api = h.client("read")
    response = api.post(
        "/api/v1/webhooks/", {"url": receiver.url(), "events": events}, format="json"
    )
    assert response.status_code == 201, response.content
    receiver.secret = response.json()["secret"]
    assert "secret" not in api.get(f"/api/v1/webhooks/{response.json()['id']}/").json()
    return WebhookEndpoint.objects.get(pk=response.json()["id"])


@pytest.mark.celery_worker
def test_publication_and_correction_are_delivered_signed(
    celery_worker: CeleryWorker, webhook_receiver: WebhookReceiver
) -> None:
    _register(webhook_receiver, ["fact_check.published", "fact_check.corrected"])
    item = h.published("Crime fell by half.", speaker="Mayor Smith")
    h.correct(item, note="It fell by a third.")

    wait_until(lambda: len(webhook_receiver.received) == 2, timeout=60)
    first, second = webhook_receiver.received
    assert first["signature_valid"] and second["signature_valid"]
    events = [json.loads(r["body"])["event"] for r in webhook_receiver.received]
    assert sorted(events) == ["fact_check.corrected", "fact_check.published"]
    bodies = {json.loads(r["body"])["event"]: json.loads(r["body"]) for r in (first, second)}
    corrected = bodies["fact_check.corrected"]
    assert corrected["fact_check"]["id"] == item.pk and corrected["fact_check"]["version"] == 2
    assert corrected["fact_check"]["corrections"][0]["note"] == "It fell by a third."
    assert corrected["claim_review"]["dateModified"]
    wait_until(
        lambda: set(WebhookDelivery.objects.values_list("status", flat=True)) == {"delivered"}
    )
    assert set(WebhookDelivery.objects.values_list("response_code", flat=True)) == {200}


@pytest.mark.celery_worker
def test_failed_deliveries_are_retried_with_backoff_and_logged(
    celery_worker: CeleryWorker, webhook_receiver: WebhookReceiver
) -> None:
    _register(webhook_receiver, ["fact_check.published"])
    webhook_receiver.statuses = [500, 503]
    h.published("Crime fell by half.")

    wait_until(lambda: WebhookDelivery.objects.filter(status="delivered").exists(), timeout=60)
    delivery = WebhookDelivery.objects.get()
    assert delivery.attempts == 3 and delivery.response_code == 200
    assert [r["answered"] for r in webhook_receiver.received] == [500, 503, 200]
    # The same bytes every time, so a receiver can dedup on the delivery id.
    assert len({r["body"] for r in webhook_receiver.received}) == 1


@pytest.mark.celery_worker
def test_a_replay_sends_the_logged_delivery_again(
    celery_worker: CeleryWorker, webhook_receiver: WebhookReceiver
) -> None:
    _register(webhook_receiver, ["fact_check.published"])
    h.published("Crime fell by half.")
    wait_until(lambda: len(webhook_receiver.received) == 1)
    original = WebhookDelivery.objects.get()

    webhooks.webhook_delivery_replay(delivery_id=original.pk)

    wait_until(lambda: len(webhook_receiver.received) == 2)
    assert webhook_receiver.received[1]["signature_valid"]
    assert webhook_receiver.received[0]["body"] == webhook_receiver.received[1]["body"]


@pytest.mark.django_db
def test_an_endpoint_that_keeps_failing_is_given_up_after_max_attempts(
    webhook_receiver: WebhookReceiver, settings: object
) -> None:
    settings.FACTCHECK_WEBHOOK_MAX_ATTEMPTS = 2  # type: ignore[attr-defined]
    endpoint = webhooks.webhook_endpoint_register(
        url=webhook_receiver.url(), events=["fact_check.published"]
    )
    webhook_receiver.secret = endpoint.secret
    webhook_receiver.statuses = [500, 500, 500]
    (delivery,) = webhooks.deliveries_create(event="fact_check.published", payload={"x": 1})

    webhook_sending.webhook_delivery_attempt(delivery_id=delivery.pk)
    early = webhook_sending.webhook_delivery_attempt(delivery_id=delivery.pk)
    assert early.attempts == 1, "an attempt before the backoff is over is skipped"
    time.sleep(0.6)
    last = webhook_sending.webhook_delivery_attempt(delivery_id=delivery.pk)

    assert last.status == "failed" and last.attempts == 2
    assert last.response_code == 500 and "HTTP 500" in last.last_error


@pytest.mark.django_db
def test_only_endpoints_subscribed_to_the_event_and_active_get_it(
    webhook_receiver: WebhookReceiver,
) -> None:
    wants = webhooks.webhook_endpoint_register(
        url=webhook_receiver.url("/a"), events=["fact_check.corrected"]
    )
    webhooks.webhook_endpoint_register(
        url=webhook_receiver.url("/b"), events=["fact_check.published"]
    )
    inactive = webhooks.webhook_endpoint_register(
        url=webhook_receiver.url("/c"), events=["fact_check.corrected"]
    )
    WebhookEndpoint.objects.filter(pk=inactive.pk).update(active=False)
    deliveries = webhooks.deliveries_create(event="fact_check.corrected", payload={})
    assert [d.endpoint_id for d in deliveries] == [wants.pk]


@pytest.mark.django_db
def test_the_sweep_sends_overdue_deliveries_again(webhook_receiver: WebhookReceiver) -> None:
    endpoint = webhooks.webhook_endpoint_register(
        url=webhook_receiver.url(), events=["fact_check.published"]
    )
    (delivery,) = webhooks.deliveries_create(event="fact_check.published", payload={})
    assert webhooks.webhook_deliveries_requeue_stale(grace_seconds=60) == 0
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at="2020-01-01T00:00Z")
    assert endpoint.pk and webhooks.webhook_deliveries_requeue_stale(grace_seconds=60) == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "http://169.254.169.254/latest", "events": ["fact_check.published"]}, "url"),
        ({"url": "http://10.0.0.5/hook", "events": ["fact_check.published"]}, "url"),
        ({"url": "ftp://example.com/", "events": ["fact_check.published"]}, "url"),
        ({"url": "http://127.0.0.1:9/hook", "events": ["fact_check.deleted"]}, "events"),
        ({"url": "http://127.0.0.1:9/hook", "events": []}, "events"),
        ({"url": "http://127.0.0.1:9/hook", "events": "fact_check.published"}, "events"),
        ({"url": 5, "events": ["fact_check.published"]}, "url"),
    ],
)
def test_bad_endpoints_are_refused_with_400(body: dict, field: str) -> None:
    response = h.client("read").post("/api/v1/webhooks/", body, format="json")
    assert response.status_code == 400 and field in response.json()
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.django_db
def test_a_token_sees_and_deletes_only_its_own_endpoints(
    webhook_receiver: WebhookReceiver,
) -> None:
    mine, theirs = h.client("read"), h.client("read")
    created = mine.post(
        "/api/v1/webhooks/",
        {"url": webhook_receiver.url(), "events": ["fact_check.published"]},
        format="json",
    ).json()
    assert [e["id"] for e in mine.get("/api/v1/webhooks/").json()] == [created["id"]]
    assert theirs.get("/api/v1/webhooks/").json() == []
    assert theirs.delete(f"/api/v1/webhooks/{created['id']}/").status_code == 404
    assert mine.delete(f"/api/v1/webhooks/{created['id']}/").status_code == 204
    assert not WebhookEndpoint.objects.exists()


def test_the_signature_is_standard_webhooks_and_verifies_with_its_library() -> None:
    from datetime import UTC, datetime

    from standardwebhooks.webhooks import Webhook

    secret = webhooks.webhook_secret_new()
    body = b'{"event":"fact_check.published"}'
    signature = webhooks.webhook_signature(
        secret=secret, message_id="msg_7", timestamp=1700000000, body=body
    )

    assert secret.startswith("whsec_") and signature.startswith("v1,")
    expected = Webhook(secret).sign("msg_7", datetime.fromtimestamp(1700000000, UTC), body)
    assert signature == expected


class _Answer:
    """A real HTTP server answering every POST as told: status, headers, and a body (bytes,
    or None for one that never ends)."""

    def __init__(self, status: int, headers: dict[str, str], body: bytes | None) -> None:
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (the stdlib's name)
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                if body is not None:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    if body is not None:
                        self.wfile.write(body)
                        return
                    # "Endless": 60 s at about 6 MB/s, so a reader that waits for the end
                    # is seen waiting, without the test filling the memory.
                    deadline = time.monotonic() + 60
                    while time.monotonic() < deadline:
                        self.wfile.write(b"x" * 65536)
                        time.sleep(0.01)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "headers", "body", "logged"),
    [
        # A redirect is not followed (it could lead anywhere): the attempt failed.
        (302, {"Location": "http://[::1/elsewhere"}, b"", "HTTP 302"),
        (500, {"Content-Type": "text/plain"}, b"broken\x00 here", "HTTP 500: broken here"),
    ],
)
def test_an_endpoint_answering_oddly_is_an_attempt_logged_not_a_crash(
    status: int, headers: dict[str, str], body: bytes, logged: str
) -> None:
    answer = _Answer(status, headers, body)
    try:
        endpoint = webhooks.webhook_endpoint_register(
            url=answer.url(), events=["fact_check.published"]
        )
        (delivery,) = webhooks.deliveries_create(event="fact_check.published", payload={"x": 1})

        attempted = webhook_sending.webhook_delivery_attempt(delivery_id=delivery.pk)
    finally:
        answer.close()

    assert attempted is not None and attempted.endpoint == endpoint
    attempted.refresh_from_db()
    assert attempted.attempts == 1 and attempted.status == "pending"
    assert logged in attempted.last_error


@pytest.mark.django_db
@pytest.mark.parametrize(("status", "outcome"), [(200, "delivered"), (500, "pending")])
def test_an_endpoint_whose_answer_never_ends_is_not_read_to_the_end(
    status: int, outcome: str
) -> None:
    answer = _Answer(status, {"Content-Type": "text/plain"}, None)
    try:
        webhooks.webhook_endpoint_register(url=answer.url(), events=["fact_check.published"])
        (delivery,) = webhooks.deliveries_create(event="fact_check.published", payload={"x": 1})

        started = time.monotonic()
        attempted = webhook_sending.webhook_delivery_attempt(delivery_id=delivery.pk)
        elapsed = time.monotonic() - started
    finally:
        answer.close()

    assert elapsed < 10
    assert attempted is not None and attempted.status == outcome
    assert attempted.response_code == status and attempted.attempts == 1
    assert len(attempted.last_error) <= webhook_sending.ERROR_EXCERPT + 20
