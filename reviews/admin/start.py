"""The admin's index as each user's start page (django-unfold's DASHBOARD_CALLBACK)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from reviews.start import start_page

# The template that draws it above the list of the admin's models (factcheck/urls.py sets it).
TEMPLATE = "admin/reviews/start.html"


def dashboard_callback(request: HttpRequest, context: dict[str, Any]) -> dict[str, Any]:
    """Add the user's start page figures to the index's context."""
    if request.user.is_active and request.user.is_staff:
        context["start"] = start_page(user=request.user)
    return context
