"""One permission class per token scope."""

from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from claims.models import ApiToken


class _HasScope(BasePermission):
    scope = ""

    def has_permission(self, request: Request, view: Any) -> bool:
        token = request.auth
        if not isinstance(token, ApiToken):
            return False
        self.message = f"This token lacks the '{self.scope}' scope."
        return token.has_scope(self.scope)


class CanRead(_HasScope):
    """Read published fact-checks, their ClaimReview, and manage the token's webhooks."""

    scope = ApiToken.Scope.READ


class CanSubmit(_HasScope):
    """Push articles in and follow their processing."""

    scope = ApiToken.Scope.SUBMIT


class CanSearch(_HasScope):
    """Ask whether a text has been checked."""

    scope = ApiToken.Scope.SEARCH
