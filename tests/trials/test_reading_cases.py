"""The reading cases of issue 7, each on registry wording: scope, clauses, conditions, ages, layouts.

Every test screens a profile against a study record built from the text (the way a
ClinicalTrials.gov record reaches the screener), so what is asserted is what a patient
would see: never excluded on a part of the study that is not theirs, on a doubt in a
neighbouring clause, or on a permission read as a requirement.
"""

import pytest

from screener.eligibility import screen
from screener.profile import validate_profile
from screener.trials.reading import split
from screener.trials.study import trial_from_study


def study(text: str, **eligibility) -> dict:
    module = {"eligibilityCriteria": text, **eligibility}
    return {"protocolSection": {"identificationModule": {"nctId": "NCT09999999",
                                                         "briefTitle": "A study"},
                                "eligibilityModule": module}}


def verdict(text: str, profile: dict, **eligibility) -> str:
    trial = trial_from_study(study(text, **eligibility))
    return screen(validate_profile({"profile_version": 1, **profile}), trial).verdict


def outcomes(text: str, profile: dict) -> dict[str, str]:
    trial = trial_from_study(study(text))
    result = screen(validate_profile({"profile_version": 1, **profile}), trial)
    return {c.text: c.outcome for c in result.criteria}


CHILD_B_ALL = {"age": {"years": 8, "months": 2}, "diagnosis": "b_all",
               "disease_status": "relapsed", "relapse_count": 1, "in_remission": False,
               "prior_therapies": [{"therapy": "dasatinib", "months_since_last_dose": 0}],
               "philadelphia_chromosome": "positive"}


# ------------------------------------------------------------------ scope
@pytest.mark.parametrize("heading", [
    "Additional exclusion criteria for dasatinib:",
    "Cohort B:",
    "Phase II:",
    "Exclusion Criteria for the NHL cohort:",
])
def test_an_exclusion_scoped_to_one_drug_or_part_never_excludes_from_the_trial(heading):
    """A child on dasatinib is not excluded by an exclusion that only withholds one drug or arm."""
    text = ("Inclusion Criteria:\n\n* Relapsed B-cell ALL\n\nExclusion Criteria:\n\n"
            "* Active hepatitis B\n\n" + heading + "\n\n* Prior treatment with dasatinib\n")
    assert verdict(text, CHILD_B_ALL) != "not_eligible"


def test_a_plain_exclusion_still_excludes():
    """The same words outside a scoped heading do exclude (the scope is what made the difference)."""
    text = ("Inclusion Criteria:\n\n* Relapsed B-cell ALL\n\nExclusion Criteria:\n\n"
            "* Prior treatment with dasatinib\n")
    assert verdict(text, CHILD_B_ALL) == "not_eligible"


def test_criteria_for_the_all_cohort_apply_to_people_with_all():
    """NCT02625480: 'Key Inclusion Criteria for the ALL Cohort' still rules out a T-ALL patient."""
    text = ("Key Inclusion Criteria for the ALL Cohort:\n\n"
            "* Relapsed or refractory B-precursor ALL\n")
    assert verdict(text, {"diagnosis": "t_all", "disease_status": "relapsed"}) == "not_eligible"


# ------------------------------------------------------------------ clauses
def test_a_doubt_in_one_clause_leaves_the_plain_requirement_beside_it():
    """NCT00495079-like: 'X. If not X, Y' keeps X from being a requirement; a plain clause stays."""
    text = ("Inclusion Criteria:\n\n* Relapsed or refractory B-cell ALL. Patients with CNS3 "
            "disease are eligible if they have received intrathecal therapy.\n")
    result = outcomes(text, {"diagnosis": "b_all", "disease_status": "newly_diagnosed"})
    assert "not_met" in result.values()  # newly diagnosed: the plain clause rules it out
    relapsed = outcomes(text, {"diagnosis": "b_all", "disease_status": "relapsed",
                               "relapse_count": 1, "cns_status": "cns3"})
    assert "not_met" not in relapsed.values()  # the permission never excludes CNS3


def test_an_exception_in_the_next_sentence_weakens_the_exclusion_it_names():
    """'Active CNS disease. CNS involvement allowed if cleared' never excludes a CNS3 answer."""
    text = ("Exclusion Criteria:\n\n* Active CNS leukemia. CNS involvement is allowed if the "
            "cerebrospinal fluid has cleared after intrathecal therapy.\n")
    assert verdict(text, {"cns_status": "cns3"}) != "not_eligible"


# ------------------------------------------------------------------ conditions, permissions
@pytest.mark.parametrize("text", [
    "Inclusion Criteria:\n\n* Prior allogeneic stem cell transplant is allowed\n",
    "Inclusion Criteria:\n\n* Patients may have received prior blinatumomab\n",
    "Inclusion Criteria:\n\n* Patients with Down syndrome are eligible if they meet all other "
    "criteria\n",
])
def test_a_permission_is_never_read_as_a_requirement(text):
    """'X is allowed' / 'may have received X' / 'X are eligible if ...' require nothing of anyone."""
    assert verdict(text, {"prior_therapies": [], "down_syndrome": False}) != "not_eligible"


def test_a_wait_in_hours_is_never_an_exclusion():
    """'Must be off steroids for at least 48 hours': a wait that will have passed by enrollment."""
    text = "Inclusion Criteria:\n\n* Must be off corticosteroids for at least 48 hours\n"
    recent = {"prior_therapies": [{"therapy": "corticosteroids", "months_since_last_dose": 0}]}
    assert verdict(text, recent) != "not_eligible"


def test_an_age_that_scopes_a_requirement_is_an_implication():
    """'Karnofsky 50-100% (over age 10)': a 5-year-old is never held to Karnofsky."""
    text = "Inclusion Criteria:\n\n* Performance status - Karnofsky 50-100% (over age 10)\n"
    five = {"age": {"years": 5}, "performance_status": {"scale": "lansky", "score": 40}}
    assert verdict(text, five) != "not_eligible"
    fifteen = {"age": {"years": 15}, "performance_status": {"scale": "karnofsky", "score": 40}}
    assert verdict(text, fifteen) == "not_eligible"


# ------------------------------------------------------------------ ages in the text
@pytest.mark.parametrize(("text", "inside", "outside"), [
    ("14-55 years old;", {"years": 30}, {"years": 56}),
    ("Age between 2 and 60 years", {"years": 2}, {"years": 61}),
    ("> 30 days and < 21 years of age", {"years": 20, "months": 11}, {"years": 21}),
    ("1 year and less than 10 years of age", {"years": 9, "months": 11}, {"years": 10}),
    ("Patients must be 18 years of age or older", {"years": 18}, {"years": 17, "months": 11}),
])
def test_ages_stated_only_in_the_text_are_screened(text, inside, outside):
    """With no structured ages, the text's age limits decide, in completed units."""
    full = "Inclusion Criteria:\n\n* " + text + "\n"
    assert verdict(full, {"age": inside}) == "likely_eligible"
    assert verdict(full, {"age": outside}) == "not_eligible"


def test_an_age_at_diagnosis_in_the_text_limits_the_age_at_diagnosis():
    """'≤ 25 years at initial diagnosis': a 30-year-old diagnosed at 24 is not excluded."""
    text = "Inclusion Criteria:\n\n* ≤ 25 years at initial diagnosis\n"
    assert verdict(text, {"age": {"years": 30}, "age_at_diagnosis": {"years": 24}}) == (
        "likely_eligible")
    assert verdict(text, {"age": {"years": 30}, "age_at_diagnosis": {"years": 26}}) == (
        "not_eligible")


def test_gestational_age_is_not_read_as_age():
    """NCT02828358: '> 36 weeks gestational age' says nothing of the infant's age now."""
    text = "Inclusion Criteria:\n\n* Infants must be > 36 weeks gestational age at enrollment\n"
    assert verdict(text, {"age": {"years": 0, "months": 0}}) != "not_eligible"


# ------------------------------------------------------------------ layouts
def test_an_nci_summary_run_together_is_split_into_its_criteria():
    """NCT00002665: criteria run together without stops become separate items."""
    text = ("DISEASE CHARACTERISTICS: Histologically confirmed acute lymphocytic leukemia "
            "FAB class L1-L2 No non-Hodgkin's lymphoma No chronic myelogenous leukemia in "
            "blast crisis PATIENT CHARACTERISTICS: Age: 15 to 65 Performance status: SWOG 0-3 "
            "Other: Not pregnant or nursing")
    texts = [i.text for i in split(text)]
    assert "No non-Hodgkin's lymphoma" in texts
    assert "Age: 15 to 65" in texts
    assert verdict(text, {"age": {"years": 70}}) == "not_eligible"
    assert verdict(text, {"diagnosis": "lymphoblastic_lymphoma"}) == "not_eligible"


def test_an_inline_exclusion_heading_starts_the_exclusions():
    """'... Exclusion Criteria: ...' inside one line: what follows is excluding, not required."""
    items = split("Inclusion Criteria: Relapsed ALL Exclusion Criteria: Active hepatitis B")
    kinds = {i.text: i.kind for i in items}
    assert kinds.get("Active hepatitis B") == "exclusion"
    assert kinds.get("Relapsed ALL") == "inclusion"


