"""Fetching refuses internal addresses before connecting, on the first request and every hop."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from django.test import override_settings

from claims.outbound import OutboundError, http_fetch
from tests.conftest import LocalWebServer, Route

PRIVATE = "resolves to a private address"


@pytest.fixture
def connects(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[object]]:
    """Every address a Python socket connects to while the test runs (observed, not faked)."""
    seen: list[object] = []
    real_connect = socket.socket.connect

    def connect(self: socket.socket, address: object) -> None:
        seen.append(address)
        real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    yield seen


@pytest.mark.parametrize(
    "url",
    [
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/",
        "http://10.0.0.1/",
        "http://[::ffff:10.0.0.1]/",
        "http://0.0.0.0/",
    ],
)
@override_settings(FACTCHECK_FETCH_ALLOWED_NETWORKS=[])
def test_internal_addresses_are_refused_without_connecting(
    url: str, connects: list[object]
) -> None:
    with pytest.raises(OutboundError, match=PRIVATE) as refused:
        http_fetch(url)

    assert refused.value.retryable is False
    assert connects == []


@override_settings(FACTCHECK_FETCH_ALLOWED_NETWORKS=[])
def test_loopback_is_refused_without_the_request_reaching_the_server(
    web: LocalWebServer, connects: list[object]
) -> None:
    web.routes["/"] = Route(b"<html>internal admin</html>")

    with pytest.raises(OutboundError, match=PRIVATE) as refused:
        http_fetch(web.url("/"))

    assert refused.value.retryable is False
    assert web.requests == []
    assert connects == []


@override_settings(FACTCHECK_FETCH_ALLOWED_NETWORKS=[])
def test_a_name_resolving_to_loopback_is_refused(web: LocalWebServer) -> None:
    port = web.server.server_address[1]

    with pytest.raises(OutboundError, match=PRIVATE):
        http_fetch(f"http://localhost:{port}/")

    assert web.requests == []


@override_settings(FACTCHECK_FETCH_ALLOWED_NETWORKS=["127.0.0.1/32"])
def test_a_redirect_to_a_private_address_is_refused_at_the_hop(
    web: LocalWebServer, connects: list[object]
) -> None:
    web.routes["/moved"] = Route(b"", status=302, headers={"Location": "http://10.1.2.3/"})

    with pytest.raises(OutboundError, match=f"10.1.2.3 {PRIVATE}") as refused:
        http_fetch(web.url("/moved"))

    assert refused.value.retryable is False
    assert web.hits("/moved") == 1
    assert [address[0] for address in connects] == ["127.0.0.1"]  # type: ignore[index]


@override_settings(FACTCHECK_FETCH_ALLOWED_NETWORKS=["127.0.0.0/8", "::1/128"])
def test_an_allowlisted_name_is_fetched_with_its_own_host_header(web: LocalWebServer) -> None:
    # The connection goes to the checked IP, not to a second lookup; the server must still
    # see the name it was asked for.
    web.routes["/page"] = Route(b"<html>hello</html>")
    port = web.server.server_address[1]

    result = http_fetch(f"http://localhost:{port}/page")

    assert result.content == b"<html>hello</html>"
    assert web.requests[0][1]["Host"] == f"localhost:{port}"
