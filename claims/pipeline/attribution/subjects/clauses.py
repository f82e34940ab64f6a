"""The subject of a speech verb in its sentence, read backwards from the verb: past fillers,
asides between commas or dashes, coordinated and participle clauses, a document that opens
the clause, or the first subject of a clause followed by a verb."""

from __future__ import annotations

from bisect import bisect_left

from claims.pipeline.attribution.lexicon import DOCUMENT_NOUNS, SOURCE_NOUNS
from claims.pipeline.attribution.names import Registry
from claims.pipeline.attribution.subjects import NO_SUBJECT, Subject
from claims.pipeline.attribution.subjects.descriptions import (
    ARTICLES,
    IRREGULAR_PAST,
    NAME_OBJECT_OF,
    description_start,
)
from claims.pipeline.attribution.subjects.fillers import strip_fillers
from claims.pipeline.attribution.subjects.phrase import subject_at
from claims.pipeline.attribution.subjects.runs import name_after, run_before
from claims.pipeline.attribution.tokens import Tokens
from claims.pipeline.attribution.vocabulary import (
    FILLERS,
    POSSESSIVE_ENDS,
    PREPOSITIONS,
    PRONOUNS,
    RELATIVES,
    SPEECH_VERBS,
    STOPWORDS,
    word_set,
)

_GERUND_PREPOSITIONS = word_set("by upon after before while in")


def subject_of(t: Tokens, verb: int, registry: Registry) -> Subject:
    opening = _opening_participle(t, verb, registry)
    if opening is not None:
        return opening
    end = strip_fillers(t, verb)
    if end > 0 and t.text[end - 1] in _DASHES:
        subject = _subject_before_dashes(t, end, registry)
        if subject is not None:
            return subject
    if end > 1 and t.low[end - 1] == "who" and t.text[end - 2] == ",":
        # "..., Ann Ward, who told reporters ...": the relative clause speaks for the person
        # before it ("..., the AP, which first reported ..." names where, not who, in a clause).
        subject = subject_at(t, end - 2, registry)
        if subject.kind in ("name", "description"):
            return subject
    if end > 1 and t.low[end - 1] in _GERUND_PREPOSITIONS and t.low[verb].endswith("ing"):
        # "Ann Ward closed by saying", "Tom Baker replied, after first noting": the clause's
        # subject speaks through the participle.
        subject = first_subject(t, end - 1, registry, loose=True)
        if subject.kind:
            return subject
    if end > 0 and t.text[end - 1] == ",":
        if t.low[verb].endswith("ing"):
            # "Trump took to Twitter, writing: ...": the participle's subject is the clause's.
            subject = first_subject(t, end - 1, registry, loose=True)
            if subject.kind:
                return subject
            if end > 1 and run_before(t, end - 1, registry, 0) == 0:
                # "Lee Park, writing in the Times, noticed …": an aside on the name that opens
                # the sentence.
                return subject_at(t, end - 1, registry)
        return _subject_before_aside(t, end - 1, registry)
    if end > 0 and t.low[end - 1] in ("and", "but"):
        # "When asked whom she backed, Ms. Sherry smiled and said": the subject of the clause
        # the verb is coordinated in, before any earlier clause's.
        comma = next((i for i in range(end - 2, 0, -1) if t.text[i] in ",;:"), -1)
        if comma > 0:
            clause = t.window(t.start[comma + 1], t.end[end - 1])
            subject = first_subject(clause, len(clause) - 1, registry)
            if subject.kind:
                return subject
        return first_subject(t, end - 1, registry, loose=True)
    return _unclosed_aside(t, end, registry) or subject_at(t, end, registry)


def _opening_participle(t: Tokens, verb: int, registry: Registry) -> Subject | None:
    """ "Since announcing in May that she would run, Ann Ward has …", "Having said that the
    port would close, Tom Baker …": a participle in the phrase that opens the sentence is the
    main clause's subject's."""
    lead = t.low[:verb]
    if t.low[verb].endswith("ing"):
        if not lead or lead[-1] not in _OPENING_PREPOSITIONS or len(lead) > _OPENING_LEAD:
            return None
    elif lead != ["having"]:
        return None
    if any(text in _PHRASE_BREAKS for text in t.text[:verb]):
        return None
    comma = next((i for i in range(verb + 1, len(t)) if t.text[i] == ","), -1)
    if comma < 0 or comma + 1 >= len(t):
        return None
    clause = t.window(t.start[comma + 1], t.end[len(t) - 1])
    subject = first_subject(clause, len(clause), registry, loose=True)
    return subject if subject.kind else None


