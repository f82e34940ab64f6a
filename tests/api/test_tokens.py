"""Tokens: the command, scopes, bad tokens and per-token throttling."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from claims.models import ApiToken, Article
from tests.api import helpers as h

pytestmark = pytest.mark.django_db


def test_create_api_token_prints_a_working_key_on_its_last_line() -> None:
    out = StringIO()
    call_command("create_api_token", "cms", "--scopes", "read,search", stdout=out)
    key = out.getvalue().strip().splitlines()[-1]

    token = ApiToken.objects.get(name="cms")
    assert token.scopes == ["read", "search"]
    assert key not in token.key_hash and token.key_hash == ApiToken.hash_key(key)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    assert api.get("/api/v1/fact-checks/").status_code == 200
    assert (
        api.post("/api/v1/articles/", {"url": "https://x.example.com/"}, format="json").status_code
        == 403
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["x", "--scopes", "read,admin"], "unknown scope"),
        (["x", "--scopes", ""], "at least one scope"),
        (["", "--scopes", "read"], "needs a name"),
    ],
)
def test_create_api_token_refuses_bad_requests(args: list[str], message: str) -> None:
    with pytest.raises(CommandError, match=message):
        call_command("create_api_token", *args, stdout=StringIO())


@pytest.mark.parametrize(
    "header",
    ["", "Token", "Token fc_nope", "Token a b", "Basic dXNlcjpwYXNz", "Token \u00e9\u00e9"],
)
def test_missing_or_bad_tokens_are_401(header: str) -> None:
    api = APIClient()
    if header:
        api.credentials(HTTP_AUTHORIZATION=header)
    response = api.get("/api/v1/fact-checks/")
    assert response.status_code == 401
    assert response.json()["detail"]


def test_a_deactivated_token_is_refused() -> None:
    api = h.client("read")
    ApiToken.objects.filter(pk=api.token.pk).update(active=False)
    response = api.get("/api/v1/fact-checks/")
    assert response.status_code == 401 and "deactivated" in response.json()["detail"]


@pytest.mark.parametrize(
    ("scope", "method", "path"),
    [
        ("search", "get", "/api/v1/fact-checks/"),
        ("submit", "get", "/api/v1/fact-checks/1/claimreview/"),
        ("read", "get", "/api/v1/search/?q=taxes"),
        ("read", "post", "/api/v1/articles/"),
        ("search", "get", "/api/v1/articles/1/"),
    ],
)
def test_a_token_without_the_scope_is_403_naming_it(scope: str, method: str, path: str) -> None:
    response = getattr(h.client(scope), method)(path)
    assert response.status_code == 403
    assert "scope" in response.json()["detail"]


def test_each_token_has_its_own_throttle(settings: object) -> None:
    cache.clear()
    rates = dict(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"])  # type: ignore[attr-defined]
    rates["read"] = "3/min"
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}  # type: ignore[attr-defined]
    first, second = h.client("read"), h.client("read")
    try:
        assert [first.get("/api/v1/fact-checks/").status_code for _ in range(4)] == [
            200,
            200,
            200,
            429,
        ]
        assert second.get("/api/v1/fact-checks/").status_code == 200
        assert "Retry-After" in first.get("/api/v1/fact-checks/")
    finally:
        cache.clear()


class _Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_the_throttle_window_slides_and_refusals_use_no_budget(settings: object) -> None:
    from types import SimpleNamespace

    from claims.api.throttling import TokenRateThrottle

    cache.clear()
    rates = dict(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"])  # type: ignore[attr-defined]
    rates["read"] = "3/min"
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}  # type: ignore[attr-defined]
    clock = _Clock(6_000_000 * 60 + 50.0)  # ten seconds before a window ends
    request = SimpleNamespace(auth=h.client("read").token)
    view = SimpleNamespace(throttle_scope="read")

    def allowed() -> bool:
        throttle = TokenRateThrottle()
        throttle.timer = clock  # type: ignore[assignment,method-assign]
        return throttle.allow_request(request, view)  # type: ignore[arg-type]

    try:
        assert [allowed() for _ in range(4)] == [True, True, True, False]
        clock.now += 15  # the next window: the last one's three still count almost whole
        assert [allowed() for _ in range(5)] == [False] * 5
        clock.now += 30  # half of the last window's share has slid out
        assert [allowed() for _ in range(3)] == [True, False, False]
    finally:
        cache.clear()


def test_without_redis_the_throttle_lets_requests_through(settings: object) -> None:
    from tests.conftest import free_port

    api = h.client("read", "submit")
    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"  # type: ignore[attr-defined]

    listed = api.get("/api/v1/fact-checks/")
    pushed = api.post(
        "/api/v1/articles/",
        {"title": "Cuts", "text": "The council cut the budget by 5 percent in 2025."},
        format="json",
    )

    assert listed.status_code == 200
    assert pushed.status_code == 202 and Article.objects.exists()
