"""Run the pipeline on a stored article and save its claims and queue entries."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from datetime import UTC, datetime

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from claims.models import Article, Claim
from claims.pipeline.checkworthiness.known import KnownScores
from claims.pipeline.checkworthiness.scorer import Scorer
from claims.pipeline.errors import ExtractionError
from claims.pipeline.extract import extract_claims
from claims.pipeline.inputs import document_from_input
from claims.pipeline.types import Extraction
from claims.scorers import attribution_ranker, scorer_get
from claims.services.sentence_scores import sentence_scores_keep, sentence_scores_known
from claims.signals import claims_stored
from factcheck import metrics
from factcheck.db import atomic_unflushed

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
# Bumped when a change to the pipeline means stored extractions are stale.
PIPELINE_VERSION = "1"


def pipeline_version(scorer: Scorer | None = None) -> str:
    """This code's pipeline and `scorer` (the process's by default)."""
    return f"pipeline-{PIPELINE_VERSION}+{(scorer or scorer_get()).version}"


def article_extract(*, article_id: int) -> Article:
    """Extract an article's claims and queue them; a second run changes nothing."""
    # Counted in its own commit: a worker killed mid-extraction rolls back everything else,
    # and an article that kills its worker every time must not be redelivered forever.
    # Not waiting for the log's flush: that cost a third of throughput, and a count lost in
    # a database crash only means one more try for that article.
    with atomic_unflushed():
        Article.objects.filter(pk=article_id, status=Article.Status.RECEIVED).update(
            attempts=F("attempts") + 1
        )
    with metrics.EXTRACTION_SECONDS.time(), transaction.atomic():
        article = Article.objects.select_for_update().defer("clean_text").get(pk=article_id)
        if article.status != Article.Status.RECEIVED:
            return article
        if article.attempts > MAX_ATTEMPTS:
            _fail(
                article,
                f"gave up after {MAX_ATTEMPTS} attempts: the worker died or hit the time limit "
                "each time (retry to try again)",
            )
            return article
        try:
            extraction = _run_pipeline(article)
        except ExtractionError as exc:
            _fail(article, str(exc))
            return article
        _store(article, extraction)
    return article


def article_mark_failed(*, article_id: int, error: str) -> None:
    """Record an unexpected failure so the article shows it and can be retried."""
    failed = Article.objects.filter(pk=article_id, status=Article.Status.RECEIVED)
    source = failed.values_list("source", flat=True).first()
    if failed.update(status=Article.Status.FAILED, error=error[:5000]):
        metrics.ARTICLES_FAILED.labels(source=source or "", stage="extract").inc()


def _run_pipeline(article: Article) -> Extraction:
    raw = bytes(article.raw)
    limit = settings.FACTCHECK_MAX_INPUT_BYTES
    if len(raw) > limit:
        raise ExtractionError(
            f"the input is {len(raw) / 1_048_576:.1f} MiB, above the {limit / 1_048_576:.1f} MiB "
            "limit (FACTCHECK_MAX_INPUT_BYTES); raise the limit and retry to process it"
        )
    document = document_from_input(
        raw,
        article.raw_format,
        url=article.url,
        title=article.given_title,
        charset=article.raw_charset,
    )
    model = scorer_get()  # once: a model promoted meanwhile is not kept under this version
    version = pipeline_version(model)
    scorer = KnownScores(
        model,
        known=lambda texts: sentence_scores_known(texts=texts, version=version),
        keep=lambda scores: sentence_scores_keep(scores=scores, version=version),
    )
    return extract_claims(
        document, scorer, settings.FACTCHECK_CLAIM_THRESHOLD, ranker=attribution_ranker()
    )


def _fail(article: Article, error: str) -> None:
    article.status = Article.Status.FAILED
    article.error = error
    # The pipeline's refusals are about the input the client sent: it may read them.
    article.client_error = error[:300]
    article.save(update_fields=["status", "error", "client_error", "attempts"])
    _count_on_commit(metrics.ARTICLES_FAILED.labels(source=article.source, stage="extract").inc)


