"""`evaluate matching`: the pool stored as imported fact-checks, the queries ranked by the
production ranking (`reviews.similar`), all inside a transaction that is rolled back."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.db import transaction
from django.test.utils import override_settings

from claims.evaluation.matching import (
    rank_metrics,
    read_pool,
    read_qrels,
    read_queries,
    render_matching,
)
from claims.evaluation.targets import EvaluationTarget
from claims.pipeline.matching.normalise import fact_check_embedding_text
from claims.services.embeddings import semantic_enabled, texts_embed, vector_store
from reviews.candidates import Query
from reviews.models import FactCheckGram, FactCheckSearch, ImportedFactCheck
from reviews.services.fact_check_grams import fact_check_grams_count
from reviews.similar import fact_checks_found, fact_checks_ranked

BATCH_SIZE = 1000


class _Rollback(Exception):
    pass


def _arguments(parser: CommandParser) -> None:
    parser.add_argument("--pool", required=True, type=Path, help="verified_claims.docs.tsv")
    parser.add_argument("--queries", required=True, type=Path, help="tweets.queries.tsv")
    parser.add_argument("--qrels", required=True, type=Path, help="TREC qrels file")
    parser.add_argument(
        "--method",
        choices=["hybrid", "lexical"],
        default="hybrid",
        help="lexical: character n-grams and full-text search only (default: hybrid when "
        "installed)",
    )
    parser.add_argument("--limit", type=int, default=None, help="only the first N queries")


def evaluate_matching(options: dict[str, Any]) -> list[str]:
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
        method = "hybrid" if semantic_enabled() else "lexical"
        rankings = _rank(pool, queries)
    return render_matching(rank_metrics(rankings, relevant), method=method)


def _rank(pool: list[tuple[str, str, str]], queries: list[tuple[str, str]]) -> dict[str, list[str]]:
    rankings: dict[str, list[str]] = {}
    try:
        with transaction.atomic():
            # Whatever the database holds already would compete with the pool: set it aside.
            ImportedFactCheck.objects.all().delete()
            FactCheckSearch.objects.all().delete()
            FactCheckGram.objects.all().delete()
            pool_ids: dict[int, str] = {}
            for start in range(0, len(pool), BATCH_SIZE):
                batch = pool[start : start + BATCH_SIZE]
                # Embedded and counted as the import stores a ClaimReview record.
                vectors = texts_embed(
                    [fact_check_embedding_text(claim, title) for _, claim, title in batch]
                )
                created = ImportedFactCheck.objects.bulk_create(
                    ImportedFactCheck(
                        claim_reviewed=claim,
                        headline=title[:1000],
                        source_key=f"evaluation:{doc_id}",
                        embedding=None if vectors is None else vector_store(vectors[row]),
                    )
                    for row, (doc_id, claim, title) in enumerate(batch)
                )
                fact_check_grams_count(added=[fact.match_text for fact in created])
                pool_ids.update(
                    (fact.pk, doc_id) for fact, (doc_id, _, _) in zip(created, batch, strict=True)
                )
            vectors = texts_embed([text for _, text in queries])
            asked = [
                Query(row, text, None if vectors is None else vectors[row])
                for row, (_, text) in enumerate(queries)
            ]
            for start in range(0, len(asked), BATCH_SIZE):
                ranked = fact_checks_ranked(asked[start : start + BATCH_SIZE])
                for query in asked[start : start + BATCH_SIZE]:
                    found = fact_checks_found(ranked[query.key], limit=5)
                    rankings[queries[query.key][0]] = [
                        pool_ids[fact.id] for _, fact in found if fact.external
                    ]
            raise _Rollback
    except _Rollback:
        pass
    return rankings


MATCHING = EvaluationTarget(
    name="matching",
    help="MAP@5, MRR and P@1 of fact-check matching on CheckThat! 2020 Task 2 data",
    add_arguments=_arguments,
    run=evaluate_matching,
)
