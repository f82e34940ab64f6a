from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from factcheck import health, metrics_view
from reviews import feeds, pages

# "/" lists the published fact-checks (reviews.pages), each with its public page unless
# FACTCHECK_FACT_CHECK_URL sends readers to the newsroom's own; the desk is the admin, whose
# "View site" goes to the organization's site.
admin.site.site_url = settings.FACTCHECK_ORGANIZATION_URL
admin.site.site_header = admin.site.site_title = "Fact-check desk"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics_view.metrics, name="metrics"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("reviews.api.urls")),
    path("", pages.fact_check_list_page, name="home"),
    path("fact-checks/<int:pk>/", pages.fact_check_page, name="fact-check-page"),
    path("feeds/", pages.feeds_page, name="feeds"),
    path("feeds/fact-checks.rss", feeds.FactChecksRss(), name="feed-fact-checks-rss"),
    path("feeds/fact-checks.atom", feeds.FactChecksAtom(), name="feed-fact-checks-atom"),
    path("feeds/fact-checks.json", feeds.fact_checks_json_feed, name="feed-fact-checks-json"),
]

handler500 = "factcheck.errors.server_error"
