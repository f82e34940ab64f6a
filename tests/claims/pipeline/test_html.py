from __future__ import annotations

import json
import random

import pytest

from claims.evaluation.extraction import html_text, token_f1
from claims.pipeline.errors import ExtractionError
from claims.pipeline.html import document_from_html
from claims.pipeline.html.patterns import MIN_ARTICLE_WORDS
from claims.pipeline.language import detect_language
from tests.paths import CORPUS

HTML_PAGES = CORPUS / "html"
CORPUS_PAGES = sorted(path.name for path in HTML_PAGES.iterdir() if path.is_dir())

STORY = [
    "The city council voted on Tuesday to spend $12 million on new water pipes for the "
    "northern districts, where residents have complained about brown tap water since 2019. "
    "The vote was seven to two.",
    "Council member Ana Ortiz said the old cast-iron mains were installed in the 1950s and "
    "now break about forty times a year, according to figures from the utility. Each repair "
    "costs the city about $30,000.",
    "The utility's director told reporters that the work would start in March and take two "
    "years, and that households would not see higher bills before 2026. Streets will be "
    "closed one block at a time.",
    "Opponents argued that the money should go to road repairs instead. A petition against "
    "the plan collected 3,400 signatures in three weeks, organisers said, and they plan to "
    "take it to the mayor.",
    "The state environmental agency found lead above the federal action level in 7 percent "
    "of the homes it tested last year, up from 4 percent in 2021. The agency has not named "
    "the streets involved.",
    "The council will publish a map of the affected streets next month and hold two public "
    "meetings in the northern districts before the digging begins, the council's spokesman "
    "said on Wednesday.",
]


def article_page(
    body: str = "",
    *,
    lang: str = "en",
    head: str = "",
    title: str = "Council approves $12 million to replace water pipes",
) -> str:
    paragraphs = body or "".join(f"<p>{paragraph}</p>" for paragraph in STORY)
    return f"""<!DOCTYPE html>
<html lang="{lang}"><head><meta charset="utf-8">
<title>{title} - The Daily Example</title>
<meta property="og:site_name" content="The Daily Example">
{head}
</head><body>
<header><nav><a href="/">Home</a> <a href="/local">Local</a> <a href="/sport">Sport</a></nav>
</header>
<main><article>
<h1>{title}</h1>
<p class="byline">By Jane Reporter</p>
{paragraphs}
</article></main>
<footer><p>Copyright The Daily Example. All rights reserved.</p></footer>
</body></html>"""


def test_every_corpus_page_keeps_most_of_its_expected_body() -> None:
    scores = {}
    for name in CORPUS_PAGES:
        page = HTML_PAGES / name
        document = document_from_html((page / "source.html").read_text("utf-8"))
        expected = html_text((page / "expected.html").read_text("utf-8"))
        scores[name] = token_f1(document.text, expected)
    assert len(scores) == 16
    assert {name: score for name, score in scores.items() if score < 0.85} == {}


def test_corpus_pages_say_who_wrote_them_and_where() -> None:
    page = HTML_PAGES / "aclu"
    metadata = json.loads((page / "expected-metadata.json").read_text("utf-8"))
    document = document_from_html((page / "source.html").read_text("utf-8"))
    assert document.byline == metadata["byline"]
    assert document.site_name == metadata["siteName"]
    assert document.published.startswith(metadata["publishedTime"][:10])
    assert document.canonical_url.startswith("https://www.aclu.org/")
    assert document.language == "en"


def test_text_is_the_story_in_paragraphs_separated_by_blank_lines() -> None:
    document = document_from_html(article_page())
    assert document.text.split("\n\n") == STORY
    assert document.is_article
    assert document.skip_reason == ""


def test_paragraphs_written_with_double_line_breaks_are_separate_paragraphs() -> None:
    document = document_from_html(article_page("<div>" + "<br><br>".join(STORY) + "</div>"))
    assert document.text.split("\n\n") == STORY


def test_a_single_line_break_stays_inside_its_paragraph() -> None:
    body = f"<p>{STORY[0]}<br>{STORY[1]}</p>" + "".join(f"<p>{p}</p>" for p in STORY[2:])
    document = document_from_html(article_page(body))
    assert document.text.split("\n\n")[0] == f"{STORY[0]} {STORY[1]}"


