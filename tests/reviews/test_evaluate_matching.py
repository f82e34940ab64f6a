"""evaluate matching: CheckThat! 2020 Task 2 layout in, MAP@5 / MRR / P@1 and a JSON line out."""

from __future__ import annotations

import csv
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from claims.evaluation.matching import rank_metrics
from reviews.models import ImportedFactCheck
from tests.paths import CORPUS

MATCHING = CORPUS / "claim-matching"
QUERIES = 30
DISTRACTORS = 300


@pytest.fixture
def dev_slice(tmp_path: Path) -> dict[str, Path]:
    """The first dev queries, their verified claims and some others, in the corpus layout."""
    with (MATCHING / "dev" / "tweets.queries.tsv").open(newline="", encoding="utf-8") as handle:
        queries = list(csv.reader(handle, delimiter="\t"))[: QUERIES + 1]
    ids = {row[0] for row in queries[1:]}
    qrels = [
        line
        for line in (MATCHING / "dev" / "tweet-vclaim-pairs.qrels").read_text().splitlines()
        if line.split()[0] in ids
    ]
    wanted = {line.split()[2] for line in qrels}
    with (MATCHING / "verified_claims.docs.tsv").open(newline="", encoding="utf-8") as handle:
        pool = list(csv.reader(handle, delimiter="\t"))
    others = [row for row in pool[1 : DISTRACTORS + 1] if row[0] not in wanted]
    kept = [pool[0]] + [row for row in pool[1:] if row[0] in wanted] + others
    paths = {
        "pool": tmp_path / "pool.tsv",
        "queries": tmp_path / "queries.tsv",
        "qrels": tmp_path / "qrels",
    }
    for name, rows in (("pool", kept), ("queries", queries)):
        with paths[name].open("w", newline="", encoding="utf-8") as handle:
            csv.writer(handle, delimiter="\t").writerows(rows)
    paths["qrels"].write_text("\n".join(qrels) + "\n")
    return paths


def _evaluate(paths: dict[str, Path], method: str) -> tuple[list[str], dict[str, float]]:
    out = StringIO()
    call_command(
        "evaluate",
        "matching",
        "--pool",
        str(paths["pool"]),
        "--queries",
        str(paths["queries"]),
        "--qrels",
        str(paths["qrels"]),
        "--method",
        method,
        stdout=out,
    )
    lines = out.getvalue().strip().splitlines()
    return lines, json.loads(lines[-1])


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["lexical", "hybrid"])
def test_a_slice_of_dev_is_ranked_and_reported_as_one_json_line(
    dev_slice: dict[str, Path], method: str
) -> None:
    ImportedFactCheck.objects.create(
        claim_reviewed="kept aside during evaluation", source_key="mine"
    )

    lines, result = _evaluate(dev_slice, method)

    assert set(result) == {"map_at_5", "mrr", "p_at_1", "n"}
    assert result["n"] == QUERIES
    assert f"method    {method}" in lines
    # Far above chance (1 in 300) on the pool: the queries really went through the matcher.
    assert result["map_at_5"] > 0.6 and result["p_at_1"] > 0.5
    assert list(ImportedFactCheck.objects.values_list("source_key", flat=True)) == ["mine"]


@pytest.mark.django_db
def test_a_pool_in_another_layout_is_a_clear_error(
    dev_slice: dict[str, Path], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text("id\ttext\n1\tsomething\n")
    dev_slice["pool"] = bad

    with pytest.raises(CommandError, match="expected a header of a blank id column then vclaim"):
        _evaluate(dev_slice, "lexical")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("v1\tTaxes rose.\tT\nv1\tTaxes fell.\tT\n", "pool.tsv:3: id 'v1' is already on line 2"),
        ("v1\tTaxes\x00 rose.\tT\n", "pool.tsv:2: a NUL character"),
    ],
)
def test_a_pool_the_database_cannot_hold_is_a_clear_error(
    dev_slice: dict[str, Path], tmp_path: Path, rows: str, message: str
) -> None:
    pool = tmp_path / "pool.tsv"
    pool.write_text("\tvclaim\ttitle\n" + rows)
    dev_slice["pool"] = pool

    with pytest.raises(CommandError, match=message):
        _evaluate(dev_slice, "lexical")


def test_map_at_5_counts_a_hit_at_rank_two_as_one_half() -> None:
    result = rank_metrics({"q1": ["a", "b"], "q2": ["c"], "q3": []}, {"q1": {"b"}, "q2": {"c"}})

    assert result == {"map_at_5": 0.75, "mrr": 0.75, "p_at_1": 0.5, "n": 2}
