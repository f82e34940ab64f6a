"""The desk's roles: groups made by migration, holding the permissions each role needs."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

from claims.models import Claim
from reviews.models import Cluster, ClusterEvent, FactCheckSuggestion, ImportedFactCheck
from reviews.services.publishing import APPROVE_PERMISSION
from reviews.services.queue import demo_accounts_ensure
from tests.factories import ReviewItemFactory, UserFactory, cluster_of


@pytest.mark.django_db
def test_the_reviewer_and_editor_groups_exist_after_migrate() -> None:
    reviewer = set(
        Group.objects.get(name="Reviewer").permissions.values_list("codename", flat=True)
    )
    editor = set(Group.objects.get(name="Editor").permissions.values_list("codename", flat=True))

    assert {"view_claim", "change_reviewitem", "add_verdict", "add_evidencesource"} <= reviewer
    assert {"change_cluster", "change_factchecksuggestion", "change_clustersuggestion"} <= reviewer
    assert "approve_verdict" not in reviewer and "change_feed" not in reviewer
    assert reviewer < editor
    assert editor - reviewer == {"approve_verdict", "change_feed", "change_publisher"}
    assert not any(codename.startswith("delete_") for codename in editor)


@pytest.mark.django_db
def test_the_demo_reviewer_cannot_approve_and_the_demo_editor_can() -> None:
    demo_accounts_ensure(password="pw")
    users = get_user_model().objects
    reviewer, editor = users.get(username="reviewer"), users.get(username="editor")

    assert not reviewer.has_perm(APPROVE_PERMISSION)
    assert reviewer.has_perm("reviews.add_verdict") and reviewer.has_perm("claims.view_claim")
    assert editor.has_perm(APPROVE_PERMISSION) and editor.has_perm("claims.change_feed")
    # The roles come from the groups alone.
    assert not reviewer.user_permissions.exists() and not editor.user_permissions.exists()
    assert list(reviewer.groups.values_list("name", flat=True)) == ["Reviewer"]
    assert list(editor.groups.values_list("name", flat=True)) == ["Editor"]


def _demo_user(username: str) -> Any:
    demo_accounts_ensure(password="pw")
    return get_user_model().objects.get(username=username)


def _cluster_of(text: str) -> Cluster:
    return Cluster.objects.get(pk=cluster_of(ReviewItemFactory(claim__text=text).claim))


@pytest.mark.django_db
def test_a_reviewer_follows_the_review_page_to_confirm_a_fact_check_suggestion(
    client: Client,
) -> None:
    item = ReviewItemFactory(claim__text="The bridge cost 40 million euros.")
    fact = ImportedFactCheck.objects.create(claim_reviewed="Bridge cost 40 million", source_key="k")
    suggestion = FactCheckSuggestion.objects.create(
        cluster_id=cluster_of(item.claim), fact_check=fact, score=0.8
    )
    reviewer = _demo_user("reviewer")
    client.force_login(reviewer)

    review_page = client.get(reverse("admin:reviews_reviewitem_change", args=[item.pk]))
    link = re.search(r'<a href="([^"]+)">Confirm or reject these suggestions', review_page.text)
    assert link is not None
    suggestions_page = client.get(html.unescape(link.group(1)))
    assert suggestions_page.status_code == 200
    assert "Confirm: this fact-check answers the claim" in suggestions_page.text
    response = client.post(
        html.unescape(link.group(1)),
        {"action": "confirm", "_selected_action": [suggestion.pk]},
        follow=True,
    )

    assert response.status_code == 200
    suggestion.refresh_from_db()
    assert suggestion.status == FactCheckSuggestion.Status.CONFIRMED
    assert suggestion.decided_by == reviewer


@pytest.mark.django_db
def test_a_reviewer_merges_two_clusters_and_splits_a_claim_back_out(client: Client) -> None:
    first = _cluster_of("The bridge cost 40 million euros.")
    second = _cluster_of("The tunnel cost 40 million euros.")
    client.force_login(_demo_user("reviewer"))

    client.post(
        reverse("admin:reviews_cluster_changelist"),
        {"action": "merge", "_selected_action": [first.pk, second.pk]},
    )
    assert Cluster.objects.count() == 1
    assert client.get(reverse("admin:reviews_cluster_change", args=[first.pk])).status_code == 200
    wrong = Claim.objects.get(text__startswith="The tunnel")
    client.post(
        reverse("admin:reviews_clustermember_changelist"),
        {"action": "split_out", "_selected_action": [wrong.pk]},
    )

    assert Cluster.objects.count() == 2
    assert ClusterEvent.objects.filter(kind=ClusterEvent.Kind.SPLIT).exists()


@pytest.mark.django_db
def test_staff_who_may_only_look_cannot_decide_suggestions_or_merge(client: Client) -> None:
    first = _cluster_of("The bridge cost 40 million euros.")
    second = _cluster_of("The tunnel cost 40 million euros.")
    fact = ImportedFactCheck.objects.create(claim_reviewed="Bridge cost 40 million", source_key="k")
    suggestion = FactCheckSuggestion.objects.create(cluster=first, fact_check=fact, score=0.8)
    looker = UserFactory(is_staff=True)
    looker.user_permissions.set(
        Permission.objects.filter(codename__in=["view_cluster", "view_factchecksuggestion"])
    )
    client.force_login(looker)

    listing = client.get(reverse("admin:reviews_factchecksuggestion_changelist"))
    client.post(
        reverse("admin:reviews_factchecksuggestion_changelist"),
        {"action": "confirm", "_selected_action": [suggestion.pk]},
    )
    client.post(
        reverse("admin:reviews_cluster_changelist"),
        {"action": "merge", "_selected_action": [first.pk, second.pk]},
    )

    assert listing.status_code == 200 and "Confirm: this fact-check" not in listing.text
    suggestion.refresh_from_db()
    assert suggestion.status == FactCheckSuggestion.Status.SUGGESTED
    assert Cluster.objects.count() == 2


@pytest.mark.django_db
def test_a_reviewers_claim_and_cluster_pages_are_for_reading(client: Client) -> None:
    first = _cluster_of("The bridge cost 40 million euros.")
    second = _cluster_of("The tunnel cost 40 million euros.")
    claim = first.canonical
    client.force_login(_demo_user("reviewer"))

    page = client.get(reverse("admin:claims_claim_change", args=[claim.pk]))
    client.post(reverse("admin:claims_claim_change", args=[claim.pk]), {"cluster": second.pk})
    cluster_page = client.get(reverse("admin:reviews_cluster_change", args=[first.pk]))

    assert page.status_code == 200 and 'name="cluster"' not in page.text
    assert 'name="_save"' not in page.text and 'name="_save"' not in cluster_page.text
    claim.refresh_from_db()
    assert cluster_of(claim) == first.pk


@pytest.mark.django_db
def test_staff_who_may_only_view_the_queue_get_none_of_its_actions(client: Client) -> None:
    from reviews import workflow
    from reviews.models import ReviewItem

    pending, rejected = ReviewItemFactory(), ReviewItemFactory()
    ReviewItem.objects.filter(pk=rejected.pk).update(
        status=workflow.REJECTED, rejection_reason="opinion"
    )
    looker = UserFactory(is_staff=True)
    looker.user_permissions.set(Permission.objects.filter(codename="view_reviewitem"))
    client.force_login(looker)
    queue = reverse("admin:reviews_reviewitem_changelist")

    listing = client.get(queue, {"status": "all"})
    for action in ("take", "reopen", "reject_opinion"):
        client.post(
            f"{queue}?status=all",
            {"action": action, "_selected_action": [pending.pk, rejected.pk]},
        )

    assert listing.status_code == 200 and 'name="action"' not in listing.text
    statuses = dict(ReviewItem.objects.values_list("pk", "status"))
    assert (statuses[pending.pk], statuses[rejected.pk]) == (workflow.PENDING, workflow.REJECTED)
