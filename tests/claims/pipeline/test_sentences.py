from __future__ import annotations

from pathlib import Path

import pytest

from claims.pipeline.sentences import split_sentences
from claims.pipeline.text import document_from_text
from claims.pipeline.types import Sentence
from tests.paths import SAMPLE_ARTICLES

ARTICLES = sorted(SAMPLE_ARTICLES.glob("*.txt"))


def _texts(text: str) -> list[str]:
    return [sentence.text for sentence in split_sentences(text)]


def _assert_exact(text: str, sentences: list[Sentence]) -> None:
    for sentence in sentences:
        assert text[sentence.start : sentence.end] == sentence.text
        assert sentence.text == sentence.text.strip()


@pytest.mark.parametrize("path", ARTICLES, ids=lambda path: path.name[:3])
def test_offsets_point_at_each_sentence_in_the_sample_articles(path: Path) -> None:
    text = document_from_text(path.read_text(encoding="utf-8")).text
    sentences = split_sentences(text)
    _assert_exact(text, sentences)
    paragraphs = text.split("\n\n")
    assert {s.paragraph for s in sentences} == set(range(len(paragraphs)))
    for sentence in sentences:
        assert sentence.text in paragraphs[sentence.paragraph]
    # In order, not overlapping, and together they cover every word of the text.
    assert all(a.end <= b.start for a, b in zip(sentences, sentences[1:], strict=False))
    assert " ".join(s.text for s in sentences).split() == text.split()


def test_non_ascii_characters_count_as_one_offset_each() -> None:
    text = "Erdoğan hosted the talks in Türkiye. “Türkiye is ready,” he said. Emoji 😀 follow."
    sentences = split_sentences(text)
    _assert_exact(text, sentences)
    assert [s.text for s in sentences] == [
        "Erdoğan hosted the talks in Türkiye.",
        "“Türkiye is ready,” he said.",
        "Emoji 😀 follow.",
    ]
    assert sentences[2].start == text.index("Emoji")


def test_a_closing_quote_after_the_full_stop_stays_with_its_sentence() -> None:
    text = "The mayor stated that “this is not right.” In May, the council said more."
    assert _texts(text) == [
        "The mayor stated that “this is not right.”",
        "In May, the council said more.",
    ]


def test_a_quotation_ending_mid_sentence_does_not_split_it() -> None:
    text = '“Why?” he asked. She said "Stop. Now." and left the room.'
    assert _texts(text) == ["“Why?” he asked.", 'She said "Stop. Now." and left the room.']


def test_a_quotation_of_two_sentences_is_two_sentences() -> None:
    text = "“We would rather talk. If not, we will go on,” the envoy told the paper."
    assert _texts(text) == [
        "“We would rather talk.",
        "If not, we will go on,” the envoy told the paper.",
    ]


def test_abbreviations_and_initials_do_not_end_sentences() -> None:
    text = (
        "Mr. Smith met Dr. Jones and Gen. Milley in St. Petersburg at 3 p.m. on Friday. "
        "U.S. officials and George W. Bush were told. J. R. R. Tolkien was not."
    )
    assert _texts(text) == [
        "Mr. Smith met Dr. Jones and Gen. Milley in St. Petersburg at 3 p.m. on Friday.",
        "U.S. officials and George W. Bush were told.",
        "J. R. R. Tolkien was not.",
    ]


def test_an_abbreviation_can_still_end_a_sentence() -> None:
    assert _texts("Talks were held with the U.S. The next round is in May.") == [
        "Talks were held with the U.S.",
        "The next round is in May.",
    ]


def test_a_boundary_after_an_ordinary_word_is_never_missed() -> None:
    assert _texts("Gen. Milley said no. Sen. Warren agreed.") == [
        "Gen. Milley said no.",
        "Sen. Warren agreed.",
    ]


def test_sentences_never_cross_a_paragraph_break() -> None:
    text = "A heading without a full stop\n\nThe body starts here. It goes on.\n\n\nLast one"
    sentences = split_sentences(text)
    _assert_exact(text, sentences)
    assert [(s.text, s.paragraph) for s in sentences] == [
        ("A heading without a full stop", 0),
        ("The body starts here.", 1),
        ("It goes on.", 1),
        ("Last one", 2),
    ]


def test_surrounding_whitespace_is_outside_the_offsets() -> None:
    text = "   First one.    Second one.   \n\n  Third.  "
    sentences = split_sentences(text)
    _assert_exact(text, sentences)
    assert [s.text for s in sentences] == ["First one.", "Second one.", "Third."]


@pytest.mark.parametrize("text", ["", "   ", "\n\n \n"])
def test_empty_text_has_no_sentences(text: str) -> None:
    assert split_sentences(text) == []


def test_a_paragraph_of_titles_and_initials_is_split_in_linear_time() -> None:
    import time

    # Every full stop ends a title or an initial, so each split is merged into one growing
    # sentence: checking its last word must not reread all of it (quadratic: about 20 s).
    text = "Mr. A. B. " * 10_000

    started = time.monotonic()
    sentences = split_sentences(text)

    assert time.monotonic() - started < 5
    assert "".join(s.text for s in sentences).replace(" ", "") == text.replace(" ", "")


def test_a_paragraph_of_short_quotes_is_split_in_linear_time() -> None:
    import time

    # Each quote ends where blingfire does not cut: every span was checked against every
    # missed boundary of the paragraph (quadratic: about 20 s).
    text = "\u201cHe said it\u201d, she said. " * 30_000

    started = time.monotonic()
    sentences = split_sentences(text)

    assert time.monotonic() - started < 5
    assert len(sentences) == 30_000
