"""Articles in: POST articles/ (their status, with the desk's view of their claims, is
reviews.api.articles)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response

from claims.api.common import ApiView
from claims.api.permissions import CanSubmit
from claims.api.serializers import (
    ArticleAcceptedSerializer,
    ArticleSubmitSerializer,
)
from claims.services import IngestError, article_submit


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "too_large"


class ArticleSubmitView(ApiView):
    permission_classes = [CanSubmit]
    throttle_scope = "submit"

    @extend_schema(
        request=ArticleSubmitSerializer,
        responses={
            202: ArticleAcceptedSerializer,
            400: OpenApiResponse(description="Field errors"),
            413: OpenApiResponse(description="Body over FACTCHECK_API_MAX_BODY_BYTES"),
        },
    )
    def post(self, request: Request) -> Response:
        """Push an article (a URL to fetch, or its HTML, or its text and title)."""
        limit = settings.FACTCHECK_API_MAX_BODY_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit:
            raise PayloadTooLarge(f"The body has {length} bytes; the limit is {limit}.")
        submitted = ArticleSubmitSerializer(data=request.data)
        submitted.is_valid(raise_exception=True)
        data = submitted.validated_data
        try:
            # The desk's "Add article" calls the same service. A URL alone is fetched now,
            # within the API's short deadline; a slower page is kept as a failed article and
            # fetched again by the task, with the full deadline.
            received = article_submit(
                url=data.get("url", ""),
                html=data.get("html", ""),
                text=data.get("text", ""),
                title=data.get("title", ""),
                published_at=data.get("published_at"),
                token=request.auth,
                deadline=settings.FACTCHECK_API_FETCH_DEADLINE,
            )
        except IngestError as exc:
            raise exceptions.ValidationError({exc.field or "url": [str(exc)]}) from exc
        article = received.article
        # Where tasks run in process (the embedded default) the article may be extracted
        # already: say so, rather than the status it was stored with.
        article.refresh_from_db(fields=["status"])
        body = {
            "id": article.pk,
            "status": article.status,
            "status_url": request.build_absolute_uri(
                reverse("api:article-detail", args=[article.pk])
            ),
            "created": received.created,
        }
        return Response(body, status=status.HTTP_202_ACCEPTED)
