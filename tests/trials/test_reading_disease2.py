"""Diagnosis, disease-status and marrow readings of issue 7, on the wording of ALL trials.

Each test screens a profile against a study record built from the text (the way a
ClinicalTrials.gov record reaches the screener) and pairs the patient the criterion must
rule out with the one it must not: a Burkitt leukemia named beside other exclusions, Ph+
worded as a noun or bracketed, a sentence that only refers the excluded elsewhere, a
bilineage leukemia, a bare "refractory" after a relapse, marrow grades read with MRD,
and a remission with molecular failure.
"""

import pytest
from reading_outcome import outcome

B_ALL = {"diagnosis": "b_all"}


# ------------------------------------------------------- Burkitt beside other exclusions
@pytest.mark.parametrize("item", [
    "Diagnosis of Burkitt's leukemia according to World Health Organization classification, "
    "or human immunodeficiency virus (HIV), Hepatitis B or C, or other clinically significant "
    "disorder",
    "Known HIV infection or Burkitt's leukemia",
    "FAB L3 ALL or HIV infection",
])
def test_burkitt_beside_hiv_lets_hiv_exclude(item):
    """HIV still excludes; without it, the Burkitt question goes to the study team."""
    assert outcome("Exclusion", item, {**B_ALL, "infections": {"hiv": True}}) == "not_met"
    assert outcome("Exclusion", item, {**B_ALL, "infections": {
        "hiv": False, "hepatitis_b": False, "hepatitis_c": False}}) == "not_screened"


@pytest.mark.parametrize("item", [
    "Burkitt's leukemia (mature B-cell ALL) or Ph+ ALL",
    "Burkitt leukemia or Philadelphia chromosome positive ALL",
])
def test_burkitt_beside_ph_positive(item):
    """Ph+ ALL is excluded; a Ph-negative B-ALL is never excluded by the Burkitt words."""
    assert outcome("Exclusion", item, {**B_ALL, "philadelphia_chromosome": "positive"}) \
        == "not_met"
    assert outcome("Exclusion", item, {**B_ALL, "philadelphia_chromosome": "negative"}) \
        == "not_screened"


def test_mature_b_beside_t_all_excludes_t_all_only():
    """'Mature B-cell ALL, T-ALL or MPAL': T-ALL is out, a B-ALL is never ruled out."""
    item = "Mature B-cell ALL, T-ALL or mixed phenotype acute leukemia"
    assert outcome("Exclusion", item, {"diagnosis": "t_all"}) == "not_met"
    assert outcome("Exclusion", item, B_ALL) == "not_screened"


@pytest.mark.parametrize("item", [
    "Children with B-ALL (Burkitt-like, t(8;14), L3 morphology, SMIg positive). Patients with "
    "this disease will be eligible for the current UKCCSG B cell NHL/ALL trial.",
    "Mature B-ALL, defined by the immunophenotypical presence of surface immunoglobulins or "
    "t(8;14) and breakpoint as in B-ALL",
    "Participants with mature B-ALL (as defined by Surface Ig positivity or documented presence "
    "of one of the t(8;14), t(2;8), t(8;22) translocations and breakpoint as in B-ALL).",
    "Have Burkitt's leukemia.",
    "B-mature ALL",
])
def test_a_b_all_the_burkitt_words_define_is_never_excluded(item):
    """The B-ALL these words name is the mature one: someone with B-ALL is not ruled out."""
    assert outcome("Exclusion", item, B_ALL) != "not_met"


# ------------------------------------------------------------------- Ph+ in more wordings
@pytest.mark.parametrize("item", [
    "Ph-positivity",
    "Philadelphia chromosome positivity",
    "BCR-ABL1 positivity",
    "LAL Ph (BCR-ABL) positive. For these patients have the protocol ALL-Ph-08 (if under 55) "
    "or LALOPh (if over 55).",
    "Participants with Ph-positive ALL (documented presence of t(9;22)(q34;q11) and/or of the "
    "BCR/ABL fusion transcript). These participants will be transferred to an adequate trial "
    "for t(9;22) if available.",
    "Ph+ ALL. Such patients should be referred to the EsPhALL study.",
])
def test_ph_positive_excludes_and_ph_negative_is_clear(item):
    assert outcome("Exclusion", item, {**B_ALL, "philadelphia_chromosome": "positive"}) \
        == "not_met"
    assert outcome("Exclusion", item, {**B_ALL, "philadelphia_chromosome": "negative"}) == "met"


def test_a_referral_with_an_exception_still_weakens_the_exclusion():
    """'... unless ...' after the referral is no mere referral: Ph+ is never ruled out on it."""
    item = ("Ph+ ALL. These patients will be transferred to the EsPhALL trial unless they "
            "are older than 18 years.")
    assert outcome("Exclusion", item, {**B_ALL, "philadelphia_chromosome": "positive"}) \
        != "not_met"


