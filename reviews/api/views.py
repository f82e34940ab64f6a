"""Read endpoints of the publishing API: thin, everything they show comes from selectors."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.http import Http404, HttpResponse
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.generics import ListAPIView
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from claims.api.common import ApiView, StrictCursorPagination
from claims.api.permissions import CanRead, CanSearch
from reviews.api.filters import FactCheckFilter
from reviews.api.serializers import (
    FactCheckSerializer,
    SearchResultsSerializer,
    serializer_context,
)
from reviews.rendering import absolute_url, claim_review, fact_checks_path
from reviews.selectors import (
    archived_source_get,
    fact_check_get,
    fact_checks_load,
    fact_checks_published,
    fact_checks_published_search,
)
from reviews.services.records import json_text, record_for, record_text, with_stored_records


class CachedMixin:
    cacheable = True

    def cached(self, request: Request) -> HttpResponse | None:
        key = self._cache_key(request)  # type: ignore[attr-defined]
        hit = cache.get(key) if key else None
        if hit is None:
            return None
        content, content_type = hit
        response = HttpResponse(content, content_type=content_type)
        response.from_cache = True  # type: ignore[attr-defined]
        return response


class FactCheckList(CachedMixin, ListAPIView, ApiView):
    """Published fact-checks, most recently published or corrected first."""

    permission_classes = [CanRead]
    serializer_class = FactCheckSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = FactCheckFilter
    pagination_class = StrictCursorPagination
    allowed_params = (*FactCheckFilter.base_filters, "cursor", "page_size")

    def get_queryset(self) -> Any:
        return fact_checks_published()

    def filter_queryset(self, queryset: Any) -> Any:
        # With no filter in the query, django-filter's form would cost time and change nothing.
        if not any(name in self.request.query_params for name in FactCheckFilter.base_filters):
            return queryset
        return super().filter_queryset(queryset)

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Any:
        hit = self.cached(request)
        if hit is not None:
            return hit
        queryset = self.filter_queryset(self.get_queryset())
        if not plain_json(request):
            page = self.paginate_queryset(queryset)
            records = fact_checks_load(page)  # type: ignore[arg-type]
            data = FactCheckSerializer(
                records, many=True, context=serializer_context(request, records)
            ).data
            return self.get_paginated_response(data)
        # The stored records, joined as text: the page is one query and nothing is parsed.
        page = self.paginate_queryset(stored_rows(queryset))
        texts = stored_or_rendered(page)  # type: ignore[arg-type]
        base = absolute_url(request, fact_checks_path())
        paginator = self.paginator
        body = "".join(
            [
                '{"next":',
                json_text(paginator.get_next_link()),  # type: ignore[union-attr]
                ',"previous":',
                json_text(paginator.get_previous_link()),  # type: ignore[union-attr]
                ',"results":[',
                record_for(",".join(texts), base=base),
                "]}",
            ]
        )
        return HttpResponse(body.encode(), content_type=JSONRenderer.media_type)


def plain_json(request: Request) -> bool:
    """Whether the answer is compact JSON (not the browsable API, not indented)."""
    renderer = getattr(request, "accepted_renderer", None)
    media_type = getattr(request, "accepted_media_type", "") or ""
    return type(renderer) is JSONRenderer and "indent" not in media_type


def stored_rows(verdicts: Any) -> Any:
    """Rows (dicts) of `fact_checks_published()` with what a page needs: the cursor's
    fields, the item and its stored record; no model instances, no unused columns."""
    return with_stored_records(verdicts).values("id", "published_at", "review_item_id", "record")


def stored_or_rendered(rows: list[dict[str, Any]]) -> list[str]:
    """The records' JSON texts (with the base mark): stored, or rendered now if missing."""
    texts: list[str | None] = [row["record"] for row in rows]
    missing = [row["id"] for row, text in zip(rows, texts, strict=True) if text is None]
    if missing:
        fresh = fact_checks_published().filter(pk__in=missing)
        rendered = {r.id: record_text(r) for r in fact_checks_load(list(fresh))}
        texts = [
            text if text is not None else rendered[row["review_item_id"]]
            for row, text in zip(rows, texts, strict=True)
        ]
    return texts  # type: ignore[return-value]


