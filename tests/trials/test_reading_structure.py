"""The layout of a criterion, on registry wording: sub-items, alternatives, cohorts, lists.

Every test screens a profile against a study record built from the text, so what is
asserted is what a patient would see: a criterion whose pieces are each readable is
screened on them, an unread piece never erases the readable ones, an alternative never
rules anyone out unless every alternative is known to fail, and a later criterion is
never swallowed into an earlier list.
"""

from screener.eligibility import screen
from screener.profile import validate_profile
from screener.trials.study import trial_from_study


def study(text: str, **eligibility) -> dict:
    module = {"eligibilityCriteria": text, **eligibility}
    return {"protocolSection": {"identificationModule": {"nctId": "NCT09999999",
                                                         "briefTitle": "A study"},
                                "eligibilityModule": module}}


def result(text: str, profile: dict):
    trial = trial_from_study(study(text))
    return screen(validate_profile({"profile_version": 1, **profile}), trial)


def verdict(text: str, profile: dict) -> str:
    return result(text, profile).verdict


def outcome(text: str, profile: dict, starts: str) -> str:
    """The outcome of the one criterion whose text starts with ``starts``."""
    found = [c.outcome for c in result(text, profile).criteria if c.text.startswith(starts)]
    assert len(found) == 1, found
    return found[0]


# ------------------------------------------------------------------ sub-items that refine
# NCT00002638 (classic plain text, NCI summary): a statement, its details indented below.
SECOND_REMISSION = """
        DISEASE CHARACTERISTICS:

          -  Diagnosis of acute lymphoblastic leukemia

               -  Pathologic evidence of relapse in marrow, CNS, or testes

               -  In second or later complete remission

          -  Ineligible for allogeneic transplantation:

               -  No suitable allogeneic donor OR

               -  Ineligible for preparative regimen including total-body irradiation
"""


def test_a_statement_and_its_details_are_each_required():
    """Newly diagnosed T-ALL in first remission has never relapsed: not this study."""
    first = {"diagnosis": "t_all", "disease_status": "newly_diagnosed", "relapse_count": 0,
             "in_remission": True}
    assert outcome(SECOND_REMISSION, first, "Diagnosis of acute") == "not_met"
    assert verdict(SECOND_REMISSION, first) == "not_eligible"


def test_a_statement_with_details_is_met_when_every_detail_is_read():
    """A child in second remission meets it: a relapse "in marrow, CNS, or testes" is any
    relapse, so every detail is read and none is left unread to hold back a "met"."""
    second = {"diagnosis": "b_all", "disease_status": "relapsed", "relapse_count": 1,
              "in_remission": True}
    assert outcome(SECOND_REMISSION, second, "Diagnosis of acute") == "met"
    assert verdict(SECOND_REMISSION, second) != "not_eligible"


def test_a_statement_with_details_never_says_met_on_what_it_read():
    """With a detail left unread, a child in second remission is not ruled out, and the
    unread detail goes to the team."""
    text = SECOND_REMISSION.replace("relapse in marrow, CNS, or testes",
                                    "relapse confirmed by the study pathologist")
    second = {"diagnosis": "b_all", "disease_status": "relapsed", "relapse_count": 1,
              "in_remission": True}
    assert outcome(text, second, "Diagnosis of acute") == "not_screened"
    assert verdict(text, second) != "not_eligible"


# NCT00006008: a detail that lets more people in is a permission, never a requirement.
MORPHOLOGY = """
        DISEASE CHARACTERISTICS:

          -  Morphologically proven acute lymphoblastic leukemia (ALL)

               -  Subtypes L1, L2, or L3

               -  Bone marrow morphology with greater than 25% lymphoblasts

               -  ALL morphology and cytochemistry with myeloid markers eligible
"""


def test_a_detail_that_permits_never_narrows_the_statement():
    mixed = {"diagnosis": "mixed_phenotype", "marrow_blasts_percent": 60}
    assert verdict(MORPHOLOGY, mixed) != "not_eligible"


def test_the_other_details_of_a_statement_with_a_permission_are_still_screened():
    few_blasts = {"diagnosis": "b_all", "marrow_blasts_percent": 10}
    assert outcome(MORPHOLOGY, few_blasts, "Morphologically") == "not_met"


def test_a_detail_about_another_group_of_patients_leaves_the_statement_unread():
    """NCT00003861: the APL patients of the sub-item need not have newly diagnosed ALL."""
    text = ("Inclusion Criteria:\n\n"
            "* Patients with a diagnosis of acute lymphoblastic leukemia (ALL) entered onto "
            "CALGB treatment trials for previously untreated ALL must be enrolled on CALGB "
            "9862.\n"
            "  * Patients with a diagnosis of acute promyelocytic leukemia (APL) enrolled on "
            "SWOG S0521 or S0535 must be enrolled on CALGB 9862.\n")
    assert verdict(text, {"diagnosis": "other", "disease_status": "relapsed"}) != "not_eligible"


def test_a_detail_that_opens_its_own_list_ends_what_is_required():
    """NCT00005603-like: the items after 'meets 1 of the following' are its alternatives."""
    text = ("Inclusion Criteria:\n\n"
            "* Diagnosis of B-cell precursor acute lymphoblastic leukemia\n"
            "  * Meets criteria for 1 of the following:\n"
            "  * Any age with WBC > 100,000/mm^3\n"
            "  * CNS 3 disease\n")
    low_count = {"diagnosis": "b_all", "wbc_at_diagnosis_per_ul": 20000, "cns_status": "cns1"}
    assert verdict(text, low_count) != "not_eligible"
    assert verdict(text, {"diagnosis": "t_all"}) == "not_eligible"


def test_an_exclusion_with_an_unread_detail_never_excludes_alone():
    """'Active infection / - requiring intravenous antibiotics': the detail narrows it."""
    text = ("Inclusion Criteria:\n\n* Relapsed B-cell ALL\n\nExclusion Criteria:\n\n"
            "* Uncontrolled infection\n"
            "  * Requiring ongoing intravenous antibiotics at the time of enrollment\n")
    infected = {"diagnosis": "b_all", "disease_status": "relapsed", "relapse_count": 1,
                "infections": {"uncontrolled_infection": True}}
    assert verdict(text, infected) != "not_eligible"


