"""The correction page of a published claim: an editor drafts a correction (or changes the
draft), another editor approves it. Every button calls reviews.services.corrections; a refused
save comes back with what was typed and the reason."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.admin import ModelAdmin
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse

from reviews import workflow
from reviews.admin.forms import CorrectionForm, NewSourceFormSet
from reviews.models import ReviewItem, Verdict
from reviews.services import corrections, publishing
from reviews.workflow import TransitionError
from reviews.workspace import sources_unarchived_warning

TEMPLATE = "admin/reviews/reviewitem/correct.html"


def _initial(verdict: Verdict) -> dict[str, Any]:
    initial = {name: getattr(verdict, name) for name in corrections.CORRECTED_FIELDS}
    initial["correction_note"] = verdict.correction_note if verdict.published_at is None else ""
    return initial


def _save(request: HttpRequest, item: ReviewItem, form: CorrectionForm, sources: Any) -> Verdict:
    data = form.cleaned_data
    # One transaction: a refused new source undoes the whole save, and the form keeps it all.
    with transaction.atomic():
        draft = corrections.correction_save(
            item_id=item.pk,
            editor=request.user,
            correction_note=data["correction_note"],
            remove_source_ids=data.get("remove_sources") or (),
            **{name: data[name] for name in corrections.CORRECTED_FIELDS},
        )
        for source in sources.forms:
            new = source.cleaned_data
            if not new.get("url"):
                continue
            publishing.source_add(
                verdict_id=draft.pk,
                user=request.user,
                url=new["url"],
                title=new.get("title") or "",
                publisher=new.get("publisher") or "",
                stance=new["stance"],
                quote=new.get("quote") or "",
                date=new.get("date"),
            )
        return draft


def correction_view(modeladmin: ModelAdmin, request: HttpRequest, item_id: int) -> HttpResponse:
    """GET: the published version, the draft if any, and the form; POST: save the draft."""
    item = get_object_or_404(ReviewItem.objects.select_related("claim"), pk=item_id)
    claim_page = HttpResponseRedirect(reverse("admin:reviews_reviewitem_change", args=[item_id]))
    if not modeladmin.has_view_permission(request, item):
        return HttpResponseRedirect(reverse("admin:index"))
    current = item.verdicts.filter(published_at__isnull=False).order_by("-version").first()
    if current is None or item.status not in workflow.CHECKED:
        modeladmin.message_user(request, "This claim has no published verdict.", messages.ERROR)
        return claim_page
    is_editor = request.user.has_perm(publishing.APPROVE_PERMISSION)
    if not is_editor and request.method != "POST":
        # No form that only an editor could send; a posted one is refused by the service.
        modeladmin.message_user(request, "Only editors correct published verdicts.", messages.ERROR)
        return claim_page
    draft = corrections.correction_draft_get(item_id=item_id)
    cited = list((draft or current).sources.order_by("pk"))
    if request.method == "POST":
        form = CorrectionForm(request.POST, sources=cited)
        sources = NewSourceFormSet(request.POST, prefix="source")
        if form.is_valid() and sources.is_valid():
            try:
                saved = _save(request, item, form, sources)
            except TransitionError as exc:
                form.add_error(None, f"Not saved: {exc}.")
            else:
                modeladmin.message_user(
                    request,
                    f"The correction (version {saved.version}) is saved. Another editor "
                    "approves it before it is published.",
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(request.path)
    else:
        form = CorrectionForm(initial=_initial(draft or current), sources=cited)
        sources = NewSourceFormSet(prefix="source")
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": "Correct the fact-check",
        "item": item,
        "current": current,
        "draft": draft,
        "cited": cited,
        "may_approve": is_editor and draft is not None and draft.author_id != request.user.pk,
        "archive_warning": sources_unarchived_warning(verdict=draft) if draft else "",
        "form": form,
        "sources": sources,
        "opts": modeladmin.model._meta,
    }
    return TemplateResponse(request, TEMPLATE, context)
