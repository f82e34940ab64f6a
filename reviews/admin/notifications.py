"""Notifications in the desk: each user's list (read, mark read, turn email off) and the
unread ones about a claim, as an include any claim page can show (`CLAIM_TEMPLATE` with
`claim_notifications_context`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from reviews.models import Notification, ReviewItem
from reviews.selectors import notifications_unread_count
from reviews.services.notifications import (
    notification_settings_get,
    notification_settings_save,
    notifications_mark_read,
)

LIST_TEMPLATE = "admin/reviews/notifications/list.html"
CLAIM_TEMPLATE = "admin/reviews/notifications/claim.html"
PAGE_SIZE = 50


class NotificationSettingsForm(forms.Form):
    email = forms.BooleanField(
        label="Email me each notification",
        required=False,
        help_text="Notifications stay on this page either way.",
    )


def claim_notifications_context(request: HttpRequest, item: ReviewItem) -> dict[str, Any]:
    """What CLAIM_TEMPLATE reads, under `claim_notifications`: the user's unread ones here."""
    unread = list(
        Notification.objects.filter(
            user=request.user.pk, review_item=item.pk, read_at__isnull=True
        ).select_related("actor")[:20]
    )
    return {
        "claim_notifications": {
            "item": item,
            "unread": unread,
            "count": notifications_unread_count(user_id=request.user.pk, item_id=item.pk),
            "read_url": reverse("desk-notifications-read"),
            "next": request.get_full_path(),
        }
    }


def notifications_page(request: HttpRequest) -> HttpResponse:
    """The user's notifications, newest first, and their email setting."""
    settings_saved = notification_settings_get(user=request.user)
    if request.method == "POST":
        form = NotificationSettingsForm(request.POST)
        if form.is_valid():
            email = form.cleaned_data["email"]
            notification_settings_save(user=request.user, email=email)
            messages.success(
                request,
                "Notifications will be emailed to you."
                if email
                else "Notifications will no longer be emailed to you.",
            )
            return HttpResponseRedirect(reverse("desk-notifications"))
    else:
        form = NotificationSettingsForm(initial={"email": settings_saved.email})
    mine = Notification.objects.filter(user=request.user.pk).select_related(
        "review_item__claim", "actor"
    )
    page = Paginator(mine, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        **admin.site.each_context(request),
        "title": "Notifications",
        "page": page,
        "unread": notifications_unread_count(user_id=request.user.pk),
        "form": form,
        "has_email": bool(request.user.email),
    }
    return TemplateResponse(request, LIST_TEMPLATE, context)


@require_POST
def notifications_read(request: HttpRequest) -> HttpResponse:
    """Mark read: the ticked notifications (`id`), those of one claim (`item`), or all."""
    ids = [int(v) for v in request.POST.getlist("id") if v.isdigit()]
    item = request.POST.get("item", "")
    everything = request.POST.get("all") == "1"
    if ids or everything or item.isdigit():
        count = notifications_mark_read(
            user=request.user, ids=ids, item_id=int(item) if item.isdigit() else None
        )
        messages.success(request, f"{count} notification(s) marked read.")
    else:
        messages.info(request, "Tick the notifications to mark read first.")
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = reverse("desk-notifications")
    return HttpResponseRedirect(back)
