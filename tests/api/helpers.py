"""Fact-checks made through the real desk services, and API clients with tokens."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth.models import Permission
from django.utils import timezone
from rest_framework.test import APIClient

from claims.models import Claim, Publisher
from claims.services.tokens import api_token_create
from reviews.models import Cluster, EvidenceSource, ReviewItem, Verdict
from reviews.services import corrections, publishing
from reviews.services import queue as services
from reviews.services.records import fact_check_records_refresh
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    ReviewItemFactory,
    UserFactory,
    appearance,
    cluster_get,
)

ALL_SCOPES = ("read", "submit", "search")


def editor() -> Any:
    user = UserFactory()
    user.user_permissions.add(Permission.objects.get(codename="approve_verdict"))
    return type(user).objects.get(pk=user.pk)


def client(*scopes: str, name: str | None = None) -> APIClient:
    token, key = api_token_create(
        name=name or f"test-{timezone.now().timestamp()}-{'-'.join(scopes)}",
        scopes=scopes or ALL_SCOPES,
    )
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    api.token = token  # type: ignore[attr-defined]
    return api


def article(url: str = "", publisher: str = "", published: datetime.datetime | None = None) -> Any:
    pub = None
    if publisher:
        pub, _ = Publisher.objects.get_or_create(domain=publisher, defaults={"name": publisher})
    return ArticleFactory(url=url, publisher=pub, published_at=published)


def queued(text: str, *, speaker: str = "", **article_kwargs: Any) -> ReviewItem:
    """A queued claim; its speaker is also the claimant the pipeline proposes, a person."""
    claim = ClaimFactory(
        text=text,
        end=len(text),
        speaker=speaker,
        claimant=speaker,
        claimant_kind="person" if speaker else "",
        article=article(**article_kwargs),
    )
    return ReviewItemFactory(claim=claim)


def appear_again(item: ReviewItem, text: str, **article_kwargs: Any) -> Claim:
    """The same claim made in another article, joined to the item's cluster."""
    cluster = cluster_get(item.claim)
    claim = appearance(cluster, text=text, end=len(text), article=article(**article_kwargs))
    Cluster.objects.filter(pk=cluster.pk).update(appearance_count=2)
    # As the matcher's join does: a published fact-check's stored record lists its appearances.
    fact_check_records_refresh(cluster_ids=[cluster.pk])
    return claim


def draft(item: ReviewItem, reviewer: Any, *, rating: str = "false", sources: int = 2) -> Verdict:
    services.review_take(item_id=item.pk, user=reviewer)
    verdict = publishing.verdict_save(
        item_id=item.pk,
        user=reviewer,
        rating=rating,
        explanation=f"Explanation of {item.claim.text[:40]}",
        summary=f"Summary of {item.claim.text[:40]}",
    )
    for n in range(sources):
        publishing.source_add(
            verdict_id=verdict.pk,
            user=reviewer,
            url=f"https://stats.example.org/{item.pk}/report-{n}",
            title=f"Report {n}",
            publisher="Statistics Office",
            stance=EvidenceSource.Stance.REFUTES,
            quote="The figures say otherwise.",
            archive=False,
        )
    return verdict


def published(
    text: str, *, rating: str = "false", speaker: str = "", **article_kwargs: Any
) -> ReviewItem:
    """A claim taken through the desk: drafted, sourced, submitted, approved by an editor."""
    item = queued(text, speaker=speaker, **article_kwargs)
    reviewer = UserFactory()
    verdict = draft(item, reviewer, rating=rating)
    verdict.sources.filter(pk=verdict.sources.first().pk).update(
        archived_text="The archived report text.",
        archived_hash="a" * 64,
        archived_at=timezone.now(),
    )
    publishing.verdict_submit(item_id=item.pk, user=reviewer)
    publishing.verdict_approve(item_id=item.pk, editor=editor())
    item.refresh_from_db()
    return item


def correct(
    item: ReviewItem,
    *,
    rating: str = "mostly_false",
    note: str = "Corrected.",
    explanation: str = "Corrected explanation.",
    summary: str = "Corrected summary.",
) -> Verdict:
    """A correction drafted by one editor and approved by another."""
    corrections.correction_save(
        item_id=item.pk,
        editor=editor(),
        rating=rating,
        explanation=explanation,
        summary=summary,
        correction_note=note,
    )
    return corrections.correction_approve(item_id=item.pk, editor=editor())
