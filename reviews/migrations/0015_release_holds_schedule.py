"""Schedule the sweep that puts lapsed holds back in the queue.

Until now a hold lapsed only when someone asked for the next claim, so the list kept showing
a claim as "in review" by a reviewer who had gone home.
"""

from django.db import migrations

NAME = "release lapsed holds"


def schedule(apps, schema_editor):
    interval_model = apps.get_model("django_celery_beat", "IntervalSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    every_five_minutes, _ = interval_model.objects.get_or_create(every=5, period="minutes")
    task_model.objects.get_or_create(
        name=NAME,
        defaults={
            "task": "reviews.tasks.review_holds_release_stale",
            "interval": every_five_minutes,
            "description": "Put claims held longer than FACTCHECK_HOLD_SECONDS back in the queue.",
        },
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0014_roles_clusters"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
