"""Admin of the publishing API: tokens, webhook endpoints and their deliveries."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone
from unfold.admin import ModelAdmin

from claims.models import ApiToken
from claims.services.tokens import TokenError, api_token_create, api_token_rotate, scopes_parse
from reviews.models import WebhookDelivery, WebhookEndpoint
from reviews.services.webhooks import (
    WebhookError,
    webhook_delivery_replay,
    webhook_endpoint_register,
    webhook_endpoint_update,
    webhook_endpoints_resume,
    webhook_url_check,
)


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
class ApiTokenAdmin(ModelAdmin):
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


class WebhookEndpointForm(forms.ModelForm):
    url = forms.URLField(max_length=2000, assume_scheme="https")
    event_choices = forms.MultipleChoiceField(
        choices=WebhookEndpoint.Event.choices, widget=forms.CheckboxSelectMultiple, label="Events"
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["url", "description", "active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["event_choices"].initial = self.instance.events

    def clean_url(self) -> str:
        url: str = self.cleaned_data["url"]
        if self.instance.pk is None or url != self.initial.get("url"):
            try:
                webhook_url_check(url)
            except WebhookError as exc:
                raise forms.ValidationError(str(exc)) from exc
        return url


class TokenActiveFilter(admin.SimpleListFilter):
    title = "API token"
    parameter_name = "token_state"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("active", "Active token"), ("deactivated", "Deactivated token"), ("none", "None")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if value == "active":
            return queryset.filter(token__active=True)
        if value == "deactivated":
            return queryset.filter(token__active=False)
        if value == "none":
            return queryset.filter(token__isnull=True)
        return queryset


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ModelAdmin):
    """Staff can remove any endpoint here, also one whose token was deactivated (and so can
    no longer remove it through the API)."""

    form = WebhookEndpointForm
    list_display = ["url", "event_list", "state", "token", "created_at"]
    list_filter = ["active", TokenActiveFilter]
    list_select_related = ["token"]
    readonly_fields = ["state", "consecutive_failures", "secret", "token", "created_at"]
    actions = ["resume"]

    @admin.display(description="Events")
    def event_list(self, endpoint: WebhookEndpoint) -> str:
        return ", ".join(endpoint.events)

    @admin.display(description="State")
    def state(self, endpoint: WebhookEndpoint) -> str:
        refusal = endpoint.refusal()
        if refusal:
            return f"Not sent to: {refusal}"
        if endpoint.paused_until and endpoint.paused_until > timezone.now():
            local = timezone.localtime(endpoint.paused_until)
            return (
                f"Paused until {local:%Y-%m-%d %H:%M:%S} after "
                f"{endpoint.consecutive_failures} failed attempts in a row"
            )
        if endpoint.consecutive_failures:
            return f"Live ({endpoint.consecutive_failures} failed attempts in a row)"
        return "Live"

    def save_model(
        self, request: HttpRequest, obj: WebhookEndpoint, form: Any, change: bool
    ) -> None:
        events = form.cleaned_data["event_choices"]
        try:
            if change:
                webhook_endpoint_update(
                    endpoint=obj,
                    url=obj.url,
                    events=events,
                    description=obj.description,
                    active=obj.active,
                )
                return
            endpoint = webhook_endpoint_register(
                url=obj.url, events=events, description=obj.description
            )
        except WebhookError as exc:
            self.message_user(request, f"Not saved: {exc}", messages.ERROR)
            return
        obj.pk, obj.secret, obj.events = endpoint.pk, endpoint.secret, endpoint.events
        self.message_user(request, f"Signing secret of {endpoint.url}: {endpoint.secret}")

    @admin.action(description="Resume the selected endpoints (lift a circuit breaker's pause)")
    def resume(self, request: HttpRequest, queryset: QuerySet[WebhookEndpoint]) -> None:
        resumed = webhook_endpoints_resume(endpoint_ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, f"{resumed} endpoints resumed.")


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(ModelAdmin):
    list_display = [
        "created_at",
        "event",
        "endpoint",
        "status",
        "attempts",
        "response_code",
        "next_attempt_at",
    ]
    list_filter = ["status", "event"]
    list_select_related = ["endpoint"]
    readonly_fields = [
        "endpoint",
        "event",
        "payload",
        "status",
        "attempts",
        "response_code",
        "last_error",
        "next_attempt_at",
        "created_at",
        "delivered_at",
    ]
    actions = ["replay"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Replay selected deliveries")
    def replay(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        for delivery in queryset:
            webhook_delivery_replay(delivery_id=delivery.pk)
        self.message_user(request, f"{queryset.count()} deliveries sent again.")
