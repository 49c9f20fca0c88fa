"""Migrations build exactly the schema the models describe, on SQLite and on PostgreSQL."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from screener import create_app, upgrade_database
from screener.models import db


def _schema_diff(app):
    with app.app_context():
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            return compare_metadata(context, db.metadata)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def app(request, tmp_path, reset_database):
    """An app started on an empty database (so its migrations ran at start-up)."""
    url = (f"sqlite:///{tmp_path / 'm.db'}" if request.param == "sqlite"
           else request.getfixturevalue("pg_url"))
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": url})
    yield app
    reset_database(app)


def test_migrations_match_the_models(app):
    """After start-up migrations the database has every table and column the models declare."""
    assert _schema_diff(app) == []
    with app.app_context():
        tables = set(inspect(db.engine).get_table_names())
    assert {t.name for t in db.metadata.sorted_tables} <= tables


def test_upgrade_is_idempotent(app):
    """Migrating an up-to-date database again changes nothing and does not fail."""
    with app.app_context():
        upgrade_database()
    assert _schema_diff(app) == []


def test_workers_starting_together_migrate_once(tmp_path):
    """Three processes starting the app at once on a fresh SQLite file all come up."""
    import os
    import subprocess
    import sys

    env = dict(os.environ, SECRET_KEY="x", DATABASE_URL=f"sqlite:///{tmp_path / 'w.db'}")
    code = "from screener import create_app; create_app(); print('up')"
    procs = [subprocess.Popen([sys.executable, "-c", code], env=env, cwd=tmp_path,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(3)]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], [err[-500:] for _, err in outputs]
    assert all(out.strip() == "up" for out, _ in outputs)


def test_sqlite_runs_in_write_ahead_log_mode(tmp_path):
    """The default database lets readers and a writer work at once (WAL)."""
    from sqlalchemy import text

    app = create_app({"TESTING": True, "SECRET_KEY": "x",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'wal.db'}"})
    with app.app_context(), db.engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 5000
    with app.app_context():
        db.engine.dispose()
