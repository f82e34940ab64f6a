"""HTTP fetching with the limits a crawler on the open web needs."""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from requests.utils import select_proxy
from urllib3 import HTTPConnectionPool

RETRYABLE_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

# Metadata services that sit on ordinary-looking addresses (Azure's wire server is public
# address space, Alibaba's is carrier-grade NAT); the link-local and ULA ones are caught anyway.
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(address)
    for address in ("169.254.169.254", "fd00:ec2::254", "100.100.100.200", "168.63.129.16")
)


class FetchError(Exception):
    """A URL could not be fetched. `retryable` says whether trying later may help."""

    def __init__(self, message: str, *, retryable: bool = False, status: int | None = None):
        super().__init__(message)
        self.retryable = retryable
        self.status = status


@dataclass(frozen=True)
class FetchResult:
    url: str  # the URL after redirects
    status: int
    content: bytes
    content_type: str = ""
    charset: str = ""
    headers: dict[str, str] = field(default_factory=dict)


def http_fetch(url: str, *, headers: dict[str, str] | None = None) -> FetchResult:
    """GET `url` following at most FACTCHECK_FETCH_MAX_REDIRECTS redirects, within size caps."""
    try:
        scheme = urlsplit(url).scheme
    except ValueError as exc:  # "http://[::1": a bracket left open
        raise FetchError(f"not a fetchable URL {url!r}: {exc}") from exc
    if scheme not in ("http", "https"):
        raise FetchError(f"only http and https URLs can be fetched, not {url!r}")
    max_bytes = settings.FACTCHECK_FETCH_MAX_BYTES
    request_headers = {"User-Agent": settings.FACTCHECK_USER_AGENT, **(headers or {})}
    allowed = _allowed_networks()
    current = url
    adapter = _PinnedAdapter()
    with requests.Session() as session:
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        for _hop in range(settings.FACTCHECK_FETCH_MAX_REDIRECTS + 1):
            # Every hop is checked: a public page may redirect to the metadata service.
            addresses = _public_addresses(current, allowed)
            try:
                response = _get_pinned(
                    session,
                    adapter,
                    current,
                    addresses,
                    headers=request_headers,
                    timeout=settings.FACTCHECK_FETCH_TIMEOUT,
                    allow_redirects=False,
                    stream=True,
                )
            except requests.Timeout as exc:
                raise FetchError(f"timed out fetching {current}", retryable=True) from exc
            except (
                requests.exceptions.InvalidURL,
                requests.exceptions.InvalidSchema,
                requests.exceptions.MissingSchema,
            ) as exc:
                raise FetchError(f"not a fetchable URL {current!r}: {exc}") from exc
            except requests.RequestException as exc:
                raise FetchError(f"could not fetch {current}: {exc}", retryable=True) from exc
            except ValueError as exc:
                # requests parses a redirect's Location before returning: "http://[::1".
                raise FetchError(f"{current} redirects to a malformed URL: {exc}") from exc
            with response:
                if response.is_redirect:
                    location = response.headers.get("Location", "")
                    if not location:
                        raise FetchError(f"redirect without a Location from {current}")
                    current = urljoin(current, location)
                    continue
                if response.status_code == 304:
                    return FetchResult(current, 304, b"", headers=dict(response.headers))
                if response.status_code >= 400:
                    raise FetchError(
                        f"HTTP {response.status_code} fetching {current}",
                        retryable=response.status_code in RETRYABLE_STATUSES,
                        status=response.status_code,
                    )
                try:
                    declared = int(response.headers.get("Content-Length") or 0)
                except ValueError:
                    declared = 0  # a lying header; the streamed size is checked anyway
                if declared > max_bytes:
                    raise FetchError(_too_large(current, declared, max_bytes))
                body = bytearray()
                # The timeout bounds each read; a server that trickles bytes is bounded here.
                deadline = time.monotonic() + settings.FACTCHECK_FETCH_TIMEOUT * 3
                try:
                    for chunk in response.iter_content(64 * 1024):
                        body.extend(chunk)
                        if len(body) > max_bytes:
                            raise FetchError(_too_large(current, len(body), max_bytes))
                        if time.monotonic() > deadline:
                            raise FetchError(
                                f"{current} is too slow: no full response within "
                                f"{settings.FACTCHECK_FETCH_TIMEOUT * 3:.0f} s",
                                retryable=True,
                            )
                except requests.RequestException as exc:
                    raise FetchError(
                        f"connection broke reading {current}: {exc}", retryable=True
                    ) from exc
                content_type = response.headers.get("Content-Type", "")
                return FetchResult(
                    url=current,
                    status=response.status_code,
                    content=bytes(body),
                    content_type=content_type.split(";")[0].strip().lower(),
                    charset=response.encoding or "" if "charset" in content_type.lower() else "",
                    headers=dict(response.headers),
                )
    raise FetchError(f"more than {settings.FACTCHECK_FETCH_MAX_REDIRECTS} redirects from {url}")


