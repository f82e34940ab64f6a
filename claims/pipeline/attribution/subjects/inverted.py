"""The subject after its verb ("…,” said Kremlin spokesman Dmitry Peskov"): the last
capitalised run of the phrase that follows, or the name in apposition to a role."""

from __future__ import annotations

from claims.pipeline.attribution.lexicon import PERSON_SOURCE_NOUNS
from claims.pipeline.attribution.names import Registry
from claims.pipeline.attribution.subjects import NO_SUBJECT, Subject
from claims.pipeline.attribution.subjects.descriptions import ARTICLES, NOT_MODIFIERS, OF_ROLE
from claims.pipeline.attribution.subjects.phrase import subject_at
from claims.pipeline.attribution.subjects.runs import name_after
from claims.pipeline.attribution.tokens import Tokens
from claims.pipeline.attribution.vocabulary import (
    PERSON_ROLES,
    STOPWORDS,
    without_possessive,
    word_set,
)

_DETERMINERS = ARTICLES | word_set("another one")


def inverted_subject(t: Tokens, verb: int, registry: Registry) -> Subject:
    """ "…,” said Kremlin spokesman Dmitry Peskov", "said Idaho supplement maker Frank Rowe":
    the subject follows the verb; its name is the last capitalised run before the phrase ends."""
    stop = verb + 1
    while (
        stop < len(t)
        and stop - verb <= _INVERTED_WORDS
        and (
            (t.low[stop] in ("the", "a", "an", "another") and stop == verb + 1)
            or t.low[stop] == "the"
            or t.low[stop] in PERSON_ROLES
            or (t.cap[stop] and t.low[stop] not in STOPWORDS)
            or t.text[stop].isdigit()  # "said 9/11 widow Terry Strada"
            or (t.text[stop][0].isdigit() and t.cap[stop - 1])  # "said Air Force 1st Lt. Ann Ward"
            or (t.text[stop] == "/" and t.text[stop - 1].isdigit())
            or (
                without_possessive(t.text[stop]).replace("-", "").isalpha()  # "supplement-maker"
                and t.text[stop].islower()
                and t.low[stop] not in NOT_MODIFIERS
            )
            # "said a spokesman for the ministry, Ann Ward", "said a longtime adviser to Trump"
            or (
                t.low[stop] in OF_ROLE | {"to"}
                and t.text[stop - 1] in PERSON_SOURCE_NOUNS | PERSON_ROLES
            )
        )
    ):
        stop += 1
    if stop < len(t) and t.cap[stop - 1] and t.cap[stop]:
        stop = name_after(t, stop)  # the word limit fell inside a name
    if (
        stop < len(t)
        and t.text[stop] == ","
        and stop > verb + 1
        and (
            t.low[stop - 1] in PERSON_SOURCE_NOUNS | PERSON_ROLES
            or (t.low[verb + 1] in _DETERMINERS and t.text[stop - 1].islower())
        )
    ):
        # "said the company's chief executive, Ann Ward,", "said another ferry worker, Lee
        # Park": the name in apposition to the role or description.
        after = stop + 1
        end = name_after(t, after)
        if end - after >= 2 and (end == len(t) or t.text[end] in _APPOSITION_ENDS):
            return Subject("name", tuple(t.text[after:end]), t.start[after])
    while stop > verb + 1 and not t.cap[stop - 1]:
        stop -= 1  # "said Tom Baker's aide": the phrase ends with the name
    if stop <= verb + 1:
        return NO_SUBJECT
    subject = subject_at(t, stop, registry)
    if any(
        t.text[i] in PERSON_SOURCE_NOUNS and t.low[i + 1] in OF_ROLE for i in range(verb + 1, stop)
    ):
        # "said a former spokesman for the Foreign Ministry, Oleg Voloshyn, who ...": the name
        # in apposition is the spokesman's own.
        after = stop + 1
        end = name_after(t, after)
        closed = end == len(t) or t.text[end] in _APPOSITION_ENDS
        if stop < len(t) and t.text[stop] == "," and end - after >= 2 and closed:
            return Subject("name", tuple(t.text[after:end]), t.start[after])
    return subject


_APPOSITION_ENDS = frozenset({",", ".", ";", "—", "–"})
_INVERTED_WORDS = 8
