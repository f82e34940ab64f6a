"""The pages other apps bring to the admin (users, groups, periodic tasks) in the desk's theme.

django-unfold styles a page only when its ModelAdmin and form widgets are unfold's; the ones
django.contrib.auth and django-celery-beat register are re-registered here on unfold's base,
keeping every behaviour of theirs (this app comes after both in INSTALLED_APPS, so their
registrations exist when this module runs).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth import admin as auth_admin
from django.contrib.auth.models import Group, User
from django.http import HttpRequest
from django_celery_beat import admin as beat_admin
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)
from unfold.admin import ModelAdmin, TabularInline
from unfold.forms import AdminPasswordChangeForm, UserChangeForm, UserCreationForm
from unfold.widgets import UnfoldAdminSelectWidget, UnfoldAdminTextInputWidget

for model in (
    User,
    Group,
    PeriodicTask,
    ClockedSchedule,
    CrontabSchedule,
    SolarSchedule,
    IntervalSchedule,
):
    admin.site.unregister(model)


@admin.register(User)
class UserAdmin(auth_admin.UserAdmin, ModelAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    change_password_form = AdminPasswordChangeForm


@admin.register(Group)
class GroupAdmin(auth_admin.GroupAdmin, ModelAdmin):
    pass


class TaskSelectWidget(UnfoldAdminSelectWidget, beat_admin.TaskSelectWidget):
    """celery-beat's list of registered tasks, drawn as unfold's select."""


class PeriodicTaskForm(beat_admin.PeriodicTaskForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["regtask"].widget = TaskSelectWidget()
        self.fields["task"].widget = UnfoldAdminTextInputWidget()


@admin.register(PeriodicTask)
class PeriodicTaskAdmin(beat_admin.PeriodicTaskAdmin, ModelAdmin):
    form = PeriodicTaskForm


class PeriodicTaskInline(beat_admin.PeriodicTaskInline, TabularInline):
    pass


class ScheduleAdmin(ModelAdmin):
    inlines = [PeriodicTaskInline]


@admin.register(ClockedSchedule)
class ClockedScheduleAdmin(beat_admin.ClockedScheduleAdmin, ScheduleAdmin):
    pass


@admin.register(CrontabSchedule)
class CrontabScheduleAdmin(beat_admin.CrontabScheduleAdmin, ScheduleAdmin):
    pass


@admin.register(SolarSchedule)
class SolarScheduleAdmin(beat_admin.SolarScheduleAdmin, ScheduleAdmin):
    pass


@admin.register(IntervalSchedule)
class IntervalScheduleAdmin(beat_admin.IntervalScheduleAdmin, ScheduleAdmin):
    pass


# The sidebar and the start page list apps and their models alphabetically (Django's order),
# which put the queue among the clusters' internals; the review desk and each app's daily pages
# come first instead, the rest keep Django's order. The site is unfold's instance, made when its
# app is ready, so its listing is wrapped rather than the class replaced.
APPS_FIRST = ["reviews", "claims"]
FIRST = {
    "reviews": ["ReviewItem", "Verdict"],
    "claims": ["Article", "Claim"],
}
_django_app_list = admin.site.get_app_list


def desk_app_list(request: HttpRequest, app_label: str | None = None) -> list[dict[str, Any]]:
    """Django's app list with the review desk, and each app's daily pages, first."""
    app_list = _django_app_list(request, app_label)
    app_list.sort(
        key=lambda app: (
            APPS_FIRST.index(app["app_label"])
            if app["app_label"] in APPS_FIRST
            else len(APPS_FIRST)
        )
    )
    for app in app_list:
        first = FIRST.get(app["app_label"], [])
        app["models"].sort(
            key=lambda model: (
                first.index(model["object_name"]) if model["object_name"] in first else len(first)
            )
        )
    return app_list


admin.site.get_app_list = desk_app_list  # type: ignore[method-assign]
