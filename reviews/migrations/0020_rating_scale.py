"""The rating scale as data (editors configure it in admin), the default scale being the one the
desk had in code (True ... Unproven, ClaimReview 5..1, Unproven without a value), and each
verdict's copy of the rating it was published with, filled in for the verdicts already there.
Editors manage the scales; reviewers may read them."""

import importlib

import django.db.models.deletion
from django.db import migrations, models

# Written out here, not imported: a migration must keep meaning what it meant when it ran.
BEST, WORST = 5, 1
DEFAULT = [
    ("true", "True", 5, "The claim is accurate and nothing significant is missing."),
    ("mostly_true", "Mostly true", 4,
     "The claim is accurate but needs a clarification or a missing detail."),
    ("half_true", "Half true", 3,
     "The claim is partly accurate but leaves out important details or takes things out "
     "of context."),
    ("mostly_false", "Mostly false", 2,
     "The claim holds an element of truth but ignores facts that would give a different "
     "impression."),
    ("false", "False", 1, "The claim is not accurate."),
    ("misleading", "Misleading", 2,
     "The facts cited may be right, but the claim presents them so that they give a false "
     "impression."),
    ("unproven", "Unproven", None,
     "The evidence available neither proves nor disproves the claim."),
]
PERMISSIONS = {
    "Reviewer": [("reviews", "view_ratingscale"), ("reviews", "view_rating")],
    "Editor": [
        ("reviews", f"{action}_{model}")
        for model in ("ratingscale", "rating")
        for action in ("view", "add", "change", "delete")
    ],
}

_roles = importlib.import_module("reviews.migrations.0005_roles")


def default_scale(apps, schema_editor):
    RatingScale = apps.get_model("reviews", "RatingScale")
    Rating = apps.get_model("reviews", "Rating")
    Verdict = apps.get_model("reviews", "Verdict")
    scale = RatingScale.objects.create(name="Truth scale", best=BEST, worst=WORST, is_current=True)
    Rating.objects.bulk_create(
        Rating(scale=scale, key=key, name=name, value=value, definition=text, position=n)
        for n, (key, name, value, text) in enumerate(DEFAULT)
    )
    for key, name, value, _ in DEFAULT:
        Verdict.objects.filter(rating=key).update(
            rating_name=name, rating_value=value, rating_best=BEST, rating_worst=WORST
        )


def grant(apps, schema_editor):
    _roles.roles_grant(apps, PERMISSIONS)


def revoke(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    for name, pairs in PERMISSIONS.items():
        group = Group.objects.filter(name=name).first()
        if group is not None:
            group.permissions.remove(
                *Permission.objects.filter(
                    content_type__app_label="reviews", codename__in=[c for _, c in pairs]
                )
            )


class Migration(migrations.Migration):

    dependencies = [
        ('reviews', '0019_matching_moves_in'),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalverdict',
            name='rating_best',
            field=models.IntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='historicalverdict',
            name='rating_name',
            field=models.CharField(blank=True, max_length=60),
        ),
        migrations.AddField(
            model_name='historicalverdict',
            name='rating_value',
            field=models.IntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='historicalverdict',
            name='rating_worst',
            field=models.IntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='verdict',
            name='rating_best',
            field=models.IntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='verdict',
            name='rating_name',
            field=models.CharField(blank=True, max_length=60),
        ),
        migrations.AddField(
            model_name='verdict',
            name='rating_value',
            field=models.IntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='verdict',
            name='rating_worst',
            field=models.IntegerField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name='historicalverdict',
            name='rating',
            field=models.CharField(blank=True, max_length=20),
        ),
        migrations.AlterField(
            model_name='verdict',
            name='rating',
            field=models.CharField(blank=True, max_length=20),
        ),
        migrations.CreateModel(
            name='RatingScale',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=100, unique=True)),
                ('is_current', models.BooleanField(default=False, help_text="The scale reviewers choose from. Making another scale current leaves this one's published fact-checks as they were published.", verbose_name='current')),
                ('best', models.IntegerField(default=5, help_text='ClaimReview bestRating: the value of a wholly accurate claim.')),
                ('worst', models.IntegerField(default=1, help_text='ClaimReview worstRating: the value of a wholly false claim.')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
            ],
            options={
                'constraints': [models.UniqueConstraint(condition=models.Q(('is_current', True)), fields=('is_current',), name='rating_scale_one_current'), models.CheckConstraint(condition=models.Q(('best__gt', models.F('worst'))), name='rating_scale_best_gt_worst')],
            },
        ),
        migrations.CreateModel(
            name='Rating',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.SlugField(help_text='Stored on verdicts and used by the API (letters, digits, _ and -); keep it when renaming a rating.', max_length=20)),
                ('name', models.CharField(help_text='Shown to readers: ClaimReview alternateName.', max_length=60)),
                ('value', models.IntegerField(blank=True, help_text="ClaimReview ratingValue, between the scale's worst and best; empty for a rating off the scale (such as unproven), published with its name only.", null=True)),
                ('definition', models.TextField(help_text='What the rating means, shown beside it in the form.')),
                ('position', models.PositiveSmallIntegerField(default=0, help_text='Order in the form.')),
                ('scale', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='ratings', to='reviews.ratingscale')),
            ],
            options={
                'ordering': ['scale', 'position', 'pk'],
                'constraints': [models.UniqueConstraint(fields=('scale', 'key'), name='rating_key_unique')],
            },
        ),
        migrations.RunPython(default_scale, migrations.RunPython.noop),
        migrations.RunPython(grant, revoke),
    ]
