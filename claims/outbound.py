"""Every request the desk sends out: article fetches, feed polls, evidence archiving, ClaimReview
imports and webhooks.

Two guards apply to all of them:

- **SSRF.** The host is resolved once, every address it resolves to must be public (or in
  FACTCHECK_FETCH_ALLOWED_NETWORKS), and the connection goes to that checked address, never to
  a second lookup (DNS rebinding). Every redirect hop is checked the same way.
- **A total wall-clock deadline** covering resolution, connect, TLS, headers and body. A
  per-read timeout alone lets a peer that sends one byte every few seconds hold a worker for
  ever; here a watchdog shuts the socket down when the deadline passes, whatever it is doing.

Errors carry two texts: the detail (addresses, resolver messages) for logs and admin, and a
generic `public` one with a reference for API clients, so a refusal is no oracle for the
internal network.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import logging
import secrets
import socket
import ssl
import threading
import time
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any
from urllib.parse import SplitResult, urljoin, urlsplit

import certifi
from django.conf import settings
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError
from urllib3.exceptions import HTTPError as Urllib3Error
from urllib3.response import BaseHTTPResponse

logger = logging.getLogger(__name__)

RETRYABLE_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
READ_CHUNK = 64 * 1024

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

# Metadata services that sit on ordinary-looking addresses (Azure's wire server is public
# address space, Alibaba's is carrier-grade NAT); the link-local and ULA ones are caught anyway.
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(address)
    for address in ("169.254.169.254", "fd00:ec2::254", "100.100.100.200", "168.63.129.16")
)

# What API clients are told. Which of the two does not depend on what a name resolves to:
# "address not allowed" only for an address written in the URL (the client knows it already),
# so a refusal never tells whether an internal name exists.
ADDRESS_NOT_ALLOWED = "address not allowed"
COULD_NOT_FETCH = "could not fetch"


class OutboundError(Exception):
    """A request that could not be made or answered. `retryable`: trying later may help.

    `str()` is the detail with a reference, for logs and admin; `public` is what an API client
    may read, with the same reference.
    """

    def __init__(
        self,
        detail: str,
        *,
        retryable: bool = False,
        status: int | None = None,
        public: str = COULD_NOT_FETCH,
    ) -> None:
        self.reference = secrets.token_hex(5)
        self.detail = detail
        self.retryable = retryable
        self.status = status
        self.public = f"{public} (reference {self.reference})"
        super().__init__(f"{detail} (reference {self.reference})")


@dataclass(frozen=True)
class FetchResult:
    url: str  # the URL after redirects
    status: int
    content: bytes
    content_type: str = ""
    charset: str = ""
    headers: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PostResult:
    status: int
    excerpt: bytes  # the start of the answer, never all of it


class Deadline:
    """A wall-clock limit on one exchange, enforced at the socket.

    Each socket it watches is duplicated; when the time is up a timer thread shuts the
    connection down through the duplicate, which wakes any read, write or TLS handshake
    blocked on it (shutdown acts on the connection, whichever descriptor names it).
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expires = time.monotonic() + seconds
        self.expired = False
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> Deadline:
        self._timer.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._timer.cancel()
        with self._lock:
            for sock in self._sockets:
                sock.close()
            self._sockets.clear()

    def remaining(self) -> float:
        return self.expires - time.monotonic()

    def passed(self) -> bool:
        return self.expired or self.remaining() <= 0

    def watch(self, sock: socket.socket) -> None:
        duplicate = sock.dup()
        with self._lock:
            self._sockets.append(duplicate)
            if self.expired:
                _shutdown(duplicate)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shutdown(sock)


def _shutdown(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):  # already closed by the peer or by us
        sock.shutdown(socket.SHUT_RDWR)


class _WatchedConnection(HTTPConnection):
    deadline: Deadline

    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        self.deadline.watch(sock)
        return sock


