"""A subject's speaker as the article names it: a description in its fullest form, whether a
speaker is a group, and whether it is a person or an organisation."""

from __future__ import annotations

from claims.pipeline.attribution.lexicon import GROUP_NOUNS, PERSON_SOURCE_NOUNS
from claims.pipeline.attribution.names import Registry, categorise, split_run
from claims.pipeline.attribution.subjects import Subject
from claims.pipeline.attribution.vocabulary import (
    COLLECTIVE,
    OUTLET,
    PERSON,
    POSSESSIVE_ENDS,
    without_possessive,
)

PERSON_KIND, ORGANIZATION = "person", "organization"


def described_speaker(subject: Subject, at: int, registry: Registry) -> tuple[str, str, bool]:
    """ "Paul Ryan's spokeswoman", "Clinton campaign": the name in its fullest form."""
    words = list(subject.words)
    if subject.role == "possessive":
        # ("Ryan’s", "spokeswoman") or, from "a spokeswoman for Ryan", ("Ryan", "spokeswoman").
        split = next(
            (i + 1 for i, w in enumerate(words) if w.endswith(POSSESSIVE_ENDS)), len(words) - 1
        )
        name = [without_possessive(w) for w in words[:split]]
        tokens, _, _ = split_run(name)
        if not tokens:
            return "", "", False
        full, _ = registry.expand(tokens, at, categorise(tokens))
        nouns = words[split:]
        speaker = f"{full}'s {' '.join(nouns)}"
    else:
        tokens, _, _ = split_run(words)
        nouns = [w for w in tokens if w.islower()]
        speaker = " ".join(tokens).replace(" / ", "/")
    if not nouns or not tokens:
        return "", "", False
    category = PERSON if nouns[-1] in PERSON_SOURCE_NOUNS else COLLECTIVE
    return speaker, category, False


def speaker_kind(speaker: str, category: str, registry: Registry) -> str:
    """ "person" or "organization": outlets and institutions are organisations."""
    if category == PERSON:
        return ORGANIZATION if speaker in registry.bodies else PERSON_KIND
    if category in (OUTLET, COLLECTIVE):
        return ORGANIZATION
    # A bare name the article never gives in full: a person when a title or a pronoun
    # shows it ("Erdoğan said ... he"), else a place or body ("Moscow", "NATO").
    return PERSON_KIND if speaker in registry.genders else ORGANIZATION


def is_group(speaker: str) -> bool:
    """ "Democratic lawmakers", "Clinton aides": no "he" or "she" stands for them."""
    return speaker.rpartition(" ")[2] in GROUP_NOUNS
