"""Forms of the queue's own pages: bulk assign, bulk reject with a note, correction."""

from __future__ import annotations

from typing import Any

from django import forms

from reviews.models import ReviewItem, Verdict
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


class CorrectionForm(forms.Form):
    rating = forms.ChoiceField(choices=Verdict.Rating.choices)
    explanation = forms.CharField(max_length=300, widget=forms.TextInput(attrs={"size": 80}))
    summary = forms.CharField(widget=forms.Textarea(attrs={"rows": 6, "cols": 80}), required=False)
    correction_note = forms.CharField(
        label="Public correction note",
        help_text="Shown to readers with the corrected verdict: what changed and why.",
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
    )
