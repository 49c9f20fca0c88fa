"""Wizard fixtures: the app, a client with its ``wizard`` actions, and a registry-loaded app."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from browser_fixtures import page, server  # noqa: F401 -- fixtures for every module (browser: tests/conftest.py)
from wizard_pages import EVERY_QUESTION, WizardActions

from screener import create_app
from screener.trials.catalog import TrialCatalog


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


@pytest.fixture
def every_question(app, monkeypatch):
    """Only studies that read every question of the tests, health and daily-life pages in
    the catalog, for tests of those pages' forms (which questions open studies read is
    tested in test_asked_when_it_matters.py)."""
    monkeypatch.setitem(app.extensions, "screener.catalog", TrialCatalog(list(EVERY_QUESTION)))
    return EVERY_QUESTION
