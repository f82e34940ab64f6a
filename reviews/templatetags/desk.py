"""Template filters of the desk's own pages."""

from __future__ import annotations

from datetime import datetime

from django import template
from django.utils import timezone

from reviews.models import EvidenceSource
from reviews.workspace import ArchiveState, archive_state

register = template.Library()


def age(moment: datetime, *, now: datetime | None = None) -> str:
    """How long ago, in the largest whole unit: "5 min", "3 h", "2 d", "4 y"."""
    seconds = max(0, int(((now or timezone.now()) - moment).total_seconds()))
    for unit, size in (("y", 365 * 86400), ("d", 86400), ("h", 3600), ("min", 60)):
        if seconds >= size:
            return f"{seconds // size} {unit}"
    return "just now"


@register.filter
def ago(moment: datetime | None) -> str:
    """When, as the queue says it: "5 min ago", "2 d ago", or "just now" (never "0 minutes")."""
    if moment is None:
        return ""
    said = age(moment)
    return said if said == "just now" else f"{said} ago"


@register.filter
def archive(source: EvidenceSource) -> ArchiveState:
    """A cited source's archive as the desk says it (reviews.workspace.archive_state)."""
    return archive_state(source)
