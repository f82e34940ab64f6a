"""Slow and hostile peers: every outbound request ends by its wall-clock deadline.

The peers are real sockets on loopback that answer a status line and then one byte at a
time: each read returns well within the per-read timeout, so only a deadline on the whole
exchange, enforced at the socket, stops them.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest
from django.test import override_settings

from claims.models import Article, Feed
from claims.outbound import OutboundError, http_fetch
from claims.services import article_fetch, feed_poll, feed_save
from reviews.models import EvidenceSource
from reviews.services import evidence
from reviews.services.claimreviews import ClaimReviewImportError, claimreviews_import_url
from tests.api import helpers as h
from tests.conftest import wait_until
from tests.factories import UserFactory
from tests.security.peers import (
    RawServer,
    huge_headers,
    redirect_to,
    trickle_body,
    trickle_headers,
)

pytestmark = pytest.mark.django_db

DEADLINE = 2.0
# Per read: longer than the gap between the peer's bytes, so reads alone never time out.
PER_READ = 1.0


@pytest.fixture
def peer(request: pytest.FixtureRequest) -> Iterator[RawServer]:
    server = RawServer(request.param())
    yield server
    server.close()


def _archive(url: str) -> str:
    verdict = h.draft(h.queued("Crime fell by half."), UserFactory())
    source = EvidenceSource.objects.filter(verdict=verdict).first()
    assert source is not None
    EvidenceSource.objects.filter(pk=source.pk).update(url=url)
    evidence.evidence_archive(source_id=source.pk)
    source.refresh_from_db()
    return source.fetch_error


def _fetch(url: str) -> str:
    return article_fetch(url=url).article.error


def _poll(url: str) -> str:
    feed = feed_save(feed=Feed(url=url))
    return feed_poll(feed_id=feed.pk).error


def _import(url: str) -> str:
    with pytest.raises(ClaimReviewImportError) as failed:
        claimreviews_import_url(url=url)
    return str(failed.value)


PATHS: dict[str, Callable[[str], str]] = {
    "article fetch": _fetch,
    "feed poll": _poll,
    "evidence archive": _archive,
    "ClaimReview import": _import,
}


@pytest.mark.parametrize("peer", [trickle_headers, trickle_body], indirect=True)
@pytest.mark.parametrize("path", list(PATHS))
@override_settings(FACTCHECK_FETCH_TIMEOUT=PER_READ, FACTCHECK_FETCH_DEADLINE=DEADLINE)
def test_a_peer_that_trickles_bytes_is_cut_off_at_the_deadline_on_every_path(
    peer: RawServer, path: str
) -> None:
    started = time.monotonic()
    error = PATHS[path](peer.url("/slow"))
    elapsed = time.monotonic() - started

    assert "too slow" in error, error
    assert elapsed < DEADLINE + 2, f"{path} took {elapsed:.1f} s"
    # The connection is closed, not left open to the peer (which notices at its next byte).
    wait_until(lambda: peer.open == 0, timeout=5)


@pytest.mark.parametrize("peer", [huge_headers], indirect=True)
def test_endless_header_lines_are_refused_not_collected(peer: RawServer) -> None:
    with pytest.raises(OutboundError) as refused:
        http_fetch(peer.url("/"))

    assert "headers" in str(refused.value)


@pytest.mark.parametrize(
    "peer",
    [lambda: redirect_to("http://10.0.0.7/internal"), lambda: redirect_to("http://[::1]:1/")],
    indirect=True,
)
@pytest.mark.parametrize("path", list(PATHS))
@override_settings(FACTCHECK_FETCH_ALLOWED_NETWORKS=["127.0.0.1/32"])
def test_a_redirect_to_an_internal_address_is_refused_on_every_path(
    peer: RawServer, path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import socket

    connected: list[object] = []
    real_connect = socket.socket.connect

    def connect(self: socket.socket, address: object) -> None:
        connected.append(address)
        real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", connect)

    error = PATHS[path](peer.url("/moved"))

    assert "private address" in error, error
    assert peer.accepted == 1
    assert all(address[0] == "127.0.0.1" for address in connected)  # type: ignore[index]


def test_a_fetch_failure_is_recorded_as_failed_article_with_the_detail_for_the_desk() -> None:
    # Refused without connecting: the detail is kept for the desk, the client reads a summary.
    with override_settings(FACTCHECK_FETCH_ALLOWED_NETWORKS=[]):
        received = article_fetch(url="http://127.0.0.1:9/x")
    article = Article.objects.get(pk=received.article.pk)
    assert "127.0.0.1" in article.error and "loopback" in article.error
    assert article.client_error.startswith("address not allowed (reference ")
    assert article.client_error.split("reference ")[1].rstrip(")") in article.error
