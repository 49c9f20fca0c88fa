"""Our two ALL bundles import to the profiles a person would write, and screen the same."""

import json
import subprocess
import sys

import pytest
from fhir_data import OWN, TODAY, load

from screener.api import routes
from screener.fhir import read_bundle

CHILD = {
    "profile_version": 1, "sex": "male", "age": {"years": 9, "months": 10},
    "age_at_diagnosis": {"years": 3, "months": 0}, "diagnosis": "b_all",
    "disease_status": "relapsed", "in_remission": False, "marrow_blasts_percent": 35.0,
    "wbc_at_diagnosis_per_ul": 62500.0, "cd19": "positive", "cd22": "positive",
    "performance_status": {"scale": "lansky", "score": 70},
    # blinatumomab ended 2025-06-30; prednisone for ALL ended 2019-05-01 (vincristine has no
    # therapy of its own in the profile, and one drug is not "multiagent chemotherapy")
    "prior_therapies": [{"therapy": "blinatumomab", "months_since_last_dose": 7.0},
                        {"therapy": "corticosteroids", "months_since_last_dose": 81.0}],
}
ADULT = {
    "profile_version": 1, "sex": "female",
    "age": {"years": 47},  # born "1978-07": 47y6m or 47y7m on 2026-02-01
    "age_at_diagnosis": {"years": 45}, "diagnosis": "b_all", "in_remission": True,
    "philadelphia_chromosome": "positive", "active_gvhd": True,
    "performance_status": {"scale": "karnofsky", "score": 80},  # ECOG 1 the same day agrees
    "pregnant_or_breastfeeding": False, "infections": {"hepatitis_b": False},
    # transplant 2024-07-10, imatinib to 2024-03-01, dasatinib ongoing (no last dose);
    # prednisone given for GVHD is not an ALL therapy
    "prior_therapies": [{"therapy": "allogeneic_hsct", "months_since_last_dose": 18.7},
                        {"therapy": "imatinib", "months_since_last_dose": 23.0},
                        {"therapy": "dasatinib"}],
}
BUNDLES = {"child_relapsed_b_all_after_blinatumomab.json": CHILD,
           "adult_ph_positive_dasatinib_after_hsct_gvhd.json": ADULT}


@pytest.mark.parametrize(("name", "expected"), BUNDLES.items())
def test_bundle_imports_to_the_hand_written_profile(name, expected):
    """Each field a person would write from the record, and nothing more."""
    assert read_bundle(load(f"own/{name}"), TODAY).profile == expected


def test_child_names_its_sources():
    """The blinatumomab comes from the CIBMTR Medication through the administration
    (a relative fullUrl); vincristine is listed as not a profile therapy."""
    imp = read_bundle(load("own/child_relapsed_b_all_after_blinatumomab.json"), TODAY)
    blin = next(r for r in imp.read if r["value"] == "blinatumomab")
    assert blin["resource"].startswith("MedicationAdministration/")
    assert "via Medication/Medication-Post-HCT-Disease-Therapy-Example" in blin["how"]
    assert any("vincristine" in i["reason"] for i in imp.ignored)
    assert {"field": "mrd", "reason": "no LOINC code for MRD could be confirmed (codes.py)"} \
        in imp.unknown


def test_adult_lists_the_steroid_for_gvhd():
    """Prednisone given for GVHD is listed, not counted as an ALL corticosteroid."""
    imp = read_bundle(load("own/adult_ph_positive_dasatinib_after_hsct_gvhd.json"), TODAY)
    assert any("not recorded as given for ALL" in i["reason"] for i in imp.ignored)


def _verdicts(response) -> dict:
    assert response.status_code == 200, response.get_json()
    return {r["trial"]["id"]: r["verdict"] for r in response.get_json()["results"]}


@pytest.mark.parametrize(("name", "expected"), BUNDLES.items())
def test_api_screens_the_bundle_like_the_profile(client, monkeypatch, name, expected):
    """POST the Bundle as application/fhir+json and the profile as JSON: same verdicts on
    every loaded trial, and the answer says what was imported."""
    monkeypatch.setattr(routes, "_today", lambda: TODAY)
    fhir = client.post("/api/v1/screen?include_closed=true", data=(OWN / name).read_text(),
                       content_type="application/fhir+json")
    plain = client.post("/api/v1/screen", json={"patient": expected, "include_closed": True})
    assert _verdicts(fhir) == _verdicts(plain)
    assert len(_verdicts(fhir)) > 5
    imported = fhir.get_json()["imported"]
    assert imported["profile"] == expected
    assert {"read", "unknown", "ignored"} <= set(imported)


def test_api_names_a_trial_in_the_query(client, monkeypatch):
    """?trial=NCT... screens that trial only."""
    monkeypatch.setattr(routes, "_today", lambda: TODAY)
    response = client.post("/api/v1/screen?trial=NCT02435849",
                           data=(OWN / "child_relapsed_b_all_after_blinatumomab.json").read_text(),
                           content_type="application/fhir+json")
    assert list(_verdicts(response)) == ["NCT02435849"]


@pytest.mark.parametrize(("body", "content_type", "status", "field"), [
    ('{"resourceType": "Patient"}', "application/fhir+json", 422, "resourceType"),
    ('{"resourceType": "Bundle", "type": "collection"}', "application/fhir+json", 422,
     "Bundle.entry"),
    ('{"resourceType": "Bundle", "type": "collection"', "application/fhir+json", 400, "(body)"),
    ('{"resourceType": "Bundle", "type": "collection"}', "application/json", 422, "(body)"),
])
def test_api_refuses_what_is_not_a_patients_bundle(client, body, content_type, status, field):
    """Not a Bundle, no Patient, malformed JSON, or FHIR under the wrong media type: a 4xx
    whose error names the place, never a 500."""
    response = client.post("/api/v1/screen", data=body, content_type=content_type)
    assert response.status_code == status
    assert response.get_json()["errors"][0]["field"] == field


def test_api_query_parameters_are_checked(client):
    """An unknown query parameter or a bad include_closed is a 422 naming it."""
    bundle = (OWN / "child_relapsed_b_all_after_blinatumomab.json").read_text()
    for query, field in (("?tirals=NCT02435849", "tirals"), ("?include_closed=yes",
                                                              "include_closed"),
                         ("?trial=NCT1", "trial[0]")):
        response = client.post(f"/api/v1/screen{query}", data=bundle,
                               content_type="application/fhir+json")
        assert response.status_code == 422
        assert response.get_json()["errors"][0]["field"] == field


def test_web_start_up_does_not_import_fhir_resources():
    """fhir.resources (about a second) is loaded on the first FHIR request, not at start-up."""
    code = ("import sys, screener.api.routes, screener.fhir; "
            "print(json.dumps(sorted(m for m in sys.modules if m.startswith('fhir'))))")
    out = subprocess.run([sys.executable, "-c", "import json; " + code], check=True,
                         capture_output=True, text=True).stdout
    assert json.loads(out) == []


def test_json_request_query_trials_add_to_the_body(client):
    """With a JSON body, ?trial= adds to "trials" (one result per trial, however named)."""
    response = client.post("/api/v1/screen?trial=NCT02435849&trial=NCT01802814",
                           json={"patient": CHILD, "trials": ["NCT02435849"]})
    assert sorted(_verdicts(response)) == ["NCT01802814", "NCT02435849"]
