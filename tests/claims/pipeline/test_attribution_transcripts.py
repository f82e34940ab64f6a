from __future__ import annotations

from claims.pipeline.attribution import attribute
from claims.pipeline.sentences import split_sentences


def _rule_speakers(text: str) -> list[str]:
    sentences = split_sentences(text)
    return [a.speaker if a else "" for a in attribute(text, sentences, ranker=None)]


INTERVIEW = (
    "On Sunday, Jake Tapper interviewed Gov. Mary Fallin.\n\n"
    "TAPPER: Do you back the plan?\n\n"
    "FALLIN: I back it. The state needs the money.\n\n"
    "TAPPER: Why now?\n\n"
    "The governor left after the interview."
)


def test_a_speaker_line_in_capitals_names_the_person_the_article_names() -> None:
    speakers = _rule_speakers(INTERVIEW)
    assert speakers[1] == "Jake Tapper"
    assert speakers[2] == "Mary Fallin"
    assert speakers[4] == "Jake Tapper"


def test_a_speaker_line_speaks_for_the_rest_of_its_paragraph_and_no_further() -> None:
    speakers = _rule_speakers(INTERVIEW)
    assert speakers[3] == "Mary Fallin"  # "The state needs the money."
    assert speakers[5] == ""  # the article's own sentence after the transcript


def test_a_full_name_in_capitals_is_read_as_a_name() -> None:
    text = "The debate went on.\n\nKATE BOLDUAN: Why not debate?\n\nIt ended at noon."
    assert _rule_speakers(text)[1] == "Kate Bolduan"


def test_a_heading_in_capitals_is_no_speaker() -> None:
    text = (
        "The council met on Monday and published the correction below.\n\n"
        "CORRECTION: An earlier version of this story misspelled the mayor's name.\n\n"
        "UPDATE: The vote was moved to Friday."
    )
    assert _rule_speakers(text)[1:] == ["", ""]


def test_a_capitalised_label_no_one_in_the_article_bears_is_no_speaker() -> None:
    text = "Ann Ward chaired the hearing.\n\nBOOM: The budget passed by one vote."
    assert _rule_speakers(text)[1] == ""
