"""The queue page at scale: its filters, full-text search, and a list that never counts.

With a million claims a `COUNT(*)` on every page load costs more than the page itself (with a
filter on a joined table, several times more), so the list reads one row past the page and
estimates the count from the planner only when there is more.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from functools import cached_property
from typing import Any

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.contrib.postgres.search import SearchQuery, SearchVectorField
from django.core.exceptions import EmptyResultSet
from django.core.paginator import Paginator
from django.db import NotSupportedError, connections, transaction
from django.db.models import Expression, F, QuerySet
from django.db.models.expressions import RawSQL
from django.db.models.sql.compiler import SQLCompiler
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from claims.models import Claim
from reviews import workflow
from reviews.models import ReviewItem
from reviews.priority import HIGH, MEDIUM
from reviews.selectors import review_items_returned

# The text search configuration of claims_claim.search_vector (migration reviews 0012).
SEARCH_CONFIG = "english"


# A search matching at most this many claims is resolved through the GIN index first.
SEARCH_IDS_CAP = 10_000
# Searches are cut to this many characters: PostgreSQL evaluates a tsquery recursively, and
# some thousands of words exceed its stack depth (an error, answered as a database outage).
SEARCH_MAX_CHARS = 1000


class ClaimSearchVector(Expression):
    """The stored words of the claim whose text `text_path` names (PostgreSQL only).

    `claims_claim.search_vector` is a generated column the Claim model does not declare
    (migration reviews 0012): reading it, a phrase's recheck needs no parse of the text.
    Resolving `text_path` gives the join and the table alias the column is read through.
    """

    output_field = SearchVectorField()

    def __init__(self, text_path: str) -> None:
        super().__init__()
        self.text: Any = F(text_path)

    def get_source_expressions(self) -> list[Any]:
        return [self.text]

    def set_source_expressions(self, exprs: list[Any]) -> None:
        (self.text,) = exprs

    def as_sql(self, compiler: SQLCompiler, connection: Any) -> tuple[str, list[Any]]:
        if connection.vendor != "postgresql":
            raise NotSupportedError("claims_claim.search_vector exists on PostgreSQL only.")
        alias = compiler.quote_name_unless_alias(self.text.alias)
        return f"{alias}.{connection.ops.quote_name('search_vector')}", []


def claims_matching(term: str, *, using: str) -> QuerySet[Claim]:
    """Claims whose text matches `term` (websearch syntax), through the GIN index."""
    query = SearchQuery(term, config=SEARCH_CONFIG, search_type="websearch")
    return Claim.objects.using(using).alias(words=ClaimSearchVector("text")).filter(words=query)


def _ids_array(ids: list[int]) -> RawSQL:
    # One array parameter, not thousands of placeholders for Django to compile.
    return RawSQL("SELECT unnest(%s::bigint[])", [ids])


def _claims_matching_queued(term: str, *, using: str) -> tuple[bool, list[int]]:
    """Whether more than SEARCH_IDS_CAP claims match `term`, and the queued ones if not."""
    # Left to itself the planner walks the queue in order and tests each claim, which for a
    # rare word means the whole queue; asking the index first is bounded either way. Most
    # matching claims are repeats of a queued one, not queued themselves (one item per
    # cluster): keeping the queued ones, in the same round trip, means the page's query (which
    # joins each candidate to its claim before sorting) joins hundreds rather than thousands.
    matching = claims_matching(term, using=using).order_by().values("pk")
    sql, params = matching[: SEARCH_IDS_CAP + 1].query.sql_with_params()
    with connections[using].cursor() as cursor:
        cursor.execute(
            # The queued ones are looked up only when they will be used (a CASE branch's
            # subquery runs only if taken).
            f"WITH found AS ({sql}), "
            "over AS (SELECT EXISTS (SELECT FROM found OFFSET %s) AS too_many) "
            "SELECT too_many, CASE WHEN too_many THEN '{}'::bigint[] ELSE "
            f"ARRAY(SELECT claim_id FROM {ReviewItem._meta.db_table} "
            "WHERE claim_id IN (SELECT * FROM found)) END FROM over",
            (*params, SEARCH_IDS_CAP),
        )
        too_many, queued = cursor.fetchone()
    return bool(too_many), list(queued)


def claims_search(queryset: QuerySet[ReviewItem], term: str) -> QuerySet[ReviewItem]:
    """Items whose claim text matches `term`: full text on PostgreSQL, substring elsewhere."""
    term = term[:SEARCH_MAX_CHARS]
    if connections[queryset.db].vendor != "postgresql":
        return queryset.filter(claim__text__icontains=term)
    too_many, queued = _claims_matching_queued(term, using=queryset.db)
    if not too_many:
        return queryset.filter(claim_id__in=_ids_array(queued))
    # A common word: walking the queue in order and testing each claim finds a page of
    # matches soonest (an IN over the matches would build all of them first).
    return queryset.alias(claim_words=ClaimSearchVector("claim__text")).filter(
        claim_words=SearchQuery(term, config=SEARCH_CONFIG, search_type="websearch")
    )


def queryset_count_estimate(queryset: QuerySet[Any]) -> int:
    """PostgreSQL's estimate of the row count, without counting; exact elsewhere."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        return queryset.count()
    unordered = queryset.order_by()
    try:
        unordered.query.sql_with_params()
    except EmptyResultSet:
        return 0
    with connection.cursor() as cursor:
        if not unordered.query.has_filters():
            # The whole table: the statistics autovacuum keeps.
            cursor.execute(
                "SELECT reltuples::bigint FROM pg_class WHERE oid = to_regclass(%s)",
                [queryset.model._meta.db_table],
            )
            row = cursor.fetchone()
            if row and row[0] >= 0:
                return int(row[0])
        sql, params = unordered.query.sql_with_params()
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


