"""The status of a pushed article: its processing, and where its claims stand on the desk."""

from __future__ import annotations

from django.http import Http404
from django.urls import reverse
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from claims.api.common import ApiView
from claims.api.permissions import CanSubmit
from claims.models import Article, Claim
from reviews.models import ReviewItem
from reviews.selectors import CHECKED


class ArticleClaimSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    queue_state = serializers.ChoiceField(
        choices=[*ReviewItem.Status.choices, ("not_queued", "Not queued")]
    )
    fact_check_url = serializers.URLField(allow_null=True)


class ArticleStatusSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.CharField()
    title = serializers.CharField()
    status = serializers.ChoiceField(choices=Article.Status.choices)
    error = serializers.CharField(help_text="Why processing failed, when it did.")
    duplicate_of = serializers.IntegerField(allow_null=True)
    received_at = serializers.DateTimeField()
    extracted_at = serializers.DateTimeField(allow_null=True)
    claims = ArticleClaimSerializer(many=True)


class ArticleStatusView(ApiView):
    permission_classes = [CanSubmit]
    throttle_scope = "submit"

    @extend_schema(responses={200: ArticleStatusSerializer, 404: OpenApiResponse()})
    def get(self, request: Request, pk: int) -> Response:
        """An article's processing status and its claims' places in the queue."""
        # Only a token that pushed the article may read it: another client's URLs, titles and
        # errors are theirs. Any other id reads as one that does not exist.
        article = (
            Article.objects.filter(pk=pk, submitted_by=request.auth)
            .defer("raw", "clean_text")
            .first()
        )
        if article is None:
            raise Http404("This token submitted no article with this id.")
        claims = (
            Claim.objects.filter(article=article)
            .order_by("start")
            .values_list(
                "pk",
                "membership__cluster__canonical__review",
                "membership__cluster__canonical__review__status",
            )
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
