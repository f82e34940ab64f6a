"""Writes for the publishing path: drafting a verdict, its sources, the publishing gate and
four-eyes approval (corrections: reviews.services.corrections). Every state change goes through
`services._move`; each service first locks the review item's row, so two editors acting on one
claim at once queue up and the second one sees the first one's result."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from reviews import tasks, workflow
from reviews.models import ClaimantKind, EvidenceSource, ReviewItem, Verdict
from reviews.ratings import SNAPSHOT_FIELDS, rating_keys, rating_snapshot
from reviews.services import events, notifications
from reviews.services.queue import _move
from reviews.workflow import TransitionError

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from claims.models import Claim

APPROVE_PERMISSION = "reviews.approve_verdict"


class PublishingError(TransitionError):
    """A verdict the publishing rules refuse: incomplete, unsourced, or the wrong person."""


def _item_locked(item_id: int) -> ReviewItem:
    item = ReviewItem.objects.select_for_update().filter(pk=item_id).first()
    if item is None:
        raise TransitionError(f"there is no claim {item_id} in the review queue")
    return item


def _draft(item: ReviewItem) -> Verdict | None:
    return item.verdicts.filter(published_at__isnull=True).first()


def _check_holder(item: ReviewItem, user: User) -> None:
    if item.status != workflow.IN_REVIEW:
        raise PublishingError(f"claim {item.pk} is {workflow.label(item.status)}, not in review")
    if item.assigned_to_id != user.pk:
        raise PublishingError(f"only the reviewer holding claim {item.pk} may edit its verdict")


def _check_may_edit(item: ReviewItem, user: User) -> None:
    """The draft of a claim in review is its holder's; a correction's is any editor's."""
    if item.status in workflow.CHECKED:
        _check_editor(user)
    else:
        _check_holder(item, user)
        _hold_renew(item)


def _hold_renew(item: ReviewItem) -> None:
    # Working on the draft keeps the claim: a hold lapses after FACTCHECK_HOLD_SECONDS without
    # a save, not after that long in all (a long check would go back to the queue mid-work).
    ReviewItem.objects.filter(pk=item.pk).update(assigned_at=timezone.now())


def _check_editor(editor: User) -> None:
    if not editor.has_perm(APPROVE_PERMISSION):  # type: ignore[attr-defined]
        raise PublishingError(f"{editor.get_username()} may not approve or correct verdicts")


def _check_rating(rating: str) -> None:
    if not rating:
        return
    keys = rating_keys()
    if rating not in keys:
        raise PublishingError(
            f"{rating!r} is not a rating of the scale in use; use one of {', '.join(keys)}"
        )


def _rating_fix(verdict: Verdict) -> None:
    """Copy the scale's name and values of the verdict's rating onto it, as it is published."""
    if not rating_snapshot(verdict):
        raise PublishingError(
            f"the rating {verdict.rating!r} is no longer on the rating scale in use; "
            "the verdict needs another rating"
        )


def claim_as_checked_proposal(claim: Claim) -> tuple[str, str, str]:
    """The pipeline's claim as checked: wording (else the sentence), claimant and its kind.

    Never the outlet: with no claimant found the claim is unattributed."""
    claimant = claim.claimant.strip()
    if not claimant:
        kind = ClaimantKind.UNATTRIBUTED
    elif claim.claimant_kind == ClaimantKind.ORGANIZATION:
        kind = ClaimantKind.ORGANIZATION
    else:
        kind = ClaimantKind.PERSON
    return (claim.standalone.strip() or claim.text), claimant, kind


def _check_claim_as_checked(claim_reviewed: str, claimant: str, kind: str) -> None:
    if kind not in ClaimantKind.values:
        raise PublishingError(
            f"{kind!r} is not a kind of claimant; use one of {', '.join(ClaimantKind.values)}"
        )
    if "\x00" in claim_reviewed + claimant:
        raise PublishingError("the claim or claimant holds a NUL character; write it again")
    if len(claimant) > Verdict._meta.get_field("claimant").max_length:  # type: ignore[operator]
        raise PublishingError("the claimant's name is longer than 300 characters")
    if kind == ClaimantKind.UNATTRIBUTED and claimant:
        raise PublishingError(
            "an unattributed claim names nobody: clear the claimant, "
            "or say whether it is a person or an organization"
        )
    if kind != ClaimantKind.UNATTRIBUTED and not claimant:
        raise PublishingError(
            f"say which {ClaimantKind(kind).label.lower()} made the claim, or mark it unattributed"
        )


