"""Clusters, suggestions and imported fact-checks join the desk, which owns the queue they change.

The tables intake had (claims 0014 dropped them from its state) are renamed, not copied; each
claim's cluster moves from `claims_claim.cluster_id` to the desk's own table, keyed by claim,
so intake knows nothing of clusters (claims 0015 drops that column). Embeddings become
pgvector columns: imported fact-checks' old float32 bytes are dropped, and
`manage.py embeddings_backfill` fills every missing embedding again and builds the indexes.
On PostgreSQL, imported fact-checks also get their words as a generated tsvector, and the
embeddings their HNSW indexes (cosine).
"""

import importlib

import django.db.models.deletion
import pgvector.django.halfvec
import simple_history.models
from django.conf import settings
from django.db import migrations, models

RENAMED = [
    ("claims_cluster", "reviews_cluster"),
    ("claims_historicalcluster", "reviews_historicalcluster"),
    ("claims_clusterevent", "reviews_clusterevent"),
    ("claims_clustersuggestion", "reviews_clustersuggestion"),
    ("claims_factcheck", "reviews_importedfactcheck"),
    ("claims_factchecksuggestion", "reviews_factchecksuggestion"),
]

MEMBERS_COPY = (
    "INSERT INTO reviews_clustermember (claim_id, cluster_id, matched_at, created_at) "
    "SELECT id, cluster_id, matched_at, created_at FROM claims_claim "
    "WHERE cluster_id IS NOT NULL"
)
MEMBERS_BACK = (
    "UPDATE claims_claim SET cluster_id = (SELECT m.cluster_id FROM reviews_clustermember m "
    "WHERE m.claim_id = claims_claim.id), matched_at = (SELECT m.matched_at FROM "
    "reviews_clustermember m WHERE m.claim_id = claims_claim.id)"
)

POSTGRESQL_FORWARD = [
    # Django's INSERTs name their columns, so they never touch a generated one.
    "ALTER TABLE reviews_importedfactcheck ADD COLUMN IF NOT EXISTS search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('english'::regconfig, claim_reviewed || ' ' || headline)) "
    "STORED",
    "CREATE INDEX IF NOT EXISTS imported_fact_check_words ON reviews_importedfactcheck "
    "USING gin (search_vector)",
    "CREATE INDEX IF NOT EXISTS imported_fact_check_embedding ON reviews_importedfactcheck "
    "USING hnsw (embedding halfvec_cosine_ops)",
    "CREATE INDEX IF NOT EXISTS fact_check_search_embedding ON reviews_factchecksearch "
    "USING hnsw (embedding halfvec_cosine_ops)",
]
POSTGRESQL_BACKWARD = [
    "DROP INDEX IF EXISTS fact_check_search_embedding",
    "DROP INDEX IF EXISTS imported_fact_check_embedding",
    "DROP INDEX IF EXISTS imported_fact_check_words",
    "ALTER TABLE reviews_importedfactcheck DROP COLUMN IF EXISTS search_vector",
]


def _on_postgresql(statements):
    def run(apps, schema_editor):
        # The embedded SQLite default scans every row in process instead.
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


def _renamed(pairs):
    def run(apps, schema_editor):
        for old, new in pairs:
            schema_editor.execute(f"ALTER TABLE {old} RENAME TO {new}")

    return run


def grams_count(apps, schema_editor):
    """Count the character n-grams of the fact-checks already stored, for their ranking."""
    from reviews.services.fact_check_grams import fact_check_grams_count

    ImportedFactCheck = apps.get_model("reviews", "ImportedFactCheck")
    FactCheckSearch = apps.get_model("reviews", "FactCheckSearch")
    texts = [
        f"{claim} {headline}".strip()
        for claim, headline in ImportedFactCheck.objects.values_list("claim_reviewed", "headline")
    ]
    texts += list(FactCheckSearch.objects.values_list("review_item__claim__text", flat=True))
    for start in range(0, len(texts), 5000):
        fact_check_grams_count(added=texts[start : start + 5000])


# Content types (and so the roles' permissions, admin log entries) follow their models.
MOVED_MODELS = [
    ("cluster", "cluster"),
    ("historicalcluster", "historicalcluster"),
    ("clusterevent", "clusterevent"),
    ("clustersuggestion", "clustersuggestion"),
    ("factchecksuggestion", "factchecksuggestion"),
    ("factcheck", "importedfactcheck"),
]
_roles = importlib.import_module("reviews.migrations.0005_roles")


