"""The search page in a real browser, as a person uses it: type a query, click a facet and click it again, click a
histogram bar, open a document, go back; with the keyboard, without JavaScript, on a phone-width window.

Debian's `chromium` is driven by Playwright through the system executable (no browser download; `.ci/run`
installs the package); the tests skip when either is missing. Screenshots of each step are written to
SEEKWIRE_SCREENSHOTS when it names a directory, for a person to look at.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from conftest import known_entities
from seekwire import index_paths
from test_search import ENTITIES, NEWS
from test_serve import Server

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory):
    if not CHROMIUM.exists():
        pytest.skip("needs Debian's chromium at /usr/bin/chromium")
    pytest.importorskip("playwright")
    index_dir = tmp_path_factory.mktemp("browser") / "index"
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("seekwire.extract.entities.EntityRecognizer", known_entities(ENTITIES))
        index_paths([NEWS], index_dir)
    server = Server(index_dir)
    yield server.url
    server.stop()


@pytest.fixture(scope="module")
def browser(served):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        opened = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield opened
        opened.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1100, "height": 800})
    opened = context.new_page()
    yield opened
    context.close()


def shot(page, name: str) -> None:
    folder = os.environ.get("SEEKWIRE_SCREENSHOTS")
    if folder:
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def params(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def shown_ids(page) -> list[str]:
    return [re.search(r"/doc/(\w+)", href).group(1)
            for href in page.locator(".hit h2 a").evaluate_all("links => links.map(a => a.href)")]


def test_search_facet_histogram_document_and_back(page, served) -> None:
    page.goto(served)
    page.fill("#q", "Chine")
    page.keyboard.press("Enter")
    page.wait_for_selector(".hit")
    shot(page, "1-search")
    assert params(page) == {"q": ["Chine"]}
    assert sorted(shown_ids(page)) == ["a1", "a4"]
    assert page.locator(".hit mark").first.inner_text() == "Chine"

    place = page.locator("[data-facet=places] a", has_text="Algérie")
    place.click()
    page.wait_for_load_state()
    shot(page, "2-facet")
    assert params(page) == {"q": ["Chine"], "place": ["Algérie"]}
    assert shown_ids(page) == ["a4"]
    assert page.locator("[data-facet=places] a.on").inner_text().startswith("Algérie")
    page.locator("[data-facet=places] a.on").click()
    page.wait_for_load_state()
    assert params(page) == {"q": ["Chine"]} and sorted(shown_ids(page)) == ["a1", "a4"]

    page.goto(served + "?agency=AFP&agency=Xinhua&agency=VNA&agency=MAP&agency=APS")
    bars = page.locator(".histogram .bar")
    assert bars.count() >= 2
    label = bars.first.get_attribute("data-label")
    bars.first.click()
    page.wait_for_load_state()
    shot(page, "3-histogram")
    assert params(page)["since"] == [label] and params(page)["until"] == [label]
    dates = page.locator(".hit time").all_inner_texts()
    assert dates and all(date.startswith(label) for date in dates)

    page.goto(served + "?q=énergie Kazakhstan")
    results_url = page.url
    page.locator(".hit h2 a").first.click()
    page.wait_for_load_state()
    shot(page, "4-document")
    assert urlsplit(page.url).path == "/doc/a1"
    assert "Kazakhstan" in page.locator("h1").inner_text()
    assert {m.lower() for m in page.locator("article mark").all_inner_texts()} == {"kazakhstan", "d'énergie"}
    assert page.locator(".entities a", has_text="Li Keqiang").get_attribute("href") == "/?person=Li%20Keqiang"
    page.go_back()
    page.wait_for_load_state()
    assert page.url == results_url and shown_ids(page)


def test_the_keyboard_reaches_the_results_with_a_visible_focus(page, served) -> None:
    page.goto(served)
    page.keyboard.press("/")  # the one comfort the script adds
    page.keyboard.type("coopération")
    page.keyboard.press("Enter")
    page.wait_for_selector(".hit")
    for _ in range(30):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.closest('.hit') !== null"):
            break
    else:
        pytest.fail("Tab never reached a hit")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none")
    shot(page, "5-focus")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert urlsplit(page.url).path.startswith("/doc/")


def test_without_javascript_on_a_phone(browser, served) -> None:
    context = browser.new_context(java_script_enabled=False, viewport={"width": 360, "height": 740})
    page = context.new_page()
    try:
        page.goto(served)
        page.fill("#q", "Kazakhstan")
        page.locator("button[type=submit]").click()
        page.wait_for_selector(".hit")
        shot(page, "6-phone")
        assert params(page) == {"q": ["Kazakhstan"]} and shown_ids(page)
        assert page.evaluate("document.documentElement.scrollWidth") <= 360  # nothing wider than the screen
        page.locator(".hit h2 a").first.click()
        page.wait_for_load_state()
        shot(page, "7-phone-document")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
    finally:
        context.close()
