"""The article's name registry: every capitalised run, normalised to its fullest form."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

from claims.pipeline.attribution.vocabulary import (
    COLLECTIVE,
    COUNTRY_QUALS,
    ORG_NOUNS,
    OUTLET,
    OUTLET_NOUNS,
    OUTLET_ROLES,
    PERSON,
    PERSON_ROLES,
    PLACE_STARTS,
    PLACE_WORDS,
    POSSESSIVE_ENDS,
    ROLES_BEFORE_NAMES,
    RUN,
    STOPWORDS,
    TIME_NOUNS,
    TITLES,
    UNKNOWN,
    without_possessive,
)

_SUFFIXES = frozenset({"Jr.", "Sr.", "Jr", "Sr"})
# "Western", "Russian", "Republican", "Democratic", "Chinese", "British".
ADJECTIVE_ENDINGS = ("ern", "ian", "ean", "ese", "ish", "ic", "an", "ch")


PRONOUN_GENDERS = {
    "he": "m",
    "him": "m",
    "his": "m",
    "himself": "m",
    "she": "f",
    "her": "f",
    "hers": "f",
    "herself": "f",
}
_GENDERED_WORDS = {
    **PRONOUN_GENDERS,
    "mr.": "m",
    "mr": "m",
    "mrs.": "f",
    "mrs": "f",
    "ms.": "f",
    "ms": "f",
    "miss": "f",
    "spokesman": "m",
    "spokeswoman": "f",
    "chairman": "m",
    "chairwoman": "f",
    "congressman": "m",
    "congresswoman": "f",
    "businessman": "m",
    "businesswoman": "f",
    "king": "m",
    "queen": "f",
    "prince": "m",
    "princess": "f",
    "actor": "m",
    "actress": "f",
}
_PRONOUN = re.compile(r"\b(?:[Hh]e|[Hh]im|[Hh]is|[Ss]he|[Hh]er|[Hh]imself|[Hh]erself)\b")
_SENTENCE_END = re.compile(r"[.!?][\s”\"»]")
# A pronoun's antecedent is looked for this many characters back (about two sentences).
PRONOUN_WINDOW = 400


def _genders(text: str, mentions: Sequence[_Mention]) -> dict[str, str]:
    """Each person's gender as the article shows it: a title or gendered role before the name
    ("Mr.", "spokeswoman"), and every "he"/"his"/"she"/"her" credited to the sentence's first
    person before it (news sentences open with their subject; a pronoun after a lone name
    counts double). No list of first names: the article's own words."""
    votes: dict[str, list[int]] = {}
    people = [m for m in mentions if m.category == PERSON]
    starts = [m.start for m in people]
    for mention in people:
        tally = votes.setdefault(mention.name, [0, 0])
        before = text[max(0, mention.start - 16) : mention.start].split()[-1:]
        for word in (*mention.roles, *(w.lower() for w in before)):
            if word in _GENDERED_WORDS:
                tally[_GENDERED_WORDS[word] == "f"] += 2
    if not people:
        return {}
    ends = [m.end() for m in _SENTENCE_END.finditer(text)]
    for found in _PRONOUN.finditer(text):
        at = found.start()
        index = bisect_left(ends, at + 1) - 1
        first = bisect_left(starts, ends[index] if index >= 0 else 0)
        last = bisect_left(starts, at)
        names = {people[i].name for i in range(first, last)}
        if not names:
            continue
        weight = 2 if len(names) == 1 else 1
        votes[people[first].name][PRONOUN_GENDERS[found.group().lower()] == "f"] += weight
    return {name: "m" if m > f else "f" for name, (m, f) in votes.items() if m != f}


_OPENERS = frozenset(".!?:\"“”‘’'(—–-")


def _opens_sentence(text: str, at: int) -> bool:
    """Whether a word at `at` opens a sentence, a paragraph or a quotation."""
    before = text[max(0, at - 4) : at]
    stripped = before.rstrip()
    return at == 0 or "\n" in before[len(stripped) :] or not stripped or stripped[-1] in _OPENERS


class _Mention(NamedTuple):  # a NamedTuple: an article has ~100 mentions, built per call
    start: int
    name: str
    category: str
    roles: frozenset[str]
    end: int  # of the capitalised run the name was read from


class Candidate(NamedTuple):
    position: int  # character offset of the verb in the sentence, for "leftmost wins"
    speaker: str
    category: str
    kind: str
    cue: str


def qual(word: str) -> str:
    low = without_possessive(word.lower())
    return COUNTRY_QUALS.get(low, low)


_COUNTRIES = frozenset(COUNTRY_QUALS.values())


def _is_title(word: str) -> bool:
    return word.lower().rstrip(".") in TITLES


def categorise(tokens: Sequence[str]) -> str:
    last = tokens[-1].lower()
    if last in OUTLET_NOUNS:
        return OUTLET
    if last in ORG_NOUNS or tokens[0].lower().rstrip(".") in PLACE_STARTS:
        return COLLECTIVE
    return PERSON if len(tokens) > 1 else ""


