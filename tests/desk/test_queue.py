"""The queue at /staff/: order, filters, counts per status, pages, and its audit."""

from __future__ import annotations

from datetime import timedelta

from queue_support import LIKELY_CHILD, actions, file_referral, listed

from screener.models import AuditEvent, Referral, StaffUser, db, utcnow


def test_best_verdict_first_then_the_longest_waiting(app, coordinator):
    _, not_eligible = file_referral(app, "adult-second-relapse-after-car-t", days_ago=30)
    _, review_new = file_referral(app, "child-newly-diagnosed", days_ago=1)
    _, review_old = file_referral(app, "age-only", days_ago=6)
    _, likely = file_referral(app, LIKELY_CHILD, days_ago=0)
    page = coordinator.get("/staff/").get_data(True)
    assert listed(page) == [likely, review_old, review_new, not_eligible]
    assert "the longest waiting first" in page
    row = page.split(likely, 1)[1].split("</tr>", 1)[0]
    assert "Likely eligible" in row and "NCT03020030" in row and "Test Family" in row


def test_verdict_filter_uses_the_best_verdict_or_the_chosen_trials(app, coordinator):
    _, likely = file_referral(app, LIKELY_CHILD)
    _, review = file_referral(app, "child-newly-diagnosed")
    _, adult = file_referral(app, "adult-ph-positive-new")
    _, blocked = file_referral(app, "adult-second-relapse-after-car-t")
    assert listed(coordinator.get("/staff/?verdict=likely").get_data(True)) == [likely]
    assert set(listed(coordinator.get("/staff/?verdict=needs_review").get_data(True))) == {
        review, adult}
    assert listed(coordinator.get("/staff/?verdict=not_eligible").get_data(True)) == [blocked]
    # A trial: its candidates, and the verdict of that trial (not the best one).
    assert set(listed(coordinator.get("/staff/?trial=NCT03020030").get_data(True))) == {
        likely, review}
    assert listed(coordinator.get("/staff/?trial=NCT03020030&verdict=likely")
                  .get_data(True)) == [likely]
    assert listed(coordinator.get("/staff/?trial=NCT03020030&verdict=needs_review")
                  .get_data(True)) == [review]
    assert set(listed(coordinator.get("/staff/?trial=NCT03020030&verdict=not_eligible")
                      .get_data(True))) == {adult, blocked}
    assert listed(coordinator.get("/staff/?trial=NCT03441061").get_data(True)) == [adult]


def test_status_source_flag_and_date_filters(app, coordinator):
    _, new = file_referral(app, days_ago=10)
    _, calling = file_referral(app, status="contacting", days_ago=3)
    _, doctor = file_referral(app, source="physician", rescreen_flag="newly_likely")
    _, gone = file_referral(app, status="declined", rescreen_flag="no_longer_eligible",
                            closed_at=utcnow())

    def shown(query: str) -> set[str]:
        return set(listed(coordinator.get(f"/staff/?{query}").get_data(True)))

    assert shown("status=contacting") == {calling}
    assert shown("status=declined") == {gone}
    assert shown("source=physician") == {doctor}
    assert shown("source=patient") == {new, calling, gone}
    assert shown("flag=newly_likely") == {doctor}
    assert shown("flag=no_longer_eligible") == {gone}
    today = utcnow().date()
    assert shown(f"received_from={today - timedelta(days=4)}") == {calling, doctor, gone}
    assert shown(f"received_to={today - timedelta(days=4)}") == {new}
    assert shown(f"received_from={today - timedelta(days=3)}"
                 f"&received_to={today - timedelta(days=3)}") == {calling}
    page = coordinator.get("/staff/?flag=newly_likely").get_data(True)
    assert 'class="badge flag-newly_likely"' in page and "Newly likely eligible" in page


def test_assignee_filter_me_unassigned_and_a_colleague(app, coordinator, make_user):
    colleague = make_user("colleague@example.org", name="Carmen")
    with app.app_context():
        me = db.session.query(StaffUser).filter_by(email="coordinator@example.org").one().id
    _, mine = file_referral(app, assignee_id=me)
    _, theirs = file_referral(app, assignee_id=colleague)
    _, nobody = file_referral(app)
    assert listed(coordinator.get("/staff/?assignee=me").get_data(True)) == [mine]
    assert listed(coordinator.get("/staff/?assignee=none").get_data(True)) == [nobody]
    page = coordinator.get(f"/staff/?assignee={colleague}").get_data(True)
    assert listed(page) == [theirs] and "Carmen" in page.split("<tbody>")[1]


