"""The management commands newsroom engineers run by hand."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from claims.models import Article
from tests.paths import CORPUS, SAMPLE_ARTICLES


def _run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_extract_prints_one_json_object_a_claim_and_stores_nothing() -> None:
    samples = sorted(SAMPLE_ARTICLES.glob("*.txt"))

    output = _run("extract", *map(str, samples), "--format", "jsonl")

    rows = [json.loads(line) for line in output.splitlines()]
    assert len(rows) >= 15
    assert {row["article"] for row in rows} == {str(p) for p in samples}
    for row in rows:
        assert set(row) == {
            "article",
            "text",
            "claim",
            "claimant",
            "start",
            "end",
            "score",
            "speaker",
            "type",
            "reasons",
        }
        text = Path(row["article"]).read_text()
        assert 0 <= row["start"] < row["end"] and 0 <= row["score"] <= 1
        assert row["text"].split()[0] in text


def test_extract_threshold_filters_claims() -> None:
    sample = str(sorted(SAMPLE_ARTICLES.glob("*.txt"))[0])

    everything = _run("extract", sample, "--threshold", "0")
    strict = _run("extract", sample, "--threshold", "0.99")

    assert len(strict.splitlines()) < len(everything.splitlines())


def test_extract_reports_a_missing_file() -> None:
    with pytest.raises(CommandError, match="no such file"):
        _run("extract", "/nonexistent/article.txt")


@pytest.mark.django_db
def test_ingest_reads_text_html_and_json_files(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(
        "Bridge repairs delayed\n\nThe city said on Monday that repairs to the Elm Street "
        "bridge will cost 14 million dollars, twice the original estimate."
    )
    (tmp_path / "b.json").write_text(
        json.dumps(
            [
                {
                    "title": "Rates rise",
                    "text": "The central bank raised its main rate to 4.5 "
                    "percent on Thursday, the highest level since 2008.",
                },
                {
                    "url": "https://news.example/x",
                    "html": "<html><body><article><h1>X</h1><p>"
                    "The mayor said that 3,000 new homes were finished in 2025, a record.</p>"
                    "</article></body></html>",
                },
            ]
        )
    )

    output = _run("ingest", str(tmp_path), "--no-progress")

    assert "3 new" in output
    assert Article.objects.count() == 3
    assert Article.objects.get(raw_format="html").canonical_url == "https://news.example/x"
    assert _run("ingest", str(tmp_path), "--no-progress").count("already stored") == 1
    assert Article.objects.count() == 3


@pytest.mark.django_db
def test_ingest_refuses_a_bad_json_file_and_goes_on(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text('{"title": 3}')
    (tmp_path / "good.txt").write_text("Title\n\nThe council cut the budget by 5 percent in 2025.")

    err = StringIO()
    call_command("ingest", str(tmp_path), "--no-progress", stdout=StringIO(), stderr=err)

    assert "needs a string 'html' or 'text'" in err.getvalue()
    assert Article.objects.count() == 1


@pytest.mark.django_db
def test_ingest_names_text_postgresql_cannot_store_and_goes_on(tmp_path: Path) -> None:
    body = "The council cut the budget by 5 percent in 2025."
    (tmp_path / "nul.json").write_text(json.dumps({"title": "Cuts\u0000", "text": body}))
    (tmp_path / "surrogate.jsonl").write_text(json.dumps({"html": f"<p>{body}\ud800</p>"}))
    (tmp_path / "good.txt").write_text(f"Title\n\n{body}")

    err = StringIO()
    call_command("ingest", str(tmp_path), "--no-progress", stdout=StringIO(), stderr=err)

    assert "nul.json[0]: 'title' contains a NUL character" in err.getvalue()
    assert "surrogate.jsonl[0]: 'html' contains a lone surrogate" in err.getvalue()
    assert Article.objects.count() == 1


@pytest.mark.django_db
def test_ingest_refuses_a_json_file_with_a_bad_url_before_storing_any_of_it(
    tmp_path: Path,
) -> None:
    body = "The council cut the budget by 5 percent in 2025."
    articles = [
        {"title": "One", "text": body},
        {"title": "Two", "text": body + " Again.", "url": "ftp://news.example/two"},
    ]
    (tmp_path / "mixed.json").write_text(json.dumps(articles))

    err = StringIO()
    call_command("ingest", str(tmp_path), "--no-progress", stdout=StringIO(), stderr=err)

    assert "mixed.json[1]: 'url' is not a usable http(s) URL: 'ftp://news.example/two'" in (
        err.getvalue()
    )
    assert not Article.objects.exists()


def test_evaluate_extraction_meets_the_targets_on_the_corpus() -> None:
    output = _run("evaluate", "extraction", "--dir", str(CORPUS / "html"))

    result = json.loads(output.splitlines()[-1])
    assert result["title_accuracy"] >= 0.9
    assert result["text_f1"] >= 0.9
    assert result["claims_in_body"] >= 0.95


def test_evaluate_checkworthiness_scores_the_dev_set_with_the_pipeline_model() -> None:
    dev = CORPUS / "checkworthiness" / "CT24_checkworthy_english_dev.tsv"

    lines = _run("evaluate", "checkworthiness", "--tsv", str(dev), "--jsonl").splitlines()

    result = json.loads(lines[-1])
    assert set(result) == {"f1", "precision", "recall", "n"}
    assert result["n"] > 1000 and result["f1"] >= 0.85
    per_sentence = [json.loads(line) for line in lines if line.startswith('{"id"')]
    assert len(per_sentence) == result["n"]


@pytest.mark.parametrize("metadata", [b"{not json", b"[1, 2]", b"\xff\xfe{}"])
def test_evaluate_extraction_names_a_page_whose_metadata_is_unreadable(
    tmp_path: Path, metadata: bytes
) -> None:
    page = tmp_path / "page"
    page.mkdir()
    (page / "source.html").write_text("<html><body><p>Hello.</p></body></html>")
    (page / "expected.html").write_text("<p>Hello.</p>")
    (page / "expected-metadata.json").write_bytes(metadata)

    with pytest.raises(CommandError, match="page/expected-metadata.json: "):
        _run("evaluate", "extraction", "--dir", str(tmp_path))


def test_evaluate_checkworthiness_names_missing_columns(tmp_path: Path) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text("id\ttext\n1\thello\n")

    with pytest.raises(CommandError, match="class_label"):
        _run("evaluate", "checkworthiness", "--tsv", str(bad))


@pytest.mark.django_db
def test_ingest_keeps_a_json_articles_publication_date_and_refuses_one_that_is_none(
    tmp_path: Path,
) -> None:
    body = "The council cut the budget by 5 percent in 2025."
    (tmp_path / "dated.json").write_text(
        json.dumps({"title": "Cuts", "text": body, "published_at": "2026-11-24T09:30:00Z"})
    )
    (tmp_path / "undated.json").write_text(
        json.dumps({"title": "Cuts", "text": body + " Again.", "published_at": "Tuesday"})
    )

    err = StringIO()
    call_command("ingest", str(tmp_path), "--no-progress", stdout=StringIO(), stderr=err)

    assert "undated.json[0]: 'published_at' is not a date: 'Tuesday'" in err.getvalue()
    article = Article.objects.get()
    assert article.given_published_at == datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