def _allowed_networks() -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [
        ipaddress.ip_network(network, strict=False)
        for network in settings.FACTCHECK_FETCH_ALLOWED_NETWORKS
    ]


def _public_addresses(
    url: str, allowed: list[ipaddress.IPv4Network | ipaddress.IPv6Network]
) -> list[IPAddress]:
    """Resolve the host of `url`; refuse it if any address is internal and not allowlisted."""
    parts = urlsplit(url)
    try:
        host, port = parts.hostname, parts.port
    except ValueError as exc:
        raise FetchError(f"not a fetchable URL {url!r}: {exc}") from exc
    if not host:
        raise FetchError(f"not a fetchable URL {url!r}: no host")
    port = port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except UnicodeError as exc:
        raise FetchError(f"not a fetchable URL {url!r}: {exc}") from exc
    except OSError as exc:  # gaierror: no such name, or the resolver is down
        raise FetchError(f"could not resolve {host}: {exc}", retryable=True) from exc
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _canonname, sockaddr in infos:
        # The scope of a link-local IPv6 address ("fe80::1%eth0") is not part of the address.
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    # Refused if *any* address is internal: a name may carry one public and one private
    # record, and the connection could go to either.
    for address in addresses:
        reason = _internal_reason(address)
        if reason and not _is_allowed(address, allowed):
            raise FetchError(
                f"{host} resolves to a private address ({address}, {reason}); refusing to "
                f"fetch {url} (FACTCHECK_FETCH_ALLOWED_NETWORKS lists exceptions)",
                retryable=False,
            )
    if not addresses:
        raise FetchError(f"could not resolve {host}: no addresses", retryable=True)
    return addresses


def _internal_reason(address: IPAddress) -> str:
    """Why `address` must not be fetched from, or "" for an ordinary public address."""
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


def _is_allowed(
    address: IPAddress, allowed: list[ipaddress.IPv4Network | ipaddress.IPv6Network]
) -> bool:
    candidates: list[IPAddress] = [address]
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        candidates.append(address.ipv4_mapped)
    return any(
        candidate.version == network.version and candidate in network
        for candidate in candidates
        for network in allowed
    )


def _get_pinned(
    session: requests.Session,
    adapter: _PinnedAdapter,
    url: str,
    addresses: list[IPAddress],
    **kwargs: Any,
) -> requests.Response:
    """GET `url` connecting to the checked `addresses` in turn, as a resolver's caller would."""
    for index, address in enumerate(addresses):
        adapter.address = str(address)
        try:
            return session.get(url, **kwargs)
        except requests.ConnectionError:
            # An unreachable address (no IPv6 route, a dead server): try the next one.
            if index == len(addresses) - 1:
                raise
    raise AssertionError("unreachable: addresses is never empty")


class _PinnedAdapter(HTTPAdapter):
    """Connects to the address that was checked instead of resolving the host again.

    Checking an address and then letting urllib3 resolve the name a second time leaves a
    DNS-rebinding gap: a name with a zero TTL can answer the check with a public address and
    the connection with 169.254.169.254. So the connection pool is keyed on the checked IP,
    the Host header carries the name, and TLS still sends and verifies the name (SNI,
    certificate). Through a proxy (HTTP(S)_PROXY) the proxy resolves the name itself and
    the gap is the proxy's to close.
    """

    address: str = ""

    def get_connection_with_tls_context(
        self,
        request: requests.PreparedRequest,
        verify: bool | str,
        proxies: dict[str, str] | None = None,
        cert: Any = None,
    ) -> HTTPConnectionPool:
        if not self.address or select_proxy(request.url or "", proxies):
            return super().get_connection_with_tls_context(request, verify, proxies, cert)
        host_params, pool_kwargs = self.build_connection_pool_key_attributes(request, verify, cert)
        hostname = host_params["host"]
        host_params["host"] = self.address
        if host_params["scheme"] == "https":
            pool_kwargs["server_hostname"] = hostname
            pool_kwargs["assert_hostname"] = hostname
        return self.poolmanager.connection_from_host(**host_params, pool_kwargs=pool_kwargs)

    def add_headers(self, request: requests.PreparedRequest, **kwargs: Any) -> None:
        # Without it http.client would send the pinned IP as the Host.
        if "Host" not in request.headers:
            request.headers["Host"] = urlsplit(str(request.url)).netloc.rpartition("@")[2]


def _too_large(url: str, size: int, limit: int) -> str:
    return (
        f"{url} is larger than the {limit // 1024} KiB limit (FACTCHECK_FETCH_MAX_BYTES); "
        f"got at least {size // 1024} KiB"
    )