# ------------------------------------------------------------------ alternatives
# NCT02435849 (ELIANA): a statement, then numbered situations joined by "OR".
ELIANA = """Inclusion Criteria:

* Relapsed or refractory pediatric B-cell ALL.

  1. 2nd or greater Bone Marrow (BM) relapse OR.
  2. Any BM relapse after allogeneic stem cell transplantation (SCT) and must be ≥ 6 \
months from SCT at the time of CTL019 infusion OR.
  3. Primary refractory as defined by not achieving a CR after 2 cycles of a standard \
chemotherapy regimen OR.
  4. Patients with Philadelphia chromosome positive (Ph+) ALL are eligible if they are \
intolerant to or have failed 2 lines of tyrosine kinase inhibitor therapy (TKI) OR.
  5. Ineligible for allogeneic SCT.
"""


def test_numbered_situations_joined_by_or_are_alternatives():
    """A first relapse may be one of the unseen situations: never ruled out on the list."""
    first_relapse = {"diagnosis": "b_all", "disease_status": "relapsed", "relapse_count": 1}
    assert verdict(ELIANA, first_relapse) != "not_eligible"
    second = {"diagnosis": "b_all", "disease_status": "relapsed", "relapse_count": 2}
    assert verdict(ELIANA, second) != "not_eligible"


def test_the_statement_above_alternatives_is_still_required():
    t_cell = {"diagnosis": "t_all", "disease_status": "relapsed", "relapse_count": 2}
    assert outcome(ELIANA, t_cell, "Relapsed or refractory") == "not_met"
    new = {"diagnosis": "b_all", "disease_status": "newly_diagnosed", "relapse_count": 0}
    assert verdict(ELIANA, new) == "not_eligible"


# ------------------------------------------------------------------ where a list ends
# NCT02981628 (classic plain text): the registry slid the criteria after a short list
# under it; each requirement of every patient is a criterion of its own again.
SLID = """Inclusion Criteria:

  -  Patients with and without Down syndrome are eligible and must have one of the
     following:

       -  Second or greater relapse;

       -  Any relapse after HSCT

Patients with Down syndrome are also eligible with:

  -  First relapse with no prior re-induction attempt

       -  Patients with Philadelphia chromosome (Ph)+ ALL must have had two prior therapy
          attempts including two different tyrosine kinase inhibitors (TKIs)

       -  Patients must have fully recovered from the acute non-hematologic toxic effects
          of all prior anti-cancer therapy

  -  At least 7 days must have elapsed since the completion of therapy with a growth
     factor; at least 14 days must have elapsed after receiving pegfilgrastim

  -  At least 30 days must have elapsed from the last chimeric antigen receptor (CAR)-T
     cell infusion

       -  Patients must not be pregnant or breast-feeding
"""


def criteria_texts(text: str) -> list[str]:
    return [c.text for c in result(text, {}).criteria]


def test_a_list_ends_where_the_next_requirement_of_everyone_begins():
    texts = criteria_texts(SLID)
    assert any(t.startswith("Patients with Down syndrome are also eligible with") for t in texts)
    assert not any("Patients must have fully recovered" in t and "Down syndrome" in t
                   for t in texts)
    assert any(t.startswith("Patients with Philadelphia chromosome (Ph)+ ALL must") for t in texts)
    assert any(t.startswith("At least 7 days must have elapsed") for t in texts)


def test_a_requirement_slid_under_another_is_screened_on_its_own():
    pregnant = {"sex": "female", "pregnant_or_breastfeeding": True}
    assert outcome(SLID, pregnant, "Patients must not be pregnant") == "not_met"


def test_a_list_of_alternatives_is_never_cut_into_requirements():
    """The members of 'one of the following' stay together even when they are sentences."""
    text = ("Inclusion Criteria:\n\n"
            "  -  Must meet one of the following:\n\n"
            "       -  Patients must be in second or later relapse\n\n"
            "       -  Patients must have refractory disease\n")
    first = {"diagnosis": "b_all", "disease_status": "relapsed", "relapse_count": 1}
    assert verdict(text, first) != "not_eligible"


def test_a_list_whose_members_are_each_sentences_stays_one_criterion():
    """NCT03914625: ages by group under 'Age at diagnosis:' are alternatives, not each required."""
    text = ("Inclusion Criteria:\n\n"
            "  -  Age at diagnosis:\n\n"
            "       -  Patients must be >= 365 days and < 10 years of age (B-ALL patients "
            "without DS).\n\n"
            "       -  Patients must be >= 365 days and =< 31 years of age (B-ALL patients "
            "with DS).\n")
    child = {"age": {"years": 5}, "diagnosis": "b_all", "down_syndrome": False}
    assert verdict(text, child) != "not_eligible"


# ------------------------------------------------------------------ whose criteria
def test_a_transplant_recipients_criteria_are_the_patients():
    """NCT00003838: 'EXCLUSION CRITERIA - Recipient' excludes the patient; '- Donor' never does."""
    text = ("INCLUSION CRITERIA - Recipients:\n\n* Acute lymphoblastic leukemia\n\n"
            "EXCLUSION CRITERIA - Recipient - any of the following:\n\n* Pregnant or lactating\n\n"
            "EXCLUSION CRITERIA - Donor - any of the following:\n\n* HIV positive\n")
    assert verdict(text, {"diagnosis": "b_all", "sex": "female",
                          "pregnant_or_breastfeeding": True}) == "not_eligible"
    assert verdict(text, {"diagnosis": "b_all", "infections": {"hiv": True}}) != "not_eligible"


