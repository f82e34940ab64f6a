from __future__ import annotations

from claims.pipeline.attribution import attribute
from claims.pipeline.sentences import split_sentences


def _rule_speakers(text: str) -> list[str]:
    sentences = split_sentences(text)
    return [a.speaker if a else "" for a in attribute(text, sentences, ranker=None)]


def test_a_word_capitalised_only_where_it_opens_a_sentence_is_no_speaker() -> None:
    text = (
        "Direct talks between the two cities are set to resume on Thursday. "
        "Direct flights were cancelled last year."
    )
    assert _rule_speakers(text)[0] == ""


def test_a_name_that_opens_a_sentence_and_is_named_elsewhere_still_speaks() -> None:
    text = "Mayor Lena Park opened the session. Park warns the unions every week."
    assert _rule_speakers(text)[1] == "Lena Park"


def test_a_thing_after_a_preposition_is_not_the_subject() -> None:
    text = "The developer behind the proposed Harbor Point stadium says it will cost nothing."
    assert _rule_speakers(text) == [""]


def test_a_body_after_for_speaks_through_its_spokeswoman() -> None:
    text = "A spokeswoman for the Riverton campaign said the ad would run on Monday."
    assert _rule_speakers(text) == ["Riverton campaign"]


def test_voters_in_a_named_poll_are_the_polls_finding() -> None:
    text = "Voters in a Harbor Gazette poll said the stadium was too expensive."
    assert _rule_speakers(text) == ["Harbor Gazette poll"]


def test_a_sentence_opening_with_said_takes_the_name_after_it() -> None:
    text = (
        "Neighbours said he was kind. "
        'Said Ann Ward, who grew up on the street, "We were proud of him."'
    )
    assert _rule_speakers(text)[1] == "Ann Ward"


def test_a_spokesmans_name_in_apposition_after_the_body_is_the_speaker() -> None:
    text = (
        "The plan was dropped, said a former spokesman for the Harbor Ministry, Oleg Marin, "
        "who left in May."
    )
    assert _rule_speakers(text) == ["Oleg Marin"]


def test_an_adviser_to_someone_after_the_verb_is_that_persons_adviser() -> None:
    text = (
        "Tom Baker spoke on Monday. "
        "\u201cIt is hard,\u201d said a longtime adviser to Tom Baker, who declined to be named."
    )
    assert _rule_speakers(text)[1] == "Tom Baker's adviser"


def test_a_letter_to_a_body_does_not_make_the_body_a_speaker() -> None:
    text = "In a letter to Senate colleagues released Monday, Ann Ward attacks the deal."
    assert _rule_speakers(text) == ["Ann Ward"]


def test_asked_opening_a_sentence_is_no_cue() -> None:
    text = "Asked about the budget, Ann Ward said the city would borrow."
    assert _rule_speakers(text) == ["Ann Ward"]


def test_a_person_speaking_in_an_outlets_interview_is_the_source() -> None:
    text = (
        "In a Harbor Gazette interview on Monday, Ann Ward said the budget would pass. "
        "In a video put out by the Baker campaign, Tom Perry said his friend was ready."
    )
    assert _rule_speakers(text) == ["Ann Ward", "Tom Perry"]


def test_a_body_after_an_opening_report_phrase_stays_the_source() -> None:
    text = "In a report released on Monday, the Harbor Institute said rents rose by 9 percent."
    assert _rule_speakers(text) == ["Harbor Institute"]


def test_a_name_in_apposition_to_a_role_after_said_is_the_speaker() -> None:
    text = "The port is failing under imports, said the company’s chief executive, Tom Baker."
    assert _rule_speakers(text) == ["Tom Baker"]


def test_a_name_ending_in_ly_that_the_article_names_elsewhere_is_a_subject() -> None:
    text = (
        "Rep. Ann Jolly spoke first. Jolly said she would be cautious. "
        "Similarly, Tom Baker said the port was failing."
    )
    assert _rule_speakers(text) == ["", "Ann Jolly", "Tom Baker"]


def test_places_listed_after_a_preposition_are_not_the_speaker() -> None:
    text = (
        "Most Harbor Party voters in Ohio, Iowa and Maine said the port must close. "
        "The governors of Ohio, Iowa and Maine took turns rebutting the plan."
    )
    assert _rule_speakers(text) == ["Harbor Party voters", ""]


