"""The queue's filters on the review item itself: the canonical claim's speaker, type, score,
publisher and feed, copied when queued, each indexed in queue order."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# A claim's appearances, newest first, for the table on the claim page.
CREATE_APPEARANCES_INDEX = (
    "CREATE INDEX IF NOT EXISTS claim_cluster_recent ON claims_claim (cluster_id, id DESC)"
)
DROP_APPEARANCES_INDEX = "DROP INDEX IF EXISTS claim_cluster_recent"


def _sql(sql):
    def run(apps, schema_editor):
        schema_editor.execute(sql)

    return run


# Plain correlated subqueries, so the backfill runs on PostgreSQL and on the SQLite demo alike.
BACKFILL = """
UPDATE reviews_reviewitem SET
    speaker = (SELECT c.speaker FROM claims_claim c WHERE c.id = reviews_reviewitem.claim_id),
    claim_type = (SELECT c.claim_type FROM claims_claim c WHERE c.id = reviews_reviewitem.claim_id),
    score = (SELECT c.score FROM claims_claim c WHERE c.id = reviews_reviewitem.claim_id),
    publisher_id = (
        SELECT a.publisher_id FROM claims_claim c JOIN claims_article a ON a.id = c.article_id
        WHERE c.id = reviews_reviewitem.claim_id
    ),
    feed_id = (
        SELECT a.feed_id FROM claims_claim c JOIN claims_article a ON a.id = c.article_id
        WHERE c.id = reviews_reviewitem.claim_id
    )
"""


class Migration(migrations.Migration):

    dependencies = [
        ('claims', '0005_clusters'),
        ('reviews', '0008_rearchive_schedule'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='reviewitem',
            name='claim_type',
            field=models.CharField(blank=True, choices=[('quantity', 'Quantity'), ('quote', 'Quote'), ('prediction', 'Prediction'), ('comparison', 'Comparison'), ('event', 'Event'), ('statement', 'Statement')], max_length=20),
        ),
        migrations.AddField(
            model_name='reviewitem',
            name='feed',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='claims.feed'),
        ),
        migrations.AddField(
            model_name='reviewitem',
            name='publisher',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='claims.publisher'),
        ),
        migrations.AddField(
            model_name='reviewitem',
            name='score',
            field=models.FloatField(default=0.0),
        ),
        migrations.AddField(
            model_name='reviewitem',
            name='speaker',
            field=models.CharField(blank=True, max_length=300),
        ),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
        migrations.RunPython(_sql(CREATE_APPEARANCES_INDEX), _sql(DROP_APPEARANCES_INDEX)),
        migrations.AddIndex(
            model_name='reviewitem',
            index=models.Index(fields=['speaker', '-priority', 'id'], name='review_speaker_order'),
        ),
        migrations.AddIndex(
            model_name='reviewitem',
            index=models.Index(fields=['claim_type', '-priority', 'id'], name='review_type_order'),
        ),
        migrations.AddIndex(
            model_name='reviewitem',
            index=models.Index(fields=['publisher', '-priority', 'id'], name='review_publisher_order'),
        ),
        migrations.AddIndex(
            model_name='reviewitem',
            index=models.Index(fields=['feed', '-priority', 'id'], name='review_feed_order'),
        ),
    ]
