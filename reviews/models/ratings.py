"""The rating scale the organisation publishes with: each rating's name, ClaimReview value and
the definition reviewers read beside it.

A verdict stores the rating's key while drafted and, once published, the name and values it was
published with (reviews.ratings.rating_snapshot): editing the scale later changes what reviewers
choose from, never a fact-check already published.
"""

from __future__ import annotations

from collections.abc import Collection

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q


class RatingScale(models.Model):
    """A set of ratings; the current one is what reviewers choose from and editors publish."""

    name = models.CharField(max_length=100, unique=True)
    is_current = models.BooleanField(
        "current",
        default=False,
        help_text="The scale reviewers choose from. Making another scale current leaves this "
        "one's published fact-checks as they were published.",
    )
    best = models.IntegerField(
        default=5, help_text="ClaimReview bestRating: the value of a wholly accurate claim."
    )
    worst = models.IntegerField(
        default=1, help_text="ClaimReview worstRating: the value of a wholly false claim."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"], condition=Q(is_current=True), name="rating_scale_one_current"
            ),
            models.CheckConstraint(
                condition=Q(best__gt=F("worst")), name="rating_scale_best_gt_worst"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} (current)" if self.is_current else self.name

    def validate_constraints(self, exclude: Collection[str] | None = None) -> None:
        # A scale saved as current takes over from the current one (rating_scale_save): the
        # one-current constraint holds after that, not against the form beforehand.
        super().validate_constraints(exclude={*(exclude or ()), "is_current"})


class Rating(models.Model):
    """One rating of a scale."""

    scale = models.ForeignKey(RatingScale, on_delete=models.CASCADE, related_name="ratings")
    key = models.SlugField(
        max_length=20,
        help_text="Stored on verdicts and used by the API (letters, digits, _ and -); keep it "
        "when renaming a rating.",
    )
    name = models.CharField(max_length=60, help_text="Shown to readers: ClaimReview alternateName.")
    value = models.IntegerField(
        null=True,
        blank=True,
        help_text="ClaimReview ratingValue, between the scale's worst and best; empty for a "
        "rating off the scale (such as unproven), published with its name only.",
    )
    definition = models.TextField(help_text="What the rating means, shown beside it in the form.")
    position = models.PositiveSmallIntegerField(default=0, help_text="Order in the form.")

    class Meta:
        ordering = ["scale", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["scale", "key"], name="rating_key_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        # The scale may be unsaved (an inline of a new scale); its range is already set.
        scale = getattr(self, "scale", None)
        if scale is None or self.value is None:
            return
        if not scale.worst <= self.value <= scale.best:
            raise ValidationError({"value": f"The scale runs from {scale.worst} to {scale.best}."})
