"""Fixtures for the registry tests: the fake API, and apps on SQLite or PostgreSQL."""

import os
import shutil
import uuid
from pathlib import Path

import pytest
from fake_ctgov import FakeCtgov, serve
from sqlalchemy.engine import make_url

from screener import create_app
from screener.models import db

CRITERIA = Path(__file__).resolve().parents[2] / "criteria"
PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


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


def _private_pg_database(base_url: str):
    """Create a database of our own on the server at ``base_url``; returns (url, drop)."""
    import psycopg

    url = make_url(base_url)
    name = f"screener_trials_{uuid.uuid4().hex[:10]}"
    admin = url.set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        conn = psycopg.connect(admin, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL at {url.host}:{url.port} is unreachable ({exc})".splitlines()[0])
    conn.execute(f'CREATE DATABASE "{name}"')

    def drop():
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.close()

    return url.set(database=name).render_as_string(hide_password=False), drop


@pytest.fixture(scope="session")
def pg_url():
    """A private database on the PostgreSQL server (TESTING_DATABASE_URL or the local one).

    Private so that concurrent test runs against the same server never see
    each other's tables; dropped at the end of the session.
    """
    url, drop = _private_pg_database(os.environ.get("TESTING_DATABASE_URL") or PG_DEFAULT)
    yield url
    drop()


def _make_app(url, criteria_dir, tmp_path):
    return create_app({
        "TESTING": True,
        "SECRET_KEY": "test-secret",
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
def app(request, tmp_path, criteria_dir):
    """The app on a temporary SQLite database (and on PostgreSQL when TESTING_DATABASE_URL is set)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'test.db'}"
    else:
        url = request.getfixturevalue("pg_url")
    app = _make_app(url, criteria_dir, tmp_path)
    yield app
    with app.app_context():
        db.session.remove()
        if request.param != "sqlite":
            db.drop_all()
        db.engine.dispose()


@pytest.fixture
def pg_app(pg_url, tmp_path, criteria_dir):
    """The app on the real PostgreSQL server, whatever TESTING_DATABASE_URL says."""
    app = _make_app(pg_url, criteria_dir, tmp_path)
    yield app
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


@pytest.fixture
def ctx(app):
    """An application context on ``app`` (the snapshot functions need one)."""
    with app.app_context():
        yield app
