"""Every published example either imports into a valid profile or is refused with a clear 422."""

import copy

import pytest
from fhir_data import EXAMPLES, TODAY, load

from screener.fhir import BundleError, read_bundle
from screener.profile import validate_profile

#: What each example gives: "imports", or the message of the 422 it gets.
NOT_A_BUNDLE = "the body must be a FHIR Bundle"
NO_PATIENT = "the Bundle has no Patient"
OUTCOMES = {
    "ctms-app/TrialMatching_Patient01.json": "imports",
    "ctms-app/TrialMatching_Patient02.json": "imports",
    "ctms-app/query.json": "imports",
    "ctms-app/resultBundle.json": NO_PATIENT,  # a searchset of ResearchStudy
    "ctms-service/complete_study.json": NOT_A_BUNDLE,
    "ctms-service/eom_patient_1.json": "imports",
    "ctms-service/patient_data.json": "imports",
    "ctms-service/patient_data_empty-cgv.json": NO_PATIENT,
    "ctms-service/patient_data_missing_birthdate_invalid_ecog_karnofsky.json": "imports",
    "ctms-service/resource.json": NO_PATIENT,
    "fhir-r4-core/bundle-example.json": NO_PATIENT,
    "fhir-r4-core/bundle-response.json": "imports",
    "fhir-r4-core/bundle-transaction.json": "the Bundle holds more than one Patient",
    "fhir-r4-core/diagnosticreport-genetics-comprehensive-bone-marrow-report.json": NO_PATIENT,
    "mcode-testing-ig/mcode-patient-bundle-jenny-m_transactionBundle_preSTU3-2022-12-16.json":
        "imports",
    "synthea/Robin66_Boehm581_8e0c5831-e60c-4c08-ae1c-d1af93629a6c.json": "imports",
}
FILES = sorted(str(p.relative_to(EXAMPLES)) for p in EXAMPLES.rglob("*.json"))


def _read(path):
    return read_bundle(load(f"examples/{path}"), TODAY)


def _by_field(items):
    return {i["field"]: i for i in items}


def _ignored(imp):
    """resource -> its reasons, joined."""
    out = {}
    for i in imp.ignored:
        out[i["resource"]] = out.get(i["resource"], "") + i["reason"] + "; "
    return out


@pytest.mark.parametrize("path", FILES)
def test_every_example_imports_or_gets_a_clear_refusal(path):
    """Each example gives a valid profile, or a BundleError naming where the problem is;
    single resources (not Bundles) are refused as such."""
    expected = OUTCOMES.get(path, NOT_A_BUNDLE)
    if expected == "imports":
        imp = read_bundle(load(f"examples/{path}"), TODAY)
        assert validate_profile(imp.profile) == imp.profile
        fields = {u["field"] for u in imp.unknown} | {r["field"] for r in imp.read}
        assert "diagnosis" in fields  # every field is accounted for, read or unknown
    else:
        with pytest.raises(BundleError) as caught:
            read_bundle(load(f"examples/{path}"), TODAY)
        assert caught.value.message == expected
        assert caught.value.errors and all(": " in e for e in caught.value.errors)


def test_patient_data_deduplicates_and_lists_what_it_did_not_use():
    """ctms patient_data.json: 25 entries, 20 ids: repeats are dropped and said so; the three
    Observations with two value[x] are invalid FHIR and listed; ECOG and Karnofsky name
    another patient as subject (not in the bundle), so they are not used."""
    imp = _read("ctms-service/patient_data.json")
    ignored = _ignored(imp)
    assert sum("repeats entry" in i["reason"] for i in imp.ignored) == 5  # 25 entries, 20 ids
    assert "not valid FHIR R4" in ignored["Observation/95d74cb0-15d5-44dd-a289-b622bfed80be"]
    for obs in ("mCODEECOGPerformanceStatusExample", "mCODEKarnofskyPerformanceStatusExample"):
        assert "about Patient/mCODEMassiveBioPatientExample1004" in ignored[f"Observation/{obs}"]
    assert imp.profile["age"] == {"years": 59, "months": 5}  # born 1966-08-03
    assert imp.profile["sex"] == "female"
    assert imp.profile["prior_therapies"] == []  # paclitaxel and surgery: no ALL therapy
    assert "breast" in ignored["Condition/4dee068c-5ffe-4977-8677-4ff9b518e763"]


