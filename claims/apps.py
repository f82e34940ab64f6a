from django.apps import AppConfig


class ClaimsConfig(AppConfig):
    name = "claims"
    verbose_name = "Articles and claims"

    def ready(self) -> None:
        from django.core import checks

        from claims.checks import embedding_model_check

        checks.register(embedding_model_check)
