"""Reading the environment: strict values, and secrets that may come from files."""

from __future__ import annotations

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
# The embedded default's database, and retrained models unless FACTCHECK_MODEL_DIR says else.
VAR_DIR = BASE_DIR / "var"

_BOOLEAN_WORDS = {"1", "0", "true", "false", "yes", "no", "on", "off", "y", "n", "t", "f", ""}


class StrictEnv(environ.Env):
    """django-environ, but a value that does not parse stops start-up with a clear message."""

    def get_value(self, var, cast=None, default=environ.Env.NOTSET, parse_default=False):  # type: ignore[no-untyped-def]  # noqa: E501
        raw = self.ENVIRON.get(var)
        if cast is bool and raw is not None and raw.strip().lower() not in _BOOLEAN_WORDS:
            raise ImproperlyConfigured(f"{var}={raw!r} is not a boolean (use true or false)")
        try:
            return super().get_value(var, cast=cast, default=default, parse_default=parse_default)
        except (ValueError, TypeError) as exc:
            raise ImproperlyConfigured(f"{var}={raw!r} is not valid: {exc}") from exc


env = StrictEnv()


def secret(name: str, default: str | None = None) -> str | None:
    """Read a secret from NAME, or from the file named by NAME_FILE (Docker/K8s secrets)."""
    path = env.str(f"{name}_FILE", default="")
    if path:
        try:
            return Path(path).read_text().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE={path} cannot be read: {exc}") from exc
    return env.str(name, default=default)  # type: ignore[no-any-return]
