"""`rows_update` writes what `bulk_update` would, in one statement on PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from claims.models import Claim
from factcheck.db import rows_update
from reviews.models import Cluster
from tests.factories import ClaimFactory


@pytest.mark.django_db
def test_integers_and_times_of_several_rows_are_written_in_one_statement() -> None:
    claims = [ClaimFactory() for _ in range(3)]
    clusters = list(Cluster.objects.filter(canonical__in=claims).order_by("pk"))
    later = timezone.now() + timedelta(days=2)
    for count, cluster in enumerate(clusters, start=2):
        cluster.appearance_count = count
        cluster.last_seen_at = later
    untouched = ClaimFactory()

    with CaptureQueriesContext(connection) as queries:
        written = rows_update(Cluster, clusters[:2], ["appearance_count", "last_seen_at"])

    assert written == 2 and len(queries.captured_queries) == 1
    stored = dict(Cluster.objects.values_list("canonical_id", "appearance_count"))
    assert [stored[claim.pk] for claim in claims] == [2, 3, 1]
    assert stored[untouched.pk] == 1
    assert Cluster.objects.get(pk=clusters[0].pk).last_seen_at == later


@pytest.mark.django_db
def test_vectors_and_nulls_are_written_as_given() -> None:
    first, second = ClaimFactory(), ClaimFactory()
    vector = np.zeros(384, dtype=np.float32)
    vector[:3] = [0.5, -0.25, 0.125]
    first.embedding = [float(value) for value in vector]
    second.embedding = None

    rows_update(Claim, [first, second], ["embedding"])

    stored = dict(Claim.objects.values_list("pk", "embedding"))
    assert np.asarray(stored[first.pk], dtype=np.float32)[:4].tolist() == [0.5, -0.25, 0.125, 0.0]
    assert stored[second.pk] is None


def test_nothing_to_write_sends_nothing() -> None:
    assert rows_update(Cluster, [], ["appearance_count"]) == 0
