"""ApiToken moves from reviews to claims with its rows: the model enters claims' state on the
table it has (reviews_apitoken), which is then renamed; its content type follows, so admin
permissions and log entries granted on it are kept. reviews 0017 points the webhook endpoints'
foreign key at it and drops it from reviews' state."""

from django.apps.registry import Apps
from django.db import migrations, models
from django.db.backends.base.schema import BaseDatabaseSchemaEditor


def content_type_to_claims(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if ContentType.objects.using(db).filter(app_label="claims", model="apitoken").exists():
        return
    ContentType.objects.using(db).filter(app_label="reviews", model="apitoken").update(
        app_label="claims"
    )


def content_type_to_reviews(apps: Apps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    if ContentType.objects.using(db).filter(app_label="reviews", model="apitoken").exists():
        return
    ContentType.objects.using(db).filter(app_label="claims", model="apitoken").update(
        app_label="reviews"
    )


class Migration(migrations.Migration):

    dependencies = [
        ("claims", "0010_vector_extension"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("reviews", "0016_queue_open_order"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ApiToken",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("name", models.CharField(max_length=100, unique=True)),
                        ("key_hash", models.CharField(editable=False, max_length=64, unique=True)),
                        ("prefix", models.CharField(editable=False, help_text="Start of the key.", max_length=12)),
                        ("scopes", models.JSONField(default=list)),
                        ("active", models.BooleanField(default=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("last_used_at", models.DateTimeField(blank=True, editable=False, null=True)),
                    ],
                    options={"verbose_name": "API token", "db_table": "reviews_apitoken"},
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name="apitoken", table=None),
        migrations.RunPython(content_type_to_claims, content_type_to_reviews),
    ]
