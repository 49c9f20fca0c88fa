"""FHIR out (screener/fhir/writer.py): a profile and its screening as an R4 Bundle, valid
by the R4B models, and read back by the importer into the same profile for every field
FHIR can hold; every other field comes back unknown, never invented."""

import json
from pathlib import Path

import pytest
from fhir.resources.R4B import get_fhir_model_class
from fhir_data import OWN, TODAY, load
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from screener.eligibility import screen
from screener.fhir import matching, read_bundle
from screener.fhir.reader import FIELDS, _get
from screener.fhir.writer import EXT_DERIVED_DATE, FHIR_FIELDS, fhir_part, write_bundle
from screener.profile import profile_schema, validate_profile

PROFILES = Path(__file__).parent.parent / "data" / "example_profiles"
SCHEMA = profile_schema()["properties"]


def _valid_fhir(bundle: dict) -> None:
    get_fhir_model_class("Bundle").model_validate(bundle)
    for entry in bundle["entry"]:
        resource = entry["resource"]
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)


def _round_trip(profile: dict):
    bundle = write_bundle(profile, TODAY)
    _valid_fhir(bundle)
    imported = read_bundle(json.loads(json.dumps(bundle)), TODAY)
    expected = fhir_part(profile, TODAY)
    assert imported.profile == expected
    unknown = {u["field"] for u in imported.unknown}
    for name in FIELDS:  # what did not survive is reported unknown, not guessed
        if _get(expected, name) is None:
            assert name in unknown, name
    return imported


def _examples():
    return [json.loads(p.read_text()) for p in sorted(PROFILES.glob("*.json"))]


@pytest.mark.parametrize("profile", _examples(), ids=lambda p: str(sorted(p))[:40])
def test_the_example_profiles_round_trip(profile):
    _round_trip(profile)


def test_the_fields_fhir_can_hold_are_listed_and_are_profile_fields():
    assert set(f.partition(".")[0] for f in FHIR_FIELDS) <= set(SCHEMA)
    assert set(FHIR_FIELDS) - {"profile_version"} <= set(FIELDS)


def test_a_rich_profile_keeps_every_field_fhir_can_hold():
    profile = {
        "profile_version": 1, "age": {"years": 34, "months": 2}, "sex": "female",
        "age_at_diagnosis": {"years": 33, "months": 10}, "diagnosis": "b_all",
        "disease_status": "relapsed", "in_remission": False, "marrow_blasts_percent": 42.5,
        "wbc_at_diagnosis_per_ul": 123456, "philadelphia_chromosome": "negative",
        "cd19": "positive", "cd22": "negative",
        "prior_therapies": [{"therapy": "blinatumomab", "months_since_last_dose": 3.4},
                            {"therapy": "allogeneic_hsct", "months_since_last_dose": 12.0},
                            {"therapy": "asparaginase"}],
        "active_gvhd": True, "performance_status": {"scale": "karnofsky", "score": 70},
        "down_syndrome": True, "seizure_disorder": True, "pregnant_or_breastfeeding": False,
        "infections": {"hiv": True, "hepatitis_b": True, "hepatitis_c": True},
    }
    validate_profile(profile)
    assert fhir_part(profile, TODAY) == profile
    _round_trip(profile)


def test_what_fhir_cannot_hold_is_left_out_not_invented():
    profile = {
        "profile_version": 1, "age": {"years": 9}, "diagnosis": "t_all",
        "early_t_precursor": True, "disease_status": "refractory", "in_remission": False,
        "relapse_count": 1, "mrd": {"status": "positive", "level": 0.01},
        "genetics": {"kmt2a_rearranged": True}, "cns_status": "cns1",
        "prior_therapies": [{"therapy": "blinatumomab"}, {"therapy": "anthracycline"}],
        "active_gvhd": False, "infections": {"hiv": False, "uncontrolled_infection": False},
        "organ_function": {"lvef_percent": 60}, "location": {"zip": "02115"},
    }
    validate_profile(profile)
    imported = _round_trip(profile)
    assert imported.profile == {"profile_version": 1, "age": {"years": 9},
                                "in_remission": False}


def test_the_birth_date_is_marked_as_derived():
    bundle = write_bundle({"profile_version": 1, "age": {"years": 40, "months": 1}}, TODAY)
    patient = bundle["entry"][0]["resource"]
    assert patient["_birthDate"]["extension"][0]["url"] == EXT_DERIVED_DATE


