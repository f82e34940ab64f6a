"""Pages and history in admin are for reading: every change goes through a service (an admin
action or button), never a form saved back or a revert."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.forms import ModelForm
from django.http import HttpRequest, HttpResponse
from simple_history.admin import SimpleHistoryAdmin
from unfold.admin import ModelAdmin

# Set on a request for a version's page, whose form is then shown disabled.
VERSION_PAGE_ATTRIBUTE = "_history_version_page"


class ReadOnlyHistoryAdmin(SimpleHistoryAdmin, ModelAdmin):
    """Shows every version of a row and never saves one back.

    simple-history saves a posted version for anyone who may merely view the row (settings'
    `SIMPLE_HISTORY_REVERT_DISABLED` only hides its button), and that save skips the workflow
    and the cluster services: a published fact-check could be put back "in review".
    """

    def history_form_view(
        self,
        request: HttpRequest,
        object_id: str,
        version_id: str,
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        if request.method not in ("GET", "HEAD"):
            raise PermissionDenied
        setattr(request, VERSION_PAGE_ATTRIBUTE, True)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> type[ModelForm]:
        form_class = super().get_form(request, obj, change, **kwargs)
        if getattr(request, VERSION_PAGE_ATTRIBUTE, False):
            # simple-history shows a version in its editable form; nothing there can be saved.
            for field in form_class.base_fields.values():
                field.disabled = True
        return form_class

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        context = dict(extra_context or {})
        opts = get_user_model()._meta
        if not (
            request.user.has_perm(f"{opts.app_label}.view_{opts.model_name}")
            or request.user.has_perm(f"{opts.app_label}.change_{opts.model_name}")
        ):
            # Who made each change, by name: a link to their user page would answer 403.
            context["admin_user_view"] = ""
        return super().history_view(request, object_id, context)


class ViewOnlyPagesMixin:
    """A row's page shows it but never saves it; the list's actions (which call services) stay.

    Change permission is what an action needs (asked with no row); asked for a row, it is
    refused, so the page renders read-only with no Save button. A saved page would write the
    whole row back, past the services: a claim moved to another cluster with no recount and no
    event, a cluster's counts over a concurrent recount.
    """

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None:
            return False
        return super().has_change_permission(request)  # type: ignore[misc,no-any-return]
