"""The queue at a glance: due dates set by editors, and a recency bonus that fades instead of an
offset from the article's date (which put an old article's claims below everything for good).

Every item's priority is computed again with the bounded bonus (written out here as it is
defined today, reviews/priority.py), its last sighting copied from its cluster, and the sweep
that lets the bonus fade is scheduled every five minutes.
"""

import math

from django.conf import settings
from django.db import migrations, models
from django.utils import timezone

NAME = "age queue recency"
BATCH = 2000


def reprioritise(apps, schema_editor):
    ReviewItem = apps.get_model("reviews", "ReviewItem")
    now = timezone.now()
    window = settings.FACTCHECK_QUEUE_RECENCY_HOURS * 3600
    rows = ReviewItem.objects.order_by("pk").values_list(
        "pk", "score", "claim__membership__cluster__appearance_count",
        "claim__membership__cluster__last_seen_at",
        "claim__article__received_at",
    )
    batch = []
    for pk, score, appearances, last_seen, received in rows.iterator(chunk_size=BATCH):
        last_seen = last_seen or received
        age = max(0.0, (now - last_seen).total_seconds())
        priority = (
            score
            + settings.FACTCHECK_QUEUE_REPEAT_WEIGHT * math.log2(max(appearances or 1, 1))
            + settings.FACTCHECK_QUEUE_RECENCY_WEIGHT * max(0.0, 1.0 - age / window)
        )
        batch.append(ReviewItem(pk=pk, priority=priority, last_seen_at=last_seen))
        if len(batch) >= BATCH:
            ReviewItem.objects.bulk_update(batch, ["priority", "last_seen_at"])
            batch = []
    if batch:
        ReviewItem.objects.bulk_update(batch, ["priority", "last_seen_at"])


def schedule(apps, schema_editor):
    interval_model = apps.get_model("django_celery_beat", "IntervalSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    every_five_minutes, _ = interval_model.objects.get_or_create(every=5, period="minutes")
    task_model.objects.get_or_create(
        name=NAME,
        defaults={
            "task": "reviews.tasks.review_priorities_age",
            "interval": every_five_minutes,
            "description": "Let the recency bonus of recently seen open claims fade "
            "(FACTCHECK_QUEUE_RECENCY_HOURS).",
        },
    )


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):

    dependencies = [
        ('claims', '0010_vector_extension'),
        ('reviews', '0020_rating_scale'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ('django_celery_beat', '0019_alter_periodictasks_options'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalreviewitem',
            name='due_on',
            field=models.DateField(blank=True, null=True, verbose_name='due'),
        ),
        migrations.AddField(
            model_name='reviewitem',
            name='due_on',
            field=models.DateField(blank=True, null=True, verbose_name='due'),
        ),
        migrations.AddField(
            model_name='reviewitem',
            name='last_seen_at',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddIndex(
            model_name='reviewitem',
            index=models.Index(condition=models.Q(('status__in', ('pending', 'in_review', 'awaiting_approval'))), fields=['last_seen_at'], name='review_open_last_seen'),
        ),
        migrations.AddIndex(
            model_name='reviewitem',
            index=models.Index(condition=models.Q(('status__in', ('pending', 'in_review', 'awaiting_approval'))), fields=['due_on'], name='review_open_due'),
        ),
        migrations.AddIndex(
            model_name='reviewitem',
            index=models.Index(condition=models.Q(('status__in', ('pending', 'in_review', 'awaiting_approval'))), fields=['score'], name='review_open_score'),
        ),
        migrations.RunPython(reprioritise, migrations.RunPython.noop),
        migrations.RunPython(schedule, unschedule),
    ]
