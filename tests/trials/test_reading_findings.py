"""CNS status, performance status and infections as ALL trials word them (issue 7).

Every test screens a profile against a study record built from the text (the way a
ClinicalTrials.gov record reaches the screener), so what is asserted is the outcome a
patient would see. Each pairs the person the criterion must rule out (or leave to the
study team) with the one it must never rule out.
"""

import pytest
from reading_outcome import outcome


def cns(grade: str) -> dict:
    return {"cns_status": grade}


def ecog(score: int) -> dict:
    return {"performance_status": {"scale": "ecog", "score": score}}


# ------------------------------------------------------------------------- CNS status
@pytest.mark.parametrize("item", [
    "Active ALL in the CNS or testes",
    "Active (overt) ALL in the CNS (confirmed by cerebrospinal fluid [CSF] analysis) or in testes",
    "Active leukemia in the central nervous system or testes",
    "Current leukemia in the CNS or testicular involvement",
])
def test_cns_or_testes_excludes_cns3_and_leaves_the_testes_to_the_study_team(item):
    """CNS3 is ruled out; CNS1 is never ruled out (the testes are the study team's)."""
    assert outcome("Exclusion", item, cns("cns3")) == "not_met"
    assert outcome("Exclusion", item, cns("cns1")) == "not_screened"


@pytest.mark.parametrize("item", [
    "Evidence for current central nervous system (CNS) involvement by ALL (CNS 2, CNS 3) or "
    "testicular involvement by ALL",
    "Current CNS involvement (CNS2 or CNS3) or testicular involvement by leukemia",
])
def test_cns_grades_or_testes(item):
    """The grades named exclude; CNS1 goes to the study team only for the testes."""
    assert outcome("Exclusion", item, cns("cns2")) == "not_met"
    assert outcome("Exclusion", item, cns("cns3")) == "not_met"
    assert outcome("Exclusion", item, cns("cns1")) == "not_screened"


@pytest.mark.parametrize("item", [
    "Infiltration of cerebrospinal fluid (CSF) by ALL",
    "Current infiltration of cerebrospinal fluid by ALL",
    "Leukemic infiltration of the CSF",
    "Involvement of the cerebrospinal fluid by leukemia",
])
def test_csf_infiltration_excludes_cns3_and_asks_about_cns2(item):
    """Blasts in the spinal fluid: CNS3 surely, CNS2 for the study team, CNS1 clear."""
    assert outcome("Exclusion", item, cns("cns3")) == "not_met"
    assert outcome("Exclusion", item, cns("cns2")) == "not_screened"
    assert outcome("Exclusion", item, cns("cns1")) == "met"


@pytest.mark.parametrize("item", [
    "CNS3 disease that is progressive on therapy",
    "CNS-3 leukemia which is progressing",
])
def test_a_cns_grade_narrowed_by_its_course_never_excludes_alone(item):
    """A CNS3 answer goes to the study team; CNS1 clears it."""
    assert outcome("Exclusion", item, cns("cns3")) == "not_screened"
    assert outcome("Exclusion", item, cns("cns1")) == "met"


@pytest.mark.parametrize("item", [
    "Active Central Nervous System [CNS] disease",
    "Active central nervous system [CNS] leukemia",
])
def test_cns_in_square_brackets(item):
    """Active CNS disease: CNS3 is ruled out, CNS2 is the study team's, CNS1 is clear."""
    assert outcome("Exclusion", item, cns("cns3")) == "not_met"
    assert outcome("Exclusion", item, cns("cns2")) == "not_screened"
    assert outcome("Exclusion", item, cns("cns1")) == "met"


@pytest.mark.parametrize("item", [
    "Active central nervous system (CNS) leukemia, as defined by unequivocal morphologic "
    "evidence of lymphoblasts in the cerebrospinal fluid (CSF) or symptomatic CNS leukemia "
    "(i.e. cranial nerve palsies or other significant neurologic dysfunction) within 28 days "
    "of enrollment.",
    "Active CNS leukemia as evidenced by the presence of blasts in the CSF",
])
def test_active_cns_leukemia_defined_by_blasts_in_the_csf(item):
    """CNS3 is ruled out; CNS2 (blasts, fewer cells) is the study team's; CNS1 is clear."""
    assert outcome("Exclusion", item, cns("cns3")) == "not_met"
    assert outcome("Exclusion", item, cns("cns2")) == "not_screened"
    assert outcome("Exclusion", item, cns("cns1")) == "met"


