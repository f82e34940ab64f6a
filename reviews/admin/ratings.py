"""The rating scale in admin (editors configure it), and the rating field every verdict form
uses: each rating of the current scale with its definition beside it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from unfold.admin import ModelAdmin, TabularInline

from reviews.models import Rating, RatingScale
from reviews.ratings import rating_choices, rating_definitions
from reviews.services.ratings import rating_scale_save

NOT_RATED = "— not rated yet —"


class RatingSelect(forms.RadioSelect):
    """Radio buttons, one per rating, each with the rating's definition beside its name."""

    template_name = "reviews/widgets/rating_select.html"
    option_template_name = "reviews/widgets/rating_option.html"

    def optgroups(self, name: str, value: Any, attrs: dict[str, Any] | None = None) -> list:
        # Read once per drawing of the field, not once per option.
        self._definitions = rating_definitions()
        return super().optgroups(name, value, attrs)

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        option["definition"] = getattr(self, "_definitions", {}).get(str(option["value"]), "")
        return option


class RatingField(forms.ChoiceField):
    """A rating of the current scale (its key), chosen from a list that shows each definition.

    The choices are read when the form is drawn or checked, so a field declared on a form class
    always offers the scale as it is now. Not required: a "not rated yet" choice comes first.
    """

    widget = RatingSelect

    def __init__(self, *, required: bool = True, **kwargs: Any) -> None:
        kwargs.setdefault("label", "Rating")
        super().__init__(
            choices=rating_choices if required else self._with_blank, required=required, **kwargs
        )

    @staticmethod
    def _with_blank() -> list[tuple[str, str]]:
        return [("", NOT_RATED), *rating_choices()]


class RatingFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        keys = [
            form.cleaned_data["key"]
            for form in self.forms
            if form.cleaned_data.get("key") and not form.cleaned_data.get("DELETE")
        ]
        if not keys:
            raise forms.ValidationError("A scale needs at least one rating.")


class RatingInline(TabularInline):
    model = Rating
    formset = RatingFormSet
    fields = ["position", "key", "name", "value", "definition"]
    extra = 0

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "definition":
            kwargs["widget"] = forms.Textarea(attrs={"rows": 2})
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class RatingScaleForm(forms.ModelForm):
    class Meta:
        model = RatingScale
        fields = ["name", "is_current", "best", "worst"]

    def clean_is_current(self) -> bool:
        current = bool(self.cleaned_data.get("is_current"))
        if self.instance.pk and self.instance.is_current and not current:
            # Reviewers always have a scale to choose from.
            raise forms.ValidationError(
                "Reviewers need a current scale: make another scale current instead."
            )
        return current


@admin.register(RatingScale)
class RatingScaleAdmin(ModelAdmin):
    form = RatingScaleForm
    list_display = ["name", "is_current", "best", "worst", "created_at"]
    inlines = [RatingInline]

    def save_model(
        self, request: HttpRequest, obj: RatingScale, form: forms.ModelForm, change: bool
    ) -> None:
        rating_scale_save(scale=obj)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        # Deleted one at a time from its page, where the current scale has no delete button.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_delete_permission(self, request: HttpRequest, obj: RatingScale | None = None) -> bool:
        # The current scale is what reviewers choose from; published fact-checks keep their
        # ratings whatever is deleted.
        if obj is not None and obj.is_current:
            return False
        return super().has_delete_permission(request, obj)
