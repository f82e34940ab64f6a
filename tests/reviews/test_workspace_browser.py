"""The claim workspace in a real browser: a reviewer takes a claim, rewords it and names its
claimant, writes a verdict with two sources (archived by a real worker, or failing in plain
words) and submits and takes the next with the keyboard; an editor approves from the preview;
the public page and its ClaimReview carry the edited wording and claimant (an Organization,
and no author at all for an unattributed claim).

One live server, one browser and one worker for the whole journey. Screenshots go to
`$FACTCHECK_TEST_ARTIFACTS`, by default var/screenshots/workspace (ignored by git).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from claims.models import Claim
from reviews import workflow
from reviews.models import ReviewItem, Verdict
from reviews.services.queue import demo_accounts_ensure, review_take
from tests.conftest import wait_until
from tests.factories import (
    ArticleFactory,
    ClaimFactory,
    ReviewItemFactory,
    appearance,
    cluster_get,
)
from tests.paths import REPO
from tests.reviews.test_browser import (  # noqa: F401 (the fixture)
    HEIGHT,
    WIDTH,
    _fill,
    _log_in,
    browser,
)

pytestmark = pytest.mark.browser

ARTICLE = (
    "The council met on Monday to discuss the Harbor Point stadium. "
    "He said the stadium would create 4,000 permanent jobs. "
    "The council's own plan lists 400 permanent jobs."
)
SENTENCE = "He said the stadium would create 4,000 permanent jobs."
PROPOSED = "The Harbor Point stadium would create 4,000 permanent jobs, Mayor Ruiz said."
EDITED = "The Harbor Point stadium would create 4,000 permanent jobs."
SECOND = "Bus fares doubled since 2020."


@pytest.fixture
def shots() -> Path:
    directory = Path(
        os.environ.get("FACTCHECK_TEST_ARTIFACTS") or REPO / "var/screenshots/workspace"
    )
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def _queued(text: str, priority: float, **claim: Any) -> ReviewItem:
    article = ArticleFactory(clean_text=ARTICLE if text == SENTENCE else text, title="Stadium")
    start = article.clean_text.index(text)
    made = ClaimFactory(article=article, text=text, start=start, end=start + len(text), **claim)
    return ReviewItemFactory(claim=made, priority=priority)


def _by_id(driver: Any, element_id: str) -> Any:
    from selenium.webdriver.common.by import By

    return driver.find_element(By.ID, element_id)


def _add_source(driver: Any, url: str, title: str, stance: str) -> None:
    _fill(driver, "source-url", url)
    _fill(driver, "source-title", title)
    _fill(driver, "source-stance", stance)
    _by_id(driver, "add-source").click()
    # The click posts and reloads the page: read #sources of the new page, not the old one.
    wait_until(lambda: _text_of(driver, "sources").count(title) == 1, timeout=15)


def _text_of(driver: Any, element_id: str) -> str:
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException

    try:
        return str(_by_id(driver, element_id).text)
    except (NoSuchElementException, StaleElementReferenceException):
        return ""


def _exists(driver: Any, element_id: str) -> bool:
    from selenium.webdriver.common.by import By

    return bool(driver.find_elements(By.ID, element_id))


def _keys(driver: Any, *keys: str) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    chain = ActionChains(driver)
    *modifiers, key = keys
    for modifier in modifiers:
        chain.key_down(modifier)
    chain.send_keys(key)
    for modifier in modifiers:
        chain.key_up(modifier)
    chain.perform()


def _shot(driver: Any, path: Path) -> None:
    """The whole page, not only the window's first screen."""
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(WIDTH, max(height, 900))
    driver.save_screenshot(str(path))
    driver.set_window_size(WIDTH, HEIGHT)


def _json_ld(driver: Any) -> dict[str, Any]:
    from selenium.webdriver.common.by import By

    script = driver.find_element(By.CSS_SELECTOR, 'script[type="application/ld+json"]')
    return json.loads(script.get_attribute("innerHTML"))  # type: ignore[no-any-return]