def test_active_cns_leukemia_or_any_other_sign_leaves_the_signs_to_the_study_team():
    item = ("Active CNS leukemia documented by diagnostic lumbar puncture on days -1 to -5 "
            "prior to the first dose, or any other clinical sign or symptom ascribable to "
            "symptomatic/documented CNS disease")
    assert outcome("Exclusion", item, cns("cns3")) == "not_met"
    assert outcome("Exclusion", item, cns("cns1")) == "not_screened"


def test_an_exception_inside_the_definition_is_never_read_through():
    """'... unless cleared by intrathecal therapy': a CNS3 answer is never ruled out."""
    item = ("Active CNS leukemia, as defined by blasts in the CSF, unless cleared by "
            "intrathecal therapy before enrollment")
    assert outcome("Exclusion", item, cns("cns3")) != "not_met"


@pytest.mark.parametrize("item", [
    "Have no active central nervous system (CNS) leukemia, as evidenced by negative cytology "
    "on lumbar puncture and absence of clinical central neurologic symptoms.",
    "No active CNS leukemia at the time of relapse",
    "No active CNS disease",
])
def test_no_active_cns_leukemia_as_a_requirement(item):
    """CNS3 does not meet it; CNS1 does; CNS2 (a few blasts) is the study team's."""
    assert outcome("Inclusion", item, cns("cns3")) == "not_met"
    assert outcome("Inclusion", item, cns("cns1")) == "met"
    assert outcome("Inclusion", item, cns("cns2")) == "not_screened"


def test_no_cns_involvement_at_relapse():
    """CNS3 at relapse does not meet it; CNS1 and CNS2 do."""
    item = "No CNS involvement at relapse"
    assert outcome("Inclusion", item, cns("cns3")) == "not_met"
    assert outcome("Inclusion", item, cns("cns1")) == "met"
    assert outcome("Inclusion", item, cns("cns2")) == "met"


# ------------------------------------------------------------------ performance status
@pytest.mark.parametrize(("item", "best", "worst"), [
    ("A ECOG Performance Status that is either 0 or 1", 1, 2),
    ("Eastern Cooperative Oncology Group criterion status 0-3", 3, 4),
    ("Eastern Cooperative Oncology Group (ECOG) performance status (PS) of 0 or 1", 1, 2),
    ("ECOG performance status must be 0, 1 or 2", 2, 3),
    ("WHO performance status 0-2", 2, 3),
])
def test_ecog_wordings(item, best, worst):
    assert outcome("Inclusion", item, ecog(best)) == "met"
    assert outcome("Inclusion", item, ecog(worst)) == "not_met"


@pytest.mark.parametrize("item", [
    "Have a Karnofsky Performance Status (KPS) of >70.",
    "KPS > 70",
    "Karnofsky performance status (KPS) of at least 80%",
])
def test_karnofsky_wordings(item):
    good = {"performance_status": {"scale": "karnofsky", "score": 90}}
    poor = {"performance_status": {"scale": "karnofsky", "score": 50}}
    assert outcome("Inclusion", item, good) == "met"
    assert outcome("Inclusion", item, poor) == "not_met"


@pytest.mark.parametrize("item", [
    "ECOG 0-2, unless a performance of 3 is caused by the disease",
    "An ECOG performance status 0-2, unless a performance of 3 is unequivocally caused by the "
    "disease itself, (and not by pre-existing comorbidities,) and is considered reversible",
    "ECOG performance status 0-2 unless a status of 3 is due to the leukemia",
])
def test_an_ecog_limit_a_named_score_due_to_the_leukemia_lifts(item):
    """ECOG 3 goes to the study team, ECOG 4 is still ruled out, ECOG 1 meets it."""
    assert outcome("Inclusion", item, ecog(1)) == "met"
    assert outcome("Inclusion", item, ecog(3)) == "not_screened"
    assert outcome("Inclusion", item, ecog(4)) == "not_met"


@pytest.mark.parametrize("item", [
    "ECOG ≤ 2 unless related to the underlying leukemia",
    "General condition suitable scale (ECOG 0-2), or> 2 if due to ALL",
    "ECOG 0-2 (or higher if due to the leukemia)",
])
def test_an_ecog_limit_any_score_due_to_the_leukemia_lifts(item):
    """A poorer score is never ruled out alone: the cause is the study team's."""
    assert outcome("Inclusion", item, ecog(4)) == "not_screened"
    assert outcome("Inclusion", item, ecog(2)) != "not_met"


