"""The publishing API, mounted at /api/v1/ (namespace `api`)."""

from __future__ import annotations

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from reviews.api import articles, root, views, webhooks

app_name = "api"

urlpatterns = [
    path("", root.ApiRootView.as_view(), name="root"),
    path("fact-checks/", views.FactCheckList.as_view(), name="fact-check-list"),
    path("fact-checks/<int:pk>/", views.FactCheckDetail.as_view(), name="fact-check-detail"),
    path(
        "fact-checks/<int:pk>/claimreview/",
        views.ClaimReviewView.as_view(),
        name="fact-check-claimreview",
    ),
    path(
        "fact-checks/<int:pk>/sources/<int:source_id>/archive/",
        views.SourceArchiveView.as_view(),
        name="fact-check-source-archive",
    ),
    path("search/", views.SearchView.as_view(), name="search"),
    path("webhooks/", webhooks.WebhookListView.as_view(), name="webhook-list"),
    path("webhooks/<int:pk>/", webhooks.WebhookDetailView.as_view(), name="webhook-detail"),
    path("", include("claims.api.urls")),
    path("articles/<int:pk>/", articles.ArticleStatusView.as_view(), name="article-detail"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
]
