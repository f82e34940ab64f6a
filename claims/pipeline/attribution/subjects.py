"""The subject of a speech verb, read backwards (or, after the verb, forwards) over its sentence's
tokens."""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass

from claims.pipeline.attribution.lexicon import (
    DOCUMENT_NOUNS,
    GROUP_NOUNS,
    PERSON_SOURCE_NOUNS,
    SOURCE_NOUNS,
)
from claims.pipeline.attribution.names import (
    Registry,
    qual,
)
from claims.pipeline.attribution.tokens import Tokens
from claims.pipeline.attribution.vocabulary import (
    ALL_ROLES,
    CATENATIVES,
    CONTRACTIONS,
    FILLERS,
    NAME_PARTICLES,
    ORG_NOUNS,
    OUTLET_NOUNS,
    PERSON_ROLES,
    POSSESSIVE_ENDS,
    PREPOSITIONS,
    PRONOUNS,
    RELATIVES,
    SPEECH_VERBS,
    STOPWORDS,
    TIME_NOUNS,
    TIME_WORDS,
    UNNAMED,
    without_possessive,
    word_set,
)


@dataclass(frozen=True)
class Subject:
    kind: str  # "name", "pronoun", "role", "unnamed", ""
    words: tuple[str, ...] = ()
    start: int = -1  # character offset in the document
    quals: frozenset[str] = frozenset()
    role: str = ""


_NO_SUBJECT = Subject("")


def _strip_fillers(t: Tokens, end: int) -> int:
    """Move `end` back over auxiliaries, adverbs and time phrases between subject and verb."""
    while end > 0:
        text, low = t.text[end - 1], t.low[end - 1]
        if text == "," and end > 1 and t.text[end - 2] == ")" and _named_aside(t, end - 2):
            end -= 1  # "Rep. Ann Welk (D-Ore.), said": a stray comma after the aside
            continue
        if text == ")":
            # "Rep. Ann Welk (D-Ore.) said": a party and state, or an aside, in parentheses;
            # "Kasich (who has 25 delegates to date) said": a longer one that describes a name.
            inside = range(end - 2, max(-1, end - _LONG_ASIDE_TOKENS - 2), -1)
            opening = next((i for i in inside if t.text[i] == "("), -1)
            short = end - opening <= _ASIDE_TOKENS + 2
            if opening > 0 and (short or (t.cap[opening - 1] and t.low[opening + 1] in _ASIDES)):
                end = opening
                continue
        if text.islower() and (low in FILLERS or low.endswith(("ly", "n’t", "n't"))):
            end -= 1
            continue
        if low == "to" and end > 1 and t.low[end - 2] in CATENATIVES:
            # "Ann Ward continued to insist", "declined to say", "was quick to add": the verb
            # before "to" carries the subject.
            end -= 2
            continue
        if low == "to" and end > 2 and t.low[end - 2] == "on" and t.low[end - 3] in _GO:
            end -= 3  # "went on to say"
            continue
        if low == "to" and (took := _took_to(t, end - 1)) >= 0:
            end = took  # "took to Twitter to say", "took to the Senate floor to argue"
            continue
        if low in TIME_NOUNS or (text.isdigit() and len(text) == 4):
            back = end - 1
            # "on Thursday evening": a day before the part of it.
            while back > 0 and t.low[back - 1] in TIME_WORDS | TIME_NOUNS and end - back < 4:
                back -= 1
            if back < end - 1 or t.cap[end - 1]:
                end = back
                continue
        break
    return end


_ASIDE_TOKENS = 6
_LONG_ASIDE_TOKENS = 24
_ASIDES = frozenset({"who", "whose", "a", "an", "the"})


