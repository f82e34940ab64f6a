from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from unfold.admin import ModelAdmin, TabularInline

from claims import services, tasks
from claims.models import Article, Claim, Feed, Publisher
from factcheck.admin_history import ReadOnlyHistoryAdmin, ViewOnlyPagesMixin


@admin.register(Publisher)
class PublisherAdmin(ModelAdmin):
    list_display = ["name", "domain", "created_at"]
    search_fields = ["name", "domain"]


@admin.register(Feed)
class FeedAdmin(ModelAdmin):
    list_display = ["__str__", "enabled", "interval_seconds", "last_polled_at", "last_result"]
    list_filter = ["enabled", "last_result"]
    search_fields = ["url", "title"]
    readonly_fields = [
        "etag",
        "last_modified",
        "last_polled_at",
        "last_result",
        "last_error",
        "last_entry_count",
        "created_at",
    ]
    actions = ["poll_now"]

    def save_model(self, request: HttpRequest, obj: Feed, form: object, change: bool) -> None:
        services.feed_save(feed=obj)

    def delete_model(self, request: HttpRequest, obj: Feed) -> None:
        services.feed_delete(feed=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Feed]) -> None:
        for feed in queryset:
            services.feed_delete(feed=feed)

    @admin.action(description="Poll selected feeds now")
    def poll_now(self, request: HttpRequest, queryset: QuerySet[Feed]) -> None:
        for feed_id in queryset.values_list("pk", flat=True):
            tasks.feed_poll.delay(feed_id)
        self.message_user(request, f"Polling {queryset.count()} feed(s).", messages.SUCCESS)


class ClaimInline(TabularInline):
    model = Claim
    fields = ["text", "speaker", "claim_type", "score"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(Article)
class ArticleAdmin(ModelAdmin):
    list_display = ["__str__", "publisher", "status", "version", "source", "received_at"]
    list_filter = ["status", "source", "language", "publisher"]
    search_fields = ["title", "url", "canonical_url"]
    date_hierarchy = "received_at"
    list_select_related = ["publisher"]
    show_full_result_count = False
    exclude = ["raw"]
    readonly_fields = [f.name for f in Article._meta.get_fields() if f.concrete and f.name != "raw"]
    inlines = [ClaimInline]
    actions = ["retry"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Retry selected failed articles")
    def retry(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        failed = list(queryset.filter(status=Article.Status.FAILED).values_list("pk", flat=True))
        for article_id in failed:
            services.article_retry(article_id=article_id)
        self.message_user(request, f"Retrying {len(failed)} failed article(s).", messages.SUCCESS)


@admin.register(Claim)
class ClaimAdmin(ViewOnlyPagesMixin, ReadOnlyHistoryAdmin):
    list_display = ["text", "speaker", "claim_type", "score", "article"]
    list_filter = ["claim_type"]
    search_fields = ["text", "speaker"]
    list_select_related = ["article"]
    show_full_result_count = False
    readonly_fields = [
        "article",
        "text",
        "start",
        "end",
        "context",
        "score",
        "speaker",
        "attribution",
        "claim_type",
        "reasons",
        "model_version",
        "created_at",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Claims come from articles: every field is read-only, so a claim "added" by hand
        # was an empty row that failed the database's constraints (a 500).
        return False
