"""Sources named without a speech verb: "according to X", "a report by X", "sources told the
Times", the clause before a colon and a quotation, figures "in a Harbor Gazette poll", a
transcript's speaker line. Each but the speaker line gives the subject it names (`Found`), for
the reader to resolve to the article's names."""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from claims.pipeline.attribution.lexicon import DOCUMENT_NOUNS, SPEECH_NOUNS
from claims.pipeline.attribution.names import Candidate, Registry, categorise, split_run
from claims.pipeline.attribution.quotes import SPEAKER_LINE_CUE
from claims.pipeline.attribution.subjects import Subject
from claims.pipeline.attribution.subjects.clauses import first_subject
from claims.pipeline.attribution.subjects.descriptions import subject_of_document
from claims.pipeline.attribution.subjects.inverted import inverted_subject
from claims.pipeline.attribution.subjects.runs import name_after, run_before
from claims.pipeline.attribution.tokens import Tokens
from claims.pipeline.attribution.verbs import DETERMINERS, passive_agent
from claims.pipeline.attribution.vocabulary import (
    OUTLET,
    PERSON,
    POSSESSIVE_ENDS,
    PREPOSITIONS,
    REPORT_NOUNS,
    REPORT_VERBS,
    STOPWORDS,
    word_set,
)
from claims.pipeline.types import Sentence


@dataclass(frozen=True)
class Found:
    """A subject that a cue names as a source, before it is resolved to one of the article's
    names."""

    subject: Subject
    at: tuple[int, int]  # the cue's character offsets in the document
    kind: str
    cue: str
    hint: str = ""


def according_to(t: Tokens, index: int) -> Found | None:
    start = index + 2
    report = False
    while start < len(t) and (
        (t.low[start] in _ACCORDING_SKIP and t.text[start].islower())
        or (t.low[start] == "the" and t.cap[start + 1 : start + 2] == [True])
        or (t.text[start].isdigit() and start > index + 2)
    ):
        # "according to The Hill", "according to a 2014 Labor Department study"
        report = report or t.low[start] in REPORT_NOUNS
        start += 1
    # "according to former Sen. Scott Brown", "according to a spokeswoman for the Clinton
    # campaign": lower-case words before the name.
    probe = start
    while probe < len(t) and probe - start < 4 and t.text[probe].isalpha() and not t.cap[probe]:
        probe += 1
    if probe < len(t) and t.cap[probe] and probe > start:
        if t.low[probe - 1] in ("for", "at", "of") and probe - 1 > start:
            stop = name_after(t, probe)
            words = (*t.text[probe:stop], t.low[probe - 2])
            subject = Subject("description", words, t.start[probe], role="possessive")
            at = (t.start[index], t.end[index + 1])
            return Found(subject, at, "according_to", "according to")
        if t.low[probe - 1] not in ("of", "in", "on", "at", "from", "by", "to", "and"):
            start = probe
    stop = name_after(t, start)
    if stop == start:
        return None  # "according to officials", "according to the data"
    start, stop = _named_after_role(t, start, stop)
    report = report or (stop < len(t) and t.low[stop] in REPORT_NOUNS)
    subject = Subject("name", tuple(t.text[start:stop]), t.start[start])
    at = (t.start[index], t.end[index + 1])
    hint = OUTLET if report else ""
    return Found(subject, at, "according_to", "according to", hint)


_ACCORDING_SKIP = word_set(
    "a an the new recent latest report reports article statement story investigation from by in"
    " of published data figures documents"
)


