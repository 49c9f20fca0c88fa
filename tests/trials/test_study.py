"""One ClinicalTrials.gov API v2 study record becomes a screenable trial (source ctgov)."""

import copy
import json
from pathlib import Path

import pytest

from screener.eligibility import screen
from screener.profile import validate_profile
from screener.trials.study import StudyError, trial_from_study

DATA = Path(__file__).parent / "data"
STUDIES = sorted((DATA / "studies").glob("*.json"))


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def minimal(**eligibility) -> dict:
    """The smallest study record the API could send: an id, a title, an eligibility module."""
    study = {"protocolSection": {"identificationModule": {"nctId": "NCT01234567",
                                                          "briefTitle": "A test study"}}}
    if eligibility:
        study["protocolSection"]["eligibilityModule"] = eligibility
    return study


def outcome(trial, criterion_id: str, profile: dict) -> str:
    result = screen(validate_profile(profile), trial)
    return {c.id: c.outcome for c in result.criteria}[criterion_id]


def leaves(node):
    """Every leaf of a built rule node (for checking which fields a trial tests)."""
    if hasattr(node, "field"):
        yield node
    for child in getattr(node, "children", ()):
        yield from leaves(child)
    if hasattr(node, "child"):
        yield from leaves(node.child)


def test_every_shared_study_becomes_a_trial():
    """All 96 shared records load; every criterion is verbatim, marked for review and explained."""
    assert len(STUDIES) == 96
    for path in STUDIES:
        trial = trial_from_study(load(path))
        assert trial.id == path.stem and trial.source == "ctgov" and trial.title
        assert trial.criteria, path.name
        for c in trial.criteria:
            assert c.text.strip() and c.review is True
            assert c.plain["en"] and "Read automatically" in c.note


def test_eliana_metadata():
    """Titles, phase, status, sponsor, conditions, interventions and sites come through."""
    trial = trial_from_study(load(DATA / "studies" / "NCT02435849.json"))
    assert trial.title.startswith("Determine Efficacy and Safety of CTL019")
    assert trial.official_title.startswith("A Phase II, Single Arm")
    assert trial.acronym == "ELIANA"
    assert trial.phases == ["PHASE2"] and trial.status == "ACTIVE_NOT_RECRUITING"
    assert trial.sponsor == "Novartis Pharmaceuticals"
    assert "Lymphoblastic Leukemia" in trial.conditions
    assert trial.interventions == [{"type": "BIOLOGICAL", "name": "Single dose of CTL019"}]
    assert trial.url == "https://clinicaltrials.gov/study/NCT02435849"
    assert (trial.minimum_age, trial.maximum_age, trial.sex) == ("3 Years", "30 Years", "ALL")


def test_structured_ages_become_the_age_criterion():
    """Registry ages make an inclusion 'age' criterion with the registry's own words."""
    trial = trial_from_study(load(DATA / "studies" / "NCT02435849.json"))
    age = trial.criteria[0]
    assert (age.id, age.kind, age.text) == ("age", "inclusion",
                                            "Minimum Age: 3 Years. Maximum Age: 30 Years.")
    assert outcome(trial, "age", {"age": {"years": 30, "months": 11}}) == "met"
    assert outcome(trial, "age", {"age": {"years": 2, "months": 11}}) == "not_met"
    # The text counts the upper limit at diagnosis ("to age 21 at the time of initial
    # diagnosis"): older today is not excluded unless the age at diagnosis is too.
    assert outcome(trial, "age", {"age": {"years": 31}}) == "unknown"
    assert outcome(trial, "age", {"age": {"years": 31}, "age_at_diagnosis": {"years": 20}}) == "met"
    assert outcome(trial, "age", {"age": {"years": 31},
                                  "age_at_diagnosis": {"years": 31}}) == "not_met"


def test_an_age_limit_counted_at_diagnosis_never_excludes_on_todays_age():
    """NCT02228096: 22 today, diagnosed at 16: the text admits her, so the age is no bar."""
    trial = trial_from_study(load(DATA / "studies" / "NCT02228096.json"))
    assert outcome(trial, "age", {"age": {"years": 22, "months": 5},
                                  "age_at_diagnosis": {"years": 16}}) == "met"
    assert outcome(trial, "age", {"age": {"years": 22}}) == "unknown"
    without = minimal(minimumAge="3 Years", maximumAge="21 Years",
                      eligibilityCriteria="Inclusion Criteria:\n- Relapsed B-ALL")
    assert outcome(trial_from_study(without), "age", {"age": {"years": 22}}) == "not_met"


def test_a_rule_another_item_makes_an_exception_to_goes_to_the_study_team():
    """'No active CNS involvement' beside 'CNS involvement allowed if ...': never excludes."""
    trial = trial_from_study(load(DATA / "studies" / "NCT00004862.json"))
    assert outcome(trial, "inc-4", {"cns_status": "cns3"}) == "not_screened"
    study = minimal(eligibilityCriteria="Inclusion Criteria:\n- No active CNS involvement\n"
                                        "- Adequate performance status")
    assert outcome(trial_from_study(study), "inc-1", {"cns_status": "cns3"}) == "not_met"