# --------------------------------------------------------------------- bilineage leukemia
@pytest.mark.parametrize("item", ["Bilineage ALL", "Bi-lineage acute leukemia",
                                  "Biphenotypic ALL"])
def test_bilineage_all_excludes_mixed_phenotype(item):
    assert outcome("Exclusion", item, {"diagnosis": "mixed_phenotype"}) == "not_met"
    assert outcome("Exclusion", item, B_ALL) == "met"


@pytest.mark.parametrize("item", ["Childhood ALL", "Pediatric ALL"])
def test_childhood_all_is_all_of_either_lineage(item):
    assert outcome("Inclusion", item, {"diagnosis": "t_all"}) == "met"
    assert outcome("Inclusion", item, {"diagnosis": "other"}) == "not_met"


# --------------------------------------------------------- a bare "refractory" in a list
@pytest.mark.parametrize("item", [
    "Must be in second or subsequent relapse and/or refractory.",
    "In second or greater relapse or refractory",
])
def test_second_relapse_or_refractory(item):
    """Either setting meets it; a first relapse that responded does not."""
    assert outcome("Inclusion", item, {"disease_status": "relapsed", "relapse_count": 2}) \
        == "met"
    assert outcome("Inclusion", item, {"disease_status": "refractory", "relapse_count": 0}) \
        == "met"
    assert outcome("Inclusion", item, {"disease_status": "relapsed", "relapse_count": 1}) \
        == "not_screened"  # (a first relapse that did not respond: the study team's)
    assert outcome("Inclusion", item, {"disease_status": "newly_diagnosed",
                                       "relapse_count": 0}) == "not_met"


def test_first_relapse_or_refractory():
    item = "In first relapse or refractory."
    assert outcome("Inclusion", item, {"disease_status": "relapsed", "relapse_count": 1}) \
        == "met"
    assert outcome("Inclusion", item, {"disease_status": "newly_diagnosed",
                                       "relapse_count": 0}) == "not_met"


# ---------------------------------------------------------------- marrow grades with MRD
@pytest.mark.parametrize("item", [
    "Second or later bone marrow relapse (defined as M3 marrow or M2 marrow or M1 marrow but "
    "with MRD level ≥ 10E-3)",
    "Second or later bone marrow relapse (defined as M3 or M2 marrow, or M1 marrow with "
    "MRD ≥ 10^-3)",
])
def test_a_marrow_relapse_defined_by_grades_or_mrd(item):
    """An M2 marrow, or an M1 marrow with MRD at 10^-3, meets it: never the M3 alone."""
    second = {"disease_status": "relapsed", "relapse_count": 2}
    assert outcome("Inclusion", item, {**second, "marrow_blasts_percent": 12}) == "met"
    assert outcome("Inclusion", item, {**second, "marrow_blasts_percent": 1,
                                       "mrd": {"status": "positive", "level": 0.002}}) == "met"
    assert outcome("Inclusion", item, {**second, "marrow_blasts_percent": 1,
                                       "mrd": {"status": "positive", "level": 0.0001}}) \
        == "not_met"
    assert outcome("Inclusion", item, {"disease_status": "relapsed", "relapse_count": 1,
                                       "marrow_blasts_percent": 40}) == "not_met"


@pytest.mark.parametrize("item", [
    "Subjects with bone marrow blast percentage < 5% (M1) or bone marrow blast percentage "
    "< 25% and ≥5% (M2) marrow at the time of randomization,",
    "bone marrow blasts < 5% (M1) or 5% to < 25% (M2)",
])
def test_an_m1_or_m2_marrow_each_with_its_count(item):
    assert outcome("Inclusion", item, {"marrow_blasts_percent": 10}) == "met"
    assert outcome("Inclusion", item, {"marrow_blasts_percent": 30}) == "not_met"


# ------------------------------------------------------------------- molecular failure
@pytest.mark.parametrize("item", [
    "B-precursor ALL patients in complete hematological remission with molecular failure or "
    "molecular relapse",
    "In hematologic complete remission with molecular failure",
])
def test_remission_with_molecular_failure_needs_mrd(item):
    in_cr = {**B_ALL, "in_remission": True}
    assert outcome("Inclusion", item, {**in_cr, "mrd": {"status": "positive"}}) in (
        "met", "not_screened")
    assert outcome("Inclusion", item, {**in_cr, "mrd": {"status": "negative"}}) == "not_met"


def test_molecular_relapse_alone_never_excludes():
    """A persisting MRD is no 'molecular relapse': the exclusion is not read on MRD alone."""
    assert outcome("Exclusion", "Molecular relapse", {"mrd": {"status": "positive"}}) \
        != "not_met"


