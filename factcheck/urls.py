from django.contrib import admin
from django.urls import path

from factcheck import health, metrics_view

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics_view.metrics, name="metrics"),
    path("admin/", admin.site.urls),
]

handler500 = "factcheck.errors.server_error"
