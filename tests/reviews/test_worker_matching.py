"""Matching on the sample articles, through a real worker: the repeated pledge is one claim."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from claims.models import Article, Claim, Cluster, ClusterSuggestion
from reviews.models import ReviewItem
from tests.conftest import wait_until
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
            and not Claim.objects.filter(matched_at__isnull=True).exists()
        ),
        timeout=180,
    )

    asserted = _claim("24 hours", "asserted")
    pledged = _claim("24 hours", "pledged")
    assert asserted.cluster_id == pledged.cluster_id
    cluster = Cluster.objects.get(pk=asserted.cluster_id)
    assert cluster.appearance_count == 2
    assert ReviewItem.objects.filter(claim__cluster=cluster).count() == 1
    # Nothing else merged: every other claim is still its own cluster with its own entry.
    assert Cluster.objects.count() == Claim.objects.count() - 1 == ReviewItem.objects.count()

    denial = _claim("Peskov denied on Wednesday")
    confirmation = _claim("reaffirmed ongoing confidential contacts")
    assert denial.cluster_id != confirmation.cluster_id
    pair = {denial.cluster_id, confirmation.cluster_id}
    assert any(
        {s.cluster_id, s.other_id} == pair
        for s in ClusterSuggestion.objects.filter(kind=ClusterSuggestion.Kind.CONTRADICTION)
    )
