"""Reads of claims and fact-checks that more than one caller needs."""

from __future__ import annotations

from claims.services.matching import (
    SimilarFactCheck,
    fact_check_index,
    fact_checks_search,
    texts_embed,
)

# A search box may send anything; beyond this the text is not a claim any more.
MAX_QUERY_CHARS = 2000


def fact_checks_similar(
    *, text: str, limit: int | None = 10, max_age: float = 0.0
) -> list[SimilarFactCheck]:
    """Published and imported fact-checks closest to `text`, best first (none for 1-2 words;
    every candidate with `limit` None); the index may be `max_age` seconds behind the
    database."""
    text = text[:MAX_QUERY_CHARS]
    vectors = texts_embed([text])
    vector = None if vectors is None else vectors[0]
    index = fact_check_index(max_age=max_age)
    return [
        fact for _, fact in fact_checks_search(text=text, vector=vector, limit=limit, index=index)
    ]
