"""A small labelled TSV in the CheckThat! layout, for the check-worthiness training tests."""

from __future__ import annotations

import csv
from pathlib import Path

WORTHY = [
    "Unemployment fell to {n} percent last year, the lowest since 1969.",
    "The city spent {n} million dollars on roads in 2024.",
    "Crime rose by {n} percent after the new law passed.",
    "We cut taxes for {n} million families.",
]
OTHER = [
    "Thank you all for being here tonight, number {n}.",
    "I want to talk to you about hope and question {n}.",
    "Good evening and welcome, everyone at table {n}.",
    "Let me say this about that, my friend {n}.",
]


def labelled_tsv(path: Path, rows: int) -> Path:
    """`rows` check-worthy and `rows` other sentences, written to `path`."""
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t")
        writer.writerow(["Sentence_id", "Text", "class_label"])
        for n in range(rows):
            writer.writerow([f"w{n}", WORTHY[n % 4].format(n=n), "Yes"])
            writer.writerow([f"o{n}", OTHER[n % 4].format(n=n), "No"])
    return path
