"""The word indexes of claims and fact-checks take each new row at once (`fastupdate = off`).

By default a GIN index queues new rows in a pending list, merged into the index only by
vacuum or when the list reaches `gin_pending_list_limit` (4 MB): cheap inserts, but every
search reads the whole list. Matching inserts claims and searches them in the same minute, so
the list is always long: the lexical candidates of a batch of 18 claims took 107 ms among 657
stored claims through it, and 1.7 ms once it was merged. Each insert now updates the index
itself, which costs less than the searches saved (bench/README.md).
"""

from django.db import migrations

INDEXES = ("claim_search_vector", "imported_fact_check_words", "fact_check_search_vector")


def _on_postgresql(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


FORWARD = [
    statement
    for index in INDEXES
    for statement in (
        f"ALTER INDEX IF EXISTS {index} SET (fastupdate = off)",
        # What waits in the list is merged now rather than at the next vacuum.
        f"SELECT gin_clean_pending_list('{index}'::regclass) "
        f"WHERE to_regclass('{index}') IS NOT NULL",
    )
]
BACKWARD = [f"ALTER INDEX IF EXISTS {index} RESET (fastupdate)" for index in INDEXES]


class Migration(migrations.Migration):
    dependencies = [("reviews", "0025_fact_check_words_counted")]

    operations = [migrations.RunPython(_on_postgresql(FORWARD), _on_postgresql(BACKWARD))]
