"""Notes: each claim's thread for reviewers and editors, with @mentions of desk users.

Notes are the desk's own talk: nothing that publishes reads them (reviews.models.notes).
"""

from __future__ import annotations

import re

from django.contrib.auth.models import User
from django.db import transaction

from reviews.models import Note, ReviewItem
from reviews.services.notifications import Kind, claim_words, notify, users_with_permission
from reviews.services.queue import REVIEW_PERMISSION

# @name, where the name is a user name (letters, digits, . + - _) not ending in punctuation;
# "@" inside a word (an email address) is not a mention.
MENTION = re.compile(r"(?<![\w@])@([\w.+-]*\w)")
MAX_LENGTH = 5000


class NoteError(ValueError):
    """A note the desk refuses; the message says why, in words."""


def mentions_of(text: str) -> list[str]:
    """The user names a note's text mentions, in order, once each."""
    return list(dict.fromkeys(MENTION.findall(text)))


def desk_users() -> list[User]:
    """Who may write notes and be mentioned: the reviewers and editors."""
    return list(users_with_permission(REVIEW_PERMISSION).order_by("username"))


def note_add(*, item_id: int, author: User, text: str) -> Note:
    """Add a note to a claim's thread and notify the desk users it mentions."""
    if not author.has_perm(REVIEW_PERMISSION):  # type: ignore[attr-defined]
        raise NoteError("only reviewers and editors write notes")
    text = text.strip()
    if not text:
        raise NoteError("the note is empty: write something first")
    if len(text) > MAX_LENGTH:
        raise NoteError(f"the note is {len(text)} characters long; keep it under {MAX_LENGTH}")
    if "\x00" in text:
        raise NoteError("the note holds a NUL character; write it again")
    names = mentions_of(text)
    by_name = {
        u.get_username(): u
        for u in users_with_permission(REVIEW_PERMISSION).filter(username__in=names)
    }
    unknown = [name for name in names if name not in by_name]
    if unknown:
        listed = ", ".join(f"@{name}" for name in unknown)
        raise NoteError(
            f"nobody on the desk is called {listed}: mention reviewers and editors by their "
            "user name"
        )
    with transaction.atomic():
        item = ReviewItem.objects.select_related("claim").filter(pk=item_id).first()
        if item is None:
            raise NoteError(f"there is no claim {item_id}")
        note = Note.objects.create(review_item=item, author=author, text=text)
        mentioned = [by_name[name] for name in names]
        note.mentioned.set(mentioned)
        notify(
            users=mentioned,
            kind=Kind.MENTION,
            item=item,
            actor=author,
            message=f"{author.get_username()} mentioned you in a note on: {claim_words(item)}",
            note=note,
        )
    return note


def notes_of(*, item_id: int) -> list[Note]:
    """A claim's thread, oldest first."""
    return list(
        Note.objects.filter(review_item_id=item_id)
        .select_related("author")
        .order_by("created_at", "pk")
    )
