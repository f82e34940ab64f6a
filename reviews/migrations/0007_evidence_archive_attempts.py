"""Archiving attempts on evidence sources, for the re-archive sweep."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reviews", "0006_queue_indexes"),
    ]

    operations = [
        migrations.AddField(
            model_name="evidencesource",
            name="archive_attempts",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="evidencesource",
            name="archive_tried_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="evidencesource",
            name="created_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.AddField(
            model_name="historicalevidencesource",
            name="archive_attempts",
            field=models.PositiveIntegerField(default=0),
        ),
        migrations.AddField(
            model_name="historicalevidencesource",
            name="archive_tried_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name="historicalevidencesource",
            name="created_at",
            field=models.DateTimeField(default=django.utils.timezone.now),
        ),
        migrations.AddIndex(
            model_name="evidencesource",
            index=models.Index(
                condition=models.Q(("archived_hash", "")),
                fields=["archive_tried_at"],
                name="evidence_unarchived",
            ),
        ),
    ]
