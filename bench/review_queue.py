"""Server time of the review queue page, the start page, the claim workspace and "take next"
on a large queue.

    .venv/bin/python bench/seed.py            # once: 1,000,000 claims, 100,000 in the queue
    .venv/bin/python bench/review_queue.py [--rounds 7]

Runs against `BENCH_DATABASE` (default `factcheck_bench_queue`) as seeded by `bench/seed.py`.
Each queue view is requested through Django's test Client (the whole request: middleware,
session, admin, queries, template) as the demo `reviewer`, `--rounds` times after one warm-up;
"take next" is timed as the service call and as the admin button's POST, each taken claim
released again afterwards so every round sees the same queue. Prints median and max in ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
BENCH_DATABASE = os.environ.get("BENCH_DATABASE", "factcheck_bench_queue")
SERVER = os.environ.get("BENCH_POSTGRES", "postgres://postgres@127.0.0.1:5433")
os.environ.update(
    DJANGO_SETTINGS_MODULE="factcheck.settings",
    DJANGO_SECRET_KEY="bench-only",
    DATABASE_URL=f"{SERVER}/{BENCH_DATABASE}",
    DJANGO_ALLOWED_HOSTS="testserver",
    DJANGO_LOG_LEVEL="WARNING",
    # The test client speaks plain HTTP: without this every request is a redirect to HTTPS.
    DJANGO_SECURE_SSL_REDIRECT="false",
)
os.environ.pop("REDIS_URL", None)


def views(publisher_id: int, feed_id: int) -> list[tuple[str, dict[str, str]]]:
    return [
        # The list opens on the work to do (pending, in review, awaiting approval).
        ("default: to do, priority order", {}),
        ("whole queue, any status", {"status": "all"}),
        ("pending", {"status": "pending"}),
        ("pending, unassigned", {"status": "pending", "assigned": "nobody"}),
        ("assigned to me", {"assigned": "me"}),
        ("pending, high score band", {"status": "pending", "score": "high"}),
        ("low score band", {"score": "low"}),
        ("publisher", {"publisher__id__exact": str(publisher_id)}),
        ("feed, pending", {"feed__id__exact": str(feed_id), "status": "pending"}),
        ("speaker (exact)", {"speaker": "Jane Doe"}),
        ("claim type, pending", {"claim_type__exact": "quantity", "status": "pending"}),
        ("rejected as duplicate", {"rejection_reason__exact": "duplicate"}),
        ("search: common word", {"q": "unemployment"}),
        ("search: phrase, pending", {"q": '"house prices" fell', "status": "pending"}),
        ("search: rare word", {"q": "wombat"}),
        ("due today or overdue", {"due": "today"}),
        ("ordered by priority, lowest first", {"o": "8"}),
        ("page 20", {"p": "20"}),
    ]


class SqlClock:
    """Wall time spent in the database, summed over the queries of one action."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def __call__(self, execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - start