def test_table_rows_become_paragraphs_of_cells() -> None:
    table = (
        "<table><tr><th>District</th><th>Breaks a year</th></tr>"
        "<tr><td>North</td><td>40</td></tr><tr><td>South</td><td>12</td></tr></table>"
    )
    body = "".join(f"<p>{paragraph}</p>" for paragraph in STORY) + table
    document = document_from_html(article_page(body))
    assert document.text.split("\n\n")[-3:] == [
        "District | Breaks a year",
        "North | 40",
        "South | 12",
    ]


def test_title_is_the_headline_without_the_site_name() -> None:
    document = document_from_html(article_page())
    assert document.title == "Council approves $12 million to replace water pipes"
    assert document.site_name == "The Daily Example"


def test_social_title_wins_over_page_title_and_loses_its_site_suffix() -> None:
    head = '<meta property="og:title" content="Water pipes to be replaced | The Daily Example">'
    document = document_from_html(article_page(head=head))
    assert document.title == "Water pipes to be replaced"


def test_site_suffix_is_recognised_from_the_address_when_no_site_name_is_given() -> None:
    page = article_page().replace('<meta property="og:site_name" content="The Daily Example">', "")
    page = page.replace("<h1>Council approves $12 million to replace water pipes</h1>", "")
    document = document_from_html(page, url="https://www.dailyexample.com/local/pipes")
    assert document.title == "Council approves $12 million to replace water pipes"


def test_a_portal_name_given_as_the_social_title_loses_to_the_headline_others_agree_on() -> None:
    # A syndicating portal names itself in og:title; <title> and the <h1> carry the story.
    head = '<meta property="og:title" content="Northwind News">'
    document = document_from_html(article_page(head=head))
    assert document.title == "Council approves $12 million to replace water pipes"


def test_a_section_name_in_the_h1_loses_to_the_headline_in_the_page_title() -> None:
    page = article_page().replace(
        "<h1>Council approves $12 million to replace water pipes</h1>", "<h1>Local</h1>"
    )
    document = document_from_html(page)
    assert document.title == "Council approves $12 million to replace water pipes"


def test_a_site_named_only_by_its_logo_and_page_title_is_cut_from_the_social_title() -> None:
    page = article_page().replace('<meta property="og:site_name" content="The Daily Example">', "")
    page = page.replace("<title>Council approves $12 million to replace water pipes - ", "<title>")
    page = page.replace("<h1>", "<h1>The Daily Example</h1><h2>").replace("</h1>\n<p", "</h2>\n<p")
    head = (
        '<meta property="og:title" '
        'content="Council approves $12 million to replace water pipes | The Daily Example">'
    )
    document = document_from_html(page.replace("</head>", f"{head}</head>"))
    assert document.title == "Council approves $12 million to replace water pipes"


def test_a_section_between_the_headline_and_the_site_goes_with_the_site() -> None:
    page = article_page().replace(
        "replace water pipes - The Daily Example</title>",
        "replace water pipes | Local News | The Daily Example</title>",
    )
    page = page.replace("<h1>Council approves $12 million to replace water pipes</h1>", "")
    document = document_from_html(page)
    assert document.title == "Council approves $12 million to replace water pipes"


def test_a_short_headline_that_others_repeat_is_kept() -> None:
    head = '<meta property="og:title" content="Pipes approved">'
    document = document_from_html(article_page(title="Pipes approved", head=head))
    assert document.title == "Pipes approved"


def test_a_dash_inside_the_headline_is_kept() -> None:
    title = "Pipes - and roads - compete for the same money"
    document = document_from_html(article_page(title=title))
    assert document.title == title


def test_metadata_comes_from_json_ld_and_meta_tags() -> None:
    ld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": "Council approves $12 million to replace water pipes",
        "datePublished": "2024-11-05T18:30:00Z",
        "author": [{"@type": "Person", "name": "Jane Reporter"}],
        "publisher": {"@type": "Organization", "name": "The Daily Example"},
    }
    head = (
        f'<script type="application/ld+json">{json.dumps(ld)}</script>'
        '<link rel="canonical" href="/local/2024/11/05/water-pipes">'
    )
    document = document_from_html(article_page(head=head), url="https://dailyexample.com/x?utm=1")
    assert document.byline == "Jane Reporter"
    assert document.published == "2024-11-05T18:30:00Z"
    assert document.canonical_url == "https://dailyexample.com/local/2024/11/05/water-pipes"