UNITS = ["Year", "Years", "Month", "Months", "Week", "Weeks", "Day", "Days",
         "Hour", "Hours", "Minute", "Minutes"]


@pytest.mark.parametrize("unit", UNITS)
def test_every_age_unit_of_the_spec_is_read(unit):
    """Each unit the OpenAPI pattern allows, singular or plural, becomes an age rule."""
    trial = trial_from_study(minimal(minimumAge=f"1 {unit}", maximumAge=f"900 {unit}"))
    age = trial.criteria[0]
    assert age.text == f"Minimum Age: 1 {unit}. Maximum Age: 900 {unit}."
    assert {leaf.op.name for leaf in leaves(age.rule)} == {"age_at_least", "age_at_most"}


def test_month_limits_are_judged_in_completed_months():
    """'6 Months' minimum: 5 completed months is too young, 6 is old enough."""
    trial = trial_from_study(minimal(minimumAge="6 Months"))
    assert trial.criteria[0].text == "Minimum Age: 6 Months."
    assert outcome(trial, "age", {"age": {"years": 0, "months": 5}}) == "not_met"
    assert outcome(trial, "age", {"age": {"years": 0, "months": 6}}) == "met"


def test_days_limit_from_the_corpus():
    """'364 Days' (a real maximum age in the corpus) excludes a two-year-old."""
    trial = trial_from_study(minimal(maximumAge="364 Days"))
    assert outcome(trial, "age", {"age": {"years": 2}}) == "not_met"
    assert outcome(trial, "age", {"age": {"years": 0, "months": 6}}) == "met"


def test_unreadable_age_is_not_screened():
    """An age the spec does not allow ('N/A') gives no age rule rather than a guess."""
    trial = trial_from_study(minimal(minimumAge="N/A", maximumAge="21 Years"))
    assert trial.minimum_age is None and trial.criteria[0].text == "Maximum Age: 21 Years."


def test_sex_comes_from_the_structured_field():
    """sex FEMALE makes a sex criterion a male profile does not meet."""
    trial = trial_from_study(minimal(sex="FEMALE"))
    assert outcome(trial, "sex", {"sex": "male"}) == "not_met"
    assert outcome(trial, "sex", {"sex": "female"}) == "met"
    assert all(c.id != "sex" for c in trial_from_study(minimal(sex="ALL")).criteria)


def test_ages_in_the_text_are_read_and_sex_never_is():
    """A record without structured ages is screened on the ages its text states; sex is not read."""
    trial = trial_from_study(minimal(eligibilityCriteria=(
        "Inclusion Criteria:\n\n* Age 18 years or older\n* Male patients only\n"
        "* Aged 1 to 21 years at diagnosis")))
    fields = {leaf.field.path for c in trial.criteria if c.rule for leaf in leaves(c.rule)}
    assert "sex" not in fields and {"age", "age_at_diagnosis"} <= fields
    seventeen = validate_profile({"profile_version": 1, "age": {"years": 17},
                                  "age_at_diagnosis": {"years": 16}, "sex": "female"})
    assert screen(seventeen, trial).verdict == "not_eligible"


def test_the_registry_structured_age_wins_over_a_text_that_disagrees():
    """NCT02523976: text 18-60, registry 18-55 -- a 58-year-old is left to the study team."""
    trial = trial_from_study(minimal(
        minimumAge="18 Years", maximumAge="55 Years",
        eligibilityCriteria="Inclusion Criteria:\n\n* Age 18-60 years"))
    text_age = next(c for c in trial.criteria if c.id != "age")
    fifty_eight = validate_profile({"profile_version": 1, "age": {"years": 58}})
    result = screen(fifty_eight, trial)
    outcome = next(r for r in result.criteria if r.id == text_age.id).outcome
    assert outcome == "not_screened"
    # in the band where the text is wider, the registry's limit does not exclude either
    assert result.verdict != "not_eligible"
    sixty_two = validate_profile({"profile_version": 1, "age": {"years": 62}})
    assert screen(sixty_two, trial).verdict == "not_eligible"


def test_sites_keep_status_zip_and_geopoint():
    """Sites keep their status, ZIP and the registry's coordinates when it sends them."""
    study = load(DATA / "responses" / "aact-fixture-NCT00763412.json")
    site = trial_from_study(study).sites[0]
    assert site["zip"] == "63110" and site["city"] == "Saint Louis"
    assert (site["lat"], site["lon"]) == (38.62727, -90.19789)
    assert "geocoded_from_zip" not in site


