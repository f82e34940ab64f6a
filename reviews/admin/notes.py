"""A claim's notes in the desk: the thread as an include any claim page can show
(`THREAD_TEMPLATE` with `notes_context`), and the view its form posts to. With htmx (which
django-unfold loads) the thread is swapped in place; without JavaScript the form posts and
the page comes back."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.admin import ModelAdmin
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import escape, format_html_join
from django.utils.safestring import SafeString, mark_safe

from reviews.models import Note, ReviewItem
from reviews.services.notes import MAX_LENGTH, MENTION, NoteError, desk_users, note_add, notes_of
from reviews.services.queue import REVIEW_PERMISSION

THREAD_TEMPLATE = "admin/reviews/notes/thread.html"
PAGE_TEMPLATE = "admin/reviews/notes/page.html"


class NoteForm(forms.Form):
    text = forms.CharField(
        label="Add a note",
        max_length=MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "id": "note-text"}),
        help_text="Only reviewers and editors read notes; @name tells a colleague.",
    )


def note_html(note: Note) -> SafeString:
    """The note's text, escaped, with its mentions marked and its line breaks kept."""
    parts = []
    last = 0
    for match in MENTION.finditer(note.text):
        parts.append(escape(note.text[last : match.start()]))
        parts.append(f'<strong class="note-mention">{escape(match.group(0))}</strong>')
        last = match.end()
    parts.append(escape(note.text[last:]))
    return mark_safe("".join(parts).replace("\n", "<br>"))  # noqa: S308 (every part escaped)


def notes_context(
    request: HttpRequest, item: ReviewItem, form: NoteForm | None = None
) -> dict[str, Any]:
    """What THREAD_TEMPLATE reads, under `notes_thread`."""
    notes = notes_of(item_id=item.pk)
    return {
        "notes_thread": {
            "item": item,
            "notes": [(note, note_html(note)) for note in notes],
            "form": form or NoteForm(),
            "url": reverse("admin:reviews_reviewitem_notes", args=[item.pk]),
            "may_write": request.user.has_perm(REVIEW_PERMISSION),
            "names": format_html_join(
                " ",
                '<span class="note-mention">@{}</span>',
                ((u.get_username(),) for u in desk_users()),
            ),
        }
    }


def notes_view(modeladmin: ModelAdmin, request: HttpRequest, item_id: int) -> HttpResponse:
    """GET: the thread; POST: add a note. An htmx request gets the thread alone; a plain
    post goes back to the claim's workspace."""
    item = get_object_or_404(ReviewItem.objects.select_related("claim"), pk=item_id)
    if not modeladmin.has_view_permission(request, item):
        return HttpResponseRedirect(reverse("admin:index"))
    htmx = request.headers.get("HX-Request") == "true"
    form = None
    if request.method == "POST":
        form = NoteForm(request.POST)
        if form.is_valid():
            try:
                note_add(item_id=item.pk, author=request.user, text=form.cleaned_data["text"])
            except NoteError as exc:
                form.add_error("text", f"Not added: {exc}.")
            else:
                form = None
                if not htmx:
                    modeladmin.message_user(request, "The note is added.", messages.SUCCESS)
                    workspace = reverse("admin:reviews_reviewitem_work", args=[item.pk])
                    return HttpResponseRedirect(f"{workspace}#notes")
    context = notes_context(request, item, form)
    if htmx:
        return TemplateResponse(request, THREAD_TEMPLATE, context)
    context.update(
        {
            **modeladmin.admin_site.each_context(request),
            "title": "Notes on the claim",
            "item": item,
            "opts": modeladmin.model._meta,
        }
    )
    return TemplateResponse(request, PAGE_TEMPLATE, context)
