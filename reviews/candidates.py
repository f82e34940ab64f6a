"""Where a claim's candidates come from: the few stored texts worth rescoring.

On PostgreSQL every process asks the database: pgvector's HNSW index for the nearest
embeddings and full-text search for shared rare words, a handful of each, for a whole batch
of claims in one query per source. Nothing is held in memory between calls. The embedded
SQLite default (a first look, with little data) scans every row in process instead.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
from django.db import connection, transaction

from claims.models import Claim
from claims.pipeline.embeddings import DIMENSIONS
from claims.pipeline.matching.chars import char_cosine_matrix, char_features, char_similarity
from claims.pipeline.matching.dense import EXACT_BELOW
from claims.pipeline.matching.lexical import bm25_scores, word_counts
from claims.pipeline.matching.matcher import CANDIDATES, Candidate, Matcher
from claims.pipeline.matching.normalise import fingerprint
from reviews.models import FactCheckGram, FactCheckSearch, ImportedFactCheck
from reviews.services.fact_check_grams import TEXTS, WORD_LENGTH, WORDS_FROM

# Among stored claims (millions) a claim's words are asked for in pairs: a candidate shares
# at least two of its RARE_WORDS rarest words. One word alone ("unemployment") can be in tens
# of thousands of claims, every one of which full-text search would have to rank (0.7 s p50
# at a million, against 4 ms for the pairs). How common a word is comes from PostgreSQL's
# own statistics of the column (pg_stats, refreshed by ANALYZE), read at most every
# STATS_SECONDS; a word missing from them is rarer than every word they list.
RARE_WORDS = 4
STATS_SECONDS = 600.0
# Fact-checks are fewer: any of a query's words proposes one (its first words, for a query
# of hundreds). `ts_rank` weighs no word by its rarity, so its first FACT_CHECK_WORDS are
# read and BM25 over words and word pairs (document frequencies counted as fact-checks are
# stored) keeps the best CANDIDATES of them: MAP@5 on CheckThat! 2020 train 0.911 -> 0.913
# against keeping `ts_rank`'s first ten (bench/README.md, *Where the 0.008 goes*).
MAX_QUERY_WORDS = 32
FACT_CHECK_WORDS = 100
# A text's stemmed words never change (one text search configuration), and a batch asks for
# them three times (claims, imported and published fact-checks), copies of a wire story
# many more: they are kept per process, up to this many texts (a few MiB).
LEXEMES_KEPT = 4_096
# A query without an embedding (lexical matching) has no other candidates: `ts_rank`'s first
# WORDS_ALONE are kept as they come. Lexical MAP@5 on CheckThat! 2020 train / dev: 0.846 /
# 0.819 so, 0.838 / 0.812 with BM25's best ten, 0.795 on dev with its best five.
WORDS_ALONE = 2 * CANDIDATES


@dataclass(frozen=True)
class Query:
    """A text to find candidates for; `key` is the caller's (a claim's pk, a row number)."""

    key: int
    text: str
    vector: np.ndarray | None

    @cached_property
    def literal(self) -> str | None:
        """The vector as pgvector reads it, written once for the several searches that send it."""
        return vector_text(self.vector)


def vector_text(vector: np.ndarray | None) -> str | None:
    """A vector as pgvector reads it; None for no vector (or the zero vector)."""
    if vector is None or not np.any(vector):
        return None
    # Six decimals are finer than halfvec keeps; a list's repr is written in C, twice as fast
    # as formatting each of the 384 numbers.
    return repr(np.round(vector.astype(np.float64), 6).tolist()).replace(" ", "")


# --- stored claims -----------------------------------------------------------------------

# The batch's own claims are left out (`batch_candidates` compares them with each other):
# copies of one story in a batch would otherwise fill every place. With them filtered out
# after the graph's walk, pgvector goes on walking until it has enough (iterative scan).
_DENSE_CLAIMS = f"""
SELECT q.n, c.id, c.text, 1 - (c.embedding <=> q.v)
FROM unnest(%s::int[], %s::text[]::halfvec({DIMENSIONS})[]) AS q(n, v)
CROSS JOIN LATERAL (
    SELECT id, text, embedding FROM claims_claim
    WHERE embedding IS NOT NULL AND id <> ALL(%s::bigint[])
    ORDER BY embedding <=> q.v
    LIMIT %s
) c
"""

_LEXICAL_CLAIMS = f"""
SELECT q.n, c.id, c.text,
       CASE WHEN q.v IS NULL OR c.embedding IS NULL THEN NULL
            ELSE 1 - (c.embedding <=> q.v) END
