"""Articles in: POST articles/ and the status of what was pushed."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.http import Http404
from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response

from claims.api.serializers import (
    ArticleAcceptedSerializer,
    ArticleStatusSerializer,
    ArticleSubmitSerializer,
)
from claims.models import Article, Claim
from claims.services import IngestError, article_fetch, article_receive
from reviews.api.common import ApiView
from reviews.api.permissions import CanSubmit
from reviews.selectors import CHECKED


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
                )
            else:
                # Fetched now, so the client gets an article id at once; a transient failure
                # (a page slower than the API's short deadline too) is kept as a failed
                # article and fetched again by the task, with the full deadline.
                received = article_fetch(
                    url=data["url"], deadline=settings.FACTCHECK_API_FETCH_DEADLINE
                )
                if received.retryable:
                    from claims.tasks import article_fetch as fetch_task

                    url = data["url"]
                    transaction.on_commit(
                        lambda: fetch_task.apply_async((url,), countdown=30), robust=True
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


class ArticleStatusView(ApiView):
    permission_classes = [CanSubmit]
    throttle_scope = "submit"

    @extend_schema(responses={200: ArticleStatusSerializer, 404: OpenApiResponse()})
    def get(self, request: Request, pk: int) -> Response:
        """An article's processing status and its claims' places in the queue."""
        article = Article.objects.filter(pk=pk).defer("raw", "clean_text").first()
        if article is None:
            raise Http404("No article has this id.")
        claims = (
            Claim.objects.filter(article=article)
            .order_by("start")
            .values_list("pk", "cluster__canonical__review", "cluster__canonical__review__status")
        )
        rows = []
        for claim_id, item_id, state in claims:
            url = None
            if state in CHECKED:
                url = request.build_absolute_uri(reverse("api:fact-check-detail", args=[item_id]))
            rows.append(
                {"id": claim_id, "queue_state": state or "not_queued", "fact_check_url": url}
            )
        return Response(
            ArticleStatusSerializer(
                {
                    "id": article.pk,
                    "url": article.url,
                    "title": article.title or article.given_title,
                    "status": article.status,
                    "error": _client_error(article),
                    "duplicate_of": article.duplicate_of_id,
                    "received_at": article.received_at,
                    "extracted_at": article.extracted_at,
                    "claims": rows,
                }
            ).data
        )


def _client_error(article: Article) -> str:
    # `error` is for the desk: it may name internal addresses or the resolver's messages.
    if article.status != Article.Status.FAILED:
        return ""
    return article.client_error or f"processing failed (reference article {article.pk})"
