"""Schedule the sweep that re-enqueues articles whose extraction task was lost."""

from django.db import migrations

NAME = "requeue stale articles"


def schedule(apps, schema_editor):
    interval_model = apps.get_model("django_celery_beat", "IntervalSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    every_five_minutes, _ = interval_model.objects.get_or_create(every=300, period="seconds")
    task_model.objects.get_or_create(
        name=NAME,
        defaults={
            "task": "claims.tasks.articles_requeue_stale",
            "interval": every_five_minutes,
            "description": "Re-enqueue articles still waiting for extraction (lost messages).",
        },
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0002_article_raw_charset"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