# ------------------------------------------------------------------ one answer, two meanings
def test_pregnancy_alone_never_excludes_a_yes_that_may_be_breastfeeding():
    """The profile holds 'pregnant or breastfeeding' as one answer: 'Pregnant women' can't decide it."""
    text = "Exclusion Criteria:\n\n* Pregnant women\n"
    assert verdict(text, {"pregnant_or_breastfeeding": True}) != "not_eligible"
    both = "Exclusion Criteria:\n\n* Pregnant or breastfeeding women\n"
    assert verdict(both, {"pregnant_or_breastfeeding": True}) == "not_eligible"


def test_an_active_infection_excludes_an_uncontrolled_one_and_asks_nothing_more():
    """'Active infection' excludes an infection not under control; a controlled one is for the team."""
    text = "Exclusion Criteria:\n\n* Active infection\n"
    assert verdict(text, {"infections": {"uncontrolled_infection": True}}) == "not_eligible"
    assert verdict(text, {"infections": {"uncontrolled_infection": False}}) == "likely_eligible"
    serious = "Exclusion Criteria:\n\n* Severe active infection\n"
    assert verdict(serious, {"infections": {"uncontrolled_infection": True}}) != "not_eligible"


def test_no_prior_therapy_for_all_means_newly_diagnosed_whatever_the_exception():
    """NCT00002812: 'No prior therapy for ALL except: Emergency therapy ...' rules out a relapse."""
    text = ("Inclusion Criteria:\n\n* No prior therapy for ALL except: Emergency therapy for "
            "blast crisis, superior vena cava syndrome, or renal failure\n")
    assert verdict(text, {"disease_status": "relapsed", "relapse_count": 1}) == "not_eligible"
    assert verdict(text, {"disease_status": "newly_diagnosed"}) != "not_eligible"


def test_days_post_transplant_is_a_window_not_a_transplant_requirement():
    """'Less than 100 days post-transplant' never excludes someone transplanted two years ago."""
    text = ("Exclusion Criteria:\n\n* Participants who are less than 100 days post-transplant\n")
    long_ago = {"prior_therapies": [{"therapy": "allogeneic_hsct", "months_since_last_dose": 24}]}
    assert verdict(text, long_ago) != "not_eligible"


def test_recovered_from_a_therapy_never_requires_having_had_it():
    """'Recovered from acute toxic effects of prior immunotherapy' asks nothing of the untreated."""
    text = "Inclusion Criteria:\n\n* Recovered from acute toxic effects of prior immunotherapy\n"
    assert verdict(text, {"prior_therapies": []}) != "not_eligible"


def test_nci_labels_above_their_criteria_read_each_criterion():
    """NCT00002766: 'Radiotherapy' / '- No prior radiotherapy' rules out prior cranial radiation."""
    text = ("PRIOR CONCURRENT THERAPY:\n\n  Radiotherapy\n\n  - No prior radiotherapy\n")
    radiated = {"prior_therapies": [{"therapy": "cranial_radiation"}]}
    assert verdict(text, radiated) == "not_eligible"
    assert verdict(text, {"prior_therapies": []}) == "likely_eligible"


def test_for_whom_a_requirement_applies_is_an_implication():
    """NCT02435849: 'For relapsed patients, CD19 expression ...' asks nothing of the refractory."""
    text = ("Inclusion Criteria:\n\n* For relapsed patients, documentation of CD19 tumor "
            "expression demonstrated in bone marrow or peripheral blood\n")
    assert verdict(text, {"disease_status": "relapsed", "relapse_count": 1, "cd19": "negative"}
                   ) == "not_eligible"
    assert verdict(text, {"disease_status": "refractory", "relapse_count": 0,
                          "cd19": "negative"}) != "not_eligible"


def test_an_exclusion_of_those_without_a_finding_requires_it():
    """NCT02828358: 'Patients with known absence of KMT2A-rearrangement' excludes only them."""
    text = ("Exclusion Criteria:\n\n* Patients with known absence of KMT2A-rearrangement "
            "leukemia prior to enrollment\n")
    assert verdict(text, {"genetics": {"kmt2a_rearranged": False}}) == "not_eligible"
    assert verdict(text, {"genetics": {"kmt2a_rearranged": True}}) == "likely_eligible"


def test_whom_must_have_is_an_implication():
    """NCT03914625: 'B-ALL patients without DS must have an initial WBC < 50,000/uL'."""
    text = ("Inclusion Criteria:\n\n* B-ALL patients without DS must have an initial white "
            "blood cell count < 50,000/uL\n")
    high = {"diagnosis": "b_all", "down_syndrome": False, "wbc_at_diagnosis_per_ul": 80000}
    assert verdict(text, high) == "not_eligible"
    assert verdict(text, {**high, "down_syndrome": True}) != "not_eligible"
    assert verdict(text, {**high, "diagnosis": "t_all"}) != "not_eligible"


# -- "ALL" with no lineage: the neighbours of ALL only where the study names them -------------

ALL_ONLY = "Inclusion Criteria:\n- Patient must be diagnosed with acute lymphoblastic leukemia.\n"


@pytest.mark.parametrize("diagnosis", ["mixed_phenotype", "lymphoblastic_lymphoma"])
def test_all_alone_does_not_take_mpal_or_lymphoma(diagnosis):
    # NCT00001689's wording: a careful reader takes ALL to mean B- or T-cell ALL
    child = {"age": {"years": 7}, "diagnosis": diagnosis}
    assert verdict(ALL_ONLY, child) == "not_eligible"
    assert verdict(ALL_ONLY, {**child, "diagnosis": "t_all"}) == "likely_eligible"


def test_all_stays_a_question_where_the_study_names_mpal_or_lymphoma():
    text = ALL_ONLY + ("- Patients with mixed phenotype acute leukemia (MPAL) are eligible if "
                       "they meet the B-ALL criteria.\n")
    mpal = {"age": {"years": 7}, "diagnosis": "mixed_phenotype"}
    # the study team decides: the criterion is left to them, never "not eligible"
    assert outcomes(text, mpal)["Patient must be diagnosed with acute lymphoblastic leukemia."] == "not_screened"
    assert verdict(text, mpal) != "not_eligible"
    # lymphoma is still not named: a child with lymphoblastic lymphoma is not taken
    assert verdict(text, {**mpal, "diagnosis": "lymphoblastic_lymphoma"}) == "not_eligible"


def test_or_more_closes_a_threshold_and_opens_no_alternative():
    # NCT03249870: "(20% or more positive blast cells)" is a threshold, not an alternative
    text = ("Inclusion Criteria:\n- With confirmed diagnosis of BCP-ALL according to World Health "
            "Organisation (WHO) criteria expressing the CD22 antigen by flow cytometry (20% or "
            "more positive blast cells),\n")
    child = {"age": {"years": 9}, "diagnosis": "b_all", "cd22": "negative"}
    assert verdict(text, child) == "not_eligible"
    assert verdict(text, {**child, "cd22": "positive"}) != "not_eligible"


def test_bcr_abl_rearrangements_are_philadelphia_positive():
    # NCT00495079's exclusion
    text = ("Exclusion Criteria:\n- Had a history of Philadelphia chromosome-positive (Ph+) ALL "
            "and/or BCR/ABL rearrangements documented by fluorescent in situ hybridization or "
            "polymerase chain reaction.\n")
    adult = {"age": {"years": 40}, "diagnosis": "b_all"}
    assert verdict(text, {**adult, "philadelphia_chromosome": "positive"}) == "not_eligible"
    assert verdict(text, {**adult, "philadelphia_chromosome": "negative"}) == "likely_eligible"


# -- disease states named by their number: first remission, second relapse, isolated sites ---

def test_first_complete_remission_means_no_relapse_yet():
    text = "Inclusion Criteria:\n- Patients with Ph+ ALL in first complete remission (CR1)\n"
    adult = {"age": {"years": 45}, "diagnosis": "b_all", "philadelphia_chromosome": "positive",
             "in_remission": True}
    assert verdict(text, {**adult, "disease_status": "newly_diagnosed"}) == "likely_eligible"
    assert verdict(text, {**adult, "disease_status": "relapsed",
                          "relapse_count": 1}) == "not_eligible"
    assert verdict(text, {**adult, "disease_status": "newly_diagnosed",
                          "in_remission": False}) == "not_eligible"


def test_second_relapse_takes_a_second_relapse_and_asks_about_a_third():
    # NCT00495079's wording, the part after the lineage
    text = "Inclusion Criteria:\n- Patients in second relapse\n"
    adult = {"age": {"years": 30}, "diagnosis": "b_all", "disease_status": "relapsed"}
    assert verdict(text, {**adult, "relapse_count": 2}) == "likely_eligible"
    assert verdict(text, {**adult, "relapse_count": 1}) == "not_eligible"
    assert verdict(text, {**adult, "relapse_count": 3}) != "not_eligible"


