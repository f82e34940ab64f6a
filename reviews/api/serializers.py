"""What a published fact-check looks like through the API (records from reviews.selectors)."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from reviews.models import ClaimantKind, EvidenceSource
from reviews.rendering import absolute_url, fact_check_record, fact_checks_path
from reviews.selectors import PublishedFactCheck, Source


class AppearanceSerializer(serializers.Serializer):
    url = serializers.CharField(help_text="The article's address; empty for pushed text.")
    title = serializers.CharField()
    publisher = serializers.CharField()
    date = serializers.DateTimeField(allow_null=True)
    claim_text = serializers.CharField(help_text="The wording in this article.")


class RatingSerializer(serializers.Serializer):
    name = serializers.CharField(
        source="rating", help_text="The rating's key on the publisher's rating scale."
    )
    label = serializers.CharField(source="rating_label", help_text="Its name, as published.")
    value = serializers.IntegerField(
        source="rating_value", allow_null=True, help_text="Null for ratings off the scale."
    )
    best = serializers.IntegerField(source="rating_best", allow_null=True)
    worst = serializers.IntegerField(source="rating_worst", allow_null=True)


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
    rating = serializers.CharField(help_text="The key of the rating this version published.")
    note = serializers.CharField(help_text="The public correction note.")


class FactCheckSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.SerializerMethodField()
    claimreview_url = serializers.SerializerMethodField()
    claim = serializers.CharField(
        help_text="The claim as checked: the wording the fact-check rates."
    )
    speaker = serializers.CharField(help_text="Who made the claim; empty when it is unattributed.")
    claimant_kind = serializers.ChoiceField(
        choices=ClaimantKind.choices,
        help_text="Whether the speaker is a person or an organization.",
    )
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
