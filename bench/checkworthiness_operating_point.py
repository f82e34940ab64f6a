"""Thresholds, calibration and the cascade's gate, chosen on out-of-fold scores by debate.

Reads what `bench/checkworthiness_grouped_cv.py` saved (every sentence's logit from models
that never saw its debate) and prints, for the linear model, the MiniLM average and the
cascade: grouped-CV F1 at the threshold chosen on the other folds (the honest figure), and at
the threshold chosen on all folds (the operating point). With --write, it stores what the
shipped scorers use: the Platt calibration and threshold in the linear model's artefact, the
MiniLM model's calibration in its JSON, and the cascade's gates and calibrations in
`checkworthiness-cascade.npz`. The cascade is reported with its lower gate alone too, on the
same scores, to show what the upper gate costs.

    python bench/checkworthiness_operating_point.py [--oof FILE.npz] [--write]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from claims.pipeline.checkworthiness import cascade, minilm, minilm_training  # noqa: E402
from claims.pipeline.checkworthiness.artefacts import (  # noqa: E402
    metadata_path,
    model_files_write,
)
from claims.pipeline.checkworthiness.calibration import Platt, platt_fit  # noqa: E402
from claims.pipeline.checkworthiness.linear import (  # noqa: E402
    DEFAULT_MODEL_PATH,
    LinearCheckworthinessModel,
    read_model,
)
from claims.pipeline.checkworthiness.linear_training import save_model  # noqa: E402
from claims.pipeline.checkworthiness.metrics import best_threshold, binary_metrics  # noqa: E402
from factcheck.config import Config  # noqa: E402


def honest(probabilities: np.ndarray, labels: np.ndarray, folds: np.ndarray) -> dict[str, Any]:
    """F1 with each fold's threshold chosen on the other folds' scores, and the pooled choice."""
    predicted = np.zeros(len(labels), dtype=bool)
    for fold in np.unique(folds):
        held = folds == fold
        cut = best_threshold(probabilities[~held], labels[~held])
        predicted[held] = probabilities[held] >= cut
    chosen = best_threshold(probabilities, labels)
    at = binary_metrics(probabilities >= chosen, labels)
    return {
        "f1_threshold_from_other_folds": round(float(binary_metrics(predicted, labels)["f1"]), 4),
        "threshold": chosen,
        "f1": round(float(at["f1"]), 4),
        "precision": round(float(at["precision"]), 4),
        "recall": round(float(at["recall"]), 4),
        "n": int(len(labels)),
    }


def calibrated(
    logits: np.ndarray, labels: np.ndarray, folds: np.ndarray, among: np.ndarray | None = None
) -> np.ndarray:
    """Out-of-fold Platt probabilities: each fold calibrated on the other folds' logits (of
    the sentences `among` only, when given)."""
    among = np.ones(len(labels), dtype=bool) if among is None else among
    out = np.zeros(len(labels))
    for fold in np.unique(folds):
        held = folds == fold
        fit = ~held & among
        out[held] = platt_fit(logits[fit], labels[fit]).probabilities(logits[held])
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--oof", type=Path, default=REPO / "var" / "bench" / "cw_grouped_oof.npz")
    parser.add_argument("--recall", type=float, default=cascade.RECALL_KEPT)
    parser.add_argument("--agreement", type=float, default=cascade.AGREEMENT)
    parser.add_argument(
        "--transformer",
        default="transformer",
        help="the MiniLM logits to read: transformer (float32, as fine-tuned) or "
        "transformer_int8 etc. (bench/checkworthiness_grouped_cv.py --rescore)",
    )
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    saved = np.load(args.oof)
    labels, folds, linear = saved["labels"], saved["folds"], saved["linear"]
    report: dict[str, Any] = {"sentences": int(len(labels)), "folds": int(folds.max() + 1)}
    report["linear"] = honest(calibrated(linear, labels, folds), labels, folds)
    linear_platt = platt_fit(linear, labels)

    done = int(saved["done"]) if "done" in saved.files else 0
    if not done:
        print(json.dumps(report, indent=2))
        return
    scored = folds < done  # folds whose MiniLM fine-tune has finished
    labels_s, folds_s, linear_s = labels[scored], folds[scored], linear[scored]
    shipped_minilm = json.loads(metadata_path(minilm.DEFAULT_MODEL_PATH).read_text("utf-8"))
    offset = float(shipped_minilm.get("logit_offset", 0.0))
    average = (
        (1 - minilm_training.LINEAR_WEIGHT) * saved[args.transformer][scored]
        + minilm_training.LINEAR_WEIGHT * linear_s
        - offset
    )
    report["minilm_folds"] = done
    if done == 1:  # one fold: calibrate on halves of it instead of on other folds
        folds_s = np.arange(len(labels_s)) % 2
    report["linear_same_folds"] = honest(calibrated(linear_s, labels_s, folds_s), labels_s, folds_s)
    report["minilm_average"] = honest(calibrated(average, labels_s, folds_s), labels_s, folds_s)
    cut = cascade.lower_gate(linear, labels, args.recall)
    over = linear_s >= cut
    high = cascade.upper_gate(
        linear_s[over],
        calibrated(average, labels_s, folds_s, among=over)[over],
        Config.claim_threshold,
        args.agreement,
    )
    # The lower gate alone, then both gates: the same folds and scores, side by side.
    for name, top in (("cascade_lower_gate_only", float("inf")), ("cascade", high)):
        kept = over & (linear_s < top)
        strong_platt = platt_fit(average[kept], labels_s[kept])
        cascaded = np.where(
            kept,
            calibrated(average, labels_s, folds_s, among=kept),
            linear_platt.probabilities(linear_s),
        )
        report[name] = {
            **honest(cascaded, labels_s, folds_s),
            "at_claim_threshold": {
                key: round(float(value), 4)
                for key, value in binary_metrics(
                    cascaded >= Config.claim_threshold, labels_s
                ).items()
                if key in ("f1", "precision", "recall")
            },
            "gate_logit": round(cut, 4),
            "gate_high": round(top, 4),
            "share_sent_to_minilm": round(float(kept.mean()), 4),
            "positives_kept": round(float(over[labels_s].mean()), 4),
        }
    print(json.dumps(report, indent=2))
    if args.write:
        threshold = report["cascade"]["threshold"]
        write(
            linear_platt, strong_platt, platt_fit(average, labels_s), cut, high, threshold, report
        )


def write(
    linear_platt: Platt,
    strong_platt: Platt,
    average_platt: Platt,
    cut: float,
    high: float,
    threshold: float,
    report: dict[str, Any],
) -> None:
    shipped = read_model(DEFAULT_MODEL_PATH)
    metadata = dict(shipped.metadata)
    metadata.pop("version", None)
    metadata["threshold"] = report["linear"]["threshold"]
    metadata["calibration"] = "Platt scaling of out-of-fold logits, folds by debate"
    metadata["metrics"] = {
        **metadata.get("metrics", {}),
        "grouped_cross_validation": report["linear"],
    }
    recalibrated = LinearCheckworthinessModel(
        word_idf=shipped.word_idf,
        char_idf=shipped.char_idf,
        weights=shipped.weights,
        bias=shipped.bias,
        metadata=metadata,
        calibration=linear_platt,
    )
    save_model(recalibrated, DEFAULT_MODEL_PATH)
    linear_version = read_model(DEFAULT_MODEL_PATH).version

    minilm_json = metadata_path(minilm.DEFAULT_MODEL_PATH)
    minilm_meta = json.loads(minilm_json.read_text(encoding="utf-8"))
    minilm_meta["linear_version"] = linear_version
    minilm_meta["calibration"] = {
        "slope": average_platt.slope,
        "intercept": average_platt.intercept,
        "fitted_on": "out-of-fold logits, folds by debate",
    }
    minilm_meta["metrics"]["grouped_cross_validation"] = report["minilm_average"]
    minilm_json.write_text(json.dumps(minilm_meta, indent=2, sort_keys=True) + "\n", "utf-8")

    model_files_write(
        cascade.DEFAULT_MODEL_PATH,
        {
            "gate_logit": np.array(cut, dtype=np.float64),
            "gate_high": np.array(high, dtype=np.float64),
            "gate_calibration": linear_platt.as_array(),
            "strong_calibration": strong_platt.as_array(),
        },
        {
            "format": cascade.FORMAT,
            "linear_version": linear_version,
            "minilm_version": minilm_meta["version"],
            "recall_kept": cascade.RECALL_KEPT,
            "agreement": cascade.AGREEMENT,
            "threshold": threshold,
            "metrics": {"grouped_cross_validation": report["cascade"]},
        },
        version_prefix="cw-cascade",
    )
    print(
        f"written: {DEFAULT_MODEL_PATH.name}, {minilm_json.name}, {cascade.DEFAULT_MODEL_PATH.name}"
    )


if __name__ == "__main__":
    main()
