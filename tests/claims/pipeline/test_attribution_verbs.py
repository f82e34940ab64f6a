from __future__ import annotations

from claims.pipeline.attribution import attribute
from claims.pipeline.sentences import split_sentences


def _rule_speakers(text: str) -> list[str]:
    sentences = split_sentences(text)
    return [a.speaker if a else "" for a in attribute(text, sentences, ranker=None)]


def test_a_verb_after_continued_to_keeps_its_subject() -> None:
    text = "Tom Baker continued to insist that the port had never flooded."
    assert _rule_speakers(text) == ["Tom Baker"]


def test_a_refusal_to_say_is_the_spokesmans() -> None:
    text = "Harbor Board spokesman Lee Park wouldn't say when the vote would be held."
    assert _rule_speakers(text) == ["Lee Park"]


def test_went_on_to_say_is_read_through() -> None:
    text = "Mayor Ann Ward opened the session. Ward went on to say the budget was balanced."
    assert _rule_speakers(text)[1] == "Ann Ward"


def test_an_adverb_like_however_between_subject_and_verb_is_skipped() -> None:
    text = "Ann Ward however said the tunnel would open in May."
    assert _rule_speakers(text) == ["Ann Ward"]


def test_who_is_spoken_of_in_the_passive_is_not_the_speaker() -> None:
    text = (
        "Shortly after Ann Ward was declared the winner in Riverton, "
        "Tom Baker told supporters that he would run again."
    )
    assert _rule_speakers(text) == ["Tom Baker"]


def test_who_is_told_in_the_passive_says_nothing() -> None:
    text = "Ann Ward was told the tunnel would close."
    assert _rule_speakers(text) == [""]


def test_an_outlet_that_reports_is_the_source() -> None:
    text = "The Harbor Gazette reports that the tunnel will close in May."
    assert _rule_speakers(text) == ["Harbor Gazette"]


def test_a_reporter_named_after_the_sentence_reports_it() -> None:
    text = "The tunnel will close in May, Lena Park reports."
    assert _rule_speakers(text) == ["Lena Park"]


def test_a_verb_that_is_also_a_noun_reads_as_a_verb_before_its_object() -> None:
    text = "The Ward campaign calls it a smear. The Ward campaign attack was sharp."
    assert _rule_speakers(text) == ["Ward campaign", ""]


def test_a_named_poll_reports_past_the_phrase_that_follows_it() -> None:
    text = (
        "A Harbor Gazette poll released Saturday found that most voters backed the tunnel. "
        "A new Riverton Herald survey of voters under 30 shows a wide divide."
    )
    assert _rule_speakers(text) == ["Harbor Gazette poll", "Riverton Herald survey"]


def test_an_unnamed_document_gives_no_speaker() -> None:
    text = "A court filing released Thursday says the manager will not be charged."
    assert _rule_speakers(text) == [""]


def test_a_name_and_her_colleagues_are_the_name() -> None:
    text = (
        "Ann Ward and her colleagues found that the harbor lost jobs. "
        "Tom Baker and others said the vote was rigged. "
        "Lee Park and his aides have told the board that he will run. "
        "Rita Sosa and her supporters argue the rules favour the board."
    )
    assert _rule_speakers(text) == ["Ann Ward", "Tom Baker", "Lee Park", "Rita Sosa"]


def test_a_hyphenated_description_after_said_keeps_the_name() -> None:
    text = '"The tunnel is late," said Riverton boat-repair owner Lena Park.'
    assert _rule_speakers(text) == ["Lena Park"]


def test_according_to_an_outlet_whose_name_opens_with_the_is_the_outlets() -> None:
    text = "The ferry was late, according to The Harbor Gazette."
    assert _rule_speakers(text) == ["Harbor Gazette"]


def test_according_to_a_dated_study_is_the_bodys() -> None:
    text = "Most firms fund leave, according to a 2014 Riverton Labor Board study."
    assert _rule_speakers(text) == ["Riverton Labor Board"]


def test_a_participle_after_by_speaks_for_the_clauses_subject() -> None:
    text = "Tom Baker closed the meeting by saying the port would reopen."
    assert _rule_speakers(text) == ["Tom Baker"]


def test_continued_beside_a_quotation_is_speech() -> None:
    text = '"The port will reopen," Ann Ward continued. Tom Baker continued to work at the port.'
    assert _rule_speakers(text) == ["Ann Ward", ""]


def test_a_name_and_other_officials_are_the_name() -> None:
    text = "Mayor Ann Ward and other officials have said the tunnel is safe."
    assert _rule_speakers(text) == ["Ann Ward"]


def test_a_paragraph_ending_with_its_speaker_and_a_colon_introduces_the_next() -> None:
    text = (
        "Ann Ward wrote in a statement:\n\n"
        "The port will reopen in May. It was never at risk.\n\n"
        "The council meets on Monday."
    )
    assert _rule_speakers(text) == ["Ann Ward", "Ann Ward", "Ann Ward", ""]


