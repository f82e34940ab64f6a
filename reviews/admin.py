from __future__ import annotations

from django.contrib import admin

from reviews.models import ReviewItem


@admin.register(ReviewItem)
class ReviewItemAdmin(admin.ModelAdmin):
    list_display = ["claim_text", "speaker", "article", "status", "priority", "created_at"]
    list_filter = ["status", "claim__claim_type"]
    search_fields = ["claim__text", "claim__speaker"]
    list_select_related = ["claim__article"]
    show_full_result_count = False
    readonly_fields = ["claim", "status", "priority", "created_at", "updated_at"]

    @admin.display(description="Claim")
    def claim_text(self, obj: ReviewItem) -> str:
        return obj.claim.text

    @admin.display(description="Speaker")
    def speaker(self, obj: ReviewItem) -> str:
        return obj.claim.speaker

    @admin.display(description="Article")
    def article(self, obj: ReviewItem) -> str:
        return str(obj.claim.article)