def test_counts_per_status_follow_the_other_filters_but_not_the_status(app, coordinator):
    for status in ("new", "new", "contacting", "enrolled"):
        file_referral(app, status=status)
    file_referral(app, source="physician", status="contacting")
    page = coordinator.get("/staff/?status=new&source=patient").get_data(True)
    counts = page.split('class="counts"', 1)[1].split("</ul>", 1)[0]
    assert "New: <strong>2</strong>" in counts
    assert "Contacting: <strong>1</strong>" in counts  # the physician's is filtered out
    assert "Enrolled: <strong>1</strong>" in counts and "Declined: <strong>0</strong>" in counts
    assert len(listed(page)) == 2
    # Each count links to the same filters with that status.
    assert "status=contacting" in counts and "source=patient" in counts


def test_pages_of_fifty_with_links_and_the_total(app, coordinator):
    now = utcnow()
    with app.app_context():
        db.session.add_all(Referral(reference=f"R-{i:08d}", source="patient", status="new",
                                    best_rank=1, created_at=now - timedelta(minutes=i),
                                    updated_at=now) for i in range(120))
        db.session.commit()
    first = coordinator.get("/staff/").get_data(True)
    assert listed(first)[0] == "R-00000119" and len(listed(first)) == 50
    assert "Referrals 1–50 of 120" in first and "Page 1 of 3" in first
    assert 'href="/staff/?page=2"' in first and 'href="/staff/?page=3"' in first
    third = coordinator.get("/staff/?page=3").get_data(True)
    assert len(listed(third)) == 20 and listed(third)[-1] == "R-00000000"
    assert "Referrals 101–120 of 120" in third
    # Filters stay on the page links; past the last page shows the last page.
    filtered = coordinator.get("/staff/?page=9&status=new").get_data(True)
    assert "Page 3 of 3" in filtered and "status=new" in filtered.split('class="pages"')[1]


def test_a_bad_filter_is_named_and_dropped_while_the_others_apply(app, coordinator):
    _, calling = file_referral(app, status="contacting")
    file_referral(app)
    page = coordinator.get("/staff/?status=contacting&received_from=31/12/2024"
                           "&verdict=maybe").get_data(True)
    assert "Received from (UTC): “31/12/2024” is not a date; write it as YYYY-MM-DD" in page
    assert "Verdict: “maybe” is not one of the choices" in page
    assert listed(page) == [calling]
    assert 'value="31/12/2024"' in page  # what was typed stays in the form


def test_each_queue_view_is_audited_with_what_it_showed(app, coordinator):
    rid, _ = file_referral(app, status="contacting")
    file_referral(app)
    coordinator.get("/staff/?status=contacting")
    with app.app_context():
        event = db.session.query(AuditEvent).filter_by(action="queue_viewed").one()
        assert event.actor == "coordinator@example.org" and event.user_id is not None
        assert event.detail == {"page": 1, "filters": {"status": "contacting"}, "total": 1,
                                "shown": [rid]}
    assert actions(app).count("queue_viewed") == 1


def test_a_queue_page_costs_the_same_queries_for_one_row_or_fifty(app, coordinator):
    """No query per row (a page of 50 at 50,000 referrals must stay under 100 ms)."""
    from sqlalchemy import event

    def queries() -> int:
        seen = []
        with app.app_context():
            engine = db.engine
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            assert coordinator.get("/staff/").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        return len(seen)

    file_referral(app, status="contacting", assignee_id=None)
    one = queries()
    now = utcnow()
    with app.app_context():
        db.session.add_all(Referral(reference=f"R-{i:08d}", source="patient", status="new",
                                    best_rank=1, created_at=now, updated_at=now,
                                    contact={"name": f"N{i}"}) for i in range(60))
        db.session.commit()
    assert queries() == one
