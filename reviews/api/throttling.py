"""Throttling per token, one budget per scope (rates in REST_FRAMEWORK's throttle rates)."""

from __future__ import annotations

from typing import Any

from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import SimpleRateThrottle

from reviews.models import ApiToken


class TokenRateThrottle(SimpleRateThrottle):
    def __init__(self) -> None:
        # The rate depends on the view's scope, known only once the request arrives.
        pass

    def allow_request(self, request: Request, view: Any) -> bool:
        self.scope = getattr(view, "throttle_scope", None) or "read"
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_rate(self) -> str | None:
        # Read at each request (not frozen at import like DRF's), so a changed setting counts.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)  # type: ignore[no-any-return]

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        token = request.auth
        if not isinstance(token, ApiToken):
            return None  # refused by authentication or permissions anyway
        return f"throttle:{self.scope}:{token.pk}"