def _own_subject(bundle: dict) -> dict:
    """The bundle with every subject pointing at its own Patient (as if the sender had
    not mis-referenced them)."""
    bundle = copy.deepcopy(bundle)
    patient = next(e for e in bundle["entry"]
                   if (e.get("resource") or {}).get("resourceType") == "Patient")
    for e in bundle["entry"]:
        if "subject" in (e.get("resource") or {}):
            e["resource"]["subject"] = {"reference": patient["fullUrl"]}
    return bundle


def test_patient_data_ecog_3_and_karnofsky_90_on_one_day_contradict():
    """With the subjects repaired, ECOG 3 and Karnofsky 90 (same day) are both read and found
    contradictory (ECOG 3 is Karnofsky 30-40): performance status stays unknown."""
    imp = read_bundle(_own_subject(load("examples/ctms-service/patient_data.json")), TODAY)
    assert "performance_status" not in imp.profile
    reason = _by_field(imp.unknown)["performance_status"]["reason"]
    assert reason.startswith("contradictory")
    assert '"scale": "ecog", "score": 3' in reason and '"score": 90' in reason


def test_invalid_ecog_and_karnofsky_are_left_unknown_and_listed():
    """ECOG -1 and Karnofsky -1 are never scores: unknown, each listed as invalid; the
    missing birthDate leaves age unknown."""
    path = "examples/ctms-service/patient_data_missing_birthdate_invalid_ecog_karnofsky.json"
    imp = read_bundle(_own_subject(load(path)), TODAY)
    assert "performance_status" not in imp.profile and "age" not in imp.profile
    reason = _by_field(imp.unknown)["performance_status"]["reason"]
    assert "-1 is not an ECOG score" in reason and "-1 is not a Karnofsky score" in reason
    assert _by_field(imp.unknown)["age"]["reason"].startswith("absent")


def test_entry_without_resource_is_reported():
    """patient_data_empty-cgv.json has an entry with a fullUrl and no resource: once a Patient
    is there, the entry is listed, and its invalid Observation too."""
    bundle = load("examples/ctms-service/patient_data_empty-cgv.json")
    bundle["entry"].append({"fullUrl": "urn:uuid:p1", "resource": {
        "resourceType": "Patient", "id": "p1", "gender": "female"}})
    imp = read_bundle(bundle, TODAY)
    ignored = _ignored(imp)
    assert "no resource" in ignored["entry[0]"] and "MISSING_RESOURCE" in ignored["entry[0]"]
    assert "not valid FHIR R4" in ignored["Observation/6556b6b3-678c-4fd6-9309-8df77xxxxxxx"]


def test_eom_patient_ecog_and_age():
    """eom_patient_1.json: ECOG 3 in a plain Observation; born 1987-01-01."""
    imp = _read("ctms-service/eom_patient_1.json")
    assert imp.profile["performance_status"] == {"scale": "ecog", "score": 3}
    assert imp.profile["age"] == {"years": 39, "months": 1}
    assert "diagnosis" not in imp.profile  # breast cancer: ALL is not assumed either way


def test_trial_matching_bundle_id_quirk_is_noted_not_refused():
    """TrialMatching_Patient01.json has Bundle.id '..._1' (not a FHIR id): noted, ECOG 1 read."""
    imp = _read("ctms-app/TrialMatching_Patient01.json")
    assert "not a valid FHIR id" in _ignored(imp)["Bundle.id"]
    assert imp.profile["performance_status"] == {"scale": "ecog", "score": 1}