def _named_aside(t: Tokens, closing: int) -> bool:
    """Whether the parentheses closing at `closing` follow a name that makes up its whole
    clause ("…, Gov. Ann Welk (R-Ohio), said"), not a name inside an apposition ("Tom Baker,
    chairman of Harbor Watch (a party group), said")."""
    inside = range(closing - 1, max(-1, closing - _ASIDE_TOKENS - 1), -1)
    opening = next((i for i in inside if t.text[i] == "("), -1)
    first = opening
    while first > 0 and t.cap[first - 1]:
        first -= 1
    return 0 <= first < opening and (first == 0 or t.text[first - 1] in ',:;“"')


_GO = word_set("go goes went gone going")
_TAKE = word_set("take takes took taken taking")
_PLATFORM_WORDS = 6


def _took_to(t: Tokens, to: int) -> int:
    """The index of "took" when the "to" at `to` follows "took to <a place or platform>"
    ("took to Twitter to say", "took to the airwaves to argue"); -1 otherwise."""
    for at in range(to - 2, max(0, to - _PLATFORM_WORDS - 2), -1):
        if t.text[at] in ",;:":
            return -1
        if t.low[at] == "to":
            return at - 1 if at > 0 and t.low[at - 1] in _TAKE else -1
    return -1


_GERUND_PREPOSITIONS = word_set("by upon after before while in")


def run_before(t: Tokens, end: int, registry: Registry, first: int) -> int:
    """Index where the capitalised run ending at `end` starts (`end` when there is none)."""
    start = end
    while start > 0:
        low = t.low[start - 1]
        if low == "/" and 1 < start < end and t.cap[start - 2]:
            start -= 1  # "a CNN/ORC poll": a joint poll names both
            continue
        if low == "of" and 1 < start < end and t.low[start - 2] in ORG_NOUNS and t.cap[start - 2]:
            start -= 1  # "Ministry of Defence", "Bank of England"
            continue
        if (
            low in ("and", "&")
            and 1 < start < end
            and t.cap[start - 2]
            and t.low[start - 2] not in STOPWORDS
            and t.low[end - 1] in ORG_NOUNS
        ):
            start -= 1  # "the Bill and Melinda Gates Foundation said"
            continue
        if not t.cap[start - 1] or low in STOPWORDS or low in UNNAMED:
            break
        if low.endswith(CONTRACTIONS):
            break
        # A capitalised first word is a name only if the article never writes it lower-case.
        if start - 1 == first and low in registry.lower_words:
            break
        start -= 1
    if 0 < start < end and t.low[start - 1] in _LEADING_PARTICLES and t.text[start - 1].islower():
        start -= 1  # "…, de Miranda said": a surname's particle, in lower case before it
    return start


# A name's particles that may open a surname, less those that are English words or open one
# only after another particle ("ten", "la", "van der").
_LEADING_PARTICLES = NAME_PARTICLES - word_set("der den le la das ter ten")


