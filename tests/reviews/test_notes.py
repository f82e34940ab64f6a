"""Notes: a thread per claim for reviewers and editors, with @mentions; refused notes keep
their text and say why."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from reviews.models import Note, Notification
from reviews.services.notes import NoteError, mentions_of, note_add
from reviews.services.queue import demo_accounts_ensure
from tests.api import helpers as h
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk() -> dict[str, object]:
    demo_accounts_ensure(password="pw")
    from django.contrib.auth import get_user_model

    users = get_user_model().objects
    return {"reviewer": users.get(username="reviewer"), "editor": users.get(username="editor")}


def test_mentions_are_user_names_after_an_at_sign_not_email_addresses() -> None:
    text = "@editor, can you check? Mail stats@office.example.org or ask @ana.b. Thanks @editor"
    assert mentions_of(text) == ["editor", "ana.b"]


def test_a_note_with_a_mention_notifies_the_mentioned_user_only(desk: dict) -> None:
    item = h.queued("Rents rose 40 percent in 2025.")

    note = note_add(
        item_id=item.pk, author=desk["reviewer"], text="@editor is the index the 2025 one?"
    )

    assert list(note.mentioned.all()) == [desk["editor"]]
    (notification,) = Notification.objects.all()
    assert notification.user == desk["editor"] and notification.kind == "mention"
    assert notification.note == note and notification.actor == desk["reviewer"]
    assert "reviewer mentioned you in a note on: Rents rose 40 percent" in notification.message


def test_a_note_refuses_unknown_names_empty_text_and_outsiders(desk: dict) -> None:
    item = h.queued("Rents rose 40 percent in 2025.")

    with pytest.raises(NoteError, match="nobody on the desk is called @bob"):
        note_add(item_id=item.pk, author=desk["reviewer"], text="@bob have a look")
    with pytest.raises(NoteError, match="the note is empty"):
        note_add(item_id=item.pk, author=desk["reviewer"], text="  ")
    with pytest.raises(NoteError, match="only reviewers and editors"):
        note_add(item_id=item.pk, author=UserFactory(), text="Hello")

    assert not Note.objects.exists() and not Notification.objects.exists()


def test_the_thread_is_on_the_claim_page_and_a_note_is_added_from_it(desk: dict) -> None:
    item = h.queued("Rents rose 40 percent in 2025.")
    client = Client()
    client.force_login(desk["reviewer"])
    page = client.get(reverse("admin:reviews_reviewitem_change", args=[item.pk]))
    assert b'id="notes"' in page.content and b"No notes yet." in page.content

    added = client.post(
        reverse("admin:reviews_reviewitem_notes", args=[item.pk]),
        {"text": "Asked @editor <b>for</b> the index."},
    )

    assert added.status_code == 302 and added["Location"].endswith("#notes")
    page = client.get(reverse("admin:reviews_reviewitem_change", args=[item.pk])).content.decode()
    assert '<strong class="note-mention">@editor</strong>' in page
    assert "&lt;b&gt;for&lt;/b&gt;" in page  # escaped, never markup


def test_with_htmx_the_view_answers_the_thread_alone(desk: dict) -> None:
    item = h.queued("Rents rose 40 percent in 2025.")
    client = Client()
    client.force_login(desk["editor"])

    response = client.post(
        reverse("admin:reviews_reviewitem_notes", args=[item.pk]),
        {"text": "Looks right to me."},
        headers={"HX-Request": "true"},
    )

    html = response.content.decode()
    assert response.status_code == 200 and html.lstrip().startswith("<section")
    assert "Looks right to me." in html and "<html" not in html


@pytest.mark.parametrize("htmx", [True, False])
def test_a_refused_note_keeps_its_text_and_says_why(desk: dict, htmx: bool) -> None:
    item = h.queued("Rents rose 40 percent in 2025.")
    client = Client()
    client.force_login(desk["reviewer"])

    response = client.post(
        reverse("admin:reviews_reviewitem_notes", args=[item.pk]),
        {"text": "@nobody please check the 2025 index"},
        headers={"HX-Request": "true"} if htmx else {},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Not added: nobody on the desk is called @nobody" in html
    assert "@nobody please check the 2025 index</textarea>" in html
    assert not Note.objects.exists()
