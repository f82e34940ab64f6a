"""The desk's form for bringing in an article: a URL, or pasted text with its title."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django import forms
from django.utils import timezone

# As the API allows (claims.api.serializers.ArticleSubmitSerializer).
URL_MAX = 2000
TITLE_MAX = 1000


class ArticleSubmitForm(forms.Form):
    url = forms.URLField(
        label="Address",
        required=False,
        max_length=URL_MAX,
        assume_scheme="https",
        help_text="Alone: the desk fetches the page. With pasted text: where the article lives.",
    )
    title = forms.CharField(label="Title", required=False, max_length=TITLE_MAX)
    text = forms.CharField(
        label="Text",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text="The article's text, as a reader sent it or as it was printed.",
    )
    published_at = forms.DateField(
        label="Published on",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="With pasted text: the day the article was published, if you know it. "
        "Without it, the desk shows its date as unknown and the fact-check leaves it out.",
    )

    def clean_published_at(self) -> datetime | None:
        day: date | None = self.cleaned_data.get("published_at")
        # The day's start in the desk's time zone, so every page shows that day.
        return timezone.make_aware(datetime.combine(day, time())) if day else None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        text = cleaned.get("text", "")
        if self.errors:
            return cleaned
        if not cleaned.get("url") and not text.strip():
            raise forms.ValidationError("Give the article's address, or paste its text.")
        if text.strip() and not cleaned.get("title", "").strip():
            self.add_error("title", "Pasted text needs its title.")
        if "\x00" in text or "\x00" in cleaned.get("title", ""):
            raise forms.ValidationError("The text holds a NUL character; paste it again.")
        return cleaned
