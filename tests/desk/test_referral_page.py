"""A referral's page: the profile in clinical words, the trial tables, the call checklist,
notes, assignment and the status workflow, each change audited and shown."""

from __future__ import annotations

import html
import re

from desk_support import csrf_token, profile
from queue_support import actions, file_referral, referral_row

from screener.models import AuditEvent, Referral, StaffUser, db, utcnow
from screener.referrals.service import current_screening
from screener.staff.clinical import call_checklist


def _text(response) -> str:
    return html.unescape(response.get_data(True))


def _post(client, url: str, **data):
    page = client.get(url.rsplit("/", 1)[0])
    return client.post(url, data={"csrf_token": csrf_token(page.get_data(True)), **data})


def test_the_profile_in_clinical_words_with_every_unknown_said(app, coordinator):
    rid, _ = file_referral(app, "adult-second-relapse-after-car-t",
                           contact={"name": "Ana Ruiz", "phone": "555-0199",
                                    "email": "ana@example.org", "best_time": "mornings"},
                           consent_text="I agree that the research team may contact me.",
                           consent_version="2025-01", consented_at=utcnow())
    page = _text(coordinator.get(f"/staff/referrals/{rid}"))
    facts = dict(re.findall(r"<dt>([^<]+)</dt>\s*<dd[^>]*>(.*?)</dd>", page, re.S))
    assert facts["Relapse number"] == "2"
    assert facts["Marrow blasts"] == "38% (M3)"
    assert facts["CNS status"] == "CNS1"
    assert facts["Performance status"] == "ECOG 1"
    assert facts["In complete remission (CR/CRi)"] == "no"
    assert "CD19 CAR-T cell therapy" in facts["Prior therapy"]
    assert "last dose 4 months ago, responded" in facts["Prior therapy"]
    assert facts["MRD level"] == "unknown" and facts["Active GVHD"] == "unknown"
    for label in ("Age at diagnosis", "KMT2A rearranged", "LVEF (%)", "Down syndrome"):
        assert facts[label] == "unknown", label
    assert facts["Email"] == "ana@example.org" and facts["Best time to call"] == "mornings"
    assert "I agree that the research team may contact me." in page
    assert "Version 2025-01" in page


def test_mrd_is_said_as_a_percentage_and_a_power_of_ten():
    from screener.staff.clinical import words

    assert words("mrd.level", 0.001, {}, "en") == "0.1% (10^-3)"
    assert words("mrd.level", 0.0003, {}, "en") == "0.03% (3.0e-04)"


def test_each_candidate_trial_has_its_criteria_table_and_blocked_trials_fold(app, coordinator):
    rid, _ = file_referral(app, "adult-ph-positive-new")
    with app.app_context():
        results = current_screening(db.session.get(Referral, rid)).results
    page = _text(coordinator.get(f"/staff/referrals/{rid}"))
    candidates = [r for r in results if r["shown_verdict"] != "not_eligible"]
    assert candidates
    for result in candidates:
        section = page.split(f"{result['trial']['id']} — ", 1)[1].split("</table>", 1)[0]
        for criterion in result["criteria"]:
            assert html.unescape(criterion["text"]) in section
            assert criterion["because"] in section
        assert "Needs review" in section.split("</h3>")[0]
    folded = page.split('<details class="blocked">', 1)[1].split("</details>", 1)[0]
    for result in results:
        if result["shown_verdict"] == "not_eligible":
            assert result["trial"]["id"] in folded
            assert all(c["text"] in folded for c in result["criteria"])


def test_the_call_checklist_asks_what_settles_most_trials_first(app, coordinator):
    rid, _ = file_referral(app, "adult-ph-positive-new")
    page = _text(coordinator.get(f"/staff/referrals/{rid}"))
    checklist = page.split('<ol class="checklist">', 1)[1].split("</ol>", 1)[0]
    settled = [int(n) for n in re.findall(r"settles (\d+) trials?", checklist)]
    assert settled and settled == sorted(settled, reverse=True) and settled[0] == 2
    assert checklist.index("HIV status?") < checklist.index("In complete remission now")


