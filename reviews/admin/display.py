"""What the queue's pages show: the claim in its article, its appearances, its sources."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlsplit

from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from reviews.models import ClusterMember, FactCheckSuggestion, ReviewItem, Verdict
from reviews.workspace import already_checked, archive_state

# How much of the article to show on each side of the claim.
CONTEXT_CHARS = 700
# A claim repeated in more articles than this lists the most recent ones.
APPEARANCES_SHOWN = 200


def claim_in_context(item: ReviewItem) -> SafeString:
    claim = item.claim
    text = claim.article.clean_text
    first = max(0, claim.start - CONTEXT_CHARS)
    last = claim.end + CONTEXT_CHARS
    # An ellipsis only where the article goes on: at its start or end there is nothing more.
    return format_html(
        '<div id="claim-context" style="white-space: pre-wrap; max-width: 60em">'
        '{}{}<mark id="claim">{}</mark>{}{}</div>',
        "…" if first > 0 else "",
        text[first : claim.start],
        text[claim.start : claim.end] or claim.text,
        text[claim.end : last],
        "…" if last < len(text) else "",
    )


def appearances_table(item: ReviewItem) -> SafeString | str:
    """Every article that makes this claim, linked, most recently extracted first."""
    member = getattr(item.claim, "membership", None)
    if member is None:
        return "only here"
    appearances = [
        appearance.claim
        for appearance in ClusterMember.objects.filter(cluster_id=member.cluster_id)
        .select_related("claim__article__publisher")
        # Newest extracted first: one range of the (cluster, claim) index however widely the
        # claim spread.
        .order_by("-claim_id")[:APPEARANCES_SHOWN]
    ]
    # Two columns, the article's particulars stacked in the first, so that the table fits the
    # narrow card beside the verdict form.
    rows = format_html_join(
        "",
        '<tr><td><a href="{}">{}</a><span class="appearance-meta">{}{}{}</span></td>'
        "<td>{}</td></tr>",
        (
            (
                reverse("admin:claims_article_change", args=[a.article_id]),
                a.article,
                _appearance_date(a.article.published_at, a.article.received_at),
                f" · {a.article.outlet}" if a.article.outlet else "",
                _address_link(a.article.url),
                a.text,
            )
            for a in appearances
        ),
    )
    total = member.cluster.appearance_count
    note = (
        format_html("<p>The {} most recent of {} appearances.</p>", len(appearances), total)
        if total > len(appearances)
        else ""
    )
    # Fixed column widths, words that break anywhere and a box that scrolls keep a long address
    # or wording inside the card instead of drawing over the verdict form beside it.
    return format_html(
        '<div class="desk-table-scroll">'
        '<table id="appearances" class="desk-table desk-table-fixed">'
        '<colgroup><col style="width: 45%"><col></colgroup>'
        "<thead><tr><th>Article</th><th>Wording</th></tr></thead>"
        "<tbody>{}</tbody></table></div>{}",
        rows,
        note,
    )


def _appearance_date(published: datetime | None, received: datetime) -> SafeString:
    """The article's own date; without one, when the desk received it, said as such."""
    if published is not None:
        return format_html("{}", f"{published:%Y-%m-%d}")
    return format_html("received {}", f"{received:%Y-%m-%d}")


def _address_link(url: str) -> SafeString | str:
    """The article's address shortened to its site, the whole address in the link's title."""
    if not url:
        return " · no address"
    site = urlsplit(url).hostname or url
    return format_html(
        ' · <a href="{}" title="{}" rel="noopener noreferrer">{}</a>',
        url,
        url,
        site.removeprefix("www."),
    )


def draft_sources(item: ReviewItem) -> SafeString | str:
    """The draft's sources, or once published the latest published version's."""
    verdict: Verdict | None = item.verdicts.filter(published_at__isnull=True).first()
    heading = ""
    if verdict is None:
        # After publication there is no draft; the sources readers see are the ones to show.
        verdict = item.verdicts.filter(published_at__isnull=False).order_by("-version").first()
        if verdict is None:
            return "no draft verdict"
        heading = f"Published version {verdict.version}:"
    sources = list(verdict.sources.all())
    if not sources:
        return "none cited yet"
    return format_html(
        "{}<ul>{}</ul>",
        heading,
        format_html_join(
            "",
            '<li>{}: <a href="{}" rel="noopener noreferrer">{}</a> ({})</li>',
            (
                (
                    source.get_stance_display(),
                    source.url,
                    source.title or source.url,
                    archive_state(source).words,
                )
                for source in sources
            ),
        ),
    )


def fact_check_suggestions(item: ReviewItem) -> SafeString | str:
    """Fact-checks (published here or imported) the matcher thinks may already answer the claim."""
    candidates = already_checked(item)
    if not candidates:
        return "none"
    cluster_id = item.claim.membership.cluster_id
    rows = [
        (
            f"{c.score:.2f}",
            f" ({c.conflict.lower()})" if c.conflict else "",
            c.claim,
            c.rating,
            c.url or "#",
            c.publisher,
        )
        for c in candidates
    ]
    # The suggestions' own list, narrowed to this cluster's open ones, holds the actions.
    decide_url = reverse("admin:reviews_factchecksuggestion_changelist") + (
        f"?cluster__id__exact={cluster_id}&status__exact={FactCheckSuggestion.Status.SUGGESTED}"
    )
    return format_html(
        '<table class="desk-table"><tr><th>match</th><th>claim checked</th><th>rating</th>'
        "<th>by</th></tr>{}"
        '</table><p><a href="{}">Confirm or reject these suggestions</a></p>',
        format_html_join(
            "",
            '<tr><td>{}{}</td><td>{}</td><td>{}</td><td><a href="{}">{}</a></td></tr>',
            rows,
        ),
        decide_url,
    )