def test_isolated_cns_relapse_is_an_extramedullary_relapse():
    # NCT00002704: "first isolated initial CNS relapse"
    text = ("Inclusion Criteria:\n- Acute lymphoblastic leukemia in first bone marrow remission "
            "(M1) with first isolated initial CNS relapse\n")
    child = {"age": {"years": 6}, "diagnosis": "b_all", "disease_status": "relapsed",
             "relapse_count": 1}
    assert verdict(text, {**child, "isolated_extramedullary_relapse": False}) == "not_eligible"
    assert verdict(text, {**child, "relapse_count": 2,
                          "isolated_extramedullary_relapse": True}) == "not_eligible"
    assert verdict(text, {**child, "isolated_extramedullary_relapse": True}) != "not_eligible"
    # as an exclusion it never excludes on its own: the site is not in the profile
    exclusion = "Exclusion Criteria:\n- Isolated CNS relapse\n"
    assert verdict(exclusion, {**child, "isolated_extramedullary_relapse": True}) != "not_eligible"


def test_nested_readings_keep_their_structure_in_both_languages():
    trial = trial_from_study(study(
        "Inclusion Criteria:\n- Patients with Ph+ ALL in first complete remission (CR1)\n"
        "- Acute lymphoblastic leukemia in first bone marrow remission (M1) with first isolated "
        "initial CNS relapse\n"))
    cr1, cns = (c.plain for c in trial.criteria if c.id.startswith("inc"))
    # the alternatives are bracketed, not flattened into a list of requirements
    assert "(disease status is newly diagnosed or (disease status is refractory;" in cr1["en"]
    assert "(situación de la enfermedad es recién diagnosticada o (" in cr1["es"]
    # a closing "and more the study team checks" is said once, a count of one as "exactly 1"
    assert cns["en"].count("study team checks") == 1 and "exactly 1" in cns["en"]
    assert cns["es"].count("equipo del estudio") == 1 and "exactamente 1" in cns["es"]


def test_previously_untreated_means_no_leukemia_chemotherapy_yet():
    # NCT03249870: "Previously untreated," under the inclusion criteria
    text = "Inclusion Criteria:\n- Previously untreated,\n"
    adult = {"age": {"years": 60}, "diagnosis": "b_all", "disease_status": "newly_diagnosed"}
    chemo = [{"therapy": "multiagent_chemotherapy", "months_since_last_dose": 0}]
    assert verdict(text, {**adult, "prior_therapies": chemo}) == "not_eligible"
    assert verdict(text, {**adult, "prior_therapies": []}) != "not_eligible"
    # an exception in the text ("except steroids") leaves what was given to the study team
    excepted = "Inclusion Criteria:\n- Previously untreated ALL, except for steroid pre-phase\n"
    assert verdict(excepted, {**adult, "prior_therapies": chemo}) != "not_eligible"


def test_mixed_forms_of_all_exclude_mixed_phenotype_leukemia():
    # NCT00494897's exclusion "Mixed forms of ALL"
    text = ("Inclusion Criteria:\n- Adults with acute lymphoblastic leukemia\n"
            "Exclusion Criteria:\n- Mixed forms of ALL\n")
    adult = {"age": {"years": 25}, "disease_status": "newly_diagnosed"}
    assert verdict(text, {**adult, "diagnosis": "mixed_phenotype"}) == "not_eligible"
    assert verdict(text, {**adult, "diagnosis": "b_all"}) == "likely_eligible"
    # "mixed lineage leukemia" is the MLL gene's name, not this diagnosis
    gene = "Exclusion Criteria:\n- MLL (mixed lineage leukemia) gene rearrangement\n"
    assert verdict(gene, {**adult, "diagnosis": "mixed_phenotype"}) != "not_eligible"


def test_white_count_at_diagnosis_with_the_comparison_after_the_number():
    text = "Inclusion Criteria:\n- Initial WBC of 50,000/mm3 or greater\n"
    child = {"age": {"years": 6}, "diagnosis": "b_all", "disease_status": "newly_diagnosed"}
    assert verdict(text, {**child, "wbc_at_diagnosis_per_ul": 20000}) == "not_eligible"
    assert verdict(text, {**child, "wbc_at_diagnosis_per_ul": 50000}) == "likely_eligible"
    assert verdict(text, child) == "needs_review"


# -- the text admits ages beyond the registry's structured ones: that band is asked, not refused --

OLDER_AND_YOUNGER = (  # NCT00003196's own bullets
    "Inclusion Criteria:\n"
    "- Patients aged > 49 years and < 66 years with NHL, CLL and multiple myeloma who are not "
    "eligible for autologous transplantation or have failed prior autologous transplantation\n"
    "- Patients < 50 years of age with NHL, CLL and multiple myeloma at high risk of regimen "
    "related toxicity through prior autologous transplant or through pre-existing chronic disease "
    "affecting kidneys, liver, lungs, and heart will be considered on a case by case basis and "
    "presented to professional clinical counselor (PCC)\n"
    "- Selected patients with any of the above diagnosis who are (a) older than 65 years and < 75 "
    "years with a Karnofsky score >= 70 and who, apart from age, fulfill eligibility criteria\n")


@pytest.mark.parametrize("years", [40, 70])
def test_text_ages_beyond_the_structured_ones_are_never_refused(years):
    # NCT00003196: structured 50 to 65 years, the text speaks of younger and older patients
    person = {"age": {"years": years}, "diagnosis": "b_all", "in_remission": True}
    trial = trial_from_study(study(OLDER_AND_YOUNGER, minimumAge="50 Years",
                                   maximumAge="65 Years"))
    result = screen(validate_profile({"profile_version": 1, **person}), trial)
    assert result.verdict != "not_eligible"
    assert {c.id: c.outcome for c in result.criteria}["age"] == "not_screened"
    # beyond what the text speaks of, the structured age still decides
    assert verdict(OLDER_AND_YOUNGER, {**person, "age": {"years": 80}}, minimumAge="50 Years",
                   maximumAge="65 Years") == "not_eligible"


@pytest.mark.parametrize("text", [
    # a scale chosen by age, a table of lab limits by age, an exclusion's ages: none admits anyone
    "Inclusion Criteria:\n- Karnofsky (age >= 16 years) or Lansky (age < 16 years) performance "
    "status >= 50\n",
    "Inclusion Criteria:\n- Creatinine based on age/gender as follows: - 1 to < 2 years: maximum "
    "serum creatinine 0.6 mg/dL - >= 16 years: maximum serum creatinine 1.7 mg/dL\n",
    "Exclusion Criteria:\n- Group B: Age less than 8 or greater than 80 years\n",
])
def test_ages_that_admit_no_one_leave_the_structured_age_alone(text):
    child = {"age": {"years": 2}, "diagnosis": "b_all"}
    assert verdict(text, child, minimumAge="3 Years", maximumAge="21 Years") == "not_eligible"


def test_t_cell_precursor_all_is_t_all():
    # NCT00005945: "No T-cell precursor acute lymphoblastic leukemia by immunophenotyping"
    text = ("Inclusion Criteria:\n- No T-cell precursor acute lymphoblastic leukemia by "
            "immunophenotyping\n")
    child = {"age": {"years": 5}, "disease_status": "newly_diagnosed"}
    assert verdict(text, {**child, "diagnosis": "t_all"}) == "not_eligible"
    assert verdict(text, {**child, "diagnosis": "b_all"}) == "likely_eligible"


def test_a_slash_between_method_words_opens_no_alternative():
    # NCT02981628: "by local/institutional flow cytometry" is how CD22 is measured
    text = ("Inclusion Criteria:\n- Leukemic blasts must demonstrate surface expression of CD22 "
            "at the time of relapse by local/institutional flow cytometry of a bone marrow "
            "aspirate sample\n")
    child = {"age": {"years": 9}, "diagnosis": "b_all", "disease_status": "relapsed",
             "relapse_count": 1}
    assert verdict(text, {**child, "cd22": "negative"}) == "not_eligible"
    assert verdict(text, {**child, "cd22": "positive"}) != "not_eligible"


def test_the_study_team_checks_is_said_once_whatever_kind_of_group_closes_the_words():
    # NCT00003870: a requirement read in part ("and more") inside unseen alternatives ("or")
    trial = trial_from_study(study(
        "Inclusion Criteria:\n- Hepatic: Bilirubin less than 1.5 mg/dL AST less than 1.5 times "
        "upper limit of normal (ULN)\n"))
    plain = next(c.plain for c in trial.criteria if c.id == "inc-1")
    assert plain["en"].count("study team checks") <= 1, plain["en"]
    assert plain["es"].count("equipo del estudio") <= 1, plain["es"]


# ------------------------------------------------------------------ findings: pregnancy
def test_pregnancy_and_breastfeeding_excluded_in_two_items_exclude_the_one_answer():
    """NCT01802814: 'Pregnancy or positive pregnancy test (...)' and 'Breast feeding' apart."""
    text = ("Exclusion Criteria:\n\n* Pregnancy or positive pregnancy test (urine sample positive "
            "for β-HCG > 10 U/l)\n* Breast feeding\n")
    assert verdict(text, {"pregnant_or_breastfeeding": True}) == "not_eligible"
    assert verdict(text, {"pregnant_or_breastfeeding": False}) == "likely_eligible"
    alone = "Exclusion Criteria:\n\n* Breast feeding\n"
    assert verdict(alone, {"pregnant_or_breastfeeding": True}) != "not_eligible"