def test_a_claim_is_checked_in_the_workspace_approved_from_the_preview_and_published(
    browser: Any,  # noqa: F811
    live_server: Any,
    celery_worker: Any,
    shots: Path,
    desk_roles: None,
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.wait import WebDriverWait

    demo_accounts_ensure(password="pw")
    first = _queued(
        SENTENCE,
        3.0,
        standalone=PROPOSED,
        claimant="Mayor Ruiz",
        claimant_kind="person",
        speaker="Mayor Ruiz",
    )
    second = _queued(SECOND, 2.0)
    base = live_server.url
    wait = WebDriverWait(browser, 15)

    # The reviewer takes the next claim from the queue: it opens in the workspace.
    _log_in(browser, base, "reviewer")
    browser.get(f"{base}{reverse('admin:reviews_reviewitem_changelist')}")
    _by_id(browser, "take-next").click()
    work = reverse("admin:reviews_reviewitem_work", args=[first.pk])
    wait.until(lambda driver: driver.current_url.endswith(work))
    assert browser.find_element(By.CSS_SELECTOR, "mark#claim").text == SENTENCE
    assert _by_id(browser, "id_claim_reviewed").get_attribute("value").strip() == PROPOSED
    assert "Ctrl+Enter" in _by_id(browser, "keyboard-hints").text

    # The claim as checked, reworded, and its claimant: an organization, not the mayor.
    _fill(browser, "claim_reviewed", EDITED)
    _fill(browser, "claimant", "")
    _by_id(browser, "save-verdict").click()  # a person with no name: refused, typed kept
    assert "Say which person made the claim" in _by_id(browser, "refusal").text
    assert _by_id(browser, "id_claim_reviewed").get_attribute("value").strip() == EDITED
    _fill(browser, "claimant", "Harbor Point Developers")
    _fill(browser, "claimant_kind", "organization")
    _fill(browser, "rating", "false")
    _fill(browser, "explanation", "The council's plan lists 400 permanent jobs, not 4,000.")
    _fill(browser, "summary", "The stadium plan counts 400 permanent jobs.")
    # One source the worker archives (a page of this site) and one that cannot be reached.
    _add_source(browser, f"{base}/feeds/", "The council's feeds page", "context")
    _add_source(browser, "https://plan.invalid/stadium", "Stadium plan", "refutes")
    verdict = Verdict.objects.get(review_item=first)
    wait_until(
        lambda: all(s.archived_hash or s.fetch_error for s in verdict.sources.all()), timeout=60
    )
    browser.refresh()
    archives = [e.text for e in browser.find_elements(By.CLASS_NAME, "workspace-archive")]
    assert archives[0].startswith("archived ") and "SHA-256" in archives[0]
    assert "the site's name could not be found" in archives[1] and "Errno" not in archives[1]
    assert "Try again" in archives[1]
    _shot(browser, shots / "reviewer-workspace.png")

    # Submit and take next, from the keyboard.
    browser.find_element(By.TAG_NAME, "body").click()
    _keys(browser, Keys.CONTROL, Keys.ENTER)
    following = reverse("admin:reviews_reviewitem_work", args=[second.pk])
    wait.until(lambda driver: driver.current_url.endswith(following))
    assert "sent to an editor" in browser.find_element(By.CSS_SELECTOR, "ul.messagelist").text
    first.refresh_from_db()
    assert first.status == workflow.AWAITING_APPROVAL

    # The second claim names nobody: it stays unattributed. Sources cited directly, to keep
    # the journey short; the workspace shows them.
    _fill(browser, "rating", "true")
    _fill(browser, "explanation", "Fares went from 1.50 to 3.00.")
    _add_source(browser, f"{base}/feeds/", "Fare table 2020", "supports")
    _add_source(browser, f"{base}/fact-checks/", "Fare table 2025", "supports")
    assert _by_id(browser, "id_claimant_kind_2").is_selected()  # unattributed
    _by_id(browser, "submit-next").click()
    wait.until(lambda driver: "queue is empty" in driver.page_source)

    # The editor reads the verdict, then the preview of what will be published, and approves.
    _log_in(browser, base, "editor")
    browser.get(f"{base}{work}")
    read = _by_id(browser, "verdict-read").text
    assert EDITED in read and "Harbor Point Developers (organization)" in read
    wait.until(lambda driver: _by_id(driver, "preview-claimreview").text.startswith("{"))
    preview = json.loads(_by_id(browser, "preview-claimreview").text)
    assert preview["claimReviewed"] == EDITED
    assert preview["itemReviewed"]["author"] == {
        "@type": "Organization",
        "name": "Harbor Point Developers",
    }
    browser.switch_to.frame(_by_id(browser, "preview-page"))
    assert browser.find_element(By.ID, "claim").text == EDITED
    browser.switch_to.default_content()
    _shot(browser, shots / "editor-preview.png")
    _by_id(browser, "approve-verdict").click()
    wait.until(lambda driver: _exists(driver, "published-links"))
    _shot(browser, shots / "editor-published.png")
    browser.get(f"{base}{reverse('admin:reviews_reviewitem_work', args=[second.pk])}")
    _by_id(browser, "approve-verdict").click()
    wait.until(lambda driver: _exists(driver, "published-links"))

    # The public pages carry the edited wording and claimant.
    browser.get(f"{base}{work}")
    _by_id(browser, "public-page-link").click()
    wait.until(lambda driver: _exists(driver, "rating"))
    assert _by_id(browser, "claim").text == EDITED
    assert _by_id(browser, "claimant").text == "Claimed by Harbor Point Developers"
    review = _json_ld(browser)
    assert review["claimReviewed"] == EDITED and review == {**preview, **_dates(review)}
    _shot(browser, shots / "public-page.png")
    browser.get(f"{base}{reverse('fact-check-page', args=[second.pk])}")
    assert not _exists(browser, "claimant")
    unattributed = _json_ld(browser)
    assert unattributed["claimReviewed"] == SECOND and "author" not in unattributed["itemReviewed"]
    assert Claim.objects.get(pk=first.claim_id).text == SENTENCE  # the article's words stay


def _dates(review: dict[str, Any]) -> dict[str, Any]:
    """The publication time: the preview's is when it was drawn."""
    return {"datePublished": review["datePublished"]}


LONG_URL = (
    "https://www.regional-evening-chronicle.example.com/news/local-politics/2026/12/07/"
    "council-stadium-debate-live-updates-every-claim-checked-and-explained-in-full?"
    "utm_source=newsletter&utm_medium=email&utm_campaign=morning_briefing_december"
)


def _fits(driver: Any) -> tuple[int, int, float, float]:
    """The page's width against the window's, the appearance table's right edge against its
    card's."""
    return tuple(  # type: ignore[return-value]
        driver.execute_script(
            "const table = document.getElementById('appearances');"
            "const card = table.closest('.desk-panel').getBoundingClientRect();"
            "return [document.documentElement.scrollWidth, window.innerWidth,"
            " table.getBoundingClientRect().right, card.right];"
        )
    )


def test_every_appearance_fits_its_card_at_1280_pixels(
    browser: Any,  # noqa: F811
    live_server: Any,
    shots: Path,
    desk_roles: None,
) -> None:
    demo_accounts_ensure(password="pw")
    held, pending = _queued(SENTENCE, 3.0), _queued(SECOND, 2.0)
    for item in (held, pending):
        appearance(
            cluster_get(item.claim),
            text=f"{item.claim.text} " + "As the evening chronicle's live blog put it. " * 4,
            article=ArticleFactory(url=LONG_URL + str(item.pk), title="Council debate live"),
        )
    review_take(item_id=held.pk, user=get_user_model().objects.get(username="reviewer"))
    base = live_server.url

    _log_in(browser, base, "reviewer")
    browser.set_window_size(1280, 900)
    for item, name in ((held, "held"), (pending, "pending")):
        browser.get(f"{base}{reverse('admin:reviews_reviewitem_work', args=[item.pk])}")
        assert _exists(browser, "appearances")
        page_width, window_width, table_right, card_right = _fits(browser)
        assert page_width <= window_width, name
        assert table_right <= card_right, name
        browser.save_screenshot(str(shots / f"appearances-1280-{name}.png"))
