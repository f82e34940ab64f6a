"""The desk in a real browser: an article added from the desk fills the queue; the start page's
counts for a reviewer and an editor; the queue's columns; a correction drafted by one editor and
approved by another; a mention in a note notifies.

Chromium (Debian's, through Selenium) against pytest-django's live server, with a real Celery
worker extracting the article. Screenshots go to `$FACTCHECK_TEST_ARTIFACTS`, by default
var/screenshots/desk (ignored by git); look at them.
"""

from __future__ import annotations

import os
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from claims.models import Article, Claim
from reviews.models import ReviewItem
from reviews.services import publishing
from reviews.services import queue as services
from reviews.services.queue import demo_accounts_ensure
from tests.api import helpers as h
from tests.factories import ClaimFactory, ReviewItemFactory, UserFactory
from tests.paths import REPO
from tests.reviews.test_browser import _fill, _log_in, _messages, browser  # noqa: F401 (the fixture)

pytestmark = pytest.mark.browser

TITLE = "Council meeting on the budget"
TEXT = (
    "The council met on Tuesday to vote on the budget. "
    "The mayor said unemployment fell to 3 percent last year, the lowest level since 1990. "
    "Critics disputed the figure and pointed to the statistics office."
)


@pytest.fixture
def shots() -> Path:
    directory = Path(os.environ.get("FACTCHECK_TEST_ARTIFACTS") or REPO / "var/screenshots/desk")
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def _number(driver: Any, element_id: str) -> str:
    from selenium.webdriver.common.by import By

    card = driver.find_element(By.ID, element_id)
    return card.find_element(By.CLASS_NAME, "desk-card-number").text


