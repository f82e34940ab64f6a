from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from claims import scorers
from claims.evaluation.checkworthiness import evaluate_checkworthiness, read_checkthat_tsv
from claims.pipeline.training import DEFAULT_C, train_checkworthiness

CORPUS = Path(__file__).resolve().parents[3].parent / "shared" / "corpus" / "checkworthiness"


class Command(BaseCommand):
    help = (
        "Train a check-worthiness model and store it as a candidate; use --promote VERSION to "
        "make a candidate the model the pipeline scores with (--reset: back to the shipped one)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--train", type=Path, default=CORPUS / "CT24_checkworthy_english_train.tsv"
        )
        parser.add_argument(
            "--dev",
            type=Path,
            default=CORPUS / "CT24_checkworthy_english_dev.tsv",
            help="reported on, never tuned on",
        )
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--folds", type=int, default=5, help="0 skips cross-validation")
        parser.add_argument("--c", type=float, default=DEFAULT_C)
        parser.add_argument(
            "--with-reviews",
            action="store_true",
            help="add reviewers' decisions (rejected as not check-worthy, published) as examples",
        )
        parser.add_argument("--promote", metavar="VERSION", help="promote a trained candidate")
        parser.add_argument("--reset", action="store_true", help="use the shipped model again")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["promote"]:
            try:
                path = scorers.candidate_promote(options["promote"])
            except FileNotFoundError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"promoted {options['promote']} to {path}")
            return
        if options["reset"]:
            scorers.active_reset()
            self.stdout.write(f"using the shipped model {scorers.scorer_get().version}")
            return
        for name in ("train", "dev"):
            if not options[name].is_file():
                raise CommandError(f"--{name} {options[name]} is not a file")
        try:
            rows = read_checkthat_tsv(options["train"])
            dev = read_checkthat_tsv(options["dev"])
            examples = [(row.text, row.label) for row in rows]
            description: dict[str, object] = {"file": options["train"].name}
            if options["with_reviews"]:
                from reviews.selectors import reviewer_decisions

                decisions = reviewer_decisions()
                examples += decisions
                description["reviewer_decisions"] = len(decisions)
                self.stdout.write(f"adding {len(decisions)} reviewer decisions")
            model = train_checkworthiness(
                examples,
                seed=options["seed"],
                c=options["c"],
                folds=options["folds"],
                description=description,
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        result = evaluate_checkworthiness(dev, model, model.threshold)
        model.metadata["metrics"]["dev"] = {
            "file": options["dev"].name,
            **{k: result[k] for k in ("precision", "recall", "f1", "n")},
        }
        path = scorers.candidate_save(model)
        version = path.parent.name
        self.stdout.write(json.dumps({"version": version, **model.metadata["metrics"]}))
        self.stdout.write(
            f"candidate {version} saved in {path.parent}; the pipeline still scores with "
            f"{scorers.scorer_get().version}. Promote it with:\n"
            f"  python manage.py train_checkworthiness --promote {version}"
        )
