"""ApiToken lives in claims now (claims 0011 took over its table and rows): the webhook
endpoints' foreign key points there, and reviews' state forgets the model. The database
already has the constraint on the same table, so nothing runs on it."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("claims", "0011_api_token"),
        ("reviews", "0016_queue_open_order"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="webhookendpoint",
                    name="token",
                    field=models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="webhooks",
                        to="claims.apitoken",
                    ),
                ),
                migrations.DeleteModel(name="ApiToken"),
            ],
            database_operations=[],
        ),
    ]
