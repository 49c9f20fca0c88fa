"""Sync against a misbehaving API: never a crash, never half-written, the old snapshot kept."""

import pytest
from fake_ctgov import nct, shared_studies, with_changes
from sqlalchemy import select

from screener.models import CtgovStudy, CtgovSyncRun, db
from screener.trials import snapshot
from screener.trials.ctgov import CtgovClient

OPTIONAL_MODULES = ("sponsorCollaboratorsModule", "conditionsModule", "designModule",
                    "eligibilityModule", "descriptionModule", "armsInterventionsModule",
                    "contactsLocationsModule")


def quick_client(fake, read_timeout=2.0):
    """A client on the fake API that never really sleeps."""
    return CtgovClient(fake.base_url, sleep=lambda s: None, jitter=lambda: 0.0,
                       read_timeout=read_timeout)


def stored():
    return {row.nct_id: row.data for row in db.session.scalars(select(CtgovStudy))}


def retitled(studies):
    """Every study with a new title and update date, so a half-written sync would show."""
    for study in studies:
        study["protocolSection"]["identificationModule"]["briefTitle"] = "NEW TITLE"
        study["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"] = {
            "date": "2026-11-24"}
    return studies


@pytest.fixture
def synced(ctx, fake_api):
    """A snapshot made by one good sync, and the fake now serving changed records, 10 a page."""
    first = snapshot.sync_from_api(quick_client(fake_api))
    assert first.ok, first.message
    fake_api.studies = retitled(shared_studies())
    fake_api.data_timestamp = "2026-11-25T07:00:00"
    fake_api.page_size = 10
    return stored()


FAULTS = [
    # (path, kind, times, skip, what the one line must say)
    ("/studies", "429", 10, 1, "HTTP 429"),
    ("/studies", "500", 10, 1, "HTTP 500"),
    ("/studies", "503", 10, 1, "HTTP 503"),
    ("/studies", "stall", 10, 1, "timed out"),
    ("/studies", "truncated", 1, 1, "JSON body is broken or cut short"),
    ("/studies", "cut", 10, 1, "connection broke off mid-response"),
    ("/studies", "html", 1, 1, "expected JSON, got text/html"),
    ("/studies", "403", 1, 1, "HTTP 403"),
    ("/studies", "503", 10, 0, "HTTP 503"),
    ("/version", "503", 10, 0, "/version: HTTP 503"),
]


@pytest.mark.parametrize("full", [True, False], ids=["full", "incremental"])
@pytest.mark.parametrize(("path", "kind", "times", "skip", "says"), FAULTS,
                         ids=[f"{f[1]}@{f[0]}{'-page2' if f[3] else ''}" for f in FAULTS])
def test_a_failed_sync_keeps_the_previous_snapshot(synced, fake_api, path, kind, times, skip,
                                                   says, full):
    """Each fault fails the sync in one line; the snapshot is exactly what it was."""
    fake_api.fail(path, kind, times=times, skip=skip, retry_after="1" if kind == "429" else None)
    # Only the stall needs a short read timeout. Elsewhere a short one lets a slow
    # machine abandon a good request that then takes the fault meant for the next
    # one, and the sync passes (seen on CI).
    timeout = 0.5 if kind == "stall" else 10.0
    outcome = snapshot.sync_from_api(quick_client(fake_api, read_timeout=timeout), full=full)
    assert not outcome.ok
    assert says in outcome.message
    assert "\n" not in outcome.message
    assert outcome.message.startswith(f"sync failed ({'full' if full else 'incremental'}): ")
    assert outcome.message.endswith(
        f"kept the previous snapshot ({len(synced)} studies as of 2026-11-20)")
    assert stored() == synced
    state = snapshot.state()
    assert state.may_be_out_of_date and state.last_failure == outcome.message
    assert state.as_of.isoformat() == "2026-11-20"
    assert db.session.get(CtgovSyncRun, outcome.run_id).ok is False
    assert fake_api.problems == []


