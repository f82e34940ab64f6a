"""The words matching placed lately, so that copies join as they are stored; and their expiry,
scheduled."""

from django.db import migrations, models

NAME = "forget ranked texts"


def schedule(apps, schema_editor):
    interval_model = apps.get_model("django_celery_beat", "IntervalSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    every_ten_minutes, _ = interval_model.objects.get_or_create(every=600, period="seconds")
    task_model.objects.get_or_create(
        name=NAME,
        defaults={
            "task": "reviews.tasks.ranked_texts_expire",
            "interval": every_ten_minutes,
            "description": "Delete the texts matching ranked longer ago than "
            "FACTCHECK_MATCH_COPY_SECONDS.",
        },
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0027_desk_names"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.CreateModel(
            name="RankedText",
            fields=[
                ("digest", models.UUIDField(primary_key=True, serialize=False)),
                ("cluster_id", models.BigIntegerField()),
                ("claim_id", models.BigIntegerField()),
                ("ranked_at", models.DateTimeField(db_index=True)),
            ],
        ),
        migrations.RunPython(schedule, unschedule),
    ]
