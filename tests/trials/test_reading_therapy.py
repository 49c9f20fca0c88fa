"""Therapy, finding and age readings of issue 7, each on registry wording.

Every test screens a profile against a study record built from the text (the way a
ClinicalTrials.gov record reaches the screener), so what is asserted is the outcome a
patient would see: an exception inside a class of therapies, a lab limit that a named
cause lifts, a wait we cannot count, an age for two groups of people.
"""

import pytest
from reading_outcome import had, outcome, study

from screener.eligibility import screen
from screener.profile import validate_profile
from screener.trials.study import trial_from_study


# ------------------------------------------------------------------ exceptions in a class
@pytest.mark.parametrize("item", [
    "Prior CD19-directed therapy other than blinatumomab",
    "Prior treatment with any anti-CD19 therapy other than blinatumomab",
    "Prior CD19-directed therapy, with the exception of blinatumomab",
])
def test_a_class_without_the_drug_it_excepts(item):
    """Blinatumomab alone does not exclude; a CD19 CAR-T does."""
    assert outcome("Exclusion", item, had("blinatumomab")) == "met"
    assert outcome("Exclusion", item, had("cd19_car_t")) == "not_met"


def test_an_excepted_product_leaves_the_rest_of_its_class_to_the_study_team():
    """'Any prior CAR-T therapy except tisagenlecleucel': another CD19 CAR-T may be it or not."""
    item = "Any prior CAR-T therapy except tisagenlecleucel"
    assert outcome("Exclusion", item, had("cd19_car_t")) == "not_screened"
    assert outcome("Exclusion", item, had("cd22_car_t")) == "not_met"
    assert outcome("Exclusion", item, had("multiagent_chemotherapy")) == "met"


def test_any_tki_other_than_imatinib():
    """Imatinib is allowed, dasatinib is not."""
    item = "Prior treatment with any TKI other than imatinib"
    assert outcome("Exclusion", item, had("imatinib")) == "met"
    assert outcome("Exclusion", item, had("dasatinib")) == "not_met"


def test_an_exception_that_names_no_therapy_is_left_to_the_study_team():
    """'other than as part of this study' is no drug: the criterion is not read."""
    item = "Prior treatment with inotuzumab, other than as part of this study"
    assert outcome("Exclusion", item, had("inotuzumab_ozogamicin")) == "not_screened"


# ------------------------------------------------------------------ names and classes
@pytest.mark.parametrize(("item", "therapy"), [
    ("Prior treatment with obecabtagene autoleucel (obe-cel)", "cd19_car_t"),
    ("Prior treatment with Aucatzyl", "cd19_car_t"),
    ("Prior CD22-directed CAR T-cell therapy", "cd22_car_t"),
    ("Prior treatment with a second-generation TKI", "dasatinib"),
])
def test_brand_and_class_names_of_prior_therapies(item, therapy):
    """Brand names, short names and TKI generations are the profile's therapies."""
    assert outcome("Exclusion", item, had(therapy)) == "not_met"
    assert outcome("Exclusion", item, had("multiagent_chemotherapy")) == "met"


def test_second_generation_tki_is_not_imatinib():
    """Imatinib is a first-generation TKI: it does not exclude from a second-generation limit."""
    item = "Prior treatment with a second-generation TKI"
    assert outcome("Exclusion", item, had("imatinib")) == "met"


def test_asciminib_as_a_third_generation_tki_is_for_the_study_team():
    """Ponatinib is third-generation; whether asciminib counts, the study team says."""
    item = "Prior treatment with a third-generation TKI"
    assert outcome("Exclusion", item, had("ponatinib")) == "not_met"
    assert outcome("Exclusion", item, had("asciminib")) == "not_screened"


# ------------------------------------------------------------------ waits
@pytest.mark.parametrize("item", [
    "At least 3 half-lives must have elapsed since prior therapy that included a monoclonal "
    "antibody with the exception of blinatumomab",
    "Washout of 5 half-lives from any investigational agent",
])
def test_a_wait_in_half_lives_is_never_a_requirement_to_have_had_the_drug(item):
    """Someone who never had an antibody is not ruled out by a washout in half-lives."""
    assert outcome("Inclusion", item, had("multiagent_chemotherapy")) == "not_screened"


# ------------------------------------------------------------------ liver tests
@pytest.mark.parametrize("item", [
    "Bilirubin <= 2 x ULN unless due to leukemia",
    "Total bilirubin ≤ 1.5 × ULN (unless the patient has Gilbert's syndrome)",
    "AST and ALT ≤ 3 × ULN (≤ 5 × ULN if due to leukemic involvement)",
    "ALT/AST <= 2.5 x ULN unless considered due to leukemic involvement",
])
def test_a_liver_limit_a_named_cause_lifts_never_rules_out_alone(item):
    """Within the limit it is met; beyond it the study team checks the cause."""
    within = {"organ_function": {"bilirubin_x_uln": 1, "alt_x_uln": 1, "ast_x_uln": 1}}
    beyond = {"organ_function": {"bilirubin_x_uln": 4, "alt_x_uln": 8, "ast_x_uln": 8}}
    assert outcome("Inclusion", item, within) == "met"
    assert outcome("Inclusion", item, beyond) == "not_screened"


