"""The results page in real Chromium (issue 9): length on a phone, the first screen, folded
details, print, axe-core in both languages, and tap targets.

Each example profile (tests/data/example_profiles, a copy of the shared ones) is shown as the
results view shows it (``render_results``, the view's own rendering), in the app that serves
the page's stylesheets; the page is handed to Chromium at the app's own address.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

import pytest
from pdf_text import page_texts, squash
from test_browser import assert_accessible, walk
from wizard_pages import CHILD

from screener.profile import validate_profile
from screener.wizard.results import results_page
from screener.wizard.routes import render_results

pytestmark = pytest.mark.browser

PROFILES = Path(__file__).resolve().parents[1] / "data" / "example_profiles"
EXAMPLES = sorted(p.stem for p in PROFILES.glob("*.json"))
PHONE = {"width": 390, "height": 844}
SCREENS = 6


def _profile(name: str) -> dict:
    profile = json.loads((PROFILES / f"{name}.json").read_text())
    validate_profile(profile)
    return profile


def _show(browser, server, app, name, lang="en"):
    """A phone-sized tab showing the results page for the example profile ``name``."""
    with app.test_request_context("/screen/results", headers={"Accept-Language": lang}):
        html = render_results(_profile(name))
    context = browser.new_context(viewport=PHONE, locale="es-MX" if lang == "es" else "en-US")
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    url = f"{server}/example/{name}"  # never a route of the app: answered here
    tab.route(url, lambda route: route.fulfill(body=html,
                                                content_type="text/html; charset=utf-8"))
    tab.goto(url)
    return context, tab


def _bottom(tab, selector: str) -> float:
    return tab.evaluate(f"document.querySelector({selector!r}).getBoundingClientRect().bottom "
                        "+ window.scrollY")


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("name", EXAMPLES)
def test_results_fit_six_phone_screens_with_summary_and_checklist_first(
        browser, server, app, name, lang):
    """At 390 x 844, details folded, the page is at most 6 screens long and the summary and the
    care-team checklist end within the first screen."""
    context, tab = _show(browser, server, app, name, lang)
    try:
        assert tab.evaluate("[...document.querySelectorAll('details')].every(d => !d.open)")
        height = tab.evaluate("document.documentElement.scrollHeight")
        assert height <= SCREENS * PHONE["height"], (name, lang, height)
        assert _bottom(tab, "#summary") <= PHONE["height"]
        assert _bottom(tab, "#checklist") <= PHONE["height"], (name, lang)
        assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    finally:
        context.close()


def test_details_open_by_keyboard_and_the_criteria_are_one_click_away(browser, server, app):
    """A card's 'Why, in detail' opens with Enter from the keyboard and shows what to ask;
    'Full criteria' opens with one click and shows the study's own words."""
    context, tab = _show(browser, server, app, "child-newly-diagnosed")
    try:
        card = tab.locator("section.group-needs_review article.trial").first
        why = card.locator("details.why")
        assert not why.locator("ul.lines-unknown").is_visible()
        why.locator("summary").focus()
        tab.keyboard.press("Enter")
        assert why.get_attribute("open") is not None
        assert why.locator("ul.lines-unknown").is_visible()
        assert "Ask your care team" in why.locator("ul.lines-unknown").inner_text()
        own = card.locator("details.own-words")
        own.locator("summary").click()
        assert own.locator("ul.verbatim li").first.is_visible()
        assert_accessible(tab)
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["en", "es"])
def test_results_page_passes_axe_folded_and_unfolded(browser, server, app, lang):
    """axe-core finds nothing serious on the results page in English and Spanish, with the
    details folded and with every one of them open."""
    context, tab = _show(browser, server, app, "age-only", lang)
    try:
        assert tab.get_attribute("html", "lang") == lang
        assert_accessible(tab)
        tab.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        assert_accessible(tab)
    finally:
        context.close()


def _text(value: str) -> str:
    return squash(unicodedata.normalize("NFKC", value))


@pytest.mark.parametrize("name", EXAMPLES)
def test_printed_page_one_has_the_date_the_answers_and_the_checklist(browser, server, app,
                                                                     name):
    """Printed to PDF: page 1 has the date, every answer given and every checklist question;
    no page before the last is left nearly blank; the text keeps a margin of at least 0.5 in."""
    context, tab = _show(browser, server, app, name)
    try:
        pdf = tab.pdf(format="Letter")
    finally:
        context.close()
    pages = [_text(t) for t in page_texts(pdf)]
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        from screener.trials.catalog import catalog
        want = results_page(_profile(name), catalog().all(), "en")
    first = pages[0]
    assert _text("Studies that might fit") in first  # the reader works on this PDF
    assert _text(want["today"]) in first
    assert _text("Your answers") in first
    for label, words in want["answers"]:
        assert _text(f"{label}:{words}") in first, (label, words)
    assert _text("Questions for your care team") in first
    for question, _count in want["checklist"]:
        assert _text(question) in first, question
    # a page is about 2,000 characters: none but the last may be a quarter full
    assert all(len(page) > 500 for page in pages[:-1]), [len(p) for p in pages]
    lefts = [float(x) for x in re.findall(rb"/Rect \[([\d.]+) ", pdf)]
    assert lefts and min(lefts) >= 36, min(lefts)  # links' boxes: 72 pt to the inch


def test_review_rows_and_change_links_are_44_px_tall_and_trials_is_styled(browser, server):
    """On a phone, each answer row and each 'Change' link is at least 44 px tall; the /trials
    page loads the site's stylesheet like every other page."""
    context = browser.new_context(viewport={"width": 375, "height": 740}, locale="en-US")
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    try:
        walk(tab, server, CHILD)
        heights = tab.evaluate("""[...document.querySelectorAll('.answer-row')].map(r => [
            r.getBoundingClientRect().height,
            r.querySelector('.change a').getBoundingClientRect().height])""")
        assert heights and all(row >= 44 and link >= 44 for row, link in heights), heights
        tab.goto(server + "/trials")
        sheets = tab.evaluate("[...document.styleSheets].map(s => s.href.split('/').pop())")
        assert "wizard.css" in sheets, sheets
        assert tab.evaluate("getComputedStyle(document.querySelector('header.site')).display") \
            == "flex"
    finally:
        context.close()