def test_a_screening_is_exported_with_a_research_subject_per_trial(app):
    with app.app_context():
        from screener.trials.catalog import catalog

        imported = read_bundle(load("own/child_relapsed_b_all_after_blinatumomab.json"), TODAY)
        results = [screen(imported.profile, t) for t in catalog().all()[:5]]
    bundle = write_bundle(imported.profile, TODAY, results)
    _valid_fhir(bundle)
    subjects = [e["resource"] for e in bundle["entry"]
                if e["resource"]["resourceType"] == "ResearchSubject"]
    assert [s["study"]["identifier"]["value"] for s in subjects] == [r.trial.id for r in results]
    for subject, result in zip(subjects, results, strict=True):
        assert subject["status"] == "candidate"
        assert subject["individual"] == {"reference": "Patient/patient"}
        verdict = subject["extension"][0]
        assert verdict["url"] == matching.EXT_VERDICT
        assert verdict["extension"][0] == {"url": "verdict", "valueCode": result.verdict}
    # the ResearchSubjects are not read back as anything
    assert read_bundle(bundle, TODAY).profile == fhir_part(imported.profile, TODAY)


@pytest.mark.parametrize("path", sorted(p.name for p in OWN.glob("*.json")))
def test_our_own_bundles_survive_import_export_import(path):
    """FHIR -> profile -> FHIR -> profile: the second import keeps what FHIR can hold."""
    first = read_bundle(load(f"own/{path}"), TODAY).profile
    _round_trip(first)


def _opt(strategy):
    return st.one_of(st.none(), strategy)


AGE = st.builds(lambda y, m: {"years": y} if m is None else {"years": y, "months": m},
                st.integers(0, 90), _opt(st.integers(0, 11)))
THERAPY = st.builds(
    lambda t, m, o: {"therapy": t, **({} if m is None else {"months_since_last_dose": m}),
                     **({} if o is None else {"outcome": o})},
    st.sampled_from(SCHEMA["prior_therapies"]["items"]["properties"]["therapy"]["enum"]),
    _opt(st.integers(0, 600).map(lambda n: n / 10)),
    _opt(st.sampled_from(["responded", "refractory", "intolerant"])))


@st.composite
def profiles(draw):
    p = {"profile_version": 1}
    fields = {
        "age": AGE, "sex": st.sampled_from(["female", "male"]),
        "diagnosis": st.sampled_from(SCHEMA["diagnosis"]["enum"]),
        "disease_status": st.sampled_from(SCHEMA["disease_status"]["enum"]),
        "in_remission": st.booleans(), "marrow_blasts_percent": st.integers(0, 1000).map(
            lambda n: n / 10),
        "wbc_at_diagnosis_per_ul": st.integers(0, 900_000),
        "philadelphia_chromosome": st.sampled_from(["positive", "negative"]),
        "cd19": st.sampled_from(["positive", "negative"]),
        "cd22": st.sampled_from(["positive", "negative"]),
        "prior_therapies": st.lists(THERAPY, max_size=4),
        "active_gvhd": st.booleans(), "down_syndrome": st.booleans(),
        "seizure_disorder": st.booleans(), "pregnant_or_breastfeeding": st.booleans(),
        "performance_status": st.one_of(
            st.builds(lambda s: {"scale": "ecog", "score": s}, st.integers(0, 4)),
            st.builds(lambda s: {"scale": "karnofsky", "score": s * 10}, st.integers(1, 10)),
            st.builds(lambda s: {"scale": "lansky", "score": s * 10}, st.integers(1, 10))),
        "relapse_count": st.integers(0, 3), "cns_status": st.sampled_from(["cns1", "cns3"]),
    }
    for name, strategy in fields.items():
        value = draw(_opt(strategy))
        if value is not None:
            p[name] = value
    if "age" in p and draw(st.booleans()):
        total = p["age"]["years"] * 12 + p["age"].get("months", 0)
        months = draw(st.integers(0, total))
        p["age_at_diagnosis"] = ({"years": months // 12, "months": months % 12}
                                 if draw(st.booleans()) else {"years": months // 12})
    infections = {k: draw(st.booleans()) for k in ("hiv", "hepatitis_b", "hepatitis_c",
                                                   "uncontrolled_infection")
                  if draw(st.booleans())}
    if infections:
        p["infections"] = infections
    return p


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profiles())
def test_generated_profiles_round_trip(profile):
    validate_profile(profile)
    _round_trip(profile)
