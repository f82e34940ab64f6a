from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from reviews.services.embeddings import BackfillError, embeddings_backfill, embeddings_missing


class Command(BaseCommand):
    help = (
        "Embed every stored claim, imported and published fact-check that has no embedding "
        "yet and build the pgvector indexes; stop it any time and run it again to go on."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-progress", action="store_true", help="hide the progress bars")

    def handle(self, *args: Any, **options: Any) -> None:
        missing = embeddings_missing()
        bars = {
            kind: tqdm(total=count, desc=kind, unit="row", disable=options["no_progress"] or None)
            for kind, count in missing.items()
        }
        try:
            filled = embeddings_backfill(progress=lambda kind, done: bars[kind].update(done))
        except BackfillError as exc:
            raise CommandError(str(exc)) from exc
        finally:
            for bar in bars.values():
                bar.close()
        for kind, count in filled.items():
            self.stdout.write(f"{kind}: {count} embedded")
