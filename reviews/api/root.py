"""The API's root, /api/v1/: where each endpoint is, for a client or a person exploring it.

Public like the schema and its docs: it names addresses, never data, so it needs no token.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.reverse import reverse

from claims.api.common import ApiView

# Each link's name and the URL name it points to; the endpoints under an id (one fact-check,
# one article's status, one webhook) are reached from the answers of these.
ENDPOINTS = {
    "fact_checks": "api:fact-check-list",
    "search": "api:search",
    "articles": "api:article-submit",
    "webhooks": "api:webhook-list",
    "schema": "api:schema",
    "docs": "api:docs",
}


class ApiRootView(ApiView):
    """Absolute links to the API's endpoints; no token needed."""

    name = "API root"

    authentication_classes = []
    permission_classes = [AllowAny]
    throttle_classes = []

    @extend_schema(
        operation_id="api_root",
        summary="The API's endpoints",
        auth=[],
        responses=inline_serializer(
            "ApiRoot", {name: serializers.URLField() for name in ENDPOINTS}
        ),
    )
    def get(self, request: Request) -> Response:
        return Response(
            {name: reverse(url_name, request=request) for name, url_name in ENDPOINTS.items()}
        )
