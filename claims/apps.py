from __future__ import annotations

from django.apps import AppConfig
from django.core import checks


class ClaimsConfig(AppConfig):
    name = "claims"
    verbose_name = "Articles and claims"

    def ready(self) -> None:
        # Imported once the app registry is ready, where Django registers an app's checks.
        from claims.checks import embedding_model_check

        checks.register(embedding_model_check)
