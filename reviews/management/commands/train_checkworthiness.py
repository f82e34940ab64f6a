from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
from django.core.management.base import BaseCommand, CommandError, CommandParser

from claims import scorers
from claims.pipeline.checkworthiness import minilm, minilm_training
from claims.pipeline.checkworthiness.data import (
    CheckworthyRow,
    debate_groups,
    read_checkthat_tsv,
)
from claims.pipeline.checkworthiness.evaluation import evaluate_checkworthiness
from claims.pipeline.checkworthiness.linear import load_scorer
from claims.pipeline.checkworthiness.linear_training import DEFAULT_C, train_checkworthiness
from claims.pipeline.checkworthiness.scorer import ModelLoadError
from reviews.selectors import reviewer_decisions

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
        parser.add_argument(
            "--model",
            choices=["linear", "minilm"],
            default="linear",
            help="minilm: fine-tune the optional MiniLM model ('semantic' extra; ~40 min, 1 core)",
        )
        parser.add_argument(
            "--out",
            type=Path,
            help="minilm only: the .npz to write (default: in FACTCHECK_MODEL_DIR)",
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
            groups = _groups(rows, options["folds"])
            description: dict[str, object] = {"file": options["train"].name}
            if options["with_reviews"]:
                decisions = reviewer_decisions()
                examples += decisions
                if groups is not None:  # each decision a group of its own
                    groups = np.concatenate([groups, groups.max() + 1 + np.arange(len(decisions))])
                description["reviewer_decisions"] = len(decisions)
                self.stdout.write(f"adding {len(decisions)} reviewer decisions")
            if options["model"] == "minilm":
                self._minilm(examples, dev, description, options)
                return
            model = train_checkworthiness(
                examples,
                seed=options["seed"],
                c=options["c"],
                folds=options["folds"],
                groups=groups,
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

    def _minilm(
        self,
        examples: list[tuple[str, bool]],
        dev: list[CheckworthyRow],
        description: dict[str, object],
        options: dict[str, Any],
    ) -> None:
        out = options["out"] or scorers.model_dir() / "minilm" / minilm.DEFAULT_MODEL_PATH.name
        labels = np.array([label for _, label in examples], dtype=bool)
        try:
            tuned, model = minilm_training.train(
                [text for text, _ in examples],
                labels,
                load_scorer(),
                seed=options["seed"],
                description=description,
                log=self.stdout.write,
            )
        except ModelLoadError as exc:
            raise CommandError(str(exc)) from exc
        result = evaluate_checkworthiness(dev, model, 0.5)
        metadata = dict(model.metadata)
        metadata["metrics"] = {
            "dev": {
                "file": options["dev"].name,
                **{k: result[k] for k in ("precision", "recall", "f1", "n")},
            }
        }
        path = minilm_training.save_model(tuned, metadata, out)
        version = minilm.read_model(path, load_scorer()).version
        self.stdout.write(json.dumps({"version": version, **metadata["metrics"]}))
        self.stdout.write(
            f"MiniLM model {version} saved in {path}. Score with it by setting:\n"
            f"  FACTCHECK_CHECKWORTHINESS_MODEL=minilm FACTCHECK_CHECKWORTHINESS_MINILM_PATH={path}"
        )


def _groups(rows: list[CheckworthyRow], folds: int) -> np.ndarray | None:
    """The debate of each row, for cross-validation by debate; None (random folds) when the
    ids are not the CheckThat! numbers or give fewer debates than folds."""
    try:
        groups = debate_groups([row.id for row in rows])
    except ValueError:
        return None
    return groups if len(np.unique(groups)) >= max(folds, 2) else None
