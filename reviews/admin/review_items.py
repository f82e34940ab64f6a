"""The queue reviewers live in. Every button and action calls a service; the queue's filters,
search and counts are in `reviews.admin.queue`, what its pages show in
`reviews.admin.display`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.views.main import ChangeList
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from unfold.widgets import CHECKBOX_CLASSES

from factcheck.admin_history import ReadOnlyHistoryAdmin, ViewOnlyPagesMixin
from factcheck.empty_states import EmptyState
from reviews import workflow
from reviews.admin import display as admin_display
from reviews.admin.columns import QueueColumns, queue_annotate
from reviews.admin.corrections import correction_view
from reviews.admin.empty import queue_empty_state
from reviews.admin.forms import BULK_LIMIT, AssignForm, DueForm, RejectForm
from reviews.admin.notes import notes_context, notes_view
from reviews.admin.notifications import claim_notifications_context
from reviews.admin.queue import (
    AssignmentFilter,
    DueFilter,
    EstimatedCountPaginator,
    QueueChangeList,
    ScoreBandFilter,
    SpeakerFilter,
    StatusFilter,
    claims_search,
)
from reviews.admin.verdicts import VerdictInline
from reviews.admin.workspace import WorkspaceViews, workspace_url
from reviews.models import ReviewItem, Verdict
from reviews.services import corrections, publishing
from reviews.services import queue as services
from reviews.workflow import TransitionError
from reviews.workspace import sources_unarchived_warning

CHECKBOX_CLASS = " ".join(CHECKBOX_CLASSES)


def _reject_action(reason: ReviewItem.RejectionReason) -> object:
    @admin.action(permissions=["change"], description=f"Reject selected: {reason.label.lower()}")
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


# A claim's page is for reading: its buttons and the queue's actions call the services. Saving
# the page would write the whole row back over a concurrent move, and the filter fields copied
# from the claim with it.
@admin.register(ReviewItem)
class ReviewItemAdmin(QueueColumns, WorkspaceViews, ViewOnlyPagesMixin, ReadOnlyHistoryAdmin):
    list_display = [
        "claim_text",
        "band_column",
        "first_seen",
        "appearances",
        "status_column",
        "due_column",
        "assigned_column",
        "queue_priority",
    ]
    list_filter = [
        StatusFilter,
        ScoreBandFilter,
        AssignmentFilter,
        DueFilter,
        "publisher",
        "feed",
        SpeakerFilter,
        "claim_type",
        "rejection_reason",
    ]
    # Shown for the search box; the search itself is `claims_search` (full text).
    search_fields = ["claim__text"]
    search_help_text = 'Words of the claim; "quoted phrase", -excluded, or.'
    list_select_related = ["claim__article", "claim__membership__cluster", "assigned_to"]
    ordering = ["-priority", "id"]
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    # Reviewers mostly take the next claim; a shorter page renders in half the time.
    list_per_page = 50
    readonly_fields = [
        "claim_in_context",
        "speaker",
        "article_link",
        "claim_details",
        "appearances_table",
        "fact_check_suggestions",
        "status",
        "due_on",
        "queue_priority",
        "held_by",
        "assigned_at",
        "rejection_reason",
        "rejection_note",
        "created_at",
        "updated_at",
        "draft_sources",
    ]
    # The holder is shown by name (`held_by`): a link to their user page would answer 403.
    exclude = ["claim", "assigned_to", "priority", "last_seen_at"]
    inlines = [VerdictInline]
    actions = [
        "take",
        "release",
        "assign_selected",
        "set_due_date",
        "reject_selected",
        "submit_for_approval",
        "approve_and_publish",
        *(_reject_action(reason) for reason in ReviewItem.RejectionReason),
        "reopen",
    ]
    change_list_template = "admin/reviews/reviewitem/change_list.html"
    change_form_template = "admin/reviews/reviewitem/change_form.html"

    def get_urls(self) -> list:
        views: list[tuple[str, Callable[..., HttpResponse], str]] = [
            ("take-next/", self.take_next_view, "take_next"),
            ("<int:item_id>/take/", self.take_view, "take"),
            ("<int:item_id>/submit/", self.submit_view, "submit"),
            ("<int:item_id>/approve/", self.approve_view, "approve"),
            ("<int:item_id>/send-back/", self.send_back_view, "send_back"),
            ("<int:item_id>/correct/", self.correct_view, "correct"),
            ("<int:item_id>/correct/approve/", self.correction_approve_view, "correction_approve"),
            ("<int:item_id>/correct/discard/", self.correction_discard_view, "correction_discard"),
            ("<int:item_id>/notes/", self.notes_view, "notes"),
        ]
        own = [
            path(route, self.admin_site.admin_view(view), name=f"reviews_reviewitem_{name}")
            for route, view, name in views
        ]
        return own + self.workspace_urls() + super().get_urls()

    def empty_state(self, changelist: ChangeList) -> EmptyState:
        return queue_empty_state(changelist)

    def changelist_view(
        self, request: HttpRequest, extra_context: dict | None = None
    ) -> HttpResponse:
        # The page is the queue and its entries are claims: Django would title it "Select
        # claim to change" and offer to "Select all 27 review queue".
        context = {"title": "Review queue", "module_name": "claims", **(extra_context or {})}
        return super().changelist_view(request, context)

    def get_changelist(self, request: HttpRequest, **kwargs: Any) -> type[QueueChangeList]:
        return QueueChangeList

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[ReviewItem], search_term: str
    ) -> tuple[QuerySet[ReviewItem], bool]:
        term = search_term.strip()
        if not term:
            return queryset, False
        return claims_search(queryset, term), False

    def response_action(
        self, request: HttpRequest, queryset: QuerySet[ReviewItem]
    ) -> HttpResponse | None:
        # Ticked claims are acted on as they are now, whatever the list's filters: one that
        # left the default view since the page was drawn (rejected by someone else) gets the
        # service's refusal instead of silence. "Select all" still means the filtered list.
        if request.POST.get("select_across") != "1":
            queryset = self.get_queryset(request)
        return super().response_action(request, queryset)

    def get_queryset(self, request: HttpRequest) -> QuerySet[ReviewItem]:
        queryset = super().get_queryset(request)
        # The detail page's displays read the claim, its article and cluster.
        queryset = queryset.select_related(
            "claim__article", "claim__membership__cluster", "assigned_to"
        )
        return queue_annotate(queryset, request)

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
            is_editor = request.user.has_perm(publishing.APPROVE_PERMISSION)
            context["publishing"] = {
                "draft": draft,
                "holds": holds,
                "can_take": item.status == workflow.PENDING
                and item.assigned_to_id is None
                and self.has_change_permission(request),
                "held_by": item.assigned_to if item.status == workflow.IN_REVIEW else None,
                "awaiting": item.status == workflow.AWAITING_APPROVAL,
                "is_editor": is_editor,
                # Four eyes: the author of the draft waits for another editor like anyone else.
                "may_approve": is_editor
                and not (draft is not None and draft.author_id == request.user.pk),
                "can_correct": is_editor and item.status in workflow.CHECKED,
                # A correction awaiting approval, on a published claim.
                "correction": draft if item.status in workflow.CHECKED else None,
                "write_url": (
                    reverse("admin:reviews_verdict_change", args=[draft.pk])
                    if draft
                    else reverse("admin:reviews_verdict_add") + f"?review_item={item.pk}"
                ),
            }
            context.update(notes_context(request, item))
            context.update(claim_notifications_context(request, item))
        return super().change_view(request, object_id, form_url, context)

    def _publishing_view(
        self, request: HttpRequest, item_id: int, act: Callable[[], object], done: str
    ) -> HttpResponse:
        back = HttpResponseRedirect(reverse("admin:reviews_reviewitem_change", args=[item_id]))
        if request.method != "POST" or not self.has_view_permission(request):
            return back
        try:
            result = act()
        except TransitionError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return back
        # A version just published whose sources are not all archived: the editor is told.
        warning = (
            sources_unarchived_warning(verdict=result)
            if isinstance(result, Verdict) and result.published_at
            else ""
        )
        if warning:
            self.message_user(request, f"{done} {warning}", messages.WARNING)
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

    def correct_view(self, request: HttpRequest, item_id: int) -> HttpResponse:
        """A published verdict's correction: drafted by one editor, approved by another."""
        return correction_view(self, request, item_id)

    def correction_approve_view(self, request: HttpRequest, item_id: int) -> HttpResponse:
        if not request.user.has_perm(publishing.APPROVE_PERMISSION):
            self.message_user(request, "Only editors approve corrections.", messages.ERROR)
            return HttpResponseRedirect(reverse("admin:reviews_reviewitem_change", args=[item_id]))
        return self._publishing_view(
            request,
            item_id,
            lambda: corrections.correction_approve(item_id=item_id, editor=request.user),
            "The correction is published.",
        )

    def correction_discard_view(self, request: HttpRequest, item_id: int) -> HttpResponse:
        return self._publishing_view(
            request,
            item_id,
            lambda: corrections.correction_discard(item_id=item_id, editor=request.user),
            "The correction draft is discarded; the published version stands.",
        )

    def notes_view(self, request: HttpRequest, item_id: int) -> HttpResponse:
        return notes_view(self, request, item_id)

    def take_view(self, request: HttpRequest, item_id: int) -> HttpResponse:
        """The claim page's "Take this claim": the queue's take, for the claim being read."""
        if not self.has_change_permission(request):
            return HttpResponseRedirect(reverse("admin:reviews_reviewitem_changelist"))
        return self._publishing_view(
            request,
            item_id,
            lambda: services.review_take(item_id=item_id, user=request.user),
            "You now hold this claim.",
        )

    def take_next_view(self, request: HttpRequest) -> HttpResponse:
        if request.method != "POST" or not self.has_change_permission(request):
            return HttpResponseRedirect(reverse("admin:reviews_reviewitem_changelist"))
        item = services.review_take_next(user=request.user)
        if item is None:
            self.message_user(request, "The queue is empty.", messages.INFO)
            return HttpResponseRedirect(reverse("admin:reviews_reviewitem_changelist"))
        self.message_user(
            request, f"You now hold: {Truncator(item.claim.text).chars(100)}", messages.SUCCESS
        )
        return HttpResponseRedirect(workspace_url(item.pk))

    def each(
        self,
        request: HttpRequest,
        queryset: QuerySet[ReviewItem],
        act: Callable[[ReviewItem], object],
        done: str,
    ) -> None:
        # Every action, not only those with a page of their own: "select all" can pick the
        # whole queue, and each claim is its own checked move within this one request.
        selected = list(queryset.values_list("pk", flat=True)[: BULK_LIMIT + 1])
        if len(selected) > BULK_LIMIT:
            self.message_user(
                request, f"Select at most {BULK_LIMIT} claims at a time.", messages.ERROR
            )
            return
        succeeded, refused = 0, []
        for item in queryset.filter(pk__in=selected):
            try:
                act(item)
                succeeded += 1
            except TransitionError as exc:
                refused.append(str(exc))
        if succeeded:
            self.message_user(request, f"{succeeded} claim(s) {done}.", messages.SUCCESS)
        for reason in refused[:5]:
            self.message_user(request, reason, messages.WARNING)
        if len(refused) > 5:
            self.message_user(request, f"… and {len(refused) - 5} more refused.", messages.WARNING)

    def _bulk_form_action(
        self,
        request: HttpRequest,
        queryset: QuerySet[ReviewItem],
        *,
        action: str,
        title: str,
        form_class: type[AssignForm] | type[RejectForm] | type[DueForm],
        apply: Callable[[ReviewItem, dict[str, Any]], object],
        done: str,
    ) -> HttpResponse | None:
        """An action with a page of its own: the choices are asked for, then applied to each."""
        items = list(queryset.select_related("claim")[: BULK_LIMIT + 1])
        if len(items) > BULK_LIMIT:
            self.message_user(
                request, f"Select at most {BULK_LIMIT} claims at a time.", messages.ERROR
            )
            return None
        form = form_class(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            self.each(
                request,
                queryset.filter(pk__in=[i.pk for i in items]),
                lambda item: apply(item, form.cleaned_data),
                done,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": title,
            "items": items,
            "form": form,
            "action": action,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/reviews/reviewitem/bulk_action.html", context)

    @admin.action(permissions=["change"], description="Assign selected to a reviewer…")
    def assign_selected(
        self, request: HttpRequest, queryset: QuerySet[ReviewItem]
    ) -> HttpResponse | None:
        if not request.user.has_perm(services.ASSIGN_PERMISSION):
            self.message_user(request, "Only editors assign claims.", messages.ERROR)
            return None

        def assign(item: ReviewItem, data: dict[str, Any]) -> object:
            assignee = get_user_model().objects.get(pk=data["assignee"])
            return services.review_assign(item_id=item.pk, assignee=assignee, by=request.user)

        return self._bulk_form_action(
            request,
            queryset,
            action="assign_selected",
            title="Assign to a reviewer",
            form_class=AssignForm,
            apply=assign,
            done="assigned",
        )

    @admin.action(permissions=["change"], description="Set a due date for selected…")
    def set_due_date(
        self, request: HttpRequest, queryset: QuerySet[ReviewItem]
    ) -> HttpResponse | None:
        if not request.user.has_perm(services.ASSIGN_PERMISSION):
            self.message_user(request, "Only editors set due dates.", messages.ERROR)
            return None
        return self._bulk_form_action(
            request,
            queryset,
            action="set_due_date",
            title="Set a due date",
            form_class=DueForm,
            apply=lambda item, data: services.review_due_set(
                item_ids=[item.pk], due_on=data["due_on"], by=request.user
            ),
            done="given the due date",
        )

    @admin.action(permissions=["change"], description="Reject selected with a reason and note…")
    def reject_selected(
        self, request: HttpRequest, queryset: QuerySet[ReviewItem]
    ) -> HttpResponse | None:
        return self._bulk_form_action(
            request,
            queryset,
            action="reject_selected",
            title="Reject",
            form_class=RejectForm,
            apply=lambda item, data: services.review_reject(
                item_id=item.pk, user=request.user, reason=data["reason"], note=data["note"]
            ),
            done="rejected",
        )

    @admin.action(permissions=["change"], description="Take selected claims")
    def take(self, request: HttpRequest, queryset: QuerySet[ReviewItem]) -> None:
        self.each(
            request,
            queryset,
            lambda item: services.review_take(item_id=item.pk, user=request.user),
            "taken",
        )

    @admin.action(permissions=["change"], description="Release selected claims")
    def release(self, request: HttpRequest, queryset: QuerySet[ReviewItem]) -> None:
        self.each(
            request,
            queryset,
            lambda item: services.review_release(item_id=item.pk, user=request.user),
            "released",
        )

    @admin.action(
        permissions=["change"], description="Reopen selected rejected claims (back to pending)"
    )
    def reopen(self, request: HttpRequest, queryset: QuerySet[ReviewItem]) -> None:
        self.each(
            request,
            queryset,
            lambda item: services.review_reopen(item_id=item.pk, user=request.user),
            "reopened",
        )

    @admin.action(permissions=["change"], description="Submit selected verdicts for approval")
    def submit_for_approval(self, request: HttpRequest, queryset: QuerySet[ReviewItem]) -> None:
        self.each(
            request,
            queryset,
            lambda item: publishing.verdict_submit(item_id=item.pk, user=request.user),
            "submitted for approval",
        )

    @admin.action(permissions=["change"], description="Approve and publish selected verdicts")
    def approve_and_publish(self, request: HttpRequest, queryset: QuerySet[ReviewItem]) -> None:
        unarchived: list[str] = []

        def approve(item: ReviewItem) -> None:
            verdict = publishing.verdict_approve(item_id=item.pk, editor=request.user)
            if sources_unarchived_warning(verdict=verdict):
                unarchived.append(Truncator(verdict.claim_reviewed).chars(80))

        self.each(request, queryset, approve, "published")
        if unarchived:
            self.message_user(
                request,
                f"{len(unarchived)} of them cite sources that are not archived: "
                + "; ".join(unarchived[:5])
                + (" …" if len(unarchived) > 5 else ""),
                messages.WARNING,
            )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # claims enter the queue from articles, never by hand

    def action_checkbox(self, obj: ReviewItem) -> str:
        # The same markup as the theme's, without a form widget rendered through the template
        # engine for every row: a third of the queue page's time (bench/review_queue.py).
        return format_html(
            '<input type="checkbox" name="{}" value="{}" class="action-select {}" '
            'aria-label="Select this object for an action - {}">',
            helpers.ACTION_CHECKBOX_NAME,
            obj.pk,
            CHECKBOX_CLASS,
            str(obj),
        )

    @admin.display(description="Claim in its article")
    def claim_in_context(self, obj: ReviewItem) -> str:
        return admin_display.claim_in_context(obj)

    @admin.display(description="Every appearance")
    def appearances_table(self, obj: ReviewItem) -> str:
        return admin_display.appearances_table(obj)

    @admin.display(description="Already checked? (suggested by claim matching)")
    def fact_check_suggestions(self, obj: ReviewItem) -> str:
        return admin_display.fact_check_suggestions(obj)

    @admin.display(description="Assigned to")
    def held_by(self, obj: ReviewItem) -> str:
        return obj.assigned_to.get_username() if obj.assigned_to else self.get_empty_value_display()

    @admin.display(description="Sources of the verdict")
    def draft_sources(self, obj: ReviewItem) -> str:
        return admin_display.draft_sources(obj)

    @admin.display(description="Article")
    def article_link(self, obj: ReviewItem) -> str:
        article = obj.claim.article
        url = reverse("admin:claims_article_change", args=[article.pk])
        return format_html('<a href="{}">{}</a> {}', url, article, article.url)

    @admin.display(description="Score, type and reasons")
    def claim_details(self, obj: ReviewItem) -> str:
        claim = obj.claim
        return f"{claim.score:.2f} · {claim.get_claim_type_display()} · {'; '.join(claim.reasons)}"

    @admin.display(description="Speaker")
    def speaker(self, obj: ReviewItem) -> str:
        return obj.claim.speaker
