"""The hand-off in real Chromium on a phone: from the results to the confirmation by keyboard.

Served as the other browser tests are (browser_fixtures.py); axe-core checks the
form (also with its errors shown) and the confirmation.
"""

from __future__ import annotations

import pytest
from test_browser import _tab_to, assert_accessible, fits_width, submit

from screener.models import Referral, db

pytestmark = pytest.mark.browser


def _results_now(page, server):
    """Start the wizard and ask for the results after the first question."""
    page.goto(server + "/")
    submit(page, "Start the questions")
    page.check("input[name=who][value=parent]")
    submit(page, "Show my results now")
    assert page.url.endswith("/screen/results")


def test_a_parent_sends_the_answers_by_keyboard_on_a_phone(app, page, server):
    _results_now(page, server)
    assert page.get_by_role("heading", name="Send my answers to the research team").count()
    _tab_to(page, "a[href='/screen/send/']", limit=200)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/screen/send/")
    assert fits_width(page)
    assert_accessible(page)

    _tab_to(page, "input[name=name]")
    page.keyboard.type("Robin Example")
    _tab_to(page, "input[name=phone]")
    page.keyboard.type("555 010 0123")
    _tab_to(page, "button[type=submit]")  # the consent box left unticked
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert "Tick the box to agree" in page.locator(".error-summary").inner_text()
    assert page.input_value("input[name=name]") == "Robin Example"
    assert page.input_value("input[name=phone]") == "555 010 0123"
    assert_accessible(page)

    _tab_to(page, "input[name=consent]")
    page.keyboard.press("Space")
    assert page.is_checked("input[name=consent]")
    _tab_to(page, "button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/screen/send/done")
    assert page.get_by_role("heading", level=1).inner_text() == "Your answers were sent"
    reference = page.locator(".reference .code").inner_text()
    assert fits_width(page)
    assert_accessible(page)
    with app.app_context():
        referral = db.session.query(Referral).filter_by(reference=reference).one()
        assert referral.contact["name"] == "Robin Example"
        assert referral.source == "patient"
