from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from reviews.records import fact_check_records_rebuild


class Command(BaseCommand):
    help = (
        "Render and store the API record of every published fact-check: after a change of "
        "the record layout or the time zone (until then the API renders them at each request)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        written = fact_check_records_rebuild()
        self.stdout.write(f"{written} API records written.")