def _subject_at(t: Tokens, end: int, registry: Registry) -> Subject:
    """The subject phrase that ends right before token `end`."""
    if end <= 0:
        return _NO_SUBJECT
    last, low = t.text[end - 1], t.low[end - 1]
    if low in PRONOUNS:
        return Subject("pronoun", (last,), t.start[end - 1])
    if end > 2 and (low in _COMPANIONS or (t.low[end - 2] == "other" and last.islower())):
        # "Ann Ward and her colleagues found", "Tom Baker and others said", "Mr. Xi and other
        # leaders have said": the one named.
        joined = end - 2 if t.low[end - 2] not in ("his", "her", "their", "other") else end - 3
        if joined > 0 and t.low[joined] == "and":
            named = _subject_at(t, joined, registry)
            if named.kind == "name":
                return named
    start = run_before(t, end, registry, 0)
    if start == 0 and end == 1 and t.low[0].endswith(("ly", "ing")):
        # "Similarly, ...", "Having ...": not a name, unless the article names it elsewhere and
        # no comma sets it off ("Jolly said", "Kelly responded" after "Rep. Ann Jolly").
        known = t.text[0] in registry.mid_sentence or t.text[0] in registry.full
        if t.text[1:2] == [","] or not known:
            return _NO_SUBJECT
    if start < end:
        words = tuple(t.text[start:end])
        if words[-1].endswith(POSSESSIVE_ENDS):
            return _NO_SUBJECT  # "Trump's advisers said": the name is not the speaker
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
                return _subject_at(t, before - 1, registry)
        elif role == "of" and start > 1 and _is_quantity(t.low[start - 2]):
            # "54 percent of Democrats said", "a majority of Republicans say": that share of the
            # group the poll asked.
            first = start - 2
            while first > 0 and start - first < _QUANTITY_WORDS and _in_quantity(t, first - 1):
                first -= 1
            words = (*t.text[first:start], *words)
            return Subject("description", words, t.start[first])
        elif role in _NAME_OBJECT_OF:
            # "a spokeswoman for Clinton said": Clinton's spokeswoman.
            # "an adviser to Trump": "to" only after a person's role, not "a letter to Senate".
            of_role = role in _OF_ROLE or (role == "to" and t.low[start - 2] in PERSON_SOURCE_NOUNS)
            if of_role and start > 1 and _is_noun_after_article(t, start - 2):
                first = _description_start(t, start - 2)
                return Subject(
                    "description",
                    (*words, t.low[start - 2]),
                    t.start[first],
                    role="possessive",
                )
            # "Officials in Kyiv said": the name is where the subject is, not the subject.
            return _subject_at(t, start - 1, registry)
        return Subject("name", words, t.start[start], role=role)
    described = _described(t, end, registry)
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
    return _NO_SUBJECT


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
        and t.low[index] not in _NOT_MODIFIERS
    )


_COMPANIONS = word_set(
    "others colleagues co-authors coauthors researchers allies aides advisers advisors supporters"
    " associates staff team lawyers attorneys backers campaign"
)
_OF_ROLE = frozenset({"for", "of", "at", "with"})
# Prepositions whose object is not a verb's subject: "the developer behind the X stadium"
# ("critics like Huffman say": Huffman speaks).
_NAME_OBJECT_OF = PREPOSITIONS | word_set("behind about against over under toward towards")
_OBJECT_OF = _NAME_OBJECT_OF | word_set("among around into through without within beyond like")


def _speaks(noun: str) -> bool:
    """Whether a noun can be a source: "campaign", "poll", "voters", not "stadium"."""
    nouns = (SOURCE_NOUNS, GROUP_NOUNS, UNNAMED, ORG_NOUNS, OUTLET_NOUNS, _PUBLICATIONS)
    return any(noun in words for words in nouns)


_PUBLICATIONS = word_set("newspaper newspapers paper magazine network channel outlet station")
_APPOSITION_WORDS = 10
_IRREGULAR_PAST = word_set(
    "took went made gave came got put held ran sent left met stood sat kept brought struck"
    " sought fought drew threw won lost led hit set cut let spoke wrote told said found became"
)
# Words that end a description's modifiers: "that Trump campaign" is no "that ... campaign".
_NOT_MODIFIERS = STOPWORDS | FILLERS | PREPOSITIONS | PRONOUNS | RELATIVES
_DESCRIPTION_WORDS = 3
# "Western officials", "Arab diplomats": a bloc, not a side one could ask for the claim.
_INSTITUTIONS = word_set("government military army navy parliament embassy cabinet")
VAGUE_SIDES = word_set("western eastern northern southern arab european asian african foreign")


def _is_noun_after_article(t: Tokens, index: int) -> bool:
    """ "a spokeswoman", "one producer", "the senior aide": a noun a source is named by."""
    if t.low[index] in SOURCE_NOUNS:
        return True
    word = t.text[index]
    if not (word.isalpha() and word.islower()) or t.low[index] in _NOT_MODIFIERS:
        return False
    first = _description_start(t, index)
    return first > 0 and t.low[first - 1] in ("a", "an", "one", "another", "the")