@pytest.mark.parametrize("item", [
    "Total bilirubin > 3 times ULN unless due to Gilbert's syndrome",
    "ALT or AST > 5 x ULN unless due to leukemia",
])
def test_a_liver_exclusion_a_named_cause_lifts_never_excludes_alone(item):
    """A value within clears the exclusion; a value beyond goes to the study team."""
    within = {"organ_function": {"bilirubin_x_uln": 1, "alt_x_uln": 1, "ast_x_uln": 1}}
    beyond = {"organ_function": {"bilirubin_x_uln": 4, "alt_x_uln": 8, "ast_x_uln": 8}}
    assert outcome("Exclusion", item, within) == "met"
    assert outcome("Exclusion", item, beyond) == "not_screened"


def test_an_exception_to_a_heart_limit_is_not_read_as_a_liver_one():
    """'LVEF >= 45% (unless due to leukemia)': the cause is not one that lifts a heart limit."""
    item = "Creatinine clearance >= 60 mL/min; LVEF >= 45% (unless due to leukemia)"
    assert outcome("Inclusion", item, {"organ_function": {"creatinine_clearance_ml_min": 90,
                                                          "lvef_percent": 60}}) != "not_met"


@pytest.mark.parametrize("item", [
    "eGFR >= 60 mL/min/1.73m2",
    "Estimated glomerular filtration rate >= 60 mL/min",
    "Creatinine clearance or eGFR >= 60 mL/min/1.73 m2",
])
def test_an_estimated_gfr_is_the_kidney_function_the_profile_holds(item):
    """A clearance of 40 mL/min is below a GFR limit of 60; 90 is above it."""
    assert outcome("Inclusion", item, {"organ_function": {
        "creatinine_clearance_ml_min": 40}}) == "not_met"
    assert outcome("Inclusion", item, {"organ_function": {
        "creatinine_clearance_ml_min": 90}}) == "met"


def test_limits_joined_by_comma_and_are_all_required():
    """'Total bilirubin <= 1.5 x ULN for age, and ALT <= 5 x ULN for age': both, each for age."""
    item = "Total bilirubin <= 1.5 x ULN for age, and ALT <= 5 x ULN for age"
    assert outcome("Inclusion", item, {"organ_function": {"bilirubin_x_uln": 1,
                                                          "alt_x_uln": 7}}) == "not_met"
    assert outcome("Inclusion", item, {"organ_function": {"bilirubin_x_uln": 1,
                                                          "alt_x_uln": 2}}) == "met"


# ------------------------------------------------------------------ infections
@pytest.mark.parametrize("item", [
    "Active uncontrolled bacterial, fungal or viral infection",
    "Any uncontrolled active systemic infection",
    "Ongoing uncontrolled infection",
    "Uncontrolled infection (bacterial, viral or fungal)",
    "Any active uncontrolled infection, including fungal, bacterial, or viral infection",
    "Systemic fungal, bacterial, viral or other infection not controlled (defined as exhibiting "
    "ongoing signs/symptoms related to the infection and without improvement, despite "
    "appropriate antibiotics or other treatment)",
])
def test_an_uncontrolled_infection_in_its_wordings_excludes(item):
    """An uncontrolled infection excludes; none clears the criterion."""
    assert outcome("Exclusion", item, {"infections": {"uncontrolled_infection": True}}) == \
        "not_met"
    assert outcome("Exclusion", item, {"infections": {"uncontrolled_infection": False}}) == "met"


@pytest.mark.parametrize("item", [
    "Severe uncontrolled infection",
    "Uncontrolled infection requiring intravenous antibiotics",
])
def test_an_uncontrolled_infection_said_to_be_more_never_excludes_alone(item):
    """'Severe', 'requiring IV antibiotics': an uncontrolled infection goes to the study team."""
    assert outcome("Exclusion", item, {"infections": {"uncontrolled_infection": True}}) == \
        "not_screened"


@pytest.mark.parametrize("item", [
    "Active infection requiring systemic therapy",
    "Uncontrolled or active bacterial, viral, or fungal infection",
])
def test_an_active_infection_needing_treatment_excludes_the_uncontrolled_one(item):
    """An uncontrolled infection surely is one; a controlled one is for the study team."""
    assert outcome("Exclusion", item, {"infections": {"uncontrolled_infection": True}}) == \
        "not_met"
    assert outcome("Exclusion", item, {"infections": {"uncontrolled_infection": False}}) == \
        "not_screened"


@pytest.mark.parametrize("item", [
    "Known HIV/AIDS",
    "HIV infection (testing not required)",
    "Known acquired immunodeficiency syndrome (AIDS)",
])
def test_hiv_in_more_wordings(item):
    """HIV excludes; no HIV clears it."""
    assert outcome("Exclusion", item, {"infections": {"hiv": True}}) == "not_met"
    assert outcome("Exclusion", item, {"infections": {"hiv": False}}) == "met"


def test_no_aids_is_not_no_hiv():
    """'No known AIDS' as a requirement: someone with HIV (not AIDS) is not ruled out."""
    assert outcome("Inclusion", "No known AIDS", {"infections": {"hiv": True}}) != "not_met"


