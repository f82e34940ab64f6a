"""The sitemap of the published fact-checks' public pages, which search engines read to find
each ClaimReview (Google's fact-check documentation recommends submitting one).

It lists what `fact_checks_published()` lets leave the desk, each page with the time of its
latest version. A sitemap holds at most 50,000 pages, so `/sitemap.xml` is an index naming
each file of the sitemap (`/sitemap-fact-checks.xml?p=2`, ...). Pages are listed in the order
of their first publication, so a new fact-check joins the last file and the others stay where
they are (unless one is withdrawn). The index gives no date for its files: Django's would give
each the newest publication of all, and a date is only worth giving when it is right. A
newsroom that publishes on its own site (FACTCHECK_FACT_CHECK_URL) lists the pages there, in
its own sitemap: a sitemap names only pages of the host that serves it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from reviews.rendering import fact_check_pages_here
from reviews.selectors import fact_checks_published

# A page's review item number and the time its latest version was published.
Page = tuple[int, datetime]


class FactCheckSitemap(Sitemap):
    def items(self) -> Sequence[Page]:  # a query of such pairs, paged by the sitemap
        if not fact_check_pages_here():
            return []
        # Two columns, not records: the sitemap pages through every fact-check there is.
        return (
            fact_checks_published()
            .order_by("first_published_at", "review_item_id")
            .values_list("review_item_id", "published_at")
        )

    def location(self, item: Page) -> str:
        return reverse("fact-check-page", args=[item[0]])

    def lastmod(self, item: Page) -> datetime:
        return item[1]

    def get_latest_lastmod(self) -> None:
        """No date for the index's entries (the pages' own dates are in each file)."""
        return None


SITEMAPS = {"fact-checks": FactCheckSitemap}
