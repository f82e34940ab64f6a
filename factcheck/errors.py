"""Error answers: a database outage is a 503 to retry, and no error page leaks a traceback.

While PostgreSQL restarts, every query fails with `OperationalError` (or `InterfaceError` on
a connection that died under us). That is a temporary condition of the service, not a bug in
the request, so clients and load balancers get 503 with `Retry-After` and try again; Django's
own answer would be a 500. The next request reconnects (`CONN_HEALTH_CHECKS`).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 5


def _wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or "json" in request.headers.get("Accept", "")


def error_response(request: HttpRequest, *, status: int, message: str) -> HttpResponse:
    """A short JSON or plain-text error answer naming the request id, never the exception."""
    request_id = getattr(request, "request_id", "")
    response: HttpResponse
    if _wants_json(request):
        response = JsonResponse({"detail": message, "request_id": request_id}, status=status)
    else:
        suffix = f" (request {request_id})" if request_id else ""
        response = HttpResponse(
            f"{message}{suffix}\n", status=status, content_type="text/plain; charset=utf-8"
        )
    if status == 503:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def database_unavailable(request: HttpRequest) -> HttpResponse:
    return error_response(
        request, status=503, message="The database is unavailable; try again shortly."
    )


class DatabaseUnavailableMiddleware:
    """Turns a database outage in a view into 503 instead of a 500 with a stack trace."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, DATABASE_ERRORS):
            logger.warning("database unavailable: %s", type(exception).__name__, exc_info=True)
            return database_unavailable(request)
        return None


class NullCharactersMiddleware:
    """A NUL in a query parameter is a 400 naming it, on every view.

    PostgreSQL text cannot hold or compare NUL: a filter that passes one on (an admin list
    filter such as `?status__exact=%00`, say) fails in the database, as a 500.
    """

    MESSAGE = "Null characters are not allowed."

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        names = sorted(
            {
                name
                for name, values in request.GET.lists()
                if "\x00" in name or any("\x00" in value for value in values)
            }
        )
        if not names:
            return self.get_response(request)
        if _wants_json(request):
            return JsonResponse({name: [self.MESSAGE] for name in names}, status=400)
        listed = ", ".join(repr(name) for name in names)
        return error_response(
            request, status=400, message=f"Query parameter {listed}: {self.MESSAGE}"
        )


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: also reached when middleware (sessions, auth) hits the dead database."""
    exception = sys.exc_info()[1]
    if isinstance(exception, DATABASE_ERRORS):
        return database_unavailable(request)
    return error_response(request, status=500, message="Internal server error.")
