"""ApiToken moved from reviews to claims: a database with tokens keeps them, their keys, their
webhooks and the permissions granted on them."""

from __future__ import annotations

import hashlib

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from rest_framework.test import APIClient

from claims.models import ApiToken
from reviews.models import WebhookEndpoint

BEFORE = [("claims", "0010_vector_extension"), ("reviews", "0016_queue_open_order")]


def _migrate(targets: list[tuple[str, str]] | None) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets or executor.loader.graph.leaf_nodes())
    return MigrationExecutor(connection)  # a fresh loader sees what is applied now


@pytest.mark.django_db(transaction=True)
def test_tokens_their_webhooks_and_permissions_survive_the_move_to_claims() -> None:
    key = "fc_" + "k" * 43
    executor = _migrate(BEFORE)
    try:
        old = executor.loader.project_state(BEFORE).apps
        token = old.get_model("reviews", "ApiToken").objects.create(
            name="cms",
            key_hash=hashlib.sha256(key.encode()).hexdigest(),
            prefix=key[:10],
            scopes=["read"],
        )
        old.get_model("reviews", "WebhookEndpoint").objects.create(
            url="https://cms.example.org/hook", secret="s", events=[], token_id=token.pk
        )
        content_type = old.get_model("contenttypes", "ContentType").objects.get(
            app_label="reviews", model="apitoken"
        )
        group = old.get_model("auth", "Group").objects.create(name="token keepers")
        group.permissions.add(
            old.get_model("auth", "Permission").objects.get(
                content_type=content_type, codename="view_apitoken"
            )
        )
    finally:
        _migrate(None)

    moved = ApiToken.objects.get(name="cms")
    assert moved.pk == token.pk and moved.scopes == ["read"]
    assert WebhookEndpoint.objects.get(url="https://cms.example.org/hook").token == moved
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
    assert "claims_apitoken" in tables and "reviews_apitoken" not in tables
    assert Group.objects.get(name="token keepers").permissions.get().content_type.app_label == (
        "claims"
    )
    # The key handed out before the move still opens the API.
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/fact-checks/").status_code == 200
