"""Clusters, suggestions and imported fact-checks leave intake for the desk (reviews 0019).

State only: the tables stay until reviews 0019 renames them and copies each claim's cluster
into the desk's own table; the claim's `cluster_id` column becomes a plain number here so
that copy can read it, and goes with claims 0015.
"""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0013_article_submitted_by"),
        ("reviews", "0018_webhook_breaker_standard_secrets"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="claim",
                    name="cluster",
                    field=models.BigIntegerField(
                        blank=True, null=True, db_column="cluster_id", db_index=True
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalclaim",
                    name="cluster",
                    field=models.BigIntegerField(
                        blank=True, null=True, db_column="cluster_id", db_index=True
                    ),
                ),
                migrations.DeleteModel(name="FactCheckSuggestion"),
                migrations.DeleteModel(name="ClusterSuggestion"),
                migrations.DeleteModel(name="ClusterEvent"),
                migrations.DeleteModel(name="HistoricalCluster"),
                migrations.DeleteModel(name="Cluster"),
                migrations.DeleteModel(name="FactCheck"),
            ],
            database_operations=[],
        ),
    ]
