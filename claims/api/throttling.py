"""Throttling per token, one budget per scope (rates in REST_FRAMEWORK's throttle rates).

DRF's SimpleRateThrottle keeps every request's time in one cache entry, read and written back
whole on each request: up to a rate's worth of timestamps pickled twice per request, and two
requests at once lose one of their writes. This one counts requests in fixed windows of the
rate's length and estimates the sliding window from the current and the previous count (the
previous one weighted by how much of it the sliding window still covers): one atomic
increment and one read, in a single Redis round trip.
"""

from __future__ import annotations

import functools
import logging
import time
from typing import Any

import redis
from django.conf import settings
from django.core.cache import cache
from rest_framework.request import Request
from rest_framework.settings import api_settings
from rest_framework.throttling import BaseThrottle

from claims.models import ApiToken

PREFIX = "throttle"

logger = logging.getLogger(__name__)


@functools.cache
def _redis(url: str) -> redis.Redis:
    return redis.Redis.from_url(url)


class TokenRateThrottle(BaseThrottle):
    def timer(self) -> float:
        return time.time()

    def allow_request(self, request: Request, view: Any) -> bool:
        token = request.auth
        if not isinstance(token, ApiToken):
            return True  # refused by authentication or permissions anyway
        scope = getattr(view, "throttle_scope", None) or "read"
        # Read at each request (not frozen at import like DRF's), so a changed setting counts.
        rate = api_settings.DEFAULT_THROTTLE_RATES.get(scope)
        if rate is None:
            return True
        self.limit, self.duration = _parse_rate(rate)
        now = self.timer()
        window = int(now // self.duration)
        self.elapsed = now - window * self.duration
        base = f"{PREFIX}:{scope}:{token.pk}"
        try:
            current, previous = self._count(f"{base}:{window}", f"{base}:{window - 1}")
        except redis.RedisError as exc:
            # Without Redis nothing can be counted: serve (articles pushed meanwhile are
            # stored, their tasks swept up later) rather than fail every request with a 500.
            logger.warning("throttle not applied, Redis unavailable: %s", exc)
            return True
        self.previous = previous
        weight = 1 - self.elapsed / self.duration
        if previous * weight + current <= self.limit:
            return True
        self._uncount(f"{base}:{window}")  # a refused request does not use up the budget
        self.current = current - 1
        return False

    def _count(self, key: str, previous_key: str) -> tuple[int, int]:
        """Count this request in the current window; the current and previous counts."""
        if settings.REDIS_URL:
            pipe = _redis(settings.REDIS_URL).pipeline(transaction=False)
            pipe.incr(key)
            pipe.expire(key, self.duration * 2)
            pipe.get(previous_key)
            current, _, previous = pipe.execute()
            return int(current), int(previous or 0)
        # The embedded default (local memory cache, one process).
        cache.add(key, 0, self.duration * 2)
        return cache.incr(key), int(cache.get(previous_key) or 0)

    def _uncount(self, key: str) -> None:
        if settings.REDIS_URL:
            _redis(settings.REDIS_URL).decr(key)
        else:
            cache.decr(key)

    def wait(self) -> float:
        """Seconds until the previous window's share has shrunk enough for one request."""
        if self.previous == 0 or self.current >= self.limit:
            return self.duration - self.elapsed
        # previous * (1 - t / duration) + current + 1 <= limit, solved for the time t.
        needed = 1 - (self.limit - self.current - 1) / self.previous
        return max(0.0, min(needed * self.duration, self.duration) - self.elapsed)


def _parse_rate(rate: str) -> tuple[int, int]:
    """`"1200/min"` as (1200, 60), like DRF's rates (s, m, h or d, by first letter)."""
    count, period = rate.split("/")
    seconds = {"s": 1, "m": 60, "h": 3600, "d": 86400}[period[0]]
    return int(count), seconds
