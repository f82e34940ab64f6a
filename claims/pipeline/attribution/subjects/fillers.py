"""What stands between a subject and its speech verb (auxiliaries, adverbs, time phrases,
asides in parentheses, verb chains such as "continued to insist"), skipped to find where
the subject ends."""

from __future__ import annotations

from claims.pipeline.attribution.tokens import Tokens
from claims.pipeline.attribution.vocabulary import (
    CATENATIVES,
    FILLERS,
    TIME_NOUNS,
    TIME_WORDS,
    word_set,
)


def strip_fillers(t: Tokens, end: int) -> int:
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