@pytest.mark.parametrize(("item", "field"), [
    ("Active hepatitis C (HCV RNA positive)", "hepatitis_c"),
    ("Detectable HCV RNA", "hepatitis_c"),
    ("HBV DNA positive", "hepatitis_b"),
    ("Known active hepatitis B (HBsAg positive) or hepatitis C (HCV RNA positive)", "hepatitis_c"),
    ("Known HIV infection, or active hepatitis B (HBsAg positive or HBV DNA detectable) or "
     "hepatitis C (HCV RNA detectable)", "hepatitis_b"),
])
def test_the_virus_in_the_blood_is_active_hepatitis(item, field):
    """An HCV RNA or HBV DNA that is positive is active hepatitis: it excludes."""
    assert outcome("Exclusion", item, {"infections": {field: True}}) == "not_met"
    assert outcome("Exclusion", item, {"infections": {"hiv": False, "hepatitis_b": False,
                                                      "hepatitis_c": False}}) == "met"


def test_a_surface_antigen_alone_may_be_a_carrier():
    """'Hepatitis B (HBsAg positive)': active hepatitis B excludes; no active one is for the team."""
    item = "Hepatitis B (HBsAg positive)"
    assert outcome("Exclusion", item, {"infections": {"hepatitis_b": True}}) == "not_met"
    assert outcome("Exclusion", item, {"infections": {"hepatitis_b": False}}) == "not_screened"


def test_a_past_infection_antibody_is_not_read():
    """'Hepatitis B core antibody positive' is a past infection the profile does not hold."""
    item = "Hepatitis B core antibody positive"
    assert outcome("Exclusion", item, {"infections": {"hepatitis_b": True}}) == "not_screened"


# ------------------------------------------------------------------ whom a requirement is for
@pytest.mark.parametrize("item", [
    "Ph+ patients must have failed bosutinib",
    "Ph+ patients must have received a TKI-containing regimen for at least 2 cycles",
    "CD19+ patients must have had a response to prior blinatumomab therapy",
])
def test_the_people_a_requirement_is_for_are_never_required_of_everyone(item):
    """A Ph-negative (CD19-negative) patient is not ruled out by what Ph+ patients must have."""
    profile = {"philadelphia_chromosome": "negative", "cd19": "negative",
               "prior_therapies": [{"therapy": "blinatumomab", "months_since_last_dose": 3}]}
    assert outcome("Inclusion", item, profile) != "not_met"


def test_what_ph_positive_patients_must_have_failed_is_for_them():
    """'Ph+ patients must have failed at least one second-generation TKI': Ph- passes, Ph+ with
    imatinib only does not."""
    item = "Ph+ patients must have failed at least one second-generation TKI"
    assert outcome("Inclusion", item, {"philadelphia_chromosome": "negative",
                                       "prior_therapies": []}) == "met"
    assert outcome("Inclusion", item, {"philadelphia_chromosome": "positive",
                                       **had("imatinib")}) == "not_met"


# ------------------------------------------------------------------ GVHD, anthracycline dose
def test_immunosuppression_for_gvhd_raises_the_question_of_active_gvhd():
    """'Patients receiving immunosuppression for GVHD': active GVHD goes to the study team,
    none clears it; a window ('within 4 weeks') is not read."""
    item = "Patients receiving immunosuppression for GVHD"
    assert outcome("Exclusion", item, {"active_gvhd": True}) == "not_screened"
    assert outcome("Exclusion", item, {"active_gvhd": False}) == "met"
    windowed = "Patients receiving systemic immunosuppressive therapy for GVHD within 4 weeks"
    assert outcome("Exclusion", windowed, {"active_gvhd": False}) == "not_screened"


@pytest.mark.parametrize("item", [
    "Cumulative anthracycline dose > 400 mg/m2",
    "Prior anthracycline exposure of > 300 mg/m2 doxorubicin equivalent",
])
def test_a_cumulative_anthracycline_limit_clears_those_who_never_had_one(item):
    """Never an anthracycline: clear. Some anthracycline: the dose is the study team's."""
    assert outcome("Exclusion", item, had("multiagent_chemotherapy")) == "met"
    assert outcome("Exclusion", item, had("anthracycline")) == "not_screened"


def test_a_cumulative_anthracycline_maximum_as_a_requirement():
    """'Cumulative anthracycline exposure <= 360 mg/m2': never ruled out on the dose alone."""
    item = "Cumulative anthracycline exposure <= 360 mg/m2 doxorubicin equivalent"
    assert outcome("Inclusion", item, had("multiagent_chemotherapy")) == "met"
    assert outcome("Inclusion", item, had("anthracycline")) == "not_screened"


# ------------------------------------------------------------------ ages of two groups
@pytest.mark.parametrize("item", [
    "Children 1-17 years and adults 18-25 years",
    "Pediatric patients aged 1 to 17 years and adult patients aged 18 to 39 years",
    "Age 1 to 21 years (Part 1) and 1 to 30 years (Part 2)",
])
def test_two_age_groups_take_either(item):
    """A 20-year-old fits the second group; a 50-year-old fits neither."""
    assert outcome("Inclusion", item, {"age": {"years": 20, "months": 0}}) == "met"
    assert outcome("Inclusion", item, {"age": {"years": 50, "months": 0}}) == "not_met"


def test_two_limits_sharing_one_unit():
    """'>= 1 and <= 30 years of age': an infant of 6 months is below it."""
    item = "Patients must be >= 1 and <= 30 years of age at time of enrollment"
    assert outcome("Inclusion", item, {"age": {"years": 0, "months": 6}}) == "not_met"
    assert outcome("Inclusion", item, {"age": {"years": 12, "months": 0}}) == "met"