def test_a_heading_that_names_whom_in_front_starts_their_criteria():
    """'Recipient Exclusion Criteria:' starts exclusions; 'Donor Exclusion Criteria:' a donor's."""
    text = ("Recipient Inclusion Criteria:\n\n* Acute lymphoblastic leukemia\n\n"
            "Recipient Exclusion Criteria:\n\n* Active hepatitis B infection\n\n"
            "Donor Exclusion Criteria:\n\n* HIV positive\n")
    assert verdict(text, {"diagnosis": "b_all",
                          "infections": {"hepatitis_b": False, "hiv": False}}) != "not_eligible"
    assert verdict(text, {"diagnosis": "b_all", "infections": {"hepatitis_b": True}}) == \
        "not_eligible"
    assert verdict(text, {"diagnosis": "b_all", "infections": {"hiv": True}}) != "not_eligible"


# ------------------------------------------------------------------ a label over a list
def test_an_exclusion_label_over_a_list_excludes_on_each_member():
    """'Infections: / - Known HIV infection / - ...': each member excludes on its own."""
    text = ("Inclusion Criteria:\n\n* Relapsed B-cell ALL\n\nExclusion Criteria:\n\n"
            "* Infections:\n  * Known HIV infection\n  * Active hepatitis B infection\n")
    base = {"diagnosis": "b_all", "disease_status": "relapsed", "relapse_count": 1}
    assert verdict(text, {**base, "infections": {"hiv": True}}) == "not_eligible"
    assert verdict(text, {**base, "infections": {"hiv": False, "hepatitis_b": False}}) != \
        "not_eligible"


def test_an_exclusion_list_for_a_later_step_is_not_read_as_entry():
    """'At the time of CAR T-cell infusion:' speaks of a later step, never of entry."""
    text = ("Inclusion Criteria:\n\n* Relapsed B-cell ALL\n\nExclusion Criteria:\n\n"
            "* At the time of CAR T-cell infusion:\n  * Known HIV infection\n")
    base = {"diagnosis": "b_all", "disease_status": "relapsed", "relapse_count": 1}
    assert outcome(text, {**base, "infections": {"hiv": True}}, "At the time") == "not_screened"


# ------------------------------------------------------------------ run together
def test_an_nci_summary_run_together_ends_a_criterion_at_a_common_opener():
    """NCT00002812: '... for reactive airway disease Inhalational steroids allowed'."""
    text = ("PRIOR CONCURRENT THERAPY: Biologic therapy: Not specified Endocrine therapy: At "
            "least 1-2 months since prior prednisone, for less than 48 hours, for reactive "
            "airway disease Inhalational steroids allowed Known HIV infection not allowed "
            "Radiotherapy: Not specified")
    texts = criteria_texts(text)
    assert "Inhalational steroids allowed" in texts
    assert any(t.endswith("for reactive airway disease") for t in texts)


# ------------------------------------------------------------------ cohorts
COHORTS = """Inclusion Criteria:

Cohort 1 (B-ALL):

* CD19-positive disease

Cohort 2 (T-ALL):

* Relapsed or refractory disease

Exclusion Criteria:

* Active hepatitis B infection
"""


def test_a_cohorts_requirement_binds_its_own_members():
    """A B-ALL patient without CD19 fits neither cohort of the B-ALL / T-ALL study."""
    b_cell = {"diagnosis": "b_all", "cd19": "negative", "disease_status": "relapsed"}
    assert verdict(COHORTS, b_cell) == "not_eligible"


def test_a_cohorts_requirement_never_rules_out_a_member_of_another():
    """A T-ALL patient (no CD19) belongs to the T-ALL cohort: the B-ALL cohort's CD19 is not theirs."""
    t_cell = {"diagnosis": "t_all", "cd19": "negative", "disease_status": "relapsed",
              "relapse_count": 1}
    assert verdict(COHORTS, t_cell) != "not_eligible"


def test_cohorts_that_may_overlap_are_never_binding():
    """'Cohort 1 (ALL)' and 'Cohort 2 (B-ALL)' share people: neither cohort's rule rules out."""
    text = ("Inclusion Criteria:\n\nCohort 1 (ALL):\n\n* CD19-positive disease\n\n"
            "Cohort 2 (B-ALL):\n\n* Relapsed or refractory disease\n")
    b_cell = {"diagnosis": "b_all", "cd19": "negative", "disease_status": "relapsed",
              "relapse_count": 1}
    assert verdict(text, b_cell) != "not_eligible"


def test_an_exclusion_naming_a_kind_then_any_of_its_members_excludes_on_each():
    """NCT02744768-like: 'Impaired ..., including any one of the following:'."""
    text = ("Inclusion Criteria:\n\n* Relapsed B-cell ALL\n\nExclusion Criteria:\n\n"
            "* Active infection, including any one of the following:\n"
            "  * Known HIV infection\n  * Active hepatitis B infection\n")
    base = {"diagnosis": "b_all", "disease_status": "relapsed", "relapse_count": 1}
    assert verdict(text, {**base, "infections": {"hepatitis_b": True}}) == "not_eligible"
    assert verdict(text, {**base, "infections": {"hiv": False, "hepatitis_b": False}}) != \
        "not_eligible"


def test_an_exclusion_list_with_a_time_window_in_its_head_is_not_read_without_it():
    """'... any of the following within 14 days:': a member alone would exclude for life."""
    text = ("Inclusion Criteria:\n\n* Relapsed B-cell ALL\n\nExclusion Criteria:\n\n"
            "* Any of the following within 14 days before enrollment:\n"
            "  * Prior treatment with dasatinib\n")
    long_ago = {"diagnosis": "b_all", "disease_status": "relapsed", "relapse_count": 1,
                "prior_therapies": [{"therapy": "dasatinib", "months_since_last_dose": 12}]}
    assert verdict(text, long_ago) != "not_eligible"


