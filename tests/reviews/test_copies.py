"""A claim stored with the same words as a placed claim joins its cluster as it is stored."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone
from django_celery_beat.models import PeriodicTask

from claims import services
from claims.models import Article, Claim
from reviews.models import Cluster, ClusterEvent, ClusterMember, RankedText, ReviewItem
from reviews.services.clusters import cluster_split, clusters_merge
from reviews.services.copies import ranked_texts_expire
from reviews.services.intake import claims_queue
from reviews.services.matching import claims_match
from reviews.services.queue import review_take
from reviews.tasks import ranked_texts_expire as ranked_texts_expire_task
from tests.factories import ArticleFactory, ClaimFactory, UserFactory, cluster_of
from tests.paths import SAMPLE_ARTICLES

PLEDGE = "The mayor pledged to end the transit strike within 24 hours of taking office."
PLEDGE_AGAIN = "The mayor has promised he would end the transit strike within 24 hours in office."
RIDERSHIP = "Ridership on the city's buses rose by 12 percent after fares were cut in March."


def _stored(text: str = PLEDGE) -> Claim:
    """A claim as extraction stores it, taken onto the desk."""
    claim = ClaimFactory(text=text, article=ArticleFactory(), clustered=False)
    claims_queue(claims=[claim], seen_at=timezone.now())
    return claim


def _placed(text: str = PLEDGE) -> Claim:
    claim = _stored(text)
    claims_match(claim_ids=[claim.pk])
    return claim


def _member(claim: Claim) -> ClusterMember:
    return ClusterMember.objects.get(claim=claim)


@pytest.mark.django_db
def test_a_copy_of_a_placed_claim_joins_its_cluster_as_it_is_stored(
    django_capture_on_commit_callbacks: Callable,
) -> None:
    first = _placed()
    cluster = Cluster.objects.get(pk=cluster_of(first))
    priority = ReviewItem.objects.get(claim=first).priority

    with django_capture_on_commit_callbacks() as sent:
        copy = _stored()

    assert sent == []  # not sent to matching
    assert cluster_of(copy) == cluster.pk and _member(copy).matched_at is not None
    assert list(ReviewItem.objects.values_list("claim", flat=True)) == [first.pk]
    assert ReviewItem.objects.get(claim=first).priority > priority
    assert Cluster.objects.get().appearance_count == 2
    event = ClusterEvent.objects.get(kind=ClusterEvent.Kind.JOIN)
    assert event.cluster_id == cluster.pk and event.claim_ids == [copy.pk] and event.score == 1.0
    stored = dict(Claim.objects.values_list("pk", "embedding"))
    assert stored[first.pk] is not None and list(stored[copy.pk]) == list(stored[first.pk])
    assert claims_match(claim_ids=[copy.pk]).matched == 0  # placed: a matching task is a no-op


@pytest.mark.django_db
def test_a_copy_goes_through_matching_once_the_clusters_fact_checks_were_ranked_long_ago(
    settings, django_capture_on_commit_callbacks: Callable
) -> None:
    first = _placed()
    long_ago = timezone.now() - timedelta(seconds=settings.FACTCHECK_MATCH_COPY_SECONDS + 1)
    RankedText.objects.update(ranked_at=long_ago)

    with django_capture_on_commit_callbacks() as sent:
        late = _stored()

    assert len(sent) == 1 and cluster_of(late) != cluster_of(first)
    assert ReviewItem.objects.filter(claim=late).exists()
    claims_match(claim_ids=[late.pk])  # ranks the cluster's fact-checks again
    assert cluster_of(late) == cluster_of(first)
    assert RankedText.objects.get().ranked_at > long_ago
    assert cluster_of(_stored()) == cluster_of(first)  # the next copy joins at once


@pytest.mark.django_db
def test_a_copy_of_a_claim_matching_has_not_placed_gets_its_own_cluster() -> None:
    first = _stored()
    copy = _stored()

    assert cluster_of(copy) != cluster_of(first) and _member(copy).matched_at is None
    claims_match(claim_ids=[first.pk, copy.pk])
    assert cluster_of(copy) == cluster_of(first)


@pytest.mark.django_db
def test_without_a_copy_window_every_claim_goes_through_matching(settings) -> None:
    settings.FACTCHECK_MATCH_COPY_SECONDS = 0
    first = _placed()

    copy = _stored()

    assert cluster_of(copy) != cluster_of(first) and _member(copy).matched_at is None


@pytest.mark.django_db
def test_only_the_claims_with_placed_words_join_the_rest_are_queued() -> None:
    first = _placed()
    article = ArticleFactory()
    other = RIDERSHIP
    copy = ClaimFactory(text=PLEDGE, article=article, start=0, clustered=False)
    new = ClaimFactory(
        text=other, article=article, start=100, end=100 + len(other), clustered=False
    )

    clusters = claims_queue(claims=[copy, new], seen_at=timezone.now())

    assert [cluster.canonical_id for cluster in clusters] == [new.pk]
    assert cluster_of(copy) == cluster_of(first)
    assert set(ReviewItem.objects.values_list("claim", flat=True)) == {first.pk, new.pk}
    assert _member(new).matched_at is None


@pytest.mark.django_db
def test_the_window_runs_from_when_matching_ranked_these_words_not_others_in_the_cluster(
    settings,
) -> None:
    first = _placed(PLEDGE)
    RankedText.objects.update(
        ranked_at=timezone.now() - timedelta(seconds=settings.FACTCHECK_MATCH_COPY_SECONDS + 1)
    )
    reworded = _placed(PLEDGE_AGAIN)  # joins, and ranks the fact-checks for its own words
    assert cluster_of(reworded) == cluster_of(first)

    copy = _stored(PLEDGE)

    assert _member(copy).matched_at is None  # PLEDGE's own fact-checks were ranked long ago
    assert cluster_of(_stored(PLEDGE_AGAIN)) == cluster_of(first)


@pytest.mark.django_db
def test_a_copy_of_words_whose_cluster_was_merged_away_goes_through_matching() -> None:
    first, other = _placed(PLEDGE), _placed(RIDERSHIP)
    target = Cluster.objects.get(pk=cluster_of(other))
    clusters_merge(target=target, sources=[Cluster.objects.get(pk=cluster_of(first))])

    copy = _stored(PLEDGE)

    assert _member(copy).matched_at is None
    claims_match(claim_ids=[copy.pk])
    assert cluster_of(copy) == target.pk
    assert cluster_of(_stored(PLEDGE)) == target.pk  # recorded where the words now stand


@pytest.mark.django_db
def test_a_copy_does_not_follow_a_claim_a_reviewer_split_out() -> None:
    first = _placed(PLEDGE)
    reworded = _placed(PLEDGE_AGAIN)
    assert cluster_of(reworded) == cluster_of(first)
    cluster_split(claims=[reworded])

    copy = _stored(PLEDGE_AGAIN)

    assert cluster_of(copy) not in (cluster_of(first), cluster_of(reworded))
    assert _member(copy).matched_at is None


def _ranked_long_ago(settings) -> None:  # type: ignore[no-untyped-def]
    RankedText.objects.update(
        ranked_at=timezone.now() - timedelta(seconds=settings.FACTCHECK_MATCH_COPY_SECONDS + 1)
    )


@pytest.mark.django_db
def test_a_copy_a_reviewer_took_before_matching_takes_no_later_copies(settings) -> None:
    first = _placed()
    _ranked_long_ago(settings)
    taken = _stored()  # through matching: the words were ranked long ago
    review_take(item_id=ReviewItem.objects.get(claim=taken).pk, user=UserFactory())
    claims_match(claim_ids=[taken.pk])  # stays: a reviewer holds it
    assert cluster_of(taken) != cluster_of(first)

    later = _stored()

    assert cluster_of(later) != cluster_of(taken) and _member(later).matched_at is None
    claims_match(claim_ids=[later.pk])
    assert cluster_of(later) == cluster_of(first)


@pytest.mark.django_db
def test_ranked_texts_older_than_the_window_are_forgotten_in_batches(settings) -> None:
    for text in (PLEDGE, PLEDGE_AGAIN, RIDERSHIP):
        _placed(text)
    window = settings.FACTCHECK_MATCH_COPY_SECONDS
    RankedText.objects.exclude(claim_id=Claim.objects.get(text=RIDERSHIP).pk).update(
        ranked_at=timezone.now() - timedelta(seconds=window + 1)
    )

    assert ranked_texts_expire(older_than_seconds=window, batch_size=1, seconds=0).deleted == 0
    expired = ranked_texts_expire(older_than_seconds=window, batch_size=1)

    assert (expired.deleted, expired.finished) == (2, True)
    assert list(RankedText.objects.values_list("claim_id", flat=True)) == [
        Claim.objects.get(text=RIDERSHIP).pk
    ]
    schedule = PeriodicTask.objects.get(name="forget ranked texts")
    assert schedule.task == "reviews.tasks.ranked_texts_expire" and schedule.enabled
    RankedText.objects.update(ranked_at=timezone.now() - timedelta(seconds=window + 1))
    assert ranked_texts_expire_task() == 1 and not RankedText.objects.exists()


def _holding(claim: Claim, what: str) -> Callable[[], object]:
    if what == "cluster":  # a matching batch placing claims, a reviewer's merge
        return lambda: Cluster.objects.select_for_update().get(pk=cluster_of(claim))
    return lambda: ReviewItem.objects.select_for_update().get(claim=claim)  # an editor publishing


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("what", ["cluster", "queue entry"])
def test_a_cluster_or_queue_entry_locked_elsewhere_is_passed_over_not_waited_for(
    what: str,
) -> None:
    first = _placed()
    lock = _holding(first, what)
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        try:
            with transaction.atomic():
                lock()
                held.set()
                release.wait(30)
        finally:
            connection.close()

    threading.Thread(target=hold, daemon=True).start()
    assert held.wait(30)
    try:
        with transaction.atomic():
            copy = _stored()
    finally:
        release.set()

    assert cluster_of(copy) != cluster_of(first) and _member(copy).matched_at is None
    assert ReviewItem.objects.filter(claim=copy).exists()


@pytest.mark.django_db
def test_extraction_places_a_wire_storys_copy_in_the_first_ones_clusters() -> None:
    text = sorted(SAMPLE_ARTICLES.glob("*.txt"))[0].read_text()
    first = services.article_receive(
        raw=text.encode(), fmt="text", source=Article.Source.PUSH
    ).article
    services.article_extract(article_id=first.pk)
    claims_match(claim_ids=list(first.claims.values_list("pk", flat=True)))
    copy = services.article_receive(
        raw=("Another outlet\n\nIts copy of the story was filed on day 12.\n\n" + text).encode(),
        fmt="text",
        source=Article.Source.PUSH,
    ).article

    services.article_extract(article_id=copy.pk)

    copy.refresh_from_db()
    assert copy.status == Article.Status.EXTRACTED, (copy.status, copy.error)
    stored = {claim.text: cluster_of(claim) for claim in first.claims.all()}
    copies = list(copy.claims.filter(text__in=list(stored)))
    assert len(copies) == len(stored) > 3
    assert all(cluster_of(claim) == stored[claim.text] for claim in copies)
    assert not ReviewItem.objects.filter(claim__in=copies).exists()
    assert ClusterMember.objects.filter(matched_at__isnull=True).count() == (
        copy.claims.count() - len(copies)
    )