# ------------------------------------------------------------------ outcomes, lists, regimens
@pytest.mark.parametrize("item", [
    "Intolerant or resistant to dasatinib or nilotinib",
    "Resistance or intolerance to at least one prior second-generation TKI",
])
def test_resistant_or_intolerant_takes_either_outcome(item):
    """Intolerance of nilotinib meets it; imatinib alone does not."""
    nilotinib = {"prior_therapies": [{"therapy": "nilotinib", "months_since_last_dose": 2,
                                      "outcome": "intolerant"}]}
    imatinib = {"prior_therapies": [{"therapy": "imatinib", "months_since_last_dose": 2,
                                     "outcome": "refractory"}]}
    assert outcome("Inclusion", item, nilotinib) == "met"
    assert outcome("Inclusion", item, imatinib) == "not_met"


def test_a_window_before_or_belongs_to_the_transplant_not_the_gvhd():
    """'Prior allogeneic transplant within 6 months or active GVHD': either one excludes."""
    item = "Prior allogeneic transplant within 6 months or active GVHD"
    assert outcome("Exclusion", item, {"active_gvhd": True, **had("allogeneic_hsct", months=20)}) \
        == "not_met"
    assert outcome("Exclusion", item, {"active_gvhd": False, **had("allogeneic_hsct", months=2)}) \
        == "not_met"


@pytest.mark.parametrize(("item", "therapy"), [
    ("Prior exposure to asparaginase-containing regimens", "asparaginase"),
    ("Prior clofarabine-containing regimen", "clofarabine"),
    ("Prior anti-CD20 therapy", "rituximab"),
    ("Prior anti-CD38 monoclonal antibody therapy", "daratumumab"),
    ("Prior treatment with a proteasome inhibitor", "bortezomib"),
])
def test_regimens_and_classes_with_one_profile_member(item, therapy):
    """The profile's member of the class (or the drug of the regimen) excludes."""
    assert outcome("Exclusion", item, had(therapy)) == "not_met"
    assert outcome("Exclusion", item, had("multiagent_chemotherapy")) == "met"


def test_a_complication_of_a_drug_asks_only_those_who_had_it():
    """'Previous history of pancreatitis related to asparaginase': no asparaginase, clear."""
    item = "Previous history of pancreatitis related to asparaginase"
    assert outcome("Exclusion", item, had("blinatumomab")) == "met"
    assert outcome("Exclusion", item, had("asparaginase")) == "not_screened"


# ------------------------------------------------------------------ pregnancy
@pytest.mark.parametrize("item", [
    "Is pregnant or breastfeeding or planning to become pregnant during the study",
    "Women who are pregnant or breastfeeding, or who plan to become pregnant within 12 months",
    "Female subjects who are pregnant, breastfeeding, or of childbearing potential not using "
    "effective contraception",
    "Pregnancy (positive serum or urine pregnancy test) or breastfeeding",
    "Currently pregnant or lactating, or planning pregnancy",
])
def test_pregnancy_beside_a_plan_or_contraception_still_excludes(item):
    """Pregnant or breastfeeding excludes; the plan or contraception part is the study team's."""
    assert outcome("Exclusion", item, {"pregnant_or_breastfeeding": True}) == "not_met"
    assert outcome("Exclusion", item, {"pregnant_or_breastfeeding": False}) == "met"


# ------------------------------------------------------------------ seizures, CNS disorders
@pytest.mark.parametrize("item", [
    "Known CNS disorders such as seizure disorder, cerebrovascular ischemia/hemorrhage, dementia",
    "Presence of CNS pathology including seizure disorder",
    "Pre-existing CNS disorder",
])
def test_a_cns_disorder_with_examples_asks_those_with_one(item):
    """A brain disease goes to the study team (which kind, they say); none clears it."""
    assert outcome("Exclusion", item, {"seizure_disorder": True}) == "not_screened"
    assert outcome("Exclusion", item, {"seizure_disorder": False}) == "met"


def test_examples_beside_leukemia_in_the_cns_are_not_read_as_one_list():
    """'... such as seizure disorder, or CNS involvement': the list holds another condition."""
    item = "Presence of CNS disorder, such as seizure disorder, dementia, or CNS involvement"
    assert outcome("Exclusion", item, {"seizure_disorder": False, "cns_status": "cns3"}) != "met"


@pytest.mark.parametrize("item", [
    "Patients with known HIV infection are ineligible because of the increased risk of lethal "
    "infections when treated with marrow-suppressive therapy",
    "HIV 1/2 antibody positive",
    "Positive for human immunodeficiency virus (HIV) antibody",
])
def test_hiv_in_cooperative_group_wordings(item):
    """HIV excludes (the reason after 'because' adds no condition); no HIV clears it."""
    assert outcome("Exclusion", item, {"infections": {"hiv": True}}) == "not_met"
    assert outcome("Exclusion", item, {"infections": {"hiv": False, "hepatitis_b": False,
                                                      "hepatitis_c": False}}) == "met"


def test_a_reason_that_opens_a_sentence_is_not_cut_from_what_follows():
    """'Because ... breastfeeding should be discontinued if ...': no exclusion of breastfeeding."""
    item = ("Pregnant women are excluded from this study because many of the agents used have "
            "potential for teratogenic effects. Because there is an unknown but potential risk of "
            "adverse events in nursing infants, breastfeeding should be discontinued if the mother "
            "is enrolled.")
    assert outcome("Exclusion", item, {"pregnant_or_breastfeeding": True}) == "not_screened"


