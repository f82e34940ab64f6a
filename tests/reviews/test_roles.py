"""The desk's roles: groups made by migration, holding the permissions each role needs."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from reviews.publishing import APPROVE_PERMISSION
from reviews.services import demo_accounts_ensure


@pytest.mark.django_db
def test_the_reviewer_and_editor_groups_exist_after_migrate() -> None:
    reviewer = set(
        Group.objects.get(name="Reviewer").permissions.values_list("codename", flat=True)
    )
    editor = set(Group.objects.get(name="Editor").permissions.values_list("codename", flat=True))

    assert {"view_claim", "change_reviewitem", "add_verdict", "add_evidencesource"} <= reviewer
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
