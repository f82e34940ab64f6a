"""Check-worthiness out-of-fold scores by debate: the honest guess at an unseen debate.

Sentences of one debate share speakers, topics and phrasings, and the CheckThat! dev set was
drawn from the training debates (its ids interleave with train's), so random folds and dev
both flatter a model. Here folds are whole debates (`data.debate_groups`): each model is
trained on the other debates and scores the held-out ones, the linear model and the
fine-tuned MiniLM alike (the same hyper-parameters as the shipped models). The out-of-fold
logits are saved for `bench/checkworthiness_operating_point.py`, which chooses thresholds,
calibration and the cascade cut from them.

    python bench/checkworthiness_grouped_cv.py [--folds 3] [--out FILE.npz] [--linear-only]
    python bench/checkworthiness_grouped_cv.py --rescore int8   # kept fold layers, no training
    python bench/checkworthiness_grouped_cv.py --trained-layers 6 --out var/bench/cw_l6.npz
    python bench/checkworthiness_grouped_cv.py --limit 2000 --max-folds 1   # time an epoch

--trained-layers, --learning-rate and --epochs try fine-tunings other than the shipped one
(the same folds, the same forward pass at scoring); --max-folds stops after that many folds
(`bench/checkworthiness_operating_point.py` reads the folds done); --limit keeps a random
sample of that many sentences, to time a run before starting it.

Needs the `semantic` extra unless --linear-only. One thread: the frozen bottom layers run once
over all sentences (~3 min), then each fold fine-tunes the top layers (~10 min a fold).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
from sklearn.model_selection import GroupKFold  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from claims.pipeline.checkworthiness import linear_training  # noqa: E402
from claims.pipeline.checkworthiness.data import debate_groups, read_checkthat_tsv  # noqa: E402

TRAIN = "CT24_checkworthy_english_train.tsv"


def fold_path(out: Path, fold: int) -> Path:
    """Where fold `fold`'s fine-tuned layers are kept beside the out-of-fold scores `out`."""
    return out.with_name(f"{out.stem}_fold{fold}.npz")


