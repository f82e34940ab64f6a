"""The desk's two roles as groups: reviewers draft verdicts, editors also approve them."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# (app_label, model, actions). Written out here, not imported: a migration must keep meaning
# what it meant when it ran.
REVIEWER = [
    ("claims", "claim", ["view"]),
    ("claims", "article", ["view"]),
    ("claims", "feed", ["view"]),
    ("claims", "publisher", ["view"]),
    ("reviews", "reviewitem", ["view", "change"]),
    ("reviews", "verdict", ["add", "change", "view"]),
    ("reviews", "evidencesource", ["add", "change", "view"]),
]
EDITOR_EXTRA = [
    ("claims", "feed", ["change"]),
    ("claims", "publisher", ["change"]),
]
EDITOR_CUSTOM = [("reviews", "approve_verdict")]


def codenames(spec):
    return [(app, f"{action}_{model}") for app, model, actions in spec for action in actions]


def roles_grant(apps, roles):
    """Add to each named group (made if missing) the (app_label, codename) permissions given."""
    # Permissions are normally created after all migrations have run (post_migrate); on a
    # fresh database they would not exist yet.
    for label in ("claims", "reviews"):
        app_config = apps.get_app_config(label)
        # Put back what was there: the desk_roles test fixture runs this on the live registry,
        # where a None would stop post_migrate from ever creating these permissions again.
        models_module = getattr(app_config, "models_module", None)
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, apps=apps)
        app_config.models_module = models_module

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, pairs in roles.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(
            *(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
                for app_label, codename in pairs
            )
        )


def create_roles(apps, schema_editor):
    reviewer = codenames(REVIEWER)
    editor = reviewer + codenames(EDITOR_EXTRA) + EDITOR_CUSTOM
    roles_grant(apps, {"Reviewer": reviewer, "Editor": editor})


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=["Reviewer", "Editor"]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("claims", "0004_history"),
        ("reviews", "0004_history"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
