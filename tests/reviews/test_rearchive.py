"""The re-archive sweep: sources whose archiving failed or never ran are tried again, a while
later and a limited number of times."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from reviews import tasks
from reviews.models import EvidenceSource, Verdict
from reviews.services import evidence
from tests.conftest import CeleryWorker, LocalWebServer, Route, wait_until
from tests.factories import ReviewItemFactory, UserFactory

HOUR = timedelta(hours=1)


def _source(url: str = "https://stats.example.org/a", **fields: object) -> EvidenceSource:
    verdict = Verdict.objects.create(
        review_item=ReviewItemFactory(), version=1, author=UserFactory()
    )
    return EvidenceSource.objects.create(verdict=verdict, url=url, stance="refutes", **fields)


@pytest.mark.django_db
def test_every_archiving_attempt_is_counted(web: LocalWebServer) -> None:
    source = _source(web.url("/gone"))

    evidence.evidence_archive(source_id=source.pk)
    evidence.evidence_archive(source_id=source.pk)

    source.refresh_from_db()
    assert source.archive_attempts == 2 and source.archive_tried_at is not None


@pytest.mark.django_db
def test_the_sweep_picks_failed_and_never_tried_sources_once_they_are_old_enough(
    django_capture_on_commit_callbacks: object,
) -> None:
    now = timezone.now()
    failed_long_ago = _source(archive_attempts=2, archive_tried_at=now - 2 * HOUR, fetch_error="x")
    never_tried = _source(created_at=now - 2 * HOUR)
    failed_just_now = _source(archive_attempts=1, archive_tried_at=now, fetch_error="x")
    just_cited = _source()
    given_up = _source(archive_attempts=15, archive_tried_at=now - 2 * HOUR, fetch_error="x")
    archived = _source(archived_hash="f" * 64, archive_tried_at=now - 2 * HOUR)

    with django_capture_on_commit_callbacks() as callbacks:  # type: ignore[operator]
        due = evidence.evidence_sources_rearchive(retry_seconds=3600, max_attempts=15)

    assert sorted(due) == sorted([failed_long_ago.pk, never_tried.pk])
    assert len(callbacks) == 2
    # Stamped, so the next sweep does not enqueue them again while their tasks run.
    assert evidence.evidence_sources_rearchive(retry_seconds=3600, max_attempts=15) == []
    untouched = {failed_just_now.pk, just_cited.pk, given_up.pk, archived.pk}
    assert not set(due) & untouched


@pytest.mark.django_db
def test_the_sweep_reads_its_limits_from_settings(settings: object) -> None:
    old = timezone.now() - 2 * HOUR
    source = _source(archive_attempts=3, archive_tried_at=old, fetch_error="x")

    settings.FACTCHECK_ARCHIVE_MAX_ATTEMPTS = 3  # type: ignore[attr-defined]
    assert evidence.evidence_sources_rearchive() == []
    settings.FACTCHECK_ARCHIVE_MAX_ATTEMPTS = 4  # type: ignore[attr-defined]
    settings.FACTCHECK_ARCHIVE_RETRY_SECONDS = 3 * 3600  # type: ignore[attr-defined]
    assert evidence.evidence_sources_rearchive() == []
    settings.FACTCHECK_ARCHIVE_RETRY_SECONDS = 3600  # type: ignore[attr-defined]
    assert evidence.evidence_sources_rearchive() == [source.pk]


@pytest.mark.django_db
def test_a_transient_failure_is_not_retried_once_the_attempts_are_used_up(
    web: LocalWebServer, settings: object
) -> None:
    web.routes["/busy"] = Route(b"try later", status=503)
    settings.FACTCHECK_ARCHIVE_MAX_ATTEMPTS = 2  # type: ignore[attr-defined]
    source = _source(web.url("/busy"))

    tasks.evidence_archive.apply(args=[source.pk]).get()

    source.refresh_from_db()
    assert web.hits("/busy") == 2 and source.archive_attempts == 2


@pytest.mark.django_db
def test_the_sweep_runs_every_fifteen_minutes() -> None:
    task = PeriodicTask.objects.get(task="reviews.tasks.evidence_sources_rearchive")

    assert task.enabled
    assert (task.interval.every, task.interval.period) == (15, "minutes")


@pytest.mark.celery_worker
def test_a_source_cited_while_the_broker_was_down_is_archived_by_the_sweep(
    celery_worker: CeleryWorker, web: LocalWebServer
) -> None:
    web.routes["/march"] = Route(b"Unemployment rose by 0.2 points in March.", "text/plain")
    # No task was ever enqueued for it: as if the broker was down when it was cited.
    source = _source(web.url("/march"), created_at=timezone.now() - 2 * HOUR)

    assert tasks.evidence_sources_rearchive.apply().get() == 1

    wait_until(
        lambda: EvidenceSource.objects.filter(pk=source.pk).exclude(archived_hash="").exists(),
        timeout=30,
    )
    source.refresh_from_db()
    assert source.archived_text == "Unemployment rose by 0.2 points in March."
    assert source.archive_attempts == 1
