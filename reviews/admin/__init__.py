"""The desk in Django admin: importing the modules registers their ModelAdmins."""

from reviews.admin import api_clients, clusters, review_items, verdicts

__all__ = ["api_clients", "clusters", "review_items", "verdicts"]