def _next_version(item: ReviewItem) -> int:
    latest = item.verdicts.aggregate(latest=Max("version"))["latest"]
    return (latest or 0) + 1


def verdict_gate_problems(*, verdict: Verdict) -> list[str]:
    """What stops this verdict from going to an editor; empty when it may go."""
    problems = []
    if not verdict.claim_reviewed.strip():
        problems.append("the claim as checked is empty")
    if not verdict.rating:
        problems.append("the verdict has no rating")
    if not verdict.explanation.strip():
        problems.append("the verdict has no explanation")
    min_sources = settings.FACTCHECK_MIN_SOURCES
    count = verdict.sources.count()
    if count < min_sources:
        problems.append(f"the verdict cites {count} source(s); it needs at least {min_sources}")
    return problems


def verdict_save(
    *,
    item_id: int,
    user: User,
    rating: str,
    explanation: str,
    summary: str,
    claim_reviewed: str | None = None,
    claimant: str | None = None,
    claimant_kind: str | None = None,
) -> Verdict:
    """Create or update the draft verdict of a claim the user holds.

    A new draft starts from the pipeline's claim as checked; the claim as checked and the
    claimant left as None keep what the draft has."""
    _check_rating(rating)
    with transaction.atomic():
        item = _item_locked(item_id)
        _check_holder(item, user)
        _hold_renew(item)
        verdict = _draft(item)
        if verdict is None:
            verdict = Verdict(review_item=item, version=_next_version(item))
            (verdict.claim_reviewed, verdict.claimant, verdict.claimant_kind) = (
                claim_as_checked_proposal(item.claim)
            )
        if claim_reviewed is not None:
            verdict.claim_reviewed = claim_reviewed.strip()
        if claimant is not None:
            verdict.claimant = claimant.strip()
        if claimant_kind is not None:
            verdict.claimant_kind = claimant_kind
        _check_claim_as_checked(verdict.claim_reviewed, verdict.claimant, verdict.claimant_kind)
        # Whoever last wrote the draft is its author, and so may not approve it.
        verdict.author = user
        verdict._history_user = user  # type: ignore[attr-defined]
        verdict.rating = rating
        _rating_fix(verdict)
        verdict.explanation = explanation
        verdict.summary = summary
        verdict.save()
        return verdict


def source_add(
    *,
    verdict_id: int,
    user: User,
    url: str,
    title: str,
    publisher: str,
    stance: str,
    quote: str,
    date: datetime.date | None = None,
    archive: bool = True,
) -> EvidenceSource:
    """Cite a source in a draft: of a claim the user holds, or an editor's correction; then
    archive its text."""
    if stance not in EvidenceSource.Stance.values:
        raise PublishingError(
            f"{stance!r} is not a stance; use one of {', '.join(EvidenceSource.Stance.values)}"
        )
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError as error:
        raise PublishingError(f"{url!r} is not a web address") from error
    item_id = Verdict.objects.filter(pk=verdict_id).values_list("review_item_id", flat=True).first()
    if item_id is None:
        raise PublishingError(f"there is no verdict {verdict_id}")
    with transaction.atomic():
        item = _item_locked(item_id)
        _check_may_edit(item, user)
        verdict = _draft(item)
        if verdict is None or verdict.pk != verdict_id:
            raise PublishingError(f"verdict {verdict_id} is published; sources are fixed")
        source = EvidenceSource(
            verdict=verdict,
            url=url,
            title=title,
            publisher=publisher,
            stance=stance,
            quote=quote,
            date=date,
        )
        source._history_user = user  # type: ignore[attr-defined]
        source.save()
        if archive:
            # robust: a broker outage must not undo or fail the citation itself.
            transaction.on_commit(lambda: tasks.evidence_archive.delay(source.pk), robust=True)
        return source