@lru_cache(maxsize=4096)
def _parse_run(run: str) -> tuple[tuple[str, ...], frozenset[str], frozenset[str], str]:
    """`split_run` of a run as found in text, with its category; runs recur across articles."""
    tokens, roles, quals = split_run(run.split(" "))
    return tuple(tokens), frozenset(roles), frozenset(quals), categorise(tokens) if tokens else ""


def split_run(tokens: Sequence[str]) -> tuple[list[str], set[str], set[str]]:
    """The name inside a capitalised run, and the titles and qualifiers in front of it."""
    # A leading "The", "In" or "Both" is not part of the name; acronyms ("US", "IT") are.
    start = 0
    while (
        start < len(tokens)
        and tokens[start].lower() in STOPWORDS
        and not (tokens[start].isupper() and len(tokens[start]) > 1)
    ):
        start += 1
    tokens = [t for t in tokens[start:] if t.lower() not in TIME_NOUNS]
    if not tokens or categorise(tokens) in (OUTLET, COLLECTIVE):
        return tokens, set(), set()
    cut = 0
    for index, token in enumerate(tokens[:-1]):
        if _is_title(token) or token.endswith(POSSESSIVE_ENDS):
            cut = index + 1
    roles = {t.lower() for t in tokens[:cut] if _is_title(t)}
    quals = {qual(t) for t in tokens[:cut] if not _is_title(t)}
    return tokens[cut:], roles, quals


# Offices one person rarely holds at once, abbreviations read as the office.
_OFFICES = {
    "president": "president",
    "senator": "senator",
    "sen": "senator",
    "governor": "governor",
    "gov": "governor",
    "mayor": "mayor",
    "rep": "representative",
    "representative": "representative",
    "congressman": "representative",
    "congresswoman": "representative",
}


_SPEAKS_AS_IT = re.compile(
    r",\s+which\b|\s+(?:has\s+|had\s+)?(?:said|says|announced|announces|reported|reports|"
    r"added|stated|states|confirmed|confirms)\s+(?:that\s+)?(?:it|its)\b"
)


