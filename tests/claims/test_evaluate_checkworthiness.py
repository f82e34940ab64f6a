from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from claims.pipeline.checkworthiness.data import read_checkthat_tsv
from claims.pipeline.checkworthiness.evaluation import (
    evaluate_checkworthiness,
    render_checkworthiness,
)
from claims.pipeline.types import Score


class KeywordScorer:
    """A transparent stand-in model: 0.9 when the sentence mentions percent, else 0.1."""

    version = "keyword-test"

    def score(self, texts: Sequence[str]) -> list[Score]:
        return [Score(0.9 if "percent" in t else 0.1) for t in texts]


TSV = (
    "Sentence_id\tText\tclass_label\n"
    "1\tTaxes rose 5 percent.\tYes\n"
    '2\t"He said ""no"" to that,\tand left."\tNo\n'
    "3\tGood evening.\tNo\n"
    "4\tCrime fell in 2019.\tYes\n"
    "5\tWe lost 3 percent of the vote, thank you.\tNo\n"
)


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "data.tsv"
    path.write_text(text, encoding="utf-8")
    return path


def test_quoted_texts_are_unquoted(tmp_path: Path) -> None:
    rows = read_checkthat_tsv(_write(tmp_path, TSV))
    assert len(rows) == 5
    assert rows[1].id == "2"
    assert rows[1].text == 'He said "no" to that,\tand left.'
    assert rows[1].label is False and rows[0].label is True


def test_wrong_columns_raise_error_naming_the_missing_ones(tmp_path: Path) -> None:
    path = _write(tmp_path, "id\tText\tlabel\n1\tHello.\tNo\n")
    with pytest.raises(ValueError, match="Sentence_id, class_label"):
        read_checkthat_tsv(path)


def test_unknown_label_is_rejected_with_its_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "Sentence_id\tText\tclass_label\n1\tHello.\tMaybe\n")
    with pytest.raises(ValueError, match=":2:.*Maybe"):
        read_checkthat_tsv(path)


def test_a_short_row_under_reordered_columns_is_read(tmp_path: Path) -> None:
    rows = read_checkthat_tsv(_write(tmp_path, "class_label\tText\tSentence_id\nYes\n"))
    assert rows == [("", "", True)]


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"Sentence_id\tText\tclass_label\n1\t\xed\xa0\x80\tYes\n", "data.tsv: not UTF-8"),
        # Over any csv.field_size_limit() the code sets (10 MB in claims.evaluation.matching).
        (b"Sentence_id\tText\tclass_label\n1\t" + b"x" * 11_000_000, "data.tsv: not a TSV"),
    ],
)
def test_a_file_that_is_no_tsv_is_a_value_error_naming_it(
    tmp_path: Path, raw: bytes, message: str
) -> None:
    path = tmp_path / "data.tsv"
    path.write_bytes(raw)
    with pytest.raises(ValueError, match=message):
        read_checkthat_tsv(path)


def test_metrics_count_the_yes_class(tmp_path: Path) -> None:
    rows = read_checkthat_tsv(_write(tmp_path, TSV))
    result = evaluate_checkworthiness(rows, KeywordScorer(), threshold=0.5)
    assert (result["tp"], result["fp"], result["fn"], result["tn"]) == (1, 1, 1, 2)
    assert result["precision"] == result["recall"] == result["f1"] == 0.5
    assert result["n"] == 5


def test_render_ends_with_a_json_summary(tmp_path: Path) -> None:
    rows = read_checkthat_tsv(_write(tmp_path, TSV))
    result = evaluate_checkworthiness(rows, KeywordScorer(), threshold=0.5)
    lines = render_checkworthiness(result, per_sentence=True)
    assert json.loads(lines[-1]) == {"f1": 0.5, "precision": 0.5, "recall": 0.5, "n": 5}
    per_sentence = [json.loads(line) for line in lines[-6:-1]]
    assert per_sentence[0] == {"id": "1", "score": 0.9, "label": "Yes"}
    assert len(render_checkworthiness(result)) == len(lines) - 5
