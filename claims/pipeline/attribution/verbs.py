"""Whether a word the lexicon lists speaks where it stands: a verb or a noun, an act or words,
active or passive. Pure predicates over a sentence's tokens, for the `reader`."""

from __future__ import annotations

import bisect

from claims.pipeline.attribution.lexicon import (
    DEED_SPEECH_OBJECTS,
    DEED_SPEECH_WORDS,
    DOCUMENT_NOUNS,
    PUBLISHING_VERBS,
)
from claims.pipeline.attribution.names import Registry
from claims.pipeline.attribution.subjects import Subject
from claims.pipeline.attribution.tokens import Tokens, after_quote
from claims.pipeline.attribution.vocabulary import (
    CATENATIVES,
    OUTLET_NOUNS,
    POSSESSIVE_ENDS,
    QUOTE_FOLLOWS,
    SPEECH_VERBS,
    STOPWORDS,
    TIME_NOUNS,
    word_set,
)
from claims.pipeline.types import Sentence

DETERMINERS = word_set("a an the this that these those")
# Words that open a verb's object and never follow a noun used as a modifier's head.
OBJECT_OPENERS = word_set("it this these him her them his their its the a an")


def noun_reading(t: Tokens, subject: Subject, registry: Registry) -> bool:
    """Whether the subject is a noun's modifier ("the Clinton email", "Ukraine peace talks"),
    not the verb's subject."""
    if subject.kind == "description":
        return True
    if subject.kind != "name" or subject.start < 0:
        return False
    index = bisect.bisect_left(t.start, subject.start)
    if index == 0 and len(subject.words) == 1:
        # "Direct talks resume": a word capitalised only where it opens a sentence is an
        # adjective, and the cue a plural noun.
        word = subject.words[0]
        known = word in registry.mid_sentence or word in registry.full
        return not known and not (word.isupper() and len(word) > 1)
    return 0 < index < len(t) and (
        t.low[index - 1] in DETERMINERS or t.low[index - 1].endswith(POSSESSIVE_ENDS)
    )


def after_catenative(t: Tokens, index: int) -> bool:
    """ "The Ward campaign declined to comment": after "declined to", "refused to" the word
    is a verb, whatever the subject looks like."""
    return index > 1 and t.low[index - 1] == "to" and t.low[index - 2] in CATENATIVES


def named_at_start(subject: Subject, t: Tokens, registry: Registry) -> bool:
    """Whether a subject's first word is a name, not a word capitalised only because it opens
    the sentence ("Exit polls taken in Ohio found")."""
    if subject.start != t.start[0]:
        return True
    word = subject.words[0]
    acronym = word.isupper() and len(word) > 1  # "FEC records show"
    return acronym or word in registry.mid_sentence or word in registry.full


def beside_quote(masked: str, t: Tokens, index: int, sentence: Sentence) -> bool:
    """ "…," Ann Ward continued. / Tom Baker began: "…": a verb that speaks only next to
    the quotation it introduces or closes."""
    start, end = t.start[index] - sentence.start, t.end[index] - sentence.start
    return after_quote(masked, start) or QUOTE_FOLLOWS.match(masked[end:]) is not None


def verbal_deed(masked: str, t: Tokens, index: int, sentence: Sentence) -> bool:
    """ "Trump attacked Clinton over her emails" / "… as reckless" / beside a quotation: an
    attack in words, not "militants attacked the embassy"."""
    return (
        not DEED_SPEECH_WORDS.isdisjoint(t.low[index + 1 : index + 8])
        or not DEED_SPEECH_OBJECTS.isdisjoint(t.low[index + 1 : index + 4])
        # "Trump attacked Clinton", "attacked him": a person attacked is attacked in words.
        or (index + 1 < len(t) and (t.cap[index + 1] or t.low[index + 1] in _PERSONAL_OBJECTS))
        or beside_quote(masked, t, index, sentence)
    )


_PERSONAL_OBJECTS = word_set("him her them me us his their")


def before_clause(masked: str, t: Tokens, index: int, sentence: Sentence) -> bool:
    """ "Ann Ward stated that ...", "Tom Baker maintained: ...": a verb followed by what was
    said (or closing a quotation)."""
    if index + 1 >= len(t):
        return beside_quote(masked, t, index, sentence)
    following = t.low[index + 1]
    # "Ann Ward stated Baker was wrong": a clause without "that" opens with its subject.
    subject = following in _CLAUSE_SUBJECTS or (
        t.cap[index + 1] and following not in STOPWORDS and following not in TIME_NOUNS
    )
    return following in ("that", ":") or subject or beside_quote(masked, t, index, sentence)


_CLAUSE_SUBJECTS = word_set("he she they we i it there")


def outlet_reports(t: Tokens, index: int, subject: Subject) -> bool:
    """ "The Harbor Gazette reports that ...": a paper's name before a verb and "that"."""
    return (
        subject.kind == "name"
        and subject.words[-1].lower() in OUTLET_NOUNS
        and index + 1 < len(t)
        and t.low[index + 1] == "that"
    )


def publishes_statement(t: Tokens, index: int) -> bool:
    """ "issued a statement", "released a report", "put out a memo"."""
    return not DOCUMENT_NOUNS.isdisjoint(t.low[index + 1 : index + 5])


_BE = word_set("is are was were be been being")


def passive_by(t: Tokens, verb: int) -> bool:
    """ "was first reported by", "were asked by": a speech verb in the passive, its agent
    named after "by"."""
    if not t.low[verb].endswith(("ed", "n", "t")) or "by" not in t.low[verb + 1 : verb + 3]:
        return False
    before = verb - 1
    while before > 0 and t.text[before].islower() and t.low[before].endswith("ly"):
        before -= 1
    return before >= 0 and (t.low[before] in _BE or t.low[before] == "first")


def passive(t: Tokens, verb: int) -> bool:
    """ "Ann Ward was declared the winner", "he was told", "were asked": a speech verb in the
    passive, whose subject is who is spoken of or to (the agent, if any, follows "by")."""
    low = t.low[verb]
    if not (low.endswith(("ed", "n", "t")) or low in _IRREGULAR_PARTICIPLES):
        return False
    before = verb - 1
    while (
        before > 0
        and t.text[before].islower()
        and (t.low[before].endswith("ly") or t.low[before] in ("not", "never", "also", "first"))
    ):
        before -= 1
    return before >= 0 and t.low[before] in _BE


_IRREGULAR_PARTICIPLES = word_set("told said written spoken sworn")


def passive_agent(t: Tokens, at: int, by: int) -> bool:
    """ "was first reported by": a speech verb's participle before "by"."""
    low = t.low[at]
    return (
        t.low[by] == "by"
        and (low in SPEECH_VERBS or low in PUBLISHING_VERBS)
        and low.endswith(("ed", "n", "t"))
    )