class EstimatedCountPaginator(Paginator):
    """A paginator that never counts: `QueueChangeList` gives it the count it worked out."""

    # The count under the list, in claims ("27 claims"; the model's plural is the queue).
    template_name = "admin/reviews/reviewitem/pagination.html"

    @cached_property
    def count(self) -> int:
        if isinstance(self.object_list, QuerySet):
            return queryset_count_estimate(self.object_list)
        return len(self.object_list)


# Fields of the joined rows the list never shows; an article's raw input and text are large.
LIST_DEFERRED = [
    "claim__context",
    "claim__reasons",
    "claim__article__raw",
    "claim__article__clean_text",
]


class QueueChangeList(ChangeList):
    """The queue's list without a COUNT: one row past the page says whether there is more.

    A short last page gives the exact count; otherwise the count is the planner's estimate
    (`count_is_estimate`), which the page says.
    """

    count_is_estimate = False

    def url_for_result(self, result: Any) -> str:
        # A row opens the claim's workspace, where it is checked (reviews.admin.workspace).
        return reverse("admin:reviews_reviewitem_work", args=[result.pk])

    def get_queryset(self, request: HttpRequest, exclude_parameters: Any = None) -> QuerySet[Any]:
        return super().get_queryset(request, exclude_parameters).defer(*LIST_DEFERRED)

    def get_results(self, request: HttpRequest) -> None:
        per_page = self.list_per_page
        paginator = self.model_admin.get_paginator(request, self.queryset, per_page)
        offset = (self.page_num - 1) * per_page
        if offset < 0:
            raise IncorrectLookupParameters
        with transaction.atomic(using=self.queryset.db):
            if connections[self.queryset.db].vendor == "postgresql":
                # Starting parallel workers costs more than a 50-row page in queue order.
                with connections[self.queryset.db].cursor() as cursor:
                    cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
            rows = list(self.queryset[offset : offset + per_page + 1])
            if not rows and offset:
                raise IncorrectLookupParameters
            if len(rows) <= per_page:
                result_count, estimated = offset + len(rows), False
            else:
                estimate = queryset_count_estimate(self.queryset)
                result_count, estimated = max(estimate, offset + len(rows)), True
        paginator.__dict__["count"] = result_count
        can_show_all = not estimated and result_count <= self.list_max_show_all
        multi_page = result_count > per_page
        result_list: Any = rows[:per_page]
        if self.show_all and can_show_all and multi_page:
            result_list = self.queryset._clone()
        self.result_count = result_count
        self.count_is_estimate = estimated
        self.show_full_result_count = False
        self.show_admin_actions = True
        self.full_result_count = None
        self.result_list = result_list
        self.can_show_all = can_show_all
        self.multi_page = multi_page
        self.paginator = paginator