def test_sites_without_geopoint_are_geocoded_from_zip():
    """A US site with only a ZIP (or ZIP+4) gets its ZIP's coordinates; others get none."""
    study = minimal()
    study["protocolSection"]["contactsLocationsModule"] = {"locations": [
        {"facility": "Stanford", "status": "RECRUITING", "zip": "94304",
         "country": "United States"},
        {"facility": "Michigan", "zip": "48109-2800", "country": "United States"},
        {"facility": "Frankfurt", "zip": "60590", "country": "Germany"},
        {"facility": "Nowhere", "zip": "00000", "country": "United States"},
    ]}
    stanford, michigan, frankfurt, nowhere = trial_from_study(study).sites
    assert stanford["status"] == "RECRUITING" and stanford["geocoded_from_zip"]
    assert stanford["lat"] == pytest.approx(37.4, abs=0.2)
    assert stanford["lon"] == pytest.approx(-122.15, abs=0.2)
    assert michigan["lat"] == pytest.approx(42.28, abs=0.1)
    assert "lat" not in frankfurt and "lat" not in nowhere


@pytest.mark.parametrize("name", ["aact-fixture-NCT00763412.json",
                                  "biomcp-get_nct02576665_20260811.json"])
def test_single_study_body_shape(name):
    """The body of /studies/{nctId} reads like an element of studies[]."""
    study = load(DATA / "responses" / name)
    trial = trial_from_study(study)
    assert trial.id == study["protocolSection"]["identificationModule"]["nctId"]
    assert trial.criteria[0].id == "age"


def test_page_elements_read():
    """Each element of a real /studies page (with and without a fields list) reads."""
    for name in ("kylevogelersource-sampleResponse.json",
                 "biomcp-search_melanoma_recruiting_limit3_20260811.json",
                 "biomcp-search_phelan_limit5_20260811.json"):
        for study in load(DATA / "responses" / name)["studies"]:
            assert trial_from_study(study).source == "ctgov"


def test_missing_optional_modules_are_tolerated():
    """A record with only its id still reads: no criteria, no sites, title falls back to the id."""
    trial = trial_from_study({"protocolSection": {"identificationModule": {
        "nctId": "NCT07654321"}}})
    assert (trial.id, trial.title, trial.criteria, trial.sites) == (
        "NCT07654321", "NCT07654321", [], [])


def test_unknown_new_fields_are_ignored():
    """Fields the API adds later (new modules, new keys, odd types) do not break reading."""
    study = copy.deepcopy(load(DATA / "studies" / "NCT02435849.json"))
    section = study["protocolSection"]
    section["futureModule"] = {"anything": [1, 2, 3]}
    section["eligibilityModule"]["newField"] = {"x": 1}
    section["contactsLocationsModule"]["locations"].append("not an object")
    section["designModule"]["phases"].append(None)
    study["annotationSection"] = {"new": True}
    before = trial_from_study(load(DATA / "studies" / "NCT02435849.json"))
    after = trial_from_study(study)
    assert [c.text for c in after.criteria] == [c.text for c in before.criteria]
    assert after.phases == ["PHASE2"] and len(after.sites) == len(before.sites)


@pytest.mark.parametrize(("document", "words"), [
    ([], "JSON object"),
    ({"studies": [], "totalCount": 0}, "page of search results"),
    ({"protocolSection": {"identificationModule": {}}}, "nctId"),
    ({"protocolSection": {"identificationModule": {"nctId": "12345"}}}, "nctId"),
    ({"hello": "world"}, "protocolSection"),
])
def test_not_a_study_record(document, words):
    """Documents that are not one study record raise StudyError saying what is wrong."""
    with pytest.raises(StudyError, match=words):
        trial_from_study(document)


def test_a_heading_that_names_a_later_phase_is_no_entry_requirement():
    """NCT00002514 'Postinduction therapy: creatinine clearance >= 60': not asked at entry."""
    trial = trial_from_study(load(DATA / "studies" / "NCT00002514.json"))
    low = {"organ_function": {"creatinine_clearance_ml_min": 45}}
    texts = {c.id: c.text for c in trial.criteria}
    assert "Postinduction therapy" in texts["inc-15"]
    assert outcome(trial, "inc-15", low) == "not_screened"


@pytest.mark.parametrize(("profile", "expected"), [
    ({"diagnosis": "t_all", "disease_status": "refractory", "relapse_count": 0}, "not_met"),
    ({"diagnosis": "b_all", "disease_status": "newly_diagnosed"}, "not_met"),
    ({"diagnosis": "b_all", "disease_status": "relapsed", "relapse_count": 2}, "not_screened"),
    ({"diagnosis": "b_all"}, "unknown"),
])
def test_a_head_that_defines_its_list_is_required_of_everyone(profile, expected):
    """NCT02650414 'Relapsed or refractory B-cell ALL: 1. ... OR 5. ...': no T-ALL, no new case."""
    trial = trial_from_study(load(DATA / "studies" / "NCT02650414.json"))
    assert outcome(trial, "inc-2", profile) == expected


def test_a_head_with_another_setting_in_its_list_is_not_required():
    """When the list goes beyond the head ('... : newly diagnosed ...'), nothing is required."""
    study = minimal(eligibilityCriteria=(
        "Inclusion Criteria:\n- Relapsed or refractory B-cell ALL defined as one of the "
        "following: 1. second relapse OR 2. newly diagnosed with persistent MRD"))
    trial = trial_from_study(study)
    assert outcome(trial, "inc-1", {"diagnosis": "b_all",
                                    "disease_status": "newly_diagnosed"}) != "not_met"
