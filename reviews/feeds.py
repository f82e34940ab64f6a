"""Feeds of the latest published fact-checks, outside the API: RSS 2.0, Atom and JSON Feed 1.1.

Public like the fact-checks themselves; what they list comes from `fact_checks_published()`.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.views.decorators.http import require_GET

from reviews.rendering import claim_review, fact_check_public_url, iso_datetime
from reviews.selectors import PublishedFactCheck, fact_checks_load, fact_checks_published

FEED_SIZE = 50


def latest_fact_checks(limit: int = FEED_SIZE) -> list[PublishedFactCheck]:
    return fact_checks_load(list(fact_checks_published()[:limit]))


# Characters XML 1.0 cannot carry. Django's feed writer raises on the control characters,
# so one fact-check holding one (a vertical tab pasted from a word processor) was a 500 for
# the whole RSS and Atom feeds.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _title(fact_check: PublishedFactCheck) -> str:
    return _NOT_XML.sub(" ", f"{fact_check.rating_label}: {fact_check.claim}")


def _paragraphs(fact_check: PublishedFactCheck) -> list[str]:
    parts = [fact_check.explanation, fact_check.summary]
    parts += [f"Correction (version {c.version}): {c.note}" for c in fact_check.corrections]
    return [_NOT_XML.sub(" ", p) for p in parts if p]


def _description(fact_check: PublishedFactCheck) -> str:
    """Plain text (JSON Feed's content_text)."""
    return "\n\n".join(_paragraphs(fact_check))


def _description_html(fact_check: PublishedFactCheck) -> str:
    # RSS descriptions and Atom's <summary type="html"> are read as HTML: the text (a claim
    # comes from a pushed article, notes from reviewers) is escaped, so markup in it shows as
    # written and never runs in a feed reader.
    return "".join(f"<p>{escape(p)}</p>" for p in _paragraphs(fact_check))


class FactChecksRss(Feed):
    title_template = None
    description_template = None

    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def title(self) -> str:
        return f"{settings.FACTCHECK_ORGANIZATION_NAME}: fact-checks"

    def link(self) -> str:
        return settings.FACTCHECK_ORGANIZATION_URL  # type: ignore[no-any-return]

    def description(self) -> str:
        return "The latest published and corrected fact-checks."

    def items(self) -> list[PublishedFactCheck]:
        return latest_fact_checks()

    def item_title(self, item: PublishedFactCheck) -> str:
        # Many readers take an RSS title for HTML too; escaped, it reads as written either way.
        return escape(_title(item))

    def item_description(self, item: PublishedFactCheck) -> str:
        return _description_html(item)

    def item_link(self, item: PublishedFactCheck) -> str:
        return fact_check_public_url(self.request, item)

    def item_guid(self, item: PublishedFactCheck) -> str:
        return fact_check_public_url(self.request, item)

    # To the second, as the ClaimReview dates them: Atom writes a datetime's microseconds.
    def item_pubdate(self, item: PublishedFactCheck) -> datetime:
        return item.published_at.replace(microsecond=0)

    def item_updateddate(self, item: PublishedFactCheck) -> datetime:
        return item.modified_at.replace(microsecond=0)

    def item_categories(self, item: PublishedFactCheck) -> list[str]:
        return [item.rating_label]


class FactChecksAtom(FactChecksRss):
    feed_type = Atom1Feed

    def item_title(self, item: PublishedFactCheck) -> str:
        return _title(item)  # an Atom title without a type is text: not HTML, not escaped

    def subtitle(self) -> str:
        return self.description()


@require_GET
def fact_checks_json_feed(request: HttpRequest) -> JsonResponse:
    """JSON Feed 1.1, each item carrying its ClaimReview under `_claim_review`."""
    items = []
    for fact_check in latest_fact_checks():
        url = fact_check_public_url(request, fact_check)
        items.append(
            {
                "id": url,
                "url": url,
                "title": _title(fact_check),
                "content_text": _description(fact_check),
                "summary": fact_check.explanation,
                "date_published": iso_datetime(fact_check.published_at),
                "date_modified": iso_datetime(fact_check.modified_at),
                "tags": [fact_check.rating_label],
                "_claim_review": claim_review(request, fact_check),
            }
        )
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": f"{settings.FACTCHECK_ORGANIZATION_NAME}: fact-checks",
        "home_page_url": settings.FACTCHECK_ORGANIZATION_URL,
        "feed_url": request.build_absolute_uri(reverse("feed-fact-checks-json")),
        "description": "The latest published and corrected fact-checks.",
        "authors": [
            {
                "name": settings.FACTCHECK_ORGANIZATION_NAME,
                "url": settings.FACTCHECK_ORGANIZATION_URL,
            }
        ],
        "language": "en",
        "items": items,
    }
    return JsonResponse(
        feed, content_type="application/feed+json", json_dumps_params={"ensure_ascii": False}
    )