@pytest.mark.parametrize("text", [
    # NCT03249870, NCT02744768: contraception is another alternative, about other people
    "Female patients who are pregnant or breast feeding or patients of childbearing potential "
    "not willing to use a double barrier method of contraception during the study and for 3 "
    "months following the last dose of maintenance.",
    # NCT00006213, NCT01424982: a contraception sentence makes no exception to pregnancy
    "Pregnant and nursing females will be excluded; patients of childbearing potential should "
    "practice effective methods of contraception",
    "Pregnant and lactating women will not be eligible; women of childbearing potential should "
    "have a negative pregnancy test prior to entering on the study and be willing to practice "
    "methods of contraception; women do not have childbearing potential if they have had a "
    "hysterectomy or are postmenopausal",
])
def test_pregnancy_beside_contraception_still_excludes(text):
    assert verdict("Exclusion Criteria:\n\n* " + text + "\n",
                   {"pregnant_or_breastfeeding": True}) == "not_eligible"
    assert verdict("Exclusion Criteria:\n\n* " + text + "\n",
                   {"pregnant_or_breastfeeding": False}) == "likely_eligible"


def test_a_partner_or_a_plan_is_still_not_read_as_the_patients_pregnancy():
    for text in ("Male patients whose partner is pregnant",
                 "Lactating females who plan to breastfeed their infants."):
        assert verdict("Exclusion Criteria:\n\n* " + text + "\n",
                       {"pregnant_or_breastfeeding": True}) == "likely_eligible"


# ------------------------------------------------------------------ findings: infections
UNCONTROLLED = {"infections": {"uncontrolled_infection": True}}
CONTROLLED = {"infections": {"uncontrolled_infection": False}}


@pytest.mark.parametrize(("text", "excludes"), [
    ("Uncontrolled infection or significant bleeding", True),  # NCT00460694
    ("Presence or suspicion of fungal, bacterial, viral, or other infection that is uncontrolled "
     "or requiring IV antimicrobials for management.", True),  # NCT02625480
    ("Uncontrolled intercurrent illness including, but not limited to ongoing infection with "
     "vital sign instability (hypotension, respiratory insufficiency), symptomatic congestive "
     "heart failure, cardiac arrhythmia, or psychiatric illness/social situations that would "
     "limit compliance with study requirements", True),  # NCT03020030
    # "serious" may say more than "not under control": never excludes alone
    ("Active serious infection not controlled by oral or intravenous antibiotics", False),
])
def test_an_uncontrolled_infection_in_registry_wording(text, excludes):
    full = "Exclusion Criteria:\n\n* " + text + "\n"
    assert (verdict(full, UNCONTROLLED) == "not_eligible") is excludes
    assert verdict(full, CONTROLLED) != "not_eligible"


def test_no_significant_active_infection_rules_out_an_uncontrolled_one():
    """NCT00002638: an infection not under control is a significant active one."""
    text = "Inclusion Criteria:\n\n* No significant active infection\n"
    assert verdict(text, UNCONTROLLED) == "not_eligible"
    assert verdict(text, CONTROLLED) != "not_eligible"


def test_a_testing_note_makes_no_exception_to_hiv():
    """NCT02981628: 'testing to prove negative status is not required ... unless ...'."""
    text = ("Exclusion Criteria:\n\n* Patients with known human immunodeficiency virus (HIV), "
            "hepatitis B or C infections; testing to prove negative status is not required for "
            "enrollment unless it is deemed necessary for usual medical care of the patient\n")
    assert verdict(text, {"infections": {"hiv": True}}) == "not_eligible"


# ------------------------------------------------------------------ findings: brain and CNS
def test_central_nervous_system_dysfunction_is_the_brain_disease_answer():
    """NCT00001689: 'Previous underlying central nervous system dysfunction.'"""
    text = "Exclusion Criteria:\n\n* Previous underlying central nervous system dysfunction.\n"
    assert verdict(text, {"seizure_disorder": True}) == "not_eligible"
    assert verdict(text, {"seizure_disorder": False}) == "likely_eligible"


def test_relevant_cns_pathology_with_grades_asks_and_never_excludes_alone():
    """NCT02744768: 'relevant' and 'grade 2' narrow it: a yes is for the study team."""
    text = ("Exclusion Criteria:\n\n* History of or current relevant CNS pathology (current "
            "≥grade 2 epilepsy, seizure, paresis, aphasia, clinically relevant apoplexia, severe "
            "brain injuries, dementia, Parkinson's disease, organic brain syndrome, psychosis).\n")
    assert verdict(text, {"seizure_disorder": True}) != "not_eligible"
    assert verdict(text, {"seizure_disorder": False}) == "likely_eligible"
    assert verdict(text, {}) == "needs_review"


def test_cns_disease_that_requires_radiation_never_excludes_alone():
    """NCT03181126: needing cranial radiation is for the study team; CNS1 clears it."""
    text = ("Exclusion Criteria:\n\n* Participant has central nervous system (CNS) disease with "
            "cranial involvement that requires radiation.\n")
    assert verdict(text, {"cns_status": "cns3"}) != "not_eligible"
    assert verdict(text, {"cns_status": "cns1"}) == "likely_eligible"


def test_a_history_of_cns_involvement_excludes_a_cns3_answer():
    """NCT00003196: 'History of central nervous system (CNS) involvement with disease'."""
    text = ("Exclusion Criteria:\n\n* History of central nervous system (CNS) involvement with "
            "disease\n")
    assert verdict(text, {"cns_status": "cns3"}) == "not_eligible"
    assert verdict(text, {"cns_status": "cns1"}) == "likely_eligible"
    stroke = "Exclusion Criteria:\n\n* History of CNS disease such as stroke\n"
    assert verdict(stroke, {"cns_status": "cns3"}) != "not_eligible"


# ------------------------------------------------------------------ findings: organ function
def test_a_liver_test_the_profile_lacks_is_left_to_the_study_team_never_converted():
    """NCT00002638: 'AST and/or GGT no greater than 3 times normal for age': AST is screened."""
    text = "Inclusion Criteria:\n\n* AST and/or GGT no greater than 3 times normal for age\n"
    assert verdict(text, {"organ_function": {"ast_x_uln": 5}}) == "not_eligible"
    assert verdict(text, {"organ_function": {"ast_x_uln": 1}}) == "likely_eligible"
    outcome = outcomes(text, {"organ_function": {"ast_x_uln": 1}})
    assert list(outcome.values())[-1] == "not_screened"  # GGT: for the study team


def test_got_gpt_and_alkaline_phosphatase_in_one_limit():
    """NCT02744768: 'AST (GOT), ALT (GPT), and AP <2 x upper limit of normal (ULN).'"""
    text = ("Inclusion Criteria:\n\n* AST (GOT), ALT (GPT), and AP <2 x upper limit of normal "
            "(ULN).\n")
    assert verdict(text, {"organ_function": {"alt_x_uln": 3, "ast_x_uln": 1}}) == "not_eligible"
    assert verdict(text, {"organ_function": {"alt_x_uln": 1, "ast_x_uln": 1}}) != "not_eligible"


def test_creatinine_in_mg_dl_is_not_converted_and_the_clearance_beside_it_excludes():
    """NCT00003838: 'Serum creatinine greater than 2.5 mg/dl or creatinine clearance less than
    50 cc/min by 24 hr urine collection'."""
    text = ("Exclusion Criteria:\n\n* Serum creatinine greater than 2.5 mg/dl or creatinine "
            "clearance less than 50 cc/min by 24 hr urine collection\n")
    assert verdict(text, {"organ_function": {"creatinine_clearance_ml_min": 30}}) == "not_eligible"
    assert verdict(text, {"organ_function": {"creatinine_clearance_ml_min": 70}}) != "not_eligible"
    both = ("Exclusion Criteria:\n\n* Serum creatinine greater than 1.5 mg/dl and creatinine "
            "clearance less than 50 mL/min, by 24 hr urine collection\n")
    assert verdict(both, {"organ_function": {"creatinine_clearance_ml_min": 30}}) != "not_eligible"


def test_transaminases_above_a_limit_exclude_when_either_is_above_it():
    """NCT00003838: 'transaminases greater than 5x upper limit of normal' (bilirubin in mg/dl
    beside it is not converted)."""
    text = ("Exclusion Criteria:\n\n* Serum bilirubin greater than 4 mg/dl, transaminases "
            "greater than 5x upper limit of normal,\n")
    assert verdict(text, {"organ_function": {"alt_x_uln": 6, "ast_x_uln": 1}}) == "not_eligible"
    assert verdict(text, {"organ_function": {"alt_x_uln": 1, "ast_x_uln": 1}}) != "not_eligible"


