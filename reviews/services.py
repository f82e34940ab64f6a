"""Writes for the review queue."""

from __future__ import annotations

from collections.abc import Sequence

from claims.models import Claim
from reviews.models import ReviewItem


def review_items_create(*, claims: Sequence[Claim]) -> list[ReviewItem]:
    """Queue each claim once, most check-worthy first."""
    return ReviewItem.objects.bulk_create(
        [ReviewItem(claim=claim, priority=claim.score) for claim in claims],
        ignore_conflicts=True,
    )


DEMO_USERS = ("reviewer", "editor")
# Until the review desk's roles exist, demo accounts get these models' permissions.
DEMO_PERMISSION_APPS = ("claims", "reviews")


def demo_accounts_ensure(*, password: str) -> list[str]:
    """Create (or reset) the demo staff accounts with the given password."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    user_model = get_user_model()
    permissions = list(
        Permission.objects.filter(content_type__app_label__in=DEMO_PERMISSION_APPS).exclude(
            codename__startswith="delete_"
        )
    )
    for username in DEMO_USERS:
        user, _ = user_model.objects.get_or_create(
            username=username, defaults={"email": f"{username}@example.org"}
        )
        user.is_staff = True
        user.set_password(password)
        user.save()
        user.user_permissions.set(permissions)
    return list(DEMO_USERS)
