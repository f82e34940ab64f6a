"""End to end on PostgreSQL, Redis and a real Celery worker process."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from claims import services
from claims.models import Article, Claim, Feed
from claims.tasks import article_fetch, feed_poll
from reviews.models import Cluster, ClusterMember, ReviewItem
from tests.conftest import LocalWebServer, Route, wait_until
from tests.paths import SAMPLE_ARTICLES

pytestmark = pytest.mark.celery_worker


def _settled() -> bool:
    return not Article.objects.filter(status=Article.Status.RECEIVED).exists()


def test_ingesting_the_samples_fills_the_queue_and_a_second_time_adds_nothing(
    celery_worker: object,
) -> None:
    call_command("ingest", str(SAMPLE_ARTICLES), "--no-progress")
    wait_until(lambda: Article.objects.count() == 5 and _settled())

    assert set(Article.objects.values_list("status", flat=True)) == {Article.Status.EXTRACTED}
    # Matching may still join repeated claims: one queue entry per cluster once it is done.
    # The first matching task in each worker process loads the embedding model (tens of s).
    wait_until(
        lambda: not ClusterMember.objects.filter(matched_at__isnull=True).exists(), timeout=180
    )
    queued = ReviewItem.objects.filter(status=ReviewItem.Status.PENDING).count()
    assert queued >= 15
    assert queued == Cluster.objects.count()
    assert Claim.objects.exclude(speaker="").count() >= 5

    call_command("ingest", str(SAMPLE_ARTICLES), "--no-progress")
    wait_until(_settled)
    assert Article.objects.count() == 5
    assert ReviewItem.objects.count() == queued


def _page(title: str, paragraphs: list[str]) -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!DOCTYPE html><html lang='en'><head><title>{title}</title></head>"
        f"<body><article><h1>{title}</h1>{body}</article></body></html>"
    ).encode()


STORY = [
    "The regional transport authority said on Monday that bus ridership rose by 18 percent "
    "last year, the largest increase since 1994.",
    "\u201cWe carried 41 million passengers, more than ever before,\u201d authority chair "
    "Janet Morris told reporters.",
    "Critics said the figures included free trips during a two-month fare holiday.",
    "According to the drivers\u2019 union, 120 routes still run less often than in 2019.",
]


def test_a_feed_is_polled_and_its_new_articles_ingested_once(
    celery_worker: object, web: LocalWebServer
) -> None:
    web.routes["/one"] = Route(_page("Bus ridership at record high", STORY))
    web.routes["/two"] = Route(_page("Union disputes ridership figures", STORY[2:] + STORY[:2]))
    items = "".join(
        f"<item><title>{n}</title><link>{web.url(p)}</link></item>"
        for n, p in [("One", "/one"), ("Two", "/two")]
    )
    web.routes["/feed.xml"] = Route(
        f"<?xml version='1.0'?><rss version='2.0'><channel><title>Local news</title>"
        f"{items}</channel></rss>".encode(),
        content_type="application/rss+xml",
        etag='"v1"',
    )
    feed = services.feed_save(feed=Feed(url=web.url("/feed.xml"), interval_seconds=300))
    schedule = PeriodicTask.objects.get(task="claims.tasks.feed_poll")
    assert schedule.interval.every == 300 and schedule.args == f"[{feed.pk}]"

    feed_poll.delay(feed.pk)
    wait_until(lambda: Article.objects.filter(status=Article.Status.EXTRACTED).count() == 2)
    feed.refresh_from_db()
    assert feed.last_result == Feed.Result.OK and feed.etag == '"v1"'
    assert Claim.objects.filter(article__feed=feed).exists()

    feed_poll.delay(feed.pk)
    wait_until(lambda: web.hits("/feed.xml") == 2)
    wait_until(lambda: Feed.objects.get(pk=feed.pk).last_result == Feed.Result.NOT_MODIFIED)
    assert web.requests[-1][1].get("If-None-Match") == '"v1"'
    assert web.hits("/one") == 1 and web.hits("/two") == 1
    assert Article.objects.count() == 2


def test_a_changed_article_at_the_same_url_becomes_a_new_version(
    celery_worker: object, web: LocalWebServer
) -> None:
    web.routes["/story?utm_source=feed"] = Route(_page("Ridership report", STORY))
    article_fetch.delay(web.url("/story?utm_source=feed"))
    wait_until(lambda: Article.objects.filter(status=Article.Status.EXTRACTED).count() == 1)

    corrected = [STORY[0].replace("18 percent", "16 percent"), *STORY[1:]]
    web.routes["/story"] = Route(_page("Ridership report", corrected))
    article_fetch.delay(web.url("/story"))
    wait_until(lambda: Article.objects.filter(status=Article.Status.EXTRACTED).count() == 2)

    first, second = Article.objects.order_by("version")
    assert first.canonical_url == second.canonical_url
    assert (first.version, second.version) == (1, 2)
    assert second.previous_version == first
    assert "16 percent" in second.clean_text and "18 percent" in first.clean_text

    # Fetching the unchanged page again stores nothing new.
    again = article_fetch.apply(args=[web.url("/story")]).get()
    assert again == second.pk
    assert Article.objects.count() == 2


def test_celery_beat_polls_a_feed_when_its_schedule_is_due(
    celery_beat: object, web: LocalWebServer
) -> None:
    web.routes["/story"] = Route(_page("Bus ridership at record high", STORY))
    web.routes["/feed.atom"] = Route(
        (
            "<?xml version='1.0' encoding='utf-8'?><feed xmlns='http://www.w3.org/2005/Atom'>"
            "<title>Atom news</title><id>urn:test</id><updated>2026-01-01T00:00:00Z</updated>"
            f"<entry><title>Story</title><id>urn:story</id><link href='{web.url('/story')}'/>"
            "<updated>2026-01-01T00:00:00Z</updated></entry></feed>"
        ).encode(),
        content_type="application/atom+xml",
    )
    feed = services.feed_save(feed=Feed(url=web.url("/feed.atom"), interval_seconds=3600))
    # An overdue schedule, as after an outage: beat must run it on its first tick.
    PeriodicTask.objects.filter(task="claims.tasks.feed_poll").update(
        last_run_at=timezone.now() - timedelta(hours=2)
    )

    wait_until(lambda: Article.objects.filter(status=Article.Status.EXTRACTED).exists(), 90)

    feed.refresh_from_db()
    assert feed.last_result == Feed.Result.OK and feed.title == "Atom news"
    assert Article.objects.get().feed == feed