def test_diseases_to_be_included_are_alternatives():
    """NCT00003838: the diseases listed under 'Diseases to be included:' are not each required."""
    text = ("Inclusion Criteria:\n\n        Diseases to be included:\n\n"
            "          -  CML chronic phase\n\n"
            "          -  Acute lymphoblastic leukemia in complete remission\n\n"
            "          -  Myeloproliferative diseases associated with either cytopenia or "
            "uncontrolled proliferation.\n")
    assert verdict(text, {"diagnosis": "other"}) != "not_eligible"
    assert verdict(text, {"diagnosis": "b_all", "in_remission": True}) != "not_eligible"
    # someone with ALL has none of the other diseases: the ALL member is theirs to meet
    assert verdict(text, {"diagnosis": "b_all", "in_remission": False}) == "not_eligible"


def test_a_disease_list_with_an_unread_all_member_never_rules_out():
    """'ALL, all subjects in complete or partial remission': the partial remission is
    unread, so someone with ALL not in complete remission is left to the study team."""
    text = ("Inclusion Criteria:\n\n        Diseases to be included:\n\n"
            "          -  CML chronic phase\n\n"
            "          -  Acute lymphoblastic leukemia (ALL), all subjects in complete or "
            "partial remission.\n\n"
            "          -  AML in first complete or partial remission\n")
    assert verdict(text, {"diagnosis": "b_all", "in_remission": False}) != "not_eligible"


def test_a_list_of_diseases_under_one_of_the_following_takes_the_all_member():
    """'Diagnosis of one of the following: AML in CR1 / ALL in second remission / CML':
    an ALL patient in second remission meets it, one never relapsed does not."""
    text = ("Inclusion Criteria:\n\n* Diagnosis of one of the following:\n"
            "  * Acute myeloid leukemia in first remission\n"
            "  * Acute lymphoblastic leukemia in second or subsequent remission\n"
            "  * Chronic myelogenous leukemia in chronic phase\n")
    cr2 = {"diagnosis": "t_all", "disease_status": "relapsed", "relapse_count": 1,
           "in_remission": True}
    assert verdict(text, cr2) == "likely_eligible"
    assert verdict(text, {**cr2, "relapse_count": 0, "disease_status": "newly_diagnosed"}) \
        == "not_eligible"
    assert verdict(text, {"diagnosis": "other"}) != "not_eligible"


def test_a_piece_read_wrongly_never_costs_the_others_their_reading():
    """NCT02435849: the creatinine-for-age table beside ALT must not lose the ALT limit."""
    text = ("Inclusion Criteria:\n\n* Adequate organ function defined as:\n\n"
            "  1. Renal function defined as: A serum creatinine based on age/gender as follows: "
            "Maximum Serum Creatinine (mg/dL). Age Male Female 1 to < 2 years 0.6 0.6 2 to < 6 "
            "years 0.8 0.8 6 to < 10 years 1.0 1.0 10 to < 13 years 1.2 1.2 13 to < 16 years "
            "1.5 1.4 ≥ 16 years 1.7 1.4.\n"
            "  2. Alanine Aminotransferase (ALT) ≤ 5 times the upper limit of normal (ULN) for "
            "age.\n  3. Bilirubin < 2.0 mg/dL.\n")
    high_alt = {"age": {"years": 9}, "organ_function": {"alt_x_uln": 10}}
    assert outcome(text, high_alt, "Adequate organ function") == "not_met"


def test_a_part_whose_members_the_profile_cannot_tell_never_decides_against_anyone():
    """'Group A:' / 'Phase II:': its exclusion may clear a person, its requirement may be met."""
    text = ("Inclusion Criteria:\n\n* Relapsed B-cell ALL\n\nPhase II:\n\n"
            "* Karnofsky performance status of at least 80%\n\n"
            "Exclusion Criteria:\n\nGroup A:\n\n* Prior treatment with dasatinib\n")
    on_dasatinib = {"diagnosis": "b_all", "disease_status": "relapsed", "relapse_count": 1,
                    "performance_status": {"scale": "karnofsky", "score": 50},
                    "prior_therapies": [{"therapy": "dasatinib", "months_since_last_dose": 2}]}
    assert verdict(text, on_dasatinib) != "not_eligible"
    fit = {**on_dasatinib, "performance_status": {"scale": "karnofsky", "score": 90}}
    assert outcome(text, fit, "Karnofsky") == "met"


def test_an_exclusion_list_that_can_exclude_no_one_asks_nothing():
    """NCT02625480: an exception that cannot be placed leaves the list nothing to exclude on."""
    text = ("Inclusion Criteria:\n\n* Relapsed B-cell ALL\n\nExclusion Criteria:\n\n"
            "* Central nervous system (CNS) involvement and abnormalities:\n"
            "  * Note: Neurologic symptoms may include but are not limited to cranial nerve "
            "palsy (if not explained by extracranial tumor) and clinical cord compression.\n"
            "  * History or presence of CNS disorder, such as cerebrovascular "
            "ischemia/hemorrhage, dementia, cerebellar disease. Individuals with seizure "
            "disorders requiring active anticonvulsive medication.\n")
    assert outcome(text, {"diagnosis": "b_all"}, "Central nervous system") == "not_screened"


def test_the_first_registration_step_binds_everyone_and_a_later_step_no_one_at_entry():
    """COG-style 'STEP 1 REGISTRATION' / 'STEP 2 RANDOMIZATION': every participant passes
    step 1, so a relapsed child is ruled out by 'newly diagnosed' there; the post-induction
    MRD requirement of step 2 never decides entry."""
    text = ("Inclusion Criteria:\n\nSTEP 1 INITIAL REGISTRATION:\n\n"
            "* Patients must be newly diagnosed with B-ALL\n* Age 1 to 30 years\n\n"
            "STEP 2 RANDOMIZATION (POST-INDUCTION):\n\n"
            "* MRD >= 0.01% at end of induction\n")
    relapsed = {"age": {"years": 6}, "diagnosis": "b_all", "disease_status": "relapsed"}
    assert outcome(text, relapsed, "Patients must be newly diagnosed") == "not_met"
    new = {**relapsed, "disease_status": "newly_diagnosed", "mrd": {"status": "negative"}}
    assert outcome(text, new, "MRD") != "not_met"
    assert verdict(text, new) != "not_eligible"


