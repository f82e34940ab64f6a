"""The claim workspace: the reviewer's page (claim as checked, verdict, sources, Save, Submit and
take next, Release, Reject) and the editor's (verdict, preview, Approve, Send back)."""

from __future__ import annotations

import html
import re

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from claims.models import Claim, Publisher
from reviews import workflow
from reviews.models import EvidenceSource, FactCheckSuggestion, ReviewItem, Verdict
from reviews.services import queue as services
from reviews.services.queue import demo_accounts_ensure
from reviews.workspace import (
    Neighbours,
    archive_failure_words,
    archive_state,
    queue_neighbours,
    sources_unarchived_warning,
)
from tests.api import helpers as h
from tests.factories import ReviewItemFactory, cluster_of

pytestmark = pytest.mark.django_db

SENTENCE = "He said the stadium would create 4,000 permanent jobs."
STANDALONE = "The Harbor Point stadium would create 4,000 permanent jobs."


@pytest.fixture
def desk() -> tuple[Client, Client]:
    demo_accounts_ensure(password="pw")
    clients = []
    for name in ("reviewer", "editor"):
        client = Client()
        assert client.login(username=name, password="pw")
        clients.append(client)
    return clients[0], clients[1]


def _user(name: str) -> object:
    return get_user_model().objects.get(username=name)


def _work(item: ReviewItem) -> str:
    return reverse("admin:reviews_reviewitem_work", args=[item.pk])


def _held(text: str = SENTENCE, **proposal: str) -> ReviewItem:
    item = h.queued(text)
    Claim.objects.filter(pk=item.claim_id).update(**proposal)
    services.review_take(item_id=item.pk, user=_user("reviewer"))
    return item


def _form(**changes: str) -> dict[str, str]:
    data = {
        "claim_reviewed": STANDALONE,
        "claimant": "Mayor Ruiz",
        "claimant_kind": "person",
        "rating": "false",
        "explanation": "The plan promises 400 permanent jobs, not 4,000.",
        "summary": "The council's plan lists 400 permanent jobs.",
        "_action": "save",
    }
    data.update(changes)
    return data


def _source(n: int) -> dict[str, str]:
    return {
        "source-url": f"https://council.example.org/plan-{n}",
        "source-title": f"Stadium plan, part {n}",
        "source-publisher": "Harbor Point Council",
        "source-stance": "refutes",
        "source-quote": "400 permanent jobs",
    }


def test_the_workspace_starts_from_the_pipelines_claim_as_checked_and_shows_the_claim(
    desk: tuple[Client, Client],
) -> None:
    reviewer, _ = desk
    item = _held(standalone=STANDALONE, claimant="Mayor Ruiz", claimant_kind="person")

    page = reviewer.get(_work(item)).content.decode()

    assert '<mark id="claim">' in page
    assert f"{STANDALONE}</textarea>" in page
    assert 'name="claimant" value="Mayor Ruiz"' in page
    assert re.search(r'value="person"[^>]*checked', page)
    assert 'id="submit-next"' in page and "Ctrl+Enter" in page  # the key hint


def test_the_workspace_names_the_outlet_as_its_page_does_until_an_editor_names_it(
    desk: tuple[Client, Client],
) -> None:
    reviewer, _ = desk
    item = _held()
    article = item.claim.article
    article.publisher = Publisher.objects.create(domain="harbor.example", name="harbor.example")
    article.site_name = "Harbor City Times"
    article.save()

    page = reviewer.get(_work(item)).content.decode()
    assert page.count("Harbor City Times") >= 2  # above the article and in every appearance
    assert " · harbor.example ·" not in page

    Publisher.objects.filter(pk=article.publisher.pk).update(name="The Harbor Times")
    page = reviewer.get(_work(item)).content.decode()
    assert "The Harbor Times" in page and "Harbor City Times" not in page


