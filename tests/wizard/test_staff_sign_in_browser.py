"""Staff sign-in and the staff accounts page in real Chromium: axe-core at phone and desktop
width, with and without error messages, and nothing wider than the screen.

Here beside the wizard's browser tests because they share its one Playwright session and
live server (two sync Playwright sessions cannot run in one process).
"""

from __future__ import annotations

import secrets

import pytest
from argon2 import PasswordHasher
from browser_fixtures import PHONE
from test_browser import assert_accessible, fits_width

from screener.models import StaffUser, db

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery staple"
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture
def admin_email(app):
    """A fresh admin in the shared wizard app (a quick argon2 hash of PASSWORD)."""
    email = f"admin-{secrets.token_hex(4)}@example.org"
    quick = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    with app.app_context():
        db.session.add(StaffUser(email=email, role="admin", name="Desk Admin",
                                 password_hash=quick.hash(PASSWORD)))
        db.session.commit()
    return email


def check(page):
    assert_accessible(page)
    assert fits_width(page), page.url


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_sign_in_and_staff_accounts_pages_are_accessible(browser, server, admin_email, viewport):
    context = browser.new_context(viewport=viewport, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        page.goto(f"{server}/staff/users")  # asks for the admin page: sent to sign in first
        assert page.url.startswith(f"{server}/staff/login?next=")
        assert page.get_by_text("Please sign in to see the referral desk").is_visible()
        check(page)

        page.get_by_role("button", name="Sign in").click()  # empty: field messages
        assert page.get_by_text("Enter your email address.").is_visible()
        check(page)

        page.get_by_label("Email").fill(admin_email)
        page.get_by_label("Password").fill("not the password")
        page.get_by_role("button", name="Sign in").click()
        assert page.get_by_role("alert").inner_text().startswith("That email and password")
        assert page.get_by_label("Email").input_value() == admin_email  # kept
        check(page)

        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        assert page.url == f"{server}/staff/users"  # back to the page asked for
        check(page)

        page.get_by_label("Email").fill("new.coordinator@example.org")
        page.get_by_label("Password (at least 12 characters)").fill("short")
        page.get_by_role("button", name="Create the account").click()
        assert page.get_by_role("link", name="The password is too short").is_visible()
        check(page)

        page.get_by_role("link", name=admin_email).click()  # one account's page
        check(page)
    finally:
        context.close()