def source_remove(*, source_id: int, user: User) -> None:
    """Take a source out of a draft (a claim the user holds, or an editor's correction)."""
    item_id = (
        EvidenceSource.objects.filter(pk=source_id)
        .values_list("verdict__review_item_id", flat=True)
        .first()
    )
    if item_id is None:
        raise PublishingError(f"there is no source {source_id}")
    with transaction.atomic():
        item = _item_locked(item_id)
        _check_may_edit(item, user)
        source = EvidenceSource.objects.filter(pk=source_id, verdict__published_at__isnull=True)
        found = source.first()
        if found is None:
            raise PublishingError("the source is cited by a published version; sources are fixed")
        found._history_user = user  # type: ignore[attr-defined]
        found.delete()


def verdict_submit(*, item_id: int, user: User) -> ReviewItem:
    """Send the holder's draft to an editor, if it passes the publishing gate."""
    with transaction.atomic():
        item = _item_locked(item_id)
        _check_holder(item, user)
        verdict = _draft(item)
        if verdict is None:
            raise PublishingError(f"claim {item_id} has no verdict to submit")
        problems = verdict_gate_problems(verdict=verdict)
        if problems:
            raise PublishingError(f"claim {item_id} cannot be submitted: {'; '.join(problems)}")
        # The reviewer stays assigned, so a send-back returns the claim to them.
        return _move(
            item_id,
            workflow.AWAITING_APPROVAL,
            by=user,
            only_if=Q(status=workflow.IN_REVIEW, assigned_to=user),
        )


def verdict_approve(*, item_id: int, editor: User) -> Verdict:
    """Publish a submitted verdict; the approving editor must not be its author."""
    _check_editor(editor)
    with transaction.atomic():
        item = _item_locked(item_id)
        workflow.check_transition(item.status, workflow.PUBLISHED)
        verdict = _draft(item)
        if verdict is None:
            raise PublishingError(f"claim {item_id} has no verdict to approve")
        if verdict.author_id == editor.pk:
            raise PublishingError(
                "a verdict needs a second pair of eyes: its author cannot approve it"
            )
        # Again at the last step: nothing reaches readers without passing the gate, and the
        # minimum number of sources may have been raised since the draft was submitted.
        problems = verdict_gate_problems(verdict=verdict)
        if problems:
            raise PublishingError(f"claim {item_id} cannot be published: {'; '.join(problems)}")
        # The rating as the scale defines it now, fixed from here on.
        _rating_fix(verdict)
        moved = _move(
            item_id, workflow.PUBLISHED, by=editor, only_if=Q(status=workflow.AWAITING_APPROVAL)
        )
        now = timezone.now()
        verdict._history_user = editor  # type: ignore[attr-defined]
        verdict.approved_by = editor
        verdict.approved_at = now
        verdict.published_at = now
        verdict.save(update_fields=["approved_by", "approved_at", "published_at", *SNAPSHOT_FIELDS])
        events.fact_check_changed(verdict=verdict, event=events.PUBLISHED)
        notifications.notify(
            users=[verdict.author],
            kind=notifications.Kind.APPROVED,
            item=moved,
            actor=editor,
            message=f"{editor.get_username()} approved your verdict; it is published: "
            f"{notifications.claim_words(moved)}",
        )
        return verdict


def verdict_send_back(*, item_id: int, editor: User, note: str) -> ReviewItem:
    """Return a submitted verdict to its reviewer with the editor's reasons."""
    _check_editor(editor)
    if not note.strip():
        raise PublishingError("say why the verdict goes back: the note is empty")
    if "\x00" in note:  # the admin view posts it without a form; PostgreSQL refuses NUL
        raise PublishingError("the note holds a NUL character; write it again")
    with transaction.atomic():
        item = _item_locked(item_id)
        # A fresh hold, so the reviewer's claim does not lapse back into the queue at once.
        moved = _move(
            item_id,
            workflow.IN_REVIEW,
            by=editor,
            only_if=Q(status=workflow.AWAITING_APPROVAL),
            assigned_at=timezone.now(),
        )
        draft = _draft(item)
        if draft is not None:
            # Saved, not updated in bulk, so the note is in the verdict's history.
            draft._history_user = editor  # type: ignore[attr-defined]
            draft.editor_note = note
            draft.save(update_fields=["editor_note"])
        notifications.notify(
            users=[moved.assigned_to],
            kind=notifications.Kind.SENT_BACK,
            item=moved,
            actor=editor,
            message=f"{editor.get_username()} sent your verdict back: {note.strip()}",
        )
        return moved