# ------------------------------------------------------------------ findings: performance
def test_one_threshold_on_both_scales_whatever_the_age_split():
    """NCT03236857: Lansky for 16 and under, Karnofsky above 16, both at least 50."""
    text = ("Inclusion Criteria:\n\n* Participants less than or equal to 16 years of age must "
            "have performance status of Lansky greater than or equal to 50% and participants "
            "greater than 16 years of age must have performance status of Karnofsky greater "
            "than or equal to 50%.\n")
    low = {"performance_status": {"scale": "lansky", "score": 40}}
    assert verdict(text, {"age": {"years": 8}, **low}) == "not_eligible"
    assert verdict(text, {"age": {"years": 8}, "performance_status": {
        "scale": "lansky", "score": 60}}) == "likely_eligible"


def test_a_pointer_to_guidelines_is_not_a_condition():
    """NCT00003838: 'ECOG performance status of 3 or more (See NIH ... Guidelines ...)'."""
    text = ("Exclusion Criteria:\n\n* ECOG performance status of 3 or more (See NIH Bone and "
            "Marrow Consortium Supportive Care Guidelines for Allogeneic Hematopoietic Stem "
            "Cell Transplantation)\n")
    assert verdict(text, {"performance_status": {"scale": "ecog", "score": 3}}) == "not_eligible"
    assert verdict(text, {"performance_status": {"scale": "ecog", "score": 1}}) == "likely_eligible"


def test_the_csf_definition_of_cns3_is_cns3():
    """NCT00002704: 'More than 5 WBC/microliter in cerebrospinal fluid (CSF) with blasts on
    cytospin OR immunophenotypic proof (encouraged) of relapse in CSF'."""
    text = ("Inclusion Criteria:\n\n* More than 5 WBC/microliter in cerebrospinal fluid (CSF) "
            "with blasts on cytospin OR immunophenotypic proof (encouraged) of relapse in CSF\n")
    assert verdict(text, {"cns_status": "cns3"}) == "likely_eligible"
    assert verdict(text, {"cns_status": "cns1"}) != "not_eligible"  # the other proof: team
    assert verdict(text, {}) == "needs_review"


def test_acute_or_chronic_active_hepatitis_is_the_active_hepatitis_answer():
    """NCT02625480: 'History of HIV infection or acute / chronic active hepatitis B or C'."""
    text = ("Exclusion Criteria:\n\n* History of human immunodeficiency virus (HIV) infection or "
            "acute / chronic active hepatitis B or C infection.\n")
    assert verdict(text, {"infections": {"hepatitis_b": True}}) == "not_eligible"
    assert verdict(text, {"infections": {"hiv": False, "hepatitis_b": False,
                                         "hepatitis_c": False}}) == "likely_eligible"


def test_an_all_cohort_exclusion_asks_the_diagnosis_only_when_it_could_exclude():
    """NCT02625480: what we read does not apply and the rest is the team's: the diagnosis,
    unknown, cannot decide it, so it is not asked for."""
    text = ("Exclusion Criteria for the ALL Cohort:\n\n* Presence or suspicion of fungal, "
            "bacterial, viral, or other infection that is uncontrolled or requiring IV "
            "antimicrobials for management.\n")
    assert verdict(text, CONTROLLED) == "likely_eligible"
    assert verdict(text, UNCONTROLLED) == "needs_review"  # ALL? then excluded
    assert verdict(text, {"diagnosis": "b_all", **UNCONTROLLED}) == "not_eligible"
    assert verdict(text, {"diagnosis": "other", **UNCONTROLLED}) != "not_eligible"


def test_non_ds_is_without_down_syndrome():
    """NCT03914625's wording: 'Non-DS B-ALL patients with central nervous system [CNS]3 leukemia'
    excludes CNS3 B-ALL without Down syndrome, never a child with Down syndrome."""
    text = ("Exclusion Criteria:\n\n* Non-DS B-ALL patients with central nervous system [CNS]3 "
            "leukemia\n")
    cns3 = {"diagnosis": "b_all", "cns_status": "cns3"}
    assert verdict(text, {**cns3, "down_syndrome": False}) == "not_eligible"
    assert verdict(text, {**cns3, "down_syndrome": True}) == "likely_eligible"


def test_no_significant_systemic_illness_such_as_infection():
    """NCT00003528: an uncontrolled infection is a significant systemic illness."""
    text = "Inclusion Criteria:\n\n* No significant systemic illness such as infection\n"
    assert verdict(text, UNCONTROLLED) == "not_eligible"
    assert verdict(text, CONTROLLED) != "not_eligible"


def test_cns_involvement_required_with_a_qualifier_never_rules_out_cns2():
    """CNS2 may be 'CNS involvement': read only where it excludes, never as a requirement."""
    text = "Inclusion Criteria:\n\n* CNS involvement requiring intrathecal therapy\n"
    assert verdict(text, {"cns_status": "cns2"}) != "not_eligible"


def test_shortening_fraction_or_ejection_fraction_is_an_alternative_the_team_checks():
    """COG wording: 'Shortening fraction of >= 27% by echocardiogram, or ejection fraction of
    >= 50% by radionuclide angiogram': an LVEF of 55 meets it, a low one is for the team."""
    text = ("Inclusion Criteria:\n\n* Shortening fraction of ≥ 27% by echocardiogram, or "
            "ejection fraction of ≥ 50% by radionuclide angiogram\n")
    assert verdict(text, {"organ_function": {"lvef_percent": 55}}) == "likely_eligible"
    assert verdict(text, {"organ_function": {"lvef_percent": 40}}) != "not_eligible"


def test_infection_s_is_a_plural():
    text = "Exclusion Criteria:\n\n* Active uncontrolled bacterial, viral, or fungal infection(s)\n"
    assert verdict(text, UNCONTROLLED) == "not_eligible"
    assert verdict(text, CONTROLLED) == "likely_eligible"


def test_planning_a_pregnancy_is_another_alternative_of_the_exclusion():
    text = ("Exclusion Criteria:\n\n* Women who are pregnant, breastfeeding, or planning to "
            "become pregnant\n")
    assert verdict(text, {"pregnant_or_breastfeeding": True}) == "not_eligible"
    assert verdict(text, {"pregnant_or_breastfeeding": False}) == "likely_eligible"


def test_an_exception_to_bilirubin_leaves_the_other_organ_limits_standing():
    """NCT02625480: 'Total bilirubin <= 1.5 x ULN, except in individuals with Gilbert's
    syndrome' makes no exception to creatinine clearance or ALT/AST."""
    text = ("Inclusion Criteria:\n\n* Adequate renal and hepatic function defined as:\n"
            "  - Creatinine clearance (as estimated by Cockcroft Gault or Schwartz) ≥ 60 mL/min\n"
            "  - Serum alanine aminotransferase (ALT)/aspartate aminotransferase (AST) ≤ 5 x "
            "upper limit of normal (ULN)\n"
            "  - Total bilirubin ≤ 1.5 x ULN, except in individuals with Gilbert's syndrome\n")
    assert verdict(text, {"organ_function": {"creatinine_clearance_ml_min": 30}}) == "not_eligible"
    assert verdict(text, {"organ_function": {"bilirubin_x_uln": 3}}) != "not_eligible"


def test_equal_or_greater_than_is_at_least():
    """NCT02744768: 'Creatinine clearance equal or greater than 50 mL/min.'"""
    text = "Inclusion Criteria:\n\n* Creatinine clearance equal or greater than 50 mL/min.\n"
    assert verdict(text, {"organ_function": {"creatinine_clearance_ml_min": 50}}
                   ) == "likely_eligible"
    assert verdict(text, {"organ_function": {"creatinine_clearance_ml_min": 30}}) == "not_eligible"


# ------------------------------------------------------------------ therapies, transplant, GVHD
AFTER_TRANSPLANT = {"age": {"years": 12}, "diagnosis": "b_all", "disease_status": "relapsed",
                    "prior_therapies": [{"therapy": "allogeneic_hsct",
                                         "months_since_last_dose": 14}]}


@pytest.mark.parametrize("text", [
    "Presence of Grade 2 to 4 acute or extensive chronic graft-versus-host disease (GVHD)",
    "Stem Cell Transplant patients only: active acute graft-versus-host disease (GVHD) overall "
    "Grade ≥ II (Seattle criteria) or moderate/severe chronic GVHD (NIH consensus criteria) "
    "requiring systemic steroids",
    "Active acute or chronic Graft-versus-Host Disease (GvHD) requiring systemic use therapy "
    "within 4 weeks before UCART19 infusion",
])
def test_a_gvhd_grade_the_profile_cannot_see_asks_and_never_excludes(text):
    """Active GVHD of unknown grade goes to the study team; no GVHD clears it; unknown asks."""
    text = "Inclusion Criteria:\n\n* Relapsed B-cell ALL\n\nExclusion Criteria:\n\n* " + text
    assert verdict(text, {**AFTER_TRANSPLANT, "active_gvhd": True}) == "likely_eligible"
    assert verdict(text, {**AFTER_TRANSPLANT, "active_gvhd": False}) == "likely_eligible"
    assert verdict(text, AFTER_TRANSPLANT) == "needs_review"


