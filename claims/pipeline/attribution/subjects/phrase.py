"""The subject phrase that ends right before a token: a pronoun, a name, a role, a
description or an unnamed noun; past companions ("Ann Ward and her colleagues"), as a share of
a group ("54 percent of Democrats"), and not a name after a preposition ("Officials in Kyiv
said")."""

from __future__ import annotations

from claims.pipeline.attribution.lexicon import PERSON_SOURCE_NOUNS
from claims.pipeline.attribution.names import Registry, qual
from claims.pipeline.attribution.subjects import NO_SUBJECT, Subject
from claims.pipeline.attribution.subjects.descriptions import (
    NAME_OBJECT_OF,
    NOT_MODIFIERS,
    OF_ROLE,
    description_start,
    is_noun_after_article,
    named_description,
)
from claims.pipeline.attribution.subjects.runs import run_before
from claims.pipeline.attribution.tokens import Tokens
from claims.pipeline.attribution.vocabulary import (
    ALL_ROLES,
    POSSESSIVE_ENDS,
    PREPOSITIONS,
    PRONOUNS,
    TIME_NOUNS,
    word_set,
)


def subject_at(t: Tokens, end: int, registry: Registry) -> Subject:
    """The subject phrase that ends right before token `end`."""
    if end <= 0:
        return NO_SUBJECT
    last, low = t.text[end - 1], t.low[end - 1]
    if low in PRONOUNS:
        return Subject("pronoun", (last,), t.start[end - 1])
    if end > 2 and (low in _COMPANIONS or (t.low[end - 2] == "other" and last.islower())):
        # "Ann Ward and her colleagues found", "Tom Baker and others said", "Mr. Xi and other
        # leaders have said": the one named.
        joined = end - 2 if t.low[end - 2] not in ("his", "her", "their", "other") else end - 3
        if joined > 0 and t.low[joined] == "and":
            named = subject_at(t, joined, registry)
            if named.kind == "name":
                return named
    start = run_before(t, end, registry, 0)
    if start == 0 and end == 1 and t.low[0].endswith(("ly", "ing")):
        # "Similarly, ...", "Having ...": not a name, unless the article names it elsewhere and
        # no comma sets it off ("Jolly said", "Kelly responded" after "Rep. Ann Jolly").
        known = t.text[0] in registry.mid_sentence or t.text[0] in registry.full
        if t.text[1:2] == [","] or not known:
            return NO_SUBJECT
    if start < end:
        words = tuple(t.text[start:end])
        if words[-1].endswith(POSSESSIVE_ENDS):
            return NO_SUBJECT  # "Trump's advisers said": the name is not the speaker
        role = t.low[start - 1] if start > 0 else ""
        if role in ("and", "or"):
            # "prosecutors in San Francisco and Los Angeles say", "voters in Ohio, Iowa and
            # Maine said": look past the names listed after the preposition.
            before = run_before(t, start - 1, registry, 0)
            while (
                before < start - 1
                and before > 1
                and t.text[before - 1] == ","
                and t.cap[before - 2]
            ):
                listed = run_before(t, before - 1, registry, 0)
                if listed == before - 1 or t.low[before - 2] in TIME_NOUNS:
                    break  # "On Sunday, Ann Ward and Tom Baker said": no list
                before = listed
            if before < start - 1 and before > 0 and t.low[before - 1] in PREPOSITIONS:
                return subject_at(t, before - 1, registry)
        elif role == "of" and start > 1 and _is_quantity(t.low[start - 2]):
            # "54 percent of Democrats said", "a majority of Republicans say": that share of the
            # group the poll asked.
            first = start - 2
            while first > 0 and start - first < _QUANTITY_WORDS and _in_quantity(t, first - 1):
                first -= 1
            words = (*t.text[first:start], *words)
            return Subject("description", words, t.start[first])
        elif role in NAME_OBJECT_OF:
            # "a spokeswoman for Clinton said": Clinton's spokeswoman.
            # "an adviser to Trump": "to" only after a person's role, not "a letter to Senate".
            of_role = role in OF_ROLE or (role == "to" and t.low[start - 2] in PERSON_SOURCE_NOUNS)
            if of_role and start > 1 and is_noun_after_article(t, start - 2):
                first = description_start(t, start - 2)
                return Subject(
                    "description",
                    (*words, t.low[start - 2]),
                    t.start[first],
                    role="possessive",
                )
            # "Officials in Kyiv said": the name is where the subject is, not the subject.
            return subject_at(t, start - 1, registry)
        return Subject("name", words, t.start[start], role=role)
    described = named_description(t, end, registry)
    if described is not None:
        return described
    if low in ALL_ROLES:
        for back in range(end - 2, max(-1, end - 6), -1):
            if t.low[back] == "the":
                modifiers = range(back + 1, end - 1)
                quals = frozenset(qual(t.text[i]) for i in modifiers if t.cap[i])
                return Subject("role", (last,), t.start[back], quals, low)
    if last.isalpha() and last.islower():
        return Subject("unnamed", (last,), t.start[end - 1])
    return NO_SUBJECT


_QUANTITIES = word_set(
    "percent % majority majorities plurality half third thirds quarter quarters most share"
)
_QUANTITY_WORDS = 4


def _is_quantity(low: str) -> bool:
    return low in _QUANTITIES or low.endswith(("-third", "-thirds", "-quarter", "-quarters"))


def _in_quantity(t: Tokens, index: int) -> bool:
    """ "54", "Fifty-four", "a narrow", "about": words of the share before "percent of"."""
    word = t.text[index]
    return word[0].isdigit() or (
        word.replace("-", "").isalpha()
        and (word.islower() or index == 0)
        and t.low[index] not in NOT_MODIFIERS
    )


_COMPANIONS = word_set(
    "others colleagues co-authors coauthors researchers allies aides advisers advisors supporters"
    " associates staff team lawyers attorneys backers campaign"
)
