"""Descriptions as subjects: a name and the source nouns after it ("the Clinton campaign",
"Ryan's spokeswoman", "a CNN/ORC poll"), the noun phrase a description is made of, a group
described in lower case inside a frame ("The toll, council members said, …"), and the
prepositions after which a name is a description's, not the verb's subject."""

from __future__ import annotations

from claims.pipeline.attribution.lexicon import GROUP_NOUNS, SOURCE_NOUNS
from claims.pipeline.attribution.names import Registry, qual
from claims.pipeline.attribution.subjects import NO_SUBJECT, Subject
from claims.pipeline.attribution.subjects.fillers import strip_fillers
from claims.pipeline.attribution.subjects.runs import run_before
from claims.pipeline.attribution.tokens import Tokens
from claims.pipeline.attribution.vocabulary import (
    FILLERS,
    ORG_NOUNS,
    OUTLET_NOUNS,
    PERSON_ROLES,
    POSSESSIVE_ENDS,
    PREPOSITIONS,
    PRONOUNS,
    RELATIVES,
    STOPWORDS,
    UNNAMED,
    word_set,
)

# "a spokeswoman for Clinton", "an aide at the ministry": the role of the name that follows.
OF_ROLE = frozenset({"for", "of", "at", "with"})
# Prepositions whose object is not a verb's subject: "the developer behind the X stadium"
# ("critics like Huffman say": Huffman speaks).
NAME_OBJECT_OF = PREPOSITIONS | word_set("behind about against over under toward towards")
_OBJECT_OF = NAME_OBJECT_OF | word_set("among around into through without within beyond like")


def _speaks(noun: str) -> bool:
    """Whether a noun can be a source: "campaign", "poll", "voters", not "stadium"."""
    nouns = (SOURCE_NOUNS, GROUP_NOUNS, UNNAMED, ORG_NOUNS, OUTLET_NOUNS, _PUBLICATIONS)
    return any(noun in words for words in nouns)


_PUBLICATIONS = word_set("newspaper newspapers paper magazine network channel outlet station")
IRREGULAR_PAST = word_set(
    "took went made gave came got put held ran sent left met stood sat kept brought struck"
    " sought fought drew threw won lost led hit set cut let spoke wrote told said found became"
)
# Words that end a description's modifiers: "that Trump campaign" is no "that ... campaign".
NOT_MODIFIERS = STOPWORDS | FILLERS | PREPOSITIONS | PRONOUNS | RELATIVES
_DESCRIPTION_WORDS = 3
# "Western officials", "Arab diplomats": a bloc, not a side one could ask for the claim.
_INSTITUTIONS = word_set("government military army navy parliament embassy cabinet")
VAGUE_SIDES = word_set("western eastern northern southern arab european asian african foreign")


def is_noun_after_article(t: Tokens, index: int) -> bool:
    """ "a spokeswoman", "one producer", "the senior aide": a noun a source is named by."""
    if t.low[index] in SOURCE_NOUNS:
        return True
    word = t.text[index]
    if not (word.isalpha() and word.islower()) or t.low[index] in NOT_MODIFIERS:
        return False
    first = description_start(t, index)
    return first > 0 and t.low[first - 1] in ("a", "an", "one", "another", "the")


def description_start(t: Tokens, index: int) -> int:
    """Where the noun phrase ending with token `index` starts: its article and adjectives."""
    while index > 0 and t.text[index - 1].islower() and t.low[index - 1] not in NOT_MODIFIERS:
        index -= 1
    return index


