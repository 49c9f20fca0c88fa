"""The local snapshot: `screener sync` from the API (full, then incremental) and from a folder."""

import json
import sqlite3

from click.testing import CliRunner
from fake_ctgov import STUDIES_DIR, nct, shared_studies, with_changes
from sqlalchemy import select

from screener.cli import main
from screener.models import CtgovStudy, CtgovSyncRun, db
from screener.trials import snapshot
from screener.trials.ctgov import CtgovClient

OPEN = {"RECRUITING", "NOT_YET_RECRUITING"}


def quick_client(fake):
    """A client on the fake API that never really sleeps."""
    return CtgovClient(fake.base_url, sleep=lambda s: None, jitter=lambda: 0.0,
                       read_timeout=2.0)


def stored():
    """NCT id -> stored record."""
    return {row.nct_id: row.data for row in db.session.scalars(select(CtgovStudy))}


def open_ids(studies):
    return {nct(s) for s in studies if s["protocolSection"]["statusModule"]["overallStatus"] in OPEN}


def test_sync_from_dir_loads_every_shared_study(app):
    """`screener sync --from-dir` loads all 96 shared records and says so in one line."""
    newest = max(s["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"]["date"]
                 for s in shared_studies())
    result = app.test_cli_runner().invoke(args=["sync", "--from-dir", str(STUDIES_DIR)])
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines() == [
        f"sync ok (dir): 96 studies loaded from {STUDIES_DIR} (newest record update "
        f"{newest}); the snapshot holds 96 studies"]
    with app.app_context():
        records = stored()
        assert set(records) == {nct(s) for s in shared_studies()}
        assert records["NCT02435849"] == json.loads((STUDIES_DIR / "NCT02435849.json").read_text())
        state = snapshot.state()
        assert state.studies == 96 and not state.may_be_out_of_date
        assert state.as_of.isoformat() == newest  # dated by the records, not by today


def test_the_screener_script_syncs_from_a_folder(tmp_path, criteria_dir):
    """`screener sync --from-dir` (the console script, settings from the environment) works."""
    database = tmp_path / "script.db"
    env = {"DATABASE_URL": f"sqlite:///{database}", "SECRET_KEY": "test-secret",
           "SCREENER_CRITERIA_DIR": str(criteria_dir)}
    result = CliRunner().invoke(main, ["sync", "--from-dir", str(STUDIES_DIR)], env=env)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("sync ok (dir): 96 studies loaded")
    with sqlite3.connect(database) as conn:
        assert conn.execute("select count(*) from ctgov_study").fetchone() == (96,)


def test_from_dir_accepts_single_studies_and_whole_pages(ctx, tmp_path):
    """A folder may hold /studies/{id} bodies and /studies pages; both are read."""
    studies = shared_studies()
    (tmp_path / "one.json").write_text(json.dumps(studies[0]))
    (tmp_path / "page.json").write_text(json.dumps({"studies": studies[1:4],
                                                    "nextPageToken": "x"}))
    outcome = snapshot.sync_from_dir(tmp_path)
    assert outcome.ok, outcome.message
    assert set(stored()) == {nct(s) for s in studies[:4]}


def test_a_broken_file_loads_nothing_and_keeps_the_snapshot(ctx, tmp_path):
    """One unreadable file fails the whole load: nothing half-written, the old snapshot stays."""
    assert snapshot.sync_from_dir(STUDIES_DIR).ok
    before = stored()
    studies = shared_studies()
    changed = with_changes(studies[:2], nct(studies[0]),
                           lambda s: s["protocolSection"]["identificationModule"].update(
                               briefTitle="CHANGED"))
    (tmp_path / "a.json").write_text(json.dumps(changed[0]))
    (tmp_path / "b.json").write_text('{"protocolSection": {"identificationModule": {}}}')
    outcome = snapshot.sync_from_dir(tmp_path)
    assert not outcome.ok
    assert "b.json" in outcome.message and "kept the previous snapshot (96 studies" in outcome.message
    assert "\n" not in outcome.message
    assert stored() == before
    assert snapshot.state().may_be_out_of_date