def test_json_ld_nested_too_deeply_to_parse_is_ignored() -> None:
    head = '<script type="application/ld+json">' + "[" * 100_000 + "]" * 100_000 + "</script>"

    document = document_from_html(article_page(head=head))

    assert document.text.startswith("The city council voted on Tuesday")


def test_byline_is_found_on_the_page_when_no_metadata_names_the_author() -> None:
    document = document_from_html(article_page())
    assert document.byline == "Jane Reporter"


@pytest.mark.parametrize(
    "furniture",
    [
        '<div class="share"><a href="#">Share on Facebook</a> <a href="#">Share on X</a></div>',
        "<p>Share this article</p>",
        '<p>Read more: <a href="/other">Mayor promises faster buses</a></p>',
        '<p><a href="/other-story">Mayor promises faster buses on the east side</a></p>',
        "<p>Sign up for our daily newsletter to get the latest local news in your inbox.</p>",
        "<p>Support our journalism: make a donation to The Daily Example today.</p>",
        "<p>Already a subscriber? Log in to continue reading.</p>",
        '<figure><img src="pipes.jpg"><figcaption>Workers lay a new main on Elm '
        "Street.</figcaption></figure>",
        "<p>Advertisement</p>",
    ],
)
def test_page_furniture_stays_out_of_the_text(furniture: str) -> None:
    body = "".join(f"<p>{paragraph}</p>" for paragraph in STORY[:3])
    body += furniture + "".join(f"<p>{paragraph}</p>" for paragraph in STORY[3:])
    furniture_text = html_text(furniture).strip()
    document = document_from_html(article_page(body))
    assert document.text.split("\n\n") == STORY
    assert furniture_text not in document.text


def test_related_stories_and_comments_after_the_story_are_cut() -> None:
    body = "".join(f"<p>{paragraph}</p>" for paragraph in STORY)
    body += (
        "<h3>You might also like</h3>"
        "<p>Residents in the south still wait for their new bus shelters, three years on.</p>"
        "<h3>Comments</h3>"
        "<p>I have lived here for thirty years and the water has never been this bad.</p>"
    )
    document = document_from_html(article_page(body))
    assert document.text.split("\n\n") == STORY


def test_repeated_paragraph_is_kept_once() -> None:
    body = "".join(f"<p>{paragraph}</p>" for paragraph in STORY)
    body = body.replace(
        f"<p>{STORY[2]}</p>", f"<p>{STORY[2]}</p><blockquote>{STORY[1]}</blockquote>"
    )
    assert document_from_html(article_page(body)).text.split("\n\n") == STORY


@pytest.mark.parametrize("fraction", [0.02, 0.2, 0.5, 0.77, 0.95])
def test_truncated_html_gives_a_document_or_a_clear_error(fraction: float) -> None:
    source = (HTML_PAGES / "nytimes-1" / "source.html").read_text("utf-8")
    try:
        document = document_from_html(source[: int(len(source) * fraction)])
    except ExtractionError as error:
        assert str(error)
    else:
        assert not document.is_article or len(document.text.split()) >= MIN_ARTICLE_WORDS


def test_article_cut_off_near_its_end_is_still_an_article() -> None:
    page = article_page()
    document = document_from_html(page[: page.index(STORY[-1]) + 40])
    assert document.is_article
    assert document.text.startswith(STORY[0])


def test_truncated_page_without_its_story_is_not_an_article() -> None:
    page = article_page()
    document = document_from_html(page[: page.index(STORY[0]) + 60])
    assert not document.is_article
    assert document.skip_reason.startswith("not an article")


@pytest.mark.parametrize("empty", ["", "   \n\t "])
def test_empty_html_is_an_extraction_error(empty: str) -> None:
    with pytest.raises(ExtractionError, match="empty"):
        document_from_html(empty)


def test_binary_garbage_is_an_extraction_error() -> None:
    garbage = random.Random(7).randbytes(4000).decode("latin-1")
    with pytest.raises(ExtractionError, match="binary"):
        document_from_html(garbage)


def test_a_stray_nul_byte_does_not_lose_the_page() -> None:
    page = article_page().replace(STORY[0], STORY[0] + "\x00")
    assert document_from_html(page).text.split("\n\n") == STORY