FROM unnest(%s::int[], %s::text[], %s::text[]::halfvec({DIMENSIONS})[]) AS q(n, words, v)
CROSS JOIN LATERAL (
    SELECT id, text, embedding FROM claims_claim
    WHERE search_vector @@ q.words::tsquery AND id <> ALL(%s::bigint[])
    ORDER BY ts_rank(search_vector, q.words::tsquery) DESC, id
    LIMIT %s
) c
"""


# Word for word the same (the text's hash index): a verbatim repeat is always a candidate,
# however many near-copies (the same template with other figures) crowd the nearest
# embeddings and the best-ranked words.
_EXACT_CLAIMS = f"""
SELECT q.n, c.id, c.text,
       CASE WHEN q.v IS NULL OR c.embedding IS NULL THEN NULL
            ELSE 1 - (c.embedding <=> q.v) END
FROM unnest(%s::int[], %s::text[], %s::text[]::halfvec({DIMENSIONS})[]) AS q(n, t, v)
CROSS JOIN LATERAL (
    SELECT id, text, embedding FROM claims_claim
    WHERE text = q.t AND id <> ALL(%s::bigint[])
    ORDER BY id
    LIMIT %s
) c
"""


def graph_walk(cursor: Any) -> None:
    """Make the rest of the transaction find the nearest stored claims by walking the HNSW
    graph, whatever the table's statistics say.

    Claims are stored without an embedding and given one at matching, so an ANALYZE taken
    while many wait for theirs (a burst of articles) tells the planner that few rows have
    one, and it may then read the whole table and sort it, for every claim of every batch,
    until the next ANALYZE: bench/README.md, *Through matching: the nearest claims by a
    scan*, measured 2 -> 180 ms a batch as a desk grew to 5,600 claims. No other read in
    the transaction wants a sequential scan: words go through their GIN index, texts
    through their hash index.
    """
    cursor.execute("SET LOCAL hnsw.iterative_scan = relaxed_order")
    cursor.execute("SET LOCAL enable_seqscan = off")


def _exact(queries: Sequence[Query], limit: int, exclude: Sequence[int]) -> list[tuple]:
    if not queries:
        return []
    params: list[Any] = [
        [query.key for query in queries],
        [query.text for query in queries],
        [query.literal for query in queries],
        list(exclude),
        limit,
    ]
    with connection.cursor() as cursor:
        cursor.execute(_EXACT_CLAIMS, params)
        return list(cursor.fetchall())


def claim_candidates(queries: Sequence[Query]) -> dict[int, list[Candidate]]:
    """Stored claims proposed for each query, the queries themselves (a batch of stored
    claims) left out: `batch_candidates` proposes those."""
    if connection.vendor != "postgresql":
        return _scan_claims(queries)
    found: dict[int, dict[int, Candidate]] = {query.key: {} for query in queries}
    matchable = [query for query in queries if fingerprint(query.text).matchable]
    batch = [query.key for query in queries]
    with transaction.atomic():
        with connection.cursor() as cursor:
            graph_walk(cursor)
        rows = _exact(matchable, CANDIDATES, batch)
        # A claim stored before word for word (another outlet's copy of a wire story) is
        # the best candidate there can be: the copy joins that claim's cluster, whose
        # neighbours were proposed when that claim was placed and propose it in turn (a
        # copy that cannot move, being already in a reviewer's hands, is suggested for that
        # cluster alone, and a merge brings the neighbours). Its nearest embeddings and
        # shared words would be the hundreds of other copies again, each ranked by
        # `ts_rank`.
        repeated = {n for n, *_ in rows}
        unseen = [query for query in matchable if query.key not in repeated]
        rows += _dense(_DENSE_CLAIMS, unseen, CANDIDATES, batch)
        rows += _lexical(_LEXICAL_CLAIMS, unseen, CANDIDATES, _common_words("claims_claim"), batch)
    for n, pk, text, cosine in rows:
        _candidate_add(found[n], pk, text, cosine)
    return {key: list(candidates.values()) for key, candidates in found.items()}


def batch_candidates(queries: Sequence[Query]) -> dict[int, list[Candidate]]:
    """For each query, the other queries of its batch most like it (character n-grams and,
    where both have one, embedding cosine): a batch's claims are compared in memory."""
    texts = [fingerprint(query.text).text for query in queries]
    chars = char_cosine_matrix(texts)
    present = [query.vector is not None and bool(np.any(query.vector)) for query in queries]
    vectors = np.zeros((len(queries), DIMENSIONS), dtype=np.float32)
    for row, query in enumerate(queries):
        if present[row]:
            vectors[row] = query.vector  # type: ignore[assignment]
    cosines = vectors @ vectors.T
    found: dict[int, list[Candidate]] = {}
    for row, query in enumerate(queries):
        both = np.array(present) & present[row]
        closeness = np.where(both, (chars[row] + cosines[row]) / 2, chars[row])
        closeness[row] = -np.inf
        best = np.argsort(-closeness, kind="stable")[:CANDIDATES]
        found[query.key] = [
            Candidate(
                queries[col].key,
                texts[col],
                float(cosines[row, col]) if both[col] else None,
            )
            for col in best
            if closeness[col] > 0
        ]
    return found


