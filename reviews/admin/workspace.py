"""The claim workspace: one page where a reviewer checks a claim (the claim in its article, its
appearances, fact-checks that may already answer it, the claim as checked, the verdict and its
sources) and where an editor reads the verdict, previews the fact-check exactly as it will be
published, and approves it or sends it back.

Every button posts to one view, which calls the same services as the API (reviews.services,
reviews.workflow). A refused post draws the page again with what was typed and the refusal in
words; an accepted one redirects (the page can be reloaded without posting twice).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.text import Truncator

from reviews import workflow
from reviews.admin import display as admin_display
from reviews.admin.forms import RejectForm, SourceForm, WorkspaceForm
from reviews.admin.notes import notes_context
from reviews.admin.notifications import claim_notifications_context
from reviews.models import ReviewItem, Verdict
from reviews.pages import PAGE_TEMPLATE, fact_check_page_context
from reviews.rendering import (
    absolute_url,
    claim_review,
    fact_check_path,
    fact_check_record,
    fact_checks_path,
)
from reviews.selectors import fact_check_get
from reviews.services import evidence, publishing
from reviews.services import queue as services
from reviews.workflow import TransitionError
from reviews.workspace import (
    already_checked,
    archive_state,
    fact_check_preview,
    queue_neighbours,
    sources_unarchived_warning,
)

if TYPE_CHECKING:
    from django.contrib.admin import ModelAdmin

    _Base = ModelAdmin[ReviewItem]
else:
    _Base = object

SOURCE_PREFIX = "source"


def workspace_url(item_id: int) -> str:
    return reverse("admin:reviews_reviewitem_work", args=[item_id])


@dataclass
class Refusal:
    """A post the services refused: the page is drawn again with it and what was typed."""

    message: str
    form: WorkspaceForm | None = None
    source_form: SourceForm | None = None
    reject_form: RejectForm | None = None
    send_back_note: str | None = None


class WorkspaceViews(_Base):
    """The workspace's views, for ReviewItemAdmin."""

    def workspace_urls(self) -> list:
        views: list[tuple[str, Callable[..., HttpResponse], str]] = [
            ("<int:item_id>/work/", self.workspace_view, "work"),
            ("<int:item_id>/claimreview.json", self.claimreview_json_view, "claimreview"),
            ("<int:item_id>/record.json", self.record_json_view, "record"),
            ("<int:item_id>/preview/", self.preview_view, "preview"),
            ("<int:item_id>/preview.json", self.preview_json_view, "preview_json"),
        ]
        return [
            path(route, self.admin_site.admin_view(view), name=f"reviews_reviewitem_{name}")
            for route, view, name in views
        ]

    def _item(self, request: HttpRequest, item_id: int) -> ReviewItem:
        if not self.has_view_permission(request):
            raise Http404("There is no such claim.")
        return get_object_or_404(
            ReviewItem.objects.select_related(
                "claim__article__publisher", "claim__membership__cluster", "assigned_to"
            ),
            pk=item_id,
        )

    def workspace_view(self, request: HttpRequest, item_id: int) -> HttpResponse:
        item = self._item(request, item_id)
        if request.method != "POST":
            return self._draw(request, item)
        action = request.POST.get("_action", "")
        act = {
            "take": self._take,
            "release": self._release,
            "reject": self._reject,
            "approve": self._approve,
            "send_back": self._send_back,
        }.get(action, self._verdict)
        try:
            return act(request, item, action)
        except RefusedError as refused:
            # Shown above the form (not as a message, which would say it twice).
            item.refresh_from_db()
            return self._draw(request, item, refused.refusal)

    # --- Posts -------------------------------------------------------------------------------

    def _done(self, request: HttpRequest, text: str, to: str) -> HttpResponse:
        messages.success(request, text)
        return HttpResponseRedirect(to)

    def _take(self, request: HttpRequest, item: ReviewItem, action: str) -> HttpResponse:
        _call(lambda: services.review_take(item_id=item.pk, user=request.user))
        return self._done(request, "You now hold this claim.", workspace_url(item.pk))

    def _release(self, request: HttpRequest, item: ReviewItem, action: str) -> HttpResponse:
        _call(lambda: services.review_release(item_id=item.pk, user=request.user))
        return self._done(
            request,
            "The claim is back in the queue; its draft is kept.",
            reverse("admin:reviews_reviewitem_changelist"),
        )

    def _reject(self, request: HttpRequest, item: ReviewItem, action: str) -> HttpResponse:
        form = RejectForm(request.POST, prefix="reject")
        if not form.is_valid():
            raise RefusedError(Refusal("Choose why the claim is rejected.", reject_form=form))
        _call(
            lambda: services.review_reject(
                item_id=item.pk,
                user=request.user,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            ),
            reject_form=form,
        )
        return self._done(
            request, "The claim is rejected.", reverse("admin:reviews_reviewitem_changelist")
        )

    def _approve(self, request: HttpRequest, item: ReviewItem, action: str) -> HttpResponse:
        verdict = _call(lambda: publishing.verdict_approve(item_id=item.pk, editor=request.user))
        warning = sources_unarchived_warning(verdict=verdict)
        if warning:
            messages.warning(request, f"Published. {warning}")
            return HttpResponseRedirect(workspace_url(item.pk))
        return self._done(request, "The fact-check is published.", workspace_url(item.pk))

    def _send_back(self, request: HttpRequest, item: ReviewItem, action: str) -> HttpResponse:
        note = request.POST.get("note", "")
        _call(
            lambda: publishing.verdict_send_back(item_id=item.pk, editor=request.user, note=note),
            send_back_note=note,
        )
        return self._done(
            request, "The verdict went back to its reviewer with your note.", workspace_url(item.pk)
        )

    def _verdict(self, request: HttpRequest, item: ReviewItem, action: str) -> HttpResponse:
        """Save the draft (every button of the verdict form does first), then what was asked."""
        form = WorkspaceForm(request.POST)
        source_form = SourceForm(request.POST, prefix=SOURCE_PREFIX)
        typed = {"form": form, "source_form": source_form}
        if not (form.is_valid() and source_form.is_valid()):
            raise RefusedError(Refusal("Nothing was saved: see the fields marked below.", **typed))
        data = form.cleaned_data
        verdict = _call(
            lambda: publishing.verdict_save(
                item_id=item.pk,
                user=request.user,
                rating=data["rating"],
                explanation=data["explanation"],
                summary=data["summary"],
                claim_reviewed=data["claim_reviewed"],
                claimant=data["claimant"],
                claimant_kind=data["claimant_kind"],
            ),
            prefix="Nothing was saved: ",
            **typed,
        )
        saved = "The draft is saved"
        if not source_form.is_blank:
            source = source_form.cleaned_data
            _call(
                lambda: publishing.source_add(
                    verdict_id=verdict.pk,
                    user=request.user,
                    url=source["url"],
                    title=source["title"],
                    publisher=source["publisher"],
                    stance=source["stance"],
                    quote=source["quote"],
                    date=source["date"],
                ),
                prefix=f"{saved}, but the source was not added: ",
                **typed,
            )
            saved += " and the source added"
        # The source form is emptied once its source is in: redraw from what was saved.
        typed = {"form": form}
        if action.startswith("remove:"):
            source_id = _number(action)
            _call(
                lambda: publishing.source_remove(source_id=source_id, user=request.user),
                prefix=f"{saved}, but the source was not removed: ",
                **typed,
            )
            saved += "; the source is removed"
        elif action.startswith("retry:"):
            source_id = _number(action)
            if not verdict.sources.filter(pk=source_id).exists():
                raise RefusedError(
                    Refusal(f"{saved}, but that source is not this draft's.", **typed)
                )
            retried = evidence.evidence_archive_again(source_id=source_id)
            saved += "; archiving again" if retried else "; that source is archived already"
        elif action == "submit_next":
            _call(
                lambda: publishing.verdict_submit(item_id=item.pk, user=request.user),
                prefix=f"{saved}, but it was not submitted: ",
                **typed,
            )
            return self._take_next(request, f"{saved} and sent to an editor.")
        return self._done(request, f"{saved}.", workspace_url(item.pk))

    def _take_next(self, request: HttpRequest, done: str) -> HttpResponse:
        messages.success(request, done)
        following = services.review_take_next(user=request.user)
        if following is None:
            messages.info(request, "The queue is empty: there is no claim to take next.")
            return HttpResponseRedirect(reverse("admin:reviews_reviewitem_changelist"))
        messages.info(request, f"You now hold: {Truncator(following.claim.text).chars(100)}")
        return HttpResponseRedirect(workspace_url(following.pk))

    # --- The page ----------------------------------------------------------------------------

    def _draw(
        self, request: HttpRequest, item: ReviewItem, refusal: Refusal | None = None
    ) -> HttpResponse:
        refusal = refusal or Refusal("")
        user = request.user
        draft = item.verdicts.filter(published_at__isnull=True).first()
        published = item.verdicts.filter(published_at__isnull=False).order_by("-version").first()
        holds = item.status == workflow.IN_REVIEW and item.assigned_to_id == user.pk
        is_editor = user.has_perm(publishing.APPROVE_PERMISSION)
        awaiting = item.status == workflow.AWAITING_APPROVAL
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Claim workspace",
            "item": item,
            "claim": item.claim,
            "draft": draft,
            "published": published,
            "holds": holds,
            "is_editor": is_editor,
            "awaiting": awaiting,
            # Four eyes: the author of the draft waits for another editor like anyone else.
            "may_approve": awaiting
            and is_editor
            and not (draft is not None and draft.author_id == user.pk),
            "can_take": item.status == workflow.PENDING
            and item.assigned_to_id is None
            and self.has_change_permission(request),
            "returned": holds and draft is not None and bool(draft.editor_note),
            "claim_in_context": admin_display.claim_in_context(item),
            "appearances": admin_display.appearances_table(item),
            "candidates": already_checked(item),
            "neighbours": queue_neighbours(item),
            "sources": [
                (source, archive_state(source)) for source in (draft.sources.all() if draft else [])
            ],
            # Shown to the editor beside Approve (reviews.workspace).
            "archive_warning": sources_unarchived_warning(verdict=draft) if draft else "",
            "refusal": refusal.message,
            "send_back_note": refusal.send_back_note or "",
            "reject_form": refusal.reject_form or RejectForm(prefix="reject"),
        }
        if holds:
            context["form"] = refusal.form or WorkspaceForm(initial=_initial(item, draft))
            context["source_form"] = refusal.source_form or SourceForm(prefix=SOURCE_PREFIX)
        # The preview is drawn by its own requests (the page's iframe and script): a claim
        # repeated in thousands of articles publishes a ClaimReview of thousands of
        # appearances, which should not hold up the verdict above it.
        context["preview"] = draft is not None and not holds
        context.update(notes_context(request, item))
        context.update(claim_notifications_context(request, item))
        if published is not None and item.status in workflow.CHECKED:
            context["correction"] = draft
            context["published_links"] = {
                "page": fact_check_path(item.pk),
                "claimreview": reverse("admin:reviews_reviewitem_claimreview", args=[item.pk]),
                "record": reverse("admin:reviews_reviewitem_record", args=[item.pk]),
                "api_record": reverse("api:fact-check-detail", args=[item.pk]),
            }
        return TemplateResponse(request, "admin/reviews/reviewitem/workspace.html", context)

    def _draft_preview(self, request: HttpRequest, item_id: int) -> Any:
        preview = fact_check_preview(self._item(request, item_id))
        if preview is None:
            raise Http404("This claim has no draft verdict to preview.")
        return fact_check_page_context(request, preview)

    def preview_view(self, request: HttpRequest, item_id: int) -> HttpResponse:
        """The public page as the draft would publish it, drawn by the public page's code."""
        response = TemplateResponse(request, PAGE_TEMPLATE, self._draft_preview(request, item_id))
        # Shown in the workspace's frame only, and never cached: the draft changes.
        response["Cache-Control"] = "no-store"
        response["X-Frame-Options"] = "SAMEORIGIN"
        return response

    def preview_json_view(self, request: HttpRequest, item_id: int) -> HttpResponse:
        """The ClaimReview the draft would publish."""
        review = self._draft_preview(request, item_id)["claim_review"]
        return JsonResponse(review, content_type="application/ld+json", json_dumps_params=_PRETTY)

    # --- What was published, as the API writes it (the API itself asks for a token) ---------

    def _published(self, request: HttpRequest, item_id: int) -> Any:
        self._item(request, item_id)
        fact_check = fact_check_get(item_id=item_id)
        if fact_check is None:
            raise Http404("This claim has no published fact-check.")
        return fact_check

    def claimreview_json_view(self, request: HttpRequest, item_id: int) -> HttpResponse:
        review = claim_review(request, self._published(request, item_id))
        return JsonResponse(review, content_type="application/ld+json", json_dumps_params=_PRETTY)

    def record_json_view(self, request: HttpRequest, item_id: int) -> HttpResponse:
        record = fact_check_record(
            self._published(request, item_id), base=absolute_url(request, fact_checks_path())
        )
        return JsonResponse(record, json_dumps_params=_PRETTY)


_PRETTY = {"indent": 2, "ensure_ascii": False}


class RefusedError(Exception):
    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.message)
        self.refusal = refusal


def _call(act: Callable[[], Any], *, prefix: str = "", **typed: Any) -> Any:
    """Run a service; its refusal becomes the page's, with what was typed."""
    try:
        return act()
    except TransitionError as exc:
        raise RefusedError(Refusal(f"{prefix}{_sentence(str(exc))}", **typed)) from exc


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _number(action: str) -> int:
    try:
        return int(action.split(":", 1)[1])
    except ValueError as exc:
        raise RefusedError(Refusal("That button names no source.")) from exc


def _initial(item: ReviewItem, draft: Verdict | None) -> dict[str, Any]:
    if draft is None:
        wording, claimant, kind = publishing.claim_as_checked_proposal(item.claim)
        return {"claim_reviewed": wording, "claimant": claimant, "claimant_kind": kind}
    return {
        name: getattr(draft, name)
        for name in (
            "claim_reviewed",
            "claimant",
            "claimant_kind",
            "rating",
            "explanation",
            "summary",
        )
    }
