"""HTTP fetching with the limits a crawler on the open web needs."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import requests
from django.conf import settings

RETRYABLE_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


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
    if urlsplit(url).scheme not in ("http", "https"):
        raise FetchError(f"only http and https URLs can be fetched, not {url!r}")
    max_bytes = settings.FACTCHECK_FETCH_MAX_BYTES
    request_headers = {"User-Agent": settings.FACTCHECK_USER_AGENT, **(headers or {})}
    current = url
    with requests.Session() as session:
        for _hop in range(settings.FACTCHECK_FETCH_MAX_REDIRECTS + 1):
            try:
                response = session.get(
                    current,
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


def _too_large(url: str, size: int, limit: int) -> str:
    return (
        f"{url} is larger than the {limit // 1024} KiB limit (FACTCHECK_FETCH_MAX_BYTES); "
        f"got at least {size // 1024} KiB"
    )
