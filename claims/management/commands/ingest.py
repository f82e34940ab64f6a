from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from claims import services
from claims.models import Article
from claims.services.files import InputFileError, article_ingest_file, expand_paths


class Command(BaseCommand):
    help = "Ingest articles from .txt, .html and .json files, directories of them, or URLs."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("inputs", nargs="+", metavar="PATH_OR_URL")
        parser.add_argument("--no-progress", action="store_true", help="hide the progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        urls = [i for i in options["inputs"] if i.startswith(("http://", "https://"))]
        paths = [Path(i) for i in options["inputs"] if i not in urls]
        missing = [str(p) for p in paths if not p.exists()]
        if missing:
            raise CommandError(f"no such file or directory: {', '.join(missing)}")
        items: list[str | Path] = [*urls, *expand_paths(paths)]
        counts: Counter[str] = Counter()
        for item in tqdm(items, unit="input", disable=options["no_progress"] or None):
            try:
                if isinstance(item, Path):
                    received = article_ingest_file(path=item)
                else:
                    received = [services.article_fetch(url=item)]
            except (InputFileError, services.IngestError) as exc:
                counts["unreadable"] += 1
                self.stderr.write(f"skipped {exc}")
                continue
            for one in received:
                article = Article.objects.get(pk=one.article.pk)
                counts["new" if one.created else "already stored"] += 1
                if article.status == Article.Status.FAILED:
                    counts["failed"] += 1
                    self.stderr.write(f"article {article.pk} ({item}) failed: {article.error}")
        summary = ", ".join(f"{n} {what}" for what, n in sorted(counts.items()))
        self.stdout.write(f"{len(items)} input(s): {summary or 'nothing to do'}")