def test_a_fault_that_clears_on_retry_still_syncs(synced, fake_api):
    """A 429 with Retry-After then a 503 on page two are ridden out; the sync completes."""
    fake_api.fail("/studies", "429", retry_after="2")
    fake_api.fail("/studies", "503", skip=1)
    outcome = snapshot.sync_from_api(quick_client(fake_api), full=True)
    assert outcome.ok, outcome.message
    assert {s["protocolSection"]["identificationModule"]["briefTitle"]
            for s in stored().values()} == {"NEW TITLE"}
    assert not snapshot.state().may_be_out_of_date


def test_a_good_sync_after_a_failed_one_clears_the_notice(synced, fake_api):
    """Once a sync succeeds again the snapshot is no longer flagged as maybe out of date."""
    fake_api.fail("/version", "403")
    assert not snapshot.sync_from_api(quick_client(fake_api)).ok
    assert snapshot.state().may_be_out_of_date
    assert snapshot.sync_from_api(quick_client(fake_api)).ok
    state = snapshot.state()
    assert not state.may_be_out_of_date and state.as_of.isoformat() == "2026-11-25"


def test_a_study_missing_optional_modules_is_kept(ctx, fake_api):
    """A record with only identification and status is stored, not a reason to fail."""
    studies = shared_studies()
    target = next(nct(s) for s in studies
                  if s["protocolSection"]["statusModule"]["overallStatus"] == "RECRUITING")

    def strip(study):
        for module in OPTIONAL_MODULES:
            study["protocolSection"].pop(module, None)
        study.pop("hasResults", None)

    fake_api.studies = with_changes(studies, target, strip)
    outcome = snapshot.sync_from_api(quick_client(fake_api))
    assert outcome.ok, outcome.message
    assert set(stored()[target]["protocolSection"]) == {"identificationModule", "statusModule"}


def test_an_unexpected_new_field_is_kept_verbatim(ctx, fake_api):
    """Fields the spec does not know yet are stored as sent and do not break the sync."""
    studies = shared_studies()
    target = next(nct(s) for s in studies
                  if s["protocolSection"]["statusModule"]["overallStatus"] == "RECRUITING")

    def add(study):
        study["aiSummarySection"] = {"text": "new in some later API version"}
        study["protocolSection"]["statusModule"]["recruitmentPauseReason"] = "none"

    fake_api.studies = with_changes(studies, target, add)
    outcome = snapshot.sync_from_api(quick_client(fake_api))
    assert outcome.ok, outcome.message
    assert stored()[target]["aiSummarySection"] == {"text": "new in some later API version"}


def test_a_record_without_an_nct_id_fails_the_sync_whole(synced, fake_api):
    """A study with no NCT id cannot be stored; the sync fails and writes nothing."""
    studies = retitled(shared_studies())
    studies[-1]["protocolSection"]["identificationModule"].pop("nctId")
    fake_api.studies = studies
    outcome = snapshot.sync_from_api(quick_client(fake_api), full=True)
    assert not outcome.ok and "without a valid NCT id" in outcome.message
    assert stored() == synced


def test_a_database_error_mid_write_rolls_everything_back(synced, fake_api, monkeypatch):
    """A failure after some rows were written rolls them all back and is reported in one line."""
    calls = []
    real = snapshot.last_update_of

    def failing(study):
        calls.append(1)
        if len(calls) == 5:
            raise RuntimeError("disk full")
        return real(study)

    monkeypatch.setattr(snapshot, "last_update_of", failing)
    outcome = snapshot.sync_from_api(quick_client(fake_api), full=True)
    assert not outcome.ok
    assert "RuntimeError: disk full" in outcome.message
    assert len(calls) == 5
    assert stored() == synced


def test_an_empty_listing_never_wipes_the_snapshot(synced, fake_api):
    """A full sync that lists no studies at all is refused rather than emptying the snapshot."""
    fake_api.studies = []
    outcome = snapshot.sync_from_api(quick_client(fake_api), full=True)
    assert not outcome.ok and "listed no ALL studies" in outcome.message
    assert stored() == synced
