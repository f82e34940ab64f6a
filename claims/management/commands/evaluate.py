from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from claims.evaluation.targets import evaluation_targets
from claims.pipeline.checkworthiness.scorer import ModelLoadError
from claims.pipeline.extract import extract_claims
from claims.scorers import scorer_get, scorer_read


class Command(BaseCommand):
    help = "Measure a part of the pipeline against labelled data; the last line is JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        targets = parser.add_subparsers(dest="target", required=True)
        extraction = targets.add_parser(
            "extraction", help="title accuracy, body text F1 and claims in body on HTML pages"
        )
        extraction.add_argument(
            "--dir", required=True, type=Path, help="folder of NAME/source.html, expected.html"
        )
        extraction.add_argument("--threshold", type=float, default=None)
        checkworthiness = targets.add_parser(
            "checkworthiness", help="precision, recall and F1 of the Yes class on a TSV"
        )
        checkworthiness.add_argument("--tsv", required=True, type=Path)
        checkworthiness.add_argument("--threshold", type=float, default=None)
        checkworthiness.add_argument(
            "--model",
            help="linear, cascade, minilm, or a linear or MiniLM model file, instead of the one "
            "the pipeline scores with (FACTCHECK_CHECKWORTHINESS_MODEL)",
        )
        checkworthiness.add_argument(
            "--jsonl", action="store_true", help="also print every sentence's score"
        )

        attribution = targets.add_parser(
            "attribution",
            help="speaker accuracy of claims on a PolNeAR split (text/ and attributions/)",
        )
        attribution.add_argument(
            "--dir", required=True, type=Path, help="a split folder: text/NAME.txt, attributions/"
        )
        attribution.add_argument("--threshold", type=float, default=None)
        attribution.add_argument(
            "--all-sentences",
            action="store_true",
            help="every sentence, not only the claims at the threshold (independent of scoring)",
        )
        rankers = attribution.add_mutually_exclusive_group()
        rankers.add_argument(
            "--rules-only",
            action="store_true",
            help="attribution by the rules alone, without the learned ranker",
        )
        rankers.add_argument(
            "--linear",
            action="store_true",
            help="the rules and the linear ranker, without the MiniLM scorer (the semantic extra)",
        )
        attribution.add_argument(
            "--errors", action="store_true", help="also print every sentence given no or another"
        )

        for target in evaluation_targets():
            target.add_arguments(targets.add_parser(target.name, help=target.help))

    def handle(self, *args: Any, **options: Any) -> None:
        registered = {target.name: target for target in evaluation_targets()}
        if options["target"] in registered:
            for line in registered[options["target"]].run(options):
                self.stdout.write(line)
            return
        try:
            model = options.get("model")
            scorer = scorer_read(model) if model else scorer_get()
        except ModelLoadError as exc:
            raise CommandError(str(exc)) from exc
        threshold = options["threshold"]
        if threshold is not None and not 0.0 <= threshold <= 1.0:
            raise CommandError("--threshold must lie between 0 and 1")
        if options["target"] == "extraction":
            lines = self._extraction(options["dir"], scorer, threshold)
        elif options["target"] == "attribution":
            lines = self._attribution(options, scorer, threshold)
        else:
            lines = self._checkworthiness(options["tsv"], scorer, threshold, options["jsonl"])
        for line in lines:
            self.stdout.write(line)

    def _extraction(self, directory: Path, scorer: Any, threshold: float | None) -> list[str]:
        from claims.evaluation.extraction import evaluate_extraction, render_report

        if not directory.is_dir():
            raise CommandError(f"{directory} is not a directory")
        cutoff = settings.FACTCHECK_CLAIM_THRESHOLD if threshold is None else threshold
        try:
            report = evaluate_extraction(
                directory, lambda document: extract_claims(document, scorer, cutoff).claims
            )
        except ValueError as exc:  # a page folder whose expected metadata is unreadable
            raise CommandError(str(exc)) from exc
        return render_report(report)

    def _attribution(
        self, options: dict[str, Any], scorer: Any, threshold: float | None
    ) -> list[str]:
        from claims.evaluation.attribution import (
            evaluate_attribution,
            every_sentence_with,
            render_attribution,
        )
        from claims.evaluation.polnear import read_split
        from claims.pipeline.attribution import ranker_default
        from claims.pipeline.attribution.ranker import load_ranker

        try:
            articles = read_split(options["dir"])
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        cutoff = settings.FACTCHECK_CLAIM_THRESHOLD if threshold is None else threshold
        ranker = (
            None
            if options["rules_only"]
            else load_ranker()
            if options["linear"]
            else ranker_default()
        )
        report = evaluate_attribution(
            articles,
            every_sentence_with(ranker)
            if options["all_sentences"]
            else lambda document: extract_claims(document, scorer, cutoff, ranker=ranker).claims,
        )
        used = "rules only" if ranker is None else f"rules, then {ranker.version}"
        return [f"attribution: {used}", *render_attribution(report, errors=options["errors"])]

    def _checkworthiness(
        self, tsv: Path, scorer: Any, threshold: float | None, jsonl: bool
    ) -> list[str]:
        from claims.pipeline.checkworthiness.data import read_checkthat_tsv
        from claims.pipeline.checkworthiness.evaluation import (
            evaluate_checkworthiness,
            render_checkworthiness,
        )

        if not tsv.is_file():
            raise CommandError(f"{tsv} is not a file")
        try:
            rows = read_checkthat_tsv(tsv)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        cutoff = settings.FACTCHECK_CLAIM_THRESHOLD if threshold is None else threshold
        result = evaluate_checkworthiness(rows, scorer, cutoff)
        return render_checkworthiness(result, per_sentence=jsonl)
