from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path

from factcheck import health, metrics_view
from reviews import feeds, pages, sitemaps
from reviews.admin import notifications, start

# "/" lists the published fact-checks (reviews.pages), each with its public page unless
# FACTCHECK_FACT_CHECK_URL sends readers to the newsroom's own; the desk is the admin, whose
# "View site" goes to the organization's site. robots.txt keeps crawlers to the public pages
# and names the sitemap of the fact-checks' pages.
admin.site.site_url = settings.FACTCHECK_ORGANIZATION_URL
admin.site.site_header = admin.site.site_title = "Fact-check desk"
# The index is each user's start page (settings.UNFOLD's DASHBOARD_CALLBACK fills it).
admin.site.index_template = start.TEMPLATE
# Its heading and tab title: a desk's start page, not Django's "Site administration".
admin.site.index_title = "Start page"

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics_view.metrics, name="metrics"),
    # Each user's notifications: desk pages outside any one model's admin.
    path(
        "admin/desk/notifications/",
        admin.site.admin_view(notifications.notifications_page),
        name="desk-notifications",
    ),
    path(
        "admin/desk/notifications/read/",
        admin.site.admin_view(notifications.notifications_read),
        name="desk-notifications-read",
    ),
    path("admin/", admin.site.urls),
    path("api/v1/", include("reviews.api.urls")),
    path("", pages.fact_check_list_page, name="home"),
    path("fact-checks/<int:pk>/", pages.fact_check_page, name="fact-check-page"),
    path("feeds/", pages.feeds_page, name="feeds"),
    path("feeds/fact-checks.rss", feeds.FactChecksRss(), name="feed-fact-checks-rss"),
    path("feeds/fact-checks.atom", feeds.FactChecksAtom(), name="feed-fact-checks-atom"),
    path("feeds/fact-checks.json", feeds.fact_checks_json_feed, name="feed-fact-checks-json"),
    path("robots.txt", pages.robots_txt, name="robots-txt"),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": sitemaps.SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": sitemaps.SITEMAPS},
        name="sitemap-section",
    ),
]

handler500 = "factcheck.errors.server_error"
