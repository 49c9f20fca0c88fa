"""Helpers of the desk tests: example profiles, the CSRF token of a page, signing in."""

from __future__ import annotations

import json
import re
from pathlib import Path

from screener.profile import validate_profile

PROFILES = Path(__file__).resolve().parents[1] / "data" / "example_profiles"
PASSWORD = "correct horse battery staple"


def profile(name: str) -> dict:
    """A contract profile from tests/data/example_profiles (validated, as every entry point does)."""
    return validate_profile(json.loads((PROFILES / f"{name}.json").read_text("utf-8")))


def csrf_token(html: str) -> str:
    found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html)
    assert found, "the page has no CSRF token"
    return found.group(1)


def sign_in(client, email: str = "coordinator@example.org", password: str = PASSWORD):
    """Sign in through the real form (CSRF token and all); returns the response."""
    page = client.get("/staff/login")
    return client.post("/staff/login", data={"email": email, "password": password,
                                             "csrf_token": csrf_token(page.get_data(True))})