def _description_start(t: Tokens, index: int) -> int:
    """Where the noun phrase ending with token `index` starts: its article and adjectives."""
    while index > 0 and t.text[index - 1].islower() and t.low[index - 1] not in _NOT_MODIFIERS:
        index -= 1
    return index


def _described(t: Tokens, end: int, registry: Registry) -> Subject | None:
    """ "the Clinton campaign", "Ryan's spokeswoman", "a CNN/ORC poll": a name and the nouns
    after it, when the nouns name a source (a campaign, an aide, a poll)."""
    last = t.text[end - 1]
    if t.low[end - 1] not in SOURCE_NOUNS and (
        not last.isalpha()
        or not last.islower()
        or t.low[end - 1] in _NOT_MODIFIERS
        or last.endswith(("ly", "ed", "ing"))
    ):
        return None
    index = end - 1
    while (
        index > 0
        and end - index < _DESCRIPTION_WORDS
        and t.text[index - 1].islower()
        and t.text[index - 1].isalpha()
        and t.low[index - 1] not in _NOT_MODIFIERS
    ):
        if t.low[index - 1] in _IRREGULAR_PAST:
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
    before = _description_start(t, start)
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
        return _NO_SUBJECT
    words = tuple(t.text[start:end])
    return Subject("description", words, t.start[start], role="possessive" if possessive else "")


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
                verb_like = verb_like or following in _IRREGULAR_PAST
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
                    return _NO_SUBJECT
                return _subject_at(t, stop, registry)
            index = stop
            continue
        index += 1
    return _NO_SUBJECT


_FRAME_TAIL = 4


def framed_group(t: Tokens, verb: int) -> Subject | None:
    """ "The toll, council members said, will rise": a group described in lower case, in a
    frame set off by commas inside the sentence it reports; the description is the source
    ("council members"), as it would be capitalised at a sentence's start. A bare noun
    ("officials", "sources") or a bloc ("foreign diplomats") names no one."""
    if "," not in t.text[verb + 1 : verb + _FRAME_TAIL]:
        return None  # "…, council members said Tuesday, …", "…, told reporters, …"
    end = _strip_fillers(t, verb)
    if end < 3 or t.low[end - 1] not in GROUP_NOUNS | UNNAMED:
        return None
    first = _description_start(t, end - 1)
    article = first > 0 and t.low[first - 1] in _ARTICLES
    opening = first - 1 - article
    if first == end - 1 or opening < 1 or t.text[opening] != ",":
        return None
    if not all(t.text[i].isalpha() for i in range(first, end)) or t.low[first] in VAGUE_SIDES:
        return None
    return Subject("description", tuple(t.text[first:end]), t.start[first])


def subject_of_document(t: Tokens, end: int, registry: Registry) -> Subject:
    """The named document ending before token `end` ("a Harbor Gazette poll"), or none."""
    return _described(t, end, registry) or _NO_SUBJECT


def document_subject(t: Tokens, verb: int, registry: Registry) -> Subject:
    """ "A Des Moines Register poll released Saturday found", "A new CNN survey of young voters
    shows": a named document that opens the verb's clause, whatever phrase follows it."""
    start = verb
    while start > 0 and t.text[start - 1] not in _CLAUSE_OPENERS:
        start -= 1
    for index in range(start, verb):
        if t.low[index] in DOCUMENT_NOUNS and t.text[index].islower():
            subject = _subject_at(t, index + 1, registry)
            if subject.kind != "description":
                return _NO_SUBJECT
            first = bisect_left(t.start, subject.start)
            start += t.low[start] in _ARTICLES
            modifiers = first > start and _description_start(t, first - 1) == start
            opening = first == start or modifiers
            return subject if opening else _NO_SUBJECT
        if t.low[index] in RELATIVES or t.low[index] in _NAME_OBJECT_OF:
            break
    return _NO_SUBJECT