# ================================================================== issue 7, round 2
RELAPSED_B = {"age": {"years": 12}, "diagnosis": "b_all", "disease_status": "relapsed",
              "relapse_count": 1}


# ------------------------------------------------------------------ doubt, clause by clause
CD22_WITH_METHOD = """Inclusion Criteria:

  -  Leukemic blasts must demonstrate surface expression of CD22 at the time of relapse by
     local flow cytometry of a bone marrow aspirate sample

       -  In the case of an inadequate aspirate sample (dry tap) or if bone marrow aspirate
          is unable to be performed, flow cytometry of peripheral blood specimen may be
          substituted if the patient has at least 1000/uL circulating blasts; alternatively,
          CD22 expression may be documented by immunohistochemistry of a bone marrow biopsy

Exclusion Criteria:

  -  Prior inotuzumab ozogamicin
"""


def test_how_a_finding_is_tested_leaves_the_finding_required():
    """"CD22 may be documented by immunohistochemistry" says how CD22 is shown, not who
    may join: someone whose leukemia is CD22-negative is still not eligible."""
    assert outcome(CD22_WITH_METHOD, {**RELAPSED_B, "cd22": "negative"}, "Leukemic") == "not_met"
    assert outcome(CD22_WITH_METHOD, {**RELAPSED_B, "cd22": "positive"}, "Leukemic") != "not_met"


def test_a_method_sentence_beside_a_requirement_does_not_veto_it():
    text = ("Inclusion Criteria:\n\n  -  CD22 expression on more than 15% of the leukemic "
            "cells. The choice of whether to use flow cytometry or immunohistochemistry will "
            "be determined by the sample available. In general, flow cytometry will be used "
            "for bone marrow samples when feasible.\n")
    assert outcome(text, {**RELAPSED_B, "cd22": "negative"}, "CD22") == "not_met"
    assert outcome(text, {**RELAPSED_B, "cd22": "positive"}, "CD22") != "not_met"


def test_a_sentence_that_changes_the_value_still_leaves_it_to_the_study_team():
    """"... will be considered ambulatory for the purpose of assessing the performance
    score" changes what the score means: ECOG 3 in the profile never rules the person out."""
    text = ("Inclusion Criteria:\n\n  -  ECOG performance status of 0, 1, or 2; patients who "
            "are unable to walk because of paralysis, but who are up in a wheelchair, will be "
            "considered ambulatory for the purpose of assessing the performance score\n")
    ecog3 = {**RELAPSED_B, "performance_status": {"scale": "ecog", "score": 3}}
    assert outcome(text, ecog3, "ECOG") != "not_met"


# ------------------------------------------------------------------ splitting
LIVER_LABEL = """Inclusion Criteria:

  1. Relapsed B-ALL

  2. Renal Function: Creatinine clearance >= 60 mL/min. Hepatic Function: ALT <= 5 x ULN
"""


def test_a_label_of_two_capitalised_words_is_one_label():
    """"Hepatic Function: ALT <= 5 x ULN" is read whole, not cut after "Hepatic"."""
    high_alt = {**RELAPSED_B, "organ_function": {"alt_x_uln": 8,
                                                 "creatinine_clearance_ml_min": 90}}
    fine = {**RELAPSED_B, "organ_function": {"alt_x_uln": 1,
                                             "creatinine_clearance_ml_min": 90}}
    assert outcome(LIVER_LABEL, high_alt, "Renal") == "not_met"
    assert outcome(LIVER_LABEL, fine, "Renal") == "met"


# ------------------------------------------------------------------ scope
FOR_WHOM_LIST = """Inclusion Criteria:

  -  Relapsed or refractory B-ALL

  -  For patients with Ph+ ALL, the following additional criteria apply:

       -  Must have received at least one prior tyrosine kinase inhibitor

Exclusion Criteria:

  -  For patients with a prior allogeneic transplant, the following additional exclusion
     criteria apply:

       -  Active graft-versus-host disease

  -  HIV infection
"""


def test_a_list_for_some_patients_binds_only_them():
    """Ph+ without a TKI is ruled out; a Ph-negative child needs no TKI."""
    ph_pos = {**RELAPSED_B, "philadelphia_chromosome": "positive",
              "prior_therapies": [{"therapy": "multiagent_chemotherapy",
                                   "months_since_last_dose": 3}]}
    ph_neg = {**ph_pos, "philadelphia_chromosome": "negative"}
    assert outcome(FOR_WHOM_LIST, ph_pos, "For patients with Ph+") == "not_met"
    assert outcome(FOR_WHOM_LIST, ph_neg, "For patients with Ph+") == "met"


def test_an_exclusion_list_for_transplanted_patients_never_excludes_others():
    """Active GVHD excludes after a donor transplant; whoever had none is not asked."""
    transplanted = {**RELAPSED_B, "active_gvhd": True,
                    "prior_therapies": [{"therapy": "allogeneic_hsct",
                                         "months_since_last_dose": 8}]}
    untransplanted = {**RELAPSED_B, "prior_therapies": [
        {"therapy": "multiagent_chemotherapy", "months_since_last_dose": 3}]}
    assert outcome(FOR_WHOM_LIST, transplanted, "For patients with a prior") == "not_met"
    assert outcome(FOR_WHOM_LIST, untransplanted, "For patients with a prior") == "met"


def test_a_sentence_that_explains_why_makes_no_exception():
    """"(Patients with HIV are at increased risk ... when treated ...)" says why HIV
    excludes: a person with HIV is still excluded; a person without it is not."""
    text = ("Exclusion Criteria:\n\n  -  Seropositive for HIV antibody. (Patients with HIV are "
            "at increased risk of lethal infections when treated with marrow-suppressive "
            "therapy.)\n")
    assert outcome(text, {**RELAPSED_B, "infections": {"hiv": True}}, "Seropositive") \
        == "not_met"
    assert outcome(text, {**RELAPSED_B, "infections": {"hiv": False}}, "Seropositive") \
        != "not_met"


