"""Reviewers merge clusters and split wrongly matched claims out; both are remembered."""

from __future__ import annotations

import pytest
from django.urls import reverse

from claims.models import Claim
from reviews import workflow
from reviews.models import (
    Cluster,
    ClusterEvent,
    ClusterMember,
    FactCheckSuggestion,
    ImportedFactCheck,
    ReviewItem,
)
from reviews.services.clusters import ClusterError, cluster_split, clusters_merge
from tests.factories import ReviewItemFactory, UserFactory, cluster_of


def _cluster(text: str) -> Cluster:
    item = ReviewItemFactory(claim__text=text)
    return Cluster.objects.get(pk=cluster_of(item.claim))


@pytest.mark.django_db
def test_merging_moves_appearances_and_suggestions_and_drops_the_extra_queue_entry() -> None:
    target = _cluster("The bridge cost 40 million euros.")
    source = _cluster("The new bridge cost forty million euros, the minister said.")
    fact = ImportedFactCheck.objects.create(claim_reviewed="Bridge cost 40 million", source_key="k")
    FactCheckSuggestion.objects.create(cluster=source, fact_check=fact, score=0.7)
    editor = UserFactory()

    merged = clusters_merge(target=target, sources=[source], by=editor)

    assert merged.appearance_count == 2
    assert set(ClusterMember.objects.values_list("cluster", flat=True)) == {target.pk}
    assert list(ReviewItem.objects.values_list("claim", flat=True)) == [target.canonical_id]
    assert FactCheckSuggestion.objects.get().cluster_id == target.pk
    event = ClusterEvent.objects.get(kind=ClusterEvent.Kind.MERGE)
    assert event.by == editor and event.other_cluster_ids == [source.pk]


@pytest.mark.django_db
def test_a_cluster_under_review_cannot_be_merged_away() -> None:
    target = _cluster("The bridge cost 40 million euros.")
    source = _cluster("The new bridge cost forty million euros.")
    ReviewItem.objects.filter(claim=source.canonical).update(
        status=workflow.IN_REVIEW, assigned_to=UserFactory()
    )

    with pytest.raises(ClusterError, match="being reviewed"):
        clusters_merge(target=target, sources=[source])
    assert Cluster.objects.count() == 2


@pytest.mark.django_db
def test_splitting_gives_the_claims_their_own_cluster_and_queue_entry() -> None:
    target = _cluster("The bridge cost 40 million euros.")
    source = _cluster("The tunnel cost 40 million euros.")
    clusters_merge(target=target, sources=[source])
    wrong = Claim.objects.get(text__startswith="The tunnel")

    new = cluster_split(claims=[wrong])

    assert new.canonical_id == wrong.pk and new.appearance_count == 1
    assert Cluster.objects.get(pk=target.pk).appearance_count == 1
    assert ReviewItem.objects.filter(claim=wrong).exists()
    assert ClusterEvent.objects.filter(kind=ClusterEvent.Kind.SPLIT, cluster=new).exists()


@pytest.mark.django_db
def test_the_canonical_claim_cannot_be_split_out() -> None:
    target = _cluster("The bridge cost 40 million euros.")
    clusters_merge(target=target, sources=[_cluster("The bridge cost 40 million.")])

    with pytest.raises(ClusterError, match="canonical"):
        cluster_split(claims=[target.canonical])


@pytest.mark.django_db
def test_the_admin_merges_selected_clusters(client) -> None:  # type: ignore[no-untyped-def]
    first = _cluster("The bridge cost 40 million euros.")
    second = _cluster("The new bridge cost 40 million euros.")
    client.force_login(UserFactory(is_superuser=True))

    response = client.post(
        reverse("admin:reviews_cluster_changelist"),
        {"action": "merge", "_selected_action": [first.pk, second.pk]},
        follow=True,
    )

    assert response.status_code == 200
    assert Cluster.objects.count() == 1
    page = client.get(reverse("admin:reviews_cluster_change", args=[Cluster.objects.get().pk]))
    assert page.status_code == 200 and b"appearance" in page.content


@pytest.mark.django_db
def test_a_decided_suggestion_is_not_overturned_by_a_second_click() -> None:
    from reviews.services.clusters import fact_check_suggestions_decide

    cluster = _cluster("The bridge cost 40 million euros.")
    fact = ImportedFactCheck.objects.create(claim_reviewed="Bridge cost 40 million", source_key="k")
    suggestion = FactCheckSuggestion.objects.create(cluster=cluster, fact_check=fact, score=0.7)
    first, second = UserFactory(), UserFactory()

    assert fact_check_suggestions_decide(suggestion_ids=[suggestion.pk], confirm=False, by=first)
    assert not fact_check_suggestions_decide(
        suggestion_ids=[suggestion.pk], confirm=True, by=second
    )

    suggestion.refresh_from_db()
    assert suggestion.status == FactCheckSuggestion.Status.REJECTED
    assert suggestion.decided_by == first
