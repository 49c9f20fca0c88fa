"""The desk's foundation: a filed referral is screened, stored and shown only to signed-in staff."""

from desk_support import csrf_token, sign_in

from screener.models import AuditEvent, Referral, ReferralCandidate, StaffSession, db


def test_a_filed_referral_keeps_its_screening_with_criteria_versions(app, make_referral):
    rid = make_referral("adult-ph-positive-new")
    with app.app_context():
        referral = db.session.get(Referral, rid)
        from screener.referrals.service import current_screening

        screening = current_screening(referral)
        assert referral.reference.startswith("R-") and referral.status == "new"
        assert screening.results, "the open curated trials were screened"
        assert set(screening.versions) == {r["trial"]["id"] for r in screening.results}
        assert all(len(v) == 16 for v in screening.versions.values())
        candidates = {c.trial_id for c in db.session.query(ReferralCandidate)
                      .filter_by(referral_id=rid)}
        shown = {r["trial"]["id"] for r in screening.results if r["shown_verdict"] != "not_eligible"}
        assert candidates == shown
        blocked = [r for r in screening.results if r["verdict"] == "not_eligible"]
        assert all(c["outcome"] == "not_met" for r in blocked for c in r["criteria"])


def test_the_queue_needs_sign_in_and_lists_referrals(client, make_user, make_referral):
    make_referral()
    assert client.get("/staff/").status_code == 302
    make_user()
    assert sign_in(client, password="wrong password here").status_code == 200
    assert sign_in(client).status_code == 302
    page = client.get("/staff/")
    assert page.status_code == 200 and "R-" in page.get_data(True)


def test_signing_out_ends_the_session_on_the_server(app, coordinator):
    with coordinator.session_transaction() as cookie:
        saved = dict(cookie)
    page = coordinator.get("/staff/login")

    queue = coordinator.get("/staff/")
    coordinator.post("/staff/logout", data={"csrf_token": csrf_token(queue.get_data(True))})
    assert page.status_code == 200
    with coordinator.session_transaction() as cookie:  # replay the old cookie
        cookie.update(saved)
    assert coordinator.get("/staff/").status_code == 302
    with app.app_context():
        assert db.session.query(StaffSession).one().ended_at is not None
        actions = [e.action for e in db.session.query(AuditEvent).order_by(AuditEvent.id)]
        assert actions[:2] == ["sign_in", "queue_viewed"] and "sign_out" in actions