_OPENING_PREPOSITIONS = word_set("since after before while upon by without")
_OPENING_LEAD = 4  # "One month after announcing": a time phrase before the preposition
_PHRASE_BREAKS = frozenset({",", ";", ":", "“", "”", '"'})


def first_subject(t: Tokens, end: int, registry: Registry, *, loose: bool = False) -> Subject:
    """The first name or pronoun followed by a verb-like word: the subject of a "... and said"
    (`loose`: any lower-case word that is no preposition, as in "Ward took to the radio,
    saying")."""
    index = 0
    while index < end:
        if t.low[index] in PRONOUNS:
            return Subject("pronoun", (t.text[index],), t.start[index])
        if t.cap[index] and t.low[index] not in STOPWORDS:
            stop = index + 1
            while stop < end and t.cap[stop] and t.low[stop] not in STOPWORDS:
                stop += 1
            after = stop
            if stop < end and t.text[stop] == ",":
                # "Gary Lee, a former party chairman, became a delegate and said": the verb
                # follows the apposition.
                closing = next(
                    (
                        i
                        for i in range(stop + 1, min(end, stop + _APPOSITION_WORDS))
                        if t.text[i] == ","
                    ),
                    -1,
                )
                after = closing + 1 if 0 < closing < end - 1 else stop
            if after == stop and stop + 1 < end and t.low[stop] in SOURCE_NOUNS:
                # "The Ward campaign launched an ad and announced": a description's noun
                # stands between the name and the verb.
                stop = after = stop + 1
            following = t.low[after] if after < end else ""
            verb_like = following in FILLERS or following in SPEECH_VERBS
            verb_like = verb_like or following.endswith("ed")
            if loose and following not in PREPOSITIONS:
                verb_like = verb_like or following in IRREGULAR_PAST
                # "Ward campaign’s": a possessive is never the verb.
                verb_like = verb_like or (
                    following.endswith("s") and not following.endswith(POSSESSIVE_ENDS)
                )
            if verb_like:
                # "... formula, which demands X and calls for Y": the relative clause's verb;
                # "The bill, which Clinton backed, passed": the name is the clause's subject.
                if not RELATIVES.isdisjoint(t.low[after:end]) or (
                    index > 0 and t.low[index - 1] in RELATIVES | {"that"}
                ):
                    return NO_SUBJECT
                return subject_at(t, stop, registry)
            index = stop
            continue
        index += 1
    return NO_SUBJECT


_APPOSITION_WORDS = 10


def document_subject(t: Tokens, verb: int, registry: Registry) -> Subject:
    """ "A Des Moines Register poll released Saturday found", "A new CNN survey of young voters
    shows": a named document that opens the verb's clause, whatever phrase follows it."""
    start = verb
    while start > 0 and t.text[start - 1] not in _CLAUSE_OPENERS:
        start -= 1
    for index in range(start, verb):
        if t.low[index] in DOCUMENT_NOUNS and t.text[index].islower():
            subject = subject_at(t, index + 1, registry)
            if subject.kind != "description":
                return NO_SUBJECT
            first = bisect_left(t.start, subject.start)
            start += t.low[start] in ARTICLES
            modifiers = first > start and description_start(t, first - 1) == start
            opening = first == start or modifiers
            return subject if opening else NO_SUBJECT
        if t.low[index] in RELATIVES or t.low[index] in NAME_OBJECT_OF:
            break
    return NO_SUBJECT


_NOT_ASIDES = word_set("and or but nor while as because if when though although whom whose")
_UNCLOSED_ASIDE_TOKENS = 16


