"""What settings.UNFOLD points at: the desk's stylesheet on top of django-unfold's."""

from __future__ import annotations

from django.http import HttpRequest
from django.templatetags.static import static


def stylesheet(request: HttpRequest) -> str:
    """The desk's own pieces (buttons in forms of its own, the claim's highlight, tables)."""
    return static("reviews/desk.css")
