"""A real browser on the desk: a reviewer takes, checks and submits a claim; an editor publishes.

Drives Debian's Chromium headless through Selenium against pytest-django's live server. Without
Chromium the test is skipped on a workstation but fails on CI (env `CI` set), so a CI image
that lost its browser cannot pass silently. `make browser` installs it. Screenshots of the
queue and the claim page go to `$FACTCHECK_TEST_ARTIFACTS` (default: the test's tmp dir).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse

from reviews import workflow
from reviews.models import ReviewItem, Verdict
from reviews.services.queue import demo_accounts_ensure
from tests.factories import ArticleFactory, ClaimFactory, ReviewItemFactory

pytestmark = pytest.mark.browser

# The window the journeys run in; FACTCHECK_BROWSER_WIDTH runs them narrower (a tablet's 800
# pixels, where the desk's cards stack) with the same assertions.
WIDTH = int(os.environ.get("FACTCHECK_BROWSER_WIDTH") or 1400)
HEIGHT = 1100

ARTICLE = (
    "City hall released its housing report on Monday. "
    "The mayor said rents rose 40 percent in 2025. "
    "Tenant groups disputed the figure and pointed to the statistics office."
)
CLAIM = "The mayor said rents rose 40 percent in 2025."


def _missing(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"browser test cannot run on CI: {reason} (run `make browser`)")
    pytest.skip(reason)


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Any]:
    chromium, chromedriver = shutil.which("chromium"), shutil.which("chromedriver")
    if not chromium or not chromedriver:
        _missing("Debian's chromium and chromium-driver are not installed")
    try:
        from selenium import webdriver
    except ImportError:
        _missing("selenium is not installed (pip install -e '.[dev]')")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        f"--window-size={WIDTH},{HEIGHT}",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(chromedriver))
    driver.implicitly_wait(5)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def artifacts(tmp_path: Path) -> Path:
    directory = Path(os.environ.get("FACTCHECK_TEST_ARTIFACTS") or tmp_path / "artifacts")
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def _log_in(driver: Any, base: str, username: str) -> None:
    from selenium.webdriver.common.by import By

    driver.delete_all_cookies()
    driver.get(f"{base}{reverse('admin:login')}")
    driver.find_element(By.NAME, "username").send_keys(username)
    driver.find_element(By.NAME, "password").send_keys("pw")
    driver.find_element(By.CSS_SELECTOR, "#login-form [type=submit]").click()
    # The signed-in user is named at the foot of the sidebar (a closed drawer below 1024
    # pixels, so read from the page rather than the screen).
    sidebar = driver.find_element(By.ID, "nav-sidebar").get_attribute("textContent")
    assert username.upper() in sidebar.upper()


def _fill(driver: Any, name: str, value: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    element = driver.find_element(By.NAME, name)
    if element.get_attribute("type") == "radio":
        # A list of choices (the rating, each with its definition): click the one asked for.
        driver.find_element(By.CSS_SELECTOR, f'input[name="{name}"][value="{value}"]').click()
    elif element.tag_name == "select":
        Select(element).select_by_value(value)
    else:
        element.clear()
        element.send_keys(value)


def _messages(driver: Any) -> str:
    from selenium.webdriver.common.by import By

    return " ".join(m.text for m in driver.find_elements(By.CSS_SELECTOR, "ul.messagelist li"))


def test_a_claim_goes_from_the_queue_to_a_published_fact_check_in_a_browser(
    browser: Any, live_server: Any, artifacts: Path, redis_clean: None, desk_roles: None
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.wait import WebDriverWait

    demo_accounts_ensure(password="pw")
    article = ArticleFactory(clean_text=ARTICLE, title="Housing report")
    start = ARTICLE.index(CLAIM)
    best = ReviewItemFactory(
        claim=ClaimFactory(
            article=article, text=CLAIM, start=start, end=start + len(CLAIM), score=0.95
        ),
        priority=3.0,
    )
    ReviewItemFactory(priority=1.0)
    base = live_server.url

    # The reviewer takes the next claim from the queue.
    _log_in(browser, base, "reviewer")
    browser.get(f"{base}{reverse('admin:reviews_reviewitem_changelist')}")
    rows = browser.find_elements(By.CSS_SELECTOR, "#result_list tbody tr")
    assert len(rows) == 2 and CLAIM in rows[0].text
    browser.save_screenshot(str(artifacts / "queue.png"))
    browser.find_element(By.ID, "take-next").click()

    # ... and sees it in its workspace, highlighted in its article, with the sentences around
    # it. The click returns before the next page has loaded (the implicit wait covers
    # elements, not URLs).
    workspace = reverse("admin:reviews_reviewitem_work", args=[best.pk])
    WebDriverWait(browser, 10).until(lambda driver: driver.current_url.endswith(workspace))
    highlighted = browser.find_element(By.CSS_SELECTOR, "mark#claim")
    assert highlighted.text == CLAIM
    assert highlighted.value_of_css_property("background-color") not in ("", "rgba(0, 0, 0, 0)")
    context = browser.find_element(By.ID, "claim-context").text
    assert "housing report on Monday" in context and "Tenant groups disputed" in context
    browser.save_screenshot(str(artifacts / "claim.png"))

    # A verdict with two sources, saved and submitted in one go, in the verdict form the
    # claim's page links to (the workspace has its own journey: test_workspace_browser.py).
    browser.get(f"{base}{reverse('admin:reviews_reviewitem_change', args=[best.pk])}")
    browser.find_element(By.ID, "write-verdict").click()
    _fill(browser, "rating", "false")
    _fill(browser, "explanation", "Rents rose 4 percent in 2025, not 40.")
    _fill(browser, "summary", "The statistics office's rent index shows a 4 percent rise.")
    sources = [
        ("https://stats.example.org/rents-2025", "Rent index 2025", "refutes"),
        ("https://news.example.org/housing", "Housing report coverage", "context"),
    ]
    for n, (url, title, stance) in enumerate(sources):
        _fill(browser, f"sources-2-{n}-url", url)
        _fill(browser, f"sources-2-{n}-title", title)
        _fill(browser, f"sources-2-{n}-stance", stance)
    browser.find_element(By.ID, "save-and-submit").click()
    assert "went to an editor for approval" in _messages(browser)
    best.refresh_from_db()
    assert best.status == workflow.AWAITING_APPROVAL
    browser.save_screenshot(str(artifacts / "submitted.png"))

    # The editor approves and publishes.
    _log_in(browser, base, "editor")
    browser.get(f"{base}{reverse('admin:reviews_reviewitem_change', args=[best.pk])}")
    assert "Rents rose 4 percent in 2025, not 40." in browser.page_source
    browser.find_element(By.ID, "approve-verdict").click()
    assert "The verdict is published." in _messages(browser)

    # The published fact-check is listed as published, with its verdict and sources.
    browser.get(f"{base}{reverse('admin:reviews_reviewitem_changelist')}?status=published")
    rows = browser.find_elements(By.CSS_SELECTOR, "#result_list tbody tr")
    assert len(rows) == 1 and CLAIM in rows[0].text and "published" in rows[0].text.lower()
    verdict = Verdict.objects.get(review_item=best)
    browser.get(f"{base}{reverse('admin:reviews_verdict_change', args=[verdict.pk])}")
    page = browser.page_source
    assert "Rent index 2025" in page and "Housing report coverage" in page
    browser.save_screenshot(str(artifacts / "published.png"))
    # Outside the admin, the public feed of published fact-checks now carries it.
    browser.get(f"{base}{reverse('feed-fact-checks-rss')}")
    assert CLAIM in browser.page_source
    assert ReviewItem.objects.get(pk=best.pk).status == workflow.PUBLISHED
    assert verdict.approved_by.username == "editor" and verdict.author.username == "reviewer"


def test_every_field_of_a_new_source_is_on_screen_without_scrolling_sideways(
    browser: Any, live_server: Any, redis_clean: None, desk_roles: None
) -> None:
    from selenium.webdriver.common.by import By

    demo_accounts_ensure(password="pw")
    item = ReviewItemFactory()
    base = live_server.url
    _log_in(browser, base, "reviewer")
    browser.get(f"{base}{reverse('admin:reviews_reviewitem_change', args=[item.pk])}")
    browser.find_element(By.ID, "take-claim").click()
    browser.find_element(By.ID, "write-verdict").click()

    width = browser.execute_script("return document.documentElement.clientWidth")
    for name in ("url", "title", "publisher", "date", "stance", "quote"):
        field = browser.find_element(By.NAME, f"sources-2-0-{name}")
        assert field.rect["x"] + field.rect["width"] <= width, name
    assert browser.execute_script("return document.documentElement.scrollWidth") <= width
