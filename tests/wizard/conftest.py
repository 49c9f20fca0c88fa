"""Wizard fixtures: the app, a client with its ``wizard`` actions, and a registry-loaded app."""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server
from wizard_pages import WizardActions

from screener import create_app


@pytest.fixture(scope="session")
def app(request, tmp_path_factory, reset_database):
    """One app for the wizard tests; drafts are per client.

    On SQLite by default; on a private PostgreSQL database when TESTING_DATABASE_URL
    is set, so the drafts are proven on both.
    """
    if os.environ.get("TESTING_DATABASE_URL"):
        url = request.getfixturevalue("session_pg_url")  # its own: see tests/conftest.py
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('wizard') / 'wizard.db'}"
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret", "SCREENER_RATE_LIMITS": False,
                      "SQLALCHEMY_DATABASE_URI": url})
    yield app
    if url.startswith("postgresql"):
        reset_database(app)


@pytest.fixture
def wizard(client):
    return WizardActions(client)


#: The shared ClinicalTrials.gov records (a copy of shared/ctgov/studies).
STUDIES = Path(__file__).resolve().parents[1] / "trials" / "data" / "studies"


@pytest.fixture(scope="session")
def registry_app(tmp_path_factory):
    """An app whose registry snapshot holds the 96 shared studies (``sync --from-dir``).

    Its own SQLite database, so the curated-only ``app`` is unchanged.
    """
    url = f"sqlite:///{tmp_path_factory.mktemp('registry') / 'registry.db'}"
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret", "SCREENER_RATE_LIMITS": False,
                      "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        from screener.trials import snapshot
        outcome = snapshot.sync_from_dir(STUDIES)
        assert outcome.ok, outcome
    return app


@pytest.fixture
def registry_client(registry_app):
    return registry_app.test_client()


@pytest.fixture
def registry_wizard(registry_client):
    return WizardActions(registry_client)


# -- real Chromium: one browser and one server for every browser test module (Playwright's
# sync API allows one instance at a time, so two modules cannot each start their own).
CHROMIUM = "/usr/bin/chromium"
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
OPT_OUT = 'install it (make test does), or leave the browser tests out: -m "not browser"'


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
    try:
        import playwright.sync_api as playwright_api
    except ImportError as exc:  # a missing tool fails, never skips
        pytest.fail(f"{exc.name} is not installed (pip install -e '.[test]'); {OPT_OUT}",
                    pytrace=False)
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing; {OPT_OUT}", pytrace=False)
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS, headless=True)
        yield chromium
        chromium.close()
