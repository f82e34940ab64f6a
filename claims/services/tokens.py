"""API tokens: created with their scopes, shown once, stored only as a hash."""

from __future__ import annotations

import secrets
from collections.abc import Iterable

from claims.models import ApiToken

KEY_PREFIX = "fc_"


class TokenError(ValueError):
    """A token request the rules refuse; the message says why."""


def scopes_parse(scopes: Iterable[str]) -> list[str]:
    """Known scopes in a fixed order; an unknown one is an error, not silently dropped."""
    wanted = {s.strip() for s in scopes if s.strip()}
    unknown = wanted - set(ApiToken.Scope.values)
    if unknown:
        raise TokenError(
            f"unknown scope(s) {', '.join(sorted(unknown))}; use {', '.join(ApiToken.Scope.values)}"
        )
    if not wanted:
        raise TokenError("a token needs at least one scope")
    return [s for s in ApiToken.Scope.values if s in wanted]


def api_token_create(*, name: str, scopes: Iterable[str]) -> tuple[ApiToken, str]:
    """Create a token; returns it with its key, which is not stored and cannot be shown again."""
    name = name.strip()
    if not name:
        raise TokenError("a token needs a name")
    if ApiToken.objects.filter(name=name).exists():
        raise TokenError(f"a token named {name!r} exists already")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        name=name,
        key_hash=ApiToken.hash_key(key),
        prefix=key[:10],
        scopes=scopes_parse(scopes),
    )
    return token, key


def api_token_rotate(*, token_id: int) -> tuple[ApiToken, str]:
    """Give a token a new key; the old one stops working at once."""
    token = ApiToken.objects.get(pk=token_id)
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token.key_hash = ApiToken.hash_key(key)
    token.prefix = key[:10]
    token.save(update_fields=["key_hash", "prefix"])
    return token, key