def test_including_but_not_limited_to_is_no_exception():
    """"Including but not limited to infection" lists; it excepts nothing: an
    uncontrolled infection excludes, a controlled one does not."""
    text = ("Exclusion Criteria:\n\n  -  Uncontrolled intercurrent illness including but not "
            "limited to infection, symptomatic congestive heart failure, or psychiatric "
            "illness\n")
    sick = {**RELAPSED_B, "infections": {"uncontrolled_infection": True}}
    well = {**RELAPSED_B, "infections": {"uncontrolled_infection": False}}
    assert outcome(text, sick, "Uncontrolled") == "not_met"
    assert outcome(text, well, "Uncontrolled") != "not_met"


# ------------------------------------------------------------------ one criterion a line
ONE_A_LINE = """Inclusion Criteria:
Age 1 to 21 years
Relapsed B-cell acute lymphoblastic leukemia
Karnofsky or Lansky performance status >= 50
Exclusion Criteria:
Active hepatitis B or C infection
HIV infection
Pregnant or breastfeeding
Prior inotuzumab ozogamicin
"""


def test_a_criterion_a_line_without_bullets_is_each_its_own():
    """Every line is read: HIV excludes, and so does pregnancy, even with no bullets."""
    assert outcome(ONE_A_LINE, {**RELAPSED_B, "infections": {"hiv": True}}, "HIV") == "not_met"
    assert outcome(ONE_A_LINE, {**RELAPSED_B, "pregnant_or_breastfeeding": True},
                   "Pregnant") == "not_met"
    assert outcome(ONE_A_LINE, {**RELAPSED_B, "pregnant_or_breastfeeding": False},
                   "Pregnant") == "met"


def test_wrapped_lines_of_one_criterion_stay_one_criterion():
    """Hard-wrapped text (lines cut where the next word did not fit) is one statement."""
    text = ("Exclusion Criteria:\n\n  -  Patients with known human immunodeficiency virus "
            "(HIV), hepatitis B or C\n     infections; testing to prove negative status is not"
            " required for enrollment\n     unless it is deemed necessary for usual medical "
            "care of the patient\n")
    criteria = [c for c in trial_from_study(study(text)).criteria if c.kind == "exclusion"]
    assert len(criteria) == 1
    assert outcome(text, {**RELAPSED_B, "infections": {"hiv": True}}, "Patients with known") \
        == "not_met"


INLINE_LIST = ("Inclusion Criteria: 1. Age 1 to 21 years. 2. Relapsed B-cell ALL. 3. Lansky or "
               "Karnofsky >= 50. Exclusion Criteria: 1. HIV infection. 2. Pregnant or "
               "breastfeeding. 3. Prior inotuzumab ozogamicin.\n")


def test_a_numbered_list_run_into_one_line_is_its_items():
    pregnant = {**RELAPSED_B, "pregnant_or_breastfeeding": True}
    assert outcome(INLINE_LIST, pregnant, "Pregnant") == "not_met"
    assert outcome(INLINE_LIST, RELAPSED_B, "HIV") != "not_met"
    assert outcome(INLINE_LIST, {**RELAPSED_B, "disease_status": "newly_diagnosed",
                                 "relapse_count": 0}, "Relapsed") == "not_met"


def test_numbered_alternatives_in_one_line_stay_alternatives():
    """"one of the following: 1. second relapse 2. relapse after transplant": a first
    relapse after a transplant meets it; it is never cut into two requirements."""
    text = ("Inclusion Criteria: Relapsed B-ALL meeting one of the following: 1. Second or "
            "greater relapse. 2. Relapse after allogeneic transplant. Exclusion Criteria: "
            "1. HIV infection.\n")
    inclusions = [c for c in trial_from_study(study(text)).criteria
                  if c.kind == "inclusion" and c.text.startswith("Relapsed")]
    assert len(inclusions) == 1
    after_transplant = {**RELAPSED_B, "prior_therapies": [
        {"therapy": "allogeneic_hsct", "months_since_last_dose": 9}]}
    assert verdict(text, after_transplant) != "not_eligible"


def test_a_condition_for_some_patients_never_lifts_the_requirement_beside_it():
    """"Relapsed or refractory B-ALL. Patients with Ph+ ALL are eligible if they have failed
    a TKI": a newly diagnosed child is still not eligible; a relapsed one is not ruled out."""
    text = ("Inclusion Criteria:\n\n  -  Relapsed or refractory B-ALL. Patients with Ph+ ALL "
            "are eligible if they have failed a TKI.\n")
    new = {**RELAPSED_B, "disease_status": "newly_diagnosed", "relapse_count": 0}
    assert outcome(text, new, "Relapsed") == "not_met"
    assert outcome(text, {**RELAPSED_B, "philadelphia_chromosome": "positive"},
                   "Relapsed") != "not_met"


def test_a_permission_beside_an_exclusion_still_lifts_it():
    """"Active CNS leukemia (CNS3). Patients with CNS3 are eligible if they received
    cranial radiation": CNS3 alone never excludes."""
    text = ("Exclusion Criteria:\n\n  -  Active CNS leukemia (CNS3). Patients with CNS3 are "
            "eligible if they have received cranial radiation.\n")
    assert outcome(text, {**RELAPSED_B, "cns_status": "cns3"}, "Active CNS") != "not_met"


DRUG_HEADING = """Inclusion Criteria:

  -  Relapsed or refractory B-ALL

Exclusion Criteria:

  -  HIV infection

Exclusion criteria for patients receiving blinatumomab:

  -  Active CNS leukemia (CNS3)
"""


def test_an_exclusion_heading_for_one_drugs_patients_never_excludes_from_the_trial():
    """CNS3 closes the blinatumomab arm, not the study: never "not eligible" on it."""
    cns3 = {**RELAPSED_B, "cns_status": "cns3"}
    assert outcome(DRUG_HEADING, cns3, "Active CNS") != "not_met"
    assert verdict(DRUG_HEADING, cns3) != "not_eligible"
    assert outcome(DRUG_HEADING, {**RELAPSED_B, "infections": {"hiv": True}}, "HIV") \
        == "not_met"


