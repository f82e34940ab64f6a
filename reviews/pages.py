"""The public page of a published fact-check: what readers (and search engines) read.

The page is the ClaimReview `url` and the feeds' link unless FACTCHECK_FACT_CHECK_URL points
to the newsroom's own site. Public like the feeds: it shows what `fact_checks_published()`
lets leave the desk and nothing else, with the ClaimReview embedded as JSON-LD.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from reviews.rendering import claim_review
from reviews.selectors import fact_check_get

# A claim repeated by thousands of outlets: the page lists the first ones and counts the rest.
APPEARANCES_SHOWN = 50


@require_safe
def fact_check_page(request: HttpRequest, pk: int) -> HttpResponse:
    fact_check = fact_check_get(item_id=pk)
    if fact_check is None:
        raise Http404("No published fact-check has this number.")
    json_ld = claim_review(request, fact_check)
    # As in ClaimReview and the feeds: text pushed without an address (an agency's copy, an
    # embargoed draft) is the newsroom's, not the reader's.
    published = [appearance for appearance in fact_check.appearances if appearance.url]
    context = {
        "fact_check": fact_check,
        "appearances": published[:APPEARANCES_SHOWN],
        "more_appearances": max(len(published) - APPEARANCES_SHOWN, 0),
        "organization_name": settings.FACTCHECK_ORGANIZATION_NAME,
        "organization_url": settings.FACTCHECK_ORGANIZATION_URL,
        # Escaped for a <script> element: "</script>" in a claim must not end it.
        "claim_review_json": json.dumps(json_ld, ensure_ascii=False)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026"),
    }
    return render(request, "reviews/fact_check_page.html", context)
