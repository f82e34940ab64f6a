"""The rarity of character n-grams and words among stored fact-checks, counted as texts are
stored: the ranking weighs shared rare n-grams above common ones, and the lexical candidates
are chosen by BM25 over words (`reviews.candidates`)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from django.db import connection

from claims.pipeline.matching.chars import N_FEATURES, char_features_per_text
from claims.pipeline.matching.lexical import word_counts
from claims.pipeline.matching.normalise import fingerprint

# The rows counting the texts themselves and their length in word features (BM25's average
# length); n-gram features are never negative.
TEXTS = -1
WORD_LENGTH = -2
# Hashed words and word pairs are counted after the character n-grams' hash space.
WORDS_FROM = N_FEATURES

# No text: no feature, no count.
_NOTHING = (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), 0)

_UPSERT = (
    "INSERT INTO reviews_factcheckgram (feature, texts) VALUES (%s, %s) "
    "ON CONFLICT (feature) DO UPDATE SET texts = reviews_factcheckgram.texts + EXCLUDED.texts"
)
_UPSERT_MANY = (
    "INSERT INTO reviews_factcheckgram (feature, texts) "
    "SELECT * FROM unnest(%s::int[], %s::int[]) "
    "ON CONFLICT (feature) DO UPDATE SET texts = reviews_factcheckgram.texts + EXCLUDED.texts"
)


def fact_check_grams_count(*, added: Sequence[str], removed: Sequence[str] = ()) -> None:
    """Count the n-grams and words of fact-check texts stored (`added`) and gone or replaced
    (`removed`), once per text, as the ranking reads them (`fact_check_rarity`, `word_rarity`)."""
    _features_count(_counted(added, chars=True), _counted(removed, chars=True))


def fact_check_words_count(*, added: Sequence[str]) -> None:
    """Count the words of fact-check texts whose n-grams are counted already."""
    _features_count(_counted(added, chars=False), texts=False)


def _features_count(
    added: tuple[np.ndarray, np.ndarray, int],
    removed: tuple[np.ndarray, np.ndarray, int] | None = None,
    *,
    texts: bool = True,
) -> None:
    (features, counts, n_added), (gone, gone_counts, n_removed) = added, removed or _NOTHING
    if not n_added and not n_removed:
        return
    features = np.concatenate([features, gone, [TEXTS]])
    counts = np.concatenate([counts, -gone_counts, [n_added - n_removed if texts else 0]])
    # Summed per feature and in key order: two imports at once lock rows in the same order.
    keys, slot = np.unique(features, return_inverse=True)
    totals = np.bincount(slot, weights=counts).astype(np.int64)
    keep = totals != 0
    keys, totals = keys[keep].tolist(), totals[keep].tolist()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_UPSERT_MANY, [keys, totals])
        else:
            cursor.executemany(_UPSERT, list(zip(keys, totals, strict=True)))


def _counted(texts: Sequence[str], *, chars: bool) -> tuple[np.ndarray, np.ndarray, int]:
    """Each feature once per text (character n-grams if `chars`, and words), with the texts'
    length in word features under WORD_LENGTH; and how many texts."""
    if not texts:
        return _NOTHING
    normalised = [fingerprint(text).text for text in texts]
    words = word_counts(normalised)
    # A row's indices are unique: a word held by a text counts once for it.
    parts = [words.indices.astype(np.int64) + WORDS_FROM]
    if chars:
        parts += [f.astype(np.int64) for f in char_features_per_text(normalised)]
    features = np.concatenate([*parts, [WORD_LENGTH]])
    counts = np.ones(len(features), dtype=np.int64)
    counts[-1] = int(words.sum())
    return features, counts, len(texts)
