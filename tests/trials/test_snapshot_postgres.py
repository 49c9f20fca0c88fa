"""The snapshot on the real PostgreSQL server (always run; fails if it is unreachable)."""

import pytest
from fake_ctgov import STUDIES_DIR, nct, shared_studies
from sqlalchemy import select

from screener.models import CtgovStudy, CtgovSyncRun, db
from screener.trials import snapshot
from screener.trials.ctgov import CtgovClient

pytestmark = pytest.mark.postgres


def quick_client(fake):
    return CtgovClient(fake.base_url, sleep=lambda s: None, jitter=lambda: 0.0)


def test_snapshot_round_trip_on_postgresql(pg_app, fake_api):
    """On PostgreSQL: load, sync, incremental sync, a failed sync that keeps everything."""
    with pg_app.app_context():
        assert db.engine.dialect.name == "postgresql"
        assert snapshot.sync_from_dir(STUDIES_DIR).ok
        records = {r.nct_id: r.data for r in db.session.scalars(select(CtgovStudy))}
        assert records == {nct(s): s for s in shared_studies()}  # JSON kept exactly

        full = snapshot.sync_from_api(quick_client(fake_api), full=True)
        assert full.ok, full.message
        run = db.session.get(CtgovSyncRun, full.run_id)
        assert run.started_at.utcoffset().total_seconds() == 0  # read back as aware UTC
        kept = {r.nct_id for r in db.session.scalars(select(CtgovStudy))}
        assert len(kept) == 28

        fake_api.data_timestamp = "2026-11-25T07:00:00"
        assert snapshot.sync_from_api(quick_client(fake_api)).mode == "incremental"
        fake_api.fail("/studies", "500", times=10)
        failed = snapshot.sync_from_api(quick_client(fake_api), full=True)
        assert not failed.ok and "HTTP 500" in failed.message
        assert {r.nct_id for r in db.session.scalars(select(CtgovStudy))} == kept
        state = snapshot.state()
        assert state.may_be_out_of_date and state.as_of.isoformat() == "2026-11-25"