def test_infectious_hepatitis_type_b_or_c():
    """'Known positive for HIV or infectious hepatitis, type B or C' (COG): HIV or hepatitis B
    excludes; without either, whether a past hepatitis counts is for the study team."""
    item = "Known positive for HIV or infectious hepatitis, type B or C"
    assert outcome("Exclusion", item, {"infections": {"hiv": True}}) == "not_met"
    assert outcome("Exclusion", item, {"infections": {"hiv": False, "hepatitis_b": True,
                                                      "hepatitis_c": False}}) == "not_met"
    assert outcome("Exclusion", item, {"infections": {"hiv": False, "hepatitis_b": False,
                                                      "hepatitis_c": False}}) == "not_screened"


def test_a_transplant_heading_over_its_wait():
    """'Stem cell transplant or rescue: At least 3 months must have elapsed since HSCT and no
    evidence of active GVHD': a transplant 1 month ago rules out, one 2 years ago does not."""
    item = ("Stem cell transplant or rescue: At least 3 months must have elapsed since HSCT and no "
            "evidence of active GVHD")
    assert outcome("Inclusion", item, {"active_gvhd": False,
                                       **had("allogeneic_hsct", months=1)}) == "not_met"
    assert outcome("Inclusion", item, {"active_gvhd": False,
                                       **had("allogeneic_hsct", months=24)}) == "met"


def test_a_karnofsky_score_of_a_range():
    """'ECOG 0 to 2, or Karnofsky score of 60-100%': Karnofsky 70 meets it, 40 does not."""
    item = "ECOG performance status of 0 to 2, or Karnofsky score of 60-100%"
    assert outcome("Inclusion", item, {"performance_status": {"scale": "karnofsky",
                                                              "score": 70}}) == "met"
    assert outcome("Inclusion", item, {"performance_status": {"scale": "karnofsky",
                                                              "score": 40}}) == "not_met"


@pytest.mark.parametrize(("item", "value"), [
    ("Creatinine clearance ≥ 60 mL/min/1.73 m2 by Schwartz formula", 60),
    ("Estimated creatinine clearance ≥ 60 mL/min (Cockcroft-Gault)", 60),
    ("Adequate renal function defined as creatinine clearance ≥ 60 mL/min", 60),
])
def test_kidney_function_with_its_method(item, value):
    """The formula named is how it is measured: 40 mL/min is below, 90 above."""
    assert outcome("Inclusion", item, {"organ_function": {
        "creatinine_clearance_ml_min": 40}}) == "not_met"
    assert outcome("Inclusion", item, {"organ_function": {
        "creatinine_clearance_ml_min": 90}}) == "met"


def test_the_long_name_of_alt_is_not_ast():
    """'Serum glutamic pyruvic transaminase (SGPT) (ALT) <= 5 x ULN' limits ALT only."""
    item = "Serum glutamic pyruvic transaminase (SGPT) (ALT) ≤ 5 x ULN"
    assert outcome("Inclusion", item, {"organ_function": {"alt_x_uln": 2, "ast_x_uln": 9}}) == \
        "met"
    assert outcome("Inclusion", item, {"organ_function": {"alt_x_uln": 7}}) == "not_met"


def test_a_limit_lifted_when_elevated_by_leukemic_infiltration():
    """'Bilirubin <= 3 x ULN for age (unless elevated due to leukemic infiltration)'."""
    item = "Bilirubin ≤ 3 x ULN for age (unless elevated due to leukemic infiltration)"
    assert outcome("Inclusion", item, {"organ_function": {"bilirubin_x_uln": 5}}) == \
        "not_screened"
    assert outcome("Inclusion", item, {"organ_function": {"bilirubin_x_uln": 1}}) == "met"


def test_failed_or_intolerant():
    """'Failed or intolerant of imatinib': intolerance meets it; never having had it does not."""
    item = "Failed or intolerant of imatinib"
    intolerant = {"prior_therapies": [{"therapy": "imatinib", "months_since_last_dose": 2,
                                       "outcome": "intolerant"}]}
    assert outcome("Inclusion", item, intolerant) == "met"
    assert outcome("Inclusion", item, had("dasatinib")) == "not_met"


# ------------------------------------------------------------------ judgement, lists, ages
def screened(text: str, profile: dict, minimum: str | None = None,
             maximum: str | None = None):
    """The screening result of a whole eligibility text (with structured ages, if given)."""
    record = study(text)
    elig = record["protocolSection"]["eligibilityModule"]
    if minimum:
        elig["minimumAge"] = minimum
    if maximum:
        elig["maximumAge"] = maximum
    return screen(validate_profile({"profile_version": 1, **profile}), trial_from_study(record))


@pytest.mark.parametrize("item", [
    "Uncontrolled active serious infection that could, in the investigator's opinion, "
    "potentially interfere with the completion of treatment according to this protocol.",
    "Active uncontrolled infection as judged by the treating physician",
])
def test_an_infection_the_investigator_judges_never_excludes_alone(item):
    """An uncontrolled infection goes to the study team; no infection clears the criterion."""
    assert outcome("Exclusion", item, {"infections": {"uncontrolled_infection": True}}) == \
        "not_screened"
    assert outcome("Exclusion", item, {"infections": {"uncontrolled_infection": False}}) == "met"


