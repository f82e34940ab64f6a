"""Which of a sentence's candidate sources is its speaker: the main clause's."""

from __future__ import annotations

import re

from claims.pipeline.attribution.names import Candidate
from claims.pipeline.attribution.vocabulary import COORDINATION, PERSON, RANK

_SUBORDINATE = re.compile(
    r"(?:While|Although|Though|Whereas|Even as|Even though|Even if|Because|If|Unless)\b"
)


def choose(found: list[Candidate], masked: str) -> Candidate | None:
    """The main clause's source: the first one, unless a coordinated clause ("…, while
    Zelensky accused …", "…, but sources told the Times") names a person or an outlet where
    the first clause had only a country or an institution."""
    if not found:
        return None
    found = sorted(found, key=lambda c: c.position)
    chosen = found[0]
    comma = masked.find(",")
    if chosen.kind == "reported" and masked.startswith("In ") and chosen.position < comma:
        # "In an AP interview Monday, Sanders said ...", "In a video put out by the Cruz
        # campaign, Perry said ...": the opening phrase says where, the person who speaks in it
        # is the source.
        person = next((c for c in found if c.position > comma and c.category == PERSON), None)
        if person is not None:
            return person
    if _SUBORDINATE.match(masked) and chosen.position < comma:
        # "While Ann Ward pledged lower fares, Tom Baker insisted …": the main clause's
        # source, not the subordinate clause's.
        main = next((c for c in found if c.position > comma), None)
        if main is not None:
            return main
    for candidate in found[1:]:
        if RANK[candidate.category] < RANK[chosen.category] and COORDINATION.search(
            masked, chosen.position, candidate.position
        ):
            chosen = candidate
    last = found[-1]
    if last is not chosen and RANK[last.category] <= RANK[chosen.category]:
        # "X suggested, the US would ..., sources told the Times": a source named after the
        # last comma, at the sentence's end, reports everything before it.
        comma = masked.rfind(",", 0, last.position)
        if comma > chosen.position and len(masked[comma:].split()) <= _TRAILING_WORDS:
            chosen = last
    return chosen


_TRAILING_WORDS = 8