def _candidate_add(found: dict[int, Candidate], key: int, text: str, cosine: float | None) -> None:
    known = found.get(key)
    if known is None or (known.semantic is None and cosine is not None):
        semantic = None if cosine is None else float(cosine)
        found[key] = Candidate(key, fingerprint(text).text, semantic)


def _dense(
    sql: str, queries: Sequence[Query], limit: int, exclude: Sequence[int] | None = None
) -> list[tuple]:
    vectors = [(query.key, query.literal) for query in queries]
    vectors = [(key, vector) for key, vector in vectors if vector is not None]
    if not vectors:
        return []
    params: list[Any] = [[key for key, _ in vectors], [vector for _, vector in vectors]]
    if exclude is not None:
        params.append(list(exclude))
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, limit])
        return list(cursor.fetchall())


def _lexical(
    sql: str,
    queries: Sequence[Query],
    limit: int,
    common: dict[str, float] | None,
    exclude: Sequence[int] | None = None,
) -> list[tuple]:
    """`common` given: pairs of each query's rarest words; None: any of its words."""
    words = _query_words([fingerprint(query.text).text for query in queries], common)
    asked = [(query, tsquery) for query, tsquery in zip(queries, words, strict=True) if tsquery]
    if not asked:
        return []
    params: list[Any] = [
        [query.key for query, _ in asked],
        [tsquery for _, tsquery in asked],
        [query.literal for query, _ in asked],
    ]
    if exclude is not None:
        params.append(list(exclude))
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, limit])
        return list(cursor.fetchall())


def _query_words(texts: Sequence[str], common: dict[str, float] | None) -> list[str]:
    """Each text's stemmed words as a tsquery: with `common`, any two of its rarest words,
    else any of its words; "" for a text without words."""
    lexemes = _lexemes(texts)
    queries = []
    for text in texts:
        words = list(dict.fromkeys(lexemes[text]))
        if common is None:
            queries.append(" | ".join(_quoted(word) for word in words[:MAX_QUERY_WORDS]))
            continue
        # Rarest first; among words pg_stats does not list, the longer first.
        rare = sorted(words, key=lambda word: (common.get(word, 0.0), -len(word)))[:RARE_WORDS]
        if len(rare) == 1:
            queries.append(_quoted(rare[0]))
            continue
        pairs = itertools.combinations(rare, 2)
        queries.append(" | ".join(f"({_quoted(a)} & {_quoted(b)})" for a, b in pairs))
    return queries


_lexemes_kept: dict[str, list[str]] = {}