# ------------------------------------------------------------------------- infections
@pytest.mark.parametrize("item", [
    "Active systemic bacterial, fungal or viral infection",
    "Active bacterial, viral, or fungal infection",
    "Active systemic fungal, bacterial, viral or other infection",
])
def test_an_active_infection_of_listed_kinds(item):
    """Uncontrolled is ruled out; controlled (or none) goes to the study team."""
    assert outcome("Exclusion", item, {"infections": {"uncontrolled_infection": True}}) \
        == "not_met"
    assert outcome("Exclusion", item, {"infections": {"uncontrolled_infection": False}}) \
        == "not_screened"


@pytest.mark.parametrize("item", [
    "Active severe infection",
    "Active serious systemic infection",
])
def test_a_severe_active_infection_never_excludes_alone(item):
    assert outcome("Exclusion", item, {"infections": {"uncontrolled_infection": True}}) \
        == "not_screened"
    assert outcome("Exclusion", item, {"infections": {"uncontrolled_infection": False}}) \
        == "met"


@pytest.mark.parametrize("item", [
    "Known infection with human immunodeficiency virus (HIV) or chronic infection with "
    "hepatitis B virus (HbsAg positive) or hepatitis C virus (anti-HCV positive)",
    "Known HIV infection or chronic infection with hepatitis B virus (HBsAg positive)",
])
def test_hiv_or_chronic_hepatitis_b(item):
    """HIV is ruled out; a surface antigen may be a carrier: active hepatitis B is ruled
    out, none of them clears it."""
    assert outcome("Exclusion", item, {"infections": {"hiv": True}}) == "not_met"
    assert outcome("Exclusion", item, {"infections": {"hepatitis_b": True}}) == "not_met"
    none = {"infections": {"hiv": False, "hepatitis_b": False, "hepatitis_c": False}}
    assert outcome("Exclusion", item, none) != "not_met"


def test_chronic_infection_with_hepatitis_c_by_its_rna_is_active():
    item = "Chronic infection with hepatitis C virus (HCV RNA positive)"
    assert outcome("Exclusion", item, {"infections": {"hepatitis_c": True}}) == "not_met"
    assert outcome("Exclusion", item, {"infections": {"hepatitis_c": False}}) == "met"


# ------------------------------------------------------------- why a condition excludes
def test_the_reason_an_exclusion_gives_names_no_condition_of_its_own():
    """'... are excluded from this clinical trial because they may develop progressive
    neurologic dysfunction': CNS3 is ruled out, a seizure disorder is not."""
    item = ("Patients with active central nervous system leukemia are excluded from this "
            "clinical trial because they may develop progressive neurologic dysfunction that "
            "would confound the evaluation of neurologic and other adverse events")
    assert outcome("Exclusion", item, cns("cns3")) == "not_met"
    assert outcome("Exclusion", item, {"cns_status": "cns1", "seizure_disorder": True}) == "met"


# ---------------------------------------------- a permission for CNS disease in the past
@pytest.mark.parametrize("item", [
    "Had active CNS disease. History of treated CNS disease was allowable. The CNS disease "
    "must have resolved in order for the subject to be eligible.",
    "Active CNS leukemia; patients with a history of CNS leukemia but no active disease at the "
    "time of enrollment are eligible",
])
def test_a_history_of_cns_disease_allowed_is_no_exception_to_active_cns_disease(item):
    """In a relapsed trial the CNS answer is the current disease: CNS3 is ruled out."""
    assert outcome("Exclusion", item, cns("cns3")) == "not_met"
    assert outcome("Exclusion", item, cns("cns1")) != "not_met"


def test_a_history_allowed_with_its_own_condition_stays_the_study_teams():
    """'... allowed unless the patient has received cranial radiation': CNS3 never alone."""
    item = ("Active CNS leukemia. Prior CNS leukemia is allowed unless the patient has "
            "received cranial radiation.")
    assert outcome("Exclusion", item, cns("cns3")) != "not_met"


def test_no_untreated_or_progressive_infections():
    """An uncontrolled infection does not meet it; no infection at all is the study team's
    only for an untreated but controlled one (never ruled out)."""
    item = "No untreated or progressive infections"
    assert outcome("Inclusion", item, {"infections": {"uncontrolled_infection": True}}) \
        == "not_met"
    assert outcome("Inclusion", item, {"infections": {"uncontrolled_infection": False}}) \
        != "not_met"
