"""References the claim leans on, replaced by what the article named: a pronoun among the
claim's first words by the person it stands for, a description ("the Russian leader") by the
one person named before whose title fits, and a bare "the stadium" by the name an earlier
sentence gave it ("the Harbor Point stadium")."""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import lru_cache

from claims.pipeline.attribution.names import ADJECTIVE_ENDINGS, PRONOUN_GENDERS, Registry, qual
from claims.pipeline.attribution.vocabulary import PERSON, word_set
from claims.pipeline.standalone.words import NOT_NOUNS, OPENERS, QUOTED
from claims.pipeline.types import Attribution

_PRONOUN = re.compile(r"\b(?:[Hh]e|[Ss]he|[Hh]is|[Hh]er|[Hh]im)\b")
# Pronouns are replaced in the claim's first words only, where they are its subject ("He would
# resign", "Her office had not seen"): further on, "the Russian leader could change his mind"
# reads worse with the name.
_SUBJECT_WORDS = 3
_WRAPPING = "“”\"'«» "
_THE_NOUN = re.compile(r"\b([Tt]he) ([a-z][a-z-]+)\b")
_NAMED_NOUN = re.compile(r"(?<![\w’'-])((?:[A-Z][\w’'&-]* ){1,4})([a-z][a-z-]+)\b")
_PLACES = word_set("city town village county state country region province district")
# "the city council" is the council of the place, not the place.
_PLACE_COMPOUNDS = word_set(
    """council hall government officials budget manager administration authorities police
    mayor assembly legislature limits center centre"""
)
_STOP = word_set("the a an in on at for but and or as while when after before this that")


def pronouns_named(
    content: str, at: int, attribution: Attribution | None, registry: Registry
) -> str:
    """He, she, his, her and him replaced, the first time each appears, by the name they
    stand for."""
    speaker = attribution.speaker if attribution and attribution.speaker_kind == "person" else ""
    quoted = [(m.start(), m.end()) for m in QUOTED.finditer(content)]
    pieces = []
    done = 0
    named: set[str] = set()
    lead = content.lstrip(_WRAPPING)
    subject_end = len(content) - len(lead) + len(" ".join(lead.split()[:_SUBJECT_WORDS]))
    for match in _PRONOUN.finditer(content, 0, subject_end):
        if any(a <= match.start() < b for a, b in quoted):
            continue  # inside a quotation, "he" is the speaker's word
        if _names_before(content[: match.start()]):
            continue  # "Parata and his son": the name just before is the one meant
        pronoun = match.group().lower()
        name = registry.resolve_pronoun(pronoun, at, speaker)
        gender = registry.genders.get(name, "")
        # "Lee said he would resign": the speaker, unless the article shows another gender;
        # anyone else only when the article shows their gender.
        matches = bool(name) and name not in named and gender == PRONOUN_GENDERS[pronoun]
        if not matches and not (name and name == speaker and not gender and name not in named):
            continue
        named.add(name)
        following = content[match.end() :].split()[:1]
        possessive = pronoun == "his" or (
            pronoun == "her"
            and following
            and following[0].isalpha()
            and following[0].islower()
            and following[0] not in NOT_NOUNS
        )
        pieces.append(content[done : match.start()])
        pieces.append(f"{name}'s" if possessive else name)
        done = match.end()
    pieces.append(content[done:])
    return "".join(pieces)


def _names_before(words: str) -> bool:
    """Whether the claim names someone before its pronoun: a capitalised word that is not a
    sentence's opening word ("But", "In")."""
    return any(
        word[0].isupper() and word.lower() not in _STOP | OPENERS | NOT_NOUNS
        for word in re.findall(r"[A-Za-z][\w’'-]*", words)
    )


# "The Russian leader", "the former president", "the Kremlin spokesman" as a claim's subject.
_DESCRIPTION = re.compile(r"\b([Tt]he) ((?:(?:former|[A-Z][\w.]*) ){0,3})([a-z]+)(['’]s)?\b")
# The roles a description may name a person by, each with the titles that fit it: "the
# Russian leader" is the article's "Russian President Vladimir Putin".
_HEADS_OF_STATE = word_set("leader president premier prime chancellor king queen")
_SPOKESPEOPLE = word_set("spokesman spokeswoman spokesperson")
_DESCRIBED_ROLES = {
    "leader": _HEADS_OF_STATE,
    **{role: _SPOKESPEOPLE for role in _SPOKESPEOPLE},
    **{
        role: frozenset({role})
        for role in word_set(
            """president minister envoy chancellor premier secretary ambassador governor mayor
            senator prosecutor"""
        )
    },
}