def _lexemes(texts: Sequence[str]) -> dict[str, list[str]]:
    """Each text's stemmed words, as PostgreSQL's `to_tsvector('english', text)` lists them."""
    known = {text: words for text in texts if (words := _lexemes_kept.get(text)) is not None}
    missing = [text for text in dict.fromkeys(texts) if text not in known]
    if not missing:
        return known
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT t.text, array(SELECT lexeme FROM unnest(to_tsvector('english', t.text)))"
            " FROM unnest(%s::text[]) AS t(text)",
            [missing],
        )
        found = {text: list(words or []) for text, words in cursor.fetchall()}
    if len(found) <= LEXEMES_KEPT:
        if len(_lexemes_kept) + len(found) > LEXEMES_KEPT:
            _lexemes_kept.clear()
        _lexemes_kept.update(found)
    return {**known, **found}


def _quoted(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


_common: dict[str, tuple[float, dict[str, float]]] = {}


def _common_words(table: str) -> dict[str, float]:
    """The share of rows holding each of a table's most common words (pg_stats)."""
    cached = _common.get(table)
    if cached is not None and time.monotonic() - cached[0] < STATS_SECONDS:
        return cached[1]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
            "WHERE schemaname = current_schema() AND tablename = %s "
            "AND attname = 'search_vector'",
            [table],
        )
        row = cursor.fetchone()
    common: dict[str, float] = {}
    if row and row[0]:
        common = dict(zip(row[0], row[1], strict=False))
    _common[table] = (time.monotonic(), common)
    return common


def _scan_claims(queries: Sequence[Query]) -> dict[int, list[Candidate]]:
    """Candidates among every stored claim, from an index built for the call (SQLite)."""
    batch = [query.key for query in queries]
    rows = list(Claim.objects.exclude(pk__in=batch).values_list("pk", "text", "embedding"))
    matcher = _matcher_of(rows)
    return {query.key: matcher.candidates(query.text, vector=query.vector) for query in queries}


def _matcher_of(rows: Sequence[tuple[int, str, object]]) -> Matcher:
    vectors = np.zeros((len(rows), DIMENSIONS), dtype=np.float32)
    for row, (_, _, vector) in enumerate(rows):
        if vector is not None:
            vectors[row] = np.asarray(vector, dtype=np.float32)
    matcher = Matcher(dimensions=DIMENSIONS)
    matcher.add([pk for pk, _, _ in rows], [text for _, text, _ in rows], vectors)
    return matcher


# --- fact-checks -------------------------------------------------------------------------


# Keys of fact-check candidates: imported records even, published review items odd.
def imported_key(pk: int) -> int:
    return pk * 2


def published_key(pk: int) -> int:
    return pk * 2 + 1


_DENSE_IMPORTED = f"""
SELECT q.n, f.id * 2, f.claim_reviewed || ' ' || f.headline, 1 - (f.embedding <=> q.v)
FROM unnest(%s::int[], %s::text[]::halfvec({DIMENSIONS})[]) AS q(n, v)
CROSS JOIN LATERAL (
    SELECT id, claim_reviewed, headline, embedding FROM reviews_importedfactcheck
    WHERE embedding IS NOT NULL
    ORDER BY embedding <=> q.v
    LIMIT %s
) f
"""

# Below EXACT_BELOW stored fact-checks their embeddings are scanned, not walked: the HNSW
# graph misses some of the nearest (0.984 of the exact five at `ef_search` 40 on CheckThat!
# 2020 dev), and a scan of a few thousand rows costs about what the walk does. The distance
# written as an expression the index cannot serve makes PostgreSQL scan.
_EXACT = ("ORDER BY embedding <=> q.v", "ORDER BY (embedding <=> q.v) + 0")

_LEXICAL_IMPORTED = f"""
SELECT q.n, f.id * 2, f.claim_reviewed || ' ' || f.headline,
       CASE WHEN q.v IS NULL OR f.embedding IS NULL THEN NULL
            ELSE 1 - (f.embedding <=> q.v) END
FROM unnest(%s::int[], %s::text[], %s::text[]::halfvec({DIMENSIONS})[]) AS q(n, words, v)
CROSS JOIN LATERAL (
    SELECT id, claim_reviewed, headline, embedding FROM reviews_importedfactcheck
    WHERE search_vector @@ q.words::tsquery
    ORDER BY ts_rank(search_vector, q.words::tsquery) DESC, id
    LIMIT %s
) f
"""

