"""Clusters of repeated claims, what matching suggests and imported fact-checks, in admin.

Pages are for reading; merges, splits and decisions on suggestions are the list's actions,
which call `reviews.services.clusters`.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from unfold.admin import ModelAdmin, TabularInline

from factcheck.admin_history import ReadOnlyHistoryAdmin, ViewOnlyPagesMixin
from reviews.models import (
    Cluster,
    ClusterEvent,
    ClusterMember,
    ClusterSuggestion,
    FactCheckSuggestion,
    ImportedFactCheck,
)
from reviews.services import clusters as cluster_services

# A claim repeated by thousands of outlets would render thousands of rows on its cluster's
# page (and as many events): the page shows the first appearances and the latest events, and
# links to the list of appearances for every one.
CLUSTER_PAGE_ROWS = 50


class _Appearance:
    """What an appearance shows: its claim, speaker, article, publisher and date."""

    @admin.display(description="claim")
    def text(self, member: ClusterMember) -> str:
        return member.claim.text

    @admin.display(description="speaker")
    def speaker(self, member: ClusterMember) -> str:
        return member.claim.speaker

    @admin.display(description="article")
    def article(self, member: ClusterMember) -> object:
        return member.claim.article

    @admin.display(description="publisher")
    def publisher(self, member: ClusterMember) -> str:
        return member.claim.article.outlet

    @admin.display(description="published")
    def published(self, member: ClusterMember) -> object:
        article = member.claim.article
        return article.published_at or article.received_at


@admin.register(ClusterMember)
class AppearanceAdmin(_Appearance, ViewOnlyPagesMixin, ModelAdmin):
    """Every appearance of claims on the desk, with the split action."""

    list_display = ["text", "speaker", "article", "publisher", "published", "cluster"]
    list_filter = ["claim__claim_type"]
    search_fields = ["claim__text", "claim__speaker"]
    # Each row shows its article and publisher and its cluster's canonical claim.
    list_select_related = ["claim__article__publisher", "cluster__canonical"]
    show_full_result_count = False
    readonly_fields = ["claim", "cluster", "matched_at", "created_at"]
    actions = ["split_out"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Split selected claims out of their cluster", permissions=["change"])
    def split_out(self, request: HttpRequest, queryset: QuerySet[ClusterMember]) -> None:
        claims = [member.claim for member in queryset.select_related("claim")]
        try:
            cluster = cluster_services.cluster_split(claims=claims, by=request.user)
        except cluster_services.ClusterError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        self.message_user(request, f"Split into a new cluster: {cluster}.", messages.SUCCESS)


class AppearanceInline(_Appearance, TabularInline):
    model = ClusterMember
    verbose_name = "appearance"
    fields = ["text", "speaker", "article", "publisher", "published"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def get_queryset(self, request: HttpRequest) -> QuerySet[ClusterMember]:
        # Each row shows its article and publisher: read with the rows, not one query each.
        return super().get_queryset(request).select_related("claim__article__publisher")


class FactCheckSuggestionInline(TabularInline):
    model = FactCheckSuggestion
    fields = ["fact_check", "review_item", "score", "conflict", "status", "decided_by"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True


class ClusterEventInline(TabularInline):
    model = ClusterEvent
    fields = ["at", "kind", "claim_ids", "other_cluster_ids", "score", "by"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Cluster)
class ClusterAdmin(ViewOnlyPagesMixin, ReadOnlyHistoryAdmin):
    list_display = ["canonical", "appearance_count", "first_seen_at", "last_seen_at"]
    ordering = ["-last_seen_at"]
    search_fields = ["canonical__text"]
    list_select_related = ["canonical"]
    show_full_result_count = False
    readonly_fields = [
        "canonical",
        "appearance_count",
        "every_appearance",
        "first_seen_at",
        "last_seen_at",
    ]
    inlines = [AppearanceInline, FactCheckSuggestionInline, ClusterEventInline]
    actions = ["merge"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def get_formset_kwargs(
        self, request: HttpRequest, obj: Cluster, inline: Any, prefix: str
    ) -> dict[str, Any]:
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if obj.pk is not None and isinstance(inline, AppearanceInline | ClusterEventInline):
            rows = inline.model.objects.filter(cluster=obj)
            order = "pk" if isinstance(inline, AppearanceInline) else "-at"
            shown = rows.order_by(order).values("pk")[:CLUSTER_PAGE_ROWS]
            kwargs["queryset"] = kwargs["queryset"].filter(pk__in=shown)
        return kwargs

    @admin.display(description="appearances shown")
    def every_appearance(self, cluster: Cluster) -> str:
        listed = (
            reverse("admin:reviews_clustermember_changelist") + f"?cluster__id__exact={cluster.pk}"
        )
        shown = min(cluster.appearance_count, CLUSTER_PAGE_ROWS)
        return format_html(
            'the first {} of {} below; <a href="{}">every appearance in the list of '
            "appearances</a>",
            shown,
            cluster.appearance_count,
            listed,
        )

    @admin.action(
        description="Merge selected clusters (into the one seen first)", permissions=["change"]
    )
    def merge(self, request: HttpRequest, queryset: QuerySet[Cluster]) -> None:
        clusters = list(queryset.order_by("first_seen_at", "pk"))
        if len(clusters) < 2:
            self.message_user(request, "Choose at least two clusters.", messages.ERROR)
            return
        try:
            merged = cluster_services.clusters_merge(
                target=clusters[0], sources=clusters[1:], by=request.user
            )
        except cluster_services.ClusterError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        self.message_user(request, f"Merged into {merged}.", messages.SUCCESS)


@admin.register(ClusterSuggestion)
class ClusterSuggestionAdmin(ViewOnlyPagesMixin, ModelAdmin):
    list_display = ["cluster", "other", "kind", "score", "status", "created_at"]
    list_filter = ["status", "kind"]
    list_select_related = ["cluster__canonical", "other__canonical"]
    readonly_fields = ["cluster", "other", "kind", "score", "status", "created_at"]
    actions = ["merge", "dismiss"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Same claim: merge each pair", permissions=["change"])
    def merge(self, request: HttpRequest, queryset: QuerySet[ClusterSuggestion]) -> None:
        done = 0
        for suggestion in queryset.filter(status=ClusterSuggestion.Status.OPEN):
            try:
                cluster_services.clusters_merge(
                    target=suggestion.other, sources=[suggestion.cluster], by=request.user
                )
                done += 1
            except cluster_services.ClusterError as exc:
                self.message_user(request, str(exc), messages.ERROR)
        self.message_user(request, f"Merged {done} pair(s).", messages.SUCCESS)

    @admin.action(description="Different claims: dismiss", permissions=["change"])
    def dismiss(self, request: HttpRequest, queryset: QuerySet[ClusterSuggestion]) -> None:
        count = cluster_services.cluster_suggestions_dismiss(
            suggestion_ids=list(queryset.values_list("pk", flat=True))
        )
        self.message_user(request, f"Dismissed {count} suggestion(s).", messages.SUCCESS)


# What a fact-check suggestion shows, in its list and, read-only, on its page.
_SUGGESTION_COLUMNS = ["cluster", "fact_check", "review_item", "score", "conflict", "status"]


@admin.register(FactCheckSuggestion)
class FactCheckSuggestionAdmin(ViewOnlyPagesMixin, ModelAdmin):
    list_display = [*_SUGGESTION_COLUMNS, "created_at"]
    list_filter = ["status", "conflict"]
    list_select_related = ["cluster__canonical", "fact_check", "review_item__claim"]
    readonly_fields = [*_SUGGESTION_COLUMNS, "decided_by"]
    actions = ["confirm", "reject"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Confirm: this fact-check answers the claim", permissions=["change"])
    def confirm(self, request: HttpRequest, queryset: QuerySet[FactCheckSuggestion]) -> None:
        count = cluster_services.fact_check_suggestions_decide(
            suggestion_ids=list(queryset.values_list("pk", flat=True)),
            confirm=True,
            by=request.user,
        )
        self.message_user(request, f"Confirmed {count} suggestion(s).", messages.SUCCESS)

    @admin.action(description="Reject: never suggest this pair again", permissions=["change"])
    def reject(self, request: HttpRequest, queryset: QuerySet[FactCheckSuggestion]) -> None:
        count = cluster_services.fact_check_suggestions_decide(
            suggestion_ids=list(queryset.values_list("pk", flat=True)),
            confirm=False,
            by=request.user,
        )
        self.message_user(request, f"Rejected {count} suggestion(s).", messages.SUCCESS)


@admin.register(ImportedFactCheck)
class ImportedFactCheckAdmin(ModelAdmin):
    list_display = ["claim_reviewed", "rating", "publisher", "date_published"]
    list_filter = ["publisher"]
    search_fields = ["claim_reviewed", "headline", "url"]
    show_full_result_count = False
    exclude = ["embedding"]
    readonly_fields = [
        "claim_reviewed",
        "headline",
        "rating",
        "url",
        "publisher",
        "claimant",
        "date_published",
        "source_key",
        "imported_from",
        "imported_at",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