def content_types_moved(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    for old, new in MOVED_MODELS:
        moved = ContentType.objects.filter(app_label="claims", model=old)
        if ContentType.objects.filter(app_label="reviews", model=new).exists():
            continue
        moved.update(app_label="reviews", model=new)
        if old != new:
            for permission in Permission.objects.filter(
                content_type__app_label="reviews", codename__endswith=f"_{old}"
            ):
                action = permission.codename.rsplit("_", 1)[0]
                permission.codename = f"{action}_{new}"
                permission.name = f"Can {action} imported fact-check"
                permission.save(update_fields=["codename", "name"])
    cluster_work_grant(apps, schema_editor)


# What migration 0014 gave the roles, where it now lives, and the claims' places in clusters
# (splitting claims out of a cluster is an action on them).
CLUSTER_WORK = [
    ("claims", "claim", ["change"]),
    ("reviews", "cluster", ["view", "change"]),
    ("reviews", "clusterevent", ["view"]),
    ("reviews", "clustersuggestion", ["view", "change"]),
    ("reviews", "factchecksuggestion", ["view", "change"]),
    ("reviews", "importedfactcheck", ["view"]),
    ("reviews", "clustermember", ["view", "change"]),
]


def cluster_work_grant(apps, schema_editor):
    pairs = _roles.codenames(CLUSTER_WORK)
    _roles.roles_grant(apps, {"Reviewer": pairs, "Editor": pairs})


def content_types_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for old, new in MOVED_MODELS:
        ContentType.objects.filter(app_label="reviews", model=new).update(
            app_label="claims", model=old
        )


BEAT_TASKS = [
    ("claims.tasks.claimreviews_import", "reviews.tasks.claimreviews_import"),
    ("claims.tasks.claims_match_pending", "reviews.tasks.claims_match_pending"),
]


def _beat_renamed(pairs):
    def run(apps, schema_editor):
        PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
        for old, new in pairs:
            PeriodicTask.objects.filter(task=old).update(task=new)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ('claims', '0014_matching_moves_to_reviews'),
        ('reviews', '0018_webhook_breaker_standard_secrets'),
        ('django_celery_beat', '0019_alter_periodictasks_options'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='ImportedFactCheck',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('claim_reviewed', models.TextField()),
                        ('headline', models.CharField(blank=True, max_length=1000)),
                        ('rating', models.CharField(blank=True, help_text='reviewRating.alternateName', max_length=200)),
                        ('url', models.URLField(blank=True, max_length=2000)),
                        ('publisher', models.CharField(blank=True, max_length=300)),
                        ('claimant', models.CharField(blank=True, max_length=300)),
                        ('date_published', models.DateField(blank=True, null=True)),
                        ('source_key', models.CharField(max_length=64, unique=True)),
                        ('embedding', models.BinaryField(blank=True, default=b'')),
                        ('imported_from', models.CharField(blank=True, max_length=2000)),
                        ('imported_at', models.DateTimeField(auto_now=True)),
                    ],
                    options={
                        'verbose_name': 'imported fact-check',
                        'ordering': ['-date_published', 'pk'],
                    },
                ),
                migrations.CreateModel(
                    name='Cluster',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('appearance_count', models.PositiveIntegerField(default=1)),
                        ('first_seen_at', models.DateTimeField()),
                        ('last_seen_at', models.DateTimeField()),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('canonical', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='canonical_of', to='claims.claim')),
                    ],
                ),
                migrations.CreateModel(
                    name='ClusterEvent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('join', 'Matched into the cluster'), ('merge', 'Clusters merged'), ('split', 'Claims split out')], max_length=10)),
                        ('claim_ids', models.JSONField(default=list)),
                        ('other_cluster_ids', models.JSONField(default=list)),
                        ('score', models.FloatField(blank=True, null=True)),
                        ('at', models.DateTimeField(auto_now_add=True)),
                        ('by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL)),
                        ('cluster', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='events', to='reviews.cluster')),
                    ],
                    options={
                        'ordering': ['-at'],
                    },
                ),
                migrations.CreateModel(
                    name='ClusterSuggestion',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('duplicate', 'Possibly the same claim'), ('contradiction', 'Possibly contradictory')], max_length=15)),
                        ('score', models.FloatField()),
                        ('status', models.CharField(choices=[('open', 'Open'), ('merged', 'Merged'), ('dismissed', 'Dismissed')], default='open', max_length=10)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('cluster', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='suggestions', to='reviews.cluster')),
                        ('other', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='reviews.cluster')),
                    ],
                    options={
                        'ordering': ['-score'],
                    },
                ),
                migrations.CreateModel(
                    name='HistoricalCluster',
                    fields=[
                        ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                        ('appearance_count', models.PositiveIntegerField(default=1)),
                        ('first_seen_at', models.DateTimeField()),
                        ('last_seen_at', models.DateTimeField()),
                        ('created_at', models.DateTimeField(blank=True, editable=False)),
                        ('history_id', models.AutoField(primary_key=True, serialize=False)),
                        ('history_date', models.DateTimeField(db_index=True)),
                        ('history_change_reason', models.CharField(max_length=100, null=True)),
                        ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                        ('canonical', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='claims.claim')),
                        ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'historical cluster',
                        'verbose_name_plural': 'historical clusters',
                        'ordering': ('-history_date', '-history_id'),
                        'get_latest_by': ('history_date', 'history_id'),
                    },
                    bases=(simple_history.models.HistoricalChanges, models.Model),
                ),
                migrations.CreateModel(
                    name='FactCheckSuggestion',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('score', models.FloatField()),
                        ('conflict', models.CharField(blank=True, choices=[('', 'None'), ('numbers', 'States other figures'), ('polarity', 'May contradict it')], default='', max_length=10)),
                        ('status', models.CharField(choices=[('suggested', 'Suggested'), ('confirmed', 'Confirmed'), ('rejected', 'Rejected')], default='suggested', max_length=10)),
                        ('decided_at', models.DateTimeField(blank=True, null=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('cluster', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='fact_check_suggestions', to='reviews.cluster')),
                        ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL)),
                        ('review_item', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='suggested_for', to='reviews.reviewitem')),
                        ('fact_check', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='suggestions', to='reviews.importedfactcheck')),
                    ],
                    options={
                        'ordering': ['-score'],
                    },
                ),
                migrations.AddConstraint(
                    model_name='cluster',
                    constraint=models.CheckConstraint(condition=models.Q(('appearance_count__gte', 1)), name='cluster_has_an_appearance'),
                ),
                migrations.AddConstraint(
                    model_name='clustersuggestion',
                    constraint=models.UniqueConstraint(fields=('cluster', 'other'), name='cluster_suggestion_once'),
                ),
                migrations.AddConstraint(
                    model_name='clustersuggestion',
                    constraint=models.CheckConstraint(condition=models.Q(('cluster', models.F('other')), _negated=True), name='cluster_suggestion_two_clusters'),
                ),
                migrations.AddConstraint(
                    model_name='factchecksuggestion',
                    constraint=models.UniqueConstraint(condition=models.Q(('fact_check__isnull', False)), fields=('cluster', 'fact_check'), name='fact_check_suggested_once'),
                ),
                migrations.AddConstraint(
                    model_name='factchecksuggestion',
                    constraint=models.UniqueConstraint(condition=models.Q(('review_item__isnull', False)), fields=('cluster', 'review_item'), name='review_suggested_once'),
                ),
                migrations.AddConstraint(
                    model_name='factchecksuggestion',
                    constraint=models.CheckConstraint(condition=models.Q(('fact_check__isnull', True), ('review_item__isnull', True), _connector='XOR'), name='suggestion_names_one_fact_check'),
                ),
            ],
            database_operations=[
                migrations.RunPython(_renamed(RENAMED), _renamed([(b, a) for a, b in RENAMED])),
            ],
        ),
        # The old float32 bytes: the backfill embeds again.
        migrations.RemoveField(model_name='importedfactcheck', name='embedding'),
        migrations.AddField(
            model_name='importedfactcheck',
            name='embedding',
            field=pgvector.django.halfvec.HalfVectorField(blank=True, dimensions=384, editable=False, null=True),
        ),
        migrations.CreateModel(
            name='FactCheckGram',
            fields=[
                ('feature', models.IntegerField(primary_key=True, serialize=False)),
                ('texts', models.IntegerField(default=0)),
            ],
        ),
        migrations.AddField(
            model_name='factchecksearch',
            name='embedding',
            field=pgvector.django.halfvec.HalfVectorField(blank=True, dimensions=384, editable=False, null=True),
        ),
        migrations.CreateModel(
            name='ClusterMember',
            fields=[
                ('claim', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='membership', serialize=False, to='claims.claim')),
                ('matched_at', models.DateTimeField(blank=True, null=True)),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('cluster', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='members', to='reviews.cluster')),
            ],
        ),
        migrations.AddIndex(
            model_name='clustermember',
            index=models.Index(fields=['cluster', '-claim'], name='member_cluster_recent'),
        ),
        migrations.AddIndex(
            model_name='clustermember',
            index=models.Index(condition=models.Q(('matched_at__isnull', True)), fields=['created_at'], name='member_unmatched'),
        ),
        migrations.RunSQL(MEMBERS_COPY, MEMBERS_BACK),
        migrations.RunPython(grams_count, migrations.RunPython.noop),
        migrations.RunPython(_on_postgresql(POSTGRESQL_FORWARD), _on_postgresql(POSTGRESQL_BACKWARD)),
        migrations.RunPython(content_types_moved, content_types_back),
        migrations.RunPython(_beat_renamed(BEAT_TASKS), _beat_renamed([(b, a) for a, b in BEAT_TASKS])),
    ]
