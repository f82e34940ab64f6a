"""The correction page: one editor drafts, another approves; the author's approve is refused
in words, also when posted by hand; a refused save keeps what was typed and says why."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from reviews import workflow
from reviews.models import ReviewItem, Verdict
from reviews.services.queue import demo_accounts_ensure
from tests.api import helpers as h
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NOTE = "We first wrote that crime did not fall; it fell by a third."


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


@pytest.fixture
def editors() -> tuple[Client, Client]:
    demo_accounts_ensure(password="pw")
    first = Client()
    assert first.login(username="editor", password="pw")
    second = UserFactory(username="second-editor")
    second.groups.add(Group.objects.get(name="Editor"))
    return first, _client(second)


def _messages(response: object) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]  # type: ignore[attr-defined]


def _form(**changes: str) -> dict[str, str]:
    return {
        "claim_reviewed": "Crime fell by half in 2024.",
        "claimant": "",
        "claimant_kind": "unattributed",
        "rating": "mostly_false",
        "explanation": "Crime fell by a third.",
        "summary": "",
        "correction_note": NOTE,
        "source-TOTAL_FORMS": "2",
        "source-INITIAL_FORMS": "0",
        **changes,
    }


def test_a_correction_drafted_by_one_editor_is_published_by_another(
    editors: tuple[Client, Client],
) -> None:
    first, second = editors
    item = h.published("Crime fell by half.")
    url = reverse("admin:reviews_reviewitem_correct", args=[item.pk])
    assert (
        url.encode()
        in first.get(reverse("admin:reviews_reviewitem_change", args=[item.pk])).content
    )
    assert b"Crime fell by half" in first.get(url).content

    saved = first.post(
        url,
        _form(
            **{
                "source-0-url": "https://police.example.org/report",
                "source-0-title": "Police report",
                "source-0-stance": "refutes",
            }
        ),
    )
    assert saved.status_code == 302 and "Another editor approves it" in " ".join(_messages(saved))
    own = first.get(url)
    assert b'id="approve-correction"' not in own.content
    assert b"you drafted this correction, so another editor approves it" in own.content.lower()
    claim_page = second.get(reverse("admin:reviews_reviewitem_change", args=[item.pk]))
    assert b'id="correction-awaiting"' in claim_page.content
    # The approving editor sees the corrected page and ClaimReview before they are published.
    review = second.get(url).content.decode()
    assert 'id="preview-page"' in review and 'id="approve-correction"' in review
    # Sources not archived: the approving editor is told, and may still publish.
    assert 'id="archive-warning"' in review and "2 of the 3 sources are not archived" in review
    preview = second.get(reverse("admin:reviews_reviewitem_preview_json", args=[item.pk])).json()
    assert preview["claimReviewed"] == "Crime fell by half in 2024."
    assert preview["reviewRating"]["alternateName"] == "Mostly false"
    page = second.get(reverse("admin:reviews_reviewitem_preview", args=[item.pk])).content.decode()
    assert NOTE in page

    approved = second.post(reverse("admin:reviews_reviewitem_correction_approve", args=[item.pk]))

    assert _messages(approved) == [
        "The correction is published. 2 of the 3 sources are not archived "
        "(2 waiting to be archived)."
    ]
    item.refresh_from_db()
    assert item.status == workflow.CORRECTED
    current = item.verdicts.get(version=2)
    assert current.sources.count() == 3 and current.correction_note == NOTE


def test_the_editor_who_drafted_a_correction_cannot_approve_it_even_by_a_crafted_post(
    editors: tuple[Client, Client],
) -> None:
    first, _ = editors
    item = h.published("Crime fell by half.")
    first.post(reverse("admin:reviews_reviewitem_correct", args=[item.pk]), _form())

    refused = first.post(reverse("admin:reviews_reviewitem_correction_approve", args=[item.pk]))

    assert (
        "a correction needs a second pair of eyes: you drafted it, so another editor approves it"
        in _messages(refused)
    )
    assert ReviewItem.objects.get(pk=item.pk).status == workflow.PUBLISHED
    assert Verdict.objects.get(review_item=item, version=2).published_at is None


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"correction_note": " "}, "This field is required."),
        (
            {"claimant": "Mayor Ruiz", "claimant_kind": "unattributed"},
            "an unattributed claim names nobody",
        ),
        (
            {"source-0-url": "https://stats.example.org/x", "source-0-title": "Stats office"},
            "Say whether the source supports, refutes or gives context.",
        ),
        ({"source-0-title": "Stats office", "source-0-quote": "Crime fell."}, "Give the source"),
    ],
)
def test_a_refused_correction_keeps_what_was_typed_and_says_why(
    editors: tuple[Client, Client], changes: dict[str, str], reason: str
) -> None:
    first, _ = editors
    item = h.published("Crime fell by half.")

    response = first.post(
        reverse("admin:reviews_reviewitem_correct", args=[item.pk]),
        _form(explanation="Typed with care: crime fell by a third.", **changes),
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "Typed with care: crime fell by a third." in html
    assert reason in html.replace("&#x27;", "'")
    for value in changes.values():
        assert value.strip() == "" or value in html
    assert item.verdicts.count() == 1


def test_a_source_the_service_refuses_undoes_the_whole_save_and_keeps_the_form(
    editors: tuple[Client, Client],
) -> None:
    first, _ = editors
    item = h.published("Crime fell by half.")

    response = first.post(
        reverse("admin:reviews_reviewitem_correct", args=[item.pk]),
        _form(**{"source-0-url": "https://x.example.org/a", "source-0-stance": "invented"}),
    )

    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert NOTE in response.content.decode()
    assert item.verdicts.count() == 1


def test_a_reviewer_cannot_correct_a_published_verdict() -> None:
    demo_accounts_ensure(password="pw")
    reviewer = Client()
    assert reviewer.login(username="reviewer", password="pw")
    item = h.published("Crime fell by half.")
    url = reverse("admin:reviews_reviewitem_correct", args=[item.pk])
    page = reviewer.get(reverse("admin:reviews_reviewitem_change", args=[item.pk]))
    assert b'id="correct-verdict"' not in page.content
    form = reviewer.get(url)
    assert form.status_code == 302 and "Only editors correct published verdicts." in _messages(form)

    response = reviewer.post(url, _form())

    assert response.status_code == 200
    assert response.content.count(b"may not approve or correct verdicts") == 1
    approve = reviewer.post(reverse("admin:reviews_reviewitem_correction_approve", args=[item.pk]))
    assert "Only editors approve corrections." in _messages(approve)
    assert item.verdicts.count() == 1
