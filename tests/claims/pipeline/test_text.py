from __future__ import annotations

import re
from functools import cache

import pytest

from claims.pipeline.errors import ExtractionError
from claims.pipeline.text import document_from_text, sanitise
from claims.pipeline.types import Document
from tests.paths import SAMPLE_ARTICLES

ARTICLES = sorted(path.name for path in SAMPLE_ARTICLES.glob("*.txt"))

# Scraper leftovers in the samples; none may reach the cleaned text.
BOILERPLATE = [
    "Support The Moscow Times",
    "small favor to ask",
    "support us monthly",
    "Not ready to support",
    "Remind me later",
    "paiment methods",
    "Read more",
    "No comments",
    "Post a Comment",
    "Dear readers",
    "commenting system",
    "bookmark-bicon",
    "chevron",
    "Why It Matters",
    "What To Know",
    "Talks require preparation",
    "Diplomacy amid offensives",
    "Podcasts",
    "(AP)",
    "Apr 22, 2025",
    "09:04",
    "48:25",
    "51:42",
]

# Short phrases from each article's own paragraphs, which must survive cleaning.
KEPT = {
    "000": ["denied on Wednesday", "this is not true", "within 24 hours", "peace formula"],
    "001": ["put out feelers", "That’s false information", "Xi Jinping", "neutral status"],
    "002": ["a report from Financial Times", "sources told the Times", "Kherson"],
    "003": ["set to resume in Istanbul", "if something happened", "semi-fuhrer"],
    "004": ["confidential contacts", "non-public format", "Vostok group", "not provoked by us"],
}

# A few words of each headline; the headline itself is read from the file.
TITLES = {
    "000": "Discuss Ukraine Peace",
    "001": "Sending Signals",
    "003": "rules out Putin appearance",
    "004": "maintain Ukraine talks",
}


@cache
def _document(name: str) -> Document:
    return document_from_text((SAMPLE_ARTICLES / name).read_text(encoding="utf-8"))


def _article(prefix: str) -> str:
    return next(name for name in ARTICLES if name.startswith(prefix))


def test_the_five_sample_articles_are_there() -> None:
    assert len(ARTICLES) == 5


@pytest.mark.parametrize("name", ARTICLES)
def test_no_boilerplate_survives_cleaning(name: str) -> None:
    text = _document(name).text
    for leftover in BOILERPLATE:
        assert leftover not in text, leftover


@pytest.mark.parametrize("name", ARTICLES)
def test_every_kept_paragraph_is_prose(name: str) -> None:
    paragraphs = _document(name).text.split("\n\n")
    for paragraph in paragraphs:
        assert paragraph == paragraph.strip()
        assert "\n" not in paragraph and "  " not in paragraph
        # Subheads, captions, lone dashes and bare dates are all short.
        assert len(paragraph.split()) > 8, paragraph
        assert not re.fullmatch(r"[\d\s:,.-]*", paragraph)


@pytest.mark.parametrize("prefix", sorted(KEPT))
def test_the_articles_own_paragraphs_survive(prefix: str) -> None:
    text = _document(_article(prefix)).text
    for phrase in KEPT[prefix]:
        assert phrase in text, phrase


@pytest.mark.parametrize("prefix", sorted(TITLES))
def test_title_is_the_first_line_that_is_not_boilerplate(prefix: str) -> None:
    name = _article(prefix)
    document = _document(name)
    lines = (SAMPLE_ARTICLES / name).read_text(encoding="utf-8").splitlines()
    assert TITLES[prefix] in document.title
    assert document.title in lines  # a whole line of the input, as it was
    assert document.title not in document.text  # a repeated title line is dropped too


def test_a_first_line_that_is_a_full_sentence_is_also_the_lede() -> None:
    document = _document(_article("002"))
    assert document.title.endswith("a report from Financial Times.")
    assert document.text.startswith(document.title)


def test_the_deck_under_a_headline_is_kept() -> None:
    assert _document(_article("000")).text.startswith("Politico earlier reported")


@pytest.mark.parametrize("name", ARTICLES)
def test_sample_articles_are_english_articles(name: str) -> None:
    document = _document(name)
    assert document.language == "en"
    assert document.is_article
    assert document.skip_reason == ""


