"""Corrections through four eyes. An editor drafts a correction of a published fact-check: a
new version that may change the claim as checked, its claimant, the rating, explanation,
summary and sources, and must carry a public correction note. Another editor approves it,
which publishes it; until then it is a draft (an unpublished verdict on the published claim,
at most one by the verdict_one_draft constraint) that nothing published reads. Whoever last
saved the draft is its author, and the author never approves it (the verdict_four_eyes
constraint holds it too)."""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from reviews import workflow
from reviews.models import EvidenceSource, ReviewItem, Verdict
from reviews.ratings import SNAPSHOT_FIELDS
from reviews.services import events, notifications
from reviews.services.publishing import (
    APPROVE_PERMISSION,
    PublishingError,
    _check_claim_as_checked,
    _check_editor,
    _check_rating,
    _draft,
    _item_locked,
    _next_version,
    _rating_fix,
    verdict_gate_problems,
)
from reviews.services.queue import _move

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# What a correction may change besides its sources, and what a new draft starts from.
CORRECTED_FIELDS = (
    "claim_reviewed",
    "claimant",
    "claimant_kind",
    "rating",
    "explanation",
    "summary",
)


def _published(item: ReviewItem) -> Verdict:
    current = item.verdicts.filter(published_at__isnull=False).order_by("-version").first()
    if item.status not in workflow.CHECKED or current is None:
        raise PublishingError(
            f"claim {item.pk} is {workflow.label(item.status)}: only a published fact-check "
            "is corrected"
        )
    return current


def correction_draft_get(*, item_id: int) -> Verdict | None:
    """The correction awaiting approval on a published claim, if there is one."""
    return (
        Verdict.objects.filter(
            review_item_id=item_id,
            published_at__isnull=True,
            review_item__status__in=workflow.CHECKED,
        )
        .select_related("author")
        .first()
    )


def _sources_copy(
    *, source: Verdict, target: Verdict, leave_out: Collection[int], by: User
) -> None:
    bulk_create_with_history(
        [
            EvidenceSource(
                verdict=target,
                url=s.url,
                title=s.title,
                publisher=s.publisher,
                date=s.date,
                stance=s.stance,
                quote=s.quote,
                archived_text=s.archived_text,
                archived_hash=s.archived_hash,
                archived_at=s.archived_at,
                fetch_error=s.fetch_error,
                archive_attempts=s.archive_attempts,
                archive_tried_at=s.archive_tried_at,
            )
            for s in source.sources.order_by("pk")
            if s.pk not in leave_out
        ],
        EvidenceSource,
        default_user=by,
    )


def correction_save(
    *,
    item_id: int,
    editor: User,
    correction_note: str,
    remove_source_ids: Collection[int] = (),
    **fields: Any,
) -> Verdict:
    """Draft (or redraft) the correction of a published fact-check; `fields` are
    CORRECTED_FIELDS, `remove_source_ids` sources of the draft (or, for a new draft, of the
    published version) to leave out."""
    unknown = set(fields) - set(CORRECTED_FIELDS)
    if unknown:
        raise PublishingError(f"a correction does not change {', '.join(sorted(unknown))}")
    _check_editor(editor)
    _check_rating(fields.get("rating", ""))
    if not correction_note.strip():
        raise PublishingError(
            "a correction must tell readers what changed: the public correction note is empty"
        )
    if "\x00" in correction_note:
        raise PublishingError("the correction note holds a NUL character; write it again")
    with transaction.atomic():
        item = _item_locked(item_id)
        current = _published(item)
        draft = _draft(item)
        created = draft is None
        if draft is None:
            draft = Verdict(review_item=item, version=_next_version(item))
            for name in CORRECTED_FIELDS:
                setattr(draft, name, getattr(current, name))
        earlier_author = None if created else draft.author_id
        for name, value in fields.items():
            setattr(draft, name, value.strip() if name in ("claim_reviewed", "claimant") else value)
        _check_claim_as_checked(draft.claim_reviewed, draft.claimant, draft.claimant_kind)
        if not draft.claim_reviewed:
            raise PublishingError("a correction needs the claim as checked: it is empty")
        if not draft.rating or not draft.explanation.strip():
            raise PublishingError("a correction needs a rating and an explanation")
        draft.author = editor
        draft.correction_note = correction_note.strip()
        _rating_fix(draft)
        draft._history_user = editor  # type: ignore[attr-defined]
        draft.save()
        if created:
            _sources_copy(source=current, target=draft, leave_out=set(remove_source_ids), by=editor)
        elif remove_source_ids:
            for source in draft.sources.filter(pk__in=remove_source_ids):
                source._history_user = editor  # type: ignore[attr-defined]
                source.delete()
        if earlier_author != editor.pk:
            # Every other editor may approve it: each is told it waits.
            notifications.notify(
                users=notifications.users_with_permission(APPROVE_PERMISSION),
                kind=notifications.Kind.CORRECTION,
                item=item,
                actor=editor,
                message=f"{editor.get_username()} drafted a correction; it awaits another "
                f"editor's approval: {notifications.claim_words(item)}",
            )
        return draft


def correction_approve(*, item_id: int, editor: User) -> Verdict:
    """Publish the drafted correction; the approving editor must not be its author."""
    _check_editor(editor)
    with transaction.atomic():
        item = _item_locked(item_id)
        _published(item)
        draft = _draft(item)
        if draft is None:
            raise PublishingError(f"claim {item_id} has no correction awaiting approval")
        if draft.author_id == editor.pk:
            raise PublishingError(
                "a correction needs a second pair of eyes: you drafted it, so another editor "
                "approves it"
            )
        problems = verdict_gate_problems(verdict=draft)
        if not draft.correction_note.strip():
            problems.append("the public correction note is empty")
        if problems:
            raise PublishingError(
                f"the correction of claim {item_id} cannot be published: {'; '.join(problems)}"
            )
        _rating_fix(draft)
        moved = _move(
            item_id, workflow.CORRECTED, by=editor, only_if=Q(status__in=workflow.CHECKED)
        )
        now = timezone.now()
        draft._history_user = editor  # type: ignore[attr-defined]
        draft.approved_by = editor
        draft.approved_at = now
        draft.published_at = now
        draft.save(update_fields=["approved_by", "approved_at", "published_at", *SNAPSHOT_FIELDS])
        events.fact_check_changed(verdict=draft, event=events.CORRECTED)
        earlier = item.verdicts.filter(published_at__isnull=False).exclude(pk=draft.pk)
        notifications.notify(
            users=[draft.author, *(v.author for v in earlier.select_related("author"))],
            kind=notifications.Kind.CORRECTION,
            item=moved,
            actor=editor,
            message=f"{editor.get_username()} approved the correction; version {draft.version} "
            f"is published: {notifications.claim_words(moved)}",
        )
        return draft


def correction_discard(*, item_id: int, editor: User) -> None:
    """Drop the drafted correction; the published version stays as it is."""
    _check_editor(editor)
    with transaction.atomic():
        item = _item_locked(item_id)
        _published(item)
        draft = _draft(item)
        if draft is None:
            raise PublishingError(f"claim {item_id} has no correction awaiting approval")
        draft._history_user = editor  # type: ignore[attr-defined]
        draft.delete()
