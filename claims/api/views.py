"""Articles in: POST articles/ (their status, with the desk's view of their claims, is
reviews.api.articles)."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response

from claims import tasks
from claims.api.common import ApiView
from claims.api.permissions import CanSubmit
from claims.api.serializers import (
    ArticleAcceptedSerializer,
    ArticleSubmitSerializer,
)
from claims.models import Article
from claims.services import IngestError, article_fetch, article_receive


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
            if "html" in data or "text" in data:
                is_html = "html" in data
                received = article_receive(
                    raw=(data["html"] if is_html else data["text"]).encode("utf-8"),
                    fmt=Article.Format.HTML if is_html else Article.Format.TEXT,
                    source=Article.Source.PUSH,
                    url=data.get("url", ""),
                    title=data.get("title", ""),
                    token=request.auth,
                )
            else:
                # Fetched now, so the client gets an article id at once; a transient failure
                # (a page slower than the API's short deadline too) is kept as a failed
                # article and fetched again by the task, with the full deadline.
                received = article_fetch(
                    url=data["url"],
                    deadline=settings.FACTCHECK_API_FETCH_DEADLINE,
                    token=request.auth,
                )
                if received.retryable:
                    url = data["url"]
                    transaction.on_commit(
                        lambda: tasks.article_fetch.apply_async((url,), countdown=30), robust=True
                    )
        except IngestError as exc:
            raise exceptions.ValidationError({"url": [str(exc)]}) from exc
        article = received.article
        body = {
            "id": article.pk,
            "status": article.status,
            "status_url": request.build_absolute_uri(
                reverse("api:article-detail", args=[article.pk])
            ),
            "created": received.created,
        }
        return Response(body, status=status.HTTP_202_ACCEPTED)
