"""The rarity of character n-grams among stored fact-checks, counted as texts are stored."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from django.db import connection

from claims.pipeline.matching.chars import char_features_per_text
from claims.pipeline.matching.normalise import fingerprint

# The row counting the texts themselves (features are never negative).
TEXTS = -1

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
    """Count the n-grams of fact-check texts stored (`added`) and gone or replaced (`removed`),
    once per text, as the ranking reads them (`fact_check_rarity`)."""
    if not added and not removed:
        return
    features, counts = _counted(added)
    gone, gone_counts = _counted(removed)
    features = np.concatenate([features, gone, [TEXTS]])
    counts = np.concatenate([counts, -gone_counts, [len(added) - len(removed)]])
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


def _counted(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    if not texts:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    features = np.concatenate(
        char_features_per_text([fingerprint(text).text for text in texts])
    ).astype(np.int64)
    return features, np.ones(len(features), dtype=np.int64)