def test_cleaned_text_keeps_the_paragraph_count_of_the_body() -> None:
    # 004: 18 lines; the title, a dash, a caption, two subheads and a "Read more" link go.
    paragraphs = _document(_article("004")).text.split("\n\n")
    assert len(paragraphs) == 12
    assert paragraphs[0].startswith("Kremlin spokesman Dmitry Peskov reaffirmed")


@pytest.mark.parametrize("raw", ["", "   ", "\n\n\t \r\n"])
def test_empty_input_is_refused(raw: str) -> None:
    with pytest.raises(ExtractionError):
        document_from_text(raw)


def test_input_that_is_only_boilerplate_is_not_an_article() -> None:
    document = document_from_text("Read more\n\nPost a Comment\n\n0:00\n\nApr 22, 2025\n")
    assert document.text == ""
    assert not document.is_article


def test_windows_newlines_controls_and_unicode_are_normalised() -> None:
    raw = (
        "A headline\r\n\r\nThe Cafe\u0301 owner said the zero\u200bwidth\x07 space and the "
        "no-break\u00a0space are gone,\tand tabs too, in this long enough paragraph.\r\n"
    )
    document = document_from_text(raw)
    assert document.title == "A headline"
    assert document.text == (
        "The Café owner said the zerowidth space and the no-break space are gone, and tabs "
        "too, in this long enough paragraph."
    )


def test_sanitise_keeps_paragraph_breaks() -> None:
    assert sanitise("a\r\nb\rc\u2029d") == "a\nb\nc\nd"


def test_hard_wrapped_lines_are_joined_into_one_paragraph() -> None:
    raw = (
        "Title\n\nThe minister said on Monday that the bridge would\nreopen in June, "
        "two months later than planned.\n\nA second paragraph follows here with more words."
    )
    paragraphs = document_from_text(raw).text.split("\n\n")
    assert paragraphs[0] == (
        "The minister said on Monday that the bridge would reopen in June, two months later "
        "than planned."
    )
    assert len(paragraphs) == 2


def test_an_appeal_box_inside_the_article_does_not_cut_the_rest() -> None:
    body = " ".join(["The committee heard evidence from nine witnesses over two days."] * 3)
    raw = "\n\n".join(
        [
            "Title",
            body,
            body.replace("committee", "panel"),
            "Subscribe to our newsletter for more stories like this!",
            "Already a subscriber? Sign in",
            body.replace("committee", "court"),
        ]
    )
    text = document_from_text(raw).text
    assert "Subscribe" not in text and "subscriber" not in text
    assert "The court heard evidence" in text


def test_credit_lines_captions_and_read_more_links_are_removed() -> None:
    body = "The governor signed the budget on Friday after a month of talks with lawmakers."
    raw = "\n".join(
        [
            "Budget signed",
            "Governor Jane Doe.",
            "The governor speaks at the capitol in Albany, May 2, 2025 (Reuters)",
            body,
            "Read more: Lawmakers pass the budget",
            "Photo: John Smith",
            "Photo: Mayor Jane Doe at City Hall after the vote.",
            "Video: Lawmakers debate the budget for 14 hours.",
            "12 June 2025, 14:30",
        ]
    )
    assert document_from_text(raw).text == body


def test_quoted_appeal_words_in_news_prose_are_kept() -> None:
    paragraph = (
        "The president told the crowd: “We need your support and your help to rebuild,” "
        "before leaving for the capital on Sunday evening."
    )
    assert document_from_text(f"Title\n\n{paragraph}").text == paragraph


def test_a_given_title_is_not_taken_from_the_first_line() -> None:
    body = "The first line is a paragraph of the article, long enough to stay in the text."
    document = document_from_text(body, title="Given title")
    assert document.title == "Given title"
    assert document.text == body


def test_many_hard_wrapped_lines_are_joined_in_linear_time() -> None:
    import time

    # Each line continues the one before (no end punctuation, lower-case start): joining
    # them must not rebuild and search the whole paragraph per line (quadratic: about 20 s).
    raw = "Wrapped lines\n\n" + "the minister said taxes rose\n" * 10_000

    started = time.monotonic()
    document = document_from_text(raw)

    assert time.monotonic() - started < 5
    assert document.text.count("the minister said taxes rose") == 10_000
