"""Deploy checks: production must not fall back on the embedded defaults unnoticed.

With `DATABASE_URL` or `REDIS_URL` missing the project quietly runs on SQLite and runs tasks
inside the web process, which is right for `make demo` and wrong on a server. These are errors
of `check --deploy`, which the web role runs before it starts (deploy/entrypoint.sh).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register


@register(Tags.database, deploy=True)
def production_services_check(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    errors: list[CheckMessage] = []
    if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        errors.append(
            Error(
                "DATABASE_URL (or DATABASE_URL_FILE) is not set: this would run on the "
                "embedded SQLite file.",
                hint="Set DATABASE_URL=postgres://user:password@host:5432/dbname.",
                id="factcheck.E001",
            )
        )
    if not settings.REDIS_URL:
        errors.append(
            Error(
                "REDIS_URL (or REDIS_URL_FILE) is not set: tasks would run inside the web "
                "process and no worker would ever see them.",
                hint="Set REDIS_URL=redis://host:6379/0.",
                id="factcheck.E002",
            )
        )
    return errors
