"""What matching makes of the sample articles does not depend on which is matched first."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from claims import services
from claims.models import Article, Claim
from reviews.models import ClusterSuggestion
from reviews.services.matching import claims_match
from tests.factories import cluster_of
from tests.paths import SAMPLE_ARTICLES


@pytest.mark.django_db
@pytest.mark.parametrize("order", ["as received", "reversed"])
def test_the_kremlin_denial_and_confirmation_are_suggested_whichever_comes_first(
    order: str,
) -> None:
    call_command("ingest", str(SAMPLE_ARTICLES), "--no-progress")
    articles = list(Article.objects.order_by("pk"))
    for article in articles:
        services.article_extract(article_id=article.pk)
    if order == "reversed":
        articles.reverse()

    for article in articles:
        claims_match(claim_ids=list(article.claims.order_by("pk").values_list("pk", flat=True)))

    denial = Claim.objects.get(text__contains="Peskov denied on Wednesday")
    confirmation = Claim.objects.get(text__contains="reaffirmed ongoing confidential contacts")
    pair = {cluster_of(denial), cluster_of(confirmation)}
    assert len(pair) == 2
    assert any(
        {s.cluster_id, s.other_id} == pair
        for s in ClusterSuggestion.objects.filter(kind=ClusterSuggestion.Kind.CONTRADICTION)
    )
