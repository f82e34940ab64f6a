"""Bad input becomes a clear, retryable error on a record: never a crash, never a loss."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import override_settings

from claims import services
from claims.models import Article, Feed
from tests.conftest import CeleryWorker, LocalWebServer, Route, wait_until

GOOD_TEXT = (
    "Harbour fees to double\n\n"
    "The port authority said on Friday that docking fees will double from 400 to 800 dollars "
    "a day in March. \u201cThe increase pays for dredging the channel,\u201d port director "
    "Ana Silva told reporters."
).encode()


def _receive(raw: bytes, fmt: str = "text") -> Article:
    received = services.article_receive(raw=raw, fmt=fmt, source=Article.Source.PUSH)
    return services.article_extract(article_id=received.article.pk)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("raw", "fmt", "message"),
    [
        (b"", "text", "empty"),
        (b"   \n\t  ", "text", "empty"),
        (bytes(range(256)) * 40, "text", "binary"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 500, "html", "binary"),
    ],
)
def test_unusable_input_is_kept_as_a_failed_article_with_the_reason(
    raw: bytes, fmt: str, message: str
) -> None:
    article = _receive(raw, fmt)

    assert article.status == Article.Status.FAILED
    assert message in article.error
    assert bytes(Article.objects.get(pk=article.pk).raw) == raw


@pytest.mark.django_db
def test_a_page_without_body_text_is_recognised_as_not_an_article() -> None:
    article = _receive(b"<html><head><title>Nothing</title></head><body></body></html>", "html")

    assert article.status == Article.Status.EXTRACTED
    assert article.skip_reason.startswith("not an article")
    assert not article.claims.exists()


@pytest.mark.django_db
def test_text_in_a_legacy_encoding_is_decoded_not_mangled() -> None:
    raw = (
        "Caf\u00e9 prices rise\n\nThe price of a caf\u00e9 cr\u00e8me in M\u00fcnster rose by "
        "12 percent to 3.40 euros last year, the city\u2019s statistics office said."
    ).encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")

    article = _receive(raw)

    assert article.status == Article.Status.EXTRACTED
    assert "caf\u00e9 cr\u00e8me in M\u00fcnster" in article.clean_text


@pytest.mark.django_db
def test_a_twenty_megabyte_input_is_refused_but_kept_for_a_retry() -> None:
    raw = GOOD_TEXT + b" filler" * (20 * 1024 * 1024 // 7)

    article = _receive(raw)

    assert article.status == Article.Status.FAILED
    assert "FACTCHECK_MAX_INPUT_BYTES" in article.error
    assert Article.objects.get(pk=article.pk).raw_size == len(raw)
    with override_settings(FACTCHECK_MAX_INPUT_BYTES=32 * 1024 * 1024):
        services.article_retry(article_id=article.pk)
        article = services.article_extract(article_id=article.pk)
    assert article.status == Article.Status.EXTRACTED


@pytest.mark.django_db
def test_truncated_html_is_extracted_as_far_as_it_goes() -> None:
    html = (
        b"<html lang='en'><head><title>Harbour fees to double</title></head><body><article>"
        b"<h1>Harbour fees to double</h1><p>The port authority said on Friday that docking fees "
        b"will double from 400 to 800 dollars a day in March, the first rise since 2011.</p>"
        b"<p>Port director Ana Silva said the increase pays for dredging the chan"
    )

    article = _receive(html, "html")

    assert article.status == Article.Status.EXTRACTED
    assert "docking fees will double" in article.clean_text


@pytest.mark.django_db
def test_a_feed_that_is_not_xml_records_an_error(web: LocalWebServer) -> None:
    web.routes["/feed"] = Route(b"this is not a feed {", content_type="text/plain")
    feed = services.feed_save(feed=Feed(url=web.url("/feed")))

    result = services.feed_poll(feed_id=feed.pk)

    feed.refresh_from_db()
    assert result.result == feed.last_result == Feed.Result.ERROR
    assert "not a valid RSS or Atom feed" in feed.last_error


@pytest.mark.django_db
@pytest.mark.parametrize(
    "title",
    [
        b"Daily&#0; news",
        b"Daily\x00 news",
        # Character references feedparser cannot decode: a surrogate, past U+10FFFF.
        b"Daily&#xD800; news",
        b"Daily&#57343; news",
        b"Daily&#x110000; news",
        b"Daily&#" + b"9" * 5000 + b"; news",
    ],
)
def test_a_feed_titled_with_characters_postgresql_or_feedparser_refuses_is_polled(
    web: LocalWebServer, title: bytes
) -> None:
    web.routes["/feed"] = Route(
        b"<?xml version='1.0'?><rss version='2.0'><channel><title>" + title + b"</title>"
        b"<item><title>One</title><link>/news/one</link></item></channel></rss>",
        content_type="application/rss+xml",
    )
    feed = services.feed_save(feed=Feed(url=web.url("/feed")))

    result = services.feed_poll(feed_id=feed.pk)

    feed.refresh_from_db()
    assert result.result == feed.last_result == Feed.Result.OK, feed.last_error
    assert feed.title in ("Daily news", "Daily\ufffd news")
    assert result.new_urls == (web.url("/news/one"),)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("route", "message", "retryable"),
    [
        (Route(b"gone", status=404), "HTTP 404", False),
        (Route(b"oops", status=500), "HTTP 500", True),
        (Route(b"<p>slow</p>", delay=2.0), "timed out", True),
    ],
)
@override_settings(FACTCHECK_FETCH_TIMEOUT=0.5)
def test_a_url_that_fails_is_kept_as_a_failed_article(
    web: LocalWebServer, route: Route, message: str, retryable: bool
) -> None:
    web.routes["/page"] = route

    received = services.article_fetch(url=web.url("/page"))
    again = services.article_fetch(url=web.url("/page"))

    assert received.article.status == Article.Status.FAILED
    assert message in received.article.error
    assert received.retryable is retryable
    assert again.article.pk == received.article.pk, "a retried fetch updates the same record"


@pytest.mark.django_db
@override_settings(FACTCHECK_FETCH_MAX_BYTES=1024)
def test_a_page_over_the_size_cap_is_not_downloaded_whole(web: LocalWebServer) -> None:
    web.routes["/big"] = Route(b"<p>" + b"x" * 10_000 + b"</p>")

    received = services.article_fetch(url=web.url("/big"))

    assert received.article.status == Article.Status.FAILED
    assert "FACTCHECK_FETCH_MAX_BYTES" in received.article.error


@pytest.mark.django_db
@override_settings(FACTCHECK_FETCH_MAX_REDIRECTS=2)
def test_redirect_loops_are_cut_short(web: LocalWebServer) -> None:
    web.routes["/loop"] = Route(b"", status=302, headers={"Location": "/loop"})

    received = services.article_fetch(url=web.url("/loop"))

    assert "more than 2 redirects" in received.article.error


@pytest.mark.celery_worker
def test_the_worker_survives_bad_input_and_goes_on_working(
    celery_worker: CeleryWorker, tmp_path: Path
) -> None:
    bad = [b"", bytes(range(256)) * 40, b"\x1f\x8b\x08\x00" + bytes(300)]
    for raw in bad:
        services.article_receive(raw=raw, fmt="html", source=Article.Source.PUSH)
    good = services.article_receive(raw=GOOD_TEXT, fmt="text", source=Article.Source.PUSH)

    wait_until(lambda: not Article.objects.filter(status=Article.Status.RECEIVED).exists())

    assert Article.objects.get(pk=good.article.pk).status == Article.Status.EXTRACTED
    assert Article.objects.filter(status=Article.Status.FAILED).count() == len(bad)
    assert celery_worker.process.poll() is None


@pytest.mark.django_db
@override_settings(FACTCHECK_FETCH_TIMEOUT=0.3, FACTCHECK_FETCH_DEADLINE=1.0)
def test_a_server_that_trickles_bytes_is_cut_off(web: LocalWebServer) -> None:
    web.routes["/slow"] = Route(b"<p>" + b"x" * 200 + b"</p>", trickle=0.05)

    received = services.article_fetch(url=web.url("/slow"))

    assert received.article.status == Article.Status.FAILED
    assert "too slow" in received.article.error and received.retryable


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "http://x:abc/",
        "ftp://example.org/a",
        "http:///x",
        "x" * 3000,
        "https://example.org/\x00",
        "https://exa\x00mple.org/",
        "https://example.org/\ud800",
        # Short enough, but not once canonical (its query percent-encoded again).
        "https://example.org/?q=" + "\u00e9" * 1000,
        "https://example.org/?" + "a&" * 900,
        "https://" + ".".join(["a" * 63] * 4) + "/",
    ],
)
def test_a_malformed_url_is_refused_with_a_clear_error(url: str) -> None:
    with pytest.raises(services.IngestError, match="not a usable http"):
        services.article_fetch(url=url)
    with pytest.raises(services.IngestError):
        services.article_receive(raw=GOOD_TEXT, fmt="text", source="push", url=url)
    assert not Article.objects.exists()


@pytest.mark.django_db
def test_a_redirect_to_a_malformed_url_is_kept_as_a_failed_article(web: LocalWebServer) -> None:
    web.routes["/moved"] = Route(b"", status=302, headers={"Location": "http://[::1/story"})

    received = services.article_fetch(url=web.url("/moved"))

    assert received.article.status == Article.Status.FAILED
    assert "redirects to a malformed URL" in received.article.error


@pytest.mark.django_db
def test_feed_entries_with_relative_missing_or_malformed_links(web: LocalWebServer) -> None:
    items = (
        "<item><title>Relative</title><link>/news/relative</link></item>"
        "<item><title>No link</title></item>"
        "<item><title>Bad port</title><link>http://example.org:abc/x</link></item>"
    )
    web.routes["/feed"] = Route(
        f"<?xml version='1.0'?><rss version='2.0'><channel><title>T</title>{items}"
        "</channel></rss>".encode(),
        content_type="application/rss+xml",
    )
    feed = services.feed_save(feed=Feed(url=web.url("/feed")))

    result = services.feed_poll(feed_id=feed.pk)

    assert result.result == Feed.Result.OK
    assert result.new_urls == (web.url("/news/relative"),)


@pytest.mark.django_db
def test_polling_a_deleted_feed_is_recorded_not_raised() -> None:
    from claims.tasks import feed_poll

    assert feed_poll.apply(args=[987654]).get() == Feed.Result.ERROR


@pytest.mark.django_db
def test_an_article_that_keeps_killing_its_worker_is_given_up() -> None:
    received = services.article_receive(raw=GOOD_TEXT, fmt="text", source="push")
    # Three deliveries that died before committing (SIGKILL, hard time limit).
    Article.objects.filter(pk=received.article.pk).update(attempts=3)

    article = services.article_extract(article_id=received.article.pk)

    assert article.status == Article.Status.FAILED and "gave up after 3" in article.error
    services.article_retry(article_id=article.pk)
    assert services.article_extract(article_id=article.pk).status == Article.Status.EXTRACTED


def test_text_in_cyrillic_and_utf16_is_decoded() -> None:
    from claims.pipeline.inputs import decode_input

    russian = "Правительство заявило во вторник, что цены на хлеб выросли на пять процентов."
    assert decode_input((russian * 3).encode("cp1251")) == russian * 3
    assert decode_input(("\ufeff" + russian).encode("utf-16-le")) == russian


def test_html_saved_under_a_txt_name_is_read_as_html() -> None:
    from claims.pipeline.inputs import guess_format

    assert guess_format("page.txt", head=b"<!DOCTYPE html><html><body>") == "html"
    assert guess_format("story.txt", head=b"Title\n\nBody text.") == "text"


@pytest.mark.celery_worker
def test_an_article_whose_task_was_lost_is_enqueued_again(celery_worker: CeleryWorker) -> None:
    import hashlib
    from datetime import timedelta

    from django.utils import timezone

    # Stored while the broker was down: the row exists, its task never reached a worker.
    article = Article.objects.create(
        raw=GOOD_TEXT,
        raw_format="text",
        raw_hash=hashlib.sha256(GOOD_TEXT).hexdigest(),
        source=Article.Source.PUSH,
    )
    Article.objects.filter(pk=article.pk).update(received_at=timezone.now() - timedelta(hours=1))

    assert services.articles_requeue_stale(older_than_seconds=600) == 1

    wait_until(lambda: Article.objects.get(pk=article.pk).status == Article.Status.EXTRACTED)
    assert services.articles_requeue_stale(older_than_seconds=600) == 0


@pytest.mark.django_db
def test_an_article_from_a_host_longer_than_a_publisher_name_is_stored() -> None:
    host = ".".join(["a" * 63] * 3 + ["b" * 40]) + ".org"
    received = services.article_receive(
        raw=GOOD_TEXT, fmt="text", source="push", url=f"https://{host}/story"
    )

    assert received.article.publisher.domain == host
    assert host.startswith(received.article.publisher.name)


@pytest.mark.django_db
def test_a_title_postgresql_cannot_store_loses_its_bad_characters_not_the_article() -> None:
    received = services.article_receive(
        raw=GOOD_TEXT, fmt="text", source=Article.Source.PUSH, title="Budget\x00 vote \ud800 today"
    )

    stored = Article.objects.get(pk=received.article.pk)
    assert stored.given_title == "Budget vote ? today"
