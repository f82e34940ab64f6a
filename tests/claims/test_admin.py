"""The claims admin pages a reviewer reads, and what nobody may do to pipeline output by hand."""

from __future__ import annotations

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claims.models import Claim
from tests.factories import ClaimFactory, UserFactory


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_claim_list_reads_each_rows_article_with_the_rows(reviewer_client: Client) -> None:
    url = reverse("admin:claims_claim_changelist")
    ClaimFactory.create_batch(2)
    few = _queries(reviewer_client, url)
    ClaimFactory.create_batch(20)

    assert _queries(reviewer_client, url) == few


def test_claims_cannot_be_added_by_hand(db: None) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    assert client.get("/admin/claims/claim/add/").status_code == 403
    assert client.post("/admin/claims/claim/add/", {}).status_code == 403
    assert not Claim.objects.exists()
