"""import_claimreviews reads every ClaimReview layout, refuses bad records one by one."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from reviews.models import ImportedFactCheck


def _review(n: int, **extra: object) -> dict[str, object]:
    return {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": f"https://checks.example/{n}",
        "claimReviewed": f"Claim number {n} about the harbour tunnel costing {n} million",
        "reviewRating": {"@type": "Rating", "alternateName": "False"},
        "author": {"@type": "Organization", "name": "Example Checks"},
        "datePublished": "2025-03-04",
        "itemReviewed": {"@type": "Claim", "author": {"@type": "Person", "name": "A. Mayor"}},
        **extra,
    }


@pytest.fixture(autouse=True)
def lexical(settings):  # type: ignore[no-untyped-def]
    settings.FACTCHECK_MATCH_SEMANTIC = "off"


def _run(path: Path) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_claimreviews", str(path), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.django_db
def test_a_datacommons_feed_is_imported_with_publisher_rating_and_claimant(
    tmp_path: Path,
) -> None:
    feed = {
        "@context": "https://schema.org",
        "@type": "DataFeed",
        "dataFeedElement": [{"@type": "DataFeedItem", "item": [_review(1), _review(2)]}],
    }
    path = tmp_path / "feed.json"
    path.write_text(json.dumps(feed))

    out, _ = _run(path)

    assert "2 new, 0 updated, 0 refused" in out
    fact = ImportedFactCheck.objects.get(url="https://checks.example/1")
    assert (fact.publisher, fact.rating, fact.claimant) == ("Example Checks", "False", "A. Mayor")
    assert str(fact.date_published) == "2025-03-04"


@pytest.mark.django_db
def test_importing_the_same_file_again_updates_instead_of_duplicating(tmp_path: Path) -> None:
    path = tmp_path / "list.json"
    path.write_text(json.dumps([_review(1), _review(2)]))
    _run(path)

    out, _ = _run(path)

    assert "0 new, 2 updated" in out
    assert ImportedFactCheck.objects.count() == 2


@pytest.mark.django_db
def test_malformed_records_are_refused_one_by_one_and_the_rest_imported(tmp_path: Path) -> None:
    lines = [
        json.dumps(_review(1)),
        "{not json",
        json.dumps(_review(2, claimReviewed="")),
        json.dumps(_review(3, url="javascript:alert(1)")),
        json.dumps({"@type": "Article", "headline": "x"}),
        json.dumps(_review(4)),
    ]
    path = tmp_path / "reviews.jsonl"
    path.write_text("\n".join(lines))

    out, err = _run(path)

    assert "2 new, 0 updated, 4 refused" in out
    assert "line 2: not JSON" in err
    assert "line 3: claimReviewed is missing or empty" in err
    assert "line 4: url 'javascript:alert(1)' is not an http(s) URL" in err
    assert "line 5: @type is 'Article', not ClaimReview" in err
    assert set(ImportedFactCheck.objects.values_list("url", flat=True)) == {
        "https://checks.example/1",
        "https://checks.example/4",
    }


@pytest.mark.django_db
def test_records_with_text_postgresql_cannot_store_are_refused_one_by_one(tmp_path: Path) -> None:
    lines = [
        json.dumps(_review(1, claimReviewed="Tunnel costs\u0000 doubled")),
        json.dumps(_review(2, headline="\ud800")),
        json.dumps(_review(3, author={"name": "Checks\u0000"})),
        json.dumps(_review(4)),
        "[" * 100_000 + "]" * 100_000,
    ]
    path = tmp_path / "reviews.jsonl"
    path.write_text("\n".join(lines))

    out, err = _run(path)

    assert "1 new, 0 updated, 4 refused" in out
    assert "line 5: JSON nested too deeply" in err
    assert "line 1: claim_reviewed contains the character '\\x00'" in err
    assert "line 2: headline contains the character '\\ud800'" in err
    assert "line 3: publisher contains the character '\\x00'" in err
    assert list(ImportedFactCheck.objects.values_list("url", flat=True)) == [
        "https://checks.example/4"
    ]


@pytest.mark.django_db
def test_json_nested_too_deeply_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + json.dumps(_review(1)) + "]" * 100_000)

    with pytest.raises(CommandError, match="nested too deeply"):
        _run(path)
    assert not ImportedFactCheck.objects.exists()


@pytest.mark.django_db
def test_a_file_that_is_not_json_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text("<html>not a feed</html>")

    with pytest.raises(CommandError, match="not JSON .*expected a ClaimReview object"):
        _run(path)
    assert not ImportedFactCheck.objects.exists()


@pytest.mark.django_db
def test_a_malformed_url_is_a_clear_error() -> None:
    with pytest.raises(CommandError, match="not a"):
        call_command("import_claimreviews", "http://[::1/feed.json", stdout=StringIO())


@pytest.mark.django_db
def test_a_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="no such file"):
        _run(tmp_path / "missing.json")


@pytest.mark.django_db
def test_an_imported_fact_check_is_found_by_search(tmp_path: Path) -> None:
    from reviews.similar import fact_checks_similar

    path = tmp_path / "one.json"
    path.write_text(json.dumps(_review(7)))
    _run(path)

    found = fact_checks_similar(text="the harbour tunnel cost 7 million", limit=5)

    assert found[0].external and found[0].publisher == "Example Checks"
