"""The admin a reviewer writes a verdict in. Saving calls the publishing services, so the
holder, rating and stance rules are the API's; a refusal is shown on the form, input kept."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.db.models import ForeignKey, QuerySet, TextField, URLField
from django.forms import BaseInlineFormSet, ModelChoiceField, ModelForm
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from unfold.admin import StackedInline, TabularInline
from unfold.widgets import UnfoldAdminTextareaWidget

from factcheck.admin_history import ReadOnlyHistoryAdmin
from factcheck.empty_states import EmptyState
from reviews import workflow
from reviews.admin.empty import verdicts_empty_state
from reviews.admin.ratings import RatingField
from reviews.models import EvidenceSource, ReviewItem, Verdict
from reviews.services import publishing
from reviews.workflow import TransitionError
from reviews.workspace import archive_state

# The button that saves the draft and sends it to an editor in one go.
SUBMIT_BUTTON = "_submit_for_approval"
# Set on a request whose save a service refused, so the form is shown again with the refusal.
REFUSAL_ATTRIBUTE = "_verdict_refusal"

VERDICT_SHOWN_FIELDS = [
    "version",
    # Its name as published ("Mostly false"), not the key the API filters on.
    "rating_label",
    "explanation",
    # By name: a link to a user's page would answer reviewers and editors 403.
    "author_name",
    "approver_name",
    "published_at",
]


class VerdictInline(TabularInline):
    """Every version of a claim's verdict, read-only, on the review item's page."""

    model = Verdict
    fields = VERDICT_SHOWN_FIELDS
    readonly_fields = VERDICT_SHOWN_FIELDS
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="rating")
    def rating_label(self, verdict: Verdict) -> str:
        return verdict.get_rating_display() or self.get_empty_value_display()

    @admin.display(description="author")
    def author_name(self, verdict: Verdict) -> str:
        return verdict.author.get_username()

    @admin.display(description="approved by")
    def approver_name(self, verdict: Verdict) -> str:
        if verdict.approved_by is None:
            return self.get_empty_value_display()
        return verdict.approved_by.get_username()


SOURCE_FIELDS = ["url", "title", "publisher", "date", "stance", "quote"]


class CitedSourceInline(TabularInline):
    """Sources already cited: fixed once added, with how their archiving went in words."""

    model = EvidenceSource
    verbose_name = "cited source"
    verbose_name_plural = "cited sources"
    fields = [*SOURCE_FIELDS, "archive"]
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="archive")
    def archive(self, source: EvidenceSource) -> str:
        return archive_state(source).words


class NewSourceInline(StackedInline):
    """Blank forms for new sources; `VerdictAdmin.save_formset` cites each through the service.

    Stacked: as table rows, the six fields were twice as wide as the page, and the stance (which
    every source needs) and the quote were off screen to the right."""

    model = EvidenceSource
    verbose_name = "new source"
    verbose_name_plural = "new sources"
    fields = SOURCE_FIELDS
    extra = 2
    formfield_overrides = {
        URLField: {"assume_scheme": "https"},
        TextField: {"widget": UnfoldAdminTextareaWidget(attrs={"rows": 3})},
    }
    can_delete = False

    def get_queryset(self, request: HttpRequest) -> QuerySet[EvidenceSource]:
        return super().get_queryset(request).none()

    def has_add_permission(self, request: HttpRequest, obj: Verdict | None = None) -> bool:
        return (obj is None or obj.published_at is None) and super().has_add_permission(
            request, obj
        )


@admin.register(Verdict)
class VerdictAdmin(ReadOnlyHistoryAdmin):
    list_display = ["__str__", "version", "rating_shown", "author", "approved_by", "published_at"]
    list_filter = ["rating", "review_item__status"]
    list_select_related = ["review_item__claim", "author", "approved_by"]
    search_fields = ["review_item__claim__text", "explanation"]
    fields = ["review_item", "rating", "explanation", "summary", "editor_note"]
    # The claim as checked is prefilled when the draft is created, then edited here.
    claim_fields = ["claim_reviewed", "claimant", "claimant_kind"]
    inlines = [CitedSourceInline, NewSourceInline]

    def empty_state(self, changelist: ChangeList) -> EmptyState | None:
        return verdicts_empty_state(changelist)

    @admin.display(description="rating", ordering="rating")
    def rating_shown(self, obj: Verdict) -> str:
        return obj.get_rating_display()

    def get_fields(self, request: HttpRequest, obj: Verdict | None = None) -> list[str]:
        if obj is None:
            return self.fields
        fields = [*self.fields[:1], *self.claim_fields, *self.fields[1:]]
        if not self.has_change_permission(request, obj):
            # Read only (a published version): the rating by its name, not its key.
            fields = ["rating_shown" if name == "rating" else name for name in fields]
        return fields

    def get_readonly_fields(self, request: HttpRequest, obj: Verdict | None = None) -> list[str]:
        # The claim is chosen once, when the draft is created; the note is the editor's.
        return ["editor_note"] if obj is None else ["review_item", "editor_note"]

    def has_change_permission(self, request: HttpRequest, obj: Verdict | None = None) -> bool:
        # A published version is the record; a correction adds a version instead.
        if obj is not None and obj.published_at is not None:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Verdict | None = None) -> bool:
        return False

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "rating":
            # The current scale's ratings, each with its definition.
            return RatingField(required=False)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    def formfield_for_foreignkey(
        self, db_field: ForeignKey, request: HttpRequest, **kwargs: Any
    ) -> ModelChoiceField | None:
        if db_field.name == "review_item":
            # Only the claims this reviewer holds can get a verdict from them, and only those
            # without a draft yet: `verdict_save` would write a new one over the draft.
            drafted = Verdict.objects.filter(published_at__isnull=True).values("review_item")
            kwargs["queryset"] = (
                ReviewItem.objects.filter(status=workflow.IN_REVIEW, assigned_to=request.user.pk)
                .exclude(pk__in=drafted)
                .select_related("claim")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_form(
        self, request: HttpRequest, obj: Verdict | None = None, change: bool = False, **kwargs: Any
    ) -> type[ModelForm]:
        form_class = super().get_form(request, obj, change, **kwargs)
        refusal = getattr(request, REFUSAL_ATTRIBUTE, None)
        if refusal is None:
            return form_class

        class RefusedForm(form_class):  # type: ignore[valid-type,misc]
            def clean(self) -> dict[str, Any]:
                cleaned = super().clean()
                self.add_error(None, refusal)
                return cleaned

        return RefusedForm

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except TransitionError as exc:
            # The admin's transaction has rolled back the verdict and its sources together.
            if request.method != "POST":
                self.message_user(request, str(exc), messages.ERROR)
                return HttpResponseRedirect(request.get_full_path())
            refusal = str(exc)
        # Show the same form again, with what the reviewer typed and the service's refusal as
        # its error; the refusal makes the form invalid, so nothing is saved this time.
        setattr(request, REFUSAL_ATTRIBUTE, refusal)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def response_add(
        self, request: HttpRequest, obj: Verdict, post_url_continue: str | None = None
    ) -> HttpResponse:
        if SUBMIT_BUTTON in request.POST:
            return self._submit(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request: HttpRequest, obj: Verdict) -> HttpResponse:
        if SUBMIT_BUTTON in request.POST:
            return self._submit(request, obj)
        return super().response_change(request, obj)

    def _submit(self, request: HttpRequest, verdict: Verdict) -> HttpResponse:
        """ "Save and submit": the draft is saved either way; the gate decides if it goes on."""
        try:
            publishing.verdict_submit(item_id=verdict.review_item_id, user=request.user)
        except TransitionError as exc:
            self.message_user(
                request, f"The draft is saved but was not submitted: {exc}", messages.ERROR
            )
            return HttpResponseRedirect(reverse("admin:reviews_verdict_change", args=[verdict.pk]))
        self.message_user(request, "The verdict went to an editor for approval.", messages.SUCCESS)
        return HttpResponseRedirect(
            reverse("admin:reviews_reviewitem_change", args=[verdict.review_item_id])
        )

    def save_model(self, request: HttpRequest, obj: Verdict, form: ModelForm, change: bool) -> None:
        verdict = publishing.verdict_save(
            item_id=obj.review_item_id,
            user=request.user,
            rating=obj.rating,
            explanation=obj.explanation,
            summary=obj.summary,
            # None on the first save: the draft starts from the pipeline's proposal.
            claim_reviewed=obj.claim_reviewed if change else None,
            claimant=obj.claimant if change else None,
            claimant_kind=obj.claimant_kind if change else None,
        )
        # The admin goes on with `obj` (inlines, log entry, redirect): make it the saved row.
        obj.__dict__.update({k: v for k, v in verdict.__dict__.items() if not k.startswith("_")})
        obj._state.adding = False

    def save_formset(
        self, request: HttpRequest, form: ModelForm, formset: BaseInlineFormSet, change: bool
    ) -> None:
        created = []
        if formset.model is EvidenceSource:
            for source_form in formset.extra_forms:
                if not source_form.has_changed():
                    continue
                data = source_form.cleaned_data
                created.append(
                    publishing.source_add(
                        verdict_id=form.instance.pk,
                        user=request.user,
                        url=data["url"],
                        title=data.get("title") or "",
                        publisher=data.get("publisher") or "",
                        stance=data["stance"],
                        quote=data.get("quote") or "",
                        date=data.get("date"),
                    )
                )
        # What the admin's change message reads; nothing is saved through the formset itself.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = created, [], []
