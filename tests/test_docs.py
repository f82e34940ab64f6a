"""The configuration reference names every variable once, and the docs say what is, with no
history of how it came to be."""

from __future__ import annotations

import dataclasses
import re

from django.apps import apps
from django.utils.text import capfirst

from factcheck.config import PREFIX, Config
from reviews.models import ReviewItem
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


def test_the_readme_tour_names_the_workspace_buttons_as_the_page_labels_them() -> None:
    workspace = REPO / "reviews" / "templates" / "admin" / "reviews" / "reviewitem" / "workspace"
    labels = {
        re.sub(r"\s*<kbd>.*", "", label).strip()
        for name in ("verdict_form.html", "approval.html")
        for label in re.findall(r"<button [^>]*>(.*?)</button>", (workspace / name).read_text())
    }
    tour = (REPO / "README.md").read_text().split("- **The desk**")[1].split("- **The API**")[0]

    named = set(re.findall(r"\*([A-Z][^*]+)\*", " ".join(tour.split())))
    buttons = named - {_QUEUE_IN_SIDEBAR, "Take next claim", "Published"}
    assert buttons and buttons <= labels, sorted(buttons - labels)


# The sidebar names an app, then its models by their plural.
_QUEUE_IN_SIDEBAR = "{} → {}".format(
    apps.get_app_config("reviews").verbose_name,
    capfirst(ReviewItem._meta.verbose_name_plural),
)


def test_the_readme_and_the_desk_guide_name_the_queue_as_the_sidebar_does() -> None:
    for path in (REPO / "README.md", REPO / "docs" / "desk.md"):
        assert f"*{_QUEUE_IN_SIDEBAR}*" in " ".join(path.read_text().split()), path.name
