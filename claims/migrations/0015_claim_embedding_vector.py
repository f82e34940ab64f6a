"""A claim's embedding as a pgvector column, and its cluster gone to the desk.

The cluster and placement columns go now that reviews 0019 has copied them. The old float32
bytes are dropped: `manage.py embeddings_backfill` embeds the stored claims again (resumable)
and builds the HNSW index. On PostgreSQL the embedding is indexed for cosine nearest
neighbours and the text for equality, so a sentence stored before is not embedded twice.
"""

import pgvector.django.halfvec
from django.db import migrations

POSTGRESQL_FORWARD = [
    "CREATE INDEX IF NOT EXISTS claim_embedding ON claims_claim "
    "USING hnsw (embedding halfvec_cosine_ops)",
    # Hash: any length of text, and equality is all it is asked.
    "CREATE INDEX IF NOT EXISTS claim_text_equal ON claims_claim USING hash (text)",
]
POSTGRESQL_BACKWARD = [
    "DROP INDEX IF EXISTS claim_text_equal",
    "DROP INDEX IF EXISTS claim_embedding",
]


def _on_postgresql(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0014_matching_moves_to_reviews"),
        ("reviews", "0019_matching_moves_in"),
    ]

    operations = [
        migrations.RemoveField(model_name="claim", name="cluster"),
        migrations.RemoveField(model_name="claim", name="matched_at"),
        migrations.RemoveField(model_name="historicalclaim", name="cluster"),
        migrations.RemoveField(model_name="claim", name="embedding"),
        migrations.AddField(
            model_name="claim",
            name="embedding",
            field=pgvector.django.halfvec.HalfVectorField(
                blank=True, dimensions=384, editable=False, null=True
            ),
        ),
        migrations.RunPython(
            _on_postgresql(POSTGRESQL_FORWARD), _on_postgresql(POSTGRESQL_BACKWARD)
        ),
    ]