class _WatchedHTTPSConnection(HTTPSConnection):
    deadline: Deadline

    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        self.deadline.watch(sock)  # before the TLS handshake, which a peer can trickle too
        return sock


def http_fetch(
    url: str, *, headers: dict[str, str] | None = None, deadline: float | None = None
) -> FetchResult:
    """GET `url` following at most FACTCHECK_FETCH_MAX_REDIRECTS checked redirects, within the
    size cap and one deadline (FACTCHECK_FETCH_DEADLINE) for the whole of it."""
    seconds = settings.FACTCHECK_FETCH_DEADLINE if deadline is None else deadline
    max_bytes = settings.FACTCHECK_FETCH_MAX_BYTES
    request_headers = {
        "User-Agent": settings.FACTCHECK_USER_AGENT,
        "Accept-Encoding": "gzip, deflate",
        **(headers or {}),
    }
    current = url
    with Deadline(seconds) as clock:
        for _hop in range(settings.FACTCHECK_FETCH_MAX_REDIRECTS + 1):
            connection, response = _exchange(
                "GET", current, body=None, headers=request_headers, clock=clock
            )
            try:
                if response.status in REDIRECT_STATUSES and response.headers.get("Location"):
                    try:
                        current = urljoin(current, response.headers["Location"])
                    except ValueError as exc:  # "http://[::1"
                        raise OutboundError(
                            f"{current} redirects to a malformed URL: {exc}"
                        ) from exc
                    continue
                if response.status in REDIRECT_STATUSES:
                    raise OutboundError(f"redirect without a Location from {current}")
                if response.status == 304:
                    return FetchResult(current, 304, b"", headers=dict(response.headers))
                if response.status >= 400:
                    raise OutboundError(
                        f"HTTP {response.status} fetching {current}",
                        retryable=response.status in RETRYABLE_STATUSES,
                        status=response.status,
                    )
                body = _read_body(response, current, clock, max_bytes)
                content_type = response.headers.get("Content-Type", "")
                return FetchResult(
                    url=current,
                    status=response.status,
                    content=body,
                    content_type=content_type.split(";")[0].strip().lower(),
                    charset=_charset(content_type),
                    headers=dict(response.headers),
                )
            finally:
                response.release_conn()
                connection.close()
    raise OutboundError(f"more than {settings.FACTCHECK_FETCH_MAX_REDIRECTS} redirects from {url}")


def http_post(
    url: str, *, body: bytes, headers: dict[str, str], deadline: float, excerpt_bytes: int = 2000
) -> PostResult:
    """POST `body` to `url` (no redirect is followed) within `deadline` seconds in all; reads
    only the start of the answer."""
    with Deadline(deadline) as clock:
        connection, response = _exchange("POST", url, body=body, headers=headers, clock=clock)
        try:
            excerpt = b""
            if not 200 <= response.status < 300:
                # The status is what counts; the excerpt is only for the log.
                with contextlib.suppress(Urllib3Error, http.client.HTTPException, OSError):
                    excerpt = response.read(excerpt_bytes, decode_content=False) or b""
            return PostResult(status=response.status, excerpt=excerpt)
        finally:
            response.release_conn()
            connection.close()


def address_check(url: str, *, deadline: float | None = None) -> None:
    """Refuse `url` unless its host resolves, within the deadline, only to allowed addresses."""
    seconds = settings.FACTCHECK_FETCH_TIMEOUT if deadline is None else deadline
    with Deadline(seconds) as clock:
        _public_addresses(url, clock)


