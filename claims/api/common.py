"""What every API view shares: strict query parameters, cursor pages that fail with 400,
conditional GET, and the API's authentication, throttling and caching (the API of both apps:
the articles newsroom systems push in and the fact-checks they read)."""

from __future__ import annotations

import datetime
import hashlib
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponseBase
from django.utils.cache import get_conditional_response
from django.utils.dateparse import parse_datetime
from rest_framework import exceptions
from rest_framework.pagination import CursorPagination
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from claims.api.authentication import ApiTokenAuthentication
from claims.api.throttling import TokenRateThrottle
from claims.services.api_cache import api_cache_generation


class StrictCursorPagination(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 100
    ordering = ("-published_at", "-id")
    invalid_cursor_message = "Invalid cursor: use the 'next' or 'previous' link as given."

    def decode_cursor(self, request: Request) -> Any:
        try:
            cursor = super().decode_cursor(request)
        except exceptions.NotFound as exc:
            # A malformed cursor is the client's mistake, not a missing page.
            raise exceptions.ValidationError({"cursor": [self.invalid_cursor_message]}) from exc
        if cursor is None or cursor.position is None:
            return cursor
        # The position goes into a query on published_at as it is: one that is not a time
        # PostgreSQL takes (a forged or cut cursor) would fail the query, not the client.
        position = _utc_datetime(cursor.position)
        if position is None:
            raise exceptions.ValidationError({"cursor": [self.invalid_cursor_message]})
        return cursor._replace(position=position.isoformat())

    def get_page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        # str.isdigit() also takes "²" and other digits int() refuses, and int() refuses
        # thousands of digits: only a few ASCII digits are a page size.
        if not (raw.isascii() and raw.isdigit() and len(raw) <= 3) or not (
            1 <= int(raw) <= self.max_page_size
        ):
            raise exceptions.ValidationError(
                {"page_size": [f"A whole number from 1 to {self.max_page_size}."]}
            )
        return int(raw)


def _utc_datetime(text: str) -> datetime.datetime | None:
    """`text` as an aware datetime in UTC, or None if it is no time PostgreSQL could take."""
    try:
        value = parse_datetime(text)
    except ValueError:
        return None
    if value is None or value.tzinfo is None:
        return None
    try:
        return value.astimezone(datetime.UTC)
    except OverflowError:
        return None


class StrictJSONParser(JSONParser):
    """DRF's JSON parser, with a body nested too deep for json.load a 400, not a 500."""

    def parse(self, stream: Any, media_type: Any = None, parser_context: Any = None) -> Any:
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            # json.load recurses once per [ or {: a few thousand of them exhaust the stack.
            raise exceptions.ParseError("JSON parse error - nested too deeply.") from exc


class ApiView(APIView):
    """Base of the API's views. `allowed_params` lists the query parameters a view takes."""

    authentication_classes = [ApiTokenAuthentication]
    parser_classes = [StrictJSONParser, FormParser, MultiPartParser]
    throttle_classes = [TokenRateThrottle]
    throttle_scope = "read"
    allowed_params: tuple[str, ...] = ()
    cacheable = False

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        # `format` picks a renderer (DRF's URL_FORMAT_OVERRIDE), on every view.
        allowed_params = [*self.allowed_params, "format"]
        unknown = sorted(set(request.query_params) - set(allowed_params))
        if unknown:
            raise exceptions.ValidationError(
                {
                    "detail": f"Unknown query parameter(s): {', '.join(unknown)}. "
                    f"Allowed: {', '.join(allowed_params)}.",
                    "unknown": unknown,
                    "allowed": allowed_params,
                }
            )

    def _cache_key(self, request: HttpRequest) -> str | None:
        seconds = settings.FACTCHECK_API_CACHE_SECONDS
        if not (self.cacheable and seconds and request.method == "GET"):
            return None
        # Asked twice per request (look-up, then store): one Redis read is enough.
        if not hasattr(self, "_cache_key_memo"):
            generation = api_cache_generation()
            # The Accept header picks the renderer: the browsable API's HTML is not JSON.
            asked = f"{request.get_full_path()}\n{request.META.get('HTTP_ACCEPT', '')}"
            path = hashlib.sha256(asked.encode()).hexdigest()
            self._cache_key_memo = f"api:{generation}:{path}"
        return self._cache_key_memo

    def finalize_response(
        self, request: Request, response: HttpResponseBase, *args: Any, **kwargs: Any
    ) -> HttpResponseBase:
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        if isinstance(response, Response):
            response.render()
        if not getattr(response, "from_cache", False):
            key = self._cache_key(request)
            if key:
                cache.set(
                    key,
                    (response.content, response["Content-Type"]),  # type: ignore[attr-defined]
                    settings.FACTCHECK_API_CACHE_SECONDS,
                )
        etag = '"' + hashlib.sha256(response.content).hexdigest()[:32] + '"'  # type: ignore[attr-defined]
        response["ETag"] = etag
        response["Vary"] = "Authorization, Accept"
        conditional = get_conditional_response(request, etag=etag, response=response)
        return conditional if conditional is not None else response
