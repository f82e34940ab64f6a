"""Evaluate claim matching on CLEF CheckThat! 2020 Task 2 data: MAP@5, MRR and P@1.

Readers and metrics are pure; `manage.py evaluate matching` loads the pool as imported
fact-checks and ranks every query with the production matcher.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

csv.field_size_limit(10_000_000)


def read_pool(path: Path | str) -> list[tuple[str, str, str]]:
    """(id, claim, title) rows of `verified_claims.docs.tsv`; ValueError on a bad layout."""
    rows = []
    seen: dict[str, int] = {}
    for line, record in _tsv(path, ("vclaim", "title")):
        doc_id = record[0].strip()
        if not doc_id:
            raise ValueError(f"{path}:{line}: a verified claim without an id")
        # Each is stored as an imported fact-check keyed by its id, in PostgreSQL text.
        if doc_id in seen:
            raise ValueError(f"{path}:{line}: id {doc_id!r} is already on line {seen[doc_id]}")
        if "\x00" in record[1] or "\x00" in record[2]:
            raise ValueError(f"{path}:{line}: a NUL character in the claim or title")
        seen[doc_id] = line
        rows.append((doc_id, record[1] or "", record[2] or ""))
    return rows


def read_queries(path: Path | str) -> list[tuple[str, str]]:
    """(id, text) rows of `tweets.queries.tsv`."""
    return [(record[0].strip(), record[1] or "") for _, record in _tsv(path, ("tweet_content",))]


def read_qrels(path: Path | str) -> dict[str, set[str]]:
    """Relevant pool ids per query id from a TREC qrels file (`query 0 doc relevance`)."""
    relevant: dict[str, set[str]] = {}
    with Path(path).open(encoding="utf-8") as handle:
        for line, text in enumerate(handle, start=1):
            fields = text.split()
            if not fields:
                continue
            if len(fields) != 4:
                raise ValueError(f"{path}:{line}: expected 'query 0 doc relevance', got {text!r}")
            if fields[3] != "0":
                relevant.setdefault(fields[0], set()).add(fields[2])
    return relevant


def _tsv(path: Path | str, columns: Sequence[str]) -> list[tuple[int, list[str]]]:
    with Path(path).open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle, delimiter="\t")
        header = [cell.strip() for cell in next(reader, [])]
        if header[1 : 1 + len(columns)] != list(columns):
            raise ValueError(
                f"{path}: expected a header of a blank id column then {', '.join(columns)}, "
                f"found {', '.join(header) or 'none'}"
            )
        return [
            (line, row + [""] * (len(columns) + 1 - len(row)))
            for line, row in enumerate(reader, start=2)
            if row
        ]


def rank_metrics(
    rankings: Mapping[str, Sequence[str]], relevant: Mapping[str, set[str]]
) -> dict[str, Any]:
    """MAP@5, MRR and P@1 over the queries that have a relevant document."""
    queries = [query for query in rankings if relevant.get(query)]
    ap5 = rr = p1 = 0.0
    for query in queries:
        wanted = relevant[query]
        ranked = list(rankings[query])
        hits = 0
        precision_sum = 0.0
        for position, doc in enumerate(ranked[:5], start=1):
            if doc in wanted:
                hits += 1
                precision_sum += hits / position
        ap5 += precision_sum / min(len(wanted), 5)
        first = next((pos for pos, doc in enumerate(ranked, start=1) if doc in wanted), None)
        rr += 1.0 / first if first else 0.0
        p1 += 1.0 if ranked[:1] and ranked[0] in wanted else 0.0
    n = len(queries)
    return {
        "map_at_5": round(ap5 / n, 4) if n else 0.0,
        "mrr": round(rr / n, 4) if n else 0.0,
        "p_at_1": round(p1 / n, 4) if n else 0.0,
        "n": n,
    }


def render_matching(result: Mapping[str, Any], *, method: str) -> list[str]:
    lines = [
        f"queries   {result['n']}",
        f"method    {method}",
        f"MAP@5     {result['map_at_5']:.4f}",
        f"MRR       {result['mrr']:.4f}",
        f"P@1       {result['p_at_1']:.4f}",
    ]
    return [*lines, json.dumps(dict(result))]