# ------------------------------------------------------- a relapse after treatment phases
@pytest.mark.parametrize("item", [
    "Patients with B-precursor ALL relapsed after at least induction and consolidation or "
    "having refractory disease",
    "B-precursor ALL relapsed after at least one prior therapy or refractory disease",
])
def test_relapsed_after_phases_or_refractory(item):
    """Refractory meets it; a relapse goes to the study team; newly diagnosed is ruled out."""
    assert outcome("Inclusion", item, {**B_ALL, "disease_status": "refractory",
                                       "relapse_count": 0}) == "met"
    assert outcome("Inclusion", item, {**B_ALL, "disease_status": "relapsed",
                                       "relapse_count": 1}) == "not_screened"
    assert outcome("Inclusion", item, {**B_ALL, "disease_status": "newly_diagnosed",
                                       "relapse_count": 0}) == "not_met"


@pytest.mark.parametrize("item", [
    "Must have relapsed or refractory disease after at least one standard chemotherapy and one "
    "salvage regimen.",
    "Relapsed or refractory disease following at least two prior regimens",
])
def test_relapsed_or_refractory_after_lines_of_therapy(item):
    assert outcome("Inclusion", item, {"disease_status": "relapsed"}) == "not_screened"
    assert outcome("Inclusion", item, {"disease_status": "newly_diagnosed"}) == "not_met"


def test_relapsed_or_refractory_despite_tkis_keeps_the_tki_count():
    """'... despite treatment with at least 2 different TKIs' is the TKI count's, not a
    disease setting alone: a Ph+ relapse after imatinib only stays ruled out."""
    item = ("Individuals with Ph+ disease are eligible if they are intolerant to tyrosine kinase "
            "inhibitor (TKI) therapy, or if they have relapsed/refractory disease despite "
            "treatment with at least 2 different TKIs")
    ph = {**B_ALL, "philadelphia_chromosome": "positive", "disease_status": "relapsed",
          "relapse_count": 2}
    assert outcome("Inclusion", item, {**ph, "prior_therapies": [
        {"therapy": "imatinib", "months_since_last_dose": 2, "outcome": "responded"}]}) \
        == "not_met"
    assert outcome("Inclusion", item, {**ph, "prior_therapies": [
        {"therapy": "imatinib", "months_since_last_dose": 6, "outcome": "responded"},
        {"therapy": "dasatinib", "months_since_last_dose": 2, "outcome": "refractory"}]}) \
        == "met"


@pytest.mark.parametrize("item", [
    "Participants newly diagnosed with T-lineage or precursor-B (BCP) ALL.",
    "Newly diagnosed T-cell or precursor-B (BCP) ALL",
])
def test_a_bracketed_abbreviation_inside_the_name(item):
    assert outcome("Inclusion", item, {"diagnosis": "b_all", "disease_status":
                                       "newly_diagnosed"}) == "met"
    assert outcome("Inclusion", item, {"diagnosis": "mixed_phenotype", "disease_status":
                                       "newly_diagnosed"}) == "not_met"


# ------------------------------------------------- candidates for a treatment, unknown data
@pytest.mark.parametrize("item", [
    "Patients with Ph+ ALL eligible for treatment with dasatinib or imatinib",
    "Patients with Ph+ ALL who are candidates for TKI therapy",
])
def test_ph_positive_candidates_for_a_tki_never_excluded_on_ph_alone(item):
    """Whether they are candidates is the study team's; Ph-negative people are clear."""
    assert outcome("Exclusion", item, {**B_ALL, "philadelphia_chromosome": "positive"}) \
        == "not_screened"
    assert outcome("Exclusion", item, {**B_ALL, "philadelphia_chromosome": "negative"}) == "met"


@pytest.mark.parametrize("item", [
    "Presence of the t(9;22) (q34;q11) or bcr-abl fusion in the leukemic cells (if data are "
    "not known, patient still may be eligible)",
    "Ph+ ALL (if the result is not available at enrollment, the patient may be enrolled)",
])
def test_unknown_ph_may_join_and_ph_positive_is_excluded(item):
    assert outcome("Exclusion", item, {**B_ALL, "philadelphia_chromosome": "positive"}) \
        == "not_met"
    assert outcome("Exclusion", item, {**B_ALL, "philadelphia_chromosome": "negative"}) == "met"
    assert outcome("Exclusion", item, B_ALL) != "not_met"


