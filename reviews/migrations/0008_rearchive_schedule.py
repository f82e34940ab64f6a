"""Schedule the sweep that archives again the evidence sources whose archiving failed."""

from django.db import migrations

NAME = "re-archive evidence sources"


def schedule(apps, schema_editor):
    interval_model = apps.get_model("django_celery_beat", "IntervalSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    every_fifteen_minutes, _ = interval_model.objects.get_or_create(every=15, period="minutes")
    task_model.objects.get_or_create(
        name=NAME,
        defaults={
            "task": "reviews.tasks.evidence_sources_rearchive",
            "interval": every_fifteen_minutes,
            "description": "Archive again evidence sources whose archiving failed or never ran.",
        },
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0007_evidence_archive_attempts"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
