"""An existing database upgrades to the referral desk's schema without losing a row,
and the desk's migrations go down and up again, on SQLite and on PostgreSQL.

"Existing" means a database made by the release before the desk (revision
836f155c32d8: registry snapshot, sync runs, wizard drafts) holding rows.
"""

from __future__ import annotations

import json

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from screener import MIGRATIONS, create_app
from screener.models import Referral, db

BEFORE_DESK = "836f155c32d8"
DESK_FOUNDATION = "69c407f26eba"
DESK_TABLES = {"referral", "referral_screening", "referral_candidate", "referral_note",
               "staff_user", "staff_session", "audit_event"}
STUDY = {"protocolSection": {"identificationModule": {"nctId": "NCT09999999",
                                                        "briefTitle": "Kept study"}}}
ANSWERS = {"who": {"who": ["patient"]}, "age": {"years": ["7"]}}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def app(request, tmp_path, reset_database):
    """An app whose start-up does not migrate: the test moves the schema itself."""
    url = (f"sqlite:///{tmp_path / 'old.db'}" if request.param == "sqlite"
           else request.getfixturevalue("pg_url"))
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": url,
                      "SCREENER_AUTO_MIGRATE": False})
    yield app
    reset_database(app)


def _revision():
    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _tables():
    return set(inspect(db.engine).get_table_names())


def _old_rows():
    """What the old release wrote, read back as plain values."""
    with db.engine.connect() as conn:
        study = conn.execute(text("SELECT nct_id, data, last_update_post_date FROM ctgov_study")
                             ).all()
        draft = conn.execute(text("SELECT id, answers FROM wizard_draft")).all()
        runs = conn.execute(text("SELECT id, mode, total FROM ctgov_sync_run")).all()
    return ([(n, as_json(d), u) for n, d, u in study], [(i, as_json(a)) for i, a in draft],
            [tuple(r) for r in runs])


def as_json(value):
    """A JSON column as the driver returns it: parsed (PostgreSQL) or text (SQLite)."""
    return value if isinstance(value, dict) else json.loads(value)


def _diff():
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def test_an_existing_database_upgrades_without_losing_rows_and_round_trips(app):
    from desk.desk_support import profile

    from screener.referrals.service import create_referral

    with app.app_context():
        upgrade(directory=str(MIGRATIONS), revision=BEFORE_DESK)
        assert _revision() == BEFORE_DESK and not DESK_TABLES & _tables()
        with db.engine.begin() as conn:  # rows as the old release wrote them
            conn.execute(text("INSERT INTO ctgov_study (nct_id, data, last_update_post_date, "
                              "fetched_at) VALUES ('NCT09999999', :data, '2025-01-02', "
                              "CURRENT_TIMESTAMP)"), {"data": json.dumps(STUDY)})
            conn.execute(text("INSERT INTO wizard_draft (id, answers, created_at, updated_at) "
                              "VALUES ('draft-kept', :answers, CURRENT_TIMESTAMP, "
                              "CURRENT_TIMESTAMP)"), {"answers": json.dumps(ANSWERS)})
            conn.execute(text("INSERT INTO ctgov_sync_run (started_at, ok, mode, source, "
                              "message, fetched, written, removed, total) VALUES "
                              "(CURRENT_TIMESTAMP, true, 'dir', 'x', 'ok', 1, 1, 0, 1)"))
        old = _old_rows()
        assert old == ([("NCT09999999", STUDY, "2025-01-02")], [("draft-kept", ANSWERS)],
                       [(1, "dir", 1)])

        upgrade(directory=str(MIGRATIONS))  # to the newest
        assert DESK_TABLES <= _tables() and _diff() == []
        assert _old_rows() == old
        head = _revision()

        # The desk works on the upgraded database, and its rows survive the round trip
        # of the migrations that came after the foundation.
        referral = create_referral(profile=profile("child-newly-diagnosed"), source="patient",
                                   contact={"name": "Kept Family"})
        reference = referral.reference
        db.session.remove()
        downgrade(directory=str(MIGRATIONS), revision=DESK_FOUNDATION)
        upgrade(directory=str(MIGRATIONS))
        assert _revision() == head and _diff() == []
        assert db.session.query(Referral).one().reference == reference

        # All the way down to the old release and up again: its rows are still there.
        db.session.remove()
        downgrade(directory=str(MIGRATIONS), revision=BEFORE_DESK)
        assert not DESK_TABLES & _tables() and _old_rows() == old
        upgrade(directory=str(MIGRATIONS))
        assert _revision() == head and _diff() == [] and _old_rows() == old
