"""Filters of the fact-check list (django-filter), over `fact_checks_published()`."""

from __future__ import annotations

import datetime
from typing import Any

import django_filters
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django_filters.fields import IsoDateTimeField

from claims.models import Claim
from reviews.models import Verdict
from reviews.ratings import rating_choices
from reviews.selectors import fact_check_ids_matching


class UtcIsoDateTimeField(IsoDateTimeField):
    """ISO 8601, handed to the query in UTC: Python takes offsets up to 23:59, PostgreSQL
    only to 15:59, and a time near year 1 or 9999 may not exist in UTC at all."""

    def to_python(self, value: Any) -> datetime.datetime | None:
        parsed = super().to_python(value)
        if parsed is None:
            return None
        try:
            return parsed.astimezone(datetime.UTC)  # type: ignore[no-any-return]
        except OverflowError as exc:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from exc


class UtcIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcIsoDateTimeField


class FactCheckFilter(django_filters.FilterSet):
    rating = django_filters.MultipleChoiceFilter(
        choices=rating_choices, help_text="Current rating's key; repeat for several."
    )
    speaker = django_filters.CharFilter(
        field_name="claimant",
        lookup_expr="iexact",
        help_text="Who made the claim (exact, any case).",
    )
    publisher = django_filters.CharFilter(
        method="filter_publisher",
        help_text="Publisher name or domain of any appearance (exact, any case).",
    )
    q = django_filters.CharFilter(
        method="filter_text",
        help_text="Words of the claim, any wording of it (full-text, any word matches).",
    )
    published_since = UtcIsoDateTimeFilter(
        field_name="first_published_at",
        lookup_expr="gte",
        help_text="First published at or after this time (ISO 8601).",
    )
    updated_since = UtcIsoDateTimeFilter(
        field_name="published_at",
        lookup_expr="gte",
        help_text="Published or corrected at or after this time: for incremental sync.",
    )

    class Meta:
        model = Verdict
        fields: list[str] = []

    def filter_publisher(self, queryset: QuerySet[Verdict], name: str, value: str) -> QuerySet:
        value = value.strip()
        clusters = Claim.objects.filter(
            Q(article__publisher__name__iexact=value) | Q(article__publisher__domain__iexact=value)
        ).values("membership__cluster_id")
        return queryset.filter(review_item__claim__membership__cluster_id__in=clusters)

    def filter_text(self, queryset: QuerySet[Verdict], name: str, value: str) -> QuerySet:
        return queryset.filter(review_item_id__in=fact_check_ids_matching(value).values("pk"))
