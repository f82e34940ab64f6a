"""Full-text index of claim texts for the API's search, and the webhook delivery sweep."""

from django.db import migrations

NAME = "requeue stale webhook deliveries"
INDEX = "claim_text_english_fts"


def schedule(apps, schema_editor):
    interval_model = apps.get_model("django_celery_beat", "IntervalSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    every_minute, _ = interval_model.objects.get_or_create(every=60, period="seconds")
    task_model.objects.get_or_create(
        name=NAME,
        defaults={
            "task": "reviews.tasks.webhook_deliveries_requeue_stale",
            "interval": every_minute,
            "description": "Send again webhook deliveries whose retry was lost.",
        },
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


def index_create(apps, schema_editor):
    # The expression is the one Django writes for SearchVector("text", config="english"), so
    # the planner uses the index; PostgreSQL only (the embedded SQLite demo searches by words).
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON claims_claim USING gin "
            "(to_tsvector('english'::regconfig, COALESCE(text, '')))"
        )


def index_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0020_api"),
        ("claims", "0005_clusters"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.RunPython(schedule, unschedule),
        migrations.RunPython(index_create, index_drop),
    ]
