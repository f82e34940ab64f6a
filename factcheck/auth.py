"""The admin login's brute-force guard: django-axes' lockout check as the first backend."""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from django.http import HttpRequest


class LoginLockoutBackend(AxesStandaloneBackend):
    """Refuses logins from a locked-out user or address, then lets ModelBackend check the
    password.

    Axes counts failures per request (its address); a login without one (Django's test client
    `login()`, code calling `authenticate()` directly) has no address to count, so it is left
    to the next backend, as axes' documentation suggests for callers that pass no request.
    Every login over HTTP, the admin's form included, passes its request.
    """

    def authenticate(  # type: ignore[override]
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> None:
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)  # type: ignore[no-any-return]