def _exchange(
    method: str,
    url: str,
    *,
    body: bytes | None,
    headers: dict[str, str],
    clock: Deadline,
) -> tuple[HTTPConnection, BaseHTTPResponse]:
    """Send one request to the checked addresses of `url` in turn; return the open answer."""
    parts = _split(url)
    addresses = _public_addresses(url, clock)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    # The Host header names the host asked for; the connection goes to the checked address.
    sent_headers = {"Host": parts.netloc.rpartition("@")[2], **headers}
    for index, address in enumerate(addresses):
        connection = _connection(parts.scheme, str(address), port, host, clock)
        try:
            connection.timeout = _op_timeout(clock)
            connection.request(
                method, target, body=body, headers=sent_headers, preload_content=False
            )
            connection.timeout = _op_timeout(clock)
            response = connection.getresponse()
            # Headers cut off by the watchdog end like headers that ended: the clock tells.
            if clock.expired:
                connection.close()
                raise _too_slow(url, clock)
            return connection, response
        except OutboundError:
            connection.close()
            raise
        except (Urllib3Error, http.client.HTTPException, OSError, ValueError) as exc:
            connection.close()
            if clock.passed():
                raise _too_slow(url, clock) from exc
            if isinstance(exc, NewConnectionError | ConnectTimeoutError) and index + 1 < len(
                addresses
            ):
                continue  # an unreachable address (no IPv6 route, a dead server): the next one
            raise _transport_error(url, exc) from exc
    raise AssertionError("unreachable: addresses is never empty")


def _connection(
    scheme: str, address: str, port: int, hostname: str, clock: Deadline
) -> HTTPConnection:
    connection: HTTPConnection
    if scheme == "https":
        # TLS still sends and verifies the name (SNI, certificate), not the address.
        connection = _WatchedHTTPSConnection(
            address,
            port,
            server_hostname=hostname,
            assert_hostname=hostname,
            cert_reqs=ssl.CERT_REQUIRED,
            ca_certs=certifi.where(),
        )
    else:
        connection = _WatchedConnection(address, port)
    connection.deadline = clock  # type: ignore[attr-defined]
    return connection


def _op_timeout(clock: Deadline) -> float:
    remaining = clock.remaining()
    if remaining <= 0:
        raise OutboundError(f"no full response within {clock.seconds:g} s", retryable=True)
    return min(settings.FACTCHECK_FETCH_TIMEOUT, remaining)


def _read_body(response: BaseHTTPResponse, url: str, clock: Deadline, max_bytes: int) -> bytes:
    try:
        declared = int(response.headers.get("Content-Length") or 0)
    except ValueError:
        declared = 0  # a lying header; the streamed size is checked anyway
    if declared > max_bytes:
        raise OutboundError(_too_large(url, declared, max_bytes))
    body = bytearray()
    try:
        while chunk := response.read(READ_CHUNK):
            body.extend(chunk)
            if len(body) > max_bytes:
                raise OutboundError(_too_large(url, len(body), max_bytes))
    except (Urllib3Error, http.client.HTTPException, OSError) as exc:
        if clock.passed():
            raise _too_slow(url, clock) from exc
        raise OutboundError(f"connection broke reading {url}: {exc}", retryable=True) from exc
    # A body without a length ends when the connection does, and so does one cut off by the
    # watchdog: only the clock tells them apart.
    if clock.expired:
        raise _too_slow(url, clock)
    return bytes(body)


def _too_slow(url: str, clock: Deadline) -> OutboundError:
    return OutboundError(
        f"{url} is too slow: no full response within {clock.seconds:g} s", retryable=True
    )


def _transport_error(url: str, exc: BaseException) -> OutboundError:
    if isinstance(exc, TimeoutError) or "timed out" in str(exc).lower():
        return OutboundError(f"timed out fetching {url}", retryable=True)
    if isinstance(exc, ValueError):
        return OutboundError(f"not a fetchable URL {url!r}: {exc}")
    return OutboundError(f"could not fetch {url}: {exc}", retryable=True)


def _split(url: str) -> SplitResult:
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError for "http://x:abc/")
    except ValueError as exc:  # "http://[::1": a bracket left open
        raise OutboundError(f"not a fetchable URL {url!r}: {exc}") from exc
    if parts.scheme not in ("http", "https"):
        raise OutboundError(f"only http and https URLs can be fetched, not {url!r}")
    if not parts.hostname:
        raise OutboundError(f"not a fetchable URL {url!r}: no host")
    return parts


