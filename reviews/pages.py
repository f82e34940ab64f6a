"""The public pages: the published fact-checks, each one's page, and the list of feeds.

The page is the ClaimReview `url` and the feeds' link unless FACTCHECK_FACT_CHECK_URL points
to the newsroom's own site. Public like the feeds: it shows what `fact_checks_published()`
lets leave the desk and nothing else, with the ClaimReview embedded as JSON-LD.

Each page names its canonical address and describes itself in the meta tags search engines
and link previews read (description, Open Graph, Twitter); a fact-check's canonical address
is its ClaimReview `url`, so the markup and the page never disagree on where it lives.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.text import Truncator
from django.views.decorators.http import require_safe

from reviews.feeds import FEED_SIZE, latest_fact_checks
from reviews.rendering import absolute_url, claim_review, fact_check_pages_here
from reviews.selectors import PublishedFactCheck, fact_check_get

PAGE_TEMPLATE = "reviews/fact_check_page.html"

# A claim repeated by thousands of outlets: the page lists the first ones and counts the rest.
APPEARANCES_SHOWN = 50

# Search engines show about this many characters of a description.
DESCRIPTION_CHARS = 200


@require_safe
def fact_check_page(request: HttpRequest, pk: int) -> HttpResponse:
    fact_check = fact_check_get(item_id=pk)
    if fact_check is None:
        raise Http404("No published fact-check has this number.")
    return render(request, PAGE_TEMPLATE, fact_check_page_context(request, fact_check))


def fact_check_page_context(request: HttpRequest, fact_check: PublishedFactCheck) -> dict:
    """What the public page draws: also the desk's preview of a fact-check before approval."""
    json_ld = claim_review(request, fact_check)
    # As in ClaimReview and the feeds: text pushed without an address (an agency's copy, an
    # embargoed draft) is the newsroom's, not the reader's.
    published = [appearance for appearance in fact_check.appearances if appearance.url]
    verdict = fact_check.explanation or fact_check.summary
    description = f"Our rating: {fact_check.rating_label}." + (f" {verdict}" if verdict else "")
    return {
        "fact_check": fact_check,
        # As the feeds title an item: the rating, then the claim as checked.
        "headline": f"{fact_check.rating_label}: {fact_check.claim}",
        "description": _description(description),
        "canonical_url": json_ld["url"],
        "appearances": published[:APPEARANCES_SHOWN],
        "more_appearances": max(len(published) - APPEARANCES_SHOWN, 0),
        "organization_name": settings.FACTCHECK_ORGANIZATION_NAME,
        "claim_review": json_ld,
        # Escaped for a <script> element: "</script>" in a claim must not end it.
        "claim_review_json": json.dumps(json_ld, ensure_ascii=False)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026"),
    }


def _description(text: str) -> str:
    return Truncator(" ".join(text.split())).chars(DESCRIPTION_CHARS)


def _site_page(request: HttpRequest, url_name: str, description: str) -> dict[str, str]:
    return {
        "organization_name": settings.FACTCHECK_ORGANIZATION_NAME,
        "canonical_url": absolute_url(request, reverse(url_name)),
        "description": _description(description),
    }


@require_safe
def fact_check_list_page(request: HttpRequest) -> HttpResponse:
    """The site's front page: the latest published fact-checks, as the feeds list them."""
    name = settings.FACTCHECK_ORGANIZATION_NAME
    description = f"The latest fact-checks by {name}: claims checked, rated and sourced."
    context = {"fact_checks": latest_fact_checks(), **_site_page(request, "home", description)}
    return render(request, "reviews/fact_check_list.html", context)


@require_safe
def feeds_page(request: HttpRequest) -> HttpResponse:
    """What /feeds/ offers: the three feeds of the latest fact-checks."""
    description = f"RSS, Atom and JSON feeds of the {FEED_SIZE} latest fact-checks."
    context = {"feed_size": FEED_SIZE, **_site_page(request, "feeds", description)}
    return render(request, "reviews/feeds.html", context)


@require_safe
def robots_txt(request: HttpRequest) -> HttpResponse:
    """What crawlers may read: the public pages and feeds, not the desk or the API.

    The desk is behind a login and the API behind tokens, so neither has anything for a search
    result; the sitemap is named when the fact-checks' pages are this site's.
    """
    lines = [
        "User-agent: *",
        f"Disallow: {reverse('admin:index')}",
        "Disallow: /api/",  # every version of it, not only /api/v1/
    ]
    if fact_check_pages_here():
        lines.append(f"Sitemap: {absolute_url(request, reverse('sitemap'))}")
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
