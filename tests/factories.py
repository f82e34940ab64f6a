"""factory_boy factories for the models tests build by hand."""

from __future__ import annotations

import hashlib
import itertools

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from claims.models import Article, Claim
from reviews.models import Cluster, ClusterMember, ReviewItem
from reviews.services.clusters import clusters_assign

_counter = itertools.count()


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()

    username = factory.Sequence(lambda n: f"user{n}")
    is_staff = True


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    source = Article.Source.PUSH
    raw_format = Article.Format.TEXT
    raw = factory.LazyFunction(lambda: f"Article {next(_counter)}".encode())
    raw_hash = factory.LazyAttribute(lambda a: hashlib.sha256(a.raw).hexdigest())
    status = Article.Status.EXTRACTED
    title = factory.Sequence(lambda n: f"Article {n}")


class ClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Claim
        skip_postgeneration_save = True

    article = factory.SubFactory(ArticleFactory)
    text = factory.Sequence(lambda n: f"Unemployment fell to {n} percent last year.")
    start = 0
    end = factory.LazyAttribute(lambda c: len(c.text))
    score = 0.8
    model_version = "test"

    @factory.post_generation
    def clustered(claim: Claim, create: bool, extracted: bool | None, **kwargs: object) -> None:
        """A claim made by hand is its own cluster, as extraction would leave it."""
        if not create or extracted is False or hasattr(claim, "membership"):
            return
        clusters_assign(claims=[claim], seen_at=timezone.now())


class ReviewItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewItem

    claim = factory.SubFactory(ClaimFactory)
    priority = factory.LazyAttribute(lambda item: item.claim.score)
    # As `review_items_create` copies them from the claim.
    speaker = factory.LazyAttribute(lambda item: item.claim.speaker)
    claim_type = factory.LazyAttribute(lambda item: item.claim.claim_type)
    score = factory.LazyAttribute(lambda item: item.claim.score)
    publisher_id = factory.LazyAttribute(lambda item: item.claim.article.publisher_id)
    feed_id = factory.LazyAttribute(lambda item: item.claim.article.feed_id)


def cluster_of(claim: Claim) -> int:
    """The cluster a claim stands in now."""
    return ClusterMember.objects.get(claim=claim).cluster_id


def appearance(cluster: Cluster, **claim_fields: object) -> Claim:
    """Another claim making the cluster's claim, placed in it as a join would."""
    claim = ClaimFactory(clustered=False, **claim_fields)
    ClusterMember.objects.create(claim=claim, cluster=cluster, matched_at=timezone.now())
    return claim


def cluster_get(claim: Claim) -> Cluster:
    return Cluster.objects.get(pk=cluster_of(claim))