# A published fact-check is found by its claim's embedding or by any wording of its claim
# (its search entry holds every wording seen) and scored on the wording closest to the query.
_DENSE_PUBLISHED = f"""
SELECT q.n, s.review_item_id * 2 + 1, s.document, 1 - (s.embedding <=> q.v)
FROM unnest(%s::int[], %s::text[]::halfvec({DIMENSIONS})[]) AS q(n, v)
CROSS JOIN LATERAL (
    SELECT review_item_id, document, embedding FROM reviews_factchecksearch
    WHERE embedding IS NOT NULL
    ORDER BY embedding <=> q.v
    LIMIT %s
) s
"""

_LEXICAL_PUBLISHED = f"""
SELECT q.n, s.review_item_id * 2 + 1, s.document,
       CASE WHEN q.v IS NULL OR s.embedding IS NULL THEN NULL
            ELSE 1 - (s.embedding <=> q.v) END
FROM unnest(%s::int[], %s::text[], %s::text[]::halfvec({DIMENSIONS})[]) AS q(n, words, v)
CROSS JOIN LATERAL (
    SELECT review_item_id, document, embedding FROM reviews_factchecksearch
    WHERE vector @@ q.words::tsquery
    ORDER BY ts_rank(vector, q.words::tsquery) DESC, review_item_id
    LIMIT %s
) s
"""


def fact_check_candidates(queries: Sequence[Query]) -> dict[int, list[Candidate]]:
    """Imported and published fact-checks proposed for each query (keys: `imported_key`,
    `published_key`); whether a published one is still published is the caller's check."""
    if connection.vendor != "postgresql":
        return _scan_fact_checks(queries)
    found: dict[int, dict[int, Candidate]] = {query.key: {} for query in queries}
    matchable = [query for query in queries if fingerprint(query.text).matchable]
    if not matchable:
        return {key: [] for key in found}
    embedded = {query.key for query in matchable if query.literal is not None}
    # BM25 and the scan serve queries with an embedding: lexical matching reads no counts.
    words = (
        word_rarity([fingerprint(query.text).text for query in matchable])
        if embedded
        else WordRarity({}, 0, 0.0)
    )
    read = FACT_CHECK_WORDS if embedded else WORDS_ALONE
    dense_rows: list[tuple] = []
    lexical_rows: list[tuple] = []
    for dense, lexical in (
        (_DENSE_IMPORTED, _LEXICAL_IMPORTED),
        (_DENSE_PUBLISHED, _LEXICAL_PUBLISHED),
    ):
        # No count (fact-checks written around the services that count them): the graph.
        if 0 < words.size < EXACT_BELOW:
            dense = dense.replace(*_EXACT)
        dense_rows += _dense(dense, matchable, CANDIDATES)
        lexical_rows += _lexical(lexical, matchable, read, None)
    texts = {query.key: query.text for query in queries}
    for n, key, text, cosine in dense_rows:
        _candidate_add(found[n], key, _wording(texts[n], key, text), cosine)
    proposed: dict[int, list[tuple[int, str, float | None]]] = {}
    for n, key, text, cosine in lexical_rows:
        proposed.setdefault(n, []).append((key, text, cosine))
    for n, candidates in proposed.items():
        if n not in embedded:
            candidates = candidates[:WORDS_ALONE]
        candidates = [(key, _wording(texts[n], key, text), c) for key, text, c in candidates]
        if n in embedded:
            scores = words.bm25(
                fingerprint(texts[n]).text, [fingerprint(text).text for _, text, _ in candidates]
            )
            candidates = [candidates[at] for at in np.argsort(-scores, kind="stable")[:CANDIDATES]]
        for key, text, cosine in candidates:
            _candidate_add(found[n], key, text, cosine)
    return {key: list(candidates.values()) for key, candidates in found.items()}


def _wording(query: str, key: int, text: str) -> str:
    """A candidate's text as it is scored: a published fact-check's wording closest to the
    query, an imported one's claim and headline."""
    return closest_wording(query, text) if key % 2 == 1 else text


