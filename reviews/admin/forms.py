"""Forms of the queue's own pages: bulk assign, bulk reject with a note, due dates, the
correction draft, and the claim workspace's verdict and new source."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from reviews.admin.ratings import RatingField
from reviews.models import ClaimantKind, EvidenceSource, ReviewItem
from reviews.services.queue import review_assignees

# A bulk action acts on at most this many claims at once: each is its own checked move.
BULK_LIMIT = 500


class AssignForm(forms.Form):
    assignee = forms.ChoiceField(label="Assign to")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Nobody chosen at first: a preselected first name would take a careless click.
        self.fields["assignee"].choices = [
            ("", "---------"),
            *((user.pk, user.get_username()) for user in review_assignees()),
        ]


class RejectForm(forms.Form):
    # Nobody chosen at first: "not check-worthy" rejections become training data.
    reason = forms.ChoiceField(choices=[("", "---------"), *ReviewItem.RejectionReason.choices])
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3, "cols": 60}), required=False)


class DueForm(forms.Form):
    due_on = forms.DateField(
        label="Due on",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Leave empty to clear the due date.",
    )


class CorrectionForm(forms.Form):
    """A correction's draft: what the published version says, changed, and why."""

    claim_reviewed = forms.CharField(
        label="Claim as checked",
        help_text="The claim in its own words, as readers will see it.",
        widget=forms.Textarea(attrs={"rows": 2, "cols": 80}),
    )
    claimant = forms.CharField(max_length=300, required=False)
    claimant_kind = forms.ChoiceField(
        label="The claimant is", choices=ClaimantKind.choices, widget=forms.RadioSelect
    )
    rating = RatingField()
    explanation = forms.CharField(max_length=300, widget=forms.TextInput(attrs={"size": 80}))
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 6, "cols": 80}), required=False)
    correction_note = forms.CharField(
        label="Public correction note",
        help_text="Shown to readers with the corrected fact-check: what changed and why.",
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
    )
    remove_sources = forms.TypedMultipleChoiceField(
        label="Sources to take out",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, sources: Sequence[EvidenceSource] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["remove_sources"].choices = [
            (source.pk, f"{source.title or source.url} ({source.url})") for source in sources
        ]
        if not sources:
            del self.fields["remove_sources"]


class WorkspaceForm(forms.Form):
    """The claim workspace's verdict: the claim as checked, its claimant, the rating and text."""

    claim_reviewed = forms.CharField(
        label="Claim as checked",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="The claim in words that stand alone, as the fact-check will publish it.",
    )
    claimant = forms.CharField(
        label="Claimant", max_length=300, required=False, help_text="Who made the claim."
    )
    claimant_kind = forms.ChoiceField(
        label="The claimant is",
        choices=ClaimantKind.choices,
        widget=forms.RadioSelect,
        help_text="Unattributed when nobody is named: never the outlet that published the article.",
    )
    rating = RatingField(required=False)
    explanation = forms.CharField(
        max_length=300, required=False, help_text="One sentence: what is right or wrong."
    )
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 6}), required=False)


class SourceForm(forms.Form):
    """A new source for the draft; left empty, none is added."""

    url = forms.URLField(label="Address", max_length=2000, required=False, assume_scheme="https")
    title = forms.CharField(max_length=500, required=False)
    publisher = forms.CharField(max_length=200, required=False)
    date = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    stance = forms.ChoiceField(
        choices=[("", "---------"), *EvidenceSource.Stance.choices], required=False
    )
    quote = forms.CharField(
        label="Quoted passage", widget=forms.Textarea(attrs={"rows": 2}), required=False
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if any(cleaned.get(name) for name in ("url", "title", "publisher", "quote", "date")):
            if not cleaned.get("url"):
                self.add_error("url", "Give the source's address.")
            if not cleaned.get("stance"):
                self.add_error(
                    "stance", "Say whether the source supports, refutes or gives context."
                )
        return cleaned

    @property
    def is_blank(self) -> bool:
        return not any(self.cleaned_data.get(name) for name in ("url", "title", "quote"))


# The correction page's new sources: two blank ones.
NewSourceFormSet = forms.formset_factory(SourceForm, extra=2)