def _allowed_networks() -> list[Network]:
    return [
        ipaddress.ip_network(network, strict=False)
        for network in settings.FACTCHECK_FETCH_ALLOWED_NETWORKS
    ]


def _public_addresses(url: str, clock: Deadline) -> list[IPAddress]:
    """Resolve the host of `url`; refuse it if any address is internal and not allowlisted."""
    parts = _split(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    literal = _is_literal(host)
    infos = _resolve(host, port, clock)
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _canonname, sockaddr in infos:
        # The scope of a link-local IPv6 address ("fe80::1%eth0") is not part of the address.
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    # Refused if *any* address is internal: a name may carry one public and one private
    # record, and the connection could go to either.
    allowed = _allowed_networks()
    for address in addresses:
        reason = _internal_reason(address)
        if reason and not _is_allowed(address, allowed):
            raise OutboundError(
                f"{host} resolves to a private address ({address}, {reason}); refusing to "
                f"fetch {url} (FACTCHECK_FETCH_ALLOWED_NETWORKS lists exceptions)",
                public=ADDRESS_NOT_ALLOWED if literal else COULD_NOT_FETCH,
            )
    if not addresses:
        raise OutboundError(f"could not resolve {host}: no addresses", retryable=True)
    return addresses


def _is_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    return True


def _resolve(host: str, port: int, clock: Deadline) -> list[Any]:
    """getaddrinfo within the deadline: a resolver that never answers must not hold a worker."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["infos"] = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except UnicodeError as exc:
            outcome["error"] = OutboundError(f"not a fetchable host {host!r}: {exc}")
        except OSError as exc:  # gaierror: no such name, or the resolver is down
            outcome["error"] = OutboundError(f"could not resolve {host}: {exc}", retryable=True)

    resolver = threading.Thread(target=run, name="outbound-resolve", daemon=True)
    resolver.start()
    resolver.join(max(clock.remaining(), 0))
    if resolver.is_alive():
        raise OutboundError(f"could not resolve {host} within {clock.seconds:g} s", retryable=True)
    if "error" in outcome:
        raise outcome["error"]
    return list(outcome["infos"])


def _internal_reason(address: IPAddress) -> str:
    """Why `address` must not be connected to, or "" for an ordinary public address."""
    if isinstance(address, ipaddress.IPv6Address):
        # ::ffff:10.0.0.1 and 2002:a00:1:: reach the IPv4 address they embed.
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is not None:
            reason = _internal_reason(embedded)
            return f"{reason} via IPv6" if reason else ""
    if address in METADATA_ADDRESSES:
        return "cloud metadata"
    for reason, flag in (
        ("unspecified", address.is_unspecified),
        ("loopback", address.is_loopback),
        ("link-local", address.is_link_local),
        ("multicast", address.is_multicast),
        ("private", address.is_private),
        ("reserved", address.is_reserved),
        # Shared (100.64/10), benchmarking, documentation and the like: not the open web.
        ("not globally routable", not address.is_global),
    ):
        if flag:
            return reason
    return ""


def _is_allowed(address: IPAddress, allowed: list[Network]) -> bool:
    candidates: list[IPAddress] = [address]
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        candidates.append(address.ipv4_mapped)
    return any(
        candidate.version == network.version and candidate in network
        for candidate in candidates
        for network in allowed
    )


def _charset(content_type: str) -> str:
    for parameter in content_type.split(";")[1:]:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset":
            return value.strip().strip("\"'")
    return ""


def _too_large(url: str, size: int, limit: int) -> str:
    return (
        f"{url} is larger than the {limit // 1024} KiB limit (FACTCHECK_FETCH_MAX_BYTES); "
        f"got at least {size // 1024} KiB"
    )
