"""The API serves stored records (reviews.records): each equals a freshly rendered one after
every change, and none is ever served for a version or an item it does not belong to. Search
finds a fact-check by every wording its cluster holds at the time."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import RequestFactory
from django.utils import timezone

from claims.models import Claim
from reviews.api.serializers import FactCheckSerializer, serializer_context
from reviews.models import Cluster, FactCheckRecord, ReviewItem
from reviews.selectors import fact_check_get, fact_checks_published
from reviews.services.clusters import cluster_split, clusters_merge
from reviews.services.intake import claims_queue
from reviews.services.matching import claims_match
from reviews.services.records import (
    fact_check_records_rebuild,
    record_for,
    record_text,
    with_stored_records,
)
from tests.api import helpers as h
from tests.factories import ArticleFactory, ClaimFactory, ReviewItemFactory, UserFactory, cluster_of

pytestmark = pytest.mark.django_db

PLEDGE = "The mayor pledged to end the transit strike within 24 hours of taking office."
PLEDGE_AGAIN = "The mayor has promised he would end the transit strike within 24 hours in office."
BASE = "http://testserver/api/v1/fact-checks/"


@pytest.fixture(autouse=True)
def lexical_matching(settings: Any) -> Iterator[None]:
    settings.FACTCHECK_MATCH_SEMANTIC = "off"
    yield


def _stored(item: ReviewItem) -> str:
    return FactCheckRecord.objects.get(review_item=item).record


def _fresh(item: ReviewItem) -> str:
    fact_check = fact_check_get(item_id=item.pk)
    assert fact_check is not None
    return record_text(fact_check)


def _serialized(item: ReviewItem) -> dict[str, Any]:
    """The record through DRF's serializer, as the API built it before records were stored."""
    fact_check = fact_check_get(item_id=item.pk)
    request = RequestFactory().get("/")
    context = serializer_context(request, [fact_check])  # type: ignore[list-item]
    return FactCheckSerializer(fact_check, context=context).data  # type: ignore[no-any-return]


def _assert_current(item: ReviewItem) -> None:
    assert _stored(item) == _fresh(item)
    api = h.client("read")
    detail = api.get(f"/api/v1/fact-checks/{item.pk}/").json()
    listed = {r["id"]: r for r in api.get("/api/v1/fact-checks/").json()["results"]}
    assert detail == listed[item.pk] == _serialized(item)


def _found_by_words(words: str) -> list[int]:
    listed = h.client("read").get("/api/v1/fact-checks/", {"q": words}).json()["results"]
    return [record["id"] for record in listed]


def _queued_repeat(text: str) -> Claim:
    item = ReviewItemFactory(claim=ClaimFactory(text=text, article=ArticleFactory()))
    return Claim.objects.get(pk=item.claim.pk)


def test_the_stored_record_is_the_fresh_one_after_publication_correction_and_a_join() -> None:
    item = h.published(PLEDGE, url="https://news.example.com/a", publisher="news.example.com")
    _assert_current(item)

    h.correct(item, note="He said 48 hours.")
    _assert_current(item)
    assert '"version":2' in _stored(item)

    claims_match(claim_ids=[item.claim_id])
    again = _queued_repeat(PLEDGE_AGAIN)
    report = claims_match(claim_ids=[again.pk])

    assert report.joined == 1
    _assert_current(item)
    detail = h.client("read").get(f"/api/v1/fact-checks/{item.pk}/").json()
    assert [a["claim_text"] for a in detail["appearances"]][-1] == PLEDGE_AGAIN
    # Full-text search knows the new wording ("promised" is only in the repeat).
    assert _found_by_words("promised") == [item.pk]