def by_agent(t: Tokens, index: int, registry: Registry) -> Found | None:
    """ "an analysis by X found", "data from X", "was first reported by X", "a report
    issued in May by X"."""
    if index == 0:
        return None
    back = index - 1
    while back > 0 and index - back < _BY_WINDOW and t.text[back].isalnum():
        if t.low[back] in DOCUMENT_NOUNS or passive_agent(t, back, index):
            break
        back -= 1
    if t.low[index - 1] in SPEECH_NOUNS:
        back = index - 1  # "criticism from X", not "comments on everything from X"
    elif not (t.low[back] in DOCUMENT_NOUNS or passive_agent(t, back, index)):
        return None
    start = index + 2 if index + 1 < len(t) and t.low[index + 1] == "the" else index + 1
    if start < len(t) and t.text[start].islower() and t.low[start].endswith("ing"):
        return None  # "responded by saying Oslo should wait": a manner, no agent
    stop = name_after(t, start)
    if stop > start:
        # "by Harbor Works chief executive Tom Baker": the person named after the role.
        start, stop = _named_after_role(t, start, stop)
        subject = Subject("name", tuple(t.text[start:stop]), t.start[start])
    else:
        # "was asked by host John Dickerson": a description before the agent's name.
        subject = inverted_subject(t, index, registry)
        if subject.kind != "name":
            return None
    at = (t.start[back], t.end[index])
    cue = f"{t.text[back]} {t.text[index]}"
    return Found(subject, at, "reported", cue, "")


_BY_WINDOW = 6


def named_report(t: Tokens, index: int, registry: Registry) -> Found | None:
    """ "A Bloomberg report published on Thursday cited two sources as saying ..."."""
    start = run_before(t, index, registry, -1)
    if not 0 < start < index or t.low[start - 1] not in ("a", "an", "the"):
        return None
    if REPORT_VERBS.isdisjoint(t.low[index + 1 :]):
        return None
    subject = Subject("name", tuple(t.text[start:index]), t.start[start])
    at = (t.start[start - 1], t.end[index])
    return Found(subject, at, "reported", t.text[index], OUTLET)


def told_outlet(t: Tokens, index: int) -> Found | None:
    start = index + 2 if index + 1 < len(t) and t.low[index + 1] == "the" else index + 1
    stop = name_after(t, start)
    if stop == start:
        return None
    subject = Subject("name", tuple(t.text[start:stop]), t.start[start])
    at = (t.start[index], t.end[index])
    return Found(subject, at, "reported", "sources told", OUTLET)


def _named_after_role(t: Tokens, start: int, stop: int) -> tuple[int, int]:
    """ "according to Fox News legal analyst Ann Ward", "… to Tom Baker's former aide Lee
    Park": a person named after the body or person whose role the words between give."""
    later = stop
    while (
        later < len(t)
        and later - stop < _ROLE_WORDS
        and t.text[later].isalpha()
        and t.text[later].islower()
        and (t.low[later] not in STOPWORDS or t.low[later] == "and")
    ):
        later += 1
    if later >= len(t) or not t.cap[later] or all(t.low[i] == "and" for i in range(stop, later)):
        return start, stop  # "… by Ann Ward and Tom Baker": two names, not a role
    end = name_after(t, later)
    if end - later >= 2 and (end == len(t) or t.text[end] in ",.;—–"):
        return later, end
    return start, stop


_ROLE_WORDS = 5


def colon_quote(
    tokens: Tokens, sentence: Sentence, masked: str, registry: Registry
) -> Found | None:
    """ "Ann Ward had a blunt message for the board: “…”", "… - Tom Baker: “…”": a clause
    that introduces a quotation with a colon gives it its subject, whatever its verb; a
    name right before the colon is the quotation's speaker."""
    match = _COLON_QUOTE.search(masked)
    if match is None:
        return None
    t = tokens.window(sentence.start, sentence.end)
    colon = bisect.bisect_left(t.start, sentence.start + match.start())
    if colon >= len(t) or t.text[colon] != ":":
        return None
    start = run_before(t, colon, registry, 0)
    if 0 < start < colon and t.text[start - 1] in _LABEL_OPENERS:
        # "A headline - Tom Baker: “…”": a name set off as the quotation's label.
        subject = Subject("name", tuple(t.text[start:colon]), t.start[start])
    else:
        clause = next((i + 1 for i in range(colon - 1, -1, -1) if t.text[i] in _CLAUSE_ENDS), 0)
        if colon <= clause:
            return None
        window = t.window(t.start[clause], t.end[colon - 1])
        subject = first_subject(window, len(window), registry, loose=True)
        if subject.kind not in ("name", "pronoun", "role", "description"):
            return None
        first = bisect.bisect_left(t.start, subject.start)
        if first > 0 and t.low[first - 1] in DETERMINERS | PREPOSITIONS:
            return None  # "From the Ward campaign’s statement:": no clause's subject
        if first == 0 and len(subject.words) == 1 and subject.kind == "name":
            word = subject.words[0]
            if word not in registry.mid_sentence and word not in registry.full:
                return None  # "Giant screens showed …:": capitalised only as the first word
    at = (t.start[colon], t.end[colon])
    return Found(subject, at, "quote", ":")


