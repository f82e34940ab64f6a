"""Writes of the rating scale: the default scale, and which scale is current."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from reviews.models import Rating, RatingScale

DEFAULT_SCALE_NAME = "Truth scale"
DEFAULT_BEST, DEFAULT_WORST = 5, 1
# (key, name, ClaimReview value, definition). Misleading sits with mostly false (2), not false
# (1): the facts are usually right and the framing wrong. Unproven has no place on a truth
# scale, so it has no value and is published with its name (alternateName) only.
DEFAULT_RATINGS: list[tuple[str, str, int | None, str]] = [
    ("true", "True", 5, "The claim is accurate and nothing significant is missing."),
    (
        "mostly_true",
        "Mostly true",
        4,
        "The claim is accurate but needs a clarification or a missing detail.",
    ),
    (
        "half_true",
        "Half true",
        3,
        "The claim is partly accurate but leaves out important details or takes things out "
        "of context.",
    ),
    (
        "mostly_false",
        "Mostly false",
        2,
        "The claim holds an element of truth but ignores facts that would give a different "
        "impression.",
    ),
    ("false", "False", 1, "The claim is not accurate."),
    (
        "misleading",
        "Misleading",
        2,
        "The facts cited may be right, but the claim presents them so that they give a false "
        "impression.",
    ),
    (
        "unproven",
        "Unproven",
        None,
        "The evidence available neither proves nor disproves the claim.",
    ),
]


def rating_scale_default_ensure() -> RatingScale:
    """The current scale; when none is current (a new or emptied database), the default one.

    Migration reviews 0020 creates the default scale; this keeps the desk working where the
    table was emptied since (a flushed test database, a restore without it).
    """
    try:
        with transaction.atomic():
            current = RatingScale.objects.filter(is_current=True).first()
            if current is not None:
                return current
            scale, created = RatingScale.objects.get_or_create(
                name=DEFAULT_SCALE_NAME,
                defaults={"best": DEFAULT_BEST, "worst": DEFAULT_WORST, "is_current": True},
            )
            if created:
                Rating.objects.bulk_create(
                    Rating(
                        scale=scale, key=key, name=name, value=value, definition=text, position=n
                    )
                    for n, (key, name, value, text) in enumerate(DEFAULT_RATINGS)
                )
            elif not scale.is_current:
                scale.is_current = True
                scale.save(update_fields=["is_current"])
            return scale
    except IntegrityError:
        # Another process made a scale current at the same moment: theirs is the one.
        return RatingScale.objects.get(is_current=True)


def rating_scale_save(*, scale: RatingScale) -> RatingScale:
    """Save a scale; one saved as current becomes the only current one."""
    with transaction.atomic():
        if scale.is_current:
            # Lock the current row first, so two editors switching scales at once queue up.
            list(RatingScale.objects.select_for_update().filter(is_current=True))
            others = RatingScale.objects.filter(is_current=True)
            if scale.pk is not None:
                others = others.exclude(pk=scale.pk)
            others.update(is_current=False)
        scale.save()
    return scale