class FactCheckDetail(CachedMixin, ApiView):
    permission_classes = [CanRead]

    @extend_schema(responses={200: FactCheckSerializer, 404: OpenApiResponse(description="")})
    def get(self, request: Request, pk: int) -> Any:
        """One published fact-check."""
        hit = self.cached(request)
        if hit is not None:
            return hit
        if plain_json(request):
            row = stored_rows(fact_checks_published().filter(review_item_id=pk)).first()
            if row is None:
                raise Http404("No published fact-check has this number.")
            text = stored_or_rendered([row])[0]
            body = record_for(text, base=absolute_url(request, fact_checks_path()))
            return HttpResponse(body.encode(), content_type=JSONRenderer.media_type)
        fact_check = fact_check_get(item_id=pk)
        if fact_check is None:
            raise Http404("No published fact-check has this number.")
        return Response(
            FactCheckSerializer(fact_check, context=serializer_context(request, [fact_check])).data
        )


class JsonLdRenderer(JSONRenderer):
    media_type = "application/ld+json"
    format = "jsonld"


class ClaimReviewView(CachedMixin, ApiView):
    permission_classes = [CanRead]
    renderer_classes = [JsonLdRenderer, JSONRenderer]

    @extend_schema(
        responses={
            (200, "application/ld+json"): OpenApiTypes.OBJECT,
            404: OpenApiResponse(description="No published fact-check has this number."),
        }
    )
    def get(self, request: Request, pk: int) -> Any:
        """The fact-check as schema.org ClaimReview (JSON-LD)."""
        hit = self.cached(request)
        if hit is not None:
            return hit
        fact_check = fact_check_get(item_id=pk)
        if fact_check is None:
            raise Http404("No published fact-check has this number.")
        return Response(claim_review(request, fact_check))


class PlainTextRenderer(BaseRenderer):
    media_type = "text/plain"
    format = "txt"
    charset = "utf-8"

    def render(self, data: Any, accepted_media_type: Any = None, context: Any = None) -> bytes:
        if isinstance(data, str):
            return data.encode()
        return JSONRenderer().render(data)


class SourceArchiveView(ApiView):
    permission_classes = [CanRead]
    renderer_classes = [PlainTextRenderer, JSONRenderer]

    @extend_schema(responses={(200, "text/plain"): OpenApiTypes.STR, 404: OpenApiResponse()})
    def get(self, request: Request, pk: int, source_id: int) -> Any:
        """The text of a source as it was archived when the fact-checker cited it."""
        source = archived_source_get(item_id=pk, source_id=source_id)
        if source is None:
            raise Http404("No archived copy of this source in a published fact-check.")
        response = Response(source.archived_text)
        response["X-Archived-SHA256"] = source.archived_hash
        return response


class SearchQuerySerializer(serializers.Serializer):
    q = serializers.CharField(max_length=5000, help_text="The text to look for.")
    limit = serializers.IntegerField(min_value=1, max_value=50, default=10)


class SearchView(ApiView):
    permission_classes = [CanSearch]
    throttle_scope = "search"
    allowed_params = ("q", "limit")

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, required=True, description="The text to look for."),
            OpenApiParameter("limit", int, description="At most this many results (1-50)."),
        ],
        responses={200: SearchResultsSerializer},
    )
    def get(self, request: Request) -> Any:
        """Has this been checked? Published fact-checks matching a text, best first."""
        query = SearchQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        text = query.validated_data["q"]
        if not text.strip():
            raise serializers.ValidationError({"q": ["The text is blank."]})
        hits = fact_checks_published_search(text=text, limit=query.validated_data["limit"])
        records = [hit.fact_check for hit in hits]
        context = serializer_context(request, records)
        return Response(
            SearchResultsSerializer({"query": text, "results": hits}, context=context).data
        )
