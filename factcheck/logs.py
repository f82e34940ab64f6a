"""Log lines that say which request or task they belong to, as JSON or as text.

`FACTCHECK_LOG_FORMAT=json` writes one JSON object a line (python-json-logger) for a log
shipper; `text` is for people at a terminal. Either way every line written while serving a
request carries its request id (taken from `X-Request-ID` when a proxy sent a sane one, else
new, and echoed on the response), and every line written inside a Celery task its task id and
name, so one article's path through web and workers can be followed.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from pythonjsonlogger.core import RESERVED_ATTRS

if TYPE_CHECKING:
    from django.http import HttpRequest, HttpResponse

REQUEST_ID_HEADER = "X-Request-ID"
# What a proxy may hand us: short, printable, no spaces (it ends up in every log line).
_SANE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:@/+=-]{1,128}$")

request_id_var: ContextVar[str] = ContextVar("request_id", default="")
task_id_var: ContextVar[str] = ContextVar("task_id", default="")
task_name_var: ContextVar[str] = ContextVar("task_name", default="")

access_logger = logging.getLogger("factcheck.request")


class ContextFilter(logging.Filter):
    """Puts the current request id, or task id and name, on every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        request_id, task_id = request_id_var.get(), task_id_var.get()
        if request_id:
            record.request_id = request_id
        if task_id:
            record.task_id = task_id
            record.task_name = task_name_var.get()
        if request_id:
            record.context = f"request={request_id}"
        elif task_id:
            record.context = f"task={task_name_var.get()}[{task_id}]"
        else:
            record.context = "-"
        return True


def logging_config(*, log_format: str, level: str) -> dict[str, Any]:
    """The LOGGING dict for `FACTCHECK_LOG_FORMAT` (json or text)."""
    formatters: dict[str, dict[str, Any]] = {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s %(context)s %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            # `context` is the text format's summary; JSON has the fields themselves.
            "reserved_attrs": [*RESERVED_ATTRS, "context"],
        },
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"context": {"()": "factcheck.logs.ContextFilter"}},
        "formatters": formatters,
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": log_format,
                "filters": ["context"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        # django-axes announces itself at INFO in every process and command; its lockouts
        # are warnings and still logged.
        "loggers": {"trafilatura": {"level": "WARNING"}, "axes.apps": {"level": "WARNING"}},
    }


class RequestIDMiddleware:
    """Tags the request's log lines and response with a request id, and logs the request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = given if _SANE_REQUEST_ID.match(given) else uuid.uuid4().hex
        request.request_id = request_id  # type: ignore[attr-defined]
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id
            access_logger.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
            return response
        finally:
            request_id_var.reset(token)


def task_context_set(*, task_id: str, task_name: str) -> None:
    task_id_var.set(task_id)
    task_name_var.set(task_name)


def task_context_clear() -> None:
    task_id_var.set("")
    task_name_var.set("")
