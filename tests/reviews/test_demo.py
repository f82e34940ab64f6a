"""`manage.py demo`: the demo articles through the real pipeline and desk, and a second run
that keeps what the first one made and printed."""

from __future__ import annotations

import json
import logging
import re
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from claims.models import Article, Claim
from reviews.management.commands.demo import DEMO_SITE
from reviews.models import ReviewItem, Verdict
from reviews.start import start_page

pytestmark = pytest.mark.django_db


def _demo(tmp_path: Path, *args: str) -> str:
    out = StringIO()
    credentials = str(tmp_path / "demo-credentials.json")
    call_command("demo", "--credentials", credentials, *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def _printed(output: str) -> tuple[str, str]:
    password = re.search(r"password: (\S+)", output)
    key = re.search(r"API token \(read, submit, search\): (\S+)", output)
    assert password and key, output
    return password.group(1), key.group(1)


def test_demo_loads_articles_into_the_queue_and_a_second_run_changes_nothing(
    tmp_path: Path,
) -> None:
    first = _demo(tmp_path, "--password", "pw-for-test")
    claims = Claim.objects.count()
    second = _demo(tmp_path, "--password", "pw-for-test")

    assert "password: pw-for-test" in first and "password: pw-for-test" in second
    assert Article.objects.filter(status=Article.Status.EXTRACTED).count() >= 4
    assert ReviewItem.objects.filter(status=ReviewItem.Status.PENDING).count() >= 8
    assert Claim.objects.count() == claims
    held = ReviewItem.objects.filter(status=ReviewItem.Status.IN_REVIEW)
    assert held.count() == 1 and held.get().assigned_to.username == "reviewer"
    # Published once, through the real desk; both runs report what exists.
    assert "2 demo fact-checks published" in first and "2 demo fact-checks published" in second
    published = Verdict.objects.filter(published_at__isnull=False)
    assert published.count() == 2
    for verdict in published:
        assert verdict.author.username == "reviewer" and verdict.approved_by.username == "editor"
        assert verdict.sources.count() >= 2 and verdict.rating and verdict.explanation
    for username in ("reviewer", "editor"):
        user = get_user_model().objects.get(username=username)
        assert user.is_staff and user.check_password("pw-for-test")


def test_a_second_run_prints_and_keeps_the_password_and_key_of_the_first(
    tmp_path: Path,
) -> None:
    password, key = _printed(_demo(tmp_path))
    hashes = dict(get_user_model().objects.values_list("username", "password"))

    assert _printed(_demo(tmp_path)) == (password, key)
    # The password hashes are untouched, so reviewers logged in stay logged in.
    assert dict(get_user_model().objects.values_list("username", "password")) == hashes
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/fact-checks/").status_code == 200


def test_a_key_that_no_longer_opens_the_api_is_replaced(tmp_path: Path) -> None:
    _, key = _printed(_demo(tmp_path))
    (tmp_path / "demo-credentials.json").write_text('{"key": "fc_forgotten"}')

    _, new_key = _printed(_demo(tmp_path))

    assert new_key != key
    old, new = APIClient(), APIClient()
    old.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    new.credentials(HTTP_AUTHORIZATION=f"Token {new_key}")
    assert old.get("/api/v1/fact-checks/").status_code == 401
    assert new.get("/api/v1/fact-checks/").status_code == 200


def test_every_demo_article_has_its_publication_date_and_the_fact_checks_show_it(
    tmp_path: Path,
) -> None:
    _demo(tmp_path)

    articles = Article.objects.filter(url__startswith=DEMO_SITE)
    assert articles.count() == 4
    assert all(article.published_at for article in articles)
    for verdict in Verdict.objects.filter(published_at__isnull=False):
        article = verdict.review_item.claim.article
        page = Client().get(f"/fact-checks/{verdict.review_item_id}/").content.decode()
        json_ld = json.loads(page.split('type="application/ld+json">', 1)[1].split("</script>")[0])
        shown = article.published_at.strftime("%Y-%m-%d")
        assert json_ld["itemReviewed"]["datePublished"].startswith(shown)
        assert json_ld["itemReviewed"]["firstAppearance"]["datePublished"].startswith(shown)
        assert f"({article.published_at:%-d %B %Y})" in page


def test_the_demo_fact_checks_waited_hours_in_the_queue_each_its_own(tmp_path: Path) -> None:
    _demo(tmp_path)

    waits = [
        verdict.published_at - verdict.review_item.created_at
        for verdict in Verdict.objects.filter(published_at__isnull=False)
    ]
    # Each article and its claims arrived when the demo says, before the fact-checks.
    for article in Article.objects.filter(url__startswith=DEMO_SITE):
        assert article.received_at < article.extracted_at < timezone.now() - timedelta(hours=3)
        for claim in article.claims.all():
            assert claim.created_at == article.received_at
    assert len(set(waits)) == 2 and all(
        timedelta(hours=1) < wait < timedelta(days=1) for wait in waits
    )
    median = start_page(user=get_user_model().objects.get(username="editor")).median_text
    assert re.fullmatch(r"\d h \d+ min", median), median


@pytest.mark.django_db(transaction=True)  # committed, so the tasks run as the demo's would
def test_the_demo_ends_with_where_to_go_and_how_to_log_in_without_task_or_email_noise(
    desk_roles: None,
    tmp_path: Path,
    settings: object,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    from factcheck.celery import app

    # As `make demo` runs it: tasks in process, emails printed, links to where it serves.
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"  # type: ignore[attr-defined]
    settings.FACTCHECK_SITE_URL = "http://127.0.0.1:8765"  # type: ignore[attr-defined]
    eager, app.conf.task_always_eager = app.conf.task_always_eager, True
    try:
        output = _demo(tmp_path, "--password", "pw-for-test")
    finally:
        app.conf.task_always_eager = eager

    last = output.rstrip("\n").splitlines()[-8:]
    assert last[0] == last[-1] == "-" * 78
    assert last[1] == "The demo's fact-checks: http://127.0.0.1:8765/"
    assert last[2] == "The desk:               http://127.0.0.1:8765/admin/"
    assert last[3] == "  log in as reviewer or editor; password: pw-for-test"
    assert last[4] == "The API:                http://127.0.0.1:8765/api/v1/docs/"
    assert re.fullmatch(r"  API token \(read, submit, search\): fc_\S+", last[5])
    # The setup ran its tasks and published (so emailed the reviewer), and printed neither.
    assert Verdict.objects.filter(published_at__isnull=False).count() == 2
    assert "Subject:" not in capsys.readouterr().out
    assert not [r for r in caplog.records if r.name == "celery.app.trace"]
    assert logging.getLogger("celery.app.trace").level == logging.NOTSET  # as it was
