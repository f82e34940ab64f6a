"""The queue page at scale: its filters, full-text search, and counts that never scan the table.

With a million claims a `COUNT(*)` on every page load costs more than the page itself, so the
paginator counts exactly only up to `EXACT_COUNT_UP_TO` rows and estimates beyond that.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property
from typing import Any

from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.http import HttpRequest

from reviews.models import ReviewItem

EXACT_COUNT_UP_TO = 1000
# The text search configuration of the GIN index on claims_claim (migration reviews 0006).
SEARCH_CONFIG = "english"


def claims_search(queryset: QuerySet[ReviewItem], term: str) -> QuerySet[ReviewItem]:
    """Items whose claim text matches `term`: full text on PostgreSQL, substring elsewhere."""
    if connections[queryset.db].vendor != "postgresql":
        return queryset.filter(claim__text__icontains=term)
    # The same expression as the index, so the planner can use it: to_tsvector('english', ...).
    return queryset.alias(
        claim_text_vector=SearchVector("claim__text", config=SEARCH_CONFIG)
    ).filter(claim_text_vector=SearchQuery(term, config=SEARCH_CONFIG, search_type="websearch"))


def queryset_count_estimate(queryset: QuerySet[Any], exact_up_to: int | None = None) -> int:
    """The row count, exact when small; beyond `exact_up_to` PostgreSQL's estimate."""
    if exact_up_to is None:
        exact_up_to = EXACT_COUNT_UP_TO
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return queryset.count()
    unordered = queryset.order_by()
    if not unordered.query.has_filters():
        # The whole table: the planner's statistics, kept fresh by autovacuum.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(%s)",
                [queryset.model._meta.db_table],
            )
            row = cursor.fetchone()
        if row and row[0] > exact_up_to:
            return int(row[0])
    bounded = unordered[: exact_up_to + 1].count()
    if bounded <= exact_up_to:
        return bounded
    sql, params = unordered.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        import json

        plan = json.loads(plan)
    return max(exact_up_to + 1, int(plan[0]["Plan"]["Plan Rows"]))


class EstimatedCountPaginator(Paginator):
    """A paginator whose count is `queryset_count_estimate`: exact for small results."""

    @cached_property
    def count(self) -> int:
        if isinstance(self.object_list, QuerySet):
            return queryset_count_estimate(self.object_list)
        return len(self.object_list)


class QueueChangeList(ChangeList):
    def get_results(self, request: HttpRequest) -> None:
        super().get_results(request)
        # Shown next to the count: beyond the exact range it is the planner's estimate.
        self.count_is_estimate = self.result_count > EXACT_COUNT_UP_TO


class ScoreBandFilter(admin.SimpleListFilter):
    title = "check-worthiness"
    parameter_name = "score"
    BANDS = {"high": (0.8, None), "medium": (0.65, 0.8), "low": (None, 0.65)}

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("high", "high (≥ 0.8)"), ("medium", "medium (0.65–0.8)"), ("low", "low (< 0.65)")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        band = self.BANDS.get(self.value() or "")
        if band is None:
            return queryset
        low, high = band
        if low is not None:
            queryset = queryset.filter(claim__score__gte=low)
        if high is not None:
            queryset = queryset.filter(claim__score__lt=high)
        return queryset


class AssignmentFilter(admin.SimpleListFilter):
    title = "assignment"
    parameter_name = "assigned"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("me", "assigned to me"), ("nobody", "unassigned")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "me":
            return queryset.filter(assigned_to=request.user.pk)
        if self.value() == "nobody":
            return queryset.filter(assigned_to__isnull=True)
        return queryset


class TextInputFilter(admin.SimpleListFilter):
    """A filter typed into a box: for fields with too many values to list (speakers)."""

    template = "admin/reviews/input_filter.html"
    field_path = ""

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return []

    def has_output(self) -> bool:
        return True

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = (self.value() or "").strip()
        return queryset.filter(**{self.field_path: value}) if value else queryset

    def choices(self, changelist: ChangeList) -> Iterator[dict[str, Any]]:
        # The form keeps every other filter and the search as hidden fields.
        others = [
            (name, value)
            for name, values in changelist.filter_params.items()
            if name != self.parameter_name
            for value in values
        ]
        yield {
            "selected": self.value() is None,
            "query_string": changelist.get_query_string(remove=[self.parameter_name]),
            "display": "All",
            "value": self.value() or "",
            "others": others,
            "parameter_name": self.parameter_name,
        }


class SpeakerFilter(TextInputFilter):
    title = "speaker (exact)"
    parameter_name = "speaker"
    field_path = "claim__speaker"
