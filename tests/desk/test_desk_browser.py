"""A coordinator's morning in real Chromium: sign in, filter the queue, open a referral,
read the call checklist, change the status, export CSV; axe-core on every staff page."""

from __future__ import annotations

import pytest
from desk_support import PASSWORD
from queue_support import LIKELY_CHILD, actions, file_referral

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1280, "height": 900}


def assert_accessible(tab):
    from test_browser import assert_accessible as axe_check  # tests/wizard, on sys.path

    axe_check(tab)


def test_a_coordinators_morning(app, live, browser, make_user, tmp_path):
    make_user("coordinator@example.org", name="Cora")
    family, family_ref = file_referral(app, "child-newly-diagnosed", days_ago=2,
                                       contact={"name": "Rivera family", "phone": "555-0142",
                                                "best_time": "after 5 pm"})
    _, doctor_ref = file_referral(app, "adult-ph-positive-new", source="physician", days_ago=1,
                                  contact={"name": "Pat Doe", "phone": "555-0150"})
    _, likely_ref = file_referral(app, LIKELY_CHILD)
    context = browser.new_context(viewport=DESKTOP, locale="en-US", accept_downloads=True)
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    try:
        tab.goto(f"{live}/staff/")
        assert "/staff/login" in tab.url
        assert_accessible(tab)
        tab.fill("#email", "coordinator@example.org")
        tab.fill("#password", PASSWORD)
        tab.click("button[type=submit]")
        tab.wait_for_url(f"{live}/staff/")
        rows = tab.locator("table.queue tbody tr")
        assert rows.count() == 3 and likely_ref in rows.first.inner_text()
        assert_accessible(tab)

        # Filter: the patients' own referrals that need review.
        tab.select_option("#f-source", "patient")
        tab.select_option("#f-verdict", "needs_review")
        tab.click("text=Filter")
        tab.wait_for_url("**/staff/?*source=patient*")
        assert rows.count() == 1 and family_ref in rows.first.inner_text()
        assert doctor_ref not in tab.inner_text("table.queue")
        assert_accessible(tab)

        # Open it: the call checklist comes first, the question that settles most first.
        tab.click(f"text={family_ref}")
        tab.wait_for_url(f"**/staff/referrals/{family}")
        questions = tab.locator("ol.checklist > li")
        assert questions.count() >= 1
        first = questions.first.inner_text()
        assert "?" in first and "settles" in first
        assert "Rivera family" in tab.inner_text("#contact-title + dl")
        assert_accessible(tab)
        tab.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        assert_accessible(tab)

        # Change the status: the page says so and the history shows who did it.
        tab.select_option("#status", "contacting")
        tab.click("text=Change status")
        tab.wait_for_selector("text=Status changed to “Contacting”.")
        assert "coordinator@example.org: New → Contacting" in tab.inner_text("ol.history")
        assert tab.inner_text("dd.status") == "Contacting"
        assert_accessible(tab)

        # Back to the queue and export what it shows.
        tab.click("text=Back to the queue")
        tab.select_option("#f-status", "contacting")
        tab.click("text=Filter")
        tab.wait_for_url("**/staff/?*status=contacting*")
        assert_accessible(tab)
        with tab.expect_download() as download:
            tab.click("a.export")
        saved = tmp_path / "export.csv"
        download.value.save_as(saved)
        text = saved.read_text("utf-8-sig")
        assert family_ref in text and "Rivera family" in text and doctor_ref not in text
    finally:
        context.close()
    trail = actions(app)
    assert trail.count("sign_in") == 1 and trail.count("exported") == 1
    assert trail.count("queue_viewed") == 4 and trail.count("status_changed") == 1
    assert actions(app, family).count("referral_viewed") == 2
