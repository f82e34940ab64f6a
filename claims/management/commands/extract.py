from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from claims.pipeline.errors import ExtractionError
from claims.pipeline.extract import extract_claims
from claims.pipeline.inputs import document_from_input, guess_format
from claims.scorers import attribution_ranker, scorer_get
from claims.services.files import InputFileError, expand_paths, json_articles


class Command(BaseCommand):
    help = (
        "Run the extraction pipeline on files without storing anything; prints one JSON "
        "object a claim (for tuning thresholds)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")
        parser.add_argument("--format", choices=["jsonl"], default="jsonl")
        parser.add_argument(
            "--threshold",
            type=float,
            default=None,
            help="minimum score (default: FACTCHECK_CLAIM_THRESHOLD)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        threshold = options["threshold"]
        if threshold is None:
            threshold = settings.FACTCHECK_CLAIM_THRESHOLD
        if not 0.0 <= threshold <= 1.0:
            raise CommandError("--threshold must lie between 0 and 1")
        missing = [str(p) for p in options["paths"] if not p.exists()]
        if missing:
            raise CommandError(f"no such file or directory: {', '.join(missing)}")
        scorer, ranker = scorer_get(), attribution_ranker()
        failures = 0
        for path in expand_paths(options["paths"]):
            try:
                for raw, fmt, url, title in _inputs(path):
                    document = document_from_input(raw, fmt, url=url, title=title)
                    for claim in extract_claims(document, scorer, threshold, ranker=ranker).claims:
                        self.stdout.write(json.dumps(_row(str(path), claim), ensure_ascii=False))
            except (ExtractionError, InputFileError, OSError) as exc:
                failures += 1
                self.stderr.write(f"{path}: {exc}")
        if failures:
            raise CommandError(f"{failures} file(s) could not be extracted")


def _inputs(path: Path) -> list[tuple[bytes, str, str, str]]:
    data = path.read_bytes()
    if path.suffix.lower() in (".json", ".jsonl"):
        return [
            (item["raw"], item["fmt"], item["url"], item["title"])
            for item in json_articles(data, name=str(path))
        ]
    return [(data, guess_format(path.name, head=data[:1024]), "", "")]


def _row(article: str, claim: Any) -> dict[str, Any]:
    return {
        "article": article,
        "text": claim.text,
        "claim": claim.standalone or claim.text,
        "claimant": claim.claimant,
        "start": claim.start,
        "end": claim.end,
        "score": claim.score,
        "speaker": claim.speaker,
        "type": claim.claim_type,
        "reasons": list(claim.reasons),
    }
