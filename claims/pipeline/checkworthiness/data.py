"""Labelled check-worthiness data in the CLEF CheckThat! Task 1 layout (TSV)."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

import numpy as np

REQUIRED_COLUMNS = ("Sentence_id", "Text", "class_label")
_LABELS = {"yes": True, "no": False}


class CheckworthyRow(NamedTuple):
    id: str
    text: str
    label: bool  # True when the sentence is check-worthy ("Yes")


def read_checkthat_tsv(path: Path | str) -> list[CheckworthyRow]:
    """Rows of a CheckThat! TSV; raises ValueError naming missing columns or a bad label."""
    path = Path(path)
    try:
        return _read_checkthat_tsv(path)
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    except csv.Error as exc:  # a field over csv.field_size_limit(), say: not a ValueError
        raise ValueError(f"{path}: not a TSV file: {exc}") from exc


def _read_checkthat_tsv(path: Path) -> list[CheckworthyRow]:
    # Texts containing tabs or quotes are double-quoted in these files: a CSV reader unquotes them.
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle, delimiter="\t")
        columns = [c.strip() for c in reader.fieldnames or []]
        missing = [c for c in REQUIRED_COLUMNS if c not in columns]
        if missing:
            raise ValueError(
                f"{path}: missing column(s) {', '.join(missing)}; "
                f"expected {', '.join(REQUIRED_COLUMNS)}, found {', '.join(columns) or 'none'}"
            )
        reader.fieldnames = columns
        rows = []
        for line, record in enumerate(reader, start=2):
            raw = record["class_label"] or ""
            label = raw.strip().lower()
            if label not in _LABELS:
                raise ValueError(f"{path}:{line}: class_label must be Yes or No, got {raw!r}")
            rows.append(
                # A short row leaves the columns after its last field None.
                CheckworthyRow(
                    (record["Sentence_id"] or "").strip(), record["Text"] or "", _LABELS[label]
                )
            )
    return rows


# The CheckThat! (ClaimBuster) sentence ids number every sentence of a debate in order, and
# only candidates' sentences of some length were labelled: within a debate the ids of labelled
# sentences skip at most ~18 (a moderator's question, short replies), while the moderator's
# introduction of the next debate skips 20 or more. Cutting there gives 34 runs on train and
# dev together, against the 33 general-election debates of 1960-2016 the set was drawn from; the
# sentences either side of every cut read as one debate's closing and the next one's opening.
DEBATE_GAP = 20


def debate_groups(ids: Sequence[str]) -> np.ndarray:
    """The debate of each sentence id (0, 1, ... in id order): runs of ids cut at DEBATE_GAP.

    Cross-validation grouped by these never puts sentences of one debate on both sides.
    Raises ValueError for an id that is not an integer.
    """
    try:
        numbers = np.array([int(i) for i in ids], dtype=np.int64)
    except ValueError as exc:
        raise ValueError(f"Sentence_id must be an integer to group by debate: {exc}") from exc
    order = np.argsort(numbers, kind="stable")
    starts = np.concatenate([[0], (np.diff(numbers[order]) >= DEBATE_GAP).astype(np.int64)])
    groups = np.empty(len(numbers), dtype=np.int64)
    groups[order] = np.cumsum(starts)
    return groups