def test_gvhd_rules_for_transplanted_patients_ask_only_them():
    """'For subjects with a prior transplant, <= grade 1 skin GVHD. No gut GVHD.': for them only."""
    text = ("Inclusion Criteria:\n\n* For subjects with a prior history of stem cell "
            "transplantation, had ≤ Grade 1 active skin graft-versus-host disease (GVHD). No "
            "active gastrointestinal or liver graft-versus-host disease.\n")
    assert verdict(text, {"prior_therapies": []}) == "likely_eligible"
    assert verdict(text, {**AFTER_TRANSPLANT, "active_gvhd": False}) == "likely_eligible"
    assert verdict(text, {**AFTER_TRANSPLANT, "active_gvhd": True}) == "likely_eligible"
    assert verdict(text, AFTER_TRANSPLANT) == "needs_review"


@pytest.mark.parametrize(("text", "therapy"), [
    ("Exclusion Criteria:\n\n* Patients who are currently receiving another investigational "
     "drug", "investigational_agent"),
    ("Inclusion Criteria:\n\n* No concurrent systemic steroid therapy", "corticosteroids"),
    ("Inclusion Criteria:\n\n* No concurrent biologic therapy", "blinatumomab"),
    ("Exclusion Criteria:\n\n* Concurrent therapy with any other investigational agent or "
     "cytotoxic drug,", "clofarabine"),
])
def test_currently_receiving_a_therapy_asks_and_never_excludes_alone(text, therapy):
    """'Currently receiving X': a dose last month raises the question; an old one clears it."""
    def on(months):
        return {"prior_therapies": [{"therapy": therapy, "months_since_last_dose": months}]}
    assert verdict(text, on(0)) == "likely_eligible"  # whether it goes on: the study team
    assert verdict(text, on(6)) == "likely_eligible"
    assert verdict(text, {"prior_therapies": [{"therapy": therapy}]}) == "needs_review"
    assert verdict(text, {"prior_therapies": []}) == "likely_eligible"


@pytest.mark.parametrize("text", [
    "Inclusion Criteria:\n\n* No other concurrent anticancer therapy or investigational agents",
    "Inclusion Criteria:\n\n* No concurrent radiotherapy",
    "Inclusion Criteria:\n\n* Concurrent steroids",  # never a requirement
    "Exclusion Criteria:\n\n* Concurrent CAR T-cell therapy",  # given once, never "current"
])
def test_current_therapies_readers_do_not_agree_on_are_left_to_the_study_team(text):
    trial = trial_from_study(study(text))
    assert all(c.rule is None for c in trial.criteria if c.id not in ("age", "sex"))


def test_a_wait_since_a_therapy_and_recovered_reads_the_wait():
    """'At least 8 weeks since prior cranial irradiation and recovered': the wait excludes."""
    text = "Inclusion Criteria:\n\n* At least 8 weeks since prior cranial irradiation and recovered"

    def rt(months):
        return {"prior_therapies": [{"therapy": "cranial_radiation",
                                     "months_since_last_dose": months}]}
    assert verdict(text, rt(0)) == "not_eligible"
    assert verdict(text, rt(1)) == "likely_eligible"  # 1 to 2 months: 8 weeks is the study team's
    assert verdict(text, rt(6)) == "likely_eligible"


def test_no_prior_chemotherapy_leaves_an_intrathecal_dose_to_the_study_team():
    text = "Inclusion Criteria:\n\n* No prior chemotherapy"
    new = {"disease_status": "newly_diagnosed"}
    assert verdict(text, {**new, "prior_therapies": [
        {"therapy": "intrathecal_chemotherapy"}]}) == "likely_eligible"
    assert verdict(text, {**new, "prior_therapies": [{"therapy": "clofarabine"}]}) == \
        "not_eligible"
    assert verdict(text, {**new, "prior_therapies": []}) == "likely_eligible"


def test_endocrine_therapy_may_be_steroids_and_never_excludes_alone():
    text = "Inclusion Criteria:\n\n* Endocrine therapy:\n  - No prior endocrine therapy"
    assert verdict(text, {"prior_therapies": [{"therapy": "corticosteroids"}]}) == \
        "likely_eligible"
    assert verdict(text, {}) == "needs_review"


def test_no_gvhd_after_a_transplant_asks_only_people_with_a_donor_transplant():
    """'At least 6 months since prior BMT with no evidence of GVHD': the wait, and no GVHD after
    a donor transplant; someone never transplanted is asked nothing about GVHD."""
    text = ("Inclusion Criteria:\n\n* At least 6 months since prior bone marrow transplant with "
            "no evidence of graft-versus-host disease")
    assert verdict(text, {"prior_therapies": []}) == "likely_eligible"
    assert verdict(text, {**AFTER_TRANSPLANT, "active_gvhd": False}) == "likely_eligible"
    assert verdict(text, {**AFTER_TRANSPLANT, "active_gvhd": True}) == "not_eligible"
    assert verdict(text, AFTER_TRANSPLANT) == "needs_review"
    recent = {"prior_therapies": [{"therapy": "autologous_hsct", "months_since_last_dose": 2}]}
    assert verdict(text, recent) == "not_eligible"
    # never read as an excluding condition
    assert verdict("Exclusion Criteria:\n\n* No active GVHD", {"active_gvhd": False}) == \
        "likely_eligible"


@pytest.mark.parametrize("text", [
    "With the exception of steroid pretreatment or the administration of intrathecal methotrexate "
    "or intrathecal cytarabine, receipt of any other prior cytotoxic chemotherapy for either the "
    "current diagnosis of B-ALL or any cancer diagnosed prior to the initiation of protocol "
    "therapy on AALL15P1",
    "With the exception of steroid pretreatment or the administration of intrathecal cytarabine, "
    "patients must not have received any prior cytotoxic chemotherapy for either the current "
    "diagnosis of B ALL or B LLy or for any cancer diagnosed prior to initiation of protocol "
    "therapy on AALL1731.",
])
def test_an_exception_for_steroids_and_intrathecal_doses_keeps_the_chemotherapy_exclusion(text):
    """COG wording: cytotoxic chemotherapy excludes; the steroids and IT doses excepted do not."""
    text = "Exclusion Criteria:\n\n* " + text

    def had(*therapies):
        return {"prior_therapies": [{"therapy": t} for t in therapies]}
    assert verdict(text, had("multiagent_chemotherapy")) == "not_eligible"
    assert verdict(text, had("corticosteroids", "intrathecal_chemotherapy")) == "likely_eligible"


def test_an_exception_naming_something_else_leaves_the_criterion_to_the_study_team():
    text = "Exclusion Criteria:\n\n* With the exception of hydroxyurea, prior cytotoxic chemotherapy"
    assert verdict(text, {"prior_therapies": [{"therapy": "multiagent_chemotherapy"}]}) == \
        "likely_eligible"


def test_a_complication_of_an_earlier_therapy_asks_only_those_who_had_it():
    text = ("Exclusion Criteria:\n\n* History of CRS grade 4 related to previous CAR T cell "
            "therapy")
    assert verdict(text, {"prior_therapies": [{"therapy": "cd19_car_t"}]}) == "likely_eligible"
    assert verdict(text, {"prior_therapies": [{"therapy": "blinatumomab"}]}) == "likely_eligible"
    assert verdict(text, {}) == "needs_review"


def test_relapse_after_a_donor_transplant_excludes_leukemia_after_one_not_a_remission():
    text = ("Inclusion Criteria:\n\n* Relapsed B-cell ALL\n\nExclusion Criteria:\n\n"
            "* Relapse post allogeneic stem-cell transplantation")
    allo = {"prior_therapies": [{"therapy": "allogeneic_hsct", "months_since_last_dose": 10}],
            "diagnosis": "b_all", "disease_status": "relapsed"}
    assert verdict(text, {**allo, "in_remission": False}) == "not_eligible"
    assert verdict(text, {**allo, "in_remission": True}) == "likely_eligible"  # study team
    assert verdict(text, {**allo, "prior_therapies": []}) == "likely_eligible"


def test_failed_a_tki_is_met_by_a_refractory_answer_and_never_rules_out_a_responder():
    """'Ph+ patients must have failed at least one prior TKI': a relapse after a response is a
    failure too, which the profile's outcome cannot show: the study team decides that."""
    text = "Inclusion Criteria:\n\n* Ph+ patients must have failed at least one prior TKI"

    def ph(outcome):
        return {"philadelphia_chromosome": "positive",
                "prior_therapies": [{"therapy": "dasatinib", "outcome": outcome}]}
    assert verdict(text, ph("refractory")) == "likely_eligible"
    assert verdict(text, ph("responded")) == "likely_eligible"
    assert verdict(text, {"philadelphia_chromosome": "negative"}) == "likely_eligible"
    assert verdict(text, {"philadelphia_chromosome": "positive", "prior_therapies": []}) == \
        "not_eligible"  # no TKI yet: none failed


def test_whom_are_eligible_if_is_an_implication_with_alternatives():
    text = ("Inclusion Criteria:\n\n* Individuals with Ph+ disease are eligible if they are "
            "intolerant to tyrosine kinase inhibitor (TKI) therapy, or if they have "
            "relapsed/refractory disease despite treatment with at least 2 different TKIs")

    def ph(*items):
        return {"philadelphia_chromosome": "positive", "prior_therapies": list(items)}
    assert verdict(text, {"philadelphia_chromosome": "negative"}) == "likely_eligible"
    assert verdict(text, ph({"therapy": "imatinib", "outcome": "intolerant"})) == \
        "likely_eligible"
    assert verdict(text, ph({"therapy": "imatinib"}, {"therapy": "dasatinib"})) == \
        "likely_eligible"
    assert verdict(text, ph({"therapy": "imatinib", "outcome": "refractory"})) == "not_eligible"