def person_named(content: str, at: int, registry: Registry) -> str:
    """ "The Russian leader could change his mind" -> "Vladimir Putin could change his mind",
    when exactly one person named before `at` has a fitting title (and a fitting qualifier
    or none at all); the description stays when two could be meant."""
    lead = content.lstrip(_WRAPPING)
    subject_end = len(content) - len(lead) + len(" ".join(lead.split()[:_SUBJECT_WORDS]))
    match = _DESCRIPTION.search(content, 0, subject_end + 40)
    if match is None or match.start() > subject_end or match.group(3) not in _DESCRIBED_ROLES:
        return content
    if any(a <= match.start() < b for a, b in _spans(QUOTED, content)):
        return content
    if re.match(r"\s+of\b|,\s*[A-Z]", content[match.end() :]):
        return content  # "the leader of Ennahda", "the leader, Rachid Ghannouchi,": said whose
    words = match.group(2).split()
    former = "former" in words
    quals = {qual(word) for word in words if word != "former"}
    fitting = _DESCRIBED_ROLES[match.group(3)]
    by_qualifier, unqualified = set(), set()
    for mention in registry.mentions:
        if mention.start >= at or mention.category != PERSON:
            continue
        if fitting.isdisjoint(mention.roles) or former != ("former" in mention.roles):
            continue
        known = registry.quals.get(mention.name, set())
        if quals and known & quals:
            by_qualifier.add(mention.name)
        elif not known or not quals:
            unqualified.add(mention.name)
    found = by_qualifier or unqualified
    if len(found) != 1:
        return content
    (name,) = found
    if name in content:
        return content  # "The Russian leader, Vladimir Putin, said ..." names him already
    named = f"{name}'s" if match.group(4) else name
    return content[: match.start()] + named + content[match.end() :]


def _spans(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in pattern.finditer(text)]


def nouns_named(content: str, text: str, at: int) -> str:
    """ "the stadium" -> "the Harbor Point stadium", as an earlier sentence called it."""
    for match in _THE_NOUN.finditer(content):
        noun = match.group(2)
        if noun in _STOP or noun in _MODIFIERS:
            continue
        if not _ends_phrase(noun, content, match.end()):
            continue  # "the stadium project": the noun names something else
        earlier = _named_nouns(text).get(noun, ())
        index = bisect_left(earlier, (at,)) - 1
        if index >= 0:
            name = earlier[index][1]
            possessive = name.endswith(("'s", "’s"))
            following = content[match.end() :].split()[:1]
            if noun in _PLACES and not (following and following[0] in _PLACE_COMPOUNDS):
                # "the city will borrow" -> "Riverton will borrow": the place is its name.
                named = name[:-2] if possessive else name
            elif possessive:
                # "the city council" -> "Riverton's city council".
                named = f"{name} {noun}"
            else:
                named = f"{match.group(1)} {name} {noun}"
            return content[: match.start()] + named + content[match.end() :]
    return content


# Words that follow "the" as often as a noun does but describe one ("the current deficit").
_MODIFIERS = word_set(
    """most least current same other new first last next latest previous former whole entire
    main only own recent following"""
)
_NEXT_WORD = re.compile(r"\s*([\w’'-]+)")


def _ends_phrase(noun: str, text: str, at: int) -> bool:
    """Whether `noun`, ending at `at` in `text`, heads its phrase rather than modifying the
    next word: what follows is punctuation, a function word or a verb ("the stadium would",
    "the plan cost", "the city council" for a place), not another noun ("the country
    director", "the budget gap")."""
    following = _NEXT_WORD.match(text, at)
    if following is None or text.startswith(("’s", "'s"), at):
        return True  # punctuation, the end, or a possessive ("the conflict's causes")
    word = following.group(1)
    if not word.isalpha() or not word.islower():
        return False  # "the broader Washington-based fleet"
    if (
        word in NOT_NOUNS
        or word.endswith(("ed", "ly"))
        or (word.endswith("s") and not word.endswith("ss"))
    ):
        return True
    return noun in _PLACES and word in _PLACE_COMPOUNDS


@lru_cache(maxsize=8)
def _named_nouns(text: str) -> dict[str, list[tuple[int, str]]]:
    """Every common noun the article gives a name to ("Harbor Point stadium"), with where:
    one pass over the article, shared by all its claims."""
    found: dict[str, list[tuple[int, str]]] = {}
    for match in _NAMED_NOUN.finditer(text):
        words = [w for w in match.group(1).split() if w.lower() not in _STOP]
        if match.group(2) in _MODIFIERS or not _ends_phrase(match.group(2), text, match.end()):
            continue  # "Tunisia's current coalition", "Tunisia country director"
        before = match.start() - 1
        while before >= 0 and text[before].isspace():
            before -= 1
        opening = before < 0 or text[before] in ".!?"
        if opening and len(words) == 1 and not words[0].endswith(("'s", "’s")):
            continue  # "Neon lighting spread ...": any sentence's first word is capitalised
        if words and not words[-1].endswith(ADJECTIVE_ENDINGS):
            found.setdefault(match.group(2), []).append((match.start(), " ".join(words)))
    return found