class StatusFilter(admin.SimpleListFilter):
    """Status, showing the work still to do unless another status (or all) is chosen.

    A queue that opened on every claim ever queued put published and rejected ones between
    the claims waiting for a reviewer.
    """

    title = "status"
    parameter_name = "status"
    DEFAULT = "open"
    EVERY = "all"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [
            (self.DEFAULT, "to do (pending, in review, awaiting approval)"),
            *ReviewItem._meta.get_field("status").choices,  # type: ignore[list-item]
            (self.EVERY, "all"),
        ]

    def __init__(
        self, request: HttpRequest, params: dict[str, Any], model: Any, model_admin: Any
    ) -> None:
        super().__init__(request, params, model, model_admin)
        # Asking for a rejection reason is asking for rejected claims.
        rejections = any(name.startswith("rejection_reason") for name in request.GET)
        self.default = self.EVERY if rejections else self.DEFAULT

    def value(self) -> str:
        return super().value() or self.default

    def choices(self, changelist: ChangeList) -> Iterator[dict[str, Any]]:
        # No "All" link of Django's own: it would only drop the parameter, i.e. the default.
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if value == self.EVERY:
            return queryset
        if value == self.DEFAULT:
            return queryset.filter(status__in=workflow.OPEN)
        if value not in workflow.TRANSITIONS:
            raise IncorrectLookupParameters(f"unknown status {value!r}")
        return queryset.filter(status=value)


class ScoreBandFilter(admin.SimpleListFilter):
    title = "check-worthiness"
    parameter_name = "score"
    BANDS = {"high": (HIGH, None), "medium": (MEDIUM, HIGH), "low": (None, MEDIUM)}

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("high", "high (≥ 0.8)"), ("medium", "medium (0.65–0.8)"), ("low", "low (< 0.65)")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        band = self.BANDS.get(self.value() or "")
        if band is None:
            return queryset
        low, high = band
        if low is not None:
            queryset = queryset.filter(score__gte=low)
        if high is not None:
            queryset = queryset.filter(score__lt=high)
        return queryset


class AssignmentFilter(admin.SimpleListFilter):
    title = "assignment"
    parameter_name = "assigned"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [
            ("me", "assigned to me"),
            ("returned", "returned to me"),
            ("nobody", "unassigned"),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if self.value() == "me":
            return queryset.filter(assigned_to=request.user.pk)
        if self.value() == "returned":
            return review_items_returned(queryset.filter(assigned_to=request.user.pk))
        if self.value() == "nobody":
            return queryset.filter(assigned_to__isnull=True)
        return queryset


class DueFilter(admin.SimpleListFilter):
    """Due dates among the open claims: overdue, due today, due within a week, any."""

    title = "due date"
    parameter_name = "due"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [
            ("overdue", "overdue"),
            ("today", "due today or overdue"),
            ("week", "due within a week"),
            ("any", "with a due date"),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        today = timezone.localdate()
        value = self.value()
        if value == "overdue":
            return queryset.filter(due_on__lt=today, status__in=workflow.OPEN)
        if value == "today":
            return queryset.filter(due_on__lte=today, status__in=workflow.OPEN)
        if value == "week":
            return queryset.filter(due_on__lte=today + timedelta(days=7), status__in=workflow.OPEN)
        if value == "any":
            return queryset.filter(due_on__isnull=False)
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
    field_path = "speaker"
