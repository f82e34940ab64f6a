from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path

import pytest

from claims.evaluation.extraction import (
    ARTICLE,
    ERROR,
    SKIPPED,
    ExtractionReport,
    evaluate_extraction,
    render_report,
    title_matches,
    token_f1,
)
from claims.pipeline.types import Claim, Document, Extraction
from tests.paths import CORPUS

PARAGRAPHS = [
    "The port authority said on Monday that cargo volumes fell by 12 percent in the third "
    "quarter, the steepest drop since 2009, as two of its largest customers moved to other "
    "harbours along the coast.",
    "Officials blamed the decline on a strike by crane operators in August, which halted "
    "loading for eleven days and left more than forty ships waiting at anchor outside the "
    "breakwater.",
    "The authority expects volumes to recover next year once a new container terminal opens, "
    "its chief executive told a meeting of the regional chamber of commerce on Monday evening.",
    "Union leaders disputed that account and said the customers had left because the port "
    "raised its fees twice in eighteen months, a claim the authority rejected in a statement.",
    "The regional government owns 60 percent of the port and has promised an independent "
    "review of its finances before the budget is set in the spring, a spokeswoman confirmed.",
]
FRENCH = [
    "Le port a annoncé lundi que le volume des marchandises avait baissé de douze pour cent au "
    "troisième trimestre, la plus forte baisse depuis 2009, après le départ de deux de ses "
    "plus grands clients.",
    "Les responsables attribuent ce recul à une grève des grutiers au mois d'août, qui a "
    "bloqué le chargement pendant onze jours et laissé plus de quarante navires au mouillage.",
    "La direction du port prévoit une reprise l'année prochaine, dès l'ouverture d'un nouveau "
    "terminal pour conteneurs, a déclaré son directeur devant la chambre de commerce.",
    "Les syndicats contestent cette version et affirment que les clients sont partis parce "
    "que le port a augmenté ses tarifs deux fois en dix-huit mois, ce que la direction dément.",
]
TITLE = "Cargo volumes fall at the harbour after crane strike"


def claim(text: str) -> Claim:
    return Claim(text=text, start=0, end=0, context="", score=1.0, speaker="", claim_type="")


def every_sentence(document: Document) -> list[Claim]:
    """A stand-in for the scorer: every sentence of five words or more is a claim."""
    sentences = (
        sentence
        for paragraph in document.text.split("\n\n")
        for sentence in re.split(r"(?<=[.!?])\s+", paragraph)
    )
    return [claim(sentence) for sentence in sentences if len(sentence.split()) >= 5]


def write_page(
    root: Path,
    name: str,
    *,
    source: str,
    expected: str = "",
    metadata: dict[str, object] | None = None,
) -> Path:
    folder = root / name
    folder.mkdir()
    (folder / "source.html").write_text(source, "utf-8")
    (folder / "expected.html").write_text(
        expected or "".join(f"<p>{paragraph}</p>" for paragraph in PARAGRAPHS), "utf-8"
    )
    meta = {"title": TITLE, "siteName": "Harbour Times", "lang": "en", "readerable": True}
    (folder / "expected-metadata.json").write_text(json.dumps(meta | (metadata or {})), "utf-8")
    return folder


def article_source(paragraphs: Sequence[str] = PARAGRAPHS, lang: str = "en") -> str:
    body = "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)
    return (
        f'<html lang="{lang}"><head><title>{TITLE} | Harbour Times</title>'
        '<meta property="og:site_name" content="Harbour Times"></head>'
        f"<body><article><h1>{TITLE}</h1>{body}</article></body></html>"
    )


@pytest.fixture(scope="module")
def corpus_report() -> ExtractionReport:
    return evaluate_extraction(CORPUS / "html", every_sentence)


def test_corpus_reaches_title_accuracy_and_text_f1_targets(corpus_report: ExtractionReport) -> None:
    overall = corpus_report.overall
    assert overall["pages"] == 16
    assert overall["title_accuracy"] >= 0.9
    assert overall["text_f1"] >= 0.9
    assert overall["claims_in_body"] >= 0.9
    assert overall["status_accuracy"] == 1.0
    assert overall["errors"] == 0


def test_corpus_spanish_page_is_recognised_and_not_mined(corpus_report: ExtractionReport) -> None:
    spanish = next(page for page in corpus_report.pages if page.name == "la-nacion")
    assert spanish.status == SKIPPED
    assert spanish.expected_status == SKIPPED
    assert spanish.claims == 0
    assert spanish.reason == "language es is not supported"


def test_report_ends_with_one_json_line_of_the_headline_numbers(tmp_path: Path) -> None:
    write_page(tmp_path, "port", source=article_source())
    lines = render_report(evaluate_extraction(tmp_path, every_sentence))
    assert set(json.loads(lines[-1])) == {"title_accuracy", "text_f1", "claims_in_body"}
    assert lines[1].startswith("port ")
    assert not any(line.startswith("{") for line in lines[:-1])


def test_a_clean_page_scores_full_marks(tmp_path: Path) -> None:
    write_page(tmp_path, "port", source=article_source())
    report = evaluate_extraction(tmp_path, every_sentence)
    (page,) = report.pages
    assert page.status == ARTICLE
    assert page.title_correct
    assert page.text_f1 == pytest.approx(1.0)
    assert page.claims == len(PARAGRAPHS)
    assert page.claims_in_body == len(PARAGRAPHS)
    assert report.overall["claims_in_body"] == 1.0


