from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from claims.evaluation.attribution import (
    CORRECT,
    EMPTY,
    FALSE,
    evaluate_attribution,
    every_sentence,
    every_sentence_with,
    head_name,
    is_speech,
    render_attribution,
)
from claims.evaluation.polnear import Span, read_split
from claims.pipeline.attribution.ranker import load_ranker
from claims.pipeline.types import Document
from tests.paths import CORPUS

POLNEAR = CORPUS / "attribution" / "polnear"

TEXT = (
    "Harbor vote nears.\n\n"
    "Mayor Ann Ward said the port would reopen in May. "
    "The council wants a new budget. "
    "Tides were high on Monday.\n\n"
    "“We have the money. The cranes are paid for,” said Tom Baker, an aide to the mayor.\n"
)


def _span(label: str, tid: str, words: str, text: str = TEXT, nth: int = 0) -> str:
    start = -1
    for _ in range(nth + 1):
        start = text.index(words, start + 1)
    return f"{tid}\t{label} {start} {start + len(words)}\t{words}"


def _write_split(root: Path) -> Path:
    (root / "text").mkdir(parents=True)
    (root / "attributions").mkdir()
    (root / "text" / "harbor.txt").write_text(TEXT, encoding="utf-8")
    content = "We have the money. The cranes are paid for,"
    first, second = content.split(" The ")
    start = TEXT.index(first)
    end_second = TEXT.index("paid for,") + len("paid for,")
    lines = [
        _span("Source", "T1", "Mayor Ann Ward"),
        _span("Cue", "T2", "said", nth=0),
        _span("Content", "T3", "the port would reopen in May"),
        "E1\tAttribution:T2 Source:T1 Cue:T2 Content:T3",
        _span("Source", "T4", "The council"),
        _span("Cue", "T5", "wants"),
        _span("Content", "T6", "a new budget"),
        "E2\tAttribution:T5 Source:T4 Cue:T5 Content:T6",
        _span("Source", "T7", "Tom Baker, an aide to the mayor"),
        _span("Cue", "T8", "said", nth=1),
        # A discontinuous content whose fragments are out of order, as some files have them.
        f"T9\tContent {start + len(first) + 1} {end_second};{start} {start + len(first)}"
        f"\tThe cranes are paid for, {first}",
        "E3\tAttribution:T8 Source:T7 Cue:T8 Content:T9",
    ]
    # A second annotator's file for the same article is not read.
    (root / "attributions" / "harbor_0001.ann").write_text("\n".join(lines), encoding="utf-8")
    (root / "attributions" / "harbor_0002.ann").write_text(lines[0], encoding="utf-8")
    return root


def test_a_split_is_read_once_per_article_with_discontinuous_spans(tmp_path: Path) -> None:
    (article,) = read_split(_write_split(tmp_path))

    assert article.name == "harbor"
    assert len(article.attributions) == 3
    quote = article.attributions[2]
    assert quote.source is not None and quote.source.text.startswith("Tom Baker")
    assert [TEXT[a:b] for a, b in quote.contents[0].fragments][1] == "We have the money."


def test_a_missing_layout_or_a_span_outside_the_text_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="text/ and attributions/"):
        read_split(tmp_path)
    root = _write_split(tmp_path / "split")
    (root / "attributions" / "harbor_0001.ann").write_text("T1\tSource 5 99999\tx")
    with pytest.raises(ValueError, match="harbor_0001.ann:1"):
        read_split(root)


@pytest.mark.parametrize(
    ("source", "head"),
    [
        ("The New York Post", "post"),
        ("Sen. Tim Kaine of Virginia", "kaine"),
        ("Clinton spokesman Josh Schwerin", "schwerin"),
        ("NBC’s Dante Chinni", "chinni"),
        ("Ryan's spokeswoman", "ryan"),
        ("the Clinton campaign", "clinton"),
        ("Tom Baker, an aide to the mayor of Springfield", "baker"),
        ("he", ""),
        ("a campaign aide", ""),
    ],
)
def test_the_head_name_is_the_name_a_speaker_must_share(source: str, head: str) -> None:
    assert head_name(source, frozenset({"the", "a"})) == head


@pytest.mark.parametrize(
    ("cue", "speech"),
    [("said", True), ("has also insisted", True), ("according to", True), ("wants", False)],
)
def test_beliefs_and_intentions_are_not_speech(cue: str, speech: bool) -> None:
    assert is_speech(Span(0, len(cue), cue)) is speech


def test_each_attributed_sentence_is_correct_false_or_empty(tmp_path: Path) -> None:
    articles = read_split(_write_split(tmp_path))
    speakers = iter(["Ann Ward", "The Council", "", "", "Ann Ward"])

    def fake(document: Document) -> list:
        return [s._replace(speaker=next(speakers)) for s in every_sentence(document)]

    report = evaluate_attribution(articles, fake)

    # The headline is the title; "wants" is no speech; "Tides were high" is the writer's.
    assert [(r.sentence[:12], r.outcome) for r in report.results] == [
        ("Mayor Ann Wa", CORRECT),
        ("“We have the", EMPTY),
        ("The cranes a", FALSE),
    ]
    assert report.unattributed == 1 and report.spurious == 0
    summary = json.loads(render_attribution(report)[-1])
    assert summary["n"] == 3
    assert summary["speaker_accuracy"] == pytest.approx(1 / 3, abs=1e-3)
    assert summary["false_attribution"] == pytest.approx(1 / 3, abs=1e-3)
    assert summary["empty_rate"] == pytest.approx(1 / 3, abs=1e-3)


def test_the_pipeline_names_the_speakers_of_a_made_up_split(tmp_path: Path) -> None:
    report = evaluate_attribution(read_split(_write_split(tmp_path)))

    assert [r.outcome for r in report.results] == [CORRECT, CORRECT, CORRECT]


def test_the_command_prints_patterns_and_a_last_json_line(tmp_path: Path) -> None:
    out = StringIO()
    root = _write_split(tmp_path)
    call_command("evaluate", "attribution", "--dir", str(root), "--all-sentences", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0].startswith("attribution: rules, then attribution-")
    assert lines[1].split()[:2] == ["pattern", "n"]
    summary = json.loads(lines[-1])
    assert {"speaker_accuracy", "false_attribution", "empty_rate", "n"} <= summary.keys()
    assert summary["n"] == 3

    with pytest.raises(CommandError, match="text/ and attributions/"):
        call_command("evaluate", "attribution", "--dir", str(tmp_path / "nowhere"))


def test_the_command_names_the_ranker_it_compares(tmp_path: Path) -> None:
    root = _write_split(tmp_path)
    first_lines = []
    for flag in ("--linear", "--rules-only"):
        out = StringIO()
        call_command(
            "evaluate", "attribution", "--dir", str(root), "--all-sentences", flag, stdout=out
        )
        first_lines.append(out.getvalue().splitlines()[0])

    assert first_lines[0].startswith("attribution: rules, then attribution-ranker-")
    assert first_lines[1] == "attribution: rules only"


@pytest.mark.skipif(not POLNEAR.is_dir(), reason="the PolNeAR corpus is not beside the repo")
def test_the_dev_split_is_read_and_scored() -> None:
    # The linear ranker: the MiniLM scorer on every sentence of the split would take a minute.
    report = evaluate_attribution(read_split(POLNEAR / "dev"), every_sentence_with(load_ranker()))

    summary = report.summary()
    assert summary["articles"] == 84
    assert summary["n"] > 1000
    assert summary["speaker_accuracy"] + summary["false_attribution"] + summary[
        "empty_rate"
    ] == pytest.approx(1, abs=1e-3)