def test_checklist_order_and_what_cannot_apply():
    """Two trials wait on CNS status and one on HIV: CNS first. Pregnancy is never asked
    about a man, and a likely-eligible trial asks nothing."""

    def result(trial, verdict, missing):
        return {"trial": {"id": trial}, "verdict": verdict, "shown_verdict": verdict,
                "missing_answers": missing}

    results = [result("A", "needs_review", ["infections.hiv", "cns_status"]),
               result("B", "needs_review", ["cns_status", "pregnant_or_breastfeeding",
                                            "genetics.iamp21", "genetics.ph_like"]),
               result("C", "likely_eligible", [])]
    man = {"sex": "male", "age": {"years": 30}}
    questions = call_checklist(results, man)
    assert [q.key for q in questions] == ["cns_status", "genetics", "infections.hiv"]
    assert questions[0].trials == ["A", "B"] and questions[0].text.startswith("CNS status")
    woman = {"sex": "female", "age": {"years": 30}}
    assert "pregnant_or_breastfeeding" in [q.key for q in call_checklist(results, woman)]


def test_notes_are_listed_with_author_and_bad_notes_keep_their_text(app, coordinator):
    rid, _ = file_referral(app)
    url = f"/staff/referrals/{rid}/notes"
    assert _post(coordinator, url, text="Left a voicemail.").status_code == 302
    page = _text(coordinator.get(f"/staff/referrals/{rid}"))
    notes = page.split('<ol class="notes">', 1)[1].split("</ol>", 1)[0]
    assert "Left a voicemail." in notes and "coordinator — " in notes
    empty = _post(coordinator, url, text="   ")
    assert empty.status_code == 400 and "Note: write something before adding it." in _text(empty)
    long = "x" * 5001
    refused = _post(coordinator, url, text=long)
    assert refused.status_code == 400 and "at most 5000" in _text(refused)
    assert f">{long}</textarea>" in _text(refused)
    assert actions(app, rid).count("note_added") == 1
    with app.app_context():
        event = db.session.query(AuditEvent).filter_by(action="note_added").one()
        assert "voicemail" not in str(event.detail)


def test_assign_to_me_to_a_colleague_and_unassign(app, coordinator, make_user):
    colleague = make_user("colleague@example.org", name="Carmen")
    rid, _ = file_referral(app)
    url = f"/staff/referrals/{rid}/assign"
    assert _post(coordinator, url, assignee="me").status_code == 302
    with app.app_context():
        me = db.session.query(StaffUser).filter_by(email="coordinator@example.org").one().id
    assert referral_row(app, rid).assignee_id == me
    assert _post(coordinator, url, assignee=str(colleague)).status_code == 302
    assert referral_row(app, rid).assignee_id == colleague
    page = _text(coordinator.get(f"/staff/referrals/{rid}"))
    assert "<dt>Assignee</dt><dd>Carmen</dd>" in page
    assert _post(coordinator, url, assignee="none").status_code == 302
    assert referral_row(app, rid).assignee_id is None
    bad = _post(coordinator, url, assignee="9999")
    assert bad.status_code == 400 and "not an active staff account" in _text(bad)
    with app.app_context():
        changes = [e.detail for e in db.session.query(AuditEvent).filter_by(action="assigned")
                   .order_by(AuditEvent.id)]
    assert changes == [{"from_user": None, "to_user": me},
                       {"from_user": me, "to_user": colleague},
                       {"from_user": colleague, "to_user": None}]


def test_the_workflow_from_new_to_enrolled_and_reopened(app, coordinator):
    rid, _ = file_referral(app)
    url = f"/staff/referrals/{rid}/status"
    path = ["contacting", "call_done", "visit_scheduled", "enrolled"]
    seen = "new"
    for status in path:
        response = _post(coordinator, url, status=status, **{"from": seen})
        assert response.status_code == 302, _text(response)
        seen = status
        assert referral_row(app, rid).status == status
    closed = referral_row(app, rid)
    assert closed.closed_at is not None
    page = _text(coordinator.get(f"/staff/referrals/{rid}"))
    history = page.split('<ol class="history">', 1)[1].split("</ol>", 1)[0]
    steps = re.findall(r"coordinator@example.org: (.+?) → (.+?)</li>", history)
    assert steps == [("New", "Contacting"), ("Contacting", "Pre-screen call done"),
                     ("Pre-screen call done", "Screening visit scheduled"),
                     ("Screening visit scheduled", "Enrolled")]
    # A closed referral can be reopened to "contacting", and it is open again.
    assert _post(coordinator, url, status="contacting", **{"from": "enrolled"}).status_code == 302
    reopened = referral_row(app, rid)
    assert reopened.status == "contacting" and reopened.closed_at is None
    with app.app_context():
        details = [(e.detail["from_status"], e.detail["to_status"], e.actor) for e in
                   db.session.query(AuditEvent).filter_by(action="status_changed")
                   .order_by(AuditEvent.id)]
    assert [d[1] for d in details] == path + ["contacting"]
    assert {d[2] for d in details} == {"coordinator@example.org"}


