"""What the desk's empty lists say: what goes there and what to do next (factcheck.empty_states)."""

from __future__ import annotations

from django.contrib.admin.views.main import ChangeList
from django.urls import reverse

from factcheck.empty_states import EmptyState, is_filtered
from reviews.admin.queue import StatusFilter
from reviews.models import ReviewItem

_QUEUE_STATUS = {
    ReviewItem.Status.PENDING: EmptyState(
        "No claims wait for a reviewer",
        "Claims extracted from new articles wait here, best first, until someone takes them.",
    ),
    ReviewItem.Status.IN_REVIEW: EmptyState(
        "No claim is being checked",
        "A claim is in review while a reviewer holds it: from Take next claim until the verdict "
        "is submitted or the claim released.",
    ),
    ReviewItem.Status.AWAITING_APPROVAL: EmptyState(
        "No verdicts await approval",
        "A submitted verdict waits here until an editor other than its author approves and "
        "publishes it, or sends it back with a note.",
    ),
    ReviewItem.Status.PUBLISHED: EmptyState(
        "Nothing published yet",
        "Fact-checks an editor approved are listed here, and on the public pages, feeds and API.",
    ),
    ReviewItem.Status.CORRECTED: EmptyState(
        "No corrected fact-checks",
        "A published fact-check whose correction an editor approved is listed here.",
    ),
    ReviewItem.Status.REJECTED: EmptyState(
        "No rejected claims",
        "Claims rejected with a reason (not check-worthy, duplicate, out of scope, opinion) are "
        "listed here; Reopen puts one back in the queue.",
    ),
}


def queue_empty_state(changelist: ChangeList) -> EmptyState:
    """The review queue's empty state for the filter it shows."""
    params = changelist.params
    everything = ("Show the whole queue", reverse("admin:reviews_reviewitem_changelist"))
    if changelist.query:
        return EmptyState(
            f"No claim matches “{changelist.query}”",
            "The search reads the claims' words (a phrase in quotes, -word to leave a word out) "
            "within the filters chosen. Try other words, or reset the filters.",
        )
    assigned = params.get("assigned")
    if assigned == "me":
        return EmptyState(
            "You hold no claims",
            "A claim you take, or an editor assigns to you, is listed here until you submit its "
            "verdict or release it. Take next claim, at the top of the page, holds the best "
            "claim waiting for you.",
            (everything,),
        )
    if assigned == "returned":
        return EmptyState(
            "Nothing returned to you",
            "When an editor sends a verdict of yours back with a note, its claim is listed here "
            "for you to rework and submit again.",
            (everything,),
        )
    if "due" in params:
        return EmptyState(
            "Nothing due",
            "No open claim has a due date in this range. An editor sets due dates with Set a due "
            "date for selected… in the queue.",
            (everything,),
        )
    status = params.get(StatusFilter.parameter_name, StatusFilter.DEFAULT)
    if status in _QUEUE_STATUS and len(params) == 1:
        return _QUEUE_STATUS[status]
    if is_filtered(changelist) and status != StatusFilter.DEFAULT:
        return EmptyState(
            "No claims match these filters",
            "Reset the filters to see the claims still to do.",
        )
    if is_filtered(changelist):
        return EmptyState(
            "No open claims match these filters",
            "The queue lists the claims still to do; choose a status under Filters to see "
            "published or rejected ones too, or reset the filters.",
        )
    return EmptyState(
        "The queue is empty",
        "Claims arrive here when articles come in: each article is cleaned, its check-worthy "
        "sentences scored and queued, best first. Add an article (an address or pasted text), "
        "or have an editor add a feed the desk polls.",
        (
            ("Add an article", reverse("admin:claims_article_add")),
            ("Feeds", reverse("admin:claims_feed_changelist")),
        ),
    )


def verdicts_empty_state(changelist: ChangeList) -> EmptyState | None:
    """Verdicts are written in a claim's workspace, never here."""
    if is_filtered(changelist):
        return None
    return EmptyState(
        "No verdicts yet",
        "A verdict is written in a claim's workspace: take a claim from the review queue, rate "
        "it, explain it and cite its sources, then submit it to an editor.",
        (("Open the review queue", reverse("admin:reviews_reviewitem_changelist")),),
    )
