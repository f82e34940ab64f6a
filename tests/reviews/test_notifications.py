"""Notifications: who is told what (assignment, send-back, approval, correction, mention), the
desk's count and list, and the email, sent once after commit by a Celery task."""

from __future__ import annotations

import socketserver
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse

from reviews.models import Notification
from reviews.services import corrections, notifications, publishing
from reviews.services import queue as services
from reviews.services.notes import note_add
from reviews.services.queue import demo_accounts_ensure
from tests.api import helpers as h
from tests.conftest import free_port, wait_until

Email = Notification.Email


@pytest.fixture
def desk(db: None) -> dict[str, Any]:
    demo_accounts_ensure(password="pw")
    users = get_user_model().objects
    return {"reviewer": users.get(username="reviewer"), "editor": users.get(username="editor")}


def _told(user: object) -> list[tuple[str, str]]:
    return list(
        Notification.objects.filter(user=user).order_by("pk").values_list("kind", "message")
    )


def test_assignment_send_back_and_approval_tell_the_reviewer(desk: dict) -> None:
    reviewer, editor = desk["reviewer"], desk["editor"]
    assigned = h.queued("Rents rose 40 percent in 2025.")
    services.review_assign(item_id=assigned.pk, assignee=reviewer, by=editor)
    item = h.queued("Bus fares doubled.")
    h.draft(item, reviewer)
    publishing.verdict_submit(item_id=item.pk, user=reviewer)
    publishing.verdict_send_back(item_id=item.pk, editor=editor, note="Cite the index.")
    publishing.verdict_submit(item_id=item.pk, user=reviewer)
    publishing.verdict_approve(item_id=item.pk, editor=editor)

    assert [kind for kind, _ in _told(reviewer)] == ["assigned", "sent_back", "approved"]
    messages = [message for _, message in _told(reviewer)]
    assert messages[0] == "editor assigned you a claim: Rents rose 40 percent in 2025."
    assert messages[2] == "editor approved your verdict; it is published: Bus fares doubled."
    assert messages[1] == "editor sent your verdict back: Cite the index."
    assert _told(editor) == []  # the actor is never told about their own act


def test_notifications_quote_the_claim_as_checked_and_the_email_the_sentence_too(
    desk: dict,
) -> None:
    item = h.queued("He said the stadium would create 4,000 permanent jobs.")
    item.claim.standalone = "The Harbor Point stadium would create 4,000 permanent jobs."
    item.claim.claimant = "Mayor Ruiz"
    item.claim.save()
    services.review_assign(item_id=item.pk, assignee=desk["reviewer"], by=desk["editor"])

    assert _told(desk["reviewer"]) == [
        (
            "assigned",
            "editor assigned you a claim: "
            "Mayor Ruiz: The Harbor Point stadium would create 4,000 permanent jobs.",
        )
    ]
    notifications.notification_emails_send(
        ids=list(Notification.objects.values_list("pk", flat=True))
    )
    (email,) = mail.outbox
    assert (
        "The claim: Mayor Ruiz: The Harbor Point stadium would create 4,000 permanent jobs.\n"
        "The article said: He said the stadium would create 4,000 permanent jobs.\n"
    ) in email.body


def test_a_correction_tells_the_other_editors_then_its_author_when_approved(desk: dict) -> None:
    editor = desk["editor"]
    other = h.editor()
    other.is_staff = True
    other.save()
    item = h.published("Crime fell by half.")
    corrections.correction_save(
        item_id=item.pk,
        editor=editor,
        rating="mostly_false",
        explanation="A third.",
        summary="",
        correction_note="It fell by a third.",
    )
    assert [kind for kind, _ in _told(other)] == ["correction"]
    assert "awaits another editor's approval" in _told(other)[0][1]
    assert _told(editor) == []

    corrections.correction_approve(item_id=item.pk, editor=other)

    assert _told(editor)[-1][1].startswith(f"{other.username} approved the correction; version 2")


