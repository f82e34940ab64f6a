from __future__ import annotations

from pathlib import Path

import pytest

from claims.pipeline.attribution import attribute
from claims.pipeline.inputs import document_from_input, guess_format
from claims.pipeline.sentences import split_sentences

DEMO_ARTICLES = Path(__file__).resolve().parents[3] / "reviews" / "demo_articles"

# Everyone the demo articles quote or cite; a word or a thing ("Direct", "Harbor Point
# stadium") taken for a speaker would show up beside them.
SPEAKERS = {
    "01-riverton-budget.html": {"Elena Marsh", "David Okafor", "Riverton Ledger"},
    "02-clinic-waiting-times.html": {"Northfield Health Agency", "Priya Raman", "Tom Becker"},
    "03-stadium-costs.html": {"Marcus Lee", "Coastal Policy Institute", "Hannah Cole"},
    "04-energy-prices.html": {"Laura Fischer", "Karim Haddad", "Consumer groups"},
}


@pytest.mark.parametrize(("name", "speakers"), sorted(SPEAKERS.items()))
def test_the_demo_articles_name_only_the_people_and_bodies_they_quote(
    name: str, speakers: set[str]
) -> None:
    raw = (DEMO_ARTICLES / name).read_bytes()
    document = document_from_input(raw, guess_format(name, head=raw[:1024]))
    found = attribute(document.text, split_sentences(document.text))
    assert {a.speaker for a in found if a} == speakers
