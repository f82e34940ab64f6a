"""Evidence archiving: each cited page's text is kept as it read, once, whatever goes wrong."""

from __future__ import annotations

import hashlib

import pytest

from reviews import tasks
from reviews.models import EvidenceSource, Verdict
from reviews.services import evidence, publishing
from reviews.services import queue as services
from tests.conftest import CeleryWorker, LocalWebServer, Route, wait_until
from tests.factories import ReviewItemFactory, UserFactory

PAGE = b"""<!doctype html><html><head><title>Labour market, March | Statistics Office</title></head>
<body><nav><a href="/">Home</a> <a href="/about">About</a></nav>
<article><h1>Labour market, March</h1>
<p>Unemployment rose by 0.2 points to 5.9 percent in March, the third rise in a row.</p>
<p>The number of people in work fell by 40,000 over the quarter, mostly in manufacturing.</p>
</article><footer>Copyright Statistics Office</footer></body></html>"""


def _source(url: str) -> EvidenceSource:
    verdict = Verdict.objects.create(
        review_item=ReviewItemFactory(), version=1, author=UserFactory()
    )
    return EvidenceSource.objects.create(verdict=verdict, url=url, stance="refutes")


@pytest.mark.django_db
def test_an_html_source_is_archived_as_its_readable_text_with_its_hash(web: LocalWebServer) -> None:
    web.routes["/march"] = Route(PAGE)
    source = _source(web.url("/march"))

    result = evidence.evidence_archive(source_id=source.pk)

    source.refresh_from_db()
    assert result.status == evidence.ARCHIVED
    assert "Unemployment rose by 0.2 points" in source.archived_text
    assert "Copyright" not in source.archived_text and "<p>" not in source.archived_text
    assert source.archived_hash == hashlib.sha256(source.archived_text.encode()).hexdigest()
    assert source.archived_at is not None and source.fetch_error == ""


@pytest.mark.django_db
def test_a_plain_text_source_is_archived_as_decoded_text(web: LocalWebServer) -> None:
    web.routes["/note.txt"] = Route(
        "Die Arbeitslosenquote stieg im März auf 5,9 Prozent.".encode("cp1252"),
        content_type="text/plain; charset=windows-1252",
    )
    source = _source(web.url("/note.txt"))

    evidence.evidence_archive(source_id=source.pk)

    source.refresh_from_db()
    assert source.fetch_error == ""
    assert source.archived_text == "Die Arbeitslosenquote stieg im März auf 5,9 Prozent."


@pytest.mark.django_db
def test_a_plain_text_source_with_a_nul_past_its_first_kilobytes_is_archived(
    web: LocalWebServer,
) -> None:
    text = "Unemployment rose by 0.2 points to 5.9 percent in March. " * 200
    web.routes["/report.txt"] = Route(
        text.encode() + b"\x00\x00 end of report", content_type="text/plain"
    )
    source = _source(web.url("/report.txt"))

    result = evidence.evidence_archive(source_id=source.pk)

    source.refresh_from_db()
    assert result.status == evidence.ARCHIVED, source.fetch_error
    assert source.archived_text.endswith(" end of report")


@pytest.mark.django_db
def test_a_missing_page_is_recorded_as_a_fetch_error_not_raised(web: LocalWebServer) -> None:
    source = _source(web.url("/gone"))

    result = evidence.evidence_archive(source_id=source.pk)

    source.refresh_from_db()
    assert result == evidence.ArchiveResult(evidence.FAILED, retryable=False)
    assert "HTTP 404" in source.fetch_error
    assert source.archived_text == "" and source.archived_hash == "" and source.archived_at is None


@pytest.mark.django_db
def test_a_binary_page_is_recorded_as_an_extraction_error(web: LocalWebServer) -> None:
    web.routes["/chart.png"] = Route(
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", content_type="image/png"
    )
    source = _source(web.url("/chart.png"))

    evidence.evidence_archive(source_id=source.pk)

    source.refresh_from_db()
    assert "binary" in source.fetch_error and source.archived_hash == ""


@pytest.mark.django_db
def test_archiving_twice_fetches_once_and_changes_nothing(web: LocalWebServer) -> None:
    web.routes["/march"] = Route(PAGE)
    source = _source(web.url("/march"))
    evidence.evidence_archive(source_id=source.pk)
    first = EvidenceSource.objects.values().get(pk=source.pk)
    web.routes["/march"] = Route(PAGE.replace(b"0.2 points", b"0.3 points"))

    result = evidence.evidence_archive(source_id=source.pk)

    assert result.status == evidence.ALREADY_ARCHIVED
    assert EvidenceSource.objects.values().get(pk=source.pk) == first
    assert web.hits("/march") == 1


@pytest.mark.django_db
def test_the_task_retries_a_transient_failure_then_keeps_the_error(web: LocalWebServer) -> None:
    web.routes["/busy"] = Route(b"try later", status=503)
    source = _source(web.url("/busy"))

    # Eager execution runs each retry at once instead of after its backoff.
    outcome = tasks.evidence_archive.apply(args=[source.pk]).get()

    source.refresh_from_db()
    assert outcome == evidence.FAILED
    assert web.hits("/busy") == tasks.ARCHIVE_MAX_RETRIES + 1
    assert "HTTP 503" in source.fetch_error


@pytest.mark.django_db
def test_the_task_does_not_retry_a_permanent_failure(web: LocalWebServer) -> None:
    source = _source(web.url("/gone"))

    assert tasks.evidence_archive.apply(args=[source.pk]).get() == evidence.FAILED
    assert web.hits("/gone") == 1


@pytest.mark.django_db
def test_citing_a_source_enqueues_its_archiving_unless_told_not_to(
    django_capture_on_commit_callbacks: object,
) -> None:
    reviewer = UserFactory()
    item = ReviewItemFactory()
    services.review_take(item_id=item.pk, user=reviewer)
    verdict = publishing.verdict_save(
        item_id=item.pk, user=reviewer, rating="false", explanation="x", summary=""
    )
    counts = []
    for archive in (True, False):
        with django_capture_on_commit_callbacks() as callbacks:  # type: ignore[operator]
            publishing.source_add(
                verdict_id=verdict.pk,
                user=reviewer,
                url="https://stats.example.org/a",
                title="",
                publisher="",
                stance="refutes",
                quote="",
                archive=archive,
            )
        counts.append(len(callbacks))

    assert counts == [1, 0]


@pytest.mark.celery_worker
def test_a_cited_source_is_archived_by_the_worker(
    celery_worker: CeleryWorker, web: LocalWebServer
) -> None:
    web.routes["/march"] = Route(PAGE)
    reviewer = UserFactory()
    item = ReviewItemFactory()
    services.review_take(item_id=item.pk, user=reviewer)
    verdict = publishing.verdict_save(
        item_id=item.pk, user=reviewer, rating="false", explanation="It rose.", summary=""
    )

    source = publishing.source_add(
        verdict_id=verdict.pk,
        user=reviewer,
        url=web.url("/march"),
        title="Labour market, March",
        publisher="Statistics Office",
        stance="refutes",
        quote="Unemployment rose by 0.2 points",
    )

    wait_until(
        lambda: EvidenceSource.objects.filter(pk=source.pk).exclude(archived_hash="").exists(),
        timeout=30,
    )
    source.refresh_from_db()
    assert "Unemployment rose by 0.2 points" in source.archived_text
    assert web.hits("/march") == 1
