"""Keep every sentence's check-worthiness score for a while, and schedule their expiry."""

from django.db import migrations, models

NAME = "expire sentence scores"


def schedule(apps, schema_editor):
    interval_model = apps.get_model("django_celery_beat", "IntervalSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    hourly, _ = interval_model.objects.get_or_create(every=3600, period="seconds")
    task_model.objects.get_or_create(
        name=NAME,
        defaults={
            "task": "claims.tasks.sentence_scores_expire",
            "interval": hourly,
            "description": "Delete sentence scores older than FACTCHECK_SENTENCE_SCORES_DAYS.",
        },
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0016_article_given_published_at"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [
        migrations.CreateModel(
            name="SentenceScore",
            fields=[
                ("digest", models.UUIDField(primary_key=True, serialize=False)),
                ("probability", models.FloatField()),
                ("reasons", models.JSONField(blank=True, default=list)),
                ("explained", models.BooleanField(default=True)),
                ("scored_at", models.DateTimeField(auto_now_add=True, db_index=True)),
            ],
            options={
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("probability__gte", 0), ("probability__lte", 1)),
                        name="sentence_score_is_probability",
                    )
                ],
            },
        ),
        migrations.RunPython(schedule, unschedule),
    ]