def test_save_keeps_the_edited_wording_claimant_and_a_source(desk: tuple[Client, Client]) -> None:
    reviewer, _ = desk
    item = _held()

    response = reviewer.post(
        _work(item),
        _form(claimant="Harbor Point Council", claimant_kind="organization", **_source(1)),
    )

    assert response.status_code == 302
    verdict = Verdict.objects.get(review_item=item)
    assert verdict.claim_reviewed == STANDALONE
    assert (verdict.claimant, verdict.claimant_kind) == ("Harbor Point Council", "organization")
    assert [s.title for s in verdict.sources.all()] == ["Stadium plan, part 1"]


def test_a_refused_save_keeps_what_was_typed_and_says_why(desk: tuple[Client, Client]) -> None:
    reviewer, _ = desk
    item = _held()

    typed = "The stadium would create 4,000 jobs, the mayor said on Monday."
    response = reviewer.post(
        _work(item), _form(claim_reviewed=typed, claimant="", claimant_kind="person", **_source(1))
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "Say which person made the claim, or mark it unattributed" in page
    assert typed in page and "https://council.example.org/plan-1" in page
    assert not Verdict.objects.filter(review_item=item).exists()


def test_a_refused_source_keeps_it_typed_while_the_draft_is_saved(
    desk: tuple[Client, Client],
) -> None:
    reviewer, _ = desk
    item = _held()

    response = reviewer.post(
        _work(item), _form(**{**_source(1), "source-url": "ftp://council.example.org/plan"})
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "The draft is saved, but the source was not added" in page
    assert "is not a web address" in page and 'value="ftp://council.example.org/plan"' in page
    assert 'value="Stadium plan, part 1"' in page


def test_submit_and_take_next_sends_the_verdict_and_opens_the_next_claim(
    desk: tuple[Client, Client],
) -> None:
    reviewer, _ = desk
    item = _held()
    following = ReviewItemFactory(priority=0.5)
    reviewer.post(_work(item), _form(**_source(1)))

    refused = reviewer.post(_work(item), _form(_action="submit_next"))
    assert "it needs at least 2" in refused.content.decode()  # one source is not enough
    reviewer.post(_work(item), _form(**_source(2)))
    response = reviewer.post(_work(item), _form(_action="submit_next"))

    assert response.status_code == 302 and response["Location"] == _work(following)
    item.refresh_from_db()
    following.refresh_from_db()
    assert item.status == workflow.AWAITING_APPROVAL
    assert following.status == workflow.IN_REVIEW and following.assigned_to == _user("reviewer")


def test_a_source_can_be_removed_and_a_failed_archive_tried_again(
    desk: tuple[Client, Client],
) -> None:
    reviewer, _ = desk
    item = _held()
    reviewer.post(_work(item), _form(**_source(1)))
    reviewer.post(_work(item), _form(**_source(2)))
    first, second = Verdict.objects.get(review_item=item).sources.order_by("pk")
    EvidenceSource.objects.filter(pk=first.pk).update(
        fetch_error="could not resolve council.example.org: [Errno -2] Name or service not known"
    )

    page = reviewer.get(_work(item)).content.decode()
    assert "not archived: the site&#x27;s name could not be found" in page
    assert "Errno" not in page and "Try again" in page
    reviewer.post(_work(item), _form(_action=f"retry:{first.pk}"))
    assert EvidenceSource.objects.get(pk=first.pk).fetch_error == ""
    assert "archiving: the page is being fetched" in reviewer.get(_work(item)).content.decode()
    reviewer.post(_work(item), _form(_action=f"remove:{second.pk}"))
    assert list(Verdict.objects.get(review_item=item).sources.all()) == [first]


@pytest.mark.parametrize(
    ("error", "words"),
    [
        ("HTTP 404 fetching https://x.example/", "the page was not found (404)"),
        ("HTTP 503 fetching https://x.example/", "the site had an error (503); it may work later"),
        ("timed out fetching https://x.example/", "the site did not answer in time"),
        ("internal error while archiving: KeyError('x')", "the page could not be read"),
    ],
)
def test_archive_failures_are_told_in_plain_words(error: str, words: str) -> None:
    assert archive_failure_words(error) == words


def test_release_and_reject_with_a_reason(desk: tuple[Client, Client]) -> None:
    reviewer, _ = desk
    released, rejected = _held(), _held("Crime fell by half.")

    reviewer.post(_work(released), {"_action": "release"})
    refused = reviewer.post(_work(rejected), {"_action": "reject", "reject-note": "An opinion."})
    assert "Choose why the claim is rejected." in refused.content.decode()
    assert "An opinion." in refused.content.decode()
    reviewer.post(
        _work(rejected),
        {"_action": "reject", "reject-reason": "opinion", "reject-note": "An opinion."},
    )

    assert ReviewItem.objects.get(pk=released.pk).status == workflow.PENDING
    assert ReviewItem.objects.get(pk=rejected.pk).status == workflow.REJECTED


def test_already_checked_shows_the_rating_and_never_the_claims_own_fact_check(
    desk: tuple[Client, Client],
) -> None:
    reviewer, _ = desk
    earlier = h.published("The stadium will create 4,000 jobs.", rating="mostly_false")
    item = _held()
    cluster = cluster_of(item.claim)
    FactCheckSuggestion.objects.create(cluster_id=cluster, review_item=earlier, score=0.91)
    # A fact-check of this very cluster (a claim joined to it later) is not an earlier answer.
    FactCheckSuggestion.objects.create(cluster_id=cluster, review_item=item, score=0.99)

    page = reviewer.get(_work(item)).content.decode()
    section = page.split('id="already-checked"')[1].split("</section>")[0]

    assert section.count('class="candidate"') == 1
    assert "Mostly false" in section and "Published" not in section
    assert reverse("fact-check-page", args=[earlier.pk]) in section


def test_a_sent_back_claim_is_returned_to_its_reviewer_with_the_note(
    desk: tuple[Client, Client],
) -> None:
    reviewer, editor = desk
    item = h.queued(SENTENCE)
    h.draft(item, _user("reviewer"))
    from reviews.services import publishing

    publishing.verdict_submit(item_id=item.pk, user=_user("reviewer"))
    editor.post(_work(item), {"_action": "send_back", "note": ""})
    response = editor.post(_work(item), {"_action": "send_back", "note": "Cite the plan."})
    assert response.status_code == 302

    page = reviewer.get(_work(item)).content.decode()
    assert 'id="returned"' in page and "Cite the plan." in page


def test_the_editor_previews_the_fact_check_approves_it_and_gets_its_links(
    desk: tuple[Client, Client],
) -> None:
    reviewer, editor = desk
    item = _held()
    reviewer.post(_work(item), _form(**_source(1)))
    reviewer.post(_work(item), _form(**_source(2)))
    reviewer.post(_work(item), _form(_action="submit_next"))

    page = editor.get(_work(item)).content.decode()
    assert page.index('id="verdict-read"') < page.index('id="preview"')
    assert page.index('id="preview"') < page.index("approve-verdict")
    preview_json = reverse("admin:reviews_reviewitem_preview_json", args=[item.pk])
    preview = editor.get(preview_json).json()
    assert preview["claimReviewed"] == STANDALONE
    assert preview["itemReviewed"]["author"] == {"@type": "Person", "name": "Mayor Ruiz"}
    preview_page = editor.get(reverse("admin:reviews_reviewitem_preview", args=[item.pk]))
    assert "Claimed by Mayor Ruiz" in preview_page.content.decode()
    assert preview_page["X-Frame-Options"] == "SAMEORIGIN"
    assert Client().get(preview_json).status_code == 302  # a desk page: readers log in first

    assert editor.post(_work(item), {"_action": "approve"}).status_code == 302
    published = editor.get(_work(item)).content.decode()
    public = reverse("fact-check-page", args=[item.pk])
    assert f'href="{public}"' in published
    claimreview = editor.get(reverse("admin:reviews_reviewitem_claimreview", args=[item.pk]))
    preview.pop("datePublished")
    review = claimreview.json()
    review.pop("datePublished")
    assert review == preview  # the preview was what approval published
    record = editor.get(reverse("admin:reviews_reviewitem_record", args=[item.pk])).json()
    assert record["claim"] == STANDALONE and record["speaker"] == "Mayor Ruiz"


def test_next_and_previous_follow_the_open_queue_in_priority_order() -> None:
    top = ReviewItemFactory(priority=3.0)
    tied_first, tied_second = ReviewItemFactory(priority=2.0), ReviewItemFactory(priority=2.0)
    ReviewItemFactory(priority=2.5, status=workflow.REJECTED, rejection_reason="opinion")
    last = ReviewItemFactory(priority=1.0)

    assert queue_neighbours(top) == Neighbours(previous=None, next=tied_first.pk)
    assert queue_neighbours(tied_first) == Neighbours(previous=top.pk, next=tied_second.pk)
    assert queue_neighbours(tied_second) == Neighbours(previous=tied_first.pk, next=last.pk)
    assert queue_neighbours(last) == Neighbours(previous=tied_second.pk, next=None)


def _submitted_with_two_sources(reviewer: Client) -> ReviewItem:
    item = _held()
    reviewer.post(_work(item), _form(**_source(1)))
    reviewer.post(_work(item), _form(**_source(2)))
    reviewer.post(_work(item), _form(_action="submit_next"))
    return item


def _archive(source: EvidenceSource) -> None:
    EvidenceSource.objects.filter(pk=source.pk).update(
        archived_at=timezone.now(), archived_hash="ab" * 32, fetch_error=""
    )


def test_an_editor_is_warned_beside_approve_when_no_source_is_archived_and_may_still_publish(
    desk: tuple[Client, Client],
) -> None:
    reviewer, editor = desk
    item = _submitted_with_two_sources(reviewer)
    first, second = Verdict.objects.get(review_item=item).sources.order_by("pk")
    EvidenceSource.objects.filter(pk=first.pk).update(fetch_error="HTTP 403 Forbidden")

    page = editor.get(_work(item)).content.decode()
    warning = re.search(r'id="archive-warning"[^>]*>(.*?)</p>', html.unescape(page), re.S)
    assert warning is not None
    assert warning.group(1).startswith(
        "None of the verdict's 2 sources is archived (1 could not be archived, 1 waiting to be "
        "archived): if a page changes or disappears"
    )
    assert page.index('id="archive-warning"') < page.index('id="approve-verdict"')

    approved = editor.post(_work(item), {"_action": "approve"}, follow=True)
    item.refresh_from_db()
    assert item.status == workflow.PUBLISHED  # a warning, not a block
    told = [str(m) for m in approved.context["messages"]]
    assert told == [f"Published. {warning.group(1).split(' Send it back')[0]}"]
    # Once published, each source still says how its archive stands (the sweep goes on).
    published = html.unescape(editor.get(_work(item)).content.decode())
    sources = published.split('id="published-sources"', 1)[1].split("</ul>", 1)[0]
    assert "not archived: " in sources and "not archived yet: waiting for the archiver" in sources


def test_the_warning_counts_what_is_missing_and_goes_once_every_source_is_archived(
    desk: tuple[Client, Client],
) -> None:
    reviewer, editor = desk
    item = _submitted_with_two_sources(reviewer)
    verdict = Verdict.objects.get(review_item=item)
    first, second = verdict.sources.order_by("pk")

    _archive(first)
    assert sources_unarchived_warning(verdict=verdict) == (
        "1 of the 2 sources is not archived (1 waiting to be archived)."
    )
    _archive(second)
    assert sources_unarchived_warning(verdict=verdict) == ""
    assert 'id="archive-warning"' not in editor.get(_work(item)).content.decode()
    approved = editor.post(_work(item), {"_action": "approve"}, follow=True)
    assert [str(m) for m in approved.context["messages"]] == ["The fact-check is published."]


def test_a_source_never_tried_waits_for_the_archiver_and_one_being_tried_is_being_fetched(
    desk: tuple[Client, Client],
) -> None:
    reviewer, _ = desk
    item = _submitted_with_two_sources(reviewer)
    first, second = Verdict.objects.get(review_item=item).sources.order_by("pk")
    EvidenceSource.objects.filter(pk=second.pk).update(archive_tried_at=timezone.now())

    assert archive_state(first).words == "not archived yet: waiting for the archiver"
    assert archive_state(EvidenceSource.objects.get(pk=second.pk)).words == (
        "archiving: the page is being fetched"
    )
