"""Reviewers and editors bring articles in from the desk (Add article); editors manage feeds
(add, change, delete), not only superusers."""

import importlib

from django.db import migrations

# Written out here, not imported: a migration must keep meaning what it meant when it ran.
PERMISSIONS = {
    "Reviewer": [("claims", "add_article")],
    "Editor": [
        ("claims", "add_article"),
        ("claims", "add_feed"),
        ("claims", "change_feed"),
        ("claims", "delete_feed"),
        ("claims", "view_feed"),
    ],
}

_roles = importlib.import_module("reviews.migrations.0005_roles")


def grant(apps, schema_editor):
    _roles.roles_grant(apps, PERMISSIONS)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    for name, pairs in PERMISSIONS.items():
        group = Group.objects.filter(name=name).first()
        if group is None:
            continue
        # change_feed and view_feed were the Editor's before this migration.
        kept = {"change_feed", "view_feed"}
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="claims",
                codename__in=[c for _, c in pairs if c not in kept],
            )
        )


class Migration(migrations.Migration):
    dependencies = [("reviews", "0021_queue_at_a_glance")]

    operations = [migrations.RunPython(grant, revoke)]
