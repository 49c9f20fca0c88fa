"""Fixtures for the registry tests: the fake API, and apps on SQLite or PostgreSQL."""

import os
import shutil
from pathlib import Path

import pytest
from fake_ctgov import FakeCtgov, serve

from screener import create_app
from screener.models import db

CRITERIA = Path(__file__).resolve().parents[2] / "criteria"


@pytest.fixture
def fake_api():
    """The fake ClinicalTrials.gov API on 127.0.0.1, serving the shared studies."""
    fake = FakeCtgov()
    stop = serve(fake)
    yield fake
    stop()


@pytest.fixture
def criteria_dir(tmp_path):
    """A criteria folder holding only the worked example (ELIANA, NCT02435849)."""
    folder = tmp_path / "criteria"
    folder.mkdir()
    shutil.copy(CRITERIA / "NCT02435849.yaml", folder)
    return folder


def _make_app(url, criteria_dir, tmp_path):
    return create_app({
        "TESTING": True,
        "SECRET_KEY": "test-secret", "SCREENER_RATE_LIMITS": False,
        "SQLALCHEMY_DATABASE_URI": url,
        "SCREENER_CRITERIA_DIR": str(criteria_dir),
        "SCREENER_CTGOV_URL": "http://127.0.0.1:9/api/v2",  # nothing listens there
    })


def _database_params():
    params = ["sqlite"]
    if os.environ.get("TESTING_DATABASE_URL"):
        params.append(pytest.param("postgres", marks=pytest.mark.postgres))
    return params


@pytest.fixture(params=_database_params())
def app(request, tmp_path, criteria_dir, reset_database):
    """The app on a temporary SQLite database (and on PostgreSQL when TESTING_DATABASE_URL is set)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'test.db'}"
    else:
        url = request.getfixturevalue("pg_url")
    app = _make_app(url, criteria_dir, tmp_path)
    yield app
    if request.param != "sqlite":
        reset_database(app)
    else:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def pg_app(pg_url, tmp_path, criteria_dir, reset_database):
    """The app on the real PostgreSQL server, whatever TESTING_DATABASE_URL says."""
    app = _make_app(pg_url, criteria_dir, tmp_path)
    yield app
    reset_database(app)


@pytest.fixture
def ctx(app):
    """An application context on ``app`` (the snapshot functions need one)."""
    with app.app_context():
        yield app
