"""The physician referral form (/refer) in real Chromium at desktop width: a physician checks
eligibility, forgets who refers, corrects it and files; axe-core finds nothing serious on any
of the four pages.

Here rather than in tests/desk because the browser, the live server and the one Playwright
session of the run are this folder's fixtures (browser_fixtures.py).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from test_browser import assert_accessible

from screener.models import Referral, db
from screener.referrals.physician import today

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}


def test_a_physician_checks_then_files_a_referral(browser, server, app):
    context = browser.new_context(viewport=DESKTOP, locale="en-US")
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    try:
        tab.goto(f"{server}/refer")
        assert_accessible(tab)
        tab.fill("#age_years", "29")
        for name, value in [("sex", "male"), ("lineage", "b_all"), ("status", "relapse_2"),
                            ("cd19", "negative"), ("cns", "cns1"), ("ps_scale", "ecog"),
                            ("prior_list", "complete")]:
            tab.check(f"input[name='{name}'][value='{value}']")
        tab.fill("#blasts_percent", "38")
        tab.fill("#ps_score", "1")
        tab.check("#given_multiagent_chemotherapy")
        tab.check("#given_cd19_car_t")
        tab.fill("#date_cd19_car_t", (today() - timedelta(days=120)).isoformat())
        tab.select_option("#outcome_cd19_car_t", "responded")
        tab.click("button[value=check]")

        result = tab.locator("#result")
        result.wait_for()
        assert tab.evaluate("document.activeElement.id") == "result", "the result is in view"
        assert tab.locator("#result article.trial").count() >= 5
        assert tab.input_value("#blasts_percent") == "38", "the form is still filled in"
        assert tab.is_checked("#given_cd19_car_t")
        assert_accessible(tab)

        tab.click("button[value=file]")  # nobody named, nothing ticked
        summary = tab.locator(".error-summary")
        summary.wait_for()
        assert "Enter the referring physician's name" in summary.inner_text()
        assert tab.evaluate("document.activeElement.classList.contains('error-summary')")
        assert tab.input_value("#date_cd19_car_t"), "the dates typed are kept"
        assert_accessible(tab)

        tab.fill("#physician_name", "Dr Ana Ruiz")
        tab.fill("#email", "ruiz@example.org")
        tab.check("#attest")
        tab.click("button[value=file]")
        tab.wait_for_url(f"{server}/refer/filed")
        reference = tab.inner_text("#reference")
        assert reference.startswith("R-")
        assert_accessible(tab)
        with app.app_context():
            filed = db.session.query(Referral).filter_by(reference=reference).one()
            assert filed.source == "physician" and filed.profile["relapse_count"] == 2
    finally:
        context.close()