def test_conditions_after_a_transplant_are_about_that_transplant():
    """'Patients with history of allogeneic SCT are eligible if at least 100 days
    post-transplant, if there is no evidence of active GVHD ...'"""
    text = ("Inclusion Criteria:\n\n* Patients with history of allogeneic stem cell "
            "transplantation are eligible if at least 100 days post-transplant, if there is no "
            "evidence of active GVHD and no longer taking immunosuppressive agents for at least "
            "30 days prior to enrollment.")

    def had(**allo):
        return {"prior_therapies": [{"therapy": "allogeneic_hsct", **allo},
                                    {"therapy": "autologous_hsct", "months_since_last_dose": 1}]}
    assert verdict(text, {"prior_therapies": []}) == "likely_eligible"
    assert verdict(text, {**had(months_since_last_dose=1), "active_gvhd": False}) == \
        "not_eligible"
    # the recent transplant is an autologous one: the donor transplant is 2 years ago
    assert verdict(text, {**had(months_since_last_dose=24), "active_gvhd": False}) == \
        "likely_eligible"


def test_eligible_if_never_requires_the_whom():
    """'Patients with Ph+ ALL are eligible if intolerant to TKI': nothing for Ph- patients."""
    text = "Inclusion Criteria:\n\n* Patients with Ph+ ALL are eligible if intolerant to TKI"
    assert verdict(text, {"philadelphia_chromosome": "negative", "diagnosis": "b_all"}) == \
        "likely_eligible"
    assert verdict(text, {"philadelphia_chromosome": "positive", "diagnosis": "b_all",
                          "prior_therapies": [{"therapy": "imatinib",
                                               "outcome": "intolerant"}]}) == "likely_eligible"


def test_a_therapy_allowed_if_conditions_applies_them_to_those_who_had_it():
    text = ("Inclusion Criteria:\n\n* Prior allogeneic stem cell transplant is allowed if > 3 "
            "months from transplant and no active GVHD")

    def allo(months, **more):
        return {"prior_therapies": [{"therapy": "allogeneic_hsct",
                                     "months_since_last_dose": months}], **more}
    assert verdict(text, {"prior_therapies": []}) == "likely_eligible"
    assert verdict(text, allo(12, active_gvhd=False)) == "likely_eligible"
    assert verdict(text, allo(12, active_gvhd=True)) == "not_eligible"
    assert verdict(text, allo(1, active_gvhd=False)) == "not_eligible"


@pytest.mark.parametrize(("text", "therapy"), [
    ("Exclusion Criteria:\n\n* Patients receiving any other investigational agents",
     "investigational_agent"),
    ("Inclusion Criteria:\n\n* Patients must not be receiving steroids", "corticosteroids"),
])
def test_patients_receiving_x_is_currently_receiving(text, therapy):
    """A dose last month only raises the question; no answer asks."""
    assert verdict(text, {"prior_therapies": [{"therapy": therapy,
                                               "months_since_last_dose": 0}]}) == "likely_eligible"
    assert verdict(text, {"prior_therapies": [{"therapy": therapy}]}) == "needs_review"


def test_a_sentence_on_something_else_after_for_whom_is_for_everyone():
    text = ("Inclusion Criteria:\n\n* For patients with Ph+ ALL, prior treatment with imatinib. "
            "No active GVHD.")
    after = {"philadelphia_chromosome": "negative", "diagnosis": "b_all", "active_gvhd": True,
             "prior_therapies": [{"therapy": "allogeneic_hsct", "months_since_last_dose": 12}]}
    assert verdict(text, after) == "not_eligible"  # the GVHD sentence is not only for Ph+


def test_current_hormonal_therapy_is_not_read_as_steroids():
    text = "Inclusion Criteria:\n\n* No concurrent hormonal therapy"
    assert verdict(text, {"prior_therapies": [{"therapy": "corticosteroids"}]}) == \
        "likely_eligible"


def test_a_wait_in_days_is_said_in_days_once_never_as_a_fraction_of_months():
    # NCT02315612: "... eligible if at least 100 days post-transplant ..."
    trial = trial_from_study(study(
        "Inclusion Criteria:\n- Patients with history of allogeneic stem cell transplantation "
        "are eligible if at least 100 days post-transplant, if there is no evidence of active "
        "GVHD and no longer taking immunosuppressive agents for at least 30 days prior to "
        "enrollment.\n"))
    plain = next(c.plain for c in trial.criteria if c.id == "inc-1")
    assert "100 days" in plain["en"] and "3.285" not in plain["en"], plain["en"]
    assert plain["en"].count("100 days") == 1 and "3 months" not in plain["en"]
    assert "100 días" in plain["es"] and "3,285" not in plain["es"], plain["es"]


@pytest.mark.parametrize("line", ["Diagnosed before the age of 22 years",
                                  "At diagnosis, patients must be aged 1 to 21 years"])
def test_a_maximum_age_counted_at_diagnosis_lets_in_someone_older_today(line):
    # the structured maximum (21) is met by an age at diagnosis within it
    text = f"Inclusion Criteria:\n- {line}\n"
    person = {"age": {"years": 23}, "age_at_diagnosis": {"years": 20}, "diagnosis": "b_all"}
    assert verdict(text, person, minimumAge="1 Year", maximumAge="21 Years") != "not_eligible"
    older = {**person, "age_at_diagnosis": {"years": 23}}
    assert verdict(text, older, minimumAge="1 Year", maximumAge="21 Years") == "not_eligible"


def test_a_cohorts_criterion_says_which_part_of_the_study_it_is_for():
    # ZUMA-4 (NCT02625480): the ALL cohort's exclusions, beside an NHL cohort
    import json
    from pathlib import Path
    record = Path(__file__).parent / "data" / "studies" / "NCT02625480.json"
    trial = trial_from_study(json.loads(record.read_text("utf-8")))
    infection = next(c for c in trial.criteria if c.text.startswith("Presence or suspicion"))
    assert infection.plain["en"].startswith("An infection that is not under control")
    assert "(in the part of the study for: type of ALL is one of" in infection.plain["en"]
    assert "(en la parte del estudio para: tipo de LLA" in infection.plain["es"]
    for words in (infection.plain["en"], infection.plain["es"]):
        assert "or not (" not in words and " o no (" not in words, words


@pytest.mark.parametrize("text", [
    "Inclusion Criteria:\n- Patients in first or second complete remission with MRD >= 10^-3\n",
    "Inclusion Criteria:\n- ALL in CR1 or CR2 with MRD >= 10^-3\n",
])
def test_first_or_second_remission_takes_a_first_remission(text):
    # a first remission is one of the two: someone never relapsed is not ruled out
    adult = {"age": {"years": 40}, "diagnosis": "b_all", "disease_status": "newly_diagnosed",
             "relapse_count": 0, "in_remission": True, "mrd": {"status": "positive",
                                                               "level": 0.01}}
    assert verdict(text, adult) == "likely_eligible"
    assert verdict(text, {**adult, "in_remission": False}) == "not_eligible"


def test_can_be_enrolled_is_a_permission_not_a_requirement():
    # NCT03441061: "Patients with Philadelphia chromosome (Ph)+ ALL can be enrolled in CR1 or
    # CR2 and beyond." lets Ph+ patients in; it requires nothing of anyone else
    text = ("Inclusion Criteria:\n- Patients with Philadelphia chromosome (Ph)+ ALL can be "
            "enrolled in CR1 or CR2 and beyond.\n")
    adult = {"age": {"years": 40}, "diagnosis": "b_all", "philadelphia_chromosome": "negative",
             "in_remission": False}
    assert verdict(text, adult) != "not_eligible"


@pytest.mark.parametrize(("text", "field"), [
    ("Hepatitis B surface antigen positive", "hepatitis_b"),
    ("Positive hepatitis C antibody", "hepatitis_c"),
])
def test_hepatitis_named_by_its_test_excludes_active_hepatitis(text, field):
    exclusion = f"Exclusion Criteria:\n- {text}\n"
    adult = {"age": {"years": 30}, "diagnosis": "b_all"}
    assert verdict(exclusion, {**adult, "infections": {field: True}}) == "not_eligible"
    # "no active hepatitis" does not clear a positive test (it may be past or latent)
    assert verdict(exclusion, {**adult, "infections": {field: False}}) != "not_eligible"


def test_a_history_of_seizures_excludes_a_seizure_disorder():
    text = "Exclusion Criteria:\n- History of seizures\n"
    child = {"age": {"years": 8}, "diagnosis": "b_all"}
    assert verdict(text, {**child, "seizure_disorder": True}) == "not_eligible"
    assert verdict(text, {**child, "seizure_disorder": False}) == "likely_eligible"


