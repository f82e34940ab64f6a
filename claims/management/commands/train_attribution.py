from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from claims.evaluation.attribution import evaluate_attribution, every_sentence_with
from claims.evaluation.polnear import read_split
from claims.evaluation.ranker_training import DEFAULT_C, FOLDS, candidate_reach, train_ranker
from claims.pipeline.attribution import neural
from claims.pipeline.attribution.ranker import DEFAULT_MODEL_PATH, load_ranker, read_model
from claims.pipeline.checkworthiness.artefacts import metadata_path
from claims.pipeline.checkworthiness.scorer import ModelLoadError

CORPUS = Path(__file__).resolve().parents[3].parent / "shared" / "corpus" / "attribution"


class Command(BaseCommand):
    help = (
        "Train the attribution ranker on a PolNeAR split and write it (by default over the "
        "shipped model, which is how the shipped one was made); --minilm trains the MiniLM "
        "scorer over the shipped linear ranker instead; --dev reports a split."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dir", type=Path, default=CORPUS / "polnear" / "train")
        parser.add_argument("--dev", type=Path, help="a split to report on, never tuned on")
        parser.add_argument(
            "--out", type=Path, help="default: the shipped model of the kind trained"
        )
        parser.add_argument("--c", type=float, default=DEFAULT_C)
        parser.add_argument(
            "--folds",
            type=int,
            default=FOLDS,
            help="folds choosing the thresholds and fitting the judge (under 2: the ranker "
            "alone, at 0.4)",
        )
        parser.add_argument(
            "--minilm",
            action="store_true",
            help="the MiniLM scorer, its top layer fine-tuned (the semantic extra; ~30 min)",
        )
        parser.add_argument(
            "--frozen-encoder",
            action="store_true",
            help="with --minilm: train the head alone on the frozen encoder (~6 min)",
        )
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument(
            "--reach",
            action="store_true",
            help="report how often the right source is among the candidates; train nothing",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["reach"]:
            try:
                reach = candidate_reach(read_split(options["dir"]))
            except ValueError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(json.dumps(reach))
            return
        if options["minilm"]:
            self._minilm(options)
            return
        out = options["out"] or DEFAULT_MODEL_PATH
        try:
            articles = read_split(options["dir"])
            written = train_ranker(articles, out, c=options["c"], folds=options["folds"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(json.dumps(written))
        if options["dev"]:
            try:
                ranker = read_model(out)
                report = evaluate_attribution(
                    read_split(options["dev"]), every_sentence_with(ranker)
                )
            except (ValueError, ModelLoadError) as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(json.dumps({"dev_every_sentence": report.summary()}))

    def _minilm(self, options: dict[str, Any]) -> None:
        from claims.evaluation.neural_finetune import train_finetuned
        from claims.evaluation.neural_training import neural_rows, train_neural
        from claims.pipeline.checkworthiness.minilm import base_get

        out = options["out"] or neural.DEFAULT_MODEL_PATH
        linear = load_ranker()
        if linear is None:
            raise CommandError("the shipped linear ranker does not load; train it first")
        folds = options["folds"]
        try:
            articles = read_split(options["dir"])
            if not options["frozen_encoder"]:
                written = train_finetuned(
                    articles, linear, out, seed=options["seed"], folds=folds, log=self.stderr.write
                )
            else:
                data = neural_rows(articles, base_get(neural.PRECISION), log=self.stderr.write)
                written = train_neural(
                    data, linear, out, seed=options["seed"], folds=folds, log=self.stderr.write
                )
        except (ValueError, ModelLoadError) as exc:
            raise CommandError(str(exc)) from exc
        # The scorer keeps the linear ranker it was trained over beside it.
        own = neural.linear_path(out)
        own.write_bytes(DEFAULT_MODEL_PATH.read_bytes())
        metadata_path(own).write_bytes(metadata_path(DEFAULT_MODEL_PATH).read_bytes())
        self.stdout.write(json.dumps(written))
        if options["dev"]:
            try:
                scorer = neural.read_neural(out, linear)
                report = evaluate_attribution(
                    read_split(options["dev"]), every_sentence_with(scorer)
                )
            except (ValueError, ModelLoadError) as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(json.dumps({"dev_every_sentence": report.summary()}))