class Registry:
    """Every name the article mentions, to expand surnames and resolve "he"/"the spokesman"."""

    def __init__(self, text: str, lower_words: set[str]) -> None:
        self.mentions: list[_Mention] = []
        self.full: dict[str, list[tuple[int, str, str]]] = {}
        self.lower_words = lower_words
        self.outlets: set[str] = set()
        self.titled: set[str] = set()
        self.places: set[str] = set()
        self.quals: dict[str, set[str]] = {}
        # Capitalised words written somewhere other than at a sentence's start: "Direct talks
        # resume" opens a sentence and names no one.
        self.mid_sentence: set[str] = set()
        pending = []
        for match in RUN.finditer(text):
            run, start = match.group(), match.start()
            tokens, roles, quals, category = _parse_run(run)
            if not _opens_sentence(text, start):
                self.mid_sentence.update(tokens)
            # Most runs are one capitalised common word starting a sentence ("The", "Both").
            if not tokens or (len(tokens) == 1 and tokens[0].lower() in self.lower_words):
                continue
            # "Kremlin spokesman Dmitry Peskov", "the Japanese newspaper Nikkei".
            space = text.rfind(" ", 0, start - 1)
            role = text[space + 1 : start - 1].lower() if start > 1 else ""
            if role in ROLES_BEFORE_NAMES:
                roles = roles | {role}
                qualifier = text[text.rfind(" ", 0, space) + 1 : space] if space > 0 else ""
                if qualifier:
                    quals = quals | {qual(qualifier)}
                if role in OUTLET_ROLES:
                    category = OUTLET
            if len(tokens) == 1 and not roles.isdisjoint(PERSON_ROLES):
                self.titled.add(tokens[0])
            elif len(tokens) == 1 and role in PLACE_WORDS:
                self.places.add(tokens[0])
            # "Peskov" -> "Dmitry Peskov", "Times" -> "Financial Times"; not "Sudan" -> "South
            # Sudan": only people and outlets lend their full names to a bare surname.
            if len(tokens) > 1 and category in (PERSON, OUTLET):
                # "Joseph R. Biden Jr." is "Biden" when named again.
                surname = tokens[-2] if tokens[-1] in _SUFFIXES and len(tokens) > 2 else tokens[-1]
                self.full.setdefault(surname, []).append((start, " ".join(tokens), category))
            pending.append((start, match.end(), tokens, roles, quals, category))
        for start, end, tokens, roles, quals, category in pending:
            name, category = self.expand(tokens, start, category)
            if category == OUTLET:
                self.outlets.add(name)
            self.mentions.append(_Mention(start, name, category, roles, end))
            if quals:
                self.quals.setdefault(name, set()).update(quals)
        self.starts = [m.start for m in self.mentions]
        self.genders = _genders(text, self.mentions)
        # "Whole Foods said it has lowered prices", "Whole Foods, which ...": a name that
        # speaks of itself as "it", is never "he" or "she" and is never shortened to its last
        # word (as "Forte" for "Tom Forte") is a company or body, however much it looks like a
        # first name and a surname.
        shortened = {m.name for m in self.mentions if m.end - m.start < len(m.name)}
        self.bodies = {
            m.name
            for m in self.mentions
            if m.category == PERSON
            and m.name not in self.genders
            and m.name not in shortened
            and _SPEAKS_AS_IT.match(text, m.end) is not None
        }

    def expand(self, tokens: Sequence[str], at: int, category: str) -> tuple[str, str]:
        """The fullest form of a name used in the article, preferring the latest before `at`."""
        if len(tokens) > 1:
            return " ".join(tokens), category or PERSON
        forms = self.full.get(tokens[0])
        if forms:
            # The latest full form before `at`, else the first one after it.
            chosen = forms[0]
            for form in forms:
                if form[0] > at:
                    break
                chosen = form
            return chosen[1], chosen[2]
        if category:
            return tokens[0], category
        if tokens[0] in self.outlets:
            return tokens[0], OUTLET
        if tokens[0] in self.titled:
            return tokens[0], PERSON
        # "in Moscow", "the Kremlin": a place or an institution. News style names a person in
        # full first, so a bare name is rarely a person, but it may be one ("Erdoğan said").
        return tokens[0], COLLECTIVE if tokens[0] in self.places else UNKNOWN

    def is_name(self, word: str) -> bool:
        """Whether a capitalised word is a name rather than an adjective ("Western", "Russian"):
        it is part of a full name in the article, or has no adjective's ending."""
        return word in self.full or word in self.outlets or not word.endswith(ADJECTIVE_ENDINGS)

    def is_person(self, word: str) -> bool:
        """Whether a capitalised word is (part of) a person's name in the article."""
        return any(category == PERSON for _, _, category in self.full.get(word, ()))

    def resolve_role(self, role: str, quals: set[str], before: int) -> str:
        """The person (or body) a role noun like "the spokesman" or "the ministry" stands for."""
        compatible = []
        offices: dict[str, set[str]] = {}
        if role in _OFFICES:
            for mention in self.mentions:
                titles = {r.rstrip(".") for r in mention.roles}
                offices.setdefault(mention.name, set()).update(
                    _OFFICES[t] for t in titles if t in _OFFICES
                )
        for mention in reversed(self.mentions):
            if mention.start >= before:
                continue
            mention_quals = self.quals.get(mention.name, set())
            if quals and mention_quals and not quals & mention_quals:
                continue
            if role in mention.roles or mention.name.lower().endswith(role):
                return mention.name
            other = offices.get(mention.name) and _OFFICES[role] not in offices[mention.name]
            # "the Florida senator" is no one the article never ties to Florida; a national
            # office ("the 45th US president", `COUNTRY_QUALS`) may still be the latest person.
            unplaced = bool(quals - _COUNTRIES) and not quals & mention_quals
            if mention.category == PERSON and not other and not unplaced:
                compatible.append(mention.name)
        # An unmatched "the 45th US president" most likely means the latest compatible person;
        # not one the article gives another office ("the Florida senator" is not President
        # Obama).
        return compatible[0] if compatible and role in PERSON_ROLES else ""

    def resolve_pronoun(self, pronoun: str, before: int, last_speaker: str = "") -> str:
        """The person "he" or "she" stands for: the last speaker when of that gender or of
        none known, else the nearest earlier person of that gender; a person of unknown gender
        only when no one else is near. "" rather than a guess."""
        gender = PRONOUN_GENDERS.get(pronoun.lower(), "")
        lo = bisect_left(self.starts, before - PRONOUN_WINDOW)
        hi = bisect_left(self.starts, before)
        near = [
            m.name
            for m in reversed(self.mentions[lo:hi])
            if m.category == PERSON and m.name not in self.bodies
        ]
        if last_speaker in self.bodies:
            last_speaker = ""
        known = self.genders.get(last_speaker)
        # A last speaker of unknown gender is no answer when someone else, who may be of that
        # gender, was named since: "Tom Baker spoke. Ann Ward followed. She said ...".
        since = near[0] if near else last_speaker
        ambiguous = (
            known is None and since != last_speaker and self.genders.get(since, gender) == gender
        )
        if last_speaker and (known == gender or (known is None and not ambiguous)):
            return last_speaker
        for name in near:
            if self.genders.get(name) == gender:
                return name
        # Else the one person near whose gender the article does not contradict.
        compatible = {name for name in near if self.genders.get(name, gender) == gender}
        if len(compatible) == 1:
            return compatible.pop()
        return ""

    def latest_person(self, before: int) -> str:
        for mention in reversed(self.mentions):
            if mention.start < before and mention.category == PERSON:
                return mention.name
        return ""
