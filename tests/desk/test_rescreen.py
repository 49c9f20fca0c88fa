"""Re-screening: open referrals are screened again when a trial's criteria change, open or close.

Each test runs the app on a copy of criteria/; "a new deployment" is a second app
started on the same database with an edited copy, as a release would be.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from desk_support import csrf_token, sign_in

from screener import create_app
from screener.models import (
    AuditEvent,
    Referral,
    ReferralCandidate,
    ReferralScreening,
    StaffUser,
    db,
)
from screener.referrals import rescreen
from screener.referrals.service import current_screening

STUDIES = Path(__file__).resolve().parents[1] / "trials" / "data" / "studies"

#: child-newly-diagnosed "needs review" for TOT XVII only because pregnancy is unknown.
TOT17 = "NCT03117751"
#: child-newly-diagnosed "needs review" for this one too; closing it takes it away.
CLOSING = "NCT03020030"


@pytest.fixture
def app_config(criteria):
    """The app reads a copy of the criteria, which a test may edit (``criteria``)."""
    return {"SCREENER_CRITERIA_DIR": str(criteria)}


def edit(criteria: Path, trial_id: str, change) -> None:
    path = criteria / f"{trial_id}.yaml"
    data = yaml.safe_load(path.read_text("utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "utf-8")


def drop_pregnancy_criterion(data):
    data["criteria"] = [c for c in data["criteria"] if c["id"] != "pregnancy-contraception"]


def close_trial(data):
    data["trial"]["status"] = "COMPLETED"
    data["trial"]["status_checked"] = "2099-01-01"


@pytest.fixture
def redeploy(app, criteria):
    """redeploy(**settings): the app started again on the same database (and criteria folder)."""
    started = []

    def start(**settings):
        new = create_app({"TESTING": True, "SECRET_KEY": "test-secret",
                          "SCREENER_RATE_LIMITS": False, "SCREENER_CRITERIA_DIR": str(criteria),
                          "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                          **settings})
        started.append(new)
        return new

    yield start
    for new in started:
        with new.app_context():
            db.session.remove()
            db.engine.dispose()


def state(app, referral_id):
    with app.app_context():
        referral = db.session.get(Referral, referral_id)
        screening = current_screening(referral)
        verdicts = {r["trial"]["id"]: r["shown_verdict"] for r in screening.results}
        candidates = {c.trial_id: c.verdict for c in
                      db.session.query(ReferralCandidate).filter_by(referral_id=referral_id)}
        screenings = db.session.query(ReferralScreening).filter_by(referral_id=referral_id).count()
        return {"flag": referral.rescreen_flag, "changes": referral.rescreen_changes,
                "rank": referral.best_rank, "updated": referral.updated_at,
                "verdicts": verdicts, "versions": dict(screening.versions),
                "reason": screening.reason, "candidates": candidates, "screenings": screenings}


def audits(app, action):
    with app.app_context():
        return [(e.actor, e.referral_id, e.detail) for e in
                db.session.query(AuditEvent).filter_by(action=action).order_by(AuditEvent.id)]


def test_nothing_changed_leaves_every_referral_untouched(app, make_referral):
    child = make_referral("child-newly-diagnosed")
    before = state(app, child)
    result = app.test_cli_runner().invoke(args=["rescreen"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("re-screened 0 of 1 open referral(s) (0 trial(s) changed")
    assert state(app, child) == before  # same screening, same updated_at, no flag
    assert audits(app, "rescreened")[-1][2]["rescreened"] == 0


def test_a_trial_now_likely_flags_the_referral_with_what_changed(app, criteria, redeploy,
                                                                make_referral, monkeypatch):
    child = make_referral("child-newly-diagnosed")
    adult = make_referral("adult-second-relapse-after-car-t")
    before = state(app, child)
    assert before["verdicts"][TOT17] == "needs_review" and before["rank"] == 1
    edit(criteria, TOT17, drop_pregnancy_criterion)
    new = redeploy(SCREENER_RESCREEN_AT_START=0)  # start-up leaves it to the command
    assert state(new, child)["flag"] is None

    screened = []
    real = rescreen.screen
    monkeypatch.setattr(rescreen, "screen", lambda p, t: screened.append(t.id) or real(p, t))
    result = new.test_cli_runner().invoke(args=["rescreen"])

    assert result.exit_code == 0, result.output
    assert result.output.startswith("re-screened 2 of 2 open referral(s) (1 trial(s) changed, "
                                    "opened or closed): 1 newly likely eligible, 0 no longer")
    assert screened == [TOT17, TOT17]  # only the changed trial, once per referral
    after = state(new, child)
    assert after["flag"] == "newly_likely"
    assert after["changes"] == [{"trial": TOT17, "before": "needs_review",
                                 "after": "likely_eligible",
                                 "criteria": ["pregnancy-contraception"]}]
    assert after["reason"] == "rescreen" and after["screenings"] == 2
    assert after["rank"] == 0 and after["candidates"][TOT17] == "likely_eligible"
    assert after["verdicts"] == {**before["verdicts"], TOT17: "likely_eligible"}
    changed = {t for t in after["versions"] if after["versions"][t] != before["versions"][t]}
    assert changed == {TOT17}
    # The adult was not eligible for TOT XVII and still is not: screened, not flagged.
    assert state(new, adult)["flag"] is None and state(new, adult)["screenings"] == 2
    actor, referral_id, detail = audits(new, "rescreened")[-1]
    assert (actor, referral_id) == ("system", None)
    assert detail == {"reason": "cli", "checked": 2, "rescreened": 2, "newly_likely": 1,
                      "no_longer_eligible": 0, "trials": [TOT17]}

    again = new.test_cli_runner().invoke(args=["rescreen"])
    assert again.output.startswith("re-screened 0 of 2 open referral(s)")
    assert state(new, child)["screenings"] == 2


def test_a_trial_that_closed_flags_no_longer_eligible(app, criteria, redeploy, make_referral):
    child = make_referral("child-newly-diagnosed")
    assert state(app, child)["candidates"][CLOSING] == "needs_review"
    edit(criteria, CLOSING, close_trial)
    new = redeploy(SCREENER_RESCREEN_AT_START=0)
    assert new.test_cli_runner().invoke(args=["rescreen"]).exit_code == 0
    after = state(new, child)
    assert after["flag"] == "no_longer_eligible"
    assert after["changes"] == [{"trial": CLOSING, "before": "needs_review", "after": "closed",
                                 "criteria": []}]
    assert CLOSING not in after["candidates"] and CLOSING not in after["verdicts"]
    assert CLOSING not in after["versions"]


def test_closed_referrals_are_not_screened_again(app, criteria, redeploy, make_referral):
    enrolled = make_referral("child-newly-diagnosed")
    with app.app_context():
        db.session.get(Referral, enrolled).status = "enrolled"
        db.session.commit()
    before = state(app, enrolled)
    edit(criteria, TOT17, drop_pregnancy_criterion)
    new = redeploy(SCREENER_RESCREEN_AT_START=0)
    result = new.test_cli_runner().invoke(args=["rescreen"])
    assert result.output.startswith("re-screened 0 of 0 open referral(s)")
    assert state(new, enrolled) == before


def test_a_deployment_with_changed_criteria_rescreens_at_start_when_few_are_open(
        app, criteria, redeploy, make_referral):
    child = make_referral("child-newly-diagnosed")
    edit(criteria, TOT17, drop_pregnancy_criterion)
    new = redeploy()  # the default allows a quick re-screen of a few open referrals
    assert state(new, child)["flag"] == "newly_likely"
    assert audits(new, "rescreened")[-1][2]["reason"] == "start-up"
    with new.app_context():
        assert not rescreen.rescreen_pending()
    redeploy()  # the same files again: nothing to do
    assert state(new, child)["screenings"] == 2


def test_many_open_referrals_leave_the_rescreen_pending_for_the_command(
        app, criteria, redeploy, make_referral, caplog):
    child = make_referral("child-newly-diagnosed")
    make_referral("age-only")
    edit(criteria, TOT17, drop_pregnancy_criterion)
    new = redeploy(SCREENER_RESCREEN_AT_START=1)
    assert state(new, child)["flag"] is None
    assert "2 open referrals wait; run `screener rescreen`" in caplog.text
    with new.app_context():
        assert rescreen.rescreen_pending()
    new.test_cli_runner().invoke(args=["rescreen"])
    with new.app_context():
        assert not rescreen.rescreen_pending()
    assert state(new, child)["flag"] == "newly_likely"


def test_changes_add_up_until_cleared_and_a_round_trip_cancels():
    first = [{"trial": "A", "before": "needs_review", "after": "likely_eligible",
              "criteria": ["x"]}]
    back = [{"trial": "A", "before": "likely_eligible", "after": "needs_review",
             "criteria": ["x"]}]
    other = [{"trial": "B", "before": "likely_eligible", "after": "not_eligible",
              "criteria": ["y"]}]
    merged = rescreen.merge_changes(first, other)
    assert rescreen.flag_for(merged) == "newly_likely"  # good news is shown first
    assert rescreen.merge_changes(merged, back) == other
    assert rescreen.flag_for(other) == "no_longer_eligible"
    assert rescreen.flag_for(rescreen.merge_changes(first, back)) is None


def test_a_coordinator_clears_the_flag_and_the_trail_says_who(app, criteria, redeploy,
                                                             make_referral, make_user):
    child = make_referral("child-newly-diagnosed")
    user_id = make_user("coordinator@example.org")
    edit(criteria, TOT17, drop_pregnancy_criterion)
    new = redeploy()
    with new.app_context():
        rescreen.clear_flag(db.session.get(Referral, child), db.session.get(StaffUser, user_id))
    after = state(new, child)
    assert after["flag"] is None and after["changes"] is None
    assert after["candidates"][TOT17] == "likely_eligible"  # the verdict stays
    with new.app_context():
        event = db.session.query(AuditEvent).filter_by(action="rescreen_flag_cleared").one()
        assert (event.user_id, event.actor, event.referral_id) == (
            user_id, "coordinator@example.org", child)
        assert event.detail == {"flag": "newly_likely"} and event.at is not None


def test_a_sync_rescreens_the_open_referrals_against_the_registry_trials(app, make_referral):
    child = make_referral("child-newly-diagnosed")
    before = state(app, child)
    result = app.test_cli_runner().invoke(args=["sync", "--from-dir", str(STUDIES)])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert lines[0].startswith("sync ok (dir)")
    assert lines[1].startswith("re-screened 1 of 1 open referral(s)")
    after = state(app, child)
    added = set(after["versions"]) - set(before["versions"])
    assert added, "the registry's open trials were screened"
    assert set(after["verdicts"]) == set(after["versions"])
    assert audits(app, "rescreened")[-1][2]["reason"] == "sync"


def test_the_quick_entry_and_the_text_splitting_agree_with_the_plain_way(app):
    """What a re-screen writes is what a referral's first screening would have written."""
    import json

    from desk_support import profile

    from screener.eligibility import screen
    from screener.referrals.service import open_trials, result_entry, screen_profile

    with app.app_context():
        trials = open_trials()
        for name in ("child-newly-diagnosed", "adult-ph-positive-new", "age-only",
                     "adult-second-relapse-after-car-t"):
            p = profile(name)
            for trial in trials:
                assert rescreen.fast_entry(screen(p, trial)) == result_entry(screen(p, trial))
            screening = screen_profile(p)
            raw = json.dumps(screening.results)  # as SQLAlchemy stores the column
            pieces = rescreen.split_entries(raw, screening.versions)
            assert {t: json.loads(piece) for t, piece in pieces.items()} == {
                r["trial"]["id"]: r for r in screening.results}
            # Nothing changed: the same text comes back, in the same order.
            results, changes, best, _ = rescreen.rescreen_entries(
                p, pieces, screening.versions, trials, dict(screening.versions))
            assert (results, changes, best) == (raw, [], screening.best_rank)
            # Everything changed: every trial screened again gives the same results.
            results, changes, best, _ = rescreen.rescreen_entries(
                p, pieces, {}, trials, dict(screening.versions))
            assert json.loads(results) == screening.results and changes == []
        # Text laid out otherwise is not guessed at: the caller decodes it instead.
        assert rescreen.split_entries(json.dumps(screening.results, indent=1),
                                      screening.versions) is None
        assert rescreen.split_entries(raw, {"NCT00000000": "x"}) is None


