"""The Celery app. Configuration comes from Django settings (CELERY_* names).

The signal handlers below make workers observable (metrics, task ids on log lines) and let
them outlive a PostgreSQL restart.
"""

from __future__ import annotations

import logging
import os
from typing import Any

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")

app = Celery("factcheck")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

logger = logging.getLogger(__name__)


@signals.task_prerun.connect
def _task_prerun(task_id: str, task: Any, **kwargs: Any) -> None:
    from factcheck import logs, metrics

    logs.task_context_set(task_id=task_id, task_name=task.name)
    metrics.task_started(task_id)
    if not task.request.is_eager:
        _db_connections_refresh()


def _db_connections_refresh() -> None:
    # Workers keep their connection across tasks (CELERY_DB_REUSE_MAX). After a PostgreSQL
    # restart it is dead, and without this every later task would fail on it: drop a
    # connection that errored or is too old, and health-check the next one before use.
    from django.db import connections

    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close_if_unusable_or_obsolete()


@signals.task_postrun.connect
def _task_postrun(task_id: str, task: Any, state: str | None = None, **kwargs: Any) -> None:
    from factcheck import logs, metrics

    metrics.task_finished(task_id=task_id, task_name=task.name, state=state or "")
    logs.task_context_clear()


@signals.setup_logging.connect
def _logging_setup(**kwargs: Any) -> None:
    # Workers log like the web (format, request/task ids): Django's LOGGING, not Celery's own.
    import logging.config

    from django.conf import settings

    logging.config.dictConfig(settings.LOGGING)


@signals.worker_init.connect
def _worker_metrics_serve(**kwargs: Any) -> None:
    from django.conf import settings

    port = settings.FACTCHECK_WORKER_METRICS_PORT
    if not port:
        return
    from prometheus_client import start_http_server

    from factcheck.metrics_view import process_registry

    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Pool processes count tasks; without shared files only this parent is seen.
        logger.warning("PROMETHEUS_MULTIPROC_DIR is not set: worker metrics miss pool processes")
    start_http_server(port, registry=process_registry())
    logger.info("worker metrics on port %d", port)


@signals.worker_process_shutdown.connect
def _worker_process_gone(pid: int | None = None, **kwargs: Any) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(pid or os.getpid())