def test_a_status_the_workflow_does_not_allow_is_refused_with_the_choices(app, coordinator):
    rid, _ = file_referral(app)
    url = f"/staff/referrals/{rid}/status"
    refused = _post(coordinator, url, status="enrolled", **{"from": "new"})
    assert refused.status_code == 400
    assert ("a referral that is “New” cannot go to “Enrolled”. It can go to: Contacting, "
            "Not eligible, Declined, Unreachable.") in _text(refused)
    nonsense = _post(coordinator, url, status="teleported", **{"from": "new"})
    assert nonsense.status_code == 400 and "cannot go to “teleported”" in _text(nonsense)
    assert referral_row(app, rid).status == "new"
    assert "status_changed" not in actions(app, rid)


def test_a_change_made_meanwhile_by_someone_else_is_not_overwritten(app, coordinator):
    rid, _ = file_referral(app, status="contacting")
    stale = _post(coordinator, f"/staff/referrals/{rid}/status", status="unreachable",
                  **{"from": "new"})
    assert stale.status_code == 409
    assert "Someone changed this referral's status to “Contacting”" in _text(stale)
    assert referral_row(app, rid).status == "contacting"


def test_a_purged_referral_says_so_and_cannot_be_reopened(app, coordinator):
    rid, _ = file_referral(app, status="declined", closed_at=utcnow(), purged_at=utcnow(),
                           profile=None)
    with app.app_context():  # what the purge leaves
        db.session.get(Referral, rid).contact = None
        db.session.commit()
    page = _text(coordinator.get(f"/staff/referrals/{rid}"))
    assert "Contact details, profile and notes were removed on" in page
    assert "Test Family" not in page and "The profile was removed." in page
    refused = _post(coordinator, f"/staff/referrals/{rid}/status", status="contacting",
                    **{"from": "declined"})
    assert refused.status_code == 409 and "cannot be reopened" in _text(refused)
    note = _post(coordinator, f"/staff/referrals/{rid}/notes", text="Called back")
    assert note.status_code == 409 and referral_row(app, rid).status == "declined"


def test_every_view_and_change_is_in_the_audit_trail_on_the_page(app, coordinator):
    rid, _ = file_referral(app)
    coordinator.get("/staff/")
    coordinator.get(f"/staff/referrals/{rid}")
    _post(coordinator, f"/staff/referrals/{rid}/assign", assignee="me")
    _post(coordinator, f"/staff/referrals/{rid}/status", status="contacting", **{"from": "new"})
    _post(coordinator, f"/staff/referrals/{rid}/notes", text="First call tomorrow")
    trail = actions(app, rid)
    # filed; one view, then each change (after the view of the page its form is on)
    assert trail.count("referral_created") == 1
    assert trail.count("assigned") == 1 and trail.count("status_changed") == 1
    assert trail.count("note_added") == 1 and trail.count("referral_viewed") == 4
    assert actions(app).count("queue_viewed") == 1
    page = _text(coordinator.get(f"/staff/referrals/{rid}"))
    audit = page.split('<table class="audit">', 1)[1]
    assert f"{len(trail) + 1} events" in page  # this view too
    assert audit.index("Note added") < audit.index("Status changed: new → contacting")
    assert "coordinator@example.org" in audit


def test_an_unknown_referral_is_not_found(coordinator):
    assert coordinator.get("/staff/referrals/424242").status_code == 404


def test_profile_words_cover_every_field_of_the_contract():
    """Each field of the profile contract has a line on the page (none silently missing)."""
    from screener.profile import profile_schema
    from screener.staff.clinical import FIELDS

    def paths(schema, prefix=""):
        for name, spec in schema.get("properties", {}).items():
            if spec.get("type") == "object" and "properties" in spec and name not in (
                    "age", "age_at_diagnosis", "performance_status"):
                yield from paths(spec, f"{prefix}{name}.")
            elif name != "profile_version":
                yield prefix + name

    assert set(paths(profile_schema())) == {path for path, _label in FIELDS}
    assert profile("age-only")  # the example profiles stay valid contract profiles


def test_the_page_in_spanish_shows_the_zip_code_as_given(app, coordinator):
    """A coordinator who switched the site to Spanish still gets the page (a ZIP code is no
    word to translate)."""
    rid, _ = file_referral(app, "adult-second-relapse-after-car-t")
    coordinator.get("/language/es")
    page = coordinator.get(f"/staff/referrals/{rid}")
    assert page.status_code == 200 and '<html lang="es"' in page.get_data(True)
    assert "<dd>10016</dd>" in page.get_data(True)
