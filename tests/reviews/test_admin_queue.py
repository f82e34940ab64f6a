"""The queue in Django admin calls the same services: take next, take, release, reject."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from reviews import workflow
from reviews.models import ReviewItem
from reviews.services import queue as services
from tests.factories import ClaimFactory, ReviewItemFactory, UserFactory


def test_take_next_button_holds_the_best_claim_and_opens_it(reviewer_client: Client) -> None:
    ReviewItemFactory(claim=ClaimFactory(score=0.6))
    best = ReviewItemFactory(claim=ClaimFactory(score=0.95))

    queue = reviewer_client.get(reverse("admin:reviews_reviewitem_changelist"))
    assert b'id="take-next"' in queue.content
    response = reviewer_client.post(reverse("admin:reviews_reviewitem_take_next"))

    assert response.status_code == 302
    assert response["Location"] == reverse("admin:reviews_reviewitem_work", args=[best.pk])
    best.refresh_from_db()
    assert best.status == workflow.IN_REVIEW and best.assigned_to.username == "reviewer"


def test_bulk_reject_as_duplicate_records_the_reason(reviewer_client: Client) -> None:
    items = [ReviewItemFactory() for _ in range(3)]

    response = reviewer_client.post(
        reverse("admin:reviews_reviewitem_changelist"),
        {"action": "reject_duplicate", "_selected_action": [i.pk for i in items[:2]]},
    )

    assert response.status_code == 302
    statuses = dict(ReviewItem.objects.values_list("pk", "rejection_reason"))
    assert [statuses[i.pk] for i in items] == ["duplicate", "duplicate", ""]


def test_a_refused_action_is_reported_not_raised(reviewer_client: Client) -> None:
    item = ReviewItemFactory()
    reviewer_client.post(
        reverse("admin:reviews_reviewitem_changelist"),
        {"action": "reject_opinion", "_selected_action": [item.pk]},
    )

    response = reviewer_client.post(
        reverse("admin:reviews_reviewitem_changelist"),
        {"action": "take", "_selected_action": [item.pk]},
        follow=True,
    )

    assert response.status_code == 200
    assert b"cannot go from rejected to in review" in response.content


def test_the_claim_page_shows_the_claim_highlighted_in_its_article(
    reviewer_client: Client,
) -> None:
    text = "Before it. The mayor said rents rose 40 percent in 2025. After it."
    claim = ClaimFactory(text="The mayor said rents rose 40 percent in 2025.", start=11, end=56)
    claim.article.clean_text = text
    claim.article.save()
    item = ReviewItemFactory(claim=claim)

    page = reviewer_client.get(reverse("admin:reviews_reviewitem_change", args=[item.pk]))

    assert page.status_code == 200
    # The whole article is shown, so no ellipsis says there is more of it.
    assert (
        b'60em">Before it. <mark id="claim">The mayor said rents rose 40 percent in 2025.</mark>'
        b" After it.</div>" in page.content
    )


def test_the_claim_page_shows_fact_checks_that_may_already_answer_it(
    reviewer_client: Client,
) -> None:
    from reviews.models import ImportedFactCheck
    from reviews.services.matching import claims_match

    ImportedFactCheck.objects.create(
        claim_reviewed="A photo shows sharks swimming on a flooded highway after the hurricane.",
        rating="False",
        publisher="Example Checks",
        url="https://checks.example/sharks",
        source_key="sharks",
    )
    item = ReviewItemFactory(
        claim=ClaimFactory(
            text="Sharks were seen swimming on the flooded highway after the hurricane"
        )
    )
    claims_match(claim_ids=[item.claim_id])

    page = reviewer_client.get(reverse("admin:reviews_reviewitem_change", args=[item.pk]))

    assert page.status_code == 200
    assert b"Already checked?" in page.content
    assert b"A photo shows sharks swimming on a flooded highway" in page.content
    assert b"https://checks.example/sharks" in page.content and b"Example Checks" in page.content


def test_the_claim_page_has_nothing_to_save_and_refuses_a_posted_form(
    reviewer_client: Client,
) -> None:
    item = ReviewItemFactory(claim=ClaimFactory(score=0.9))
    url = reverse("admin:reviews_reviewitem_change", args=[item.pk])
    reviewer_client.post(reverse("admin:reviews_reviewitem_take_next"))

    page = reviewer_client.get(url)
    response = reviewer_client.post(
        url,
        {"claim_type": "statement", "score": "0.1", "verdicts-TOTAL_FORMS": 0, "_save": "Save"},
    )

    assert page.status_code == 200
    assert b'name="_save"' not in page.content and b'id="write-verdict"' in page.content
    assert response.status_code == 403
    item.refresh_from_db()
    assert item.score == 0.9 and item.status == workflow.IN_REVIEW


def test_the_claim_page_and_its_history_name_users_without_linking_to_their_pages(
    reviewer_client: Client,
) -> None:
    item = ReviewItemFactory()
    unassigned = ReviewItemFactory(claim=ClaimFactory(score=0.1))
    reviewer_client.post(reverse("admin:reviews_reviewitem_take_next"))
    reviewer_client.post(
        reverse("admin:reviews_verdict_add"),
        {
            "review_item": item.pk,
            "rating": "false",
            "explanation": "No.",
            "sources-TOTAL_FORMS": 0,
            "sources-INITIAL_FORMS": 0,
            "sources-2-TOTAL_FORMS": 0,
            "sources-2-INITIAL_FORMS": 0,
        },
    )
    assert item.verdicts.count() == 1

    page = reviewer_client.get(reverse("admin:reviews_reviewitem_change", args=[item.pk]))
    history = reviewer_client.get(reverse("admin:reviews_reviewitem_history", args=[item.pk]))

    # A reviewer may not open user pages: such links would lead to 403.
    assert reviewer_client.get(reverse("admin:auth_user_changelist")).status_code == 403
    for response in (page, history):
        assert response.status_code == 200
        assert b">reviewer<" in response.content.replace(b"\n", b"").replace(b" ", b"")
        assert b"/admin/auth/user/" not in response.content
    nobody = reviewer_client.get(reverse("admin:reviews_reviewitem_change", args=[unassigned.pk]))
    assert b"None" not in nobody.content and b"None" not in page.content


def test_a_pending_claim_is_taken_from_its_own_page(reviewer_client: Client) -> None:
    item = ReviewItemFactory()
    url = reverse("admin:reviews_reviewitem_change", args=[item.pk])

    page = reviewer_client.get(url)
    response = reviewer_client.post(reverse("admin:reviews_reviewitem_take", args=[item.pk]))

    assert b'id="take-claim"' in page.content
    assert response.status_code == 302 and response["Location"] == url
    item.refresh_from_db()
    assert item.status == workflow.IN_REVIEW and item.assigned_to.username == "reviewer"
    held = reviewer_client.get(url)
    assert b'id="take-claim"' not in held.content and b'id="write-verdict"' in held.content


def test_a_claim_someone_else_holds_says_who_and_offers_no_take(reviewer_client: Client) -> None:
    item = ReviewItemFactory()
    services.review_take(item_id=item.pk, user=UserFactory(username="rita"))

    page = reviewer_client.get(reverse("admin:reviews_reviewitem_change", args=[item.pk]))
    response = reviewer_client.post(
        reverse("admin:reviews_reviewitem_take", args=[item.pk]), follow=True
    )

    assert b'id="take-claim"' not in page.content and b"In review by rita." in page.content
    assert f"Claim {item.pk} is held by rita" in response.content.decode()
    item.refresh_from_db()
    assert item.assigned_to.username == "rita"
