"""Labelled check-worthiness data in the CLEF CheckThat! Task 1 layout (TSV)."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import NamedTuple

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
