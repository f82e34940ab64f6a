"""The Celery app. Configuration comes from Django settings (CELERY_* names).

The signal handlers below make workers observable (metrics, task ids on log lines) and let
them outlive a PostgreSQL restart.
"""

from __future__ import annotations

import logging
import logging.config
import os
from typing import Any

from celery import Celery, signals
from django.conf import settings
from django.db import connections
from prometheus_client import multiprocess, start_http_server

from factcheck import logs, metrics

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")

app = Celery("factcheck")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

logger = logging.getLogger(__name__)


@signals.task_prerun.connect
def _task_prerun(task_id: str, task: Any, **kwargs: Any) -> None:
    logs.task_context_set(task_id=task_id, task_name=task.name)
    metrics.task_started(task_id)
    if not task.request.is_eager:
        _db_connections_refresh()


def _db_connections_refresh() -> None:
    # Workers keep their connection across tasks (CELERY_DB_REUSE_MAX). After a PostgreSQL
    # restart it is dead, and without this every later task would fail on it: drop a
    # connection that errored or is too old, and health-check the next one before use.
    for connection in connections.all(initialized_only=True):
        if not connection.in_atomic_block:
            connection.close_if_unusable_or_obsolete()


@signals.task_postrun.connect
def _task_postrun(task_id: str, task: Any, state: str | None = None, **kwargs: Any) -> None:
    metrics.task_finished(task_id=task_id, task_name=task.name, state=state or "")
    logs.task_context_clear()


@signals.setup_logging.connect
def _logging_setup(**kwargs: Any) -> None:
    # Workers log like the web (format, request/task ids): Django's LOGGING, not Celery's own.
    logging.config.dictConfig(settings.LOGGING)


@signals.worker_init.connect
def _worker_metrics_serve(**kwargs: Any) -> None:
    port = settings.FACTCHECK_WORKER_METRICS_PORT
    if not port:
        return
    # Imported here: the view reads models, and this module loads before the app registry.
    from factcheck.metrics_view import process_registry

    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Pool processes count tasks; without shared files only this parent is seen.
        logger.warning("PROMETHEUS_MULTIPROC_DIR is not set: worker metrics miss pool processes")
    start_http_server(port, registry=process_registry())
    logger.info("worker metrics on port %d", port)


@signals.worker_init.connect
def _worker_threads_share(sender: Any = None, **kwargs: Any) -> None:
    # Each pool process that embeds would start one math thread per core: with N processes on
    # N cores that is N² threads fighting for the cores (300 near-copies through matching on
    # two cores: 112 s with two threads per process, 70 s with one). An explicit
    # OMP_NUM_THREADS wins; pool processes inherit it and torch reads it when first imported.
    concurrency = getattr(sender, "concurrency", None)
    if concurrency and "OMP_NUM_THREADS" not in os.environ:
        os.environ["OMP_NUM_THREADS"] = str(max(1, (os.cpu_count() or 1) // int(concurrency)))


@signals.worker_process_shutdown.connect
def _worker_process_gone(pid: int | None = None, **kwargs: Any) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.mark_process_dead(pid or os.getpid())


# Set in the worker's parent from its command line and inherited by its pool processes.
_EMBEDDER_WANTED = "FACTCHECK_WORKER_LOADS_EMBEDDER"


@signals.celeryd_init.connect
def _embedder_wanted(options: dict[str, Any] | None = None, **kwargs: Any) -> None:
    queues = (options or {}).get("queues") or []
    if isinstance(queues, str):
        queues = queues.split(",")
    # No -Q: the worker serves every queue, `matching` among them.
    os.environ[_EMBEDDER_WANTED] = "1" if not queues or "matching" in queues else "0"


@signals.worker_process_init.connect
def _embedder_warm_up(**kwargs: Any) -> None:
    # A pool process serving `matching` loads the embedding model as it starts, in the
    # background: loaded inside its first task it would count against the task's time limit,
    # and a soft limit hit in the middle of importing torch leaves the process unable to
    # import it again.
    if os.environ.get(_EMBEDDER_WANTED) == "1":
        from claims.services.embeddings import embedder_warm_up_start

        embedder_warm_up_start(always=True)
