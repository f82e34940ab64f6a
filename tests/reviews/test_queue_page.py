"""The queue page: ordered by stored priority, filtered, searched, and counted without a scan."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from claims.models import Claim, Feed, Publisher
from reviews import workflow
from reviews.admin import queue as admin_queue
from reviews.admin.review_items import ReviewItemAdmin
from reviews.models import Cluster, ReviewItem
from reviews.priority import review_priority
from reviews.services import queue as services
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    ReviewItemFactory,
    appearance,
    cluster_get,
    cluster_of,
)

QUEUE = reverse("admin:reviews_reviewitem_changelist")


def _shown(client: Client, **params: str) -> list[int]:
    response = client.get(QUEUE, params)
    assert response.status_code == 200
    return [item.pk for item in response.context["cl"].result_list]


def test_the_queue_is_in_stored_priority_order(reviewer_client: Client) -> None:
    middle = ReviewItemFactory(priority=2.0)
    top = ReviewItemFactory(priority=5.0)
    bottom = ReviewItemFactory(priority=1.0)

    assert _shown(reviewer_client) == [top.pk, middle.pk, bottom.pk]


def test_the_queue_opens_on_the_work_still_to_do(reviewer_client: Client) -> None:
    reviewer = get_user_model().objects.get(username="reviewer")
    pending, held, rejected = (ReviewItemFactory(priority=p) for p in (3.0, 2.0, 1.0))
    services.review_take(item_id=held.pk, user=reviewer)
    services.review_reject(item_id=rejected.pk, user=reviewer, reason="opinion")

    page = reviewer_client.get(QUEUE)

    assert [item.pk for item in page.context["cl"].result_list] == [pending.pk, held.pk]
    assert b"to do (pending, in review, awaiting approval)" in page.content
    assert _shown(reviewer_client, status="all") == [pending.pk, held.pk, rejected.pk]
    assert _shown(reviewer_client, status="rejected") == [rejected.pk]
    refused = reviewer_client.get(QUEUE, {"status": "nonsense"})
    assert refused.status_code == 302 and refused["Location"].endswith("?e=1")


def test_each_filter_narrows_the_queue(reviewer_client: Client) -> None:
    reviewer = get_user_model().objects.get(username="reviewer")
    publisher = Publisher.objects.create(name="Daily", domain="daily.example")
    feed = Feed.objects.create(url="https://daily.example/rss", publisher=publisher)
    from_feed = ReviewItemFactory(
        claim=ClaimFactory(
            article=ArticleFactory(publisher=publisher, feed=feed),
            speaker="Jane Doe",
            claim_type=Claim.Type.QUANTITY,
            score=0.9,
        )
    )
    low = ReviewItemFactory(claim=ClaimFactory(score=0.55, speaker="Jane Doe Jr"))
    mine = ReviewItemFactory(claim=ClaimFactory(score=0.7))
    services.review_take(item_id=mine.pk, user=reviewer)
    rejected = ReviewItemFactory(claim=ClaimFactory(score=0.75))
    services.review_reject(item_id=rejected.pk, user=reviewer, reason="duplicate")

    assert _shown(reviewer_client, status=workflow.IN_REVIEW) == [mine.pk]
    assert _shown(reviewer_client, score="high") == [from_feed.pk]
    assert set(_shown(reviewer_client, score="low")) == {low.pk}
    assert _shown(reviewer_client, assigned="me") == [mine.pk]
    assert mine.pk not in _shown(reviewer_client, assigned="nobody")
    assert _shown(reviewer_client, publisher__id__exact=str(publisher.pk)) == [from_feed.pk]
    assert _shown(reviewer_client, feed__id__exact=str(feed.pk)) == [from_feed.pk]
    # Exact: "Jane Doe Jr" is someone else.
    assert _shown(reviewer_client, speaker="Jane Doe") == [from_feed.pk]
    assert _shown(reviewer_client, claim_type__exact="quantity") == [from_feed.pk]
    assert _shown(reviewer_client, rejection_reason__exact="duplicate") == [rejected.pk]


def test_the_speaker_filter_is_a_text_box_that_keeps_the_other_filters(
    reviewer_client: Client,
) -> None:
    response = reviewer_client.get(QUEUE, {"status": "pending", "speaker": "Jane Doe"})

    html = response.content.decode()
    assert 'id="filter-speaker"' in html and 'value="Jane Doe"' in html
    assert '<input type="hidden" name="status" value="pending">' in html


def test_full_text_search_finds_claims_by_their_words_in_any_form(
    reviewer_client: Client,
) -> None:
    rents = ReviewItemFactory(claim=ClaimFactory(text="The mayor said rents increased 40 percent."))
    ReviewItemFactory(claim=ClaimFactory(text="Unemployment fell last year."))

    # Stemmed: "rent increases" matches "rents increased", which no substring match would.
    assert _shown(reviewer_client, q="rent increases") == [rents.pk]
    assert _shown(reviewer_client, q='"rents increased" -unemployment') == [rents.pk]
    assert _shown(reviewer_client, q="inflation") == []


def test_a_search_matching_many_claims_walks_the_queue_instead(
    reviewer_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(admin_queue, "SEARCH_IDS_CAP", 2)
    items = [
        ReviewItemFactory(claim=ClaimFactory(text=f"Rents increased {n} percent."), priority=n)
        for n in range(4)
    ]
    ReviewItemFactory(claim=ClaimFactory(text="Unemployment fell last year."))

    assert _shown(reviewer_client, q="rents") == [item.pk for item in reversed(items)]


@pytest.mark.parametrize("ids_cap", [admin_queue.SEARCH_IDS_CAP, 1])
def test_a_phrase_search_finds_the_words_in_that_order_only(
    reviewer_client: Client, monkeypatch: pytest.MonkeyPatch, ids_cap: int
) -> None:
    # Both paths: claims looked up first (the default cap) and the queue walked in order (1).
    monkeypatch.setattr(admin_queue, "SEARCH_IDS_CAP", ids_cap)
    phrase = ReviewItemFactory(
        claim=ClaimFactory(text="House prices fell by 5 percent."), priority=2
    )
    stemmed = ReviewItemFactory(claim=ClaimFactory(text="The house price fell again."), priority=1)
    ReviewItemFactory(claim=ClaimFactory(text="Prices of each house fell."))
    ReviewItemFactory(claim=ClaimFactory(text="House prices rose sharply."))

    assert _shown(reviewer_client, q='"house prices" fell') == [phrase.pk, stemmed.pk]
    assert _shown(reviewer_client, q='"prices house"') == []


@pytest.mark.parametrize("q", ['"the"', "-", '"', "100%", "o'brien's"])
def test_a_search_without_words_or_with_odd_characters_answers(
    reviewer_client: Client, q: str
) -> None:
    ReviewItemFactory(claim=ClaimFactory(text="The house prices fell."))

    assert reviewer_client.get(QUEUE, {"q": q}).status_code == 200


def test_a_search_of_thousands_of_words_answers_on_its_first_ones(
    reviewer_client: Client,
) -> None:
    rents = ReviewItemFactory(claim=ClaimFactory(text="The mayor said rents increased."))

    q = "rents OR " + " OR ".join(f"w{n}" for n in range(20_000))

    assert _shown(reviewer_client, q=q) == [rents.pk]


def test_the_search_reads_a_claims_text_as_it_was_last_saved(reviewer_client: Client) -> None:
    item = ReviewItemFactory(claim=ClaimFactory(text="Rents increased 40 percent."))
    Claim.objects.filter(pk=item.claim_id).update(text="House prices fell.")

    assert _shown(reviewer_client, q='"house prices"') == [item.pk]
    assert _shown(reviewer_client, q="rents") == []


def test_a_search_shows_only_queued_claims_not_their_repeats(reviewer_client: Client) -> None:
    queued = ReviewItemFactory(claim=ClaimFactory(text="House prices fell."))
    ClaimFactory(text="House prices fell, the minister said.")  # a repeat: no queue entry

    assert _shown(reviewer_client, q='"house prices" fell') == [queued.pk]


@pytest.mark.django_db
def test_the_search_uses_the_gin_index() -> None:
    from django.db import connection

    queryset = admin_queue.claims_matching("rents", using="default")
    sql, params = queryset.values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        # On an empty table any plan is cheap: rule out a full scan of the table or of another
        # index, leaving a bitmap scan, which needs an index that answers the condition.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "claim_search_vector" in plan


def test_a_short_result_is_counted_exactly_from_the_page_itself(
    reviewer_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ReviewItemAdmin, "list_per_page", 4)
    for _ in range(6):
        ReviewItemFactory()

    last_page = reviewer_client.get(QUEUE, {"p": "2"})

    cl = last_page.context["cl"]
    assert (cl.result_count, cl.count_is_estimate) == (6, False)
    assert len(cl.result_list) == 2
    assert reviewer_client.get(QUEUE, {"p": "3"}).status_code == 302  # past the end: page 1


def test_a_long_result_shows_the_planners_estimate_and_says_so(
    reviewer_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ReviewItemAdmin, "list_per_page", 4)
    for _ in range(6):
        ReviewItemFactory()

    response = reviewer_client.get(QUEUE, {"status": "pending"})

    cl = response.context["cl"]
    assert cl.count_is_estimate and cl.result_count >= 5
    assert len(cl.result_list) == 4
    assert b'id="count-estimate"' in response.content


def test_the_queue_page_never_counts(reviewer_client: Client) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):
        ReviewItemFactory()
    with CaptureQueriesContext(connection) as queries:
        for params in ({}, {"status": "pending"}, {"q": "unemployment"}, {"speaker": "x"}):
            assert reviewer_client.get(QUEUE, params).status_code == 200

    assert not [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]


def test_each_row_shows_how_often_the_claim_appears(reviewer_client: Client) -> None:
    item = ReviewItemFactory()
    Cluster.objects.filter(pk=cluster_of(item.claim)).update(appearance_count=7)

    response = reviewer_client.get(QUEUE)

    cell = re.search(
        r'<td class="field-appearances[^"]*"[^>]*>(.*?)</td>', response.content.decode(), re.S
    )
    assert cell is not None and cell.group(1).strip() == "7"


def test_the_claim_page_links_every_appearance(reviewer_client: Client) -> None:
    item = ReviewItemFactory()
    cluster = cluster_get(item.claim)
    repeat = appearance(
        cluster,
        text="Unemployment fell to 3 percent last year, the paper said.",
        article=ArticleFactory(url="https://other.example/jobs", title="Other paper"),
    )
    Cluster.objects.filter(pk=cluster.pk).update(appearance_count=2)

    page = reviewer_client.get(reverse("admin:reviews_reviewitem_change", args=[item.pk]))

    html = page.content.decode()
    assert 'id="appearances"' in html
    for claim in (item.claim, repeat):
        assert reverse("admin:claims_article_change", args=[claim.article_id]) in html
    assert "the paper said" in html
    # The address is shortened to its site; the whole of it is the link and its title.
    assert (
        '<a href="https://other.example/jobs" title="https://other.example/jobs" '
        'rel="noopener noreferrer">other.example</a>'
    ) in html


def test_an_appearance_without_a_publication_date_says_when_it_was_received(
    reviewer_client: Client,
) -> None:
    item = ReviewItemFactory(claim__article__published_at=None)
    received = item.claim.article.received_at

    page = reviewer_client.get(reverse("admin:reviews_reviewitem_change", args=[item.pk]))

    table = page.content.decode().split('id="appearances"')[1].split("</table>")[0]
    assert f"received {received:%Y-%m-%d}" in table


def test_the_queue_shows_the_claim_as_checked_with_its_claimant_and_the_sentence(
    reviewer_client: Client,
) -> None:
    sentence = "He said the stadium would create 4,000 permanent jobs."
    checked = "The Harbor Point stadium would create 4,000 permanent jobs."
    ReviewItemFactory(claim=ClaimFactory(text=sentence, standalone=checked, claimant="Mayor Ruiz"))
    ReviewItemFactory(claim=ClaimFactory(text="Bus fares doubled since 2020.", standalone=""))

    html = reviewer_client.get(QUEUE).content.decode()

    assert f'<span class="queue-claim" title="{sentence}">{checked}</span>' in html
    assert f"The article: “{sentence}”" in html
    assert "Mayor Ruiz · " in html
    # Without a proposed wording the sentence is the claim, shown once.
    assert '">Bus fares doubled since 2020.</span>' in html
    assert "The article: “Bus fares" not in html


def test_a_sentence_that_opens_with_a_quotation_is_not_quoted_twice(
    reviewer_client: Client,
) -> None:
    said = "“We will build 3,000 homes,” the mayor said."
    ReviewItemFactory(claim=ClaimFactory(text=said, standalone="The city will build 3,000 homes."))

    html = reviewer_client.get(QUEUE).content.decode()

    assert f"The article: {said}<" in html and "““" not in html


@pytest.mark.django_db
def test_priority_is_refreshed_when_a_cluster_gains_appearances() -> None:
    item = ReviewItemFactory()
    other = ReviewItemFactory()
    cluster = cluster_get(item.claim)
    cluster.appearance_count = 8
    cluster.last_seen_at = timezone.now() + timedelta(hours=1)
    cluster.save()

    assert services.review_priorities_refresh(clusters=[cluster]) == 1

    item.refresh_from_db()
    expected = review_priority(
        score=item.claim.score, appearances=8, last_seen=cluster.last_seen_at
    )
    assert item.priority == pytest.approx(expected)
    assert ReviewItem.objects.get(pk=other.pk).priority == other.priority


@pytest.mark.django_db
def test_new_queue_entries_get_their_priority_from_the_priority_function() -> None:
    claim = ClaimFactory(score=0.7)
    cluster = cluster_get(claim)
    ReviewItem.objects.filter(claim=claim).delete()

    (item,) = services.review_items_create(clusters=[cluster])

    assert item.priority == pytest.approx(
        review_priority(score=0.7, appearances=1, last_seen=cluster.last_seen_at)
    )


@pytest.mark.django_db
def test_a_new_queue_entry_keeps_its_claims_attributes_for_the_filters() -> None:
    publisher = Publisher.objects.create(name="Daily", domain="daily.example")
    feed = Feed.objects.create(url="https://daily.example/rss", publisher=publisher)
    claim = ClaimFactory(
        article=ArticleFactory(publisher=publisher, feed=feed),
        speaker="Jane Doe",
        claim_type=Claim.Type.PREDICTION,
        score=0.66,
    )

    services.review_items_create(clusters=[cluster_get(claim)])

    item = ReviewItem.objects.get(claim=claim)
    assert (item.speaker, item.claim_type, item.score) == ("Jane Doe", "prediction", 0.66)
    assert (item.publisher, item.feed) == (publisher, feed)


def test_the_priority_is_shown_as_its_reasons_and_still_sorts_the_queue(
    reviewer_client: Client,
) -> None:
    low = ReviewItemFactory(priority=1.23456789)
    high = ReviewItemFactory(priority=2.3456789)
    url = reverse("admin:reviews_reviewitem_changelist")

    page = reviewer_client.get(url)
    # The "why here" column is the 8th of the list (after the tick box).
    ascending = reviewer_client.get(url, {"o": "8"})

    assert b"high check-worthiness" in page.content
    assert b"1.23<" not in page.content and b"1.2345" not in page.content
    assert [item.pk for item in page.context["cl"].result_list] == [high.pk, low.pk]
    assert [item.pk for item in ascending.context["cl"].result_list] == [low.pk, high.pk]
    item_page = reviewer_client.get(reverse("admin:reviews_reviewitem_change", args=[high.pk]))
    assert b"2.3456" not in item_page.content


def test_the_desk_names_the_list_the_review_queue_and_its_entries_claims(
    reviewer_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    item = ReviewItemFactory()
    ReviewItemFactory()

    queue = reviewer_client.get(QUEUE).content.decode()
    monkeypatch.setattr(ReviewItemAdmin, "list_per_page", 1)  # so "select all" is offered
    two_pages = reviewer_client.get(QUEUE).content.decode()
    claim_page = reviewer_client.get(reverse("admin:reviews_reviewitem_change", args=[item.pk]))
    start = reviewer_client.get(reverse("admin:index")).content.decode()

    assert re.search(r"<title>\s*Review queue \|", queue)
    assert re.search(r'id="queue-count">[\s-]*2 claims\s*<', queue)
    assert re.search(r"Select all \d+ claims<", re.sub(r"\s+", " ", two_pages).replace(" <", "<"))
    assert "review item" not in queue.lower() and "review queue</" not in queue.lower()
    assert ">Review queue<" in re.sub(r"\s*(<|>)\s*", r"\1", start)  # the sidebar's link
    assert "review item" not in start.lower()
    assert claim_page.context["title"] == "View claim"
    assert "Review queue" in claim_page.content.decode()  # the breadcrumb back to the list