def test_results_stored_in_another_layout_are_decoded_and_rescreened_alike(
        app, criteria, redeploy, make_referral, monkeypatch):
    child = make_referral("child-newly-diagnosed")
    edit(criteria, TOT17, drop_pregnancy_criterion)
    new = redeploy(SCREENER_RESCREEN_AT_START=0)
    monkeypatch.setattr(rescreen, "split_entries", lambda raw, ids: None)
    assert new.test_cli_runner().invoke(args=["rescreen"]).exit_code == 0
    after = state(new, child)
    assert after["flag"] == "newly_likely" and after["candidates"][TOT17] == "likely_eligible"


def test_the_referral_page_says_what_changed_and_the_coordinator_clears_it(
        app, criteria, redeploy, make_referral, make_user):
    child = make_referral("child-newly-diagnosed")
    make_user("coordinator@example.org")
    edit(criteria, TOT17, drop_pregnancy_criterion)
    new = redeploy()  # few open referrals: re-screened at start
    client = new.test_client()
    assert sign_in(client).status_code == 302
    page = client.get(f"/staff/referrals/{child}").get_data(True)
    assert f"{TOT17}: needs review → likely eligible" in page
    assert "pregnancy-contraception" in page
    queue = client.get("/staff/?flag=newly_likely").get_data(True)
    assert "Newly likely eligible" in queue

    cleared = client.post(f"/staff/referrals/{child}/flag/clear",
                          data={"csrf_token": csrf_token(page)})
    assert cleared.status_code == 302
    assert state(new, child)["flag"] is None
    assert "Mark as seen" not in client.get(f"/staff/referrals/{child}").get_data(True)
    assert [a[1] for a in audits(new, "rescreen_flag_cleared")] == [child]


def test_the_queue_says_when_a_rescreen_waits_for_the_command(app, criteria, redeploy,
                                                              make_referral, make_user):
    make_referral("child-newly-diagnosed")
    make_referral("age-only")
    make_user("coordinator@example.org")
    edit(criteria, TOT17, drop_pregnancy_criterion)
    new = redeploy(SCREENER_RESCREEN_AT_START=1)  # two open: left to `screener rescreen`
    client = new.test_client()
    sign_in(client)
    assert "until an administrator runs" in client.get("/staff/").get_data(True)
    new.test_cli_runner().invoke(args=["rescreen"])
    assert "until an administrator runs" not in client.get("/staff/").get_data(True)
