"""POST /getClinicalTrial, the CodeX matching-service contract (screener/fhir/matching.py),
replayed with that project's own patient bundles (tests/fhir/data/examples/ctms-*)."""

import copy
import json

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir_data import TODAY, load

from screener.fhir import matching, service
from screener.trials.catalog import catalog

#: The patient bundles of mcode/clinical-trial-matching-service and -app.
PATIENTS = ["ctms-service/patient_data.json", "ctms-service/eom_patient_1.json",
            "ctms-service/patient_data_missing_birthdate_invalid_ecog_karnofsky.json",
            "ctms-app/TrialMatching_Patient01.json", "ctms-app/TrialMatching_Patient02.json",
            "ctms-app/query.json"]


@pytest.fixture(autouse=True)
def _fixed_today(monkeypatch):
    monkeypatch.setattr(service, "_today", lambda: TODAY)


def _with(bundle: dict, **params) -> dict:
    bundle = copy.deepcopy(bundle)
    bundle.setdefault("entry", []).append({"resource": {
        "resourceType": "Parameters",
        "parameter": [{"name": k, "valueString": v} for k, v in params.items()]}})
    return bundle


def _post(client, body):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    return client.post("/getClinicalTrial", data=data, content_type="application/json")


def _valid_searchset(response) -> dict:
    assert response.status_code == 200, response.data[:500]
    assert response.mimetype == "application/fhir+json"
    answer = json.loads(response.data)
    Bundle.model_validate(answer)  # every ResearchStudy, Location, extension: valid R4(B)
    assert answer["type"] == "searchset" and answer["total"] == len(answer["entry"])
    ids = {t.id for t in catalog().all()}
    for entry in answer["entry"]:
        study = entry["resource"]
        assert study["resourceType"] == "ResearchStudy"
        assert study["identifier"][0]["value"] in ids
        assert study["identifier"][0]["system"] == "https://clinicaltrials.gov"
        assert entry["search"]["mode"] == "match"
        assert 0 <= entry["search"]["score"] <= 1
        assert study["description"].startswith("Pre-screen: ")
    scores = [e["search"]["score"] for e in answer["entry"]]
    assert scores == sorted(scores, reverse=True)
    return answer


@pytest.mark.parametrize("path", PATIENTS)
def test_the_matching_services_own_patients_get_a_valid_searchset(client, path):
    """Their breast-cancer patients: a valid searchset of our open trials, none likely."""
    with client.application.app_context():
        answer = _valid_searchset(_post(client, _with(load(f"examples/{path}"),
                                                      zipCode="02115")))
        open_ids = {t.id for t in catalog().all() if t.recruiting}
    assert {e["resource"]["id"] for e in answer["entry"]} == open_ids
    for entry in answer["entry"]:
        assert entry["search"]["score"] < 0.75  # no ALL here: never a high-likelihood match


def test_an_all_patient_is_scored_and_its_sites_measured(client):
    with client.application.app_context():
        body = _with(load("own/child_relapsed_b_all_after_blinatumomab.json"),
                     zipCode="02115", travelRadius="300")
        answer = _valid_searchset(_post(client, body))
    assert answer["entry"], "some open trial has a site within 300 miles of Boston"
    for entry in answer["entry"]:
        study = entry["resource"]
        verdict = {e["url"]: e for e in study["extension"]}[matching.EXT_VERDICT]
        parts = {p["url"]: p for p in verdict["extension"]}
        assert parts["score"]["valueDecimal"] == entry["search"]["score"]
        outcomes = [e for e in study["extension"] if e["url"] == matching.EXT_CRITERION]
        assert outcomes and all({"id", "kind", "outcome"} <= {p["url"] for p in o["extension"]}
                                for o in outcomes)
        locations = [c for c in study["contained"] if c["resourceType"] == "Location"]
        assert len(locations) == len(study["site"]) > 0
        for loc in locations:  # only sites within the radius are left
            assert loc["extension"][0]["valueQuantity"]["value"] <= 300


def test_parameters_filter_by_phase_and_status(client):
    bundle = load("own/child_relapsed_b_all_after_blinatumomab.json")
    with client.application.app_context():
        every = {t.id: t for t in catalog().all()}
        phase3 = _valid_searchset(_post(client, _with(bundle, phase="phase-3")))
        assert phase3["entry"] and all("PHASE3" in every[e["resource"]["id"]].phases
                                       for e in phase3["entry"])
        closed = _valid_searchset(_post(client, _with(bundle,
                                                      recruitmentStatus="closed-to-accrual")))
        assert closed["entry"] and all(
            every[e["resource"]["id"]].status == "ACTIVE_NOT_RECRUITING"
            for e in closed["entry"])
        widened = _valid_searchset(_post(client, _with(bundle, recruitmentStatus="all")))
        assert widened["total"] > _valid_searchset(_post(client, bundle))["total"]


@pytest.mark.parametrize("params, named", [
    ({"phase": "phase-9"}, "phase"), ({"recruitmentStatus": "open"}, "recruitmentStatus"),
    ({"zipCode": "ABCDE"}, "zipCode"), ({"travelRadius": "50"}, "travelRadius"),
    ({"zipCode": "02115", "travelRadius": "far"}, "travelRadius"),
    ({"colour": "blue"}, "colour"),
])
def test_a_bad_parameter_is_named(client, params, named):
    bundle = load("own/child_relapsed_b_all_after_blinatumomab.json")
    response = _post(client, _with(bundle, **params))
    assert response.status_code == 400 and named in response.get_json()["error"]


@pytest.mark.parametrize("body", [
    "not json", b"\xff\xfe", "[]", json.dumps({"resourceType": "Patient"}),
    json.dumps(load("examples/ctms-service/complete_study.json")),
])
def test_not_a_bundle_is_an_invalid_patient_bundle(client, body):
    response = _post(client, body)
    assert response.status_code == 400
    assert response.get_json() == {"error": "Invalid patientBundle"}


@pytest.mark.parametrize("path", ["ctms-service/patient_data_empty-cgv.json",
                                  "ctms-service/resource.json"])
def test_a_bundle_the_importer_refuses_is_a_400_with_its_message(client, path):
    """The empty-entry fixture has an entry with no resource and so no Patient."""
    response = _post(client, load(f"examples/{path}"))
    assert response.status_code == 400
    assert response.get_json()["error"].startswith("Invalid patientBundle: ")


def test_the_endpoint_needs_no_csrf_token(app):
    app.config["WTF_CSRF_ENABLED"] = True
    response = _post(app.test_client(), load("own/child_relapsed_b_all_after_blinatumomab.json"))
    assert response.status_code == 200


def test_scores_follow_the_documented_bands():
    class R:
        def __init__(self, verdict, fully=True, met=0, unknown=0):
            self.verdict, self.fully_checked = verdict, fully
            self._n = {"met": met, "unknown": unknown}

        def by_outcome(self, o):
            return [None] * self._n.get(o, 0)

    assert matching.score(R("likely_eligible")) == 0.9
    assert matching.score(R("likely_eligible", fully=False)) == 0.5
    assert matching.score(R("needs_review", met=0, unknown=3)) == 0.2
    assert matching.score(R("needs_review", met=3, unknown=1)) == 0.575
    assert matching.score(R("not_eligible", met=5)) == 0.0
