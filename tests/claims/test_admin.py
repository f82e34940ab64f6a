"""The claims admin pages a reviewer reads, and what nobody may do to pipeline output by hand."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claims.models import Claim, Cluster, Publisher
from tests.factories import ArticleFactory, ClaimFactory, UserFactory


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_claim_list_reads_each_rows_cluster_with_the_rows(reviewer_client: Client) -> None:
    url = reverse("admin:claims_claim_changelist")
    ClaimFactory.create_batch(2)
    few = _queries(reviewer_client, url)
    ClaimFactory.create_batch(20)

    assert _queries(reviewer_client, url) == few


def test_the_cluster_page_reads_its_appearances_articles_with_them(db: None) -> None:
    admin_user = UserFactory(is_superuser=True)
    client = Client()
    client.force_login(admin_user)
    canonical = ClaimFactory()
    url = reverse("admin:claims_cluster_change", args=[canonical.cluster_id])

    def appear(times: int) -> None:
        for _ in range(times):
            n = Publisher.objects.count()
            publisher = Publisher.objects.create(name=f"P{n}", domain=f"p{n}.example.org")
            ClaimFactory(article=ArticleFactory(publisher=publisher), cluster=canonical.cluster)

    appear(2)
    _queries(client, url)  # the first page view also caches the content types
    few = _queries(client, url)
    appear(10)

    assert _queries(client, url) == few


def test_a_widely_repeated_claims_cluster_page_shows_the_first_appearances_and_links_all(
    reviewer_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from claims import admin as claims_admin

    monkeypatch.setattr(claims_admin, "CLUSTER_PAGE_ROWS", 3)
    canonical = ClaimFactory(text="The first wording.")
    cluster = canonical.cluster
    repeats = [ClaimFactory(cluster=cluster, text=f"Repeat number {n}.") for n in range(5)]
    Cluster.objects.filter(pk=cluster.pk).update(appearance_count=6)

    page = reviewer_client.get(reverse("admin:claims_cluster_change", args=[cluster.pk]))

    text = page.content.decode()
    assert page.status_code == 200
    assert "The first wording." in text and "Repeat number 1." in text
    assert "Repeat number 2." not in text and "Repeat number 4." not in text
    assert "the first 3 of 6 below" in text
    listed = reviewer_client.get(
        reverse("admin:claims_claim_changelist"), {"cluster__id__exact": cluster.pk}
    )
    assert listed.status_code == 200
    assert {claim.pk for claim in listed.context["cl"].result_list} == {
        canonical.pk,
        *(repeat.pk for repeat in repeats),
    }


def test_claims_cannot_be_added_by_hand(db: None) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    assert client.get("/admin/claims/claim/add/").status_code == 403
    assert client.post("/admin/claims/claim/add/", {}).status_code == 403
    assert not Claim.objects.exists()
