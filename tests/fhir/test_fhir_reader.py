"""The importer's rules, each on a small bundle: dates, contradictions, refusals."""

from datetime import date

import pytest
from fhir_data import TODAY

from screener.fhir import BundleError, read_bundle
from screener.fhir.dates import age_between, parse

LOINC, SCT = "http://loinc.org", "http://snomed.info/sct"
PATIENT = {"resourceType": "Patient", "id": "p", "gender": "female", "birthDate": "2010-06-15"}


def _bundle(*resources, patient=PATIENT):
    entries = [{"fullUrl": "urn:uuid:p", "resource": patient}] if patient else []
    return {"resourceType": "Bundle", "type": "collection",
            "entry": entries + [{"resource": r} for r in resources]}


def _ecog(rid, score, when):
    return {"resourceType": "Observation", "id": rid, "status": "final",
            "subject": {"reference": "urn:uuid:p"}, "effectiveDateTime": when,
            "code": {"coding": [{"system": LOINC, "code": "89247-1"}]}, "valueInteger": score}


def _unknown(imp, name):
    return next(u["reason"] for u in imp.unknown if u["field"] == name)


@pytest.mark.parametrize(("born", "on", "age"), [
    ("2010-06-15", "2026-02-01", {"years": 15, "months": 7}),
    ("2010-06", "2026-02-01", {"years": 15}),  # 15y8m if born June 1st, 15y7m if later
    ("2010", "2026-02-01", None),  # 15 or 16: too partial
    ("2010", "2026-12-31", {"years": 16}),  # every 2010 birthday is past: years only
])
def test_partial_birth_dates_keep_only_what_every_reading_agrees_on(born, on, age):
    """A partial date counts at both ends of its range; only what both ends agree on is kept."""
    assert age_between(parse(born), parse(on))[0] == age


def test_age_on_the_given_day():
    """birthDate 2010-06-15 on 2026-02-01 is 15 years 7 months."""
    assert read_bundle(_bundle(), TODAY).profile["age"] == {"years": 15, "months": 7}


def test_latest_reading_wins_and_older_ones_are_named():
    """ECOG 2 in January and ECOG 1 in March: the March one is used, January named."""
    imp = read_bundle(_bundle(_ecog("a", 2, "2025-01-10"), _ecog("b", 1, "2025-03-02")), TODAY)
    assert imp.profile["performance_status"] == {"scale": "ecog", "score": 1}
    assert "Observation/a" in next(r["how"] for r in imp.read
                                   if r["field"] == "performance_status")


def test_disagreeing_readings_of_one_day_are_contradictory():
    """ECOG 2 and ECOG 1 on the same day: unknown, both named."""
    imp = read_bundle(_bundle(_ecog("a", 2, "2025-03-02"), _ecog("b", 1, "2025-03-02")), TODAY)
    assert "performance_status" not in imp.profile
    assert "Observation/a" in _unknown(imp, "performance_status")


def test_an_undated_disagreeing_reading_makes_it_contradictory():
    """A reading without a date could be the newest: no winner."""
    undated = _ecog("a", 2, None)
    del undated["effectiveDateTime"]
    imp = read_bundle(_bundle(undated, _ecog("b", 1, "2025-03-02")), TODAY)
    assert _unknown(imp, "performance_status").startswith("contradictory")


def test_non_final_results_are_not_used():
    """A preliminary ECOG is listed, not read."""
    ecog = _ecog("a", 2, "2025-03-02") | {"status": "preliminary"}
    imp = read_bundle(_bundle(ecog), TODAY)
    assert "performance_status" not in imp.profile
    assert "preliminary" in imp.ignored[0]["reason"]


def test_same_id_different_content_uses_neither():
    """Two different resources under one Type/id: neither is trusted."""
    imp = read_bundle(_bundle(_ecog("a", 2, "2025-03-02"), _ecog("a", 1, "2025-03-02")), TODAY)
    assert "performance_status" not in imp.profile
    assert "neither is used" in imp.ignored[0]["reason"]


