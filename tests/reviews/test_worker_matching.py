"""Matching on the sample articles, through a real worker: the repeated pledge is one claim."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from claims.models import Article, Claim
from reviews.models import Cluster, ClusterMember, ClusterSuggestion, ReviewItem
from tests.conftest import wait_until
from tests.factories import cluster_of
from tests.paths import SAMPLE_ARTICLES

pytestmark = pytest.mark.celery_worker


def _claim(*words: str) -> Claim:
    found = Claim.objects.all()
    for word in words:
        found = found.filter(text__icontains=word)
    return found.get()


def test_the_two_reports_of_the_pledge_join_one_cluster_and_denials_stay_apart(
    celery_worker: object,
) -> None:
    call_command("ingest", str(SAMPLE_ARTICLES), "--no-progress")
    wait_until(
        lambda: (
            Article.objects.count() == 5
            and not Article.objects.filter(status=Article.Status.RECEIVED).exists()
            and not ClusterMember.objects.filter(matched_at__isnull=True).exists()
        ),
        timeout=180,
    )

    asserted = _claim("24 hours", "asserted")
    pledged = _claim("24 hours", "pledged")
    assert cluster_of(asserted) == cluster_of(pledged)
    cluster = Cluster.objects.get(pk=cluster_of(asserted))
    assert cluster.appearance_count == 2
    assert ReviewItem.objects.filter(claim__membership__cluster=cluster).count() == 1
    # Nothing else merged: every other claim is still its own cluster with its own entry.
    assert Cluster.objects.count() == Claim.objects.count() - 1 == ReviewItem.objects.count()

    denial = _claim("Peskov denied on Wednesday")
    confirmation = _claim("reaffirmed ongoing confidential contacts")
    assert cluster_of(denial) != cluster_of(confirmation)
    pair = {cluster_of(denial), cluster_of(confirmation)}
    assert any(
        {s.cluster_id, s.other_id} == pair
        for s in ClusterSuggestion.objects.filter(kind=ClusterSuggestion.Kind.CONTRADICTION)
    )
