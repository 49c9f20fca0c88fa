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
