"""What a published fact-check looks like through the API (records from reviews.selectors)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from reviews.models import EvidenceSource, Verdict
from reviews.rendering import absolute_url, fact_check_record, fact_checks_path
from reviews.selectors import PublishedFactCheck, Source


class AppearanceSerializer(serializers.Serializer):
    url = serializers.CharField(help_text="The article's address; empty for pushed text.")
    title = serializers.CharField()
    publisher = serializers.CharField()
    date = serializers.DateTimeField(allow_null=True)
    claim_text = serializers.CharField(help_text="The wording in this article.")


class RatingSerializer(serializers.Serializer):
    name = serializers.ChoiceField(choices=Verdict.Rating.choices, source="rating")
    label = serializers.CharField(source="rating_label")
    value = serializers.IntegerField(
        source="rating_value", allow_null=True, help_text="Null for ratings off the scale."
    )
    best = serializers.IntegerField(source="rating_best")
    worst = serializers.IntegerField(source="rating_worst")


class ArchivedCopySerializer(serializers.Serializer):
    sha256 = serializers.CharField()
    fetched_at = serializers.DateTimeField()
    text_url = serializers.URLField(help_text="The archived text as it read when cited.")


class SourceSerializer(serializers.Serializer):
    url = serializers.URLField()
    title = serializers.CharField()
    publisher = serializers.CharField()
    date = serializers.DateField(allow_null=True)
    stance = serializers.ChoiceField(choices=EvidenceSource.Stance.choices)
    quote = serializers.CharField()
    archived = serializers.SerializerMethodField()

    @extend_schema_field(ArchivedCopySerializer(allow_null=True))
    def get_archived(self, source: Source) -> dict[str, Any] | None:
        if not source.archived_hash:
            return None
        fact_check_id = self.context["fact_check_ids"][source.id]
        text_url = absolute_url(
            self.context["request"],
            reverse("api:fact-check-source-archive", args=[fact_check_id, source.id]),
        )
        return {
            "sha256": source.archived_hash,
            "fetched_at": serializers.DateTimeField().to_representation(source.archived_at),
            "text_url": text_url,
        }


class CorrectionSerializer(serializers.Serializer):
    version = serializers.IntegerField()
    published_at = serializers.DateTimeField()
    rating = serializers.ChoiceField(choices=Verdict.Rating.choices)
    note = serializers.CharField(help_text="The public correction note.")


class FactCheckSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.SerializerMethodField()
    claimreview_url = serializers.SerializerMethodField()
    claim = serializers.CharField()
    speaker = serializers.CharField()
    appearances = AppearanceSerializer(many=True)
    first_appearance = AppearanceSerializer(allow_null=True)
    rating = RatingSerializer(source="*")
    explanation = serializers.CharField()
    summary = serializers.CharField()
    sources = SourceSerializer(many=True)
    published_at = serializers.DateTimeField()
    modified_at = serializers.DateTimeField()
    version = serializers.IntegerField()
    corrections = CorrectionSerializer(many=True)

    def to_representation(self, instance: PublishedFactCheck) -> dict[str, Any]:
        # Written out for speed (a page is 50 records with nested lists, and DRF's field-by-
        # field path costs more than the queries); tests check it equals the declared fields'.
        return fact_check_record(
            instance, base=absolute_url(self.context["request"], fact_checks_path())
        )

    def get_url(self, fact_check: PublishedFactCheck) -> str:
        return absolute_url(
            self.context["request"], reverse("api:fact-check-detail", args=[fact_check.id])
        )

    def get_claimreview_url(self, fact_check: PublishedFactCheck) -> str:
        return absolute_url(
            self.context["request"], reverse("api:fact-check-claimreview", args=[fact_check.id])
        )


def serializer_context(request: Any, records: list[PublishedFactCheck]) -> dict[str, Any]:
    return {
        "request": request,
        "fact_check_ids": {s.id: r.id for r in records for s in r.sources},
    }


class SearchHitSerializer(serializers.Serializer):
    score = serializers.FloatField(help_text="Higher is a closer match.")
    fact_check = FactCheckSerializer()


class SearchResultsSerializer(serializers.Serializer):
    query = serializers.CharField()
    results = SearchHitSerializer(many=True)
