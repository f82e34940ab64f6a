"""`/metrics` for Prometheus, answered only to the monitoring network or a bearer token.

Metrics name queues, volumes and error rates: useful to an attacker, so nobody else gets them.
The client address is the socket's (`REMOTE_ADDR`), never a forwarded header a client can
forge; scrape the web processes directly, not through the public proxy, or use the token.
"""

from __future__ import annotations

import hmac
import ipaddress
import os

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    generate_latest,
    multiprocess,
)

from factcheck.metrics_state import StateCollector

_state_registry = CollectorRegistry(auto_describe=False)
_state_registry.register(StateCollector())


def process_registry() -> CollectorRegistry:
    """Every process's counters when they are kept in files, else this process's own."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    return REGISTRY


def scrape_allowed(request: HttpRequest) -> bool:
    token = settings.FACTCHECK_METRICS_TOKEN
    if token:
        given = request.headers.get("Authorization", "")
        if hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
            return True
    try:
        client = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(client in network for network in settings.FACTCHECK_METRICS_NETWORKS)


@never_cache
@require_safe
def metrics(request: HttpRequest) -> HttpResponse:
    if not scrape_allowed(request):
        return HttpResponse(
            "metrics are only served to FACTCHECK_METRICS_ALLOWED_NETWORKS or with "
            "FACTCHECK_METRICS_TOKEN\n",
            status=403,
            content_type="text/plain; charset=utf-8",
        )
    body = generate_latest(process_registry()) + generate_latest(_state_registry)
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