def test_the_senator_is_not_the_president_named_last() -> None:
    text = (
        "Sen. Ann Ward met President Tom Baker on Monday. Baker left early. "
        '"It is wrong," the senator said.'
    )
    assert _rule_speakers(text)[2] == "Ann Ward"


def test_spoke_at_a_rally_reports_nothing_but_stated_that_does() -> None:
    text = (
        "Ann Ward spoke at a rally in Riverton on Monday. "
        "Tom Baker stated that the port would reopen. "
        "Several Western states backed the plan."
    )
    assert _rule_speakers(text) == ["", "Tom Baker", ""]


def test_a_countrys_government_speaks_but_its_troops_name_no_one() -> None:
    text = "The Ruritanian government claims the border is open. Ruritanian troops said nothing."
    assert _rule_speakers(text) == ["Ruritanian government", ""]


def test_dismissing_a_comment_is_speech() -> None:
    text = "Harbor Board spokeswoman Lena Park dismissed the comment as a distraction."
    assert _rule_speakers(text) == ["Lena Park"]


def test_an_average_of_polls_reports() -> None:
    text = "A Harbor Gazette average of polls shows the mayor ahead by two points."
    assert _rule_speakers(text) == ["Harbor Gazette average"]


def test_stated_before_a_clause_without_that_is_speech() -> None:
    text = "Harbor Board chairman Tom Baker stated Ann Ward was careless."
    assert _rule_speakers(text) == ["Tom Baker"]


def test_quoted_a_witness_as_saying_is_the_outlets_report() -> None:
    text = "The Harbor Gazette quoted a ferry worker as saying the tunnel had flooded."
    assert _rule_speakers(text) == ["Harbor Gazette"]


def _kinds(text: str) -> list[tuple[str, str]]:
    sentences = split_sentences(text)
    return [(a.speaker, a.speaker_kind) if a else ("", "") for a in attribute(text, sentences)]


def test_an_attack_in_deeds_is_no_speech_and_one_in_words_is() -> None:
    text = (
        "Hard-line militants known as the Red Hand attacked bars and art galleries in 2011. "
        "Senator Ann Ward attacked the governor over the budget. "
        "Ward attacked the plan as reckless. "
        "Tom Baker attacked Ward on Monday."
    )
    assert _rule_speakers(text) == ["", "Ann Ward", "Ann Ward", "Tom Baker"]


def test_an_organisation_named_with_and_keeps_its_whole_name() -> None:
    text = (
        "Tourism made up 15 percent of the economy, according to the World Travel and Tourism "
        "Council. The plan is sound, the Bill and Melinda Gates Foundation said. "
        "Ann Ward and Tom Baker said the vote was close."
    )
    assert _rule_speakers(text)[:2] == [
        "World Travel and Tourism Council",
        "Bill and Melinda Gates Foundation",
    ]
    assert _rule_speakers(text)[2] != "Ann Ward and Tom Baker"


def test_a_name_that_speaks_of_itself_as_it_is_a_company_and_no_he() -> None:
    text = (
        "Whole Foods said it has lowered prices on hundreds of items. "
        "“People are watching out for the resource,” he said. "
        "The Harbor Courier reported that the pier would close."
    )
    assert _kinds(text) == [
        ("Whole Foods", "organization"),
        ("", ""),
        ("Harbor Courier", "organization"),
    ]


def test_a_person_who_says_it_is_still_a_person() -> None:
    text = "Tom Forte said it was a risky plan. Forte said prices would fall."
    assert _kinds(text) == [("Tom Forte", "person"), ("Tom Forte", "person")]


def test_a_particle_inside_a_name_keeps_the_name_whole() -> None:
    text = (
        "Mayor Bill de Blasio said the subway would reopen. "
        "Vincent van der Berg said the dike had held."
    )
    assert _kinds(text) == [("Bill de Blasio", "person"), ("Vincent van der Berg", "person")]


def test_a_clause_that_introduces_a_quotation_with_a_colon_gives_its_subject() -> None:
    text = (
        "Ann Ward delivered a blunt message to the board: “The port will not close. "
        "We have the money.”"
    )
    assert _rule_speakers(text) == ["Ann Ward", "Ann Ward"]


def test_a_name_set_off_before_a_colon_and_a_quotation_is_its_speaker() -> None:
    text = "Tunnel costs set to double - Tom Baker: “The estimates were wrong from the start.”"
    assert _rule_speakers(text) == ["Tom Baker"]


def test_a_colon_after_a_phrase_with_no_subject_names_no_one() -> None:
    text = (
        "From the Ward campaign’s statement: “We will win.” "
        "Giant screens showed a slogan: “Build the tunnel.”"
    )
    assert _rule_speakers(text) == ["", ""]


