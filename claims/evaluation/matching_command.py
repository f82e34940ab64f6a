"""`evaluate matching`: the pool loaded as imported fact-checks, queries through production
matching (`fact_checks_search`), all inside a transaction that is rolled back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError
from django.db import transaction
from django.test.utils import override_settings

from claims.evaluation.matching import (
    rank_metrics,
    read_pool,
    read_qrels,
    read_queries,
    render_matching,
)
from claims.models import FactCheck
from claims.pipeline.matching.normalise import fact_check_embedding_text
from claims.services import matching

BATCH_SIZE = 1000


class _Rollback(Exception):
    pass


def evaluate_matching_command(options: dict[str, Any]) -> list[str]:
    paths: dict[str, Path] = {name: options[name] for name in ("pool", "queries", "qrels")}
    for name, path in paths.items():
        if not path.is_file():
            raise CommandError(f"--{name} {path} is not a file")
    try:
        pool = read_pool(paths["pool"])
        queries = read_queries(paths["queries"])
        relevant = read_qrels(paths["qrels"])
    except ValueError as exc:
        raise CommandError(str(exc)) from exc
    if options.get("limit"):
        queries = queries[: options["limit"]]
    semantic = "auto" if options["method"] == "hybrid" else "off"
    with override_settings(FACTCHECK_MATCH_SEMANTIC=semantic):
        matching.indexes_reset()
        method = "hybrid" if matching.semantic_enabled() else "lexical"
        try:
            rankings = _rank(pool, queries)
        finally:
            matching.indexes_reset()
    return render_matching(rank_metrics(rankings, relevant), method=method)


def _rank(pool: list[tuple[str, str, str]], queries: list[tuple[str, str]]) -> dict[str, list[str]]:
    rankings: dict[str, list[str]] = {}
    try:
        with transaction.atomic():
            # Whatever the database holds already would compete with the pool: set it aside.
            FactCheck.objects.all().delete()
            pool_ids: dict[int, str] = {}
            for start in range(0, len(pool), BATCH_SIZE):
                batch = pool[start : start + BATCH_SIZE]
                # Embedded as the import embeds a ClaimReview record.
                vectors = matching.texts_embed(
                    [fact_check_embedding_text(claim, title) for _, claim, title in batch]
                )
                created = FactCheck.objects.bulk_create(
                    FactCheck(
                        claim_reviewed=claim,
                        headline=title[:1000],
                        source_key=f"evaluation:{doc_id}",
                        embedding=b"" if vectors is None else vectors[row].tobytes(),
                    )
                    for row, (doc_id, claim, title) in enumerate(batch)
                )
                pool_ids.update(
                    (fact.pk, doc_id) for fact, (doc_id, _, _) in zip(created, batch, strict=True)
                )
            vectors = matching.texts_embed([text for _, text in queries])
            for row, (query_id, text) in enumerate(queries):
                vector = None if vectors is None else vectors[row]
                found = matching.fact_checks_search(text=text, vector=vector, limit=5)
                rankings[query_id] = [pool_ids[fact.id] for _, fact in found if fact.external]
            raise _Rollback
    except _Rollback:
        pass
    return rankings
