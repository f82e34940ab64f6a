"""URL canonicalisation: one article, one URL, whatever tracking junk it arrived with."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

# Query parameters that identify a campaign or a click, never the article.
TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "msclkid",
        "mc_cid",
        "mc_eid",
        "igshid",
        "ref",
        "ref_src",
        "cmpid",
        "ito",
        "ns_mchannel",
        "ns_source",
        "ns_campaign",
        "ocid",
        "smid",
        "taid",
    }
)


MAX_URL_LENGTH = 2000
# The longest name DNS allows; Publisher.domain holds as much.
MAX_HOST_LENGTH = 253


def usable_url(url: str) -> bool:
    """An http(s) URL that it, its canonical form and its host fit the database columns."""
    # PostgreSQL text takes no NUL and UTF-8 no lone surrogate; neither is in a real address.
    if any(c < " " or "\ud800" <= c <= "\udfff" for c in url):
        return False
    canonical = canonicalize_url(url)
    # Canonical query parameters are percent-encoded again: "é" grows six-fold, "a&" to "a=&".
    if max(len(url), len(canonical)) > MAX_URL_LENGTH:
        return False
    if not canonical.startswith(("http://", "https://")):
        return False
    host = urlsplit(canonical).hostname
    return bool(host) and len(host) <= MAX_HOST_LENGTH  # type: ignore[arg-type]


def canonicalize_url(url: str) -> str:
    """Lower-case scheme and host, drop default ports, fragments and tracking parameters."""
    url = url.strip()
    if not url:
        return ""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        # A malformed port or host: not a URL anything can be fetched from or deduped by.
        return ""
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    query = [
        (key, value)
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
        if key.lower() not in TRACKING_PARAMS and not key.lower().startswith("utm_")
    ]
    path = parts.path or "/"
    return urlunsplit((scheme, host, path, urlencode(sorted(query)), ""))


def url_domain(url: str) -> str:
    """The host without a leading www., for grouping articles by publisher."""
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""
    return host.removeprefix("www.")
