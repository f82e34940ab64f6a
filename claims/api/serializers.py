"""Articles newsroom systems push in, and what they may see of them afterwards."""

from __future__ import annotations

from typing import Any

from django.core.validators import URLValidator
from rest_framework import serializers

from claims.models import Article
from claims.services.ingest import IngestError, published_date_parse


class StrictCharField(serializers.CharField):
    """A string, and only a string: 12 or true is a mistake, not text."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)  # type: ignore[no-any-return]


class ArticleSubmitSerializer(serializers.Serializer):
    url = StrictCharField(
        required=False,
        max_length=2000,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text="Alone: the desk fetches it. With html or text: where the article lives.",
    )
    html = StrictCharField(required=False, trim_whitespace=False, help_text="The page's HTML.")
    text = StrictCharField(required=False, trim_whitespace=False, help_text="Plain text.")
    title = StrictCharField(required=False, max_length=1000, help_text="Needed with text.")
    published_at = StrictCharField(
        required=False,
        max_length=40,
        help_text="With html or text: when the article was published, a date (2026-11-24) or an "
        "ISO 8601 time; over the page's own date. Without it, plain text has no date and "
        "every output shows it as unknown.",
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(self.initial_data) - set(self.fields))
        if unknown:
            raise serializers.ValidationError(
                {name: ["Unknown field; send url, html, or text and title."] for name in unknown}
            )
        if "html" in attrs and "text" in attrs:
            raise serializers.ValidationError({"text": ["Send html or text, not both."]})
        if not ({"url", "html", "text"} & set(attrs)):
            raise serializers.ValidationError(
                {"non_field_errors": ["Send a url, or html, or text and title."]}
            )
        if "text" in attrs and not attrs.get("title", "").strip():
            raise serializers.ValidationError({"title": ["Plain text needs its title."]})
        if "published_at" in attrs:
            if not ({"html", "text"} & set(attrs)):
                raise serializers.ValidationError(
                    {"published_at": ["Send it with html or text; a fetched page gives its own."]}
                )
            try:
                attrs["published_at"] = published_date_parse(attrs["published_at"])
            except IngestError as exc:
                message = str(exc)[:1].upper() + str(exc)[1:] + "."
                raise serializers.ValidationError({"published_at": [message]}) from exc
        return attrs


class ArticleAcceptedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Article.Status.choices)
    status_url = serializers.URLField()
    created = serializers.BooleanField(help_text="False when the same input was already here.")
