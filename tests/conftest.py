"""Shared fixtures: an app on a temporary SQLite database, its client and CLI runner,
and a private database on the real PostgreSQL server.

Services are never optional by accident: a test that needs PostgreSQL, Redis or Chromium
fails when it cannot reach it, with or without CI. A developer without them leaves those
tests out by marker (``-m "not postgres and not redis and not browser"``, README); a test
that uses a service's fixture gets its marker here, so the opt-out cannot miss one.
"""

import os
import shutil
import sys
import tempfile
import uuid
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from screener import create_app

# One Chromium for every browser test of the run, the wizard's and the desk's: two sync
# Playwright sessions cannot share a process, so ``browser`` is registered here only once.
sys.path.insert(0, str(Path(__file__).resolve().parent / "wizard"))
from browser_fixtures import browser  # noqa: E402,F401,I001 -- the fixture, for every folder


def pytest_configure(config):
    """Every app of the run, in this process or started by a test (gunicorn, the console
    script), keeps its instance folder (secret_key, migrate.lock) in a temporary folder,
    never in the checkout."""
    config._screener_instance = tempfile.mkdtemp(prefix="screener-test-instance-")
    os.environ["SCREENER_INSTANCE_PATH"] = config._screener_instance
    _clamp_third_party_reseeders()


def _clamp_third_party_reseeders():
    """Give other packages' pytest-randomly reseeders a seed numpy accepts.

    pytest-randomly reseeds before each test with its seed plus a CRC of the test id, often
    past 2**32, and hands that to every ``pytest_randomly.random_seeder`` entry point.
    thinc's (spaCy, under medspaCy) passes it to numpy.random.seed, which refuses it: with
    most seeds hundreds of tests errored at setup (pytest-randomly#736, thinc#960; fixed in
    thinc 8.3, which spaCy 3.7 does not allow). pytest-randomly reduces the seed modulo 2**32
    for numpy itself; this does the same for the entry points.
    """
    try:
        import pytest_randomly
    except ImportError:  # run without it: nothing to clamp
        return
    from importlib.metadata import entry_points

    def clamped(reseed):
        return lambda seed: reseed(seed % 2**32)

    pytest_randomly.entrypoint_reseeds = [
        clamped(ep.load()) for ep in entry_points(group="pytest_randomly.random_seeder")]


def pytest_unconfigure(config):
    shutil.rmtree(config._screener_instance, ignore_errors=True)


#: Fixtures that reach a service, and the marker that leaves their tests out.
SERVICE_FIXTURES = {"pg_url": "postgres", "session_pg_url": "postgres", "pg_app": "postgres",
                    "redis_url": "redis"}


@pytest.hookimpl(tryfirst=True)  # before -m deselects by marker
def pytest_collection_modifyitems(items):
    """Mark every test that uses a service's fixture with that service's marker."""
    for item in items:
        for fixture, marker in SERVICE_FIXTURES.items():
            if fixture in getattr(item, "fixturenames", ()):
                item.add_marker(marker)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Under CI (``.ci/run`` sets CI=true) a skipped test is a failed one: every service is
    there, so nothing may pass by skipping."""
    outcome = yield
    report = outcome.get_result()
    if os.environ.get("CI") and report.skipped and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else report.longrepr
        report.outcome = "failed"
        report.longrepr = f"skipped under CI, where nothing may pass by skipping: {reason}"


@pytest.fixture
def app_config():
    """Settings a test module adds to the ``app``'s (a module overrides this fixture)."""
    return {}


@pytest.fixture
def app(request, tmp_path, reset_database, app_config):
    """The app on a temporary SQLite database, or on PostgreSQL when TESTING_DATABASE_URL is set
    (the same suite runs on both)."""
    pg = bool(os.environ.get("TESTING_DATABASE_URL"))
    url = request.getfixturevalue("pg_url") if pg else f"sqlite:///{tmp_path / 'test.db'}"
    app = create_app({"TESTING": True, "SECRET_KEY": "test-secret", "SCREENER_RATE_LIMITS": False,
                      "SQLALCHEMY_DATABASE_URI": url, **app_config})
    yield app
    if pg:
        reset_database(app)


PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _private_pg_database(base_url: str):
    """Create a database of our own on the server at ``base_url``; returns (url, drop)."""
    import psycopg

    url = make_url(base_url)
    name = f"screener_test_{uuid.uuid4().hex[:10]}"
    admin = url.set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        conn = psycopg.connect(admin, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        # Never a skip: a pass with PostgreSQL down once reported "698 passed, 208 skipped".
        pytest.fail(f"PostgreSQL at {url.host}:{url.port} is unreachable "
                    f"({str(exc).splitlines()[0]}); start it, or leave these tests out: "
                    '-m "not postgres" and TESTING_DATABASE_URL unset', pytrace=False)
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


@pytest.fixture(scope="session")
def session_pg_url():
    """Another private database, for an app that lives the whole session (the wizard's).

    Never the shared ``pg_url``: the tests on that one drop every table when they end, and
    in random order they run between the session app's tests.
    """
    url, drop = _private_pg_database(os.environ.get("TESTING_DATABASE_URL") or PG_DEFAULT)
    yield url
    drop()


def _reset_database(app):
    """Drop every table, the migrations' own version table included, and close connections.

    Tests on the shared private PostgreSQL database call this in teardown so the next
    app starts from an empty database and runs the migrations again.
    """
    from sqlalchemy import text

    from screener.models import db

    with app.app_context():
        db.session.remove()
        db.drop_all()
        with db.engine.begin() as conn:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        db.engine.dispose()


@pytest.fixture(scope="session")
def reset_database():
    """The function that empties a test database (see _reset_database)."""
    return _reset_database


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def live(app):
    """This test's ``app`` (its own database) served on a loopback port, for a real browser."""
    import logging
    import threading

    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    srv = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_port}"
    srv.shutdown()
    thread.join(timeout=5)
