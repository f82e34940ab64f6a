"""Every way an article comes in ends in `article_receive`, which dedups and enqueues."""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from claims import tasks
from claims.models import Article, Feed, Publisher
from claims.pipeline.inputs import guess_format
from claims.pipeline.urls import canonicalize_url, url_domain, usable_url
from claims.services.fetch import FetchError, http_fetch
from factcheck import metrics

logger = logging.getLogger(__name__)


class IngestError(ValueError):
    """Input refused before anything is stored (a malformed URL); the message says why."""


@dataclass(frozen=True)
class Received:
    article: Article
    created: bool  # False when the same input was already stored
    retryable: bool = False  # a fetch that failed for a reason that may pass


def _enqueue_extraction(article_id: int) -> None:
    # robust: a broker that is down must not fail the request that stored the article;
    # the article stays `received` and `articles_requeue_stale` enqueues it later.
    transaction.on_commit(lambda: tasks.article_extract.delay(article_id), robust=True)


def articles_requeue_stale(*, older_than_seconds: int, batch_size: int = 500) -> int:
    """Enqueue extraction again for articles still `received` after a while (lost messages)."""
    cutoff = timezone.now() - timedelta(seconds=older_than_seconds)
    stale = list(
        Article.objects.filter(status=Article.Status.RECEIVED, received_at__lt=cutoff)
        .order_by("received_at")
        .values_list("pk", flat=True)[:batch_size]
    )
    for article_id in stale:
        tasks.article_extract.delay(article_id)
    if stale:
        logger.warning("re-enqueued %d articles stuck in received", len(stale))
    return len(stale)


def publisher_for_url(url: str) -> Publisher | None:
    domain = url_domain(url)
    if not domain:
        return None
    # A host may have 253 characters, a publisher's name 200.
    publisher, _ = Publisher.objects.get_or_create(domain=domain, defaults={"name": domain[:200]})
    return publisher


def article_receive(
    *,
    raw: bytes,
    fmt: str,
    source: str,
    url: str = "",
    title: str = "",
    feed: Feed | None = None,
    charset: str = "",
) -> Received:
    """Store an incoming article once and enqueue its extraction after commit.

    The same bytes are stored once; new bytes at a known URL become its next version.
    """
    if url and not usable_url(url):
        raise IngestError(f"not a usable http(s) URL: {url[:200]!r}")
    # The callers refuse these, but a new one might not: PostgreSQL text takes no NUL and
    # UTF-8 no lone surrogate, and a title is no reason to lose the article.
    title = title.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")
    canonical = canonicalize_url(url) if url else ""
    # Empty input carries nothing to dedup on but its address.
    raw_hash = hashlib.sha256(raw if raw.strip() else b"empty:" + canonical.encode()).hexdigest()
    existing = Article.objects.filter(raw_hash=raw_hash).first()
    if existing is not None:
        if existing.status == Article.Status.RECEIVED:
            # Its first task may have been lost (broker down): asking again is harmless.
            with transaction.atomic():
                _enqueue_extraction(existing.pk)
        return Received(existing, created=False)
    for _attempt in range(3):
        try:
            with transaction.atomic():
                article = _article_create(
                    raw=raw,
                    raw_hash=raw_hash,
                    fmt=fmt,
                    charset=charset,
                    source=source,
                    url=url,
                    canonical=canonical,
                    title=title,
                    feed=feed,
                )
                _enqueue_extraction(article.pk)
                transaction.on_commit(metrics.ARTICLES_RECEIVED.labels(source=source).inc)
                return Received(article, created=True)
        except IntegrityError:
            # Another request stored the same input, or the same URL's next version, first.
            existing = Article.objects.filter(raw_hash=raw_hash).first()
            if existing is not None:
                return Received(existing, created=False)
    raise RuntimeError(f"could not store a new version of {canonical} after 3 attempts")


