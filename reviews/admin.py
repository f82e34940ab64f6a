from __future__ import annotations

from collections.abc import Callable

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from reviews import publishing, services, workflow
from reviews.admin_verdicts import VerdictInline
from reviews.models import EvidenceSource, ReviewItem, Verdict
from reviews.workflow import TransitionError

# How much of the article to show on each side of the claim.
CONTEXT_CHARS = 700


def _archive_state(source: EvidenceSource) -> str:
    if source.archived_at:
        return f"archived {source.archived_at:%Y-%m-%d %H:%M}"
    if source.fetch_error:
        return f"not archived: {source.fetch_error}"
    return "archiving…"


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
class ReviewItemAdmin(SimpleHistoryAdmin):
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
    inlines = [VerdictInline]
    actions = [
        "take",
        "release",
        "submit_for_approval",
        "approve_and_publish",
        *(_reject_action(reason) for reason in ReviewItem.RejectionReason),
    ]
    change_list_template = "admin/reviews/reviewitem/change_list.html"
    change_form_template = "admin/reviews/reviewitem/change_form.html"

    def get_urls(self) -> list:
        own = [
            path(
                "take-next/",
                self.admin_site.admin_view(self.take_next_view),
                name="reviews_reviewitem_take_next",
            ),
            path(
                "<int:item_id>/submit/",
                self.admin_site.admin_view(self.submit_view),
                name="reviews_reviewitem_submit",
            ),
            path(
                "<int:item_id>/approve/",
                self.admin_site.admin_view(self.approve_view),
                name="reviews_reviewitem_approve",
            ),
            path(
                "<int:item_id>/send-back/",
                self.admin_site.admin_view(self.send_back_view),
                name="reviews_reviewitem_send_back",
            ),
        ]
        return own + super().get_urls()

    def get_readonly_fields(self, request: HttpRequest, obj: ReviewItem | None = None) -> list:
        return [*self.readonly_fields, "draft_sources"]

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict | None = None,
    ) -> HttpResponse:
        item = self.get_object(request, object_id)
        context = dict(extra_context or {})
        if item is not None:
            draft = item.verdicts.filter(published_at__isnull=True).first()
            holds = item.status == workflow.IN_REVIEW and item.assigned_to_id == request.user.pk
            context["publishing"] = {
                "draft": draft,
                "holds": holds,
                "awaiting": item.status == workflow.AWAITING_APPROVAL,
                "is_editor": request.user.has_perm(publishing.APPROVE_PERMISSION),
                "write_url": (
                    reverse("admin:reviews_verdict_change", args=[draft.pk])
                    if draft
                    else reverse("admin:reviews_verdict_add") + f"?review_item={item.pk}"
                ),
            }
        return super().change_view(request, object_id, form_url, context)

    def _publishing_view(
        self, request: HttpRequest, item_id: int, act: Callable[[], object], done: str
    ) -> HttpResponse:
        back = HttpResponseRedirect(reverse("admin:reviews_reviewitem_change", args=[item_id]))
        if request.method != "POST" or not self.has_view_permission(request):
            return back
        try:
            act()
        except TransitionError as exc:
            self.message_user(request, str(exc), messages.ERROR)
        else:
            self.message_user(request, done, messages.SUCCESS)
        return back

    def submit_view(self, request: HttpRequest, item_id: int) -> HttpResponse:
        return self._publishing_view(
            request,
            item_id,
            lambda: publishing.verdict_submit(item_id=item_id, user=request.user),
            "The verdict went to an editor for approval.",
        )

    def approve_view(self, request: HttpRequest, item_id: int) -> HttpResponse:
        return self._publishing_view(
            request,
            item_id,
            lambda: publishing.verdict_approve(item_id=item_id, editor=request.user),
            "The verdict is published.",
        )

    def send_back_view(self, request: HttpRequest, item_id: int) -> HttpResponse:
        return self._publishing_view(
            request,
            item_id,
            lambda: publishing.verdict_send_back(
                item_id=item_id, editor=request.user, note=request.POST.get("note", "")
            ),
            "The verdict went back to its reviewer.",
        )

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

    @admin.action(description="Submit selected verdicts for approval")
    def submit_for_approval(self, request: HttpRequest, queryset: QuerySet[ReviewItem]) -> None:
        self.each(
            request,
            queryset,
            lambda item: publishing.verdict_submit(item_id=item.pk, user=request.user),
            "submitted for approval",
        )

    @admin.action(description="Approve and publish selected verdicts")
    def approve_and_publish(self, request: HttpRequest, queryset: QuerySet[ReviewItem]) -> None:
        self.each(
            request,
            queryset,
            lambda item: publishing.verdict_approve(item_id=item.pk, editor=request.user),
            "published",
        )

    @admin.display(description="Sources of the draft verdict")
    def draft_sources(self, obj: ReviewItem) -> str:
        draft: Verdict | None = obj.verdicts.filter(published_at__isnull=True).first()
        if draft is None:
            return "no draft verdict"
        sources = list(draft.sources.all())
        if not sources:
            return "none cited yet"
        return format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li>{}: <a href="{}" rel="noopener noreferrer">{}</a> ({})</li>',
                (
                    (
                        source.get_stance_display(),
                        source.url,
                        source.title or source.url,
                        _archive_state(source),
                    )
                    for source in sources
                ),
            ),
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


# The publishing API's admin (tokens, webhooks) registers itself on import.
from reviews import admin_api  # noqa: E402,F401