def test_a_group_described_in_a_frame_inside_the_sentence_is_its_source() -> None:
    text = (
        "The toll, council members said, will rise next year. "
        "The ferry, two harbor officials told reporters, will stop in May. "
        "The tunnel, officials said, will open in June."
    )
    assert _rule_speakers(text) == ["council members", "two harbor officials", ""]


def test_a_lower_case_particle_opening_a_surname_stays_with_it() -> None:
    assert _rule_speakers("The toll will rise, de Miranda said.") == ["de Miranda"]
    text = "Ana de Miranda runs the port. The toll will rise, de Miranda said."
    assert _rule_speakers(text) == ["", "Ana de Miranda"]


def test_a_rank_with_an_ordinal_after_said_leaves_the_name() -> None:
    text = "“We held the bridge,” said Air Force 1st Lt. Ann Ward."
    assert _rule_speakers(text) == ["Ann Ward"]


def test_a_role_tied_to_a_place_is_no_one_the_article_never_ties_to_it() -> None:
    text = (
        "Tom Baker spoke in Dayton. Ann Ward spoke later. "
        "“He is weak,” the former Harbor State governor said. "
        "Harbor State Gov. Lee Park arrived. “We will win,” the Harbor State governor said."
    )
    assert _rule_speakers(text) == ["", "", "", "", "Lee Park"]


def test_a_role_ends_its_subject_and_modifies_no_noun_after_it() -> None:
    text = "Tom Baker spoke in Dayton. The Harbor State senator emailed supporters saying no."
    assert _rule_speakers(text) == ["", ""]
    text = "NATO’s secretary general called on the regime to stop."
    assert _rule_speakers(text) == ["NATO's secretary general"]


def test_a_comma_after_a_party_and_state_does_not_hide_the_name() -> None:
    text = (
        "Rep. Ann Ward (R-Ohio), said the port would close. "
        "Tom Baker, chairman of Harbor Watch (a party group), tweeted that it would not."
    )
    assert _rule_speakers(text) == ["Ann Ward", "Tom Baker"]


def test_words_that_open_a_sentence_but_name_no_one_are_not_speakers() -> None:
    text = (
        "Amid the protests, Tom Baker wrote a letter saying the port would close. "
        "Another tweeted, “The port is closed.” "
        "Just ask Ann Ward."
    )
    assert _rule_speakers(text) == ["Tom Baker", "", ""]
    text = "“We are anxious,” said another ferry worker, Lee Park."
    assert _rule_speakers(text) == ["Lee Park"]


def test_has_since_said_and_a_long_aside_in_parentheses_keep_the_subject() -> None:
    text = (
        "Ann Ward has since said she would back the tunnel. "
        "Tom Baker (who has 25 delegates to date) said a win is possible."
    )
    assert _rule_speakers(text) == ["Ann Ward", "Tom Baker"]


def test_taking_to_a_platform_to_say_something_is_the_takers_statement() -> None:
    text = (
        "Ann Ward took to Twitter to say the port would reopen in May. "
        "Senator Tom Baker took to the Senate floor on Monday to argue that fares must fall. "
        "Lee Park took the ferry to Dover to say goodbye to her mother."
    )
    assert _rule_speakers(text) == ["Ann Ward", "Tom Baker", ""]


def test_an_aside_after_the_opening_name_without_its_closing_comma_describes_that_name() -> None:
    text = (
        "Katie Packer, who is chairman of the Harbor Watch PAC said the port would close. "
        "Lee Park, a lawyer for the tenants said the law was void. "
        "Ann Ward, who Tom Baker says is the best mayor, opened the port."
    )
    assert _rule_speakers(text) == ["Katie Packer", "Lee Park", "Tom Baker"]


def test_the_main_clause_speaks_after_an_opening_subordinate_clause() -> None:
    text = (
        "While Ann Ward pledged to cut fares, Tom Baker insisted that the port must close. "
        "While Lee Park said the port would close, the council voted to keep it open."
    )
    assert _rule_speakers(text) == ["Tom Baker", "Lee Park"]
