"""What the API's search reads (published fact-checks' words, GIN-indexed), and the webhook
delivery sweep."""

import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models

NAME = "requeue stale webhook deliveries"
INDEX = "fact_check_search_vector"


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
    # PostgreSQL only: the embedded SQLite default searches by words.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {INDEX} ON reviews_factchecksearch USING gin (vector)"
        )


def index_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0010_api"),
        ("claims", "0005_clusters"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.CreateModel(
            name="FactCheckSearch",
            fields=[
                (
                    "review_item",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="search",
                        serialize=False,
                        to="reviews.reviewitem",
                    ),
                ),
                ("document", models.TextField()),
                ("vector", django.contrib.postgres.search.SearchVectorField(null=True)),
            ],
            options={"verbose_name_plural": "fact-check search entries"},
        ),
        migrations.RunPython(schedule, unschedule),
        migrations.RunPython(index_create, index_drop),
    ]