def test_jenny_m_transaction_with_relative_full_urls():
    """The mCODE Jenny M transaction (relative fullUrls): ECOG 0; doxorubicin ordered counts as
    an anthracycline."""
    imp = _read("mcode-testing-ig/"
                "mcode-patient-bundle-jenny-m_transactionBundle_preSTU3-2022-12-16.json")
    assert imp.profile["performance_status"] == {"scale": "ecog", "score": 0}
    assert imp.profile["prior_therapies"] == [{"therapy": "anthracycline"}]


def test_synthea_stale_pregnancy_and_untested_infections():
    """Synthea Robin66: a 'normal pregnancy' since 2019 with no end cannot be current, so
    pregnancy stays unknown; HIV/hepatitis tests without results say nothing."""
    imp = _read("synthea/Robin66_Boehm581_8e0c5831-e60c-4c08-ae1c-d1af93629a6c.json")
    assert "pregnant_or_breastfeeding" not in imp.profile
    assert "too long ago" in _by_field(imp.unknown)["pregnant_or_breastfeeding"]["reason"]
    assert "infections" not in imp.profile
    assert imp.profile["age"] == {"years": 23, "months": 8}


def _bundle(*resources) -> dict:
    return {"resourceType": "Bundle", "type": "collection",
            "entry": [{"resource": r} for r in resources]}


def _cibmtr(name):
    return load(f"examples/cibmtr/{name}.json")


def test_cibmtr_t922_karyotype_gives_philadelphia_positive():
    """CIBMTR cytogenetics: t(9;22)(q34.1;q11.2) in the Variant ISCN component -> Ph+;
    the patient has no birthDate, so age is unknown."""
    imp = read_bundle(_bundle(_cibmtr("Patient-PatientExample1"),
                              _cibmtr("Observation-Cytogenetics-Example-1")), TODAY)
    assert imp.profile["philadelphia_chromosome"] == "positive"
    assert "age" not in imp.profile


def test_cibmtr_administration_resolves_its_medication():
    """MedicationAdministration -> Medication (etoposide): read, and not an ALL therapy of the
    profile, so the list is present and empty; an unused Medication is listed."""
    imp = read_bundle(_bundle(
        _cibmtr("Patient-PatientExample6"),
        _cibmtr("MedicationAdministration-MedicationAdministration-Example1"),
        _cibmtr("MedicationRequest-MedicationRequest-Etoposide-Example"),
        _cibmtr("Medication-Medication-Etoposide-Example"),
        _cibmtr("Medication-Medication-PriorExposure-Example")), TODAY)
    ignored = _ignored(imp)
    assert "4179" in ignored["MedicationAdministration/MedicationAdministration-Example1"]
    assert "describes a drug" in ignored["Medication/Medication-PriorExposure-Example"]
    assert imp.profile["prior_therapies"] == []


def test_cibmtr_blinatumomab_through_the_request_chain():
    """An administration whose own medication reference is not in the bundle is resolved
    through its MedicationRequest to the CIBMTR blinatumomab Medication."""
    admin = _cibmtr("MedicationAdministration-MedicationAdministration-Example1")
    admin["medicationReference"] = {"reference": "Medication/not-sent"}
    request = _cibmtr("MedicationRequest-MedicationRequest-Etoposide-Example")
    request["medicationReference"] = {
        "reference": "Medication/Medication-Post-HCT-Disease-Therapy-Example"}
    imp = read_bundle(_bundle(_cibmtr("Patient-PatientExample6"), admin, request,
                              _cibmtr("Medication-Medication-Post-HCT-Disease-Therapy-Example")),
                      TODAY)
    # The order is still active, so the last dose is not known: no months since it.
    assert imp.profile["prior_therapies"] == [{"therapy": "blinatumomab"}]
    how = [r["how"] for r in imp.read if r["value"] == "blinatumomab"][0]
    assert "via MedicationRequest/MedicationRequest-Etoposide-Example" in how
