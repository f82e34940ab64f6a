"""Fact-checks, published here or imported, that a text may already be answered by.

The same ranking serves matching (suggestions to reviewers), the API's search and
`evaluate matching`: candidates from the database (`reviews.candidates`), rescored with the
rarity of their character n-grams among all stored fact-checks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings

from claims.pipeline.matching.matcher import Match, fact_check_scoring
from claims.pipeline.matching.normalise import fingerprint
from claims.pipeline.minilm import heap_trim
from claims.services.embeddings import texts_embed
from reviews.candidates import Query, fact_check_candidates, fact_check_rarity
from reviews.models import ImportedFactCheck, ReviewItem
from reviews.workflow import CHECKED

# A search box may send anything; beyond this the text is not a claim any more.
MAX_QUERY_CHARS = 2000


@dataclass(frozen=True)
class SimilarFactCheck:
    """A published or imported fact-check close to a text."""

    score: float
    external: bool
    id: int  # ImportedFactCheck pk when external, else the ReviewItem pk
    claim_reviewed: str
    rating: str
    url: str
    publisher: str
    numbers_differ: bool
    polarity_differs: bool


def fact_checks_ranked(queries: Sequence[Query]) -> dict[int, list[Match]]:
    """Every fact-check candidate of each query, ranked (keys as `reviews.candidates`)."""
    found = fact_check_candidates(queries)
    if not any(found.values()):
        return {query.key: [] for query in queries}  # nothing to rank, no rarity to read
    rarity = fact_check_rarity(
        [fingerprint(query.text).text for query in queries]
        + [candidate.text for candidates in found.values() for candidate in candidates]
    )
    scoring = fact_check_scoring(semantic=settings.FACTCHECK_MATCH_SEMANTIC_WEIGHT)
    ranked = {
        query.key: scoring.rank(fingerprint(query.text), found[query.key], rarity)
        for query in queries
    }
    if len(queries) > 1:
        # A batch's candidates, n-gram counts and cosines (~20 MiB for 100 tweets) would stay
        # in glibc's heap between batches; handing them back takes milliseconds.
        heap_trim()
    return ranked


def fact_checks_found(
    matches: Sequence[Match], *, limit: int | None, min_score: float | None = None
) -> list[tuple[Match, SimilarFactCheck]]:
    """The ranked matches that are fact-checks still there (imported, or published and not
    withdrawn), as such, the first `limit` of those scoring at least `min_score`."""
    # Ranked by rarity, a result may come before one that scores higher: the threshold is
    # applied to every candidate before the cut, so one under it takes no place in the list.
    if min_score is not None:
        matches = [match for match in matches if match.score >= min_score]
    matches = list(matches[:limit])
    if not matches:
        return []
    facts = ImportedFactCheck.objects.in_bulk([m.key // 2 for m in matches if m.key % 2 == 0])
    reviews = {
        item.pk: item
        for item in ReviewItem.objects.filter(
            pk__in=[m.key // 2 for m in matches if m.key % 2 == 1], status__in=CHECKED
        ).select_related("claim")
    }
    found = []
    for match in matches:
        pk = match.key // 2
        if match.key % 2 == 0 and pk in facts:
            fact = facts[pk]
            similar = SimilarFactCheck(
                score=match.score,
                external=True,
                id=pk,
                claim_reviewed=fact.claim_reviewed,
                rating=fact.rating,
                url=fact.url,
                publisher=fact.publisher,
                numbers_differ=match.numbers_differ,
                polarity_differs=match.polarity_differs,
            )
        elif match.key % 2 == 1 and pk in reviews:
            item = reviews[pk]
            verdict = item.verdicts.filter(published_at__isnull=False).first()
            similar = SimilarFactCheck(
                score=match.score,
                external=False,
                id=pk,
                claim_reviewed=item.claim.text,
                rating=verdict.get_rating_display() if verdict else "",
                url="",
                publisher="",
                numbers_differ=match.numbers_differ,
                polarity_differs=match.polarity_differs,
            )
        else:
            continue
        found.append((match, similar))
    return found


def fact_checks_similar(*, text: str, limit: int | None = 10) -> list[SimilarFactCheck]:
    """Published and imported fact-checks closest to `text`, best first (none for 1-2 words;
    every candidate with `limit` None)."""
    text = text[:MAX_QUERY_CHARS]
    vectors = texts_embed([text])
    query = Query(0, text, None if vectors is None else vectors[0])
    ranked = fact_checks_ranked([query])[0]
    return [fact for _, fact in fact_checks_found(ranked, limit=limit)]