def test_a_condition_beside_any_other_the_investigator_judges_still_excludes():
    """'Uncontrolled infection or any other condition that, in the opinion of the investigator,
    ...': the infection excludes on its own; without it, the other conditions are asked."""
    item = ("Uncontrolled infection or any other condition that, in the opinion of the "
            "investigator, would make the patient unsuitable for the study")
    assert outcome("Exclusion", item, {"infections": {"uncontrolled_infection": True}}) == \
        "not_met"
    assert outcome("Exclusion", item, {"infections": {"uncontrolled_infection": False}}) == \
        "not_screened"


def test_a_permission_after_the_judgement_is_still_an_exception():
    """'... chronic hepatitis B on suppressive therapy may be allowed after discussion with the
    principal investigator': hepatitis B never excludes alone."""
    item = ("Known active hepatitis B; patients with chronic hepatitis B who are on appropriate "
            "viral suppressive therapy may be allowed after discussion with the principal "
            "investigator (PI)")
    assert outcome("Exclusion", item, {"infections": {"hepatitis_b": True}}) != "not_met"


def test_hiv_with_the_reason_in_brackets():
    """'Known HIV infection (due to potential interactions with antiretroviral therapy)'."""
    item = "Known HIV infection (due to potential interactions with antiretroviral therapy)"
    assert outcome("Exclusion", item, {"infections": {"hiv": True}}) == "not_met"
    assert outcome("Exclusion", item, {"infections": {"hiv": False}}) == "met"


@pytest.mark.parametrize("item", [
    "Total bilirubin <= 1.5 x ULN, except in individuals with Gilbert's syndrome",
    "Total bilirubin ≤ 1.5 x ULN except in patients with Gilbert's syndrome",
])
def test_bilirubin_except_in_gilberts_syndrome(item):
    """Within the limit meets it; beyond it is the study team's (Gilbert's lifts it)."""
    assert outcome("Inclusion", item, {"organ_function": {"bilirubin_x_uln": 1}}) == "met"
    assert outcome("Inclusion", item, {"organ_function": {"bilirubin_x_uln": 3}}) == \
        "not_screened"


@pytest.mark.parametrize("item", [
    "Transaminases (AST/ALT) <= 3 x ULN",
    "Hepatic transaminases no more than 3 times the upper limit of normal",
    "AST/SGOT and ALT/SGPT ≤ 3 × institutional ULN",
])
def test_transaminases_in_more_wordings(item):
    """Both enzymes within 3 x ULN meet it; ALT at 6 x ULN does not."""
    assert outcome("Inclusion", item, {"organ_function": {"alt_x_uln": 1, "ast_x_uln": 1}}) == \
        "met"
    assert outcome("Inclusion", item, {"organ_function": {"alt_x_uln": 6, "ast_x_uln": 1}}) == \
        "not_met"


def test_a_unit_slash_is_no_alternative():
    """'Serum bilirubin < 2.0 mg/dL and ALT < 3 x ULN': ALT 6 x ULN rules it out."""
    item = "Serum bilirubin < 2.0 mg/dL and ALT < 3 x ULN"
    assert outcome("Inclusion", item, {"organ_function": {"alt_x_uln": 6}}) == "not_met"


def test_a_cardiac_list_with_the_method_of_measurement():
    """'Impaired cardiac function including any of the following: - LVEF < 45% as determined
    by echocardiogram or MUGA - ...': LVEF 40% excludes, 60% does not."""
    text = ("Exclusion Criteria:\n\n* Impaired cardiac function including any of the "
            "following:\n  * LVEF < 45% as determined by echocardiogram or MUGA\n  * Congenital "
            "long QT syndrome\n")
    assert screened(text, {"organ_function": {"lvef_percent": 40}}).verdict == "not_eligible"
    assert screened(text, {"organ_function": {"lvef_percent": 60}}).verdict != "not_eligible"


def test_an_exception_in_one_sub_item_stays_there():
    """'HIV/HBV/HCV Infection: 1. Seropositive for HIV ... 3. Second malignancy ... unless
    treated': HIV still excludes; no HIV and no hepatitis is not excluded."""
    text = ("Exclusion Criteria:\n\n* HIV/HBV/HCV Infection:\n  1. Seropositive for HIV antibody."
            "\n  2. Seropositive for hepatitis C or positive for Hepatitis B surface antigen "
            "(HbsAG).\n  3. Second malignancy other than in situ carcinoma of the cervix, unless "
            "the tumor was treated with curative intent at least two years previously;\n")
    assert screened(text, {"infections": {"hiv": True}}).verdict == "not_eligible"
    none = {"infections": {"hiv": False, "hepatitis_b": False, "hepatitis_c": False}}
    assert screened(text, none).verdict != "not_eligible"


def test_negative_viral_tests_are_required():
    """'Negative HIV test, negative HBV DNA and HCV RNA': active hepatitis C rules out."""
    item = "Negative HIV test, negative HBV DNA and HCV RNA."
    assert outcome("Inclusion", item, {"infections": {"hiv": False, "hepatitis_b": False,
                                                      "hepatitis_c": True}}) == "not_met"
    assert outcome("Inclusion", item, {"infections": {"hiv": False, "hepatitis_b": False,
                                                      "hepatitis_c": False}}) == "met"


def test_nursing_after_the_study_is_a_commitment():
    """'Not pregnant or nursing (no nursing during and for 12 months after completion of study
    therapy)': breastfeeding now rules out, neither does not."""
    item = ("Not pregnant or nursing (no nursing during and for 12 months after completion of "
            "study therapy)")
    assert outcome("Inclusion", item, {"pregnant_or_breastfeeding": True}) == "not_met"
    assert outcome("Inclusion", item, {"pregnant_or_breastfeeding": False}) == "met"


