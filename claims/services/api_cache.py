"""The API's response cache: answers are stored under a generation number, and clearing the
cache is one increment of it (every stored answer then misses and expires on its own)."""

from __future__ import annotations

from django.core.cache import cache

CACHE_GENERATION_KEY = "api:generation"


def api_cache_generation() -> int:
    """The current generation, part of every cached answer's key."""
    return int(cache.get(CACHE_GENERATION_KEY) or 0)


def api_cache_clear() -> None:
    """Forget every cached API answer (after a publication or a correction)."""
    try:
        cache.incr(CACHE_GENERATION_KEY)
    except ValueError:
        cache.set(CACHE_GENERATION_KEY, 1, None)
