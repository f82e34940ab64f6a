"""The admin's frame: its header and the "View site" link on every page."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from reviews.services.queue import demo_accounts_ensure


@pytest.mark.django_db
def test_view_site_leads_to_the_organizations_site_not_a_404() -> None:
    demo_accounts_ensure(password="pw")
    client = Client()
    assert client.login(username="reviewer", password="pw")

    page = client.get(reverse("admin:index"))

    assert b"Fact-check desk" in page.content
    assert f'href="{settings.FACTCHECK_ORGANIZATION_URL}"'.encode() in page.content
    # "/" is the desk's own public list; "View site" is the newsroom's, where readers are.
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_the_desks_index_is_titled_as_its_start_page() -> None:
    demo_accounts_ensure(password="pw")
    client = Client()
    assert client.login(username="reviewer", password="pw")

    page = client.get(reverse("admin:index")).content.decode()

    assert re.search(r"<title>\s*Start page \| Fact-check desk\s*</title>", page)
    assert "Site administration" not in page


@pytest.mark.django_db
def test_the_review_desk_and_its_queue_lead_the_sidebar() -> None:
    demo_accounts_ensure(password="pw")
    client = Client()
    assert client.login(username="reviewer", password="pw")

    apps = client.get(reverse("admin:index")).context["available_apps"]

    assert [app["app_label"] for app in apps][:2] == ["reviews", "claims"]
    reviews, claims = apps[0]["models"], apps[1]["models"]
    assert [model["name"] for model in reviews][:2] == ["Review queue", "Verdicts"]
    assert [model["name"] for model in claims][:2] == ["Articles", "Claims"]
    # The rest keep Django's alphabetical order.
    rest = [model["name"] for model in reviews][2:]
    assert rest == sorted(rest) and "Clusters" in rest
