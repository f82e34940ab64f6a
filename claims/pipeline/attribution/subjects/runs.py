"""Capitalised runs of tokens: where a name that ends before a token starts, and where a name
that starts at a token ends, with the small words inside names of organisations."""

from __future__ import annotations

from claims.pipeline.attribution.names import Registry
from claims.pipeline.attribution.tokens import Tokens
from claims.pipeline.attribution.vocabulary import (
    CONTRACTIONS,
    NAME_PARTICLES,
    ORG_NOUNS,
    STOPWORDS,
    TIME_NOUNS,
    UNNAMED,
    word_set,
)


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