def rescore(out: Path, texts: list[str], precision: str) -> None:
    """Score each fold's held-out sentences again with its kept layers at `precision`, and
    store the logits as `transformer_<precision>` beside the others in `out`."""
    import torch

    from claims.pipeline.checkworthiness import minilm
    from claims.pipeline.checkworthiness.linear import load_scorer

    torch.set_num_threads(1)
    saved = dict(np.load(out))
    folds, done = saved["folds"], int(saved["done"])
    logits = np.zeros(len(texts))
    for fold in range(done):
        arrays = dict(np.load(fold_path(out, fold)))
        model = minilm.model_from(arrays, load_scorer(), {}, precision=precision)
        held = np.flatnonzero(folds == fold)
        started = time.process_time()
        logits[held] = model.transformer_logits([texts[i] for i in held])
        spent = time.process_time() - started
        print(f"fold {fold} at {precision}: {len(held) / spent:.0f} sentences/s (CPU)", flush=True)
    saved[f"transformer_{precision}"] = logits
    np.savez(out, **saved)
    print(f"saved transformer_{precision} in {out}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--folds", type=int, default=3)
    parser.add_argument("--out", type=Path, default=REPO / "var" / "bench" / "cw_grouped_oof.npz")
    parser.add_argument("--linear-only", action="store_true")
    parser.add_argument("--trained-layers", type=int, default=None, help="default: shipped")
    parser.add_argument("--learning-rate", type=float, default=None, help="the layers'")
    parser.add_argument("--epochs", type=int, default=None)
    parser.add_argument("--max-folds", type=int, default=None)
    parser.add_argument("--limit", type=int, default=None, help="a random sample of sentences")
    parser.add_argument(
        "--linear-from",
        type=Path,
        help="take the linear out-of-fold logits from this earlier run (the same folds)",
    )
    parser.add_argument(
        "--rescore",
        choices=("float32", "bfloat16", "int8"),
        help="no training: score the held-out debates again with the kept fold layers",
    )
    args = parser.parse_args()

    rows = read_checkthat_tsv(args.shared / "corpus" / "checkworthiness" / TRAIN)
    if args.limit:
        keep = np.random.default_rng(0).choice(len(rows), args.limit, replace=False)
        rows = [rows[i] for i in sorted(keep)]
    texts = [r.text for r in rows]
    if args.rescore:
        rescore(args.out, texts, args.rescore)
        return
    labels = np.array([r.label for r in rows], dtype=bool)
    groups = debate_groups([r.id for r in rows])
    folds = np.full(len(rows), -1)
    splits = list(GroupKFold(n_splits=args.folds).split(texts, labels, groups))
    for fold, (_, held) in enumerate(splits):
        folds[held] = fold
    print(f"{len(rows)} sentences, {groups.max() + 1} debates, {args.folds} folds", flush=True)

    linear_oof = np.zeros(len(rows))
    if args.linear_from:
        earlier = np.load(args.linear_from)
        if not np.array_equal(earlier["folds"], folds):
            parser.error(f"{args.linear_from} has other folds")
        linear_oof = earlier["linear"]
    for fold, (fit, held) in enumerate(splits if not args.linear_from else []):
        started = time.perf_counter()
        model = linear_training.fit_linear(
            [texts[i] for i in fit], labels[fit], linear_training.DEFAULT_C
        )
        linear_oof[held] = model.logits([texts[i] for i in held])
        print(f"linear fold {fold}: {time.perf_counter() - started:.0f} s", flush=True)
    arrays = {
        "ids": np.array([int(r.id) for r in rows]),
        "labels": labels,
        "groups": groups,
        "folds": folds,
        "linear": linear_oof,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez(args.out, **arrays)
    if args.linear_only:
        return

    import torch

    from claims.pipeline.checkworthiness import minilm, minilm_training
    from claims.pipeline.checkworthiness.linear import load_scorer

    torch.set_num_threads(1)
    layers = args.trained_layers or minilm.TRAINED_LAYERS
    learning_rate = args.learning_rate or minilm_training.LEARNING_RATE
    epochs = args.epochs or minilm_training.EPOCHS
    print(f"fine-tuning {layers} layers, {epochs} epochs at {learning_rate}", flush=True)
    started = time.perf_counter()
    base = minilm_training.base_load()
    bottom = minilm_training.bottom_output(texts, base, layers=layers)
    print(f"bottom layers: {time.perf_counter() - started:.0f} s", flush=True)
    transformer_oof = np.zeros(len(rows))
    for fold, (fit, held) in enumerate(splits[: args.max_folds]):
        started = time.perf_counter()
        tuned = minilm_training.fine_tune(
            [texts[i] for i in fit],
            labels[fit],
            bottom=bottom.subset(fit),
            log=lambda m: print(f"  {m}", flush=True),
            layers=layers,
            learning_rate=learning_rate,
            epochs=epochs,
        )
        # Each fold's fine-tuned layers are kept, so that other precisions or forward passes
        # can score the held-out debates again without fine-tuning (`--rescore`).
        np.savez(fold_path(args.out, fold), **tuned.arrays)
        # The explainer gives only reasons: the transformer's logits do not read it.
        tuned_model = minilm.model_from(tuned.arrays, load_scorer(), {})
        scoring = time.perf_counter()
        transformer_oof[held] = tuned_model.transformer_logits([texts[i] for i in held])
        print(
            f"minilm fold {fold}: {time.perf_counter() - started:.0f} s "
            f"(scoring {len(held)} sentences: {time.perf_counter() - scoring:.0f} s)",
            flush=True,
        )
        np.savez(args.out, **arrays, transformer=transformer_oof, done=np.array(fold + 1))
    print(f"saved {args.out}")


if __name__ == "__main__":
    main()