def _parse_published(value: str) -> datetime | None:
    """The page's date as stored, or None when it is no real time (the page is not at fault
    for that: a "2024-02-30" or an offset of -23:59 in a meta tag must not fail it)."""
    if not value:
        return None
    try:
        # Both raise ValueError for what looks like a date but is none ("2024-13-45").
        parsed = parse_datetime(value)
        if parsed is None:
            day = parse_date(value[:10])
            if day is None:
                return None
            parsed = datetime(day.year, day.month, day.day)
        if timezone.is_naive(parsed):
            parsed = timezone.make_aware(parsed, UTC)
        # In UTC: PostgreSQL takes offsets only up to 15:59, Python up to 23:59.
        return parsed.astimezone(UTC)
    except (ValueError, OverflowError):  # OverflowError: past year 9999 once in UTC
        return None


# What extraction writes; never `raw`, which can be megabytes and does not change.
STORED_FIELDS = [
    "title",
    "byline",
    "published_at",
    "language",
    "site_name",
    "clean_text",
    "content_hash",
    "skip_reason",
    "pipeline_version",
    "extracted_at",
    "error",
    "client_error",
    "status",
    "duplicate_of",
    "attempts",
]


def _count_on_commit(count: Callable[[], object]) -> None:
    # A rolled-back extraction (worker killed, database gone) must not be counted.
    transaction.on_commit(count)


def _lock_content(content_hash: str) -> None:
    # Two copies of the same wire story extracted at once must not both find no twin.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [int(content_hash[:15], 16)])


def _store(article: Article, extraction: Extraction) -> None:
    document = extraction.document
    article.title = (document.title or article.given_title)[:1000]
    article.byline = document.byline[:500]
    # The sender's date, when it gave one, over the page's metadata (plain text has none).
    article.published_at = article.given_published_at or _parse_published(document.published)
    article.language = document.language[:10]
    article.site_name = document.site_name[:300]
    article.clean_text = document.text
    article.content_hash = hashlib.sha256(" ".join(document.text.split()).encode()).hexdigest()
    article.skip_reason = document.skip_reason[:300]
    article.pipeline_version = pipeline_version()[:100]
    article.extracted_at = timezone.now()
    article.error = article.client_error = ""
    if not document.text.strip() or document.skip_reason:
        # Nothing to mine and nothing to be a copy of: pages that are not articles.
        article.status = Article.Status.EXTRACTED
        article.save(update_fields=STORED_FIELDS)
        _count_on_commit(metrics.ARTICLES_EXTRACTED.labels(article.source, "extracted").inc)
        return
    _lock_content(article.content_hash)
    twin_id = (
        Article.objects.filter(content_hash=article.content_hash, status=Article.Status.EXTRACTED)
        .exclude(pk=article.pk)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    if twin_id is not None:
        # Same text under another URL, or an unchanged re-fetch: keep the record, no new claims.
        article.status = Article.Status.DUPLICATE
        article.duplicate_of_id = twin_id
        article.save(update_fields=STORED_FIELDS)
        _count_on_commit(metrics.ARTICLES_EXTRACTED.labels(article.source, "duplicate").inc)
        return
    article.status = Article.Status.EXTRACTED
    article.save(update_fields=STORED_FIELDS)
    claims = [
        Claim(
            article=article,
            text=claim.text,
            start=claim.start,
            end=claim.end,
            context=claim.context,
            score=claim.score,
            speaker=claim.speaker[:300],
            attribution=claim.attribution_kind,
            claim_type=claim.claim_type,
            reasons=list(claim.reasons),
            model_version=claim.model_version,
            standalone=claim.standalone,
            claimant=claim.claimant[:300],
            claimant_kind=claim.claimant_kind,
        )
        for claim in extraction.claims
    ]
    claims = Claim.objects.bulk_create(claims)
    _count_on_commit(metrics.ARTICLES_EXTRACTED.labels(article.source, "extracted").inc)
    _count_on_commit(lambda: metrics.CLAIMS_CREATED.inc(len(claims)))
    if claims:
        claims_stored.send(
            sender=Claim, claims=claims, seen_at=article.published_at or article.received_at
        )
