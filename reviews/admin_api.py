"""Admin of the publishing API: tokens, webhook endpoints and their deliveries."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from reviews.models import ApiToken
from reviews.tokens import TokenError, api_token_create, api_token_rotate, scopes_parse


class ApiTokenForm(forms.ModelForm):
    scope_choices = forms.MultipleChoiceField(
        choices=ApiToken.Scope.choices, widget=forms.CheckboxSelectMultiple, label="Scopes"
    )

    class Meta:
        model = ApiToken
        fields = ["name", "active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["scope_choices"].initial = self.instance.scopes

    def clean_scope_choices(self) -> list[str]:
        try:
            return scopes_parse(self.cleaned_data["scope_choices"])
        except TokenError as exc:
            raise forms.ValidationError(str(exc)) from exc


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    form = ApiTokenForm
    list_display = ["name", "prefix", "scope_list", "active", "last_used_at", "created_at"]
    list_filter = ["active"]
    search_fields = ["name", "prefix"]
    readonly_fields = ["prefix", "last_used_at", "created_at"]
    actions = ["rotate"]

    @admin.display(description="Scopes")
    def scope_list(self, token: ApiToken) -> str:
        return ", ".join(token.scopes)

    def save_model(self, request: HttpRequest, obj: ApiToken, form: Any, change: bool) -> None:
        scopes = form.cleaned_data["scope_choices"]
        if change:
            obj.scopes = scopes
            obj.save()
            return
        try:
            token, key = api_token_create(name=obj.name, scopes=scopes)
        except TokenError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        obj.pk, obj.key_hash, obj.prefix = token.pk, token.key_hash, token.prefix
        obj.active = form.cleaned_data["active"]
        if not obj.active:
            ApiToken.objects.filter(pk=token.pk).update(active=False)
        self.message_user(
            request, f"Key of {token.name} (shown only now, copy it): {key}", messages.WARNING
        )

    @admin.action(description="Give the selected tokens new keys")
    def rotate(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        for token in queryset:
            _, key = api_token_rotate(token_id=token.pk)
            self.message_user(
                request, f"New key of {token.name} (shown only now): {key}", messages.WARNING
            )