TRANSPLANTED = """Inclusion Criteria:

  -  Relapsed or refractory B-ALL

  -  For patients who received a prior allogeneic transplant:

       -  No active graft-versus-host disease

Exclusion Criteria:

  -  HIV infection
"""


def test_a_list_under_for_patients_who_binds_only_them():
    """Active GVHD rules out someone after a donor transplant; no one else is asked."""
    after = {**RELAPSED_B, "active_gvhd": True, "prior_therapies": [
        {"therapy": "allogeneic_hsct", "months_since_last_dose": 10}]}
    never = {**RELAPSED_B, "prior_therapies": [
        {"therapy": "multiagent_chemotherapy", "months_since_last_dose": 2}]}
    assert outcome(TRANSPLANTED, after, "For patients who") == "not_met"
    assert outcome(TRANSPLANTED, never, "For patients who") == "met"


PREAMBLE = """Inclusion Criteria:

Patients must meet the following criteria to be eligible:

1. Age 1 to 21 years
2. Relapsed B-ALL

Exclusion Criteria:

Patients meeting any of the following criteria will be excluded from the study:

1. HIV infection
2. Pregnant or breastfeeding
"""


def test_a_preamble_never_swallows_the_list_under_it():
    """Each criterion under "Patients must meet the following criteria to be eligible:"
    is screened on its own: a newly diagnosed child is not eligible, a pregnant woman
    is excluded, and someone with neither problem is not excluded."""
    new = {**RELAPSED_B, "disease_status": "newly_diagnosed", "relapse_count": 0}
    assert outcome(PREAMBLE, new, "Relapsed") == "not_met"
    assert outcome(PREAMBLE, {**RELAPSED_B, "pregnant_or_breastfeeding": True},
                   "Pregnant") == "not_met"
    assert verdict(PREAMBLE, {**RELAPSED_B, "pregnant_or_breastfeeding": False,
                              "infections": {"hiv": False}}) == "likely_eligible"


def test_a_preamble_of_alternatives_keeps_its_members_together():
    """"Patients must meet one of the following criteria:" lists alternatives: someone
    who meets the second is never ruled out by the first."""
    text = ("Inclusion Criteria:\n\nPatients must meet one of the following criteria to be "
            "eligible:\n\n1. Second or greater relapse of B-ALL\n2. Relapse of B-ALL after "
            "allogeneic transplant\n")
    first_after_transplant = {**RELAPSED_B, "prior_therapies": [
        {"therapy": "allogeneic_hsct", "months_since_last_dose": 9}]}
    assert verdict(text, first_after_transplant) != "not_eligible"


NCI_RUN_TOGETHER = """DISEASE CHARACTERISTICS: Acute lymphoblastic leukemia in first relapse CNS leukemia
        at diagnosis allowed High risk status

        PATIENT CHARACTERISTICS: Age: 1 to 21 Performance status: Not specified Hematopoietic:
        See Disease Characteristics Hepatic: Bilirubin no greater than 1.5 times upper limit
        of normal Renal: Not specified
"""


def test_an_nci_summary_run_together_is_cut_at_its_labels_and_permissions():
    """The hepatic limit is read after "See Disease Characteristics", and the
    permission does not swallow the next statement."""
    high = {**RELAPSED_B, "organ_function": {"bilirubin_x_uln": 3}}
    assert outcome(NCI_RUN_TOGETHER, high, "Hepatic") == "not_met"
    assert outcome(NCI_RUN_TOGETHER, {**RELAPSED_B, "organ_function": {"bilirubin_x_uln": 1}},
                   "Hepatic") == "met"
    texts = [c.text for c in trial_from_study(study(NCI_RUN_TOGETHER)).criteria]
    assert any(t.endswith("at diagnosis allowed") for t in texts)


def test_a_bracket_about_the_test_never_makes_the_finding_a_doubt():
    """"(CD19 testing may be done on peripheral blood if marrow is unavailable)" and
    "(testing not required)" speak of the test: CD19-negative leukemia is still not
    eligible, and HIV still excludes."""
    text = ("Inclusion Criteria:\n\n  -  CD19-positive B-ALL (CD19 testing may be done on "
            "peripheral blood if marrow is unavailable)\n\nExclusion Criteria:\n\n  -  HIV, "
            "hepatitis B or hepatitis C infection (testing not required)\n")
    assert outcome(text, {**RELAPSED_B, "cd19": "negative"}, "CD19") == "not_met"
    assert outcome(text, {**RELAPSED_B, "cd19": "positive"}, "CD19") == "met"
    assert outcome(text, {**RELAPSED_B, "infections": {"hiv": True}}, "HIV") == "not_met"
    assert outcome(text, {**RELAPSED_B, "infections": {"hiv": False, "hepatitis_b": False,
                                                       "hepatitis_c": False}}, "HIV") != "not_met"


def test_karnofsky_and_lansky_by_age_across_a_semicolon_is_one_threshold():
    """A 10-year-old with Lansky 60 is not ruled out by the Karnofsky half; Lansky 30 is."""
    text = ("Inclusion Criteria:\n\n  -  Karnofsky >= 50% for patients >= 16 years; Lansky >= "
            "50% for patients < 16 years\n")
    child = {**RELAPSED_B, "age": {"years": 10}}
    assert outcome(text, {**child, "performance_status": {"scale": "lansky", "score": 60}},
                   "Karnofsky") == "met"
    assert outcome(text, {**child, "performance_status": {"scale": "lansky", "score": 30}},
                   "Karnofsky") == "not_met"


NESTED = """Inclusion Criteria:

  -  Patients must have one of the following:
       -  B-ALL in second or greater relapse
       -  B-ALL in first relapse meeting all of the following:
            -  Relapse within 36 months of diagnosis
            -  CD19 positive
       -  Primary refractory B-ALL

Exclusion Criteria:

  -  HIV infection
"""