def test_an_age_over_n_that_excludes_leaves_someone_aged_n_to_the_study_team():
    # "> 75 years" as an exclusion: 76 and older are excluded; at 75 completed years the
    # person may or may not be over 75 -- never "not eligible" on it
    text = "Exclusion Criteria:\n- Age > 75 years\n"
    assert verdict(text, {"age": {"years": 76}}) == "not_eligible"
    assert verdict(text, {"age": {"years": 75}}) != "not_eligible"
    assert verdict(text, {"age": {"years": 74}}) == "likely_eligible"
    # "75 or older" is no such doubt
    assert verdict("Exclusion Criteria:\n- Age >= 75 years\n",
                   {"age": {"years": 75}}) == "not_eligible"


def test_a_bracket_that_defines_a_negated_condition_is_not_negated_too():
    # "not in remission (M2 or M3 marrow)" must never require an M1 marrow
    text = "Inclusion Criteria:\n- Patients not in remission (M2 or M3 marrow)\n"
    adult = {"age": {"years": 40}, "diagnosis": "b_all", "disease_status": "relapsed",
             "in_remission": False, "marrow_blasts_percent": 40}
    assert verdict(text, adult) != "not_eligible"


def test_no_upper_age_limit_in_the_text_leaves_older_people_to_the_study_team():
    text = "Inclusion Criteria:\n- Relapsed ALL. There is no upper age limit.\n"
    old = {"age": {"years": 80}, "diagnosis": "b_all", "disease_status": "relapsed"}
    assert verdict(text, old, minimumAge="18 Years", maximumAge="65 Years") != "not_eligible"
    assert verdict(text, {**old, "age": {"years": 12}}, minimumAge="18 Years",
                   maximumAge="65 Years") == "not_eligible"


@pytest.mark.parametrize("words", ["B-cell precursor ALL", "pre-B ALL", "common ALL"])
def test_b_lineage_names_are_b_all_and_never_let_t_all_in(words):
    text = (f"Inclusion Criteria:\n- Patients with relapsed or refractory {words} with > 5% "
            "blasts in the bone marrow\n")
    teen = {"age": {"years": 15}, "disease_status": "relapsed", "relapse_count": 1,
            "marrow_blasts_percent": 30}
    assert verdict(text, {**teen, "diagnosis": "t_all"}) == "not_eligible"
    assert verdict(text, {**teen, "diagnosis": "b_all"}) == "likely_eligible"


def test_required_for_some_patients_is_required_of_them_only():
    text = "Inclusion Criteria:\n- Prior treatment with a TKI is required for Ph+ patients\n"
    adult = {"age": {"years": 40}, "diagnosis": "b_all", "disease_status": "relapsed"}
    # a Ph-negative patient is not asked for a TKI, nor ruled out for not being Ph+
    assert verdict(text, {**adult, "philadelphia_chromosome": "negative"}) == "likely_eligible"
    ph = {**adult, "philadelphia_chromosome": "positive"}
    assert verdict(text, {**ph, "prior_therapies": []}) == "not_eligible"
    assert verdict(text, {**ph, "prior_therapies": [
        {"therapy": "dasatinib", "months_since_last_dose": 1}]}) == "likely_eligible"


def test_an_age_that_says_for_whom_is_no_age_limit():
    text = "Inclusion Criteria:\n- Patients 18 years of age or older must have ECOG 0-2\n"
    child = {"age": {"years": 9}, "diagnosis": "b_all",
             "performance_status": {"scale": "lansky", "score": 60}}
    assert verdict(text, child) != "not_eligible"
    adult = {"age": {"years": 30}, "diagnosis": "b_all",
             "performance_status": {"scale": "ecog", "score": 3}}
    assert verdict(text, adult) == "not_eligible"


def test_what_the_study_will_do_is_not_a_criterion():
    text = "Inclusion Criteria:\n- Patients with CNS3 disease will receive cranial radiation\n"
    child = {"age": {"years": 9}, "diagnosis": "b_all", "cns_status": "cns1"}
    assert verdict(text, child) == "likely_eligible"


def test_a_bracket_that_requires_something_of_some_patients_is_not_required_of_all():
    text = "Inclusion Criteria:\n- B-ALL (Ph+ patients must have failed a TKI)\n"
    adult = {"age": {"years": 40}, "diagnosis": "b_all", "philadelphia_chromosome": "negative"}
    assert verdict(text, adult) != "not_eligible"
    assert verdict(text, {**adult, "diagnosis": "t_all"}) == "not_eligible"
    # an exception in brackets still only weakens the limit beside it (NCT00002665)
    bili = ("Inclusion Criteria:\n- Bilirubin no greater than 2 times normal (unless elevation "
            "due to leukemia)\n")
    high = {"age": {"years": 40}, "organ_function": {"bilirubin_x_uln": 3}}
    assert verdict(bili, high) != "not_eligible"


def test_primary_refractory_takes_refractory_disease_only():
    text = ("Inclusion Criteria:\n- Primary refractory ALL (failure to achieve CR after 2 "
            "induction cycles)\n")
    teen = {"age": {"years": 16}, "diagnosis": "b_all"}
    assert verdict(text, {**teen, "disease_status": "relapsed", "relapse_count": 1}) == \
        "not_eligible"
    assert verdict(text, {**teen, "disease_status": "refractory"}) != "not_eligible"


def test_an_age_and_a_colon_say_for_whom_each_scale_is():
    text = ("Inclusion Criteria:\n- Participants >= 18 years: ECOG <= 2; participants < 18 years: "
            "Lansky >= 50\n")
    child = {"age": {"years": 9}, "diagnosis": "b_all",
             "performance_status": {"scale": "lansky", "score": 50}}
    assert verdict(text, child) == "likely_eligible"
    adult = {"age": {"years": 30}, "diagnosis": "b_all",
             "performance_status": {"scale": "ecog", "score": 3}}
    assert verdict(text, adult) == "not_eligible"


@pytest.mark.parametrize(("line", "other"), [
    ("Ph+ patients: must have received at least one TKI", {"philadelphia_chromosome": "negative"}),
    ("Patients with Down syndrome: ALT <= 5 x ULN", {"down_syndrome": False}),
    ("T-ALL: CD19 not required", {"diagnosis": "b_all", "cd19": "positive"}),
    ("Ph+ ALL: failed or intolerant to at least one prior TKI",
     {"philadelphia_chromosome": "negative"}),
    ("Ph-positive patients: must have failed or be intolerant to imatinib or dasatinib",
     {"philadelphia_chromosome": "negative"}),
])
def test_a_head_over_one_statement_is_for_whom_it_is_said(line, other):
    # never a requirement of everyone: someone the head does not name is not ruled out
    text = f"Inclusion Criteria:\n- {line}\n"
    person = {"age": {"years": 12}, "diagnosis": "b_all", **other}
    assert verdict(text, person) != "not_eligible"


def test_a_subgroup_head_over_alternatives_still_binds_its_own_people():
    """'Ph+ ALL: failed or intolerant to ...' lists alternatives for Ph+ people only: a Ph+
    patient who never had a TKI is ruled out; one intolerant of imatinib is not."""
    text = "Inclusion Criteria:\n- Ph+ ALL: failed or intolerant to at least one prior TKI\n"
    ph = {"age": {"years": 30}, "diagnosis": "b_all", "philadelphia_chromosome": "positive",
          "prior_therapies": []}
    assert verdict(text, ph) == "not_eligible"
    tried = {**ph, "prior_therapies": [{"therapy": "imatinib", "outcome": "intolerant"}]}
    assert verdict(text, tried) == "likely_eligible"


def test_a_head_over_one_statement_still_binds_the_people_it_names():
    text = "Inclusion Criteria:\n- Ph+ patients: must have received at least one TKI\n"
    ph = {"age": {"years": 30}, "diagnosis": "b_all", "philadelphia_chromosome": "positive",
          "prior_therapies": []}
    assert verdict(text, ph) == "not_eligible"


def test_counts_of_relapses():
    at_most = "Inclusion Criteria:\n- No more than 2 prior relapses\n"
    teen = {"age": {"years": 15}, "diagnosis": "b_all", "disease_status": "relapsed"}
    assert verdict(at_most, {**teen, "relapse_count": 3}) == "not_eligible"
    assert verdict(at_most, {**teen, "relapse_count": 2}) == "likely_eligible"
    assert verdict(at_most, {**teen, "disease_status": "newly_diagnosed"}) == "likely_eligible"
    third = "Exclusion Criteria:\n- Third or greater relapse\n"
    assert verdict(third, {**teen, "relapse_count": 3}) == "not_eligible"
    assert verdict(third, {**teen, "relapse_count": 2}) == "likely_eligible"


def test_a_requirement_for_the_age_named_after_it_binds_only_that_age():
    """'Creatinine clearance >= 60 mL/min for patients 16 years or older': a child is not
    held to it; a 30-year-old is."""
    text = ("Inclusion Criteria:\n- Creatinine clearance >= 60 mL/min for patients aged 16 "
            "years or older\n")
    low = {"diagnosis": "b_all", "organ_function": {"creatinine_clearance_ml_min": 40}}
    assert verdict(text, {**low, "age": {"years": 9}}) == "likely_eligible"
    assert verdict(text, {**low, "age": {"years": 30}}) == "not_eligible"