def _unclosed_aside(t: Tokens, end: int, registry: Registry) -> Subject | None:
    """ "Katie Packer, who is chairman of Our Principles PAC said", "Lee Park, a lawyer for
    the tenants said": an aside after the name that opens the sentence, its closing comma
    missing, describes that name; the verb is the name's, not that of a name inside the aside.
    None when the verb is not after such an aside ("Ann Ward, whom Tom Baker said …")."""
    commas = [i for i in range(end) if t.text[i] in _PHRASE_BREAKS or t.text[i] in _DASHES]
    if len(commas) != 1 or t.text[commas[0]] != "," or end - commas[0] > _UNCLOSED_ASIDE_TOKENS:
        return None
    comma = commas[0]
    opener = t.text[comma + 1]
    if not opener.islower() or opener in _NOT_ASIDES or opener in SPEECH_VERBS:
        return None
    if opener in RELATIVES and comma + 2 < end and t.cap[comma + 2]:
        return None  # "Ann Ward, who Tom Baker says …": the relative clause has its own subject
    if comma == 0 or run_before(t, comma, registry, 0) != 0:
        return None
    subject = subject_at(t, comma, registry)
    return subject if subject.kind == "name" else None


_DASHES = frozenset({"—", "–", "-"})


def _subject_before_dashes(t: Tokens, end: int, registry: Registry) -> Subject | None:
    """ "A former candidate -- Tom Baker, who lost in 2008 -- said": the name the aside
    between dashes opens with; "Ann Ward -- whose husband signed it -- said": the subject
    before the aside. None when the aside is a coordination ("Democrats -- and some
    Republicans -- say"): the name before the verb, as without dashes."""
    closing = end - 1
    while closing > 0 and t.text[closing - 1] in _DASHES:
        closing -= 1
    opening = next((i for i in range(closing - 1, 0, -1) if t.text[i] in _DASHES), -1)
    if opening <= 0 or t.low[opening + 1] in ("and", "or", "but"):
        return None
    first = opening + 1
    stop = name_after(t, first)
    if stop > first and t.text[stop] in (",", "—", "–", "-"):
        subject = subject_at(t, stop, registry)
        return subject if subject.kind == "name" else None
    while opening > 0 and t.text[opening - 1] in _DASHES:
        opening -= 1
    subject = subject_at(t, strip_fillers(t, opening), registry)
    if subject.kind not in _SUBJECT_KINDS:
        return None
    # The sentence's or a clause's subject, not a name inside a relative clause ("Those
    # who think Ann Ward can win -- a third -- stressed").
    first = bisect_left(t.start, subject.start)
    return subject if first == 0 or t.low[first - 1] in _CLAUSE_OPENERS else None


_CLAUSE_OPENERS = frozenset({",", ":", ";", "—", "–", "“", "«", '"', "(", "and", "but"})
_SUBJECT_KINDS = frozenset({"name", "pronoun", "role", "description"})


def _subject_before_aside(t: Tokens, comma: int, registry: Registry) -> Subject:
    """The subject of "X, APPOSITION, said": a name in apposition right before the verb
    ("Clinton's spokesman, Brian Fallon, said"), else the first subject that opens a clause
    and ends at a comma ("Scott Morris, a fellow at the Center for Global Development, said")."""
    commas = [i for i in range(comma) if t.text[i] == ","]
    if commas and t.low[commas[0] + 1] in RELATIVES:
        # "Lee Park, who lives outside the capital, Dover, said": the name the relative clause
        # describes, not a name inside it.
        subject = subject_at(t, commas[0], registry)
        if subject.kind in _SUBJECT_KINDS:
            first = bisect_left(t.start, subject.start)
            if first == 0 or t.low[first - 1] in _CLAUSE_OPENERS:
                return subject
    if commas and commas[-1] > 0 and not t.cap[commas[-1] - 1]:
        aside = subject_at(t, comma, registry)
        if aside.kind == "name" and comma - commas[-1] <= 6:
            first = bisect_left(t.start, aside.start)
            if first == commas[-1] + 1:
                return aside
    for index in commas:
        subject = subject_at(t, strip_fillers(t, index), registry)
        if subject.kind not in _SUBJECT_KINDS:
            continue
        first = bisect_left(t.start, subject.start)
        if first == 0 or t.low[first - 1] in _CLAUSE_OPENERS:
            return subject
    # ", citing two sources," or ", backed by Washington,": skip the aside.
    end = comma + 1
    for _ in range(3):
        if end > 0 and t.text[end - 1] == ",":
            before = [i for i in range(end - 1) if t.text[i] == ","]
            if not before:
                return NO_SUBJECT
            end = strip_fillers(t, before[-1])
            continue
        break
    return subject_at(t, end, registry)
