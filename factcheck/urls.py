from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from factcheck import health, metrics_view
from reviews import feeds

# The desk serves no pages at "/": the admin's "View site" goes to the organization's site,
# where readers find the published fact-checks.
admin.site.site_url = settings.FACTCHECK_ORGANIZATION_URL
admin.site.site_header = admin.site.site_title = "Fact-check desk"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics_view.metrics, name="metrics"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("reviews.api.urls")),
    path("feeds/fact-checks.rss", feeds.FactChecksRss(), name="feed-fact-checks-rss"),
    path("feeds/fact-checks.atom", feeds.FactChecksAtom(), name="feed-fact-checks-atom"),
    path("feeds/fact-checks.json", feeds.fact_checks_json_feed, name="feed-fact-checks-json"),
]

handler500 = "factcheck.errors.server_error"
