"""Chromium for the browser tests: the app served from a thread, one browser, phone pages.

Fixtures shared by every browser test module (registered in conftest.py), so that one
Playwright session serves them all: two sync Playwright sessions cannot share a process.
"""

from __future__ import annotations

import logging
import os
import threading

import pytest
from werkzeug.serving import make_server

try:
    import axe_playwright_python.sync_playwright as axe_api
    import playwright.sync_api as playwright_api
except ImportError as exc:  # the browser fixture fails on it: a missing tool never skips
    playwright_api = axe_api = None
    MISSING_MODULE = f"{exc.name} is not installed (pip install -e '.[test]')"

CHROMIUM = "/usr/bin/chromium"
OPT_OUT = 'install it (make test does), or leave the browser tests out: -m "not browser"'
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
PHONE = {"width": 375, "height": 740}


@pytest.fixture(scope="session")
def server(app):
    """The app on an ephemeral loopback port, for the length of the session."""
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    srv = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_port}"
    srv.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for all browser tests (missing Playwright or Chromium fails)."""
    if playwright_api is None:
        pytest.fail(f"{MISSING_MODULE}; {OPT_OUT}", pytrace=False)
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing; {OPT_OUT}", pytrace=False)
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A fresh phone-sized page (own cookies) in English."""
    context = browser.new_context(viewport=PHONE, locale="en-US")
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    yield tab
    context.close()
