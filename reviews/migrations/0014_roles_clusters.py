"""Reviewers and editors work the claims' clusters and suggestions, not only superusers.

Splitting a claim out of its cluster changes the claim; merging changes clusters; confirming a
fact-check suggestion, or dismissing a possible duplicate, changes the suggestion. Migration
0005 gave the roles none of these, so the review page's link to a claim's suggestions ended in
a 403 for everyone but a superuser.
"""

import importlib

from django.db import migrations

# (app_label, model, actions), written out here for the same reason as in 0005.
CLUSTER_WORK = [
    ("claims", "claim", ["change"]),
    ("claims", "cluster", ["view", "change"]),
    ("claims", "clusterevent", ["view"]),
    ("claims", "clustersuggestion", ["view", "change"]),
    ("claims", "factchecksuggestion", ["view", "change"]),
    ("claims", "factcheck", ["view"]),
]

_roles = importlib.import_module("reviews.migrations.0005_roles")


def grant_cluster_work(apps, schema_editor):
    pairs = _roles.codenames(CLUSTER_WORK)
    _roles.roles_grant(apps, {"Reviewer": pairs, "Editor": pairs})


def revoke_cluster_work(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    permissions = [
        Permission.objects.get(content_type__app_label=app_label, codename=codename)
        for app_label, codename in _roles.codenames(CLUSTER_WORK)
    ]
    for group in Group.objects.filter(name__in=["Reviewer", "Editor"]):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0008_fact_check_suggestion_conflict"),
        ("reviews", "0013_api_records"),
    ]

    operations = [migrations.RunPython(grant_cluster_work, revoke_cluster_work)]