def test_the_stored_record_lists_a_copy_that_joined_as_it_was_stored() -> None:
    item = h.published(PLEDGE, url="https://news.example.com/a", publisher="news.example.com")
    claims_match(claim_ids=[item.claim_id])  # placed: its words are ranked
    copy = ClaimFactory(text=PLEDGE, article=ArticleFactory(), clustered=False)

    claims_queue(claims=[copy], seen_at=timezone.now())

    assert cluster_of(copy) == cluster_of(item.claim)
    _assert_current(item)
    detail = h.client("read").get(f"/api/v1/fact-checks/{item.pk}/").json()
    assert len(detail["appearances"]) == 2


def test_merging_into_and_splitting_out_of_a_fact_checks_cluster_rewrite_its_record() -> None:
    item = h.published(PLEDGE)
    target = Cluster.objects.get(pk=cluster_of(item.claim))
    source = Cluster.objects.get(pk=cluster_of(_queued_repeat(PLEDGE_AGAIN)))

    clusters_merge(target=target, sources=[source])
    _assert_current(item)
    assert PLEDGE_AGAIN in _stored(item)
    assert _found_by_words("promised") == [item.pk]

    cluster_split(claims=list(Claim.objects.filter(text=PLEDGE_AGAIN)))
    _assert_current(item)
    assert PLEDGE_AGAIN not in _stored(item)
    assert _found_by_words("promised") == []


def test_a_record_of_an_earlier_version_is_never_served() -> None:
    item = h.published(PLEDGE)
    first = FactCheckRecord.objects.get(review_item=item)
    h.correct(item, rating="true", note="He did say it.")
    # As if the correction's rewrite were lost: the row still holds version 1.
    FactCheckRecord.objects.filter(pk=item.pk).update(verdict=first.verdict, record=first.record)

    detail = h.client("read").get(f"/api/v1/fact-checks/{item.pk}/").json()
    listed = h.client("read").get("/api/v1/fact-checks/").json()["results"]

    assert detail["version"] == 2 and detail["rating"]["name"] == "true"
    assert [r["version"] for r in listed] == [2]
    assert detail == _serialized(item)


def test_a_stored_record_of_an_unpublished_item_never_leaves() -> None:
    published = h.published(PLEDGE)
    queued = h.queued("Taxes doubled last year.")
    draft = h.draft(queued, UserFactory())
    FactCheckRecord.objects.create(
        review_item=queued, verdict=draft, record=_stored(published), layout="1"
    )
    api = h.client("read")

    assert api.get(f"/api/v1/fact-checks/{queued.pk}/").status_code == 404
    assert [r["id"] for r in api.get("/api/v1/fact-checks/").json()["results"]] == [published.pk]


def test_missing_records_are_rendered_and_the_rebuild_stores_them() -> None:
    items = [h.published(f"Claim number {n} about the budget.") for n in range(3)]
    FactCheckRecord.objects.all().delete()

    listed = h.client("read").get("/api/v1/fact-checks/").json()["results"]

    assert sorted(r["id"] for r in listed) == sorted(i.pk for i in items)
    assert all(record == _serialized(ReviewItem.objects.get(pk=record["id"])) for record in listed)
    assert fact_check_records_rebuild(batch_size=2) == 3
    assert all(_stored(item) == _fresh(item) for item in items)
    assert fact_check_records_rebuild() == 0
    h.correct(items[0])
    FactCheckRecord.objects.filter(pk=items[1].pk).update(layout="0:UTC")
    FactCheckRecord.objects.filter(pk=items[0].pk).delete()
    assert fact_check_records_rebuild() == 2
    assert fact_check_records_rebuild(everything=True) == 3
    assert all(_stored(item) == _fresh(item) for item in items)


def test_the_base_address_is_put_in_as_json() -> None:
    item = h.published(PLEDGE)
    verdict = with_stored_records(fact_checks_published()).get(review_item=item)

    text = record_for(verdict.record, base='https://x.example/"quoted"/')  # type: ignore[attr-defined]

    assert '"url":"https://x.example/\\"quoted\\"/' in text
    assert "\x01" not in text and "\x01" in verdict.record  # type: ignore[attr-defined]