def _submit(driver: Any, element_id: str) -> None:
    """Click a button that posts the page, and wait until the answer replaced it."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.expected_conditions import staleness_of
    from selenium.webdriver.support.wait import WebDriverWait

    page = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.ID, element_id).click()
    WebDriverWait(driver, 15).until(staleness_of(page))


def test_an_article_added_from_the_desk_fills_the_queue(
    browser: Any,  # noqa: F811
    live_server: Any,
    celery_worker: Any,
    shots: Path,
    desk_roles: None,
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.expected_conditions import staleness_of
    from selenium.webdriver.support.wait import WebDriverWait

    demo_accounts_ensure(password="pw")
    base = live_server.url
    _log_in(browser, base, "reviewer")

    browser.get(f"{base}{reverse('admin:claims_article_add')}")
    # A title alone is refused, and what was typed stays.
    browser.find_element(By.NAME, "title").send_keys(TITLE)
    form = browser.find_element(By.ID, "article-submit")
    browser.find_element(By.ID, "submit-article").click()
    # The click returns before the answer is drawn: wait for the page it replaces to go.
    WebDriverWait(browser, 10).until(staleness_of(form))
    assert "Give the article" in browser.find_element(By.ID, "article-submit").text
    assert browser.find_element(By.NAME, "title").get_attribute("value") == TITLE
    browser.find_element(By.NAME, "text").send_keys(TEXT)
    browser.save_screenshot(str(shots / "add-article.png"))
    browser.find_element(By.ID, "submit-article").click()
    assert "Article received" in browser.find_element(By.CSS_SELECTOR, "ul.messagelist").text

    # The worker extracts it; the claim appears in the queue.
    article = Article.objects.get()
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        article.refresh_from_db()
        if ReviewItem.objects.filter(claim__article=article).exists():
            break
        time.sleep(1)
    assert ReviewItem.objects.filter(claim__article=article).exists(), article.status
    browser.get(f"{base}{reverse('admin:reviews_reviewitem_changelist')}")
    rows = browser.find_elements(By.CSS_SELECTOR, "#result_list tbody tr")
    assert any("unemployment fell to 3 percent" in row.text for row in rows)
    assert any(TITLE in row.text for row in rows)  # the article, under the claim
    browser.save_screenshot(str(shots / "queue-after-intake.png"))


def test_the_start_page_counts_for_a_reviewer_and_an_editor(
    browser: Any,  # noqa: F811
    live_server: Any,
    shots: Path,
    redis_clean: None,
    desk_roles: None,
) -> None:
    demo_accounts_ensure(password="pw")
    users = get_user_model().objects
    reviewer, editor = users.get(username="reviewer"), users.get(username="editor")
    held = ReviewItemFactory(claim=ClaimFactory(text="The bridge cost 2 billion.", score=0.9))
    services.review_take(item_id=held.pk, user=reviewer)
    services.review_due_set(item_ids=[held.pk], due_on=timezone.localdate(), by=editor)
    returned = h.queued("Rents rose 40 percent in 2025.")
    h.draft(returned, reviewer)
    publishing.verdict_submit(item_id=returned.pk, user=reviewer)
    publishing.verdict_send_back(item_id=returned.pk, editor=editor, note="Cite the index.")
    other = h.queued("Bus fares doubled since 2020.")
    someone = UserFactory()
    h.draft(other, someone)
    publishing.verdict_submit(item_id=other.pk, user=someone)
    h.published("The tunnel opened in 1994.")
    base = live_server.url

    _log_in(browser, base, "reviewer")
    browser.get(f"{base}{reverse('admin:index')}")
    assert _number(browser, "start-held") == "2"
    assert _number(browser, "start-returned") == "1"
    assert _number(browser, "start-due") == "1"
    browser.save_screenshot(str(shots / "start-reviewer.png"))

    _log_in(browser, base, "editor")
    browser.get(f"{base}{reverse('admin:index')}")
    assert _number(browser, "start-awaiting") == "1"
    from selenium.webdriver.common.by import By

    assert browser.find_element(By.ID, "start-published-today").text == "1"
    browser.save_screenshot(str(shots / "start-editor.png"))


def test_the_queue_columns_show_band_age_status_due_and_returned(
    browser: Any,  # noqa: F811
    live_server: Any,
    shots: Path,
    redis_clean: None,
    desk_roles: None,
) -> None:
    from selenium.webdriver.common.by import By

    demo_accounts_ensure(password="pw")
    users = get_user_model().objects
    reviewer, editor = users.get(username="reviewer"), users.get(username="editor")
    late = ReviewItemFactory(claim=ClaimFactory(text="Taxes rose 9 percent.", score=0.9))
    services.review_due_set(
        item_ids=[late.pk], due_on=timezone.localdate() - timedelta(days=2), by=editor
    )
    returned = h.queued("Rents rose 40 percent in 2025.")
    h.draft(returned, reviewer)
    publishing.verdict_submit(item_id=returned.pk, user=reviewer)
    publishing.verdict_send_back(item_id=returned.pk, editor=editor, note="Cite the index.")
    base = live_server.url

    _log_in(browser, base, "reviewer")
    browser.get(f"{base}{reverse('admin:reviews_reviewitem_changelist')}")
    rows = {
        row.find_element(By.CLASS_NAME, "queue-claim").text: row
        for row in browser.find_elements(By.CSS_SELECTOR, "#result_list tbody tr")
    }
    browser.save_screenshot(str(shots / "queue-columns.png"))

    late_row = rows["Taxes rose 9 percent."]
    assert late_row.find_element(By.CLASS_NAME, "queue-band").text.lower() == "high"
    assert late_row.find_element(By.CLASS_NAME, "queue-overdue").is_displayed()
    status = late_row.find_element(By.CLASS_NAME, "queue-status")
    assert status.text.lower() == "pending"
    back_row = rows["Rents rose 40 percent in 2025."]
    assert back_row.find_element(By.CLASS_NAME, "queue-returned").text.lower() == "returned to you"
    held = back_row.find_element(By.CLASS_NAME, "queue-status")
    assert held.value_of_css_property("background-color") != status.value_of_css_property(
        "background-color"
    )
    assert "check-worthiness" in late_row.find_element(By.CLASS_NAME, "queue-reasons").text


def test_the_queue_claim_is_readable_at_1280_pixels_and_every_column_fits(
    browser: Any,  # noqa: F811
    live_server: Any,
    shots: Path,
    redis_clean: None,
    desk_roles: None,
) -> None:
    from selenium.webdriver.common.by import By

    demo_accounts_ensure(password="pw")
    users = get_user_model().objects
    reviewer, editor = users.get(username="reviewer"), users.get(username="editor")
    long_claim = (
        "The regional transport authority said that average commuting times on the northern "
        "rail line fell by 18 percent in the twelve months to October 2026."
    )
    late = h.queued(long_claim, speaker="Transport minister Alexandra Whitcombe-Delacroix")
    services.review_due_set(
        item_ids=[late.pk], due_on=timezone.localdate() - timedelta(days=2), by=editor
    )
    waiting = h.queued("Rents rose 40 percent in 2025 across the whole metropolitan region.")
    h.draft(waiting, reviewer)
    publishing.verdict_submit(item_id=waiting.pk, user=reviewer)
    base = live_server.url

    browser.set_window_size(1280, 900)
    _log_in(browser, base, "editor")
    browser.get(f"{base}{reverse('admin:reviews_reviewitem_changelist')}?status=all")
    widths = browser.execute_script(
        """
        const table = document.getElementById("result_list");
        const box = table.parentElement.getBoundingClientRect();
        const claim = table.querySelector("tbody .field-claim_text").getBoundingClientRect();
        const headers = [...table.querySelectorAll("thead th")]
            .map((th) => th.getBoundingClientRect());
        return {
            claim: claim.width,
            right: Math.max(...headers.map((h) => h.right)),
            box: box.right,
            page: document.documentElement.scrollWidth,
            window: window.innerWidth,
        };
        """
    )
    browser.save_screenshot(str(shots / "queue-1280.png"))

    # About 45 characters a line at the desk's font size: a claim reads in two or three lines.
    assert widths["claim"] >= 300, widths
    # Every column, "Why here" last, inside the list's box, and the page does not scroll sideways.
    assert widths["right"] <= widths["box"] + 1, widths
    assert widths["page"] <= widths["window"], widths
    row = next(
        r
        for r in browser.find_elements(By.CSS_SELECTOR, "#result_list tbody tr")
        if long_claim in r.text
    )
    assert row.find_element(By.CLASS_NAME, "queue-reasons").is_displayed()
    assert row.find_element(By.CLASS_NAME, "queue-overdue").is_displayed()


def test_at_800_pixels_each_claim_is_a_card_with_nothing_cut_off(
    browser: Any,  # noqa: F811
    live_server: Any,
    shots: Path,
    redis_clean: None,
    desk_roles: None,
) -> None:
    demo_accounts_ensure(password="pw")
    long_claim = (
        "The regional transport authority said that average commuting times on the northern "
        "rail line fell by 18 percent in the twelve months to October 2026."
    )
    reworded = h.queued(long_claim, speaker="Transport minister Alexandra Whitcombe-Delacroix")
    Claim.objects.filter(pk=reworded.claim_id).update(
        standalone="Commuting times on the northern rail line fell by 18 percent in a year."
    )
    h.queued("Rents rose 40 percent in 2025 across the whole metropolitan region.")
    base = live_server.url

    browser.set_window_size(800, 900)
    _log_in(browser, base, "reviewer")
    browser.get(f"{base}{reverse('admin:reviews_reviewitem_changelist')}")
    cards = browser.execute_script(
        """
        const rows = [...document.querySelectorAll("#result_list tbody tr.data-row")];
        const cells = rows.flatMap((row) => [...row.children]);
        return {
            clipped: cells.filter((cell) => cell.scrollHeight > cell.clientHeight + 1)
                .map((cell) => cell.className.split(" ")[0]),
            claimLeft: rows.map((row) => {
                const cell = row.querySelector(".field-claim_text");
                const text = cell.querySelector(".queue-claim").getBoundingClientRect();
                return text.left - cell.getBoundingClientRect().left;
            }),
            heights: rows.map((row) => row.getBoundingClientRect().height),
            page: document.documentElement.scrollWidth,
            window: window.innerWidth,
        };
        """
    )
    browser.save_screenshot(str(shots / "queue-800.png"))

    # Below 1024 pixels each row is a card: no line of it cuts its text off, the claim reads
    # from the left under its label, and a card with the claim, its sentence and its article
    # stays short enough for more than one to a screen.
    assert cards["clipped"] == [], cards
    assert all(left < 40 for left in cards["claimLeft"]), cards
    assert all(height < 450 for height in cards["heights"]), cards
    assert cards["page"] <= cards["window"], cards


def test_a_correction_drafted_by_one_editor_is_approved_by_another_and_published(
    browser: Any,  # noqa: F811
    live_server: Any,
    shots: Path,
    redis_clean: None,
    desk_roles: None,
) -> None:
    from selenium.webdriver.common.by import By

    demo_accounts_ensure(password="pw")
    second = UserFactory(username="editor2")
    second.set_password("pw")
    second.save()
    second.groups.add(Group.objects.get(name="Editor"))
    item = h.published("Crime fell by half in 2024.")
    base = live_server.url
    correct = f"{base}{reverse('admin:reviews_reviewitem_correct', args=[item.pk])}"

    _log_in(browser, base, "editor")
    browser.get(f"{base}{reverse('admin:reviews_reviewitem_work', args=[item.pk])}")
    browser.find_element(By.ID, "correct-verdict").click()
    _fill(browser, "rating", "mostly_false")
    _fill(browser, "explanation", "Crime fell by a third in 2024, not by half.")
    # No public note: refused in words, with what was typed kept.
    _submit(browser, "save-correction")
    assert "This field is required." in browser.find_element(By.ID, "correction").text
    explanation = browser.find_element(By.NAME, "explanation").get_attribute("value")
    assert explanation == "Crime fell by a third in 2024, not by half."
    _fill(browser, "correction_note", "We first wrote that crime fell by half; it fell by a third.")
    browser.save_screenshot(str(shots / "correction-draft.png"))
    _submit(browser, "save-correction")
    assert "Another editor approves it" in _messages(browser)
    assert "another editor approves it" in browser.find_element(By.ID, "correction-four-eyes").text
    assert not browser.find_elements(By.ID, "approve-correction")
    browser.save_screenshot(str(shots / "correction-awaiting.png"))

    _log_in(browser, base, "editor2")
    browser.get(f"{base}{reverse('admin:index')}")
    assert browser.find_element(By.ID, "start-corrections").text == "1 correction"
    assert _number(browser, "start-notifications") == "1"
    browser.get(correct)
    assert browser.find_element(By.ID, "correction-author").text == "editor"
    _submit(browser, "approve-correction")
    assert "The correction is published." in _messages(browser)

    browser.get(f"{base}{reverse('fact-check-page', args=[item.pk])}")
    page = browser.find_element(By.TAG_NAME, "body").text
    assert "We first wrote that crime fell by half; it fell by a third." in page
    assert "Mostly false" in page
    browser.save_screenshot(str(shots / "correction-public.png"))


def test_a_mention_in_a_note_notifies_the_mentioned_user(
    browser: Any,  # noqa: F811
    live_server: Any,
    shots: Path,
    redis_clean: None,
    desk_roles: None,
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.wait import WebDriverWait

    demo_accounts_ensure(password="pw")
    item = h.queued("Rents rose 40 percent in 2025.")
    base = live_server.url

    _log_in(browser, base, "reviewer")
    browser.get(f"{base}{reverse('admin:reviews_reviewitem_work', args=[item.pk])}")
    _fill(browser, "text", "@editor is the 2025 rent index out yet?")
    browser.find_element(By.ID, "add-note").click()
    # htmx swaps the thread in place: the note is there, the box is empty again.
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, "#notes .note"))
    note = browser.find_element(By.CSS_SELECTOR, "#notes .note")
    assert "@editor is the 2025 rent index out yet?" in note.text
    assert browser.find_element(By.NAME, "text").get_attribute("value") == ""
    browser.save_screenshot(str(shots / "note-added.png"))

    _log_in(browser, base, "editor")
    browser.get(f"{base}{reverse('admin:index')}")
    assert _number(browser, "start-notifications") == "1"
    browser.save_screenshot(str(shots / "start-notified.png"))
    browser.find_element(By.ID, "start-notifications").click()
    row = browser.find_element(By.CSS_SELECTOR, "tr.notification-unread")
    assert "reviewer mentioned you in a note" in row.text
    browser.save_screenshot(str(shots / "notifications.png"))
    row.find_element(By.LINK_TEXT, "Rents rose 40 percent in 2025.").click()
    assert (
        "1 new notification about this claim"
        in browser.find_element(By.ID, "claim-notifications").text
    )
    browser.save_screenshot(str(shots / "workspace-notified.png"))
    _submit(browser, "claim-notifications-read")
    assert not browser.find_elements(By.ID, "claim-notifications")
