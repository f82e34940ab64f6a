from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html

from reviews import services
from reviews.models import ReviewItem
from reviews.workflow import TransitionError

# How much of the article to show on each side of the claim.
CONTEXT_CHARS = 700


def _reject_action(reason: ReviewItem.RejectionReason) -> object:
    @admin.action(description=f"Reject selected: {reason.label.lower()}")
    def reject(
        modeladmin: ReviewItemAdmin, request: HttpRequest, queryset: QuerySet[ReviewItem]
    ) -> None:
        modeladmin.each(
            request,
            queryset,
            lambda item: services.review_reject(item_id=item.pk, user=request.user, reason=reason),
            "rejected",
        )

    reject.__name__ = f"reject_{reason.value}"
    return reject


@admin.register(ReviewItem)
class ReviewItemAdmin(admin.ModelAdmin):
    list_display = ["claim_text", "speaker", "article", "status", "assigned_to", "priority"]
    list_filter = ["status", "claim__claim_type", "rejection_reason"]
    search_fields = ["claim__text", "claim__speaker"]
    list_select_related = ["claim__article", "assigned_to"]
    show_full_result_count = False
    readonly_fields = [
        "claim_in_context",
        "speaker",
        "article_link",
        "claim_details",
        "status",
        "priority",
        "assigned_to",
        "assigned_at",
        "rejection_reason",
        "rejection_note",
        "created_at",
        "updated_at",
    ]
    exclude = ["claim"]
    actions = [
        "take",
        "release",
        *(_reject_action(reason) for reason in ReviewItem.RejectionReason),
    ]
    change_list_template = "admin/reviews/reviewitem/change_list.html"

    def get_urls(self) -> list:
        own = [
            path(
                "take-next/",
                self.admin_site.admin_view(self.take_next_view),
                name="reviews_reviewitem_take_next",
            )
        ]
        return own + super().get_urls()

    def take_next_view(self, request: HttpRequest) -> HttpResponse:
        if request.method != "POST" or not self.has_change_permission(request):
            return HttpResponseRedirect(reverse("admin:reviews_reviewitem_changelist"))
        item = services.review_take_next(user=request.user)
        if item is None:
            self.message_user(request, "The queue is empty.", messages.INFO)
            return HttpResponseRedirect(reverse("admin:reviews_reviewitem_changelist"))
        self.message_user(request, f"You now hold: {item.claim.text[:100]}", messages.SUCCESS)
        return HttpResponseRedirect(reverse("admin:reviews_reviewitem_change", args=[item.pk]))

    def each(self, request: HttpRequest, queryset: QuerySet[ReviewItem], act, done: str) -> None:  # type: ignore[no-untyped-def]
        succeeded, refused = 0, []
        for item in queryset:
            try:
                act(item)
                succeeded += 1
            except TransitionError as exc:
                refused.append(str(exc))
        if succeeded:
            self.message_user(request, f"{succeeded} claim(s) {done}.", messages.SUCCESS)
        for reason in refused[:5]:
            self.message_user(request, reason, messages.WARNING)

    @admin.action(description="Take selected claims")
    def take(self, request: HttpRequest, queryset: QuerySet[ReviewItem]) -> None:
        self.each(
            request,
            queryset,
            lambda item: services.review_take(item_id=item.pk, user=request.user),
            "taken",
        )

    @admin.action(description="Release selected claims")
    def release(self, request: HttpRequest, queryset: QuerySet[ReviewItem]) -> None:
        self.each(
            request,
            queryset,
            lambda item: services.review_release(item_id=item.pk, user=request.user),
            "released",
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # claims enter the queue from articles, never by hand

    @admin.display(description="Claim in its article")
    def claim_in_context(self, obj: ReviewItem) -> str:
        claim = obj.claim
        text = claim.article.clean_text
        before = text[max(0, claim.start - CONTEXT_CHARS) : claim.start]
        after = text[claim.end : claim.end + CONTEXT_CHARS]
        return format_html(
            '<div style="white-space: pre-wrap; max-width: 60em">'
            '…{}<mark id="claim">{}</mark>{}…</div>',
            before,
            text[claim.start : claim.end] or claim.text,
            after,
        )

    @admin.display(description="Article")
    def article_link(self, obj: ReviewItem) -> str:
        article = obj.claim.article
        url = reverse("admin:claims_article_change", args=[article.pk])
        return format_html('<a href="{}">{}</a> {}', url, article, article.url)

    @admin.display(description="Score, type and reasons")
    def claim_details(self, obj: ReviewItem) -> str:
        claim = obj.claim
        return f"{claim.score:.2f} · {claim.get_claim_type_display()} · {'; '.join(claim.reasons)}"

    @admin.display(description="Claim")
    def claim_text(self, obj: ReviewItem) -> str:
        return obj.claim.text

    @admin.display(description="Speaker")
    def speaker(self, obj: ReviewItem) -> str:
        return obj.claim.speaker

    @admin.display(description="Article")
    def article(self, obj: ReviewItem) -> str:
        return str(obj.claim.article)
