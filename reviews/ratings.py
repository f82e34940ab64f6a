"""Reads of the rating scale, for the verdict forms, the API and the publishing services.

`rating_options()` is what a form offers (key, name, ClaimReview value, definition);
`rating_snapshot()` copies a rating's name and values onto a verdict, which publishing does one
last time at approval, so a fact-check keeps the rating it was published with.
"""

from __future__ import annotations

from dataclasses import dataclass

from reviews.models import Rating, RatingScale, Verdict
from reviews.services.ratings import rating_scale_default_ensure


@dataclass(frozen=True)
class RatingOption:
    key: str
    name: str
    value: int | None
    definition: str


def rating_scale_current() -> RatingScale:
    """The scale reviewers choose from (the default one where the table is empty)."""
    scale = RatingScale.objects.filter(is_current=True).first()
    return scale if scale is not None else rating_scale_default_ensure()


def rating_options(*, scale: RatingScale | None = None) -> list[RatingOption]:
    """The ratings of `scale` (the current one by default), in the form's order."""
    scale = scale or rating_scale_current()
    return [
        RatingOption(key=r.key, name=r.name, value=r.value, definition=r.definition)
        for r in Rating.objects.filter(scale=scale).order_by("position", "pk")
    ]


def rating_choices() -> list[tuple[str, str]]:
    """(key, name) of each rating of the current scale, for a choice field."""
    return [(option.key, option.name) for option in rating_options()]


def rating_keys() -> list[str]:
    """Every key of the current scale (what the services accept)."""
    return [option.key for option in rating_options()]


def rating_definitions() -> dict[str, str]:
    """key -> definition of each rating of the current scale."""
    return {option.key: option.definition for option in rating_options()}


def rating_snapshot(verdict: Verdict) -> bool:
    """Copy the current scale's name and values of `verdict.rating` onto it (not saved).

    False when the rating is not on the current scale (the verdict is left as it was); a blank
    rating clears the copy.
    """
    if not verdict.rating:
        verdict.rating_name, verdict.rating_value = "", None
        verdict.rating_best = verdict.rating_worst = None
        return True
    scale = rating_scale_current()
    rating = Rating.objects.filter(scale=scale, key=verdict.rating).first()
    if rating is None:
        return False
    verdict.rating_name = rating.name
    verdict.rating_value = rating.value
    verdict.rating_best = scale.best
    verdict.rating_worst = scale.worst
    return True


SNAPSHOT_FIELDS = ["rating_name", "rating_value", "rating_best", "rating_worst"]
