"""Schedule the daily ClaimReview re-import and the sweep for claims whose matching was lost."""

from django.db import migrations

TASKS = {
    "re-import ClaimReview feeds": (
        "claims.tasks.claimreviews_import",
        86400,
        "Re-import the ClaimReview feeds named in FACTCHECK_CLAIMREVIEW_URLS.",
    ),
    "match unmatched claims": (
        "claims.tasks.claims_match_pending",
        300,
        "Send claims that were never matched (lost messages) to matching again.",
    ),
}


def schedule(apps, schema_editor):
    interval_model = apps.get_model("django_celery_beat", "IntervalSchedule")
    task_model = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, (task, seconds, description) in TASKS.items():
        interval, _ = interval_model.objects.get_or_create(every=seconds, period="seconds")
        task_model.objects.get_or_create(
            name=name, defaults={"task": task, "interval": interval, "description": description}
        )


def unschedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=TASKS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0006_matching"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(schedule, unschedule)]
