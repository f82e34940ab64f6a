"""/api/v1/ lists the API's endpoints, without a token."""

from __future__ import annotations

import pytest
from django.test import Client

from tests.api import helpers as h

pytestmark = pytest.mark.django_db


def test_the_api_root_links_every_endpoint_without_a_token() -> None:
    response = Client().get("/api/v1/", HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    assert response.json() == {
        "fact_checks": "http://testserver/api/v1/fact-checks/",
        "search": "http://testserver/api/v1/search/",
        "articles": "http://testserver/api/v1/articles/",
        "webhooks": "http://testserver/api/v1/webhooks/",
        "schema": "http://testserver/api/v1/schema/",
        "docs": "http://testserver/api/v1/docs/",
    }


def test_the_api_root_ignores_a_bad_token_and_still_needs_one_below_it() -> None:
    bad = Client(HTTP_AUTHORIZATION="Token wrong")

    assert bad.get("/api/v1/", HTTP_ACCEPT="application/json").status_code == 200
    assert bad.get("/api/v1/fact-checks/").status_code == 401
    assert h.client("read").get("/api/v1/").status_code == 200


def test_the_api_root_is_in_the_schema_as_public() -> None:
    schema = Client().get("/api/v1/schema/?format=json").json()

    operation = schema["paths"]["/api/v1/"]["get"]
    assert "security" not in operation and "security" not in schema
    answer = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert answer == {"$ref": "#/components/schemas/ApiRoot"}
    listed = schema["components"]["schemas"]["ApiRoot"]["required"]
    assert sorted(listed) == ["articles", "docs", "fact_checks", "schema", "search", "webhooks"]
