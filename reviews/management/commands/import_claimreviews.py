from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reviews.services.claimreviews import (
    ClaimReviewImportError,
    claimreviews_import,
    claimreviews_import_url,
)


class Command(BaseCommand):
    help = (
        "Import fact-checks from ClaimReview JSON-LD (an object, a list, JSON lines or a "
        "DataCommons feed) in a file or at a URL; bad records are listed, the rest imported."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("sources", nargs="+", metavar="FILE_OR_URL")

    def handle(self, *args: Any, **options: Any) -> None:
        failed = 0
        for source in options["sources"]:
            try:
                if source.startswith(("http://", "https://")):
                    report = claimreviews_import_url(url=source)
                else:
                    path = Path(source)
                    if not path.is_file():
                        raise ClaimReviewImportError(f"{source}: no such file")
                    report = claimreviews_import(data=path.read_bytes(), source=str(path))
            except ClaimReviewImportError as exc:
                raise CommandError(str(exc)) from exc
            for error in report.errors:
                self.stderr.write(f"{source}: {error}")
            failed += len(report.errors)
            self.stdout.write(
                f"{source}: {report.created} new, {report.updated} updated, "
                f"{len(report.errors)} refused"
            )
        if failed:
            self.stdout.write(f"{failed} record(s) refused; the others were imported")
