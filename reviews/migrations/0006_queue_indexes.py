"""Indexes that match the queue's ordering and filters, and full-text search on claim text."""

from django.conf import settings
from django.db import migrations, models

# The exact expression `reviews.admin_queue.claims_search` filters on (Django's SearchVector
# with config "english"), so the planner can use the index.
CREATE_SEARCH_INDEX = (
    "CREATE INDEX IF NOT EXISTS claim_text_search ON claims_claim "
    "USING gin (to_tsvector('english'::regconfig, COALESCE(text, ''::text)))"
)
DROP_SEARCH_INDEX = "DROP INDEX IF EXISTS claim_text_search"


def _on_postgresql(sql):
    def run(apps, schema_editor):
        # Elsewhere (the SQLite demo) the search falls back to a substring match.
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0005_clusters"),
        ("reviews", "0005_roles"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="reviewitem",
            options={"ordering": ["-priority", "id"]},
        ),
        migrations.RemoveIndex(
            model_name="reviewitem",
            name="review_queue_order",
        ),
        migrations.RemoveIndex(
            model_name="reviewitem",
            name="review_take_next",
        ),
        migrations.AddIndex(
            model_name="reviewitem",
            index=models.Index(fields=["status", "-priority", "id"], name="review_queue_order"),
        ),
        migrations.AddIndex(
            model_name="reviewitem",
            index=models.Index(fields=["-priority", "id"], name="review_queue_all"),
        ),
        migrations.AddIndex(
            model_name="reviewitem",
            index=models.Index(
                condition=models.Q(("assigned_to__isnull", True), ("status", "pending")),
                fields=["-priority", "id"],
                name="review_take_next",
            ),
        ),
        migrations.AddIndex(
            model_name="reviewitem",
            index=models.Index(
                fields=["assigned_to", "-priority", "id"], name="review_assigned_order"
            ),
        ),
        migrations.AddIndex(
            model_name="reviewitem",
            index=models.Index(
                condition=models.Q(("status", "rejected")),
                fields=["rejection_reason", "-priority", "id"],
                name="review_rejected_order",
            ),
        ),
        migrations.RunPython(
            _on_postgresql(CREATE_SEARCH_INDEX), _on_postgresql(DROP_SEARCH_INDEX)
        ),
    ]
