"""The claims' admin pages a reviewer reads."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reviews.services import demo_accounts_ensure
from tests.factories import ClaimFactory


@pytest.fixture
def reviewer_client(db: None) -> Client:
    demo_accounts_ensure(password="pw")
    client = Client()
    assert client.login(username="reviewer", password="pw")
    return client


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
