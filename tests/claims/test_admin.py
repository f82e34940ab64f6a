"""The claims admin: what reviewers can and cannot do to pipeline output by hand."""

from __future__ import annotations

import pytest
from django.test import Client

from claims.models import Claim
from tests.factories import UserFactory


@pytest.mark.django_db
def test_claims_cannot_be_added_by_hand() -> None:
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    assert client.get("/admin/claims/claim/add/").status_code == 403
    assert client.post("/admin/claims/claim/add/", {}).status_code == 403
    assert not Claim.objects.exists()
