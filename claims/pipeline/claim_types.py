"""What kind of check a claim needs, from its wording.

Precedence, first match wins, ordered by what decides how a reviewer checks the claim:

1. "quantity": a number to look up (percentages, money, counts with a unit). A quoted or
   forecast figure is still checked against data first.
2. "quote": a direct quotation, checked against a transcript or recording of the speaker.
3. "prediction": will/would/plans to/expected to; cannot be verified yet, only tracked.
4. "comparison": more than/highest/record/first time; needs the baseline it compares to.
5. "event": something happened or was done; checked against records of the event.
6. "statement": anything else (positions, characterisations).
"""

from __future__ import annotations

import re

from claims.pipeline.types import Attribution

Pair = tuple[str, str]


def _words(vocabulary: str) -> frozenset[str]:
    """A word list written as whitespace-separated text, which reads better than 90 literals."""
    return frozenset(vocabulary.split())


def _pairs(vocabulary: str) -> frozenset[tuple[str, str]]:
    """Two-word phrases, comma-separated: "plans to, expected to"."""
    return frozenset((a, b) for a, b in (phrase.split() for phrase in vocabulary.split(",")))


QUANTITY, QUOTE, PREDICTION = "quantity", "quote", "prediction"
COMPARISON, EVENT, STATEMENT = "comparison", "event", "statement"
CLAIM_TYPES = (QUANTITY, QUOTE, PREDICTION, COMPARISON, EVENT, STATEMENT)

# An unattributed quotation shorter than this is a phrase the writer borrows ("neutral status",
# "coalition of the willing"), not a quote.
MIN_QUOTE_WORDS = 6

# Single regexes with many alternatives cost ~30 us a sentence in `re`; the word lists below
# are checked against the sentence's set of words and set of adjacent word pairs instead.
_WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
_NUMBER_WORDS = _words(
    """two three four five six seven eight nine ten eleven twelve fifteen twenty thirty forty
    fifty hundred thousand dozen several"""
)
_UNITS = _words(
    """year years month months week weeks day days hour hours minute minutes people persons
    troops soldiers civilians casualties deaths percent times dollars euros pounds rubles roubles
    hryvnia hryvnias tons tonnes kilometers kilometres miles barrels votes seats"""
)
_MANY = _pairs("dozens of, hundreds of, thousands of, millions of, billions of")
# Clock times ("09:04") and video durations ("48:25") are not quantities.
_CLOCK = re.compile(r"\b\d{1,2}:\d{2}(?::\d{2})?\b")
_DIGIT = re.compile(r"\d")
_MONEY = re.compile(r"[$€£₽¥]\s?\d|\d\s*(?:[mb]n|million|billion|trillion)\b")
_MONTHS = _words(
    """jan january feb february mar march apr april may jun june jul july aug august sep sept
    september oct october nov november dec december"""
)
_QUOTED = re.compile(r"[“\"«]([^”\"»]*)(?:[”\"»]|$)")
_PREDICTION_WORDS = _words("will won't shall would wouldn't forecast forecasts predicts predicted")
_PREDICTION_PAIRS = _pairs(
    """plan to, plans to, planned to, planning to, expect to, expects to, expected to, set to,
    intend to, intends to, aims to, likely to, poised to, projected to"""
)
_COMPARISON_WORDS = _words(
    """highest lowest largest biggest smallest fastest worst best strongest weakest deadliest
    record unprecedented doubled tripled halved"""
)
_COMPARATIVES = _words(
    """more less fewer higher lower bigger smaller larger greater faster slower better worse
    further farther longer shorter older younger cheaper stronger weaker earlier later"""
)
_COMPARISON_PAIRS = _pairs("first time, compared with, compared to, the most, the least") | {
    (comparative, "than") for comparative in _COMPARATIVES
}
# Speech verbs report that something was said; they do not make the claim an event.
_SPEECH_VERBS = _words(
    """said stated added noted denied reported claimed asserted acknowledged indicated expressed
    suggested warned told explained stressed confirmed reiterated underscored announced declared
    insisted argued urged accused described pledged vowed promised responded"""
)
# Participles used as adjectives ("occupied regions", "based on", "alleged crimes").
_ADJECTIVE_ED = _words(
    """based related alleged occupied annexed united concerned interested detailed limited armed
    advanced proposed unprecedented disputed established unidentified unconnected backed
    recognized recognised aligned needed prepared fixed required expected red"""
)
# Past tenses and participles: "captured", "was discussed", "have rejected".
_PAST_ED = re.compile(r"\b[a-z]{3,}ed\b")
_IRREGULAR_PAST = _words(
    """took held met made began struck won lost left came went gave fell rose sent shot fought
    sold bought built broke led paid ran seized signed killed withdrew sank taken given shown
    seen done gone begun broken fallen driven written chosen spent"""
)


def _has_quantity(lower: str, words: list[str], vocabulary: set[str], pairs: set[Pair]) -> bool:
    if not _MANY.isdisjoint(pairs):
        return True
    if _DIGIT.search(lower):
        if _MONEY.search(lower):
            return True
        for index, word in enumerate(words):
            if not word[0].isdigit():
                continue
            previous = words[index - 1] if index else ""
            following = words[index + 1] if index + 1 < len(words) else ""
            if word.endswith(("st", "nd", "rd", "th")) or previous in _MONTHS:
                continue  # "45th", "June 23"
            if following in _MONTHS or (len(word) in (4, 5) and word[:2] in ("19", "20")):
                continue  # "23 June", "2025", "1990s"
            return True
        return "%" in lower
    if vocabulary.isdisjoint(_NUMBER_WORDS):
        return False
    for index, word in enumerate(words):
        if word in _NUMBER_WORDS and not _UNITS.isdisjoint(words[index + 1 : index + 3]):
            return True
    return False


def _has_quote(sentence: str, attribution: Attribution | None) -> bool:
    if attribution is not None and attribution.kind == "quote":
        return True
    return any(len(m.group(1).split()) >= MIN_QUOTE_WORDS for m in _QUOTED.finditer(sentence))


def _has_event(lower: str, vocabulary: set[str]) -> bool:
    if not vocabulary.isdisjoint(_IRREGULAR_PAST):
        return True
    return bool(set(_PAST_ED.findall(lower)) - _SPEECH_VERBS - _ADJECTIVE_ED)


def claim_type(sentence: str, attribution: Attribution | None) -> str:
    """One of CLAIM_TYPES for `sentence`, by the precedence in this module's docstring."""
    lower = sentence.lower()
    if ":" in lower:
        lower = _CLOCK.sub(" ", lower)
    words = _WORD.findall(lower)
    vocabulary = set(words)
    pairs = set(zip(words, words[1:], strict=False))
    if _has_quantity(lower, words, vocabulary, pairs):
        return QUANTITY
    if _has_quote(sentence, attribution):
        return QUOTE
    if not vocabulary.isdisjoint(_PREDICTION_WORDS) or not pairs.isdisjoint(_PREDICTION_PAIRS):
        return PREDICTION
    if not vocabulary.isdisjoint(_COMPARISON_WORDS) or not pairs.isdisjoint(_COMPARISON_PAIRS):
        return COMPARISON
    if _has_event(lower, vocabulary):
        return EVENT
    return STATEMENT
