"""Registry trials in the product: curated + snapshot trials, dated, never fetched live."""

import json
from importlib import resources

import jsonschema
from fake_ctgov import STUDIES_DIR, nct, shared_studies
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from screener import create_app
from screener.trials import snapshot
from screener.trials.catalog import catalog
from screener.trials.ctgov import CtgovClient

RESULT_SCHEMA = json.loads(
    resources.files("screener.schemas").joinpath("screening-result.schema.json").read_text())
CHILD = {"profile_version": 1, "age": {"years": 4, "months": 2}, "diagnosis": "b_all",
         "disease_status": "newly_diagnosed", "prior_therapies": []}
CURATED = "NCT02435849"  # the worked example: in criteria/ and in the shared studies


def quick_client(fake):
    return CtgovClient(fake.base_url, sleep=lambda s: None, jitter=lambda: 0.0)


def test_catalog_holds_curated_and_snapshot_trials(ctx):
    """After a sync every stored study is a trial, and the curated file wins for its NCT id."""
    assert snapshot.sync_from_dir(STUDIES_DIR).ok
    trials = catalog().all()
    ids = [t.id for t in trials]
    assert len(ids) == len(set(ids)) == 96
    assert set(ids) == {nct(s) for s in shared_studies()}
    assert catalog().unreadable == []
    assert catalog().get(CURATED).source == "criteria-file"
    assert [t.source for t in trials].count("criteria-file") == 1
    assert catalog().get("NCT04404660").source == "ctgov"
    newest = max(s["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"]["date"]
                 for s in shared_studies())
    assert {t.status_checked for t in trials if t.source == "ctgov"} == {newest}


def test_registry_trials_are_labelled_with_the_sync_date(ctx, fake_api):
    """Each registry trial says it was read from ClinicalTrials.gov on the sync's data date."""
    assert snapshot.sync_from_api(quick_client(fake_api)).ok
    registry = [t for t in catalog().all() if t.source == "ctgov"]
    assert registry
    assert {t.status_checked for t in registry} == {"2026-11-20"}
    assert registry[0].url == f"https://clinicaltrials.gov/study/{registry[0].id}"
    assert catalog().get(CURATED).source == "criteria-file"


def test_a_failed_sync_keeps_the_trials_and_flags_them(ctx, fake_api):
    """After a failed sync the last good trials stay, with their date and a may-be-stale flag."""
    assert snapshot.sync_from_api(quick_client(fake_api)).ok
    before = {t.id for t in catalog().all()}
    assert catalog().notice()["may_be_out_of_date"] is False
    fake_api.fail("/version", "503", times=10)
    assert not snapshot.sync_from_api(quick_client(fake_api)).ok
    catalog().refresh(force=True)
    assert {t.id for t in catalog().all()} == before
    assert catalog().last_sync_failed
    assert catalog().notice() == {"registry_trials": len(before) - 1, "as_of": "2026-11-20",
                                  "may_be_out_of_date": True}


def test_the_trials_page_shows_the_snapshot_date_and_the_stale_warning(app, fake_api):
    """/trials says when the registry trials were read, and warns after a failed sync."""
    client = app.test_client()
    with app.app_context():
        assert snapshot.sync_from_api(quick_client(fake_api)).ok
    page = client.get("/trials").get_data(as_text=True)
    assert "read automatically from ClinicalTrials.gov as it was on Nov 20, 2026" in page
    assert "may be out of date" not in page
    fake_api.fail("/version", "503", times=10)
    with app.app_context():
        assert not snapshot.sync_from_api(quick_client(fake_api)).ok
        catalog().refresh(force=True)
    page = client.get("/trials").get_data(as_text=True)
    assert "did not work, so they may be out of date" in page


def test_a_new_sync_is_picked_up_without_a_restart(ctx, fake_api, monkeypatch):
    """A running app shows the newer snapshot once a sync has finished."""
    monkeypatch.setattr(type(catalog()), "CHECK_EVERY", 0.0)
    assert len(catalog()) == 1  # curated only: no sync yet
    assert snapshot.sync_from_dir(STUDIES_DIR).ok
    assert len(catalog()) == 96


def test_without_a_snapshot_only_curated_trials_are_served(ctx):
    """Before any sync the catalog is the curated trials, with no date and no notice."""
    assert [t.id for t in catalog().all()] == [CURATED]
    assert catalog().notice() == {"registry_trials": 0, "as_of": None,
                                  "may_be_out_of_date": False}


