"""Feeds: their beat schedules and conditional polling."""

from __future__ import annotations

import functools
import json
import logging
import re
from dataclasses import dataclass

import feedparser
from django.db import transaction
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from claims import tasks
from claims.models import Article, Feed
from claims.outbound import OutboundError, http_fetch
from claims.pipeline.urls import canonicalize_url, usable_url

logger = logging.getLogger(__name__)

FEED_POLL_TASK = "claims.tasks.feed_poll"
FEED_ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.8"


@dataclass(frozen=True)
class PollResult:
    feed_id: int
    result: str
    new_urls: tuple[str, ...] = ()
    error: str = ""


def _schedule_name(feed: Feed) -> str:
    return f"poll feed {feed.pk}"


def feed_save(*, feed: Feed) -> Feed:
    """Save a feed and keep its Celery beat schedule (editable in admin) in step with it."""
    with transaction.atomic():
        feed.full_clean()
        feed.save()
        schedule, _ = IntervalSchedule.objects.get_or_create(
            every=feed.interval_seconds, period=IntervalSchedule.SECONDS
        )
        PeriodicTask.objects.update_or_create(
            name=_schedule_name(feed),
            defaults={
                "task": FEED_POLL_TASK,
                "interval": schedule,
                "args": json.dumps([feed.pk]),
                "enabled": feed.enabled,
                "description": f"Poll {feed.url}",
            },
        )
    return feed


def feed_delete(*, feed: Feed) -> None:
    with transaction.atomic():
        PeriodicTask.objects.filter(name=_schedule_name(feed)).delete()
        feed.delete()


def feed_poll(*, feed_id: int) -> PollResult:
    """Fetch a feed with a conditional GET and enqueue a fetch for every new entry."""
    feed = Feed.objects.get(pk=feed_id)
    headers = {"Accept": FEED_ACCEPT}
    if feed.etag:
        headers["If-None-Match"] = feed.etag
    if feed.last_modified:
        headers["If-Modified-Since"] = feed.last_modified
    feed.last_polled_at = timezone.now()
    # Recorded before the request: a poll cut short still shows when it was tried.
    Feed.objects.filter(pk=feed.pk).update(last_polled_at=feed.last_polled_at)
    try:
        response = http_fetch(feed.url, headers=headers)
    except OutboundError as exc:
        return _poll_failed(feed, str(exc))
    if response.status == 304:
        feed.last_result = Feed.Result.NOT_MODIFIED
        feed.last_error = ""
        feed.save(update_fields=["last_polled_at", "last_result", "last_error"])
        return PollResult(feed.pk, feed.last_result)
    # The feed's own address resolves relative entry links.
    parsed = feedparser.parse(
        _CHARREF.sub(_charref_valid, response.content),
        response_headers={"content-location": response.url},
    )
    if parsed.bozo and not parsed.entries:
        reason = getattr(parsed, "bozo_exception", "") or "no entries"
        return _poll_failed(feed, f"not a valid RSS or Atom feed: {reason}")
    links = [entry.get("link", "") for entry in parsed.entries]
    usable = [link for link in links if usable_url(link)]
    if len(usable) < len(links):
        logger.info("feed %s: %d entries without a usable link", feed.pk, len(links) - len(usable))
    new_urls = _unseen(usable)
    with transaction.atomic():
        feed.etag = response.headers.get("ETag", "")[:500]
        feed.last_modified = response.headers.get("Last-Modified", "")[:100]
        feed.last_result = Feed.Result.OK
        feed.last_error = ""
        feed.last_entry_count = len(parsed.entries)
        if not feed.title:
            # A NUL in it ("&#0;") would fail every poll in PostgreSQL, for a label.
            feed.title = parsed.feed.get("title", "").replace("\x00", "")[:300]
        # Only what polling owns: an admin may have edited the feed meanwhile.
        feed.save(
            update_fields=[
                "etag",
                "last_modified",
                "last_result",
                "last_error",
                "last_entry_count",
                "title",
                "last_polled_at",
            ]
        )
        _enqueue_fetches(new_urls, feed.pk)
    return PollResult(feed.pk, feed.last_result, tuple(new_urls))


# feedparser decodes numeric character references with chr() and encodes them to UTF-8: one
# for a surrogate or past U+10FFFF raised out of it, failing every poll of the feed.
_CHARREF = re.compile(rb"&#(?:[xX]([0-9a-fA-F]+)|([0-9]+));")


def _charref_valid(match: re.Match[bytes]) -> bytes:
    digits = match[1] or match[2]
    too_long = len(digits.lstrip(b"0")) > 8  # and int() refuses thousands of digits
    value = 0 if too_long else int(digits, 16 if match[1] else 10)
    if too_long or value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
        return b"&#xFFFD;"
    return match[0]


def _unseen(urls: list[str]) -> list[str]:
    canonical = {canonicalize_url(url): url for url in urls}
    known = set(
        Article.objects.filter(canonical_url__in=list(canonical)).values_list(
            "canonical_url", flat=True
        )
    )
    return [url for key, url in canonical.items() if key not in known]


def _enqueue_fetches(urls: list[str], feed_id: int) -> None:
    for url in urls:
        transaction.on_commit(functools.partial(tasks.article_fetch.delay, url, feed_id))


def feed_poll_failed(*, feed_id: int, error: str) -> PollResult:
    """Record a poll that crashed; the feed shows the error until the next good poll."""
    feed = Feed.objects.filter(pk=feed_id).first()
    if feed is None:
        return PollResult(feed_id, Feed.Result.ERROR, error="the feed no longer exists")
    feed.last_polled_at = timezone.now()
    return _poll_failed(feed, f"internal error while polling: {error}")


def _poll_failed(feed: Feed, error: str) -> PollResult:
    logger.warning("feed %s failed: %s", feed.pk, error)
    feed.last_result = Feed.Result.ERROR
    feed.last_error = error
    feed.save(update_fields=["last_polled_at", "last_result", "last_error"])
    return PollResult(feed.pk, feed.last_result, error=error)
