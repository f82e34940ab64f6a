"""Repeated wrong passwords on the admin login lock the user and the address out, for a while."""

from __future__ import annotations

import logging
import time
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db

BEHIND_PROXY = {
    "AXES_IPWARE_META_PRECEDENCE_ORDER": ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"),
    "AXES_IPWARE_PROXY_COUNT": 0,
}


@pytest.fixture
def editor() -> None:
    get_user_model().objects.create_user("editor", password="right", is_staff=True)
    get_user_model().objects.create_user("other", password="right", is_staff=True)


def _login(client: Client, username: str, password: str, **extra: str) -> int:
    response = client.post(
        "/admin/login/?next=/admin/", {"username": username, "password": password}, **extra
    )
    return int(response.status_code)


def test_thirty_wrong_passwords_lock_the_user_out_and_are_logged(
    editor: None, settings: object, caplog: pytest.LogCaptureFixture
) -> None:
    limit = settings.AXES_FAILURE_LIMIT  # type: ignore[attr-defined]
    client = Client()
    with caplog.at_level(logging.INFO):
        answers = [_login(client, "editor", f"guess-{n}") for n in range(30)]

    # The form answers 200 ("wrong password") until the limit, then the lockout (429).
    assert answers[: limit - 1] == [200] * (limit - 1)
    assert set(answers[limit:]) == {429}
    assert _login(client, "editor", "right") == 429, "the right password does not help now"
    # Logged (username and address masked in the log), and listed for staff in admin's
    # "Access attempts" with the username and address.
    assert "Locking out" in caplog.text
    attempt = AccessAttempt.objects.get(username="editor")
    assert attempt.failures_since_start >= limit and attempt.ip_address == "127.0.0.1"


def test_the_lock_is_per_user_whatever_the_address(editor: None, settings: object) -> None:
    limit = settings.AXES_FAILURE_LIMIT  # type: ignore[attr-defined]
    for n in range(limit):
        _login(Client(REMOTE_ADDR=f"198.51.100.{n + 1}"), "editor", "wrong")

    assert _login(Client(REMOTE_ADDR="198.51.100.200"), "editor", "right") == 429
    assert _login(Client(REMOTE_ADDR="198.51.100.200"), "other", "right") == 302


def test_the_lock_is_per_address_whatever_the_user(editor: None, settings: object) -> None:
    limit = settings.AXES_FAILURE_LIMIT  # type: ignore[attr-defined]
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    for n in range(limit):
        _login(attacker, f"user{n}", "wrong")

    assert _login(attacker, "other", "right") == 429
    assert _login(Client(REMOTE_ADDR="203.0.113.8"), "other", "right") == 302


def test_the_lockout_expires(editor: None, settings: object) -> None:
    settings.AXES_COOLOFF_TIME = timedelta(seconds=2)  # type: ignore[attr-defined]
    limit = settings.AXES_FAILURE_LIMIT  # type: ignore[attr-defined]
    client = Client()
    for _ in range(limit):
        _login(client, "editor", "wrong")
    assert _login(client, "editor", "right") == 429

    time.sleep(2.5)

    assert _login(client, "editor", "right") == 302


@override_settings(**BEHIND_PROXY)
def test_behind_the_proxy_the_address_is_the_one_the_proxy_appends(
    editor: None, settings: object
) -> None:
    limit = settings.AXES_FAILURE_LIMIT  # type: ignore[attr-defined]
    # Every request comes from the proxy (REMOTE_ADDR); the client's address is the entry the
    # proxy appended last. The attacker varies what it writes in front of it, to no avail.
    for n in range(limit):
        spoofed = f"10.9.8.{n}, 192.0.2.{n}, 203.0.113.50"
        _login(Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=spoofed), f"u{n}", "wrong")

    locked = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.50")
    assert _login(locked, "other", "right") == 429
    # Another client behind the same proxy is not locked out with the attacker.
    elsewhere = Client(REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="203.0.113.51")
    assert _login(elsewhere, "other", "right") == 302


def test_the_test_clients_login_still_works(editor: None) -> None:
    # Logins without a request (the test client's, management code) are not counted.
    assert Client().login(username="editor", password="right")