def test_claims_from_outside_the_expected_body_count_against_the_extractor(
    tmp_path: Path,
) -> None:
    write_page(tmp_path, "port", source=article_source())

    def one_good_one_invented(document: Document) -> list[Claim]:
        return [claim(PARAGRAPHS[1].split(", which")[0]), claim("The mayor resigned on Friday.")]

    report = evaluate_extraction(tmp_path, one_good_one_invented)
    assert report.overall["claims_in_body"] == 0.5


def test_claim_text_is_matched_whatever_its_punctuation_and_quotes(tmp_path: Path) -> None:
    expected = "<p>He said: “We will not pay.”</p><p>The talks ended at noon.</p>"
    write_page(tmp_path, "port", source=article_source(), expected=expected)

    def reworded_punctuation(document: Document) -> list[Claim]:
        return [claim('he said "we will not pay" the talks'), claim("We will not pay more.")]

    (page,) = evaluate_extraction(tmp_path, reworded_punctuation).pages
    assert (page.claims, page.claims_in_body) == (2, 1)


def test_a_claims_function_may_return_the_whole_extraction(tmp_path: Path) -> None:
    write_page(tmp_path, "port", source=article_source())

    def pipeline(document: Document) -> Extraction:
        return Extraction(document=document, claims=tuple(every_sentence(document)))

    assert evaluate_extraction(tmp_path, pipeline).overall["claims"] == len(PARAGRAPHS)


def test_page_expected_unreadable_but_mined_counts_as_a_miss(tmp_path: Path) -> None:
    write_page(tmp_path, "port", source=article_source(), metadata={"readerable": False})
    report = evaluate_extraction(tmp_path, every_sentence)
    (page,) = report.pages
    assert not page.status_correct
    assert page.claims == len(PARAGRAPHS)
    assert page.claims_in_body == 0
    assert report.overall["scored_pages"] == 0
    assert report.overall["status_accuracy"] == 0.0


def test_non_english_page_recognised_as_such_is_a_success(tmp_path: Path) -> None:
    french = "".join(f"<p>{paragraph}</p>" for paragraph in FRENCH)
    source = article_source(FRENCH, lang="fr")
    write_page(tmp_path, "port", source=source, expected=french, metadata={"lang": "fr"})
    report = evaluate_extraction(tmp_path, every_sentence)
    (page,) = report.pages
    assert (page.status, page.expected_status) == (SKIPPED, SKIPPED)
    assert page.claims == 0
    assert report.overall["status_accuracy"] == 1.0
    # Extraction itself is judged on every readerable page, whatever its language.
    assert page.text_f1 == pytest.approx(1.0)


def test_language_of_the_expected_body_decides_when_the_metadata_gives_none(
    tmp_path: Path,
) -> None:
    french = "".join(f"<p>{paragraph}</p>" for paragraph in FRENCH)
    write_page(
        tmp_path, "port", source=article_source(FRENCH), expected=french, metadata={"lang": None}
    )
    (page,) = evaluate_extraction(tmp_path, every_sentence).pages
    assert page.expected_status == SKIPPED
    assert page.status_correct


def test_skipped_page_is_not_mined(tmp_path: Path) -> None:
    write_page(tmp_path, "links", source="<html><body><p>Too short to be news.</p></body></html>")
    calls: list[Document] = []

    def record(document: Document) -> list[Claim]:
        calls.append(document)
        return []

    (page,) = evaluate_extraction(tmp_path, record).pages
    assert page.status == SKIPPED
    assert calls == []


def test_page_the_extractor_cannot_read_scores_zero(tmp_path: Path) -> None:
    write_page(tmp_path, "empty", source="")
    report = evaluate_extraction(tmp_path, every_sentence)
    (page,) = report.pages
    assert page.status == ERROR
    assert not page.title_correct
    assert page.text_f1 == 0.0
    assert report.overall["errors"] == 1


def test_folders_without_all_three_files_are_ignored(tmp_path: Path) -> None:
    write_page(tmp_path, "port", source=article_source())
    (tmp_path / "half").mkdir()
    (tmp_path / "half" / "source.html").write_text(article_source(), "utf-8")
    (tmp_path / "notes.txt").write_text("not a page", "utf-8")
    assert [page.name for page in evaluate_extraction(tmp_path, every_sentence).pages] == ["port"]


@pytest.mark.parametrize(
    ("got", "expected", "site", "same"),
    [
        ("The ‘birth lottery’  and mobility", "the 'birth lottery' and Mobility", "", True),
        (
            "Snopes writer asks a question",
            "Snopes writer asks a question - Breitbart",
            "Breitbart",
            True,
        ),
        ("Whale strandings | Eleanor Roy", "Whale strandings | Eleanor Roy", "the Guardian", True),
        ("Whale strandings", "Whale strandings | Eleanor Roy", "the Guardian", False),
        ("Snopes writer asks", "Snopes writer asks a question", "", False),
        ("", "", "", False),
    ],
)
def test_titles_match_ignoring_case_spacing_quotes_and_the_site_name(
    got: str, expected: str, site: str, same: bool
) -> None:
    assert title_matches(got, expected, site) is same


def test_token_f1_is_the_harmonic_mean_of_token_precision_and_recall() -> None:
    assert token_f1("a b c d", "a b c d") == 1.0
    # 2 shared of 4 extracted and of 2 expected: precision 0.5, recall 1.0.
    assert token_f1("a b x y", "A, b!") == pytest.approx(2 / 3)
    assert token_f1("x", "a") == 0.0