TRANSPLANT_OR = ("Participants who are less than 100 days post-transplant, or greater than 100 "
                 "days post-transplant with active graft versus host disease (GVHD), or are still "
                 "continuing post-transplant immunosuppressant therapy within 7 days prior to "
                 "the first dose of study drug.")


def test_clauses_joined_by_or_each_exclude():
    """A transplant a month ago excludes; one two years ago without GVHD does not; someone
    never transplanted is never excluded for it."""
    assert outcome("Exclusion", TRANSPLANT_OR, had("allogeneic_hsct", months=1)) == "not_met"
    assert outcome("Exclusion", TRANSPLANT_OR, {"active_gvhd": False, **had(
        "allogeneic_hsct", months=24)}) != "not_met"
    assert outcome("Exclusion", TRANSPLANT_OR, {"active_gvhd": True, **had(
        "multiagent_chemotherapy")}) != "not_met"


@pytest.mark.parametrize("item", [
    "Diagnosed at age 21 or younger",
    "Initial diagnosis at age < 22 years",
    "Age 0-21 years at initial ALL diagnosis",
    "Patients must have been ≤ 21 years old when originally diagnosed with ALL",
])
def test_an_age_at_diagnosis_never_excludes_someone_older_now(item):
    """A 25-year-old diagnosed at 19 is not excluded by the text or by the registry's maximum
    of 21; someone diagnosed at 24 is."""
    text = f"Inclusion Criteria:\n\n* {item}\n"
    young_then = {"age": {"years": 25}, "age_at_diagnosis": {"years": 19}}
    assert screened(text, young_then, "1 Year", "21 Years").verdict != "not_eligible"
    old_then = {"age": {"years": 25}, "age_at_diagnosis": {"years": 24}}
    assert screened(text, old_then, "1 Year", "21 Years").verdict == "not_eligible"


@pytest.mark.parametrize("line", [
    "Age 18-60 years; patients > 60 years may be enrolled if fit",
    "Age 18 to 60 years. Patients older than 60 years can be included at the discretion of "
    "the principal investigator",
])
def test_an_older_band_the_text_opens_is_left_to_the_study_team(line):
    """A 65-year-old is not ruled out by the structured maximum of 60; a 15-year-old is."""
    text = f"Inclusion Criteria:\n\n* {line}\n"
    assert screened(text, {"age": {"years": 65}}, "18 Years", "60 Years").verdict != \
        "not_eligible"
    assert screened(text, {"age": {"years": 15}}, "18 Years", "60 Years").verdict == \
        "not_eligible"


@pytest.mark.parametrize(("line", "years", "months"), [
    ("Age 1-30 (patients 22-30 years are eligible for Part 2 only)", 27, 0),
    ("Ages 1 to 30", 27, 0),
    ("Adolescents 12-17 years may be enrolled in cohort 2", 13, 0),
    ("Age >= 6 months", 0, 8),
])
def test_a_text_age_wider_than_the_registry_in_other_shapes(line, years, months):
    """Ages without a unit, a cohort's ages and months: beside structured ages of 14 to 21
    years, the age the text admits is never "not eligible" on the registry's field."""
    text = f"Inclusion Criteria:\n\n* {line}\n"
    result = screened(text, {"age": {"years": years, "months": months}}, "14 Years", "21 Years")
    assert next(c for c in result.criteria if c.id == "age").outcome != "not_met"
    outside = screened(text, {"age": {"years": 45}}, "14 Years", "21 Years")
    assert next(c for c in outside.criteria if c.id == "age").outcome == "not_met"


def test_a_dose_within_a_limit_listed_as_an_exclusion_never_excludes_the_untreated():
    """'No more than 300 mg/m2 of prior doxorubicin' under Exclusion Criteria: someone who never
    had an anthracycline is not excluded by it."""
    item = "No more than 300 mg/m2 of prior doxorubicin"
    assert outcome("Exclusion", item, had("multiagent_chemotherapy")) != "not_met"
    assert outcome("Exclusion", item, {"prior_therapies": []}) != "not_met"


def test_overt_cns_disease_with_its_grade_in_brackets():
    """'No overt CNS disease (CNS3)': CNS3 rules out, CNS1 meets it."""
    item = "No overt CNS disease (CNS3)"
    assert outcome("Inclusion", item, {"cns_status": "cns3"}) == "not_met"
    assert outcome("Inclusion", item, {"cns_status": "cns1"}) == "met"


def test_the_cog_performance_boilerplate_reads_the_limit_but_never_excludes_on_it():
    """COG's performance criterion with its scale notes and wheelchair sentence: ECOG 1 meets
    it; ECOG 3 goes to the study team, never "not eligible" (someone paralysed but up in a
    wheelchair counts as ambulatory, which the score in the profile does not say)."""
    item = ("Patients must have a performance status corresponding to ECOG scores of 0, 1, or 2; "
            "use Karnofsky for patients > 16 years of age and Lansky for patients =< 16 years of "
            "age; patients who are unable to walk because of paralysis, but who are up in a "
            "wheelchair, will be considered ambulatory for the purpose of assessing the "
            "performance score")
    assert outcome("Inclusion", item, {"performance_status": {"scale": "ecog", "score": 3}}) in (
        "unknown", "not_screened")
    assert outcome("Inclusion", item, {"performance_status": {"scale": "ecog", "score": 1}}) == \
        "met"


