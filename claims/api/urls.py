from __future__ import annotations

from django.urls import path

from claims.api import views

urlpatterns = [
    path("articles/", views.ArticleSubmitView.as_view(), name="article-submit"),
]
