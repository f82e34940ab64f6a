"""webhooks/: a token with the `read` scope registers, lists and removes its own endpoints.

The `read` scope, because a webhook tells an endpoint nothing the token could not read itself.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from claims.api.common import ApiView
from claims.api.permissions import CanRead
from claims.api.serializers import StrictCharField
from reviews.models import WebhookEndpoint
from reviews.services.webhooks import WebhookError, webhook_endpoint_register


class WebhookSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    url = StrictCharField(max_length=2000)
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookEndpoint.Event.choices), min_length=1
    )
    description = StrictCharField(max_length=200, required=False, default="")
    active = serializers.BooleanField(read_only=True)
    created_at = serializers.DateTimeField(read_only=True)


class WebhookCreatedSerializer(WebhookSerializer):
    secret = serializers.CharField(
        read_only=True, help_text="Key of the signatures; shown only in this answer."
    )


class WebhookListView(ApiView):
    permission_classes = [CanRead]

    @extend_schema(responses={200: WebhookSerializer(many=True)})
    def get(self, request: Request) -> Response:
        """This token's webhook endpoints."""
        endpoints = WebhookEndpoint.objects.filter(token=request.auth)
        return Response(WebhookSerializer(endpoints, many=True).data)

    @extend_schema(
        request=WebhookSerializer,
        responses={201: WebhookCreatedSerializer, 400: OpenApiResponse(description="")},
    )
    def post(self, request: Request) -> Response:
        """Register an endpoint for fact_check.published and/or fact_check.corrected."""
        submitted = WebhookSerializer(data=request.data)
        submitted.is_valid(raise_exception=True)
        data = submitted.validated_data
        try:
            endpoint = webhook_endpoint_register(
                url=data["url"],
                events=data["events"],
                token=request.auth,
                description=data["description"],
            )
        except WebhookError as exc:
            raise serializers.ValidationError({"url": [str(exc)]}) from exc
        return Response(WebhookCreatedSerializer(endpoint).data, status=status.HTTP_201_CREATED)


class WebhookDetailView(ApiView):
    permission_classes = [CanRead]

    def _endpoint(self, request: Request, pk: int) -> WebhookEndpoint:
        endpoint = WebhookEndpoint.objects.filter(pk=pk, token=request.auth).first()
        if endpoint is None:
            raise Http404("This token has no webhook endpoint with this id.")
        return endpoint

    @extend_schema(responses={200: WebhookSerializer, 404: OpenApiResponse()})
    def get(self, request: Request, pk: int) -> Response:
        """One of this token's endpoints."""
        return Response(WebhookSerializer(self._endpoint(request, pk)).data)

    @extend_schema(responses={204: None, 404: OpenApiResponse()})
    def delete(self, request: Request, pk: int) -> Any:
        """Remove an endpoint; nothing more is sent to it."""
        self._endpoint(request, pk).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
