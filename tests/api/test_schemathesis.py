"""Schemathesis against the API's own OpenAPI schema: for valid and invalid requests to every
operation, no 5xx and no answer that breaks the schema."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from tests.api import helpers as h

EXAMPLES = 20
OPERATIONS = [
    ("GET", "/api/v1/"),
    ("GET", "/api/v1/fact-checks/"),
    ("GET", "/api/v1/fact-checks/{id}/"),
    ("GET", "/api/v1/fact-checks/{id}/claimreview/"),
    ("GET", "/api/v1/fact-checks/{id}/sources/{source_id}/archive/"),
    ("GET", "/api/v1/search/"),
    ("POST", "/api/v1/articles/"),
    ("GET", "/api/v1/articles/{id}/"),
    ("GET", "/api/v1/webhooks/"),
    ("POST", "/api/v1/webhooks/"),
    ("GET", "/api/v1/webhooks/{id}/"),
    ("DELETE", "/api/v1/webhooks/{id}/"),
]
# Operations that take no input at all: there is no invalid request to generate for them.
WITHOUT_INPUT = {("GET", "/api/v1/")}
RUNS = [
    (mode, method, path)
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    for method, path in OPERATIONS
    if mode is GenerationMode.POSITIVE or (method, path) not in WITHOUT_INPUT
]

pytestmark = [pytest.mark.schemathesis, pytest.mark.django_db]


@pytest.fixture
def api_schema(settings: Any) -> Iterator[Any]:
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    # As Django's test client does: a request must not close the test's transaction.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", WSGIHandler())
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def token_header() -> str:
    """Two published fact-checks (one corrected) and a token with every scope."""
    item = h.published("Crime fell by half.", url="https://news.example.com/crime")
    h.correct(item)
    h.published("Rents rose 40 percent.", speaker="Mayor Smith")
    return h.client("read", "submit", "search")._credentials["HTTP_AUTHORIZATION"]  # type: ignore[attr-defined,no-any-return]


def test_the_schema_lists_exactly_the_operations_fuzzed_here(api_schema: Any) -> None:
    listed = {
        (method.upper(), path)
        for path, methods in api_schema.raw_schema["paths"].items()
        for method in methods
    }
    assert listed == set(OPERATIONS)


@pytest.mark.parametrize(("mode", "method", "path"), RUNS)
def test_generated_requests_get_no_5xx_and_answers_within_the_schema(
    api_schema: Any, token_header: str, method: str, path: str, mode: GenerationMode
) -> None:
    operation = api_schema[path][method]

    @given(case=operation.as_strategy(generation_mode=mode))
    @hypothesis_settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
        database=None,
    )
    def run(case: Any) -> None:
        case.call_and_validate(
            headers={"Authorization": token_header},
            checks=[not_a_server_error, response_schema_conformance],
        )

    run()