# ------------------------------------------------------- settings defined in brackets
@pytest.mark.parametrize("item", [
    "Subjects with CD22-positive ALL with either refractory disease (i.e. disease progression "
    "or no response while receiving their most recent prior anti-cancer therapy), or relapsed "
    "disease (i.e. response to their most recent prior anti-cancer therapy with subsequent "
    "relapse).",
    "CD22-positive ALL with relapsed disease (i.e., recurrence after a complete remission) or "
    "refractory disease (i.e., no CR after induction)",
])
def test_settings_defined_in_brackets_go_to_the_study_team(item):
    """A relapsed CD22+ ALL is never ruled out on the definitions; newly diagnosed and CD22-
    are."""
    cd22 = {**B_ALL, "cd22": "positive"}
    assert outcome("Inclusion", item, {**cd22, "disease_status": "relapsed",
                                       "relapse_count": 1}) == "not_screened"
    assert outcome("Inclusion", item, {**cd22, "disease_status": "newly_diagnosed",
                                       "relapse_count": 0}) == "not_met"
    assert outcome("Inclusion", item, {**B_ALL, "cd22": "negative", "disease_status": "relapsed",
                                       "relapse_count": 1}) == "not_met"


# ------------------------------------------------------------- T-ALL or ETP, and purposes
@pytest.mark.parametrize("item", ["T-ALL or ETP-ALL in first relapse",
                                  "ETP-ALL or other T-ALL in first relapse"])
def test_t_all_or_etp_is_t_all(item):
    """An ETP leukemia is a T-ALL: a non-ETP T-ALL meets it too, a B-ALL does not."""
    first = {"disease_status": "relapsed", "relapse_count": 1}
    assert outcome("Inclusion", item, {**first, "diagnosis": "t_all",
                                       "early_t_precursor": False}) == "met"
    assert outcome("Inclusion", item, {**first, "diagnosis": "b_all"}) == "not_met"


def test_why_a_criterion_is_asked_asks_nothing_more():
    item = ("Patients must have a history of relapsed/refractory CD19+ B-ALL to be eligible for "
            "infusion of modified T cells.")
    assert outcome("Inclusion", item, {**B_ALL, "cd19": "positive",
                                       "disease_status": "relapsed"}) == "met"
    assert outcome("Inclusion", item, {**B_ALL, "cd19": "negative",
                                       "disease_status": "relapsed"}) == "not_met"


# ------------------------------------------------------ a marrow of another time than now
@pytest.mark.parametrize("item", [
    "Primary refractory ALL (M3 marrow at end of induction)",
    "Refractory B-ALL with ≥ 25% blasts in the bone marrow at day 29",
])
def test_a_dated_marrow_never_rules_out_on_todays_blasts(item):
    """The profile's blast count is undated: a refractory leukemia with 15% blasts now is
    the study team's, never ruled out for missing the end-of-induction M3."""
    refractory = {**B_ALL, "disease_status": "refractory", "relapse_count": 0}
    assert outcome("Inclusion", item, {**refractory, "marrow_blasts_percent": 15}) in (
        "met", "not_screened")
    assert outcome("Inclusion", item, {**B_ALL, "disease_status": "newly_diagnosed",
                                       "marrow_blasts_percent": 40}) == "not_met"


def test_an_undated_marrow_still_decides():
    item = "Morphologic evidence of B-precursor ALL with > 25% blasts in bone marrow (M3) at " \
           "study enrolment"
    assert outcome("Inclusion", item, {**B_ALL, "marrow_blasts_percent": 40}) == "met"
    assert outcome("Inclusion", item, {**B_ALL, "marrow_blasts_percent": 15}) == "not_met"


# ------------------------------------------------------------------ lineage beside "refractory"
@pytest.mark.parametrize("item, lineage, other", [
    ("Refractory B-ALL", "b_all", "t_all"),
    ("Refractory T-ALL", "t_all", "b_all"),
    ("Resistant B-ALL", "b_all", "t_all"),
])
def test_refractory_keeps_the_lineage_it_names(item, lineage, other):
    """'Refractory B-ALL' is refractory disease *and* B-ALL: refractory T-ALL does not meet it
    (the setting's words once swallowed the lineage, and it said 'met')."""
    refractory = {"disease_status": "refractory"}
    assert outcome("Inclusion", item, {**refractory, "diagnosis": lineage}) == "met"
    assert outcome("Inclusion", item, {**refractory, "diagnosis": other}) == "not_met"


@pytest.mark.parametrize("item", [
    "Refractory B-ALL with ≥ 25% blasts at day 29",
    "Refractory B-ALL with >= 5% blasts",
    "Relapsed B-ALL, blasts > 20%",
])
def test_a_limit_left_unread_is_never_met(item):
    """A number with its comparison or a percentage that nothing read is a limit of its own:
    the criterion is never 'met' without it (it goes to the study team), and the parts read
    still rule out what they rule out."""
    fits = {"diagnosis": "b_all", "disease_status": "refractory" if "Refractory" in item
            else "relapsed", "relapse_count": 1}
    assert outcome("Inclusion", item, fits) in ("unknown", "not_screened")
    assert outcome("Inclusion", item, {**fits, "diagnosis": "t_all"}) == "not_met"
