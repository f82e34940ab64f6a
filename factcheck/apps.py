from __future__ import annotations

from django.apps import AppConfig


class FactcheckConfig(AppConfig):
    """The project package as an app, so its deploy checks are registered."""

    name = "factcheck"
    verbose_name = "Fact-check desk"

    def ready(self) -> None:
        # Imported once the app registry is ready, where Django registers an app's checks.
        from factcheck import checks  # noqa: F401