def test_plain_text_is_not_taken_for_html() -> None:
    with pytest.raises(ExtractionError, match="HTML"):
        document_from_html("Just a sentence with no markup at all.")


def test_an_html_fragment_is_read_as_a_page() -> None:
    fragment = "".join(f"<p>{paragraph}</p>" for paragraph in STORY)
    document = document_from_html(fragment)
    assert document.text.split("\n\n") == STORY


GERMAN = [
    "Der Stadtrat hat am Dienstag beschlossen, zwölf Millionen Euro für neue Wasserleitungen "
    "in den nördlichen Stadtteilen auszugeben, wo sich die Anwohner seit Jahren über braunes "
    "Wasser aus dem Hahn beschweren.",
    "Nach Angaben der Stadtwerke brechen die alten Leitungen aus Gusseisen etwa vierzigmal im "
    "Jahr, und die Reparaturen werden von Jahr zu Jahr teurer. Jede Reparatur kostet die Stadt "
    "rund dreißigtausend Euro.",
    "Die Bauarbeiten sollen im März beginnen und zwei Jahre dauern. Die Gebühren für die "
    "Haushalte sollen bis zum Ende des Jahres nicht steigen, sagte die Direktorin der "
    "Stadtwerke vor Journalisten.",
    "Gegner des Plans wollen das Geld lieber in die Reparatur der Straßen stecken und haben "
    "in drei Wochen mehr als dreitausend Unterschriften gesammelt, die sie nun dem "
    "Bürgermeister übergeben wollen.",
]


def test_non_english_page_is_kept_but_not_mined() -> None:
    body = "".join(f"<p>{paragraph}</p>" for paragraph in GERMAN)
    document = document_from_html(article_page(body, lang="de", title="Neue Wasserleitungen"))
    assert document.language == "de"
    assert not document.is_article
    assert document.skip_reason == "language de is not supported"
    assert document.text.split("\n\n") == GERMAN


def test_page_declared_english_but_written_in_german_is_recognised() -> None:
    body = "".join(f"<p>{paragraph}</p>" for paragraph in GERMAN)
    document = document_from_html(article_page(body, lang="en", title="Neue Wasserleitungen"))
    assert document.language == "de"
    assert not document.is_article


def test_index_page_of_links_is_not_an_article() -> None:
    topics = ["water", "buses", "schools", "budget", "parks", "housing", "libraries", "police"]
    items = "".join(
        f'<li><a href="/local/{n}">Council debates {topic} plan for the northern districts '
        f"again this week</a></li>"
        for n, topic in enumerate(topics * 5)
    )
    page = f"""<html lang="en"><head><title>Local news - The Daily Example</title></head>
<body><nav><a href="/">Home</a> <a href="/local">Local</a></nav>
<main><h1>Local news</h1><ul>{items}</ul></main></body></html>"""
    document = document_from_html(page)
    assert not document.is_article
    assert document.skip_reason.startswith("not an article")


def test_index_page_of_teasers_is_not_an_article() -> None:
    cards = "".join(
        f'<div class="card"><h2><a href="/local/{n}">{paragraph[:60]}</a></h2>'
        f"<p>{paragraph[:110]}</p></div>"
        for n, paragraph in enumerate(STORY * 3)
    )
    page = f"""<html lang="en"><head><title>Local - The Daily Example</title></head>
<body><main><h1>Local</h1>{cards}</main></body></html>"""
    assert not document_from_html(page).is_article


def test_page_with_only_a_few_words_is_not_an_article() -> None:
    document = document_from_html(article_page(f"<p>{STORY[0]}</p>"))
    assert not document.is_article
    assert "words" in document.skip_reason or "running text" in document.skip_reason


def test_error_page_is_not_an_article() -> None:
    page = article_page(
        "<p>Sorry, the page you were looking for could not be found. It may have been moved "
        "or deleted. Try the search box or go back to the home page.</p>",
        title="404 Page not found",
    )
    assert not document_from_html(page).is_article


def test_language_is_detected_from_a_prefix_of_the_text() -> None:
    assert detect_language(" ".join(STORY)) == "en"
    assert detect_language(" ".join(GERMAN), declared="en-US") == "de"


def test_declared_language_decides_when_the_text_is_too_short() -> None:
    assert detect_language("Obama", declared="fr-FR") == "fr"
    assert detect_language("Obama") == ""