# A claim repeated thousands of times: its first wordings stand for it.
MAX_WORDINGS = 50


def closest_wording(query: str, document: str) -> str:
    """The wording of a published fact-check's claim (one a line, the claim's own first) that
    reads most like the query."""
    wordings = [line for line in document.split("\n")[:MAX_WORDINGS] if line.strip()]
    if len(wordings) <= 1:
        return document
    cosines = char_similarity(fingerprint(query).text, [fingerprint(w).text for w in wordings])
    return wordings[int(np.argmax(cosines))]


def _scan_fact_checks(queries: Sequence[Query]) -> dict[int, list[Candidate]]:
    rows = [
        (imported_key(pk), f"{claim} {headline}".strip(), vector)
        for pk, claim, headline, vector in ImportedFactCheck.objects.values_list(
            "pk", "claim_reviewed", "headline", "embedding"
        )
    ]
    rows += [
        (published_key(pk), text, vector)
        for pk, text, vector in FactCheckSearch.objects.values_list(
            "review_item_id", "review_item__claim__text", "embedding"
        )
    ]
    matcher = _matcher_of(rows)
    return {query.key: matcher.candidates(query.text, vector=query.vector) for query in queries}


@dataclass(frozen=True)
class StoredRarity:
    """IDF of the character n-grams of some texts, from the counts stored with fact-checks."""

    features: np.ndarray  # sorted
    counts: np.ndarray
    size: int

    def idf(self, features: np.ndarray) -> np.ndarray:
        df = np.zeros(len(features), dtype=np.int64)
        if len(self.features):
            at = np.minimum(np.searchsorted(self.features, features), len(self.features) - 1)
            known = self.features[at] == features
            df[known] = self.counts[at[known]]
        return (np.log((self.size + 1) / (df + 1)) + 1).astype(np.float32)


def fact_check_rarity(texts: Sequence[str]) -> StoredRarity:
    """How rare, among stored fact-checks, each character n-gram of `texts` is (normalised
    texts: the query and its candidates)."""
    features = [-1, *char_features(list(texts)).tolist()]
    if connection.vendor == "postgresql":
        # One array parameter: the thousands of features of a claim and its candidates as
        # `IN (%s, %s, ...)` took 13 ms at the median and 142 ms at p95 (most of a claim's
        # matching time), as an array 6 ms and 7 ms (bench/README.md).
        table = FactCheckGram._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT feature, texts FROM {table} WHERE feature = ANY(%s::int[])", [features]
            )
            rows = dict(cursor.fetchall())
    else:
        rows = dict(
            FactCheckGram.objects.filter(feature__in=features).values_list("feature", "texts")
        )
    size = rows.pop(-1, 0)
    keys = np.array(sorted(rows), dtype=np.int64)
    counts = np.array([rows[key] for key in keys.tolist()], dtype=np.int64)
    return StoredRarity(keys, counts, size)


@dataclass(frozen=True)
class WordRarity:
    """How many stored fact-checks hold each of some word features, how many there are and
    their average length in word features: BM25 over them without holding them."""

    df: dict[int, int]
    size: int
    average_length: float

    def bm25(self, query: str, texts: Sequence[str]) -> np.ndarray:
        """BM25 of normalised `texts` for a normalised `query` among the stored fact-checks."""
        return bm25_scores(
            query,
            texts,
            lambda features: np.array([self.df.get(int(f), 0) for f in features]),
            self.size,
            self.average_length,
        )


def word_rarity(texts: Sequence[str]) -> WordRarity:
    """The stored fact-checks' document frequencies of the words of normalised `texts`."""
    features = np.unique(word_counts(list(texts)).indices).tolist()
    asked = [TEXTS, WORD_LENGTH, *(WORDS_FROM + feature for feature in features)]
    table = FactCheckGram._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT feature, texts FROM {table} WHERE feature = ANY(%s::int[])", [asked]
        )
        rows = dict(cursor.fetchall())
    size = rows.pop(TEXTS, 0)
    length = rows.pop(WORD_LENGTH, 0)
    df = {feature - WORDS_FROM: count for feature, count in rows.items()}
    return WordRarity(df, size, length / size if size else 0.0)
