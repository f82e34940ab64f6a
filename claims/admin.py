from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from unfold.admin import ModelAdmin, TabularInline

from claims import services, tasks
from claims.forms import ArticleSubmitForm
from claims.models import Article, Claim, Feed, Publisher
from factcheck.admin_history import ReadOnlyHistoryAdmin, ViewOnlyPagesMixin
from factcheck.empty_states import EmptyState, is_filtered


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

    def empty_state(self, changelist: ChangeList) -> EmptyState | None:
        if is_filtered(changelist):
            return None
        return EmptyState(
            "No feeds yet",
            "A feed is an RSS or Atom address the desk polls on its own schedule; each new "
            "article in it is extracted and its check-worthy claims are queued. Editors add feeds.",
        )

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
    list_display = [
        "__str__",
        "publisher",
        "status",
        "version",
        "source",
        "published",
        "received_at",
    ]
    list_filter = ["status", "source", "language", "publisher"]
    search_fields = ["title", "url", "canonical_url"]
    date_hierarchy = "received_at"
    list_select_related = ["publisher"]
    show_full_result_count = False
    exclude = ["raw", "published_at", "given_published_at"]
    # The publication date reads "unknown" when the article gives none (plain text), never a
    # dash that could pass for a missing page.
    readonly_fields = [
        "published" if f.name == "published_at" else f.name
        for f in Article._meta.get_fields()
        if f.concrete and f.name not in ("raw", "given_published_at")
    ]
    inlines = [ClaimInline]
    actions = ["retry"]

    @admin.display(description="published", ordering="published_at")
    def published(self, article: Article) -> str:
        if article.published_at:
            return date_format(timezone.localtime(article.published_at), "DATETIME_FORMAT")
        if article.status == Article.Status.RECEIVED:
            return "not read yet"
        return "unknown: the article gives no date"

    def empty_state(self, changelist: ChangeList) -> EmptyState | None:
        if is_filtered(changelist):
            return None
        return EmptyState(
            "No articles yet",
            "Articles come in from feeds, the API (POST /api/v1/articles/), manage.py ingest, or "
            "Add article here (an address, or pasted text with its title). Each one is cleaned "
            "and its check-worthy claims go to the review queue.",
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Reviewers and editors bring articles in through the form below, never a raw row.
        return request.user.has_perm("claims.add_article")

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: dict | None = None
    ) -> HttpResponse:
        """Add an article: the address to fetch, or pasted text with a title (article_submit)."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ArticleSubmitForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                received = services.article_submit(
                    url=data["url"],
                    text=data["text"],
                    title=data["title"],
                    published_at=data["published_at"],
                )
            except services.IngestError as exc:
                # What was typed stays in the form, with the reason beside it.
                field = exc.field or ("url" if data["url"] else None)
                form.add_error(field, str(exc).capitalize() + ".")
            else:
                self._submitted(request, received)
                return HttpResponseRedirect(
                    reverse("admin:claims_article_change", args=[received.article.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "title": "Add article",
            "form": form,
            "opts": self.model._meta,
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/claims/article/submit.html", context)

    def _submitted(self, request: HttpRequest, received: services.Received) -> None:
        article = received.article
        if not received.created:
            self.message_user(
                request, f"This article was already here: {article}.", messages.WARNING
            )
        elif article.status == Article.Status.FAILED:
            again = " It is fetched again shortly." if received.retryable else ""
            self.message_user(
                request,
                f"The article could not be read: {article.error}.{again} It is kept with its "
                "input; Retry selected failed articles tries it again.",
                messages.ERROR,
            )
        else:
            self.message_user(
                request,
                f"Article received: {article}. Its check-worthy claims join the review queue "
                "once it is extracted.",
                messages.SUCCESS,
            )

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

    def empty_state(self, changelist: ChangeList) -> EmptyState | None:
        if is_filtered(changelist):
            return None
        return EmptyState(
            "No claims yet",
            "Claims are the check-worthy sentences the desk finds in each article it receives, "
            "with who said them. Add an article, and its claims appear here and in the review "
            "queue.",
            (("Add an article", reverse("admin:claims_article_add")),),
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Claims come from articles: every field is read-only, so a claim "added" by hand
        # was an empty row that failed the database's constraints (a 500).
        return False
