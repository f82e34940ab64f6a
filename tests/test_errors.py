"""Error answers: 503 while the database is unreachable, and no traceback in a 500."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.test import Client, override_settings
from django.urls import path

from tests.conftest import free_port
from tests.factories import UserFactory


def _crash(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("secret detail from deep inside")


urlpatterns = [path("crash", _crash)]
handler500 = "factcheck.errors.server_error"


@pytest.fixture
def database_unreachable(db: None) -> Iterator[None]:
    """The web's database connection pointed at a port where nothing listens."""
    from django.db import connections

    # The test's transaction stays open on the real connection; requests get a fresh one.
    unreachable = connections.create_connection("default")
    unreachable.settings_dict = dict(connection.settings_dict, PORT=str(free_port()))
    original = connections["default"]
    connections["default"] = unreachable
    try:
        yield
    finally:
        unreachable.close()
        connections["default"] = original


@pytest.mark.django_db
def test_a_view_that_needs_the_database_answers_503_while_it_is_unreachable(
    database_unreachable: None,
) -> None:
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = "no-such-session"

    response = client.get("/admin/")

    assert response.status_code == 503
    assert response["Retry-After"]
    assert b"database is unavailable" in response.content
    assert b"Traceback" not in response.content and b"5432" not in response.content


@pytest.mark.django_db
def test_the_503_is_json_for_clients_that_ask_for_json(database_unreachable: None) -> None:
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = "no-such-session"

    response = client.get("/admin/", HTTP_ACCEPT="application/json")

    assert response.status_code == 503
    body = response.json()
    assert "unavailable" in body["detail"]
    assert body["request_id"] == response["X-Request-ID"]


@override_settings(ROOT_URLCONF="tests.test_errors")
def test_an_unexpected_error_answers_500_without_the_exception() -> None:
    client = Client(raise_request_exception=False)

    response = client.get("/crash")

    assert response.status_code == 500
    assert b"Internal server error" in response.content
    assert b"secret detail" not in response.content and b"RuntimeError" not in response.content


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        "status__exact=%00",
        "claim_type__exact=a%00",
        "q=x&o=%00",
        "%00=1",
    ],
)
def test_a_nul_in_a_query_parameter_is_400_naming_it(query: str) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory(is_superuser=True))

    for page in ("/admin/reviews/reviewitem/", "/admin/claims/article/", "/admin/claims/claim/"):
        response = client.get(f"{page}?{query}")
        assert response.status_code == 400, (page, response.content[:200])
        assert b"Null characters are not allowed" in response.content