def test_first_sync_fetches_open_all_studies_and_records_the_data_time(ctx, fake_api):
    """A first sync stores the recruiting / not-yet-recruiting studies and the API's dataTimestamp."""
    pages = []
    outcome = snapshot.sync_from_api(quick_client(fake_api),
                                     progress=lambda done, total: pages.append((done, total)))
    assert outcome.ok and outcome.mode == "full", outcome.message
    assert set(stored()) == open_ids(shared_studies())
    run = db.session.get(CtgovSyncRun, outcome.run_id)
    assert run.data_timestamp == fake_api.data_timestamp
    assert run.finished_at >= run.started_at and run.finished_at.tzinfo is not None
    assert snapshot.state().as_of.isoformat() == "2026-11-20"
    assert pages[-1] == (len(open_ids(shared_studies())),) * 2
    assert outcome.message.startswith("sync ok (full): 28 studies fetched, 28 written")
    assert fake_api.problems == []


def test_later_syncs_fetch_only_what_changed_since_the_last_good_one(ctx, fake_api):
    """The second sync asks for studies updated since the last data date, and applies them."""
    assert snapshot.sync_from_api(quick_client(fake_api)).ok
    first = stored()
    studies = shared_studies()
    ids = sorted(open_ids(studies))
    closing, updated = ids[0], ids[1]
    new = next(nct(s) for s in studies if nct(s) not in first)

    def touch(status):
        def change(study):
            module = study["protocolSection"]["statusModule"]
            module["overallStatus"] = status
            module["lastUpdatePostDateStruct"] = {"date": "2026-11-24"}
            study["protocolSection"]["identificationModule"]["briefTitle"] = "Amended title"
        return change

    changed = with_changes(studies, closing, touch("COMPLETED"))
    changed = with_changes(changed, updated, touch("RECRUITING"))
    changed = with_changes(changed, new, touch("NOT_YET_RECRUITING"))
    fake_api.studies = changed
    fake_api.data_timestamp = "2026-11-25T07:00:00"
    fake_api.received.clear()

    outcome = snapshot.sync_from_api(quick_client(fake_api))
    assert outcome.ok and outcome.mode == "incremental", outcome.message
    (_, args), = [r for r in fake_api.received if r[0] == "/studies"]
    assert args["filter.advanced"] == ["AREA[LastUpdatePostDate]RANGE[2026-11-20,MAX]"]
    assert "filter.overallStatus" not in args  # a study that closed must be seen to close
    after = stored()
    assert closing not in after
    assert after[updated]["protocolSection"]["identificationModule"]["briefTitle"] == "Amended title"
    assert new in after
    assert set(after) == (set(first) - {closing}) | {new}
    assert snapshot.state().as_of.isoformat() == "2026-11-25"
    assert fake_api.problems == []


def test_full_sync_replaces_the_snapshot(ctx, fake_api):
    """`--full` fetches everything again and drops studies the registry no longer lists as open."""
    assert snapshot.sync_from_api(quick_client(fake_api)).ok
    gone = sorted(open_ids(shared_studies()))[0]
    fake_api.studies = [s for s in shared_studies() if nct(s) != gone]
    outcome = snapshot.sync_from_api(quick_client(fake_api), full=True)
    assert outcome.ok and outcome.mode == "full"
    assert "1 removed" in outcome.message
    assert gone not in stored()


def test_sync_command_against_the_api(app, fake_api):
    """`screener sync` reads SCREENER_CTGOV_URL, prints one line and exits 0."""
    app.config["SCREENER_CTGOV_URL"] = fake_api.base_url
    result = app.test_cli_runner().invoke(args=["sync"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("sync ok (full): 28 studies fetched")
    assert "registry data of 2026-11-20T08:15:00" in lines[0]


def test_sync_command_failure_exits_1_with_one_line(app):
    """A sync that cannot run exits 1 and says why in one line."""
    result = app.test_cli_runner().invoke(args=["sync", "--from-dir", "/nonexistent/folder"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "sync failed (dir): /nonexistent/folder is not a folder — snapshot unchanged (0 studies)"]


def test_sync_command_with_the_database_down_exits_1_with_one_line(app, monkeypatch):
    """If the run cannot even be recorded, the command still ends with one line, not a traceback."""
    from sqlalchemy.exc import OperationalError

    def down(mode, source):
        raise OperationalError("insert", {}, Exception("database is locked"))

    monkeypatch.setattr(snapshot, "_start_run", down)
    result = app.test_cli_runner().invoke(args=["sync", "--from-dir", str(STUDIES_DIR)])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "sync failed: the database cannot be written (OperationalError) — snapshot unchanged"]