@pytest.mark.parametrize("item", [
    "Active acute or chronic GVHD requiring systemic immunosuppression",
    "Active GVHD requiring systemic therapy",
])
def test_gvhd_needing_systemic_treatment_never_excludes_alone(item):
    """An active GVHD answer goes to the study team; no active GVHD clears it."""
    assert outcome("Exclusion", item, {"active_gvhd": True}) == "not_screened"
    assert outcome("Exclusion", item, {"active_gvhd": False}) == "met"


@pytest.mark.parametrize("item", [
    "SGPT (ALT) <= 5 x ULN for age (for the purpose of this study, the ULN for SGPT is 45 U/L)",
    "ALT <= 5 x ULN for age; for the purpose of this study, the ULN for ALT will be 45 U/L",
])
def test_an_alt_limit_against_a_fixed_uln_is_the_study_teams(item):
    """The study fixes the ULN at 45 U/L; the profile's ALT is a multiple of the local ULN, so
    ALT at 6 x the local ULN is not ruled out by it."""
    assert outcome("Inclusion", item, {"organ_function": {"alt_x_uln": 6}}) == "not_screened"


def test_ncis_uncontrolled_intercurrent_illness_boilerplate():
    """'Uncontrolled intercurrent illness including, but not limited to, ongoing or active
    infection, ...': an uncontrolled infection excludes; without one, the rest is asked."""
    item = ("Uncontrolled intercurrent illness including, but not limited to, ongoing or active "
            "infection, symptomatic congestive heart failure, unstable angina pectoris, cardiac "
            "arrhythmia, or psychiatric illness/social situations that would limit compliance "
            "with study requirements")
    assert outcome("Exclusion", item, {"infections": {"uncontrolled_infection": True}}) == \
        "not_met"
    assert outcome("Exclusion", item, {"infections": {"uncontrolled_infection": False}}) == \
        "not_screened"


def test_ncis_hiv_on_antiretroviral_therapy_boilerplate():
    """'HIV-positive patients on combination antiretroviral therapy are ineligible because of
    ...': HIV goes to the study team (on ART or not), no HIV clears it."""
    item = ("HIV-positive patients on combination antiretroviral therapy are ineligible because "
            "of the potential for pharmacokinetic interactions with dasatinib")
    assert outcome("Exclusion", item, {"infections": {"hiv": True}}) == "not_screened"
    assert outcome("Exclusion", item, {"infections": {"hiv": False}}) == "met"


def test_therapy_for_another_cancer_is_not_the_leukemias():
    """'Any chemotherapy or radiotherapy for previous malignancy are not eligible': leukemia
    chemotherapy does not exclude."""
    item = "Any chemotherapy or radiotherapy for previous malignancy are not eligible."
    assert outcome("Exclusion", item, had("multiagent_chemotherapy")) != "not_met"


def test_cogs_pregnancy_and_breastfeeding_block_asks_and_never_excludes_alone():
    """COG's 'Pregnancy and Breast Feeding:' list: a yes goes to the study team (pregnant, or
    breastfeeding and going on), a no clears it; it never excludes on its own."""
    text = ("Exclusion Criteria:\n\n* Pregnancy and Breast Feeding:\n  * Female patients who are "
            "pregnant are not eligible since fetal toxicities and teratogenic effects have been "
            "noted for several of the study drugs; a pregnancy test is required for female "
            "patients of childbearing potential\n  * Lactating females who plan to breastfeed "
            "their infants are not eligible\n")
    yes = screened(text, {"pregnant_or_breastfeeding": True})
    assert yes.verdict != "not_eligible"
    block = yes.criteria[0]
    assert block.outcome == "not_screened"
    assert screened(text, {}).criteria[0].outcome == "unknown"


@pytest.mark.parametrize(("line", "years", "wider"), [
    ("Patients must be 1 to 30 years of age (see the study's table of strata)", 30, True),
    ("Patients must be < 30 years of age and have adequate organ function", 30, False),
])
def test_a_text_maximum_one_year_above_the_registrys(line, years, wider):
    """Beside a structured maximum of 29, '1 to 30 years' admits a 30-year-old (the study team
    checks), while '< 30 years' does not widen it."""
    text = f"Inclusion Criteria:\n\n* {line}\n\n* Relapsed B-ALL\n"
    result = screened(text, {"age": {"years": years}}, "1 Year", "29 Years")
    outcome_ = next(c for c in result.criteria if c.id == "age").outcome
    assert (outcome_ != "not_met") == wider


def test_an_exclusion_that_lets_older_people_in_at_discretion():
    """'Age > 21 years; patients 22 to 25 years may be enrolled with the approval of the
    principal investigator': a 24-year-old is the study team's, never 'not eligible' on the
    registry's maximum of 21; a 40-year-old still is."""
    text = ("Inclusion Criteria:\n\n* Relapsed B-ALL\n\nExclusion Criteria:\n\n* Age > 21 years; "
            "patients 22 to 25 years may be enrolled with the approval of the principal "
            "investigator\n")
    assert screened(text, {"age": {"years": 24}}, "1 Year", "21 Years").verdict != "not_eligible"
    assert screened(text, {"age": {"years": 40}}, "1 Year", "21 Years").verdict == "not_eligible"