def named_description(t: Tokens, end: int, registry: Registry) -> Subject | None:
    """ "the Clinton campaign", "Ryan's spokeswoman", "a CNN/ORC poll": a name and the nouns
    after it, when the nouns name a source (a campaign, an aide, a poll)."""
    last = t.text[end - 1]
    if t.low[end - 1] not in SOURCE_NOUNS and (
        not last.isalpha()
        or not last.islower()
        or t.low[end - 1] in NOT_MODIFIERS
        or last.endswith(("ly", "ed", "ing"))
    ):
        return None
    index = end - 1
    while (
        index > 0
        and end - index < _DESCRIPTION_WORDS
        and t.text[index - 1].islower()
        and t.text[index - 1].isalpha()
        and t.low[index - 1] not in NOT_MODIFIERS
    ):
        if t.low[index - 1] in IRREGULAR_PAST:
            return None  # "Maine took turns": a verb, not a modifier of the noun
        index -= 1
    # "the Vermont senator emailed supporters": a person's role ends the subject and modifies
    # no noun after it (but "NATO's secretary general" is one role).
    role_inside = any(t.low[i] in PERSON_ROLES for i in range(index, end - 1))
    if index == 0 or not t.cap[index - 1] or t.low[index - 1] in STOPWORDS:
        return None
    possessive = t.text[index - 1].endswith(POSSESSIVE_ENDS)
    if role_inside and not possessive:
        return None
    start = run_before(t, index, registry, 0)
    if possessive and start == index:
        start = index - 1
    if start >= index:
        return None
    if not possessive:
        if "the" in t.low[max(0, start - 3) : start] and t.low[end - 1] in PERSON_ROLES:
            return None  # "the Kremlin spokesman", "the 45th US president": found by the role
        # "Democratic lawmakers", "U.S. officials": a group the article names by its side.
        # "The German government", "the Turkish military": a country's institution speaks.
        group = t.low[end - 1] in GROUP_NOUNS | _INSTITUTIONS and t.low[start] not in VAGUE_SIDES
        unnamed = t.low[end - 1] in UNNAMED and not group
        if unnamed and (end - start == 2 or qual(t.text[start]) == "us"):  # noqa: SIM102
            if not registry.is_person(t.text[start]):
                return None  # "media outlets", "Ukraine residents": no one named
        if end - start == 2 and not group and not registry.is_name(t.text[start]):
            return None  # "Western media", "Russian troops": an adjective, no source
    before = description_start(t, start)
    if before > 0 and t.low[before - 1] in ("the", "a", "an"):
        before -= 1
    if (
        before > 0
        and t.low[before - 1] in _OBJECT_OF
        and not possessive
        and not _speaks(t.low[end - 1])
    ):
        # "The developer behind the Harbor Point stadium says": a thing after a preposition is
        # its object, not the verb's subject (a poll, a campaign or voters may be the source:
        # "voters in a CNN poll said", "a spokeswoman for the Clinton campaign said").
        return NO_SUBJECT
    words = tuple(t.text[start:end])
    return Subject("description", words, t.start[start], role="possessive" if possessive else "")


ARTICLES = word_set("a an the")
_FRAME_TAIL = 4


def framed_group(t: Tokens, verb: int) -> Subject | None:
    """ "The toll, council members said, will rise": a group described in lower case, in a
    frame set off by commas inside the sentence it reports; the description is the source
    ("council members"), as it would be capitalised at a sentence's start. A bare noun
    ("officials", "sources") or a bloc ("foreign diplomats") names no one."""
    if "," not in t.text[verb + 1 : verb + _FRAME_TAIL]:
        return None  # "…, council members said Tuesday, …", "…, told reporters, …"
    end = strip_fillers(t, verb)
    if end < 3 or t.low[end - 1] not in GROUP_NOUNS | UNNAMED:
        return None
    first = description_start(t, end - 1)
    article = first > 0 and t.low[first - 1] in ARTICLES
    opening = first - 1 - article
    if first == end - 1 or opening < 1 or t.text[opening] != ",":
        return None
    if not all(t.text[i].isalpha() for i in range(first, end)) or t.low[first] in VAGUE_SIDES:
        return None
    return Subject("description", tuple(t.text[first:end]), t.start[first])


def subject_of_document(t: Tokens, end: int, registry: Registry) -> Subject:
    """The named document ending before token `end` ("a Harbor Gazette poll"), or none."""
    return named_description(t, end, registry) or NO_SUBJECT
