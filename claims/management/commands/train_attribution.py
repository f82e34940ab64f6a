from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from claims.evaluation.attribution import evaluate_attribution, every_sentence_with
from claims.evaluation.polnear import read_split
from claims.evaluation.ranker_training import DEFAULT_C, FOLDS, train_ranker
from claims.pipeline.attribution.ranker import DEFAULT_MODEL_PATH, read_model
from claims.pipeline.checkworthiness.scorer import ModelLoadError

CORPUS = Path(__file__).resolve().parents[3].parent / "shared" / "corpus" / "attribution"


class Command(BaseCommand):
    help = (
        "Train the attribution ranker on a PolNeAR split and write it (by default over the "
        "shipped model, which is how the shipped one was made); --dev reports a split."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dir", type=Path, default=CORPUS / "polnear" / "train")
        parser.add_argument("--dev", type=Path, help="a split to report on, never tuned on")
        parser.add_argument("--out", type=Path, default=DEFAULT_MODEL_PATH)
        parser.add_argument("--c", type=float, default=DEFAULT_C)
        parser.add_argument(
            "--folds", type=int, default=FOLDS, help="folds choosing the threshold; 0: 0.4"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            articles = read_split(options["dir"])
            written = train_ranker(articles, options["out"], c=options["c"], folds=options["folds"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(json.dumps(written))
        if options["dev"]:
            try:
                ranker = read_model(options["out"])
                report = evaluate_attribution(
                    read_split(options["dev"]), every_sentence_with(ranker)
                )
            except (ValueError, ModelLoadError) as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(json.dumps({"dev_every_sentence": report.summary()}))
