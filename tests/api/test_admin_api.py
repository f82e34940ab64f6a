"""Admin of the API: tokens shown once on creation, webhook deliveries replayed."""

from __future__ import annotations

import pytest
from django.test import Client

from claims.models import ApiToken
from reviews.models import WebhookDelivery
from reviews.services import webhooks
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _admin() -> Client:
    client = Client()
    client.force_login(UserFactory(is_superuser=True))
    return client


def test_a_token_added_in_admin_shows_its_key_once_and_the_key_works() -> None:
    response = _admin().post(
        "/admin/claims/apitoken/add/",
        {"name": "cms", "active": "on", "scope_choices": ["read", "search"]},
        follow=True,
    )
    token = ApiToken.objects.get(name="cms")
    message = next(str(m) for m in response.context["messages"] if "shown only now" in str(m))
    key = message.rsplit(" ", 1)[-1]
    assert token.scopes == ["read", "search"] and token.key_hash == ApiToken.hash_key(key)
    api = Client(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/fact-checks/").status_code == 200


def test_replaying_deliveries_in_admin_queues_them_again() -> None:
    webhooks.webhook_endpoint_register(
        url="http://127.0.0.1:9/hook", events=["fact_check.published"]
    )
    (delivery,) = webhooks.deliveries_create(event="fact_check.published", payload={"a": 1})
    WebhookDelivery.objects.filter(pk=delivery.pk).update(status="failed", attempts=8)

    _admin().post(
        "/admin/reviews/webhookdelivery/",
        {"action": "replay", "_selected_action": [delivery.pk]},
        follow=True,
    )

    replay = WebhookDelivery.objects.exclude(pk=delivery.pk).get()
    assert replay.status == "pending" and replay.payload == {"a": 1} and replay.attempts == 0
