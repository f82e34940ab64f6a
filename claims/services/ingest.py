"""Every way an article comes in ends in `article_receive`, which dedups and enqueues."""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from claims import tasks
from claims.models import ApiToken, Article, Feed, FetchAttempt, Publisher
from claims.outbound import COULD_NOT_FETCH, OutboundError, http_fetch
from claims.pipeline.inputs import guess_format
from claims.pipeline.urls import canonicalize_url, url_domain, usable_url
from factcheck import metrics

logger = logging.getLogger(__name__)

# Fetches of one URL started within the window (the first and the task's retries); a later
# one is refused, even if the earlier ones never finished (their worker was killed).
FETCH_MAX_ATTEMPTS = 5
FETCH_ATTEMPT_WINDOW = timedelta(hours=1)
# A given publication date may be this far ahead (a date without a time, read where the day
# begins earlier); beyond it, it is a mistake.
PUBLISHED_AHEAD = timedelta(days=1)


class IngestError(ValueError):
    """Input refused before anything is stored (a malformed URL); the message says why, and
    `field` which input it is about when that is not the address."""

    def __init__(self, message: str, *, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def published_date_parse(value: str) -> datetime:
    """A publication date a sender gives: "2026-11-24" (the day's start in the desk's time
    zone, so every page shows that day) or an ISO 8601 time (without an offset, the desk's)."""
    try:
        moment = parse_datetime(value.strip())
        day = parse_date(value.strip()) if moment is None else None
    except ValueError as exc:  # looks like a date but is none: 2026-02-30
        raise IngestError(f"not a date: {value[:40]!r} ({exc})") from exc
    if moment is None:
        if day is None:
            raise IngestError(f"not a date: {value[:40]!r}; give 2026-11-24 or an ISO 8601 time")
        moment = datetime(day.year, day.month, day.day)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


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
    token: ApiToken | None = None,
    published_at: datetime | None = None,
) -> Received:
    """Store an incoming article once and enqueue its extraction after commit.

    The same bytes are stored once; new bytes at a known URL become its next version. The
    API `token` that pushed it is recorded: it may read the article's status.
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
        _submitted(existing, token)
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
                    published_at=published_at,
                )
                _enqueue_extraction(article.pk)
                _submitted(article, token)
                transaction.on_commit(metrics.ARTICLES_RECEIVED.labels(source=source).inc)
                return Received(article, created=True)
        except IntegrityError:
            # Another request stored the same input, or the same URL's next version, first.
            existing = Article.objects.filter(raw_hash=raw_hash).first()
            if existing is not None:
                _submitted(existing, token)
                return Received(existing, created=False)
    raise RuntimeError(f"could not store a new version of {canonical} after 3 attempts")


def _submitted(article: Article, token: ApiToken | None) -> None:
    if token is not None:
        article.submitted_by.add(token)


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
    published_at: datetime | None,
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
        given_published_at=published_at,
        version=previous.version + 1 if previous else 1,
        previous_version=previous,
    )
    article.save()
    return article


def article_fetch(
    *,
    url: str,
    feed_id: int | None = None,
    deadline: float | None = None,
    token: ApiToken | None = None,
) -> Received:
    """Fetch a URL and receive it; a failed fetch is kept as a failed article to retry.

    `deadline`: wall-clock seconds for the fetch (default FACTCHECK_FETCH_DEADLINE).
    """
    if not usable_url(url):
        raise IngestError(f"not a usable http(s) URL: {url[:200]!r}")
    feed = Feed.objects.filter(pk=feed_id).first() if feed_id else None
    attempts = _fetch_attempt_start(url)
    if attempts > FETCH_MAX_ATTEMPTS:
        error = (
            f"gave up fetching {url}: {attempts - 1} attempts within "
            f"{FETCH_ATTEMPT_WINDOW} did not succeed (or never finished)"
        )
        return _fetch_failed(url=url, feed=feed, error=error, retryable=False, token=token)
    try:
        result = http_fetch(url, deadline=deadline)
    except OutboundError as exc:
        return _fetch_failed(
            url=url,
            feed=feed,
            error=str(exc),
            retryable=exc.retryable and attempts < FETCH_MAX_ATTEMPTS,
            client_error=exc.public,
            token=token,
        )
    FetchAttempt.objects.filter(url_key=_url_key(url)).delete()
    fmt = guess_format(result.url, result.content_type, result.content[:1024])
    # The URL as asked for, not where redirects ended: that is what feeds list and dedup on.
    received = article_receive(
        raw=result.content,
        fmt=fmt,
        source=Article.Source.FEED if feed else Article.Source.URL,
        url=url,
        feed=feed,
        charset=result.charset,
        token=token,
    )
    # The URL may be known from an earlier failed fetch: that record is now resolved, and
    # whoever pushed it may read the article it became.
    failed = Article.objects.filter(raw_hash=_failed_fetch_key(url), status=Article.Status.FAILED)
    received.article.submitted_by.add(
        *ApiToken.objects.filter(submitted_articles__in=failed).distinct()
    )
    failed.update(
        status=Article.Status.DUPLICATE,
        error=f"fetched later as article {received.article.pk}",
        duplicate_of=received.article,
    )
    return received


def _url_key(url: str) -> str:
    return hashlib.sha256(canonicalize_url(url).encode()).hexdigest()


def _fetch_attempt_start(url: str) -> int:
    """Count a fetch of `url` (committed before the request is sent); the count in the window."""
    key, now = _url_key(url), timezone.now()
    for _try in range(2):
        try:
            with transaction.atomic():
                attempt, _ = FetchAttempt.objects.select_for_update().get_or_create(
                    url_key=key, defaults={"url": url[:2000], "last_started_at": now}
                )
                if attempt.last_started_at < now - FETCH_ATTEMPT_WINDOW:
                    attempt.attempts = 0
                attempt.attempts += 1
                attempt.last_started_at = now
                attempt.save(update_fields=["attempts", "last_started_at"])
                return attempt.attempts
        except IntegrityError:
            continue  # another fetch of the same URL created the row first: lock that one
    raise RuntimeError(f"could not count a fetch of {url}")


def _failed_fetch_key(url: str) -> str:
    # A failed fetch has no content; it is keyed by its URL so retries update one row.
    return hashlib.sha256(f"fetch-failed:{canonicalize_url(url)}".encode()).hexdigest()


def article_fetch_failed(*, url: str, feed_id: int | None, error: str) -> Received:
    """Record a fetch that crashed (time limit, bug) as a failed, retryable article."""
    feed = Feed.objects.filter(pk=feed_id).first() if feed_id else None
    return _fetch_failed(url=url, feed=feed, error=error, retryable=True)


def _fetch_failed(
    *,
    url: str,
    feed: Feed | None,
    error: str,
    retryable: bool,
    client_error: str = "",
    token: ApiToken | None = None,
) -> Received:
    if not client_error:
        reference = secrets.token_hex(5)
        error, client_error = (
            f"{error} (reference {reference})",
            f"{COULD_NOT_FETCH} (reference {reference})",
        )
    logger.warning("fetch failed: %s", error)
    key = _failed_fetch_key(url)
    article, created = Article.objects.update_or_create(
        raw_hash=key,
        defaults={"error": error, "client_error": client_error, "status": Article.Status.FAILED},
        create_defaults={
            "url": url,
            "feed": feed,
            "source": Article.Source.FEED if feed else Article.Source.URL,
            "raw": b"",
            "raw_format": Article.Format.HTML,
            "raw_hash": key,
            "status": Article.Status.FAILED,
            "error": error,
            "client_error": client_error,
            "publisher": publisher_for_url(url),
        },
    )
    _submitted(article, token)
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
            # Asked for by a person: the count of earlier attempts no longer holds it back.
            FetchAttempt.objects.filter(url_key=_url_key(url)).delete()
            transaction.on_commit(lambda: tasks.article_fetch.delay(url, feed_id))
            return article
        article.status = Article.Status.RECEIVED
        article.error = article.client_error = ""
        article.attempts = 0
        article.save(update_fields=["status", "error", "client_error", "attempts"])
        _enqueue_extraction(article.pk)
    return article


def article_submit(
    *,
    url: str = "",
    html: str = "",
    text: str = "",
    title: str = "",
    published_at: datetime | None = None,
    token: ApiToken | None = None,
    deadline: float | None = None,
) -> Received:
    """An article a newsroom system or the desk hands in: a URL to fetch, or its HTML, or its
    text with a title (the URL then says where it lives), with its publication date if the
    sender knows it (plain text carries none; without it the date is shown as unknown).

    A URL alone is fetched now, so the caller gets the article at once; a fetch that failed for
    a reason that may pass is kept as a failed article and tried again by the task shortly.
    """
    if html and text:
        raise IngestError("send the page's HTML or its text, not both")
    if text and not title.strip():
        raise IngestError("pasted text needs its title")
    if published_at is not None and not (html or text):
        raise IngestError(
            "a publication date goes with pasted text or HTML: a fetched page gives its own",
            field="published_at",
        )
    if published_at is not None and published_at > timezone.now() + PUBLISHED_AHEAD:
        raise IngestError("the publication date is in the future", field="published_at")
    if html or text:
        return article_receive(
            raw=(html or text).encode("utf-8"),
            fmt=Article.Format.HTML if html else Article.Format.TEXT,
            source=Article.Source.PUSH,
            url=url,
            title=title,
            token=token,
            published_at=published_at,
        )
    if not url:
        raise IngestError("give a URL, or paste the article's text with its title")
    received = article_fetch(url=url, deadline=deadline, token=token)
    if received.retryable:
        transaction.on_commit(
            lambda: tasks.article_fetch.apply_async((url,), countdown=30), robust=True
        )
    return received
