"""Claim text's words stored with the claim (PostgreSQL only), so phrase search is fast.

A GIN index holds which rows contain a word, not where in them: for a phrase (`"house prices"`)
PostgreSQL rechecks every candidate row, and with the old expression index
(`to_tsvector('english', text)`, migration 0006) that meant parsing each candidate's text again:
~600 ms for 6,700 candidates of a million claims. A stored generated column is parsed once, when
the claim is written, and the recheck reads it.

`claims_claim.search_vector` is unknown to the Claim model on purpose: Django cannot express a
generated tsvector column that also works on the embedded SQLite default. PostgreSQL fills it
itself on every insert and update (Django's INSERTs name their columns, so they never touch it);
`reviews.admin_queue.ClaimSearchVector` reads it. The old expression index had no other reader
(the API's search reads `reviews_factchecksearch`), so it goes.
"""

from django.db import migrations

COLUMN = "search_vector"
INDEX = "claim_search_vector"
OLD_INDEX = "claim_text_search"

FORWARD = [
    # The same words as the old index: config "english", text never NULL (NOT NULL column).
    f"ALTER TABLE claims_claim ADD COLUMN IF NOT EXISTS {COLUMN} tsvector "
    "GENERATED ALWAYS AS (to_tsvector('english'::regconfig, text)) STORED",
    f"CREATE INDEX IF NOT EXISTS {INDEX} ON claims_claim USING gin ({COLUMN})",
    f"DROP INDEX IF EXISTS {OLD_INDEX}",
    # The rewrite leaves the new column without statistics until autovacuum comes by.
    "ANALYZE claims_claim",
]
BACKWARD = [
    f"CREATE INDEX IF NOT EXISTS {OLD_INDEX} ON claims_claim "
    "USING gin (to_tsvector('english'::regconfig, COALESCE(text, ''::text)))",
    f"DROP INDEX IF EXISTS {INDEX}",
    f"ALTER TABLE claims_claim DROP COLUMN IF EXISTS {COLUMN}",
]


def _on_postgresql(statements):
    def run(apps, schema_editor):
        # Elsewhere (the SQLite demo) the queue's search is a substring match.
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0007_matching_schedules"),
        ("reviews", "0011_api_search_and_webhook_sweep"),
    ]

    operations = [migrations.RunPython(_on_postgresql(FORWARD), _on_postgresql(BACKWARD))]
