"""The rating scale: configured in admin, the default one as the desk had it, and published
fact-checks keeping the rating they were published with when the scale changes."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

from reviews.models import Rating, RatingScale, Verdict
from reviews.ratings import rating_options, rating_scale_current
from reviews.services import publishing
from reviews.services.publishing import PublishingError
from reviews.services.ratings import rating_scale_save
from tests.api import helpers as h
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _claimreview(item_id: int) -> dict[str, Any]:
    response = h.client("read").get(f"/api/v1/fact-checks/{item_id}/claimreview/")
    assert response.status_code == 200
    return response.json()["reviewRating"]


def _scale(name: str, best: int, worst: int, ratings: list[tuple[str, str, int | None]]) -> Any:
    scale = rating_scale_save(scale=RatingScale(name=name, best=best, worst=worst, is_current=True))
    for n, (key, label, value) in enumerate(ratings):
        Rating.objects.create(
            scale=scale, key=key, name=label, value=value, definition=f"{label}.", position=n
        )
    return scale


def test_the_default_scale_is_the_desks_truth_scale() -> None:
    scale = rating_scale_current()

    options = rating_options()

    assert (scale.best, scale.worst) == (5, 1)
    assert [(o.key, o.name, o.value) for o in options] == [
        ("true", "True", 5),
        ("mostly_true", "Mostly true", 4),
        ("half_true", "Half true", 3),
        ("mostly_false", "Mostly false", 2),
        ("false", "False", 1),
        ("misleading", "Misleading", 2),
        ("unproven", "Unproven", None),
    ]
    assert all(o.definition for o in options)


def test_an_emptied_table_gets_the_default_scale_back() -> None:
    RatingScale.objects.all().delete()

    scale = rating_scale_current()

    assert scale.is_current and scale.ratings.count() == 7


def test_claimreview_uses_the_values_of_the_scale_in_use() -> None:
    _scale("Ten points", 10, 0, [("right", "Right", 10), ("wrong", "Pants on fire", 0)])

    item = h.published("The bridge cost 2 billion.", rating="wrong")

    assert _claimreview(item.pk) == {
        "@type": "Rating",
        "ratingValue": 0,
        "bestRating": 10,
        "worstRating": 0,
        "alternateName": "Pants on fire",
    }


def test_a_published_fact_check_keeps_its_rating_when_the_scale_changes() -> None:
    item = h.published("The bridge cost 2 billion.", rating="false")
    before = _claimreview(item.pk)
    api_before = h.client("read").get(f"/api/v1/fact-checks/{item.pk}/").json()["rating"]

    # The organisation renames and re-values its ratings, then moves to another scale.
    Rating.objects.filter(key="false").update(name="Incorrect", value=2)
    RatingScale.objects.filter(is_current=True).update(best=7)
    _scale("Three levels", 3, 1, [("right", "Right", 3), ("wrong", "Wrong", 1)])

    assert (
        _claimreview(item.pk)
        == before
        == {
            "@type": "Rating",
            "ratingValue": 1,
            "bestRating": 5,
            "worstRating": 1,
            "alternateName": "False",
        }
    )
    assert h.client("read").get(f"/api/v1/fact-checks/{item.pk}/").json()["rating"] == api_before
    # A new fact-check is rated on the new scale.
    later = h.published("The tunnel cost 3 billion.", rating="wrong")
    assert _claimreview(later.pk)["bestRating"] == 3


def test_a_rating_off_the_scale_is_refused_in_words_listing_the_scale() -> None:
    _scale("Two", 2, 1, [("right", "Right", 2), ("wrong", "Wrong", 1)])
    item = h.queued("The bridge cost 2 billion.")
    reviewer = UserFactory()
    from reviews.services.queue import review_take

    review_take(item_id=item.pk, user=reviewer)

    with pytest.raises(PublishingError, match="'false' is not a rating .* use one of right, wrong"):
        publishing.verdict_save(
            item_id=item.pk, user=reviewer, rating="false", explanation="x", summary=""
        )


def test_a_rating_removed_from_the_scale_before_approval_stops_the_approval() -> None:
    item = h.queued("The bridge cost 2 billion.")
    reviewer = UserFactory()
    h.draft(item, reviewer, rating="half_true")
    publishing.verdict_submit(item_id=item.pk, user=reviewer)
    Rating.objects.filter(key="half_true").delete()

    with pytest.raises(PublishingError, match="'half_true' is no longer on the rating scale"):
        publishing.verdict_approve(item_id=item.pk, editor=h.editor())

    assert Verdict.objects.get(review_item=item).published_at is None


# --- admin ------------------------------------------------------------------------------------


@pytest.fixture
def editor_client(desk_roles: None) -> Client:
    user = UserFactory(is_staff=True)
    user.groups.add(Group.objects.get(name="Editor"))
    client = Client()
    client.force_login(user)
    return client


def _scale_form(name: str, ratings: list[tuple[str, str, str]], **extra: str) -> dict[str, str]:
    data = {
        "name": name,
        "best": "3",
        "worst": "1",
        "ratings-TOTAL_FORMS": str(len(ratings)),
        "ratings-INITIAL_FORMS": "0",
        "ratings-MIN_NUM_FORMS": "0",
        "ratings-MAX_NUM_FORMS": "1000",
        **extra,
    }
    for n, (key, label, value) in enumerate(ratings):
        data |= {
            f"ratings-{n}-position": str(n),
            f"ratings-{n}-key": key,
            f"ratings-{n}-name": label,
            f"ratings-{n}-value": value,
            f"ratings-{n}-definition": f"What {label} means.",
        }
    return data


def test_an_editor_configures_a_scale_in_admin_and_makes_it_current(editor_client: Client) -> None:
    old = rating_scale_current()

    response = editor_client.post(
        reverse("admin:reviews_ratingscale_add"),
        _scale_form(
            "House scale",
            [("right", "Right", "3"), ("shaky", "Shaky", "2"), ("untested", "Untested", "")],
            is_current="on",
        ),
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    scale = rating_scale_current()
    assert scale.name == "House scale" and scale.pk != old.pk
    assert not RatingScale.objects.get(pk=old.pk).is_current
    assert [(o.key, o.value) for o in rating_options()] == [
        ("right", 3),
        ("shaky", 2),
        ("untested", None),
    ]


def test_a_value_outside_the_scale_is_refused_with_the_range(editor_client: Client) -> None:
    response = editor_client.post(
        reverse("admin:reviews_ratingscale_add"),
        _scale_form("Bad scale", [("right", "Right", "9")]),
    )

    assert response.status_code == 200
    assert "The scale runs from 1 to 3." in response.content.decode()
    assert not RatingScale.objects.filter(name="Bad scale").exists()


def test_the_current_scale_cannot_be_unmarked_or_deleted(editor_client: Client) -> None:
    scale = rating_scale_current()
    url = reverse("admin:reviews_ratingscale_change", args=[scale.pk])
    data = _scale_form(scale.name, [])
    data |= {"best": "5", "worst": "1", "ratings-TOTAL_FORMS": "0"}
    ratings = list(scale.ratings.all())
    data["ratings-TOTAL_FORMS"] = data["ratings-INITIAL_FORMS"] = str(len(ratings))
    for n, rating in enumerate(ratings):
        data |= {
            f"ratings-{n}-id": str(rating.pk),
            f"ratings-{n}-scale": str(scale.pk),
            f"ratings-{n}-position": str(rating.position),
            f"ratings-{n}-key": rating.key,
            f"ratings-{n}-name": rating.name,
            f"ratings-{n}-value": "" if rating.value is None else str(rating.value),
            f"ratings-{n}-definition": rating.definition,
        }

    response = editor_client.post(url, data)  # is_current left unticked

    assert "make another scale current instead" in response.content.decode()
    assert RatingScale.objects.get(pk=scale.pk).is_current
    assert (
        editor_client.get(reverse("admin:reviews_ratingscale_delete", args=[scale.pk])).status_code
        == 403
    )


def test_reviewers_read_the_scale_and_may_not_change_it(desk_roles: None) -> None:
    reviewer = Group.objects.get(name="Reviewer")
    editor = Group.objects.get(name="Editor")

    assert reviewer.permissions.filter(codename="view_ratingscale").exists()
    assert not reviewer.permissions.filter(codename="change_ratingscale").exists()
    assert editor.permissions.filter(codename="change_rating").exists()
    assert Permission.objects.filter(codename="add_ratingscale").exists()


def test_the_verdict_form_shows_each_definition_beside_its_rating(reviewer_client: Client) -> None:
    Rating.objects.filter(key="misleading").update(definition="Right facts, wrong picture.")

    page = reviewer_client.get(reverse("admin:reviews_verdict_add")).content.decode()

    assert 'class="rating-select' in page
    assert "Misleading</strong>" in page and "Right facts, wrong picture." in page
