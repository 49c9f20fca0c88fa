"""Issue 10's "done when", walked through the real forms as the three kinds of people would.

A family sends its answers from the wizard's results; a physician files a referral at /refer;
a coordinator signs in, finds both in the queue with their reasons and unknowns, works the
family's referral through the workflow, exports the queue as CSV, and the audit trail shows
each step. The whole suite also runs on PostgreSQL (TESTING_DATABASE_URL), so this does too.
"""

from __future__ import annotations

import csv
import io
import re
import sys
from pathlib import Path

from desk_support import csrf_token, sign_in

from screener.models import AuditEvent, Referral, db

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "wizard"))
from wizard_pages import CHILD, Page, WizardActions  # noqa: E402

#: A physician's relapsed adult, in the /refer form's fields (tests/desk/test_refer.py).
RELAPSED = dict(age_years="29", sex="male", lineage="b_all", status="relapse_2",
                in_remission="no", ph="negative", cd19="positive")


def input_value(html: str, name: str) -> str:
    found = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', html)
    assert found, f"no {name} on the page"
    return found.group(1)


def family_sends_answers(app) -> str:
    family = app.test_client()
    WizardActions(family).complete(CHILD)
    results = family.get("/screen/results").get_data(True)
    assert "Send my answers to the research team" in results
    form = family.get("/screen/send/").get_data(True)
    shown_in = Page(form).find("input", name="shown_in").attrs.get("value") or ""
    sent = family.post("/screen/send/", data={
        "csrf_token": csrf_token(form), "shown_in": shown_in, "name": "Rosa Family",
        "phone": "+1 555 010 0199", "email": "", "language": "en", "best_time": "evening",
        "consent": "y"})
    assert sent.status_code == 302, sent.get_data(True)[:500]
    return family.get(sent.location).get_data(True)


def physician_files(app) -> str:
    doctor = app.test_client()
    form = doctor.get("/refer").get_data(True)
    result = doctor.post("/refer", data={"csrf_token": csrf_token(form), "action": "check",
                                         **RELAPSED}).get_data(True)
    assert "Likely eligible" in result or "Needs review" in result or "Not eligible" in result
    filed = doctor.post("/refer", data={
        "csrf_token": csrf_token(result), "action": "file",
        "checked": input_value(result, "checked"),
        "physician_name": "Dr Ana Ruiz", "practice": "Hope Clinic", "phone": "+1 212 555 0100",
        "attest": "y", **RELAPSED})
    assert filed.status_code == 302, filed.get_data(True)[:500]
    return doctor.get(filed.location).get_data(True)


def test_a_family_and_a_physician_refer_and_a_coordinator_works_the_day(app, make_user):
    family_done = family_sends_answers(app)
    doctor_done = physician_files(app)
    with app.app_context():
        family_ref, doctor_ref = (
            db.session.query(Referral).filter_by(source=s).one() for s in ("patient", "physician"))
        family_id, doctor_id = family_ref.id, doctor_ref.id
        references = family_ref.reference, doctor_ref.reference
    assert references[0] in family_done and references[1] in doctor_done

    make_user("coordinator@example.org", name="Cora Coordinator")
    desk = app.test_client()
    assert sign_in(desk).status_code == 302
    queue = desk.get("/staff/").get_data(True)
    assert references[0] in queue and references[1] in queue
    assert "Rosa Family" in queue and "Dr Ana Ruiz" in queue
    only_families = desk.get("/staff/?source=patient").get_data(True)
    assert references[0] in only_families and references[1] not in only_families

    # The family's referral: reasons per criterion and the unknowns as a call checklist.
    page = desk.get(f"/staff/referrals/{family_id}").get_data(True)
    assert "Call checklist" in page and "+1 555 010 0199" in page
    checklist = Page(page).find("ol", class_="checklist")
    assert checklist is not None and checklist.text.strip(), "questions to ask on the call"
    assert "Likely eligible" in page or "Needs review" in page

    def post(path, **data):
        current = desk.get(f"/staff/referrals/{family_id}").get_data(True)
        answer = desk.post(f"/staff/referrals/{family_id}/{path}",
                           data={"csrf_token": csrf_token(current), **data})
        assert answer.status_code == 302, answer.get_data(True)[:800]

    post("assign", assignee="me")
    for before, after in (("new", "contacting"), ("contacting", "call_done"),
                          ("call_done", "visit_scheduled")):
        post("status", **{"from": before, "status": after})
    post("notes", text="Mother prefers evening calls; visit on Friday.")
    page = desk.get(f"/staff/referrals/{family_id}").get_data(True)
    assert "Screening visit scheduled" in page and "Mother prefers evening calls" in page

    export = desk.get("/staff/export.csv")
    assert export.status_code == 200
    rows = list(csv.DictReader(io.StringIO(export.get_data(True).lstrip("\ufeff"))))
    by_reference = {r["reference"]: r for r in rows}
    assert set(by_reference) == set(references)
    assert by_reference[references[0]]["status"] in ("visit_scheduled",
                                                     "Screening visit scheduled")
    assert by_reference[references[1]]["referring_physician"] == "Dr Ana Ruiz"

    with app.app_context():
        trail = [(e.action, e.actor, e.referral_id) for e in
                 db.session.query(AuditEvent).order_by(AuditEvent.id)]
    steps = [(action, who) for action, who, rid in trail
             if rid == family_id and action != "referral_viewed"]
    assert steps == [("referral_created", "patient"),
                     ("assigned", "coordinator@example.org"),
                     ("status_changed", "coordinator@example.org"),
                     ("status_changed", "coordinator@example.org"),
                     ("status_changed", "coordinator@example.org"),
                     ("note_added", "coordinator@example.org")]
    assert ("referral_created", "physician", doctor_id) in trail
    assert ("referral_viewed", "coordinator@example.org", family_id) in trail
    assert any(a == "queue_viewed" for a, _, _ in trail)
    assert any(a == "exported" for a, _, _ in trail)