@pytest.mark.django_db
def test_an_email_is_enqueued_only_after_commit_and_sent_once(
    desk: dict, django_capture_on_commit_callbacks: Any
) -> None:
    item = h.queued("Rents rose 40 percent in 2025.")
    with django_capture_on_commit_callbacks() as callbacks:
        note = note_add(item_id=item.pk, author=desk["reviewer"], text="@editor the index?")
    assert len(callbacks) == 1  # enqueued after commit, not sent in the transaction
    (notification,) = Notification.objects.all()
    assert notification.email == Email.PENDING and not mail.outbox

    # The task's work, twice, as a retried or duplicated task would run it.
    notifications.notification_emails_send(ids=[notification.pk])
    notifications.notification_emails_send(ids=[notification.pk])

    (email,) = mail.outbox
    assert email.to == ["editor@example.org"]
    assert "reviewer mentioned you" in email.body and note.text in email.body
    assert f"/admin/reviews/reviewitem/{item.pk}/work/" in email.body
    notification.refresh_from_db()
    assert notification.email == Email.SENT and notification.email_attempts == 1


def test_a_user_who_turned_email_off_gets_none(desk: dict) -> None:
    notifications.notification_settings_save(user=desk["editor"], email=False)
    item = h.queued("Rents rose 40 percent in 2025.")
    note_add(item_id=item.pk, author=desk["reviewer"], text="@editor the index?")

    assert notifications.notification_emails_sweep(now=_later()) == 1

    assert not mail.outbox
    assert Notification.objects.get().email == Email.SKIPPED


@override_settings(
    EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
    EMAIL_HOST="127.0.0.1",
    EMAIL_USE_TLS=False,
    EMAIL_TIMEOUT=2,
)
def test_a_failed_email_stays_pending_for_the_sweep_and_is_given_up_at_last(desk: dict) -> None:
    item = h.queued("Rents rose 40 percent in 2025.")
    note_add(item_id=item.pk, author=desk["reviewer"], text="@editor the index?")
    notification = Notification.objects.get()

    with override_settings(EMAIL_PORT=free_port()):  # nothing listens there
        assert notifications.notification_email_send(notification_id=notification.pk) == "pending"
        for _ in range(notifications.EMAIL_MAX_ATTEMPTS - 1):
            notifications.notification_email_send(notification_id=notification.pk)

    notification.refresh_from_db()
    assert notification.email == Email.FAILED
    assert notification.email_attempts == notifications.EMAIL_MAX_ATTEMPTS
    assert notification.read_at is None  # still in the desk


def _later() -> Any:
    from django.utils import timezone

    return timezone.now() + notifications.SWEEP_AFTER * 2


def test_the_desk_shows_the_count_the_list_and_marks_read(desk: dict) -> None:
    reviewer, editor = desk["reviewer"], desk["editor"]
    item = h.queued("Rents rose 40 percent in 2025.")
    other = h.queued("Bus fares doubled.")
    note_add(item_id=item.pk, author=reviewer, text="@editor the index?")
    note_add(item_id=item.pk, author=reviewer, text="@editor and the 2024 one?")
    note_add(item_id=other.pk, author=reviewer, text="@editor fares?")
    client = Client()
    client.force_login(editor)

    start = client.get(reverse("admin:index")).content.decode()
    assert 'id="start-notifications"' in start
    assert start.split('id="start-notifications"')[1].split("</a>")[0].count(">3<") == 1
    claim = client.get(reverse("admin:reviews_reviewitem_change", args=[item.pk])).content
    assert b"2 new notifications about this claim" in claim and b"(just now)" in claim
    workspace = client.get(reverse("admin:reviews_reviewitem_work", args=[item.pk])).content
    assert b"2 new notifications about this claim" in workspace and b'id="notes"' in workspace
    listing = client.get(reverse("desk-notifications")).content.decode()
    assert listing.count('class="notification notification-unread"') == 3
    assert listing.count("just now") == 3 and "0\xa0minutes" not in listing

    client.post(reverse("desk-notifications-read"), {"item": item.pk, "next": "/admin/"})
    assert Notification.objects.filter(read_at__isnull=True).count() == 1
    client.post(reverse("desk-notifications-read"), {"next": "https://evil.example/"})
    client.post(reverse("desk-notifications-read"), {"all": "1"})
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    claim = client.get(reverse("admin:reviews_reviewitem_change", args=[item.pk])).content
    assert b"new notification" not in claim


