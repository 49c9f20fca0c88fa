"""`screener purge --older-than DAYS`: closed referrals past retention lose their health and
contact data; the row, its status, the verdicts per trial and the audit trail stay."""

from __future__ import annotations

import json
from datetime import timedelta

from screener.models import AuditEvent, Referral, ReferralNote, ReferralScreening, db, utcnow

NAME, PHONE, NOTE, STAFF_NOTE = "Zebulon Quixotic", "555-0199", "MARKER-7731", "MARKER-8842"


def close(app, referral_id, status="declined", days_ago=400):
    with app.app_context():
        referral = db.session.get(Referral, referral_id)
        referral.status = status
        referral.closed_at = utcnow() - timedelta(days=days_ago)
        db.session.add(ReferralNote(referral_id=referral_id, text=STAFF_NOTE))
        db.session.commit()


def stored(app, referral_id) -> str:
    """Everything the database holds about one referral, as one string."""
    with app.app_context():
        r = db.session.get(Referral, referral_id)
        rows = [r.profile, r.contact, r.note, r.rescreen_changes]
        rows += [s.results for s in db.session.query(ReferralScreening).filter_by(referral_id=r.id)]
        rows += [n.text for n in db.session.query(ReferralNote).filter_by(referral_id=r.id)]
        return json.dumps(rows)


def trail(app):
    with app.app_context():
        return [(e.id, e.action, e.referral_id) for e in
                db.session.query(AuditEvent).order_by(AuditEvent.id)]


def test_closed_referrals_past_retention_are_emptied_and_the_rest_kept(app, make_referral):
    contact = {"name": NAME, "phone": PHONE}
    old = make_referral("child-newly-diagnosed", contact=contact, note=NOTE,
                        consent_text="I agree to be contacted.", consent_version="2026-1")
    recent = make_referral("child-newly-diagnosed", contact=contact, note=NOTE)
    still_open = make_referral("child-newly-diagnosed", contact=contact, note=NOTE)
    close(app, old, days_ago=400)
    close(app, recent, days_ago=10)
    with app.app_context():  # open, but long ago: retention counts from closing
        db.session.get(Referral, still_open).created_at = utcnow() - timedelta(days=900)
        db.session.commit()
        before_verdicts = {s.id: [(r["trial"]["id"], r["shown_verdict"]) for r in s.results]
                           for s in db.session.query(ReferralScreening).filter_by(referral_id=old)}
    before_trail = trail(app)

    result = app.test_cli_runner().invoke(args=["purge", "--older-than", "365"])

    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1].startswith("emptied 1 closed referral(s) closed over 365")
    for marker in (NAME, PHONE, NOTE, STAFF_NOTE, "because", "missing_answers"):
        assert marker not in stored(app, old)
    for kept in (recent, still_open):
        assert NAME in stored(app, kept) and NOTE in stored(app, kept)
    with app.app_context():
        row = db.session.get(Referral, old)
        assert row.purged_at is not None and row.status == "declined"
        assert row.profile is None and row.contact is None and row.note is None
        assert row.reference.startswith("R-") and row.consented_at is not None
        assert (row.consent_text, row.consent_version) == ("I agree to be contacted.", "2026-1")
        after = {s.id: [(r["trial"]["id"], r["shown_verdict"]) for r in s.results]
                 for s in db.session.query(ReferralScreening).filter_by(referral_id=old)}
        assert after == before_verdicts  # who was a candidate for what stays
        assert db.session.query(ReferralNote).filter_by(referral_id=old).one().text is None
    now_trail = trail(app)
    assert now_trail[:len(before_trail)] == before_trail  # nothing removed from the trail
    with app.app_context():
        event = db.session.query(AuditEvent).filter_by(action="purged").one()
        assert (event.actor, event.detail["count"], event.detail["referrals"]) == (
            "system", 1, [old])


def test_purging_twice_empties_nothing_more(app, make_referral):
    old = make_referral("adult-ph-positive-new", contact={"name": NAME}, note=NOTE)
    close(app, old, status="enrolled", days_ago=40)
    runner = app.test_cli_runner()
    assert "emptied 1 closed" in runner.invoke(args=["purge", "--older-than", "30"]).output
    with app.app_context():
        first = db.session.get(Referral, old).purged_at
    again = runner.invoke(args=["purge", "--older-than", "30"])
    assert again.exit_code == 0, again.output
    assert "emptied 0 closed referral(s)" in again.output
    with app.app_context():
        assert db.session.get(Referral, old).purged_at == first
        counts = [e.detail["count"] for e in db.session.query(AuditEvent)
                  .filter_by(action="purged").order_by(AuditEvent.id)]
    assert counts == [1, 0]


def test_a_purged_referral_still_opens_for_staff_without_its_data(app, make_referral,
                                                                   coordinator):
    old = make_referral("child-newly-diagnosed", contact={"name": NAME, "phone": PHONE},
                        note=NOTE)
    close(app, old, days_ago=400)
    app.test_cli_runner().invoke(args=["purge", "--older-than", "365"])
    page = coordinator.get(f"/staff/referrals/{old}")
    assert page.status_code == 200
    html = page.get_data(True)
    assert NAME not in html and PHONE not in html and NOTE not in html


def test_without_older_than_referrals_are_left_alone(app, make_referral):
    old = make_referral("child-newly-diagnosed", contact={"name": NAME}, note=NOTE)
    close(app, old, days_ago=4000)
    result = app.test_cli_runner().invoke(args=["purge"])
    assert result.exit_code == 0 and len(result.output.splitlines()) == 1
    assert NAME in stored(app, old)


def test_a_retention_of_zero_days_is_refused_by_name(app):
    result = app.test_cli_runner().invoke(args=["purge", "--older-than", "0"])
    assert result.exit_code == 2 and "--older-than" in result.output
