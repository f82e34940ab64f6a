"""The cluster pages reviewers read: appearances, suggestions and events of one claim."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claims.models import Publisher
from reviews.admin import clusters as cluster_admin
from reviews.models import Cluster
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    UserFactory,
    appearance,
    cluster_get,
    cluster_of,
)


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_cluster_page_reads_its_appearances_articles_with_them(db: None) -> None:
    admin_user = UserFactory(is_superuser=True)
    client = Client()
    client.force_login(admin_user)
    canonical = ClaimFactory()
    url = reverse("admin:reviews_cluster_change", args=[cluster_of(canonical)])

    def appear(times: int) -> None:
        for _ in range(times):
            n = Publisher.objects.count()
            publisher = Publisher.objects.create(name=f"P{n}", domain=f"p{n}.example.org")
            appearance(cluster_get(canonical), article=ArticleFactory(publisher=publisher))

    appear(2)
    _queries(client, url)  # the first page view also caches the content types
    few = _queries(client, url)
    appear(10)

    assert _queries(client, url) == few


def test_a_widely_repeated_claims_cluster_page_shows_the_first_appearances_and_links_all(
    reviewer_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cluster_admin, "CLUSTER_PAGE_ROWS", 3)
    canonical = ClaimFactory(text="The first wording.")
    cluster = cluster_get(canonical)
    repeats = [appearance(cluster, text=f"Repeat number {n}.") for n in range(5)]
    Cluster.objects.filter(pk=cluster.pk).update(appearance_count=6)

    page = reviewer_client.get(reverse("admin:reviews_cluster_change", args=[cluster.pk]))

    text = page.content.decode()
    assert page.status_code == 200
    assert "The first wording." in text and "Repeat number 1." in text
    assert "Repeat number 2." not in text and "Repeat number 4." not in text
    assert "the first 3 of 6 below" in text
    listed = reviewer_client.get(
        reverse("admin:reviews_clustermember_changelist"), {"cluster__id__exact": cluster.pk}
    )
    assert listed.status_code == 200
    assert {member.claim_id for member in listed.context["cl"].result_list} == {
        canonical.pk,
        *(repeat.pk for repeat in repeats),
    }