def test_an_unreadable_snapshot_never_stops_screening(ctx, monkeypatch):
    """If the snapshot cannot be read the curated trials are still served."""
    def broken():
        raise OperationalError("select", {}, Exception("database is locked"))

    monkeypatch.setattr(snapshot, "state", broken)
    catalog().refresh(force=True)
    assert [t.id for t in catalog().all()] == [CURATED]


def test_one_unreadable_record_is_left_out_not_everything(ctx, monkeypatch):
    """A record the reader fails on is skipped and named; the other registry trials remain."""
    from screener.trials import study

    assert snapshot.sync_from_dir(STUDIES_DIR).ok
    real = study.trial_from_study

    def picky(record):
        if nct(record) == "NCT04404660":
            raise ValueError("reader bug")
        return real(record)

    monkeypatch.setattr(study, "trial_from_study", picky)
    catalog().refresh(force=True)
    assert catalog().unreadable == ["NCT04404660"]
    assert len(catalog()) == 95


def test_start_up_does_not_read_the_snapshot(tmp_path, criteria_dir):
    """create_app never queries the snapshot tables (start-up stays fast)."""
    url = f"sqlite:///{tmp_path / 'start.db'}"
    config = {"TESTING": True, "SECRET_KEY": "x", "SQLALCHEMY_DATABASE_URI": url,
              "SCREENER_CRITERIA_DIR": str(criteria_dir)}
    app = create_app(config)
    with app.app_context():
        assert snapshot.sync_from_dir(STUDIES_DIR).ok
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(Engine, "before_cursor_execute", record)
    try:
        create_app(config)
    finally:
        event.remove(Engine, "before_cursor_execute", record)
    assert not [s for s in statements if "ctgov_" in s and s.lstrip().upper().startswith("SELECT")]


def test_the_api_screens_registry_trials_from_the_snapshot_only(app, fake_api):
    """POST /api/v1/screen includes snapshot trials and never calls the registry itself."""
    app.config["SCREENER_CTGOV_URL"] = fake_api.base_url
    with app.app_context():
        assert snapshot.sync_from_dir(STUDIES_DIR).ok
    # include_closed: by default the API screens only trials open to enrollment.
    response = app.test_client().post("/api/v1/screen",
                                      json={"patient": CHILD, "include_closed": True})
    assert response.status_code == 200
    results = response.get_json()["results"]
    for result in results:
        jsonschema.validate(result, RESULT_SCHEMA)
    sources = {r["trial"]["id"]: r["trial"]["source"] for r in results}
    assert len(sources) == 96
    assert sources[CURATED] == "criteria-file"
    assert sources["NCT04404660"] == "ctgov"
    one = app.test_client().post("/api/v1/screen",
                                 json={"patient": CHILD, "trials": ["NCT04404660"]})
    assert one.status_code == 200 and len(one.get_json()["results"]) == 1
    assert fake_api.received == []


def test_a_record_missing_optional_modules_is_screened_without_exclusion(ctx, tmp_path):
    """A bare record (no eligibility, sites or design) becomes a trial that excludes no one."""
    study = json.loads((STUDIES_DIR / "NCT04404660.json").read_text())
    section = study["protocolSection"]
    study["protocolSection"] = {k: section[k] for k in ("identificationModule", "statusModule")}
    (tmp_path / "bare.json").write_text(json.dumps(study))
    assert snapshot.sync_from_dir(tmp_path).ok
    trial = catalog().get("NCT04404660")
    assert trial is not None and trial.source == "ctgov"
    response = catalog_screen(trial)
    assert response["verdict"] != "not_eligible"


def catalog_screen(trial):
    from screener.eligibility import screen
    from screener.profile import validate_profile

    return screen(validate_profile(CHILD), trial).to_dict()


def test_the_fields_we_fetch_are_all_the_reader_needs():
    """A record cut down to the client's `fields` reads into the same trial as the whole record."""
    from screener.trials.ctgov import STUDY_FIELDS
    from screener.trials.study import trial_from_study

    keep = {name[0].lower() + name[1:] for name in STUDY_FIELDS}
    for study in shared_studies():
        cut = {"protocolSection": {k: v for k, v in study["protocolSection"].items()
                                   if k in keep}}
        whole, limited = trial_from_study(study), trial_from_study(cut)
        assert limited.__dict__.keys() == whole.__dict__.keys()
        for name, value in whole.__dict__.items():
            if name not in ("compiled", "criteria"):
                assert getattr(limited, name) == value, (nct(study), name)
        assert [_criterion(c) for c in limited.criteria] == [_criterion(c) for c in whole.criteria]


def _criterion(c):
    """A criterion as comparable values (rule nodes compare by identity)."""
    return (c.id, c.kind, c.text, c.plain, c.note, c.review, c.rule is None)