def _article_create(
    *,
    raw: bytes,
    raw_hash: str,
    fmt: str,
    charset: str,
    source: str,
    url: str,
    canonical: str,
    title: str,
    feed: Feed | None,
) -> Article:
    previous = None
    if canonical:
        previous = (
            Article.objects.select_for_update()
            .filter(canonical_url=canonical)
            .order_by("-version")
            .first()
        )
    article = Article(
        url=url,
        canonical_url=canonical,
        publisher=(feed.publisher if feed and feed.publisher else None) or publisher_for_url(url),
        feed=feed,
        source=source,
        raw=raw,
        raw_format=fmt,
        raw_charset=charset[:40],
        raw_hash=raw_hash,
        raw_size=len(raw),
        given_title=title[:1000],
        version=previous.version + 1 if previous else 1,
        previous_version=previous,
    )
    article.save()
    return article


def article_fetch(*, url: str, feed_id: int | None = None) -> Received:
    """Fetch a URL and receive it; a failed fetch is kept as a failed article to retry."""
    if not usable_url(url):
        raise IngestError(f"not a usable http(s) URL: {url[:200]!r}")
    feed = Feed.objects.filter(pk=feed_id).first() if feed_id else None
    try:
        result = http_fetch(url)
    except FetchError as exc:
        return _fetch_failed(url=url, feed=feed, error=str(exc), retryable=exc.retryable)
    fmt = guess_format(result.url, result.content_type, result.content[:1024])
    # The URL as asked for, not where redirects ended: that is what feeds list and dedup on.
    received = article_receive(
        raw=result.content,
        fmt=fmt,
        source=Article.Source.FEED if feed else Article.Source.URL,
        url=url,
        feed=feed,
        charset=result.charset,
    )
    # The URL may be known from an earlier failed fetch: that record is now resolved.
    Article.objects.filter(raw_hash=_failed_fetch_key(url), status=Article.Status.FAILED).update(
        status=Article.Status.DUPLICATE,
        error=f"fetched later as article {received.article.pk}",
        duplicate_of=received.article,
    )
    return received


def _failed_fetch_key(url: str) -> str:
    # A failed fetch has no content; it is keyed by its URL so retries update one row.
    return hashlib.sha256(f"fetch-failed:{canonicalize_url(url)}".encode()).hexdigest()


def article_fetch_failed(*, url: str, feed_id: int | None, error: str) -> Received:
    """Record a fetch that crashed (time limit, bug) as a failed, retryable article."""
    feed = Feed.objects.filter(pk=feed_id).first() if feed_id else None
    return _fetch_failed(url=url, feed=feed, error=error, retryable=True)


def _fetch_failed(*, url: str, feed: Feed | None, error: str, retryable: bool) -> Received:
    logger.warning("fetch failed: %s", error)
    key = _failed_fetch_key(url)
    article, created = Article.objects.update_or_create(
        raw_hash=key,
        defaults={"error": error, "status": Article.Status.FAILED},
        create_defaults={
            "url": url,
            "feed": feed,
            "source": Article.Source.FEED if feed else Article.Source.URL,
            "raw": b"",
            "raw_format": Article.Format.HTML,
            "raw_hash": key,
            "status": Article.Status.FAILED,
            "error": error,
            "publisher": publisher_for_url(url),
        },
    )
    metrics.ARTICLES_FAILED.labels(source=article.source, stage="fetch").inc()
    return Received(article, created=created, retryable=retryable)


def article_retry(*, article_id: int) -> Article:
    """Put a failed article back through fetching or extraction."""
    with transaction.atomic():
        article = Article.objects.select_for_update().get(pk=article_id)
        if article.status != Article.Status.FAILED:
            return article
        if not article.raw and article.url:
            url, feed_id = article.url, article.feed_id
            transaction.on_commit(lambda: tasks.article_fetch.delay(url, feed_id))
            return article
        article.status = Article.Status.RECEIVED
        article.error = ""
        article.attempts = 0
        article.save(update_fields=["status", "error", "attempts"])
        _enqueue_extraction(article.pk)
    return article
