from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from reviews.services.records import fact_check_records_rebuild


class Command(BaseCommand):
    help = (
        "Write the stored API records the API cannot use (missing, of an earlier version, of "
        "another layout or time zone), which it would otherwise render at each request. "
        "Cheap when there are none: deploy/entrypoint.sh runs it after migrating."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--all", action="store_true", help="rewrite every published fact-check's record"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        written = fact_check_records_rebuild(everything=options["all"])
        self.stdout.write(f"{written} API records written.")