def test_a_share_of_a_named_group_speaks_as_that_share() -> None:
    text = (
        "Asked about the tunnel, 54 percent of Democrats said it cost too much. "
        "Two-thirds of Republicans say the port should stay open."
    )
    assert _rule_speakers(text) == ["54 percent of Democrats", "Two-thirds of Republicans"]


def test_figures_found_in_a_named_poll_are_the_polls() -> None:
    text = (
        "In a Harbor Gazette poll released Monday, Ann Ward led Tom Baker by six points. "
        "Baker trails in the latest Riverton Herald survey. "
        "Ward campaigned in Ohio, where a poll showed her ahead."
    )
    assert _rule_speakers(text) == ["Harbor Gazette poll", "Riverton Herald survey", ""]


def test_declined_to_comment_is_said_whatever_the_subject_looks_like() -> None:
    text = (
        "The Harbor Board, which runs the ferries, declined to comment. "
        "The Ward campaign declined to comment on the poll."
    )
    assert _rule_speakers(text) == ["Harbor Board", "Ward campaign"]


def test_according_to_a_bodys_analyst_is_the_analyst() -> None:
    text = (
        "The port lost money, according to Harbor News legal analyst Judge Ann Ward. "
        "The tunnel leaked, according to Tom Baker’s former aide Lee Park."
    )
    assert _rule_speakers(text) == ["Ann Ward", "Lee Park"]


def test_a_verb_that_ends_its_sentence_before_a_quotation_introduces_it() -> None:
    text = (
        "Ann Ward continued her remarks.\n\n"
        "“The port will close. It was never safe.”\n\n"
        "Tom Baker began scanning the crowd. “Nobody came,” a guard said."
    )
    assert _rule_speakers(text) == ["Ann Ward", "Ann Ward", "Ann Ward", "", ""]


def test_a_named_poll_before_its_phrase_and_a_papers_finding_report() -> None:
    text = (
        "A Harbor Gazette poll out Monday showed Ann Ward with a lead. "
        "The Harbor Times found voters favored Ward. "
        "Exit polls taken in Dayton found that Ward led. "
        "The Harbor Times found itself short of staff."
    )
    assert _rule_speakers(text) == ["Harbor Gazette poll", "Harbor Times", "", ""]


def test_a_thing_said_is_the_source_after_from_but_a_stance_or_a_list_is_not() -> None:
    text = (
        "The levy has drawn sharp criticism from Senator Ann Ward. "
        "The column printed an admission from Tom Baker that the dam had leaked. "
        "The plan has won support from Lee Park. "
        "His comments on everything from ferries to Rita Sosa drew a crowd."
    )
    assert _rule_speakers(text) == ["Ann Ward", "Tom Baker", "", ""]


def test_what_follows_a_participle_is_what_was_said_not_its_speaker() -> None:
    text = (
        "A Norwegian official responded by saying Sweden should be careful. "
        "In May, a federal judge sided with the tenants, saying the law broke the Constitution."
    )
    assert _rule_speakers(text) == ["", ""]


def test_a_participle_opening_the_sentence_is_the_main_clauses_subjects() -> None:
    text = (
        "Since announcing in October that he would not run, Tom Baker has backed the levy. "
        "Having said that the port would close, Judge Lee Park adjourned. "
        "After saying goodbye, the crew left the port."
    )
    assert _rule_speakers(text) == ["Tom Baker", "Lee Park", ""]


def test_a_participle_set_off_after_the_opening_name_is_that_names() -> None:
    text = "Lee Park, writing in the Harbor Times, noticed that rents had doubled."
    assert _rule_speakers(text) == ["Lee Park"]


def test_a_verb_coordinated_after_a_present_tense_keeps_the_opening_subject() -> None:
    text = "Harbor Works keeps its finances secret but says its business has tripled."
    assert _rule_speakers(text) == ["Harbor Works"]


def test_a_day_and_its_part_between_subject_and_verb_are_skipped() -> None:
    text = "Harbor Board spokesman Lee Park on Thursday evening said the Green Party was calm."
    assert _rule_speakers(text) == ["Lee Park"]


def test_the_name_a_relative_clause_describes_speaks_not_a_name_inside_it() -> None:
    text = "Lee Park, who lives outside the state capital, Dover, said he prays for rain."
    assert _rule_speakers(text) == ["Lee Park"]


def test_an_agent_after_by_is_the_person_named_after_the_role_and_not_the_day() -> None:
    text = (
        "The plan was criticized by Harbor Works chief executive Tom Baker. "
        "The closure was first reported by the Springfield Ledger on Monday."
    )
    assert _rule_speakers(text) == ["Tom Baker", "Springfield Ledger"]


def test_shooting_back_and_doubling_down_are_statements_but_gunfire_is_not() -> None:
    text = (
        "“They are all here for the free stuff,” Tom Baker shot back with a laugh. "
        "Ann Ward doubled down on her claim that the port lost money. "
        "The guard shot back at the attackers."
    )
    assert _rule_speakers(text) == ["Tom Baker", "Ann Ward", ""]