def test_each_user_turns_email_off_and_on_in_the_desk(desk: dict) -> None:
    client = Client()
    client.force_login(desk["reviewer"])
    page = client.get(reverse("desk-notifications"))
    assert page.context["form"]["email"].value() is True

    off = client.post(reverse("desk-notifications"), {})

    assert off.status_code == 302
    assert not notifications.notification_settings_get(user=desk["reviewer"]).email
    assert client.get(reverse("desk-notifications")).context["form"]["email"].value() is False
    client.post(reverse("desk-notifications"), {"email": "on"})
    assert notifications.notification_settings_get(user=desk["reviewer"]).email


class _SmtpServer:
    """A small SMTP server on loopback that keeps each message it is given."""

    def __init__(self) -> None:
        self.messages: list[bytes] = []
        messages = self.messages

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                self.wfile.write(b"220 test ESMTP\r\n")
                body: list[bytes] | None = None
                while line := self.rfile.readline():
                    if body is not None:
                        if line.rstrip(b"\r\n") == b".":
                            messages.append(b"".join(body))
                            body = None
                            self.wfile.write(b"250 queued\r\n")
                        else:
                            body.append(line)
                        continue
                    verb = line[:4].upper()
                    if verb == b"DATA":
                        body = []
                        self.wfile.write(b"354 go on\r\n")
                    elif verb == b"QUIT":
                        self.wfile.write(b"221 bye\r\n")
                        return
                    else:
                        self.wfile.write(b"250 ok\r\n")

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def smtp_worker(monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A real Celery worker configured, as production is, to send by SMTP (to _SmtpServer)."""
    server = _SmtpServer()
    monkeypatch.setenv("FACTCHECK_EMAIL_HOST", "127.0.0.1")
    monkeypatch.setenv("FACTCHECK_EMAIL_PORT", str(server.port))
    monkeypatch.setenv("FACTCHECK_EMAIL_SECURITY", "none")
    request.getfixturevalue("celery_worker")
    yield server
    server.close()


@pytest.mark.django_db(transaction=True)
def test_a_worker_emails_a_mention_by_smtp_after_commit(
    smtp_worker: _SmtpServer, desk_roles: None
) -> None:
    demo_accounts_ensure(password="pw")
    users = get_user_model().objects
    item = h.queued("Rents rose 40 percent in 2025.")

    note_add(item_id=item.pk, author=users.get(username="reviewer"), text="@editor the index?")

    wait_until(lambda: Notification.objects.get().email == Email.SENT, timeout=60)
    wait_until(lambda: len(smtp_worker.messages) == 1, timeout=10)
    (message,) = smtp_worker.messages
    assert b"To: editor@example.org" in message
    assert b"reviewer mentioned you in a note" in message


def test_no_unread_notifications_are_not_raised_on_the_start_page(desk: dict) -> None:
    reviewer, editor = desk["reviewer"], desk["editor"]
    client = Client()
    client.force_login(editor)

    card = client.get(reverse("admin:index")).content.decode()
    card = card.split('id="start-notifications"')[1].split("</a>")[0]
    assert "desk-card-quiet" in card and "desk-card-alert" not in card

    note_add(item_id=h.queued("Bus fares doubled.").pk, author=reviewer, text="@editor fares?")
    card = client.get(reverse("admin:index")).content.decode()
    card = card.split('id="start-notifications"')[1].split("</a>")[0]
    assert "desk-card-quiet" not in card
