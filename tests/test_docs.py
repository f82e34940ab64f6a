"""The configuration reference names every variable once, and the docs say what is, with no
history of how it came to be."""

from __future__ import annotations

import dataclasses
import re

from factcheck.config import PREFIX, Config
from tests.paths import REPO

DOCS = [REPO / "README.md", REPO / "bench" / "README.md", *sorted((REPO / "docs").glob("*.md"))]


def _documented() -> list[str]:
    text = (REPO / "docs" / "configuration.md").read_text()
    names = []
    for row in re.findall(r"^\| ([^|]*`[^|]*) \|", text, re.MULTILINE):
        names += re.findall(r"`([A-Z][A-Z0-9_]+)`", row)
    return names


def _read_by_settings() -> set[str]:
    settings = (REPO / "factcheck" / "settings.py").read_text()
    names = set(re.findall(r"(?:env\.\w+|secret)\(\s*\"([A-Z][A-Z0-9_]+)\"", settings))
    return names | {PREFIX + field.name.upper() for field in dataclasses.fields(Config)}


def test_every_variable_the_settings_read_is_documented_exactly_once() -> None:
    documented = _documented()

    assert sorted(n for n in set(documented) if documented.count(n) > 1) == []
    assert sorted(_read_by_settings() - set(documented)) == []


def test_the_docs_tell_no_history_of_earlier_work() -> None:
    for path in DOCS:
        text = path.read_text()
        found = re.findall(r"\b[Ss]ession \d+|\(issue \d+\)|\bissue \d+\b", text)
        assert found == [], f"{path.name}: {found}"