def timed(action: Callable[[], object], rounds: int) -> tuple[list[float], list[float]]:
    """Wall ms of each round, and the ms of Python CPU plus database wall time.

    The second figure leaves out the time this process waited for a CPU that other processes
    held: on a shared machine it is the closer measure of what the request itself costs.
    """
    from django.db import connection

    action()  # warm-up: connections, template loading, plan caches
    walls, costs = [], []
    for _ in range(rounds):
        clock = SqlClock()
        with connection.execute_wrapper(clock):
            cpu, start = time.process_time(), time.perf_counter()
            action()
            wall, cpu = time.perf_counter() - start, time.process_time() - cpu
        walls.append(wall * 1000)
        costs.append((cpu + clock.seconds) * 1000)
    return walls, costs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()

    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.urls import resolve, reverse

    from claims.models import Claim, Feed, Publisher
    from reviews.models import ReviewItem
    from reviews.services import queue as services

    load_before = os.getloadavg()[0]
    claims = Claim.objects.count()
    queued = ReviewItem.objects.count()
    pending = ReviewItem.objects.filter(status="pending").count()
    print(f"{BENCH_DATABASE}: {claims:,} claims, {queued:,} review items ({pending:,} pending)")
    reviewer = get_user_model().objects.get(username="reviewer")
    client = Client()
    client.force_login(reviewer)
    queue_url = reverse("admin:reviews_reviewitem_changelist")
    results: list[tuple[str, tuple[list[float], list[float]]]] = []

    publisher_id = Publisher.objects.order_by("pk").values_list("pk", flat=True)[3]
    feed_id = Feed.objects.order_by("pk").values_list("pk", flat=True)[5]
    for name, params in views(publisher_id, feed_id):

        def get(params: dict[str, str] = params) -> None:
            response = client.get(queue_url, params)
            assert response.status_code == 200, (response.status_code, params)
            assert b'id="changelist"' in response.content, params

        results.append((f"queue: {name}", timed(get, args.rounds)))

    # The start page (the admin's index) of a reviewer and of an editor.
    index_url = reverse("admin:index")
    editor = get_user_model().objects.get(username="editor")
    editor_client = Client()
    editor_client.force_login(editor)
    for name, user_client in (("reviewer", client), ("editor", editor_client)):

        def start(user_client: Client = user_client) -> None:
            response = user_client.get(index_url)
            assert response.status_code == 200 and b"start-page" in response.content

        results.append((f"start page: {name}", timed(start, args.rounds)))

    item = ReviewItem.objects.filter(status="pending").order_by("-priority", "id").first()
    item_url = reverse("admin:reviews_reviewitem_change", args=[item.pk])
    results.append(("claim page (top claim)", timed(lambda: client.get(item_url), args.rounds)))

    # The claim workspace: the reviewer's (a held claim, its draft citing two sources), the
    # editor's (a submitted draft: verdict, preview of the public page and ClaimReview), a
    # claim with fact-check suggestions, and a published one.
    held = ReviewItem.objects.filter(status="in_review", assigned_to=reviewer).first()
    awaiting = (
        ReviewItem.objects.filter(status="awaiting_approval")
        .exclude(verdicts__author=editor)
        .order_by("-priority", "id")
        .first()
    )
    suggested = (
        ReviewItem.objects.filter(
            status="pending", claim__membership__cluster__fact_check_suggestions__isnull=False
        )
        .order_by("-priority", "id")
        .first()
    )
    published = ReviewItem.objects.filter(status="published").order_by("-id").first()
    for name, user_client, target, mark in (
        ("reviewer, held claim with draft", client, held, b'id="verdict-form"'),
        ("editor, preview before approval", editor_client, awaiting, b'id="preview-page"'),
        ("pending claim with suggestions", client, suggested, b'class="candidate"'),
        ("published fact-check", client, published, b'id="published-links"'),
    ):
        assert target is not None, name
        work_url = reverse("admin:reviews_reviewitem_work", args=[target.pk])

        def work(
            user_client: Client = user_client, url: str = work_url, mark: bytes = mark
        ) -> None:
            response = user_client.get(url)
            assert response.status_code == 200 and mark in response.content, url

        results.append((f"workspace: {name}", timed(work, args.rounds)))
    # The editor's preview, which the workspace loads by its own two requests (its frame and
    # the ClaimReview): as costly as the public page of the claim's every appearance.
    assert awaiting is not None
    for name, view in (("page (frame)", "preview"), ("ClaimReview", "preview_json")):
        preview_url = reverse(f"admin:reviews_reviewitem_{view}", args=[awaiting.pk])

        def preview(url: str = preview_url) -> None:
            assert editor_client.get(url).status_code == 200, url

        results.append((f"workspace preview: {name}", timed(preview, args.rounds)))

    def take_next_service() -> None:
        taken = services.review_take_next(user=reviewer)
        assert taken is not None
        services.review_release(item_id=taken.pk, user=reviewer)

    def take_next_button() -> None:
        response = client.post(reverse("admin:reviews_reviewitem_take_next"))
        assert response.status_code == 302
        taken_id = int(resolve(response["Location"]).kwargs["item_id"])
        services.review_release(item_id=taken_id, user=reviewer)

    # Timed with the release that follows, which is one more conditional UPDATE.
    results.append(("take next + release (services)", timed(take_next_service, args.rounds)))
    results.append(("take next button + release", timed(take_next_button, args.rounds)))

    print(f"\nload average before: {load_before:.1f}, after: ", end="")
    print(f"{os.getloadavg()[0]:.1f} ({os.cpu_count()} CPUs)")
    print("\n| view | median ms | max ms | median CPU + SQL ms | max CPU + SQL ms |")
    print("| --- | --- | --- | --- | --- |")
    for name, (walls, costs) in results:
        print(
            f"| {name} | {statistics.median(walls):.0f} | {max(walls):.0f} "
            f"| {statistics.median(costs):.0f} | {max(costs):.0f} |"
        )
    connection.close()


if __name__ == "__main__":
    main()
