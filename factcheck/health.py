"""Liveness and readiness probes for load balancers and orchestrators.

`/healthz` answers while the process can serve a request at all; `/readyz` also checks what
a request needs (PostgreSQL, Redis, a Celery worker), so traffic is withheld, not the
process restarted, while a dependency is down. Neither writes anything nor needs a login.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from factcheck.celery import app

logger = logging.getLogger(__name__)

# Probes usually time out after a second or a few; a check must answer within that.
CHECK_TIMEOUT = 1.0


class CheckFailed(Exception):
    """A dependency is not usable; the message says how."""


@never_cache
@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@never_cache
@require_safe
def readyz(request: HttpRequest) -> JsonResponse:
    checks: dict[str, Callable[[], str]] = {"database": _check_database}
    if settings.REDIS_URL:
        checks["redis"] = _check_redis
    if not settings.CELERY_TASK_ALWAYS_EAGER:
        checks["celery_worker"] = _check_celery_worker
    results: dict[str, dict[str, str]] = {}
    for name, check in checks.items():
        if name == "celery_worker" and results.get("redis", {}).get("status") == "failing":
            # The ping travels through the broker; with it down, kombu would retry for long.
            results[name] = {"status": "failing", "detail": "broker unreachable"}
            continue
        try:
            results[name] = {"status": "ok", "detail": check()}
        except CheckFailed as exc:
            results[name] = {"status": "failing", "detail": str(exc)}
        except Exception as exc:  # a probe answers 503, never 500
            # Driver messages name hosts and ports; they go to the log, not to anonymous callers.
            logger.warning("readiness check %s failed", name, exc_info=True)
            results[name] = {"status": "failing", "detail": type(exc).__name__}
    failing = [name for name, result in results.items() if result["status"] != "ok"]
    return JsonResponse(
        {"status": "failing" if failing else "ok", "failing": failing, "checks": results},
        status=503 if failing else 200,
    )


def _check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "SELECT 1 answered"


def _check_redis() -> str:
    client = redis.Redis.from_url(
        settings.REDIS_URL, socket_timeout=CHECK_TIMEOUT, socket_connect_timeout=CHECK_TIMEOUT
    )
    try:
        client.ping()
    finally:
        client.close()
    return "PING answered"


def _check_celery_worker() -> str:
    replies = app.control.ping(timeout=CHECK_TIMEOUT)
    if not replies:
        raise CheckFailed(f"no Celery worker answered a ping within {CHECK_TIMEOUT:.0f} s")
    return f"{len(replies)} worker(s) answered"