OPENING_MARKS = frozenset({"“", "«", '"'})
_COLON_QUOTE = re.compile(r":\s*[" + re.escape("".join(sorted(OPENING_MARKS))) + "]")
_LABEL_OPENERS = frozenset({"-", "—", "–"})
_CLAUSE_ENDS = _LABEL_OPENERS | {";"}


def measured_in(tokens: Tokens, sentence: Sentence, registry: Registry) -> Found | None:
    """ "In a Harbor Gazette poll, Ward led by six points", "Baker trails in the latest
    Riverton Herald survey": figures found in a named poll or study are its report."""
    t = tokens.window(sentence.start, sentence.end)
    for index, low in enumerate(t.low):
        if low != "in":
            continue
        noun = next(
            (
                i
                for i in range(index + 2, min(len(t), index + _MEASURE_WORDS))
                if t.low[i] in _MEASURES and t.text[i].islower()
            ),
            -1,
        )
        if noun < 0:
            continue
        subject = subject_of_document(t, noun + 1, registry)
        if subject.kind != "description":
            continue
        first = bisect.bisect_left(t.start, subject.start)
        if not all(_modifies(t, i) for i in range(index + 1, first)):
            continue  # "in Ohio, where a Harbor Gazette poll ...": not the phrase's noun
        at = (t.start[index], t.end[index])
        return Found(subject, at, "reported", "in")
    return None


_MEASURES = word_set("poll polls survey surveys average study analysis tally count estimates")
_MEASURE_WORDS = 10


def _modifies(t: Tokens, index: int) -> bool:
    """A word of the phrase before a document's name: "a", "the latest", "May's", "2014"."""
    word = t.text[index]
    return (
        t.low[index] in DETERMINERS
        or word.isdigit()
        or (word.isalpha() and word.islower())
        or word.endswith(POSSESSIVE_ENDS)
    )


def transcript_speaker(masked: str, registry: Registry) -> Candidate | None:
    """ "Luciana Lopez: Saying to people ...", "TAPPER: Do you ...": a transcript's or
    interview's speaker line. A label in capitals is a speaker only when it is a person the
    article names ("TAPPER" after "Jake Tapper") or a name of ordinary-looking words the
    article never writes in lower case ("CORRECTION:", "SHORT READS:" are headings)."""
    match = _SPEAKER_LINE.match(masked)
    if not match:
        return None
    words = match.group(1).split(" ")
    if all(w.isupper() for w in words):
        if any(w.lower() in registry.lower_words for w in words):
            return None
        words = [w[0] + w[1:].lower() for w in words]
    tokens, _, _ = split_run(words)
    if len(tokens) == 1 and registry.is_person(tokens[0]):
        name, category = registry.expand(tokens, 0, PERSON)
    elif len(tokens) < 2:
        return None
    else:
        name, category = registry.expand(tokens, 0, categorise(tokens))
    return Candidate(0, name, category, "quote", SPEAKER_LINE_CUE) if category == PERSON else None


_SPEAKER_LINE = re.compile(r"([A-Z][\w.’'-]*(?: [A-Z][\w.’'-]*){0,3}): ")