def test_an_icd_code_that_contradicts_the_clinical_status():
    """'ALL in relapse' coded with clinicalStatus remission: in_remission is contradictory;
    the relapse itself is still read."""
    condition = {"resourceType": "Condition", "id": "c", "subject": {"reference": "urn:uuid:p"},
                 "clinicalStatus": {"coding": [{
                     "system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                     "code": "remission"}]},
                 "code": {"coding": [{"system": "http://hl7.org/fhir/sid/icd-10-cm",
                                      "code": "C9102"}]}}  # without its dot, as some EHRs send
    imp = read_bundle(_bundle(condition), TODAY)
    assert imp.profile["disease_status"] == "relapsed"
    assert "in_remission" not in imp.profile
    assert _unknown(imp, "in_remission").startswith("contradictory")
    assert _unknown(imp, "diagnosis").startswith("the ALL Condition's code does not say")


def test_karyotype_without_t922_does_not_rule_ph_out():
    """46,XX[20] is listed; Ph stays unknown (a karyotype misses cryptic BCR::ABL1)."""
    karyotype = {"resourceType": "Observation", "id": "k", "status": "final",
                 "code": {"coding": [{"system": LOINC, "code": "33893-9"}]},
                 "valueCodeableConcept": {"text": "46,XX[20]"}}
    imp = read_bundle(_bundle(karyotype), TODAY)
    assert "philadelphia_chromosome" not in imp.profile
    assert "does not rule out" in imp.ignored[0]["reason"]


@pytest.mark.parametrize("text", [
    "CD19 dim, CD22 partial",  # not the form read
    "positive for CD10, dim CD19",  # a marker with a qualifier
    "positive for CD19. negative for CD19",  # says both
])
def test_immunophenotype_text_is_read_whole_or_not_at_all(text):
    """Free text in any other form than 'positive for A, B and C' is never half-read."""
    obs = {"resourceType": "Observation", "id": "i", "status": "final",
           "code": {"coding": [{"system": LOINC, "code": "101119-6"}]}, "valueString": text}
    imp = read_bundle(_bundle(obs), TODAY)
    assert "cd19" not in imp.profile and "cd22" not in imp.profile


def test_a_transplant_of_unstated_type_leaves_the_therapy_list_unknown():
    """SNOMED 234336002 does not say allogeneic or autologous: the list cannot be complete."""
    hsct = {"resourceType": "Procedure", "id": "t", "status": "completed",
            "subject": {"reference": "urn:uuid:p"}, "performedDateTime": "2024-05",
            "code": {"coding": [{"system": SCT, "code": "234336002"}]}}
    imp = read_bundle(_bundle(hsct), TODAY)
    assert "prior_therapies" not in imp.profile
    assert "unstated type" in _unknown(imp, "prior_therapies")


def test_drug_names_are_recognised_where_no_code_is_mapped():
    """Ponatinib by name (no RxNorm code could be confirmed); a partial end date counts at
    its last day, so the wait since the last dose is never overstated."""
    statement = {"resourceType": "MedicationStatement", "id": "m", "status": "completed",
                 "subject": {"reference": "urn:uuid:p"},
                 "medicationCodeableConcept": {"text": "Iclusig 45 mg tablet"},
                 "effectivePeriod": {"start": "2025-06", "end": "2025-09"}}
    imp = read_bundle(_bundle(statement), TODAY)
    # 2025-09-30 to 2026-02-01: 124 days, 4.07 months
    assert imp.profile["prior_therapies"] == [{"therapy": "ponatinib",
                                               "months_since_last_dose": 4.0}]


@pytest.mark.parametrize(("body", "message"), [
    ({"resourceType": "Patient"}, "the body must be a FHIR Bundle"),
    ([], "the body must be a FHIR Bundle"),
    ({"resourceType": "Bundle"}, "the Bundle breaks FHIR R4"),  # type is required
    ({"resourceType": "Bundle", "type": "collection", "entry": [{"resource": 3}]},
     "the Bundle breaks FHIR R4"),
    (_bundle(patient=None), "the Bundle has no Patient"),
    (_bundle(PATIENT | {"id": "q"}), "the Bundle holds more than one Patient"),
    (_bundle(patient=PATIENT | {"birthDate": "15/06/2010"}), "the Patient resource breaks FHIR R4"),
    (_bundle(patient=PATIENT | {"deceasedDateTime": "2020-01-01"}),
     "the Patient is recorded as deceased"),
])
def test_unreadable_bodies_are_refused_naming_the_problem(body, message):
    """What cannot be one patient's record raises BundleError with a 'where: problem' list."""
    with pytest.raises(BundleError) as caught:
        read_bundle(body, TODAY)
    assert caught.value.message == message
    assert all(": " in e for e in caught.value.errors)


def test_future_birth_date_is_unknown_not_an_error():
    """A birthDate after today gives no age."""
    imp = read_bundle(_bundle(patient=PATIENT | {"birthDate": "2030-01-01"}), date(2026, 1, 1))
    assert "age" not in imp.profile
