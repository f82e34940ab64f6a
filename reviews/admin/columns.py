"""The queue's columns: what a reviewer takes in at a glance.

Each cell is built with `format_html`, not through a template: a template per cell of a 50-row
page costs more than the page's query (bench/review_queue.py). Everything here is read from the
row and the rows joined to it (claim, article, cluster, holder) plus two annotations added by
`queue_annotate`, so the list stays one query.
"""

from __future__ import annotations

from django.contrib import admin
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.text import Truncator

from reviews import workflow
from reviews.models import Cluster, ReviewItem, Verdict
from reviews.priority import band, priority_reasons
from reviews.templatetags.desk import age

# The theme's label colours (django-unfold's utility classes), by meaning.
_LABEL = (
    "inline-block font-semibold rounded-default text-[11px] uppercase whitespace-nowrap "
    "h-6 leading-6 px-2 "
)
LABEL_CLASSES = {
    "info": "bg-blue-100 text-blue-700 dark:bg-blue-500/20 dark:text-blue-400",
    "danger": "bg-red-100 text-red-700 dark:bg-red-500/20 dark:text-red-400",
    "warning": "bg-orange-100 text-orange-700 dark:bg-orange-500/20 dark:text-orange-400",
    "success": "bg-green-100 text-green-700 dark:bg-green-500/20 dark:text-green-400",
    "primary": "bg-primary-100 text-primary-700 dark:bg-primary-500/20 dark:text-primary-400",
    "": "bg-base-500/8 text-base-700 dark:bg-base-500/20 dark:text-base-200",
}
STATUS_COLOURS = {
    workflow.PENDING: "",
    workflow.IN_REVIEW: "info",
    workflow.AWAITING_APPROVAL: "warning",
    workflow.PUBLISHED: "success",
    workflow.CORRECTED: "success",
    workflow.REJECTED: "danger",
}
BAND_COLOURS = {"high": "primary", "medium": "info", "low": ""}
# How much of the article's sentence the queue shows under a reworded claim.
SENTENCE_CHARS = 60


def label(text: str, colour: str = "", *, css_class: str = "", title: str = "") -> SafeString:
    """A coloured label, as the theme draws them."""
    return format_html(
        '<span class="{}{} {}" title="{}">{}</span>',
        _LABEL,
        LABEL_CLASSES[colour],
        css_class,
        title,
        text,
    )


def queue_annotate(queryset: QuerySet[ReviewItem], request: HttpRequest) -> QuerySet[ReviewItem]:
    """The two per-row facts the list needs beyond the joined rows: sent back, and to whom."""
    sent_back = Verdict.objects.filter(
        review_item=OuterRef("pk"), published_at__isnull=True
    ).exclude(editor_note="")
    return queryset.annotate(
        returned=ExpressionWrapper(
            Q(status=workflow.IN_REVIEW) & Q(Exists(sent_back)), output_field=BooleanField()
        ),
        held_by_me=ExpressionWrapper(Q(assigned_to=request.user.pk), output_field=BooleanField()),
    )


def _cluster(item: ReviewItem) -> Cluster | None:
    member = getattr(item.claim, "membership", None)
    return member.cluster if member is not None else None


QUOTE_MARKS = "\"“‘'«„"


class QueueColumns:
    """The list's columns, for ReviewItemAdmin."""

    @admin.display(description="Claim")
    def claim_text(self, obj: ReviewItem) -> SafeString:
        claim = obj.claim
        claimant = claim.claimant.strip() or claim.speaker
        said_by = f"{claimant} · " if claimant else ""
        # The claim as checked leads; the article's own sentence stays in sight beneath it,
        # cut short to keep the row's height (the whole sentence is the title of both lines).
        # A sentence that opens with a quotation (most quotes do) is not quoted twice.
        quoted = claim.text.lstrip()[:1] in QUOTE_MARKS
        sentence = (
            format_html(
                '<span class="queue-sentence block text-xs text-font-subtle-light '
                'dark:text-font-subtle-dark" title="{}">The article: {}{}{}</span>',
                claim.text,
                "" if quoted else "“",
                Truncator(claim.text).chars(SENTENCE_CHARS),
                "" if quoted else "”",
            )
            if claim.as_checked != claim.text
            else ""
        )
        return format_html(
            '<span class="queue-claim" title="{}">{}</span>{}'
            '<span class="queue-source block text-xs text-font-subtle-light '
            'dark:text-font-subtle-dark">{}{}</span>',
            claim.text,
            claim.as_checked,
            sentence,
            said_by,
            claim.article,
        )

    @admin.display(description="Check-worthiness")
    def band_column(self, obj: ReviewItem) -> SafeString:
        name = band(obj.score)
        return label(name, BAND_COLOURS[name], css_class="queue-band", title=f"{obj.score:.2f}")

    # Not sortable: ordering 100,000 items by a joined column takes a second.
    @admin.display(description="First seen")
    def first_seen(self, obj: ReviewItem) -> SafeString | str:
        cluster = _cluster(obj)
        if cluster is None:
            return age(obj.created_at)
        return format_html(
            '<span title="{}">{}</span>',
            f"{cluster.first_seen_at:%Y-%m-%d %H:%M}",
            age(cluster.first_seen_at),
        )

    # Not sortable, as above; the priority already weighs repetition.
    # "Articles": how many articles make the claim, in a heading narrow enough to leave the
    # claim its width.
    @admin.display(description="Articles")
    def appearances(self, obj: ReviewItem) -> int:
        cluster = _cluster(obj)
        return cluster.appearance_count if cluster else 1

    @admin.display(description="Status")
    def status_column(self, obj: ReviewItem) -> SafeString:
        return label(
            obj.get_status_display(), STATUS_COLOURS.get(obj.status, ""), css_class="queue-status"
        )

    @admin.display(description="Due", ordering="due_on")
    def due_column(self, obj: ReviewItem) -> SafeString | str:
        if obj.due_on is None:
            return "–"
        today = timezone.localdate()
        if obj.status in workflow.OPEN and obj.due_on < today:
            flag = label("overdue", "danger", css_class="queue-overdue")
        elif obj.status in workflow.OPEN and obj.due_on == today:
            flag = label("today", "warning", css_class="queue-due-today")
        else:
            flag = ""
        return format_html("{} {}", f"{obj.due_on:%d %b}", flag)

    @admin.display(description="Assigned to")
    def assigned_column(self, obj: ReviewItem) -> SafeString | str:
        holder = obj.assigned_to.get_username() if obj.assigned_to else "–"
        if not getattr(obj, "returned", False):
            return holder
        # An editor sent the verdict back: its holder has work waiting on them.
        if getattr(obj, "held_by_me", False):
            flag = label("returned to you", "warning", css_class="queue-returned")
        else:
            flag = label("returned", "warning", css_class="queue-returned")
        return format_html("{} {}", holder, flag)

    # The stored number orders the queue; a reviewer reads why, not 170.49.
    @admin.display(description="Why here", ordering="priority")
    def queue_priority(self, obj: ReviewItem) -> SafeString:
        cluster = _cluster(obj)
        reasons = priority_reasons(
            score=obj.score,
            appearances=cluster.appearance_count if cluster else 1,
            first_seen=cluster.first_seen_at if cluster else None,
            last_seen=cluster.last_seen_at if cluster else obj.last_seen_at,
        )
        return format_html(
            '<span class="queue-reasons" title="priority {}">{}</span>',
            f"{obj.priority:.2f}",
            "; ".join(reasons),
        )
