"""Articles newsroom systems push in, and what they may see of them afterwards."""

from __future__ import annotations

from typing import Any

from django.core.validators import URLValidator
from rest_framework import serializers

from claims.models import Article


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
        return attrs


class ArticleAcceptedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Article.Status.choices)
    status_url = serializers.URLField()
    created = serializers.BooleanField(help_text="False when the same input was already here.")