def test_a_nested_list_keeps_each_alternative_whole():
    """A second relapse meets it; an early first relapse with CD19 meets it; a late first
    relapse (48 months) meets none of the three and is ruled out."""
    second = {**RELAPSED_B, "relapse_count": 2}
    early = {**RELAPSED_B, "months_from_diagnosis_to_relapse": 20, "cd19": "positive"}
    late = {**RELAPSED_B, "months_from_diagnosis_to_relapse": 48, "cd19": "positive"}
    assert outcome(NESTED, second, "Patients must have") == "met"
    assert outcome(NESTED, early, "Patients must have") == "met"
    assert outcome(NESTED, late, "Patients must have") == "not_met"


def test_a_line_that_qualifies_the_one_above_stays_with_it():
    """"Patients intolerant of a TKI are eligible." on the next line is an exception to
    the requirement above, never a criterion of its own that leaves it standing."""
    text = ("Inclusion Criteria:\nRelapsed B-ALL\nPh+ patients must have received a tyrosine "
            "kinase inhibitor\nPatients intolerant of tyrosine kinase inhibitors are eligible\n")
    texts = [c.text for c in trial_from_study(study(text)).criteria if c.kind == "inclusion"]
    assert any(t.startswith("Ph+ patients") and t.endswith("are eligible") for t in texts)


NESTED_EXCLUSION = """Inclusion Criteria:

  -  Newly diagnosed B-ALL

Exclusion Criteria:

  -  Patients with any of the following:
       -  Prior therapy for ALL, except:
            -  Steroids for less than 72 hours
            -  Intrathecal cytarabine at diagnosis
       -  Active uncontrolled infection
"""


def test_a_nested_exclusion_list_excludes_on_each_member_it_reads():
    """An uncontrolled infection excludes; the member with its own list of exceptions is
    the study team's, so steroids given before enrolment never exclude on it."""
    new = {"age": {"years": 6}, "diagnosis": "b_all", "disease_status": "newly_diagnosed"}
    infected = {**new, "infections": {"uncontrolled_infection": True}}
    steroids = {**new, "infections": {"uncontrolled_infection": False}, "prior_therapies": [
        {"therapy": "corticosteroids", "months_since_last_dose": 0}]}
    assert outcome(NESTED_EXCLUSION, infected, "Patients with any") == "not_met"
    assert outcome(NESTED_EXCLUSION, steroids, "Patients with any") != "not_met"


COHORTS_READ = """Inclusion Criteria:

  -  Age 1 to 30 years

Cohort 1:

  -  Relapsed B-ALL

Cohort 2:

  -  Newly diagnosed T-ALL

Exclusion Criteria:

  -  HIV infection
"""


def test_cohorts_read_whole_are_alternatives_a_person_in_none_is_not_eligible():
    """Relapsed B-ALL or newly diagnosed T-ALL: each cohort's patient is not ruled out by
    the other cohort's requirement; newly diagnosed B-ALL fits neither."""
    relapsed_b = {**RELAPSED_B, "infections": {"hiv": False}}
    new_t = {"age": {"years": 9}, "diagnosis": "t_all", "disease_status": "newly_diagnosed",
             "infections": {"hiv": False}}
    new_b = {**new_t, "diagnosis": "b_all"}
    assert verdict(COHORTS_READ, relapsed_b) != "not_eligible"
    assert verdict(COHORTS_READ, new_t) != "not_eligible"
    assert verdict(COHORTS_READ, new_b) == "not_eligible"


def test_the_wheelchair_note_beside_two_scales_still_leaves_the_score_to_the_team():
    """COG's "unable to walk because of paralysis ... considered ambulatory" changes what
    the score means: ECOG 3 in the profile never rules the person out."""
    text = ("Inclusion Criteria:\n\n  -  Patients must have a performance status corresponding "
            "to ECOG scores of 0, 1, or 2; use Karnofsky for patients > 16 years of age and "
            "Lansky for patients =< 16 years of age; patients who are unable to walk because "
            "of paralysis, but who are up in a wheelchair, will be considered ambulatory for "
            "the purpose of assessing the performance score\n")
    ecog3 = {**RELAPSED_B, "performance_status": {"scale": "ecog", "score": 3}}
    assert outcome(text, ecog3, "Patients must have a performance") != "not_met"


def test_an_exception_for_one_therapy_leaves_the_others_excluding():
    """"Prior blinatumomab. Prior CD19 CAR T-cell therapy may be allowed ...": blinatumomab
    still excludes; a CAR-T alone does not; "Prior CD19-directed therapy. Blinatumomab is
    allowed." never excludes on blinatumomab."""
    text = ("Exclusion Criteria:\n\n  -  Prior blinatumomab. Prior CD19 CAR T-cell therapy may "
            "be allowed after discussion with the sponsor.\n")
    blina = {**RELAPSED_B, "prior_therapies": [{"therapy": "blinatumomab",
                                                 "months_since_last_dose": 6}]}
    car_t = {**RELAPSED_B, "prior_therapies": [{"therapy": "cd19_car_t",
                                                 "months_since_last_dose": 6}]}
    assert outcome(text, blina, "Prior blinatumomab") == "not_met"
    assert outcome(text, car_t, "Prior blinatumomab") != "not_met"
    other = ("Exclusion Criteria:\n\n  -  Prior CD19-directed therapy. Prior blinatumomab is "
             "allowed.\n")
    assert outcome(other, blina, "Prior CD19") != "not_met"


def test_a_group_let_in_beside_a_requirement_is_not_ruled_out_by_it():
    """"Relapsed B-ALL. Patients with T-ALL are eligible if they have failed nelarabine":
    someone with T-ALL is never "not eligible" for not having B-ALL."""
    text = ("Inclusion Criteria:\n\n  -  Relapsed B-ALL. Patients with T-ALL are eligible if "
            "they have failed nelarabine.\n")
    t_all = {**RELAPSED_B, "diagnosis": "t_all"}
    assert outcome(text, t_all, "Relapsed B-ALL") != "not_met"
    new = {**RELAPSED_B, "disease_status": "newly_diagnosed", "relapse_count": 0}
    assert outcome(text, new, "Relapsed B-ALL") != "met"
