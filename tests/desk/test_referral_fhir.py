"""GET /staff/referrals/<id>/fhir: a referral and its screening as a FHIR R4 Bundle."""

import json

from fhir.resources.R4B import get_fhir_model_class

from screener.fhir.matching import EXT_VERDICT
from screener.models import AuditEvent, Referral, db


def test_a_referral_exports_as_a_valid_bundle_and_is_audited(app, coordinator, make_referral):
    rid = make_referral("adult-ph-positive-new", contact={"name": "Jo Private",
                                                          "phone": "555-0199"})
    response = coordinator.get(f"/staff/referrals/{rid}/fhir")
    assert response.status_code == 200
    assert response.mimetype == "application/fhir+json"
    assert response.headers["Cache-Control"] == "no-store"
    bundle = json.loads(response.data)
    get_fhir_model_class("Bundle").model_validate(bundle)
    for entry in bundle["entry"]:
        resource = entry["resource"]
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
    assert "Jo Private" not in response.text and "555-0199" not in response.text
    subjects = [e["resource"] for e in bundle["entry"]
                if e["resource"]["resourceType"] == "ResearchSubject"]
    assert subjects and all(s["extension"][0]["url"] == EXT_VERDICT for s in subjects)
    with app.app_context():
        actions = [e.action for e in db.session.query(AuditEvent).filter_by(referral_id=rid)]
    assert "fhir_exported" in actions


def test_a_purged_referral_has_nothing_to_export(app, coordinator, make_referral):
    rid = make_referral()
    with app.app_context():
        db.session.get(Referral, rid).profile = None
        db.session.commit()
    assert coordinator.get(f"/staff/referrals/{rid}/fhir").status_code == 404
    assert coordinator.get("/staff/referrals/999999/fhir").status_code == 404


def test_signed_out_gets_no_bundle(client, make_referral):
    rid = make_referral()
    response = client.get(f"/staff/referrals/{rid}/fhir")
    assert response.status_code in (302, 401, 403)