_ARTICLES = word_set("a an the")
_DETERMINERS = _ARTICLES | word_set("another one")


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


def subject_of(t: Tokens, verb: int, registry: Registry) -> Subject:
    opening = _opening_participle(t, verb, registry)
    if opening is not None:
        return opening
    end = _strip_fillers(t, verb)
    if end > 0 and t.text[end - 1] in _DASHES:
        subject = _subject_before_dashes(t, end, registry)
        if subject is not None:
            return subject
    if end > 1 and t.low[end - 1] == "who" and t.text[end - 2] == ",":
        # "..., Ann Ward, who told reporters ...": the relative clause speaks for the person
        # before it ("..., the AP, which first reported ..." names where, not who, in a clause).
        subject = _subject_at(t, end - 2, registry)
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
                return _subject_at(t, end - 1, registry)
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
    return _unclosed_aside(t, end, registry) or _subject_at(t, end, registry)


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
    subject = _subject_at(t, comma, registry)
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
        subject = _subject_at(t, stop, registry)
        return subject if subject.kind == "name" else None
    while opening > 0 and t.text[opening - 1] in _DASHES:
        opening -= 1
    subject = _subject_at(t, _strip_fillers(t, opening), registry)
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
        subject = _subject_at(t, commas[0], registry)
        if subject.kind in _SUBJECT_KINDS:
            first = bisect_left(t.start, subject.start)
            if first == 0 or t.low[first - 1] in _CLAUSE_OPENERS:
                return subject
    if commas and commas[-1] > 0 and not t.cap[commas[-1] - 1]:
        aside = _subject_at(t, comma, registry)
        if aside.kind == "name" and comma - commas[-1] <= 6:
            first = bisect_left(t.start, aside.start)
            if first == commas[-1] + 1:
                return aside
    for index in commas:
        subject = _subject_at(t, _strip_fillers(t, index), registry)
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
                return _NO_SUBJECT
            end = _strip_fillers(t, before[-1])
            continue
        break
    return _subject_at(t, end, registry)


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
                and t.low[stop] not in _NOT_MODIFIERS
            )
            # "said a spokesman for the ministry, Ann Ward", "said a longtime adviser to Trump"
            or (
                t.low[stop] in _OF_ROLE | {"to"}
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
        return _NO_SUBJECT
    subject = _subject_at(t, stop, registry)
    if any(
        t.text[i] in PERSON_SOURCE_NOUNS and t.low[i + 1] in _OF_ROLE for i in range(verb + 1, stop)
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


def name_after(t: Tokens, start: int) -> int:
    """Index one past the capitalised run that starts at `start`, with the small words inside
    names of organisations ("Ministry of Defence", "Organization for Economic Cooperation and
    Development")."""
    stop = start
    joined = False
    while stop < len(t):
        if t.cap[stop] and t.low[stop] not in STOPWORDS:
            stop += 1
            continue
        # "New York Times/CBS News": a joint poll or report names both.
        inner = t.low[stop] in _NAME_JOINERS or t.text[stop] == "/"
        inner = inner or (
            t.low[stop] in ("and", "&") and (joined or _organisation_follows(t, stop + 1))
        )
        if (
            inner
            and stop > start
            and stop + 1 < len(t)
            and t.cap[stop + 1]
            and t.low[stop + 1] not in TIME_NOUNS  # "the Ledger on Monday": no name goes on
        ):
            joined = True
            stop += 1
            continue
        break
    return stop


_NAME_JOINERS = frozenset({"of", "for", "on"})


def _organisation_follows(t: Tokens, start: int) -> bool:
    """Whether the capitalised run from `start` ends in an organisation's noun: "World Travel
    and Tourism Council" is one name, "Trump and Clinton" two."""
    stop = start
    while stop < len(t) and t.cap[stop] and t.low[stop] not in STOPWORDS:
        stop += 1
    return stop > start and t.low[stop - 1] in ORG_NOUNS
