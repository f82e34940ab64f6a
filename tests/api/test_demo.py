"""After `demo`, the API lists the demo fact-checks with complete ClaimReview."""

from __future__ import annotations

import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def _demo(tmp_path: Path) -> str:
    out = StringIO()
    credentials = str(tmp_path / "demo-credentials.json")
    call_command(
        "demo", "--password", "pw", "--credentials", credentials, stdout=out, stderr=StringIO()
    )
    key = re.search(r"API token \(read, submit, search\): (\S+)", out.getvalue())
    assert key, out.getvalue()
    return key.group(1)


def test_the_demo_token_lists_the_published_demo_fact_checks_with_claimreview(
    tmp_path: Path,
) -> None:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {_demo(tmp_path)}")
    records = api.get("/api/v1/fact-checks/").json()["results"]

    assert len(records) == 2
    assert {r["rating"]["name"] for r in records} == {"mostly_false", "misleading"}
    for record in records:
        assert record["appearances"] and len(record["sources"]) == 2
        review = api.get(record["claimreview_url"]).json()
        for key in ["url", "claimReviewed", "author", "datePublished", "reviewRating"]:
            assert review[key], key
        rating = review["reviewRating"]
        assert {"ratingValue", "bestRating", "worstRating", "alternateName"} <= set(rating)
        claim = review["itemReviewed"]
        assert claim["@type"] == "Claim" and claim["author"]["name"]
        # The demo's articles give their publication dates, as pages do, and the claim is
        # dated by its first appearance's.
        assert claim["datePublished"] == claim["firstAppearance"]["datePublished"]
        assert claim["datePublished"] < review["datePublished"]
        assert claim["appearance"] and claim["firstAppearance"]["url"].startswith("https://")
