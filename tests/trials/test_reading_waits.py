"""Waits since earlier therapy, transplant timing, GVHD and organ function (issue 7).

Each test screens a profile against a study record built from one criterion of registry
wording (as ALL protocols word it: COG, St Jude, European groups, pharma), and asserts the
outcome a patient would see. Each pairs the patient who must be ruled out (or asked
about) with the one who must not be.
"""

import pytest
from reading_outcome import had, outcome


def organs(**values: float) -> dict:
    return {"organ_function": values}


# ------------------------------------------------------- a wait that ends at the study drug
@pytest.mark.parametrize("item", [
    "Allogeneic hematopoietic stem cell transplantation (HSCT) within 12 weeks before "
    "blinatumomab treatment",
    "Allogeneic HSCT within 3 months prior to start of blinatumomab treatment",
    "Any HSCT within 3 months prior to blinatumomab treatment",
    "Allogeneic stem cell transplant within three months of study entry",
])
def test_a_recent_transplant_before_the_study_drug(item):
    """A donor transplant a month ago is ruled out; one a year ago is not."""
    assert outcome("Exclusion", item, had("allogeneic_hsct", months=1)) == "not_met"
    assert outcome("Exclusion", item, had("allogeneic_hsct", months=12)) == "met"


def test_twelve_weeks_leaves_its_edge_month_to_the_study_team():
    """12 weeks is 2.76 months: someone who answered '2 months ago' may be on either side."""
    item = "Allogeneic HSCT within 12 weeks before blinatumomab treatment"
    assert outcome("Exclusion", item, had("allogeneic_hsct", months=2)) == "not_screened"
    assert outcome("Exclusion", item, had("allogeneic_hsct", months=3)) == "met"


@pytest.mark.parametrize("item", [
    "Immunotherapy (e.g. rituximab, alemtuzumab) within 6 weeks prior to blinatumomab "
    "treatment",
    "Therapy with monoclonal antibodies (Rituximab, MabCampath) within 6 weeks prior to study "
    "treatment",
    "Immunotherapy (e.g. rituximab) within six weeks prior to start of blinatumomab treatment",
])
def test_an_antibody_within_six_weeks(item):
    """Rituximab less than a month ago is ruled out; rituximab half a year ago is not."""
    assert outcome("Exclusion", item, had("rituximab", months=0)) == "not_met"
    assert outcome("Exclusion", item, had("rituximab", months=6)) == "met"


def test_a_drug_before_the_study_drug_without_a_window_is_not_read():
    """'Inotuzumab before blinatumomab' says an order, not a wait: never excludes."""
    item = "Prior treatment with inotuzumab before blinatumomab"
    assert outcome("Exclusion", item, had("inotuzumab_ozogamicin", months=1)) == "not_screened"


def test_a_wait_shorter_than_a_month_stays_unread():
    """The settled policy: 'within 2 weeks' is the study team's, whatever the answer."""
    item = "Cancer chemotherapy within 2 weeks prior to start of blinatumomab treatment"
    assert outcome("Exclusion", item, had("multiagent_chemotherapy", months=0)) == "not_screened"


@pytest.mark.parametrize("item", [
    "Prior allogeneic stem cell transplant in previous 4 months.",
    "Allogeneic stem cell transplantation in the preceding 4 months",
])
def test_in_the_previous_months(item):
    """'In previous 4 months' is a window like 'within 4 months'."""
    assert outcome("Exclusion", item, had("allogeneic_hsct", months=3)) == "not_met"
    assert outcome("Exclusion", item, had("allogeneic_hsct", months=4)) == "met"


# ---------------------------------------------------------------- each alternative its wait
@pytest.mark.parametrize("item", [
    "Autologous HSCT within 6 weeks or allogeneic HSCT within 12 weeks before blinatumomab "
    "treatment",
    "Autologous HSCT within 6 weeks, or allogeneic HSCT within 3 months, before blinatumomab "
    "treatment",
])
def test_each_transplant_with_its_own_wait(item):
    """A donor transplant 2 months ago is inside its own window (not the autologous one's)."""
    assert outcome("Exclusion", item, had("allogeneic_hsct", months=1)) == "not_met"
    assert outcome("Exclusion", item, had("allogeneic_hsct", months=2)) != "met"
    assert outcome("Exclusion", item, had("autologous_hsct", months=2)) == "met"
    assert outcome("Exclusion", item, had("allogeneic_hsct", months=12)) == "met"


def test_an_alternative_without_a_wait_leaves_the_sentence_unread():
    """'... or eligibility for allogeneic HSCT': that alternative is no prior transplant."""
    item = ("Autologous HSCT within 6 weeks or allogeneic HSCT within 12 weeks before "
            "blinatumomab treatment, or eligibility for allogeneic HSCT at the time of enrollment")
    assert outcome("Exclusion", item, had("allogeneic_hsct", months=24)) == "not_screened"


# --------------------------------------------------------------------------- GVHD beside it
def test_a_recent_transplant_or_active_gvhd():
    """Either alternative alone: a transplant 1 month ago, or GVHD (of the grade named)."""
    item = ("Have received a hematologic stem cell transplant (HSCT) within the previous 3 months "
            "or have active GVHD (greater than or equal to Grade 2).")
    assert outcome("Exclusion", item, had("allogeneic_hsct", months=1)) == "not_met"
    gvhd = {**had("allogeneic_hsct", months=12), "active_gvhd": True}
    assert outcome("Exclusion", item, gvhd) == "not_screened"
    assert outcome("Exclusion", item, {**had("allogeneic_hsct", months=12),
                                       "active_gvhd": False}) == "met"


def test_who_have_active_gvhd_is_an_alternative_of_its_own():
    """'... within 6 months or who have active GVHD': GVHD a year after it still excludes."""
    item = ("Patients who have had an allogeneic transplant within 6 months or who have active "
            "graft-versus-host disease")
    assert outcome("Exclusion", item, {**had("allogeneic_hsct", months=12),
                                       "active_gvhd": True}) == "not_met"
    assert outcome("Exclusion", item, {**had("allogeneic_hsct", months=12),
                                       "active_gvhd": False}) == "met"


# -------------------------------------------------------------------------- organ function
@pytest.mark.parametrize("item", [
    "Patients with a cardiac ejection fraction (as measured by either Radionuclide "
    "angiography (MUGA) or echocardiogram) < 45% are excluded.",
    "Left ventricular ejection fraction (by echocardiogram or MUGA) < 45%",
])
def test_an_ejection_fraction_measured_in_brackets(item):
    """An LVEF of 35% is ruled out, 60% is not."""
    assert outcome("Exclusion", item, organs(lvef_percent=35)) == "not_met"
    assert outcome("Exclusion", item, organs(lvef_percent=60)) == "met"


def test_creatinine_or_clearance_by_a_formula():
    """The clearance alternative decides only when it is met; serum creatinine is unseen."""
    item = ("Serum creatinine =< 1.5 x ULN OR creatinine clearance (CrCl) >= 50 mL/min (if using "
            "the Cockcroft-Gault formula)")
    assert outcome("Inclusion", item, organs(creatinine_clearance_ml_min=90)) == "met"
    assert outcome("Inclusion", item, organs(creatinine_clearance_ml_min=30)) == "not_screened"


# ------------------------------------------------------------------------- earlier therapy
@pytest.mark.parametrize("item", [
    "Cytostatic pre-treatment",
    "pre-treatment with cytostatic drugs",
    "Prior cytostatic therapy",
])
def test_cytostatic_pretreatment(item):
    """Chemotherapy already given rules out (GMALL wording); a steroid pre-phase alone does not."""
    assert outcome("Exclusion", item, had("multiagent_chemotherapy", months=0)) == "not_met"
    assert outcome("Exclusion", item, had("corticosteroids", months=0)) == "met"


# ----------------------------------------------------------------------- GVHD under treatment
@pytest.mark.parametrize("item", [
    "Under treatment for GVHD",
    "Receiving treatment for graft-versus-host disease",
])
def test_gvhd_under_treatment(item):
    """Active GVHD goes to the study team (treated now?); no GVHD clears it."""
    assert outcome("Exclusion", item, {"active_gvhd": True}) == "not_screened"
    assert outcome("Exclusion", item, {"active_gvhd": False}) == "met"


# ------------------------------------------------------------ a liver limit a cause lifts
@pytest.mark.parametrize("item", [
    "AST ≤ 5 x the institutional ULN. Elevation secondary to leukemic involvement is not an "
    "exclusion criterion.",
    "ALT ≤ 5 x ULN for age. Elevations due to leukemic infiltration of the liver are allowed.",
])
def test_a_liver_limit_lifted_in_a_sentence_of_its_own(item):
    """An AST of 8 x ULN may be the leukemia's: the study team's, never 'not eligible'."""
    high = organs(ast_x_uln=8, alt_x_uln=8)
    assert outcome("Inclusion", item, high) == "not_screened"
    assert outcome("Inclusion", item, organs(ast_x_uln=1, alt_x_uln=1)) != "not_met"


def test_measured_before_conditioning_chemotherapy_requires_no_chemotherapy():
    """'(measured prior to conditioning chemotherapy)' says when, never that chemo was given."""
    item = ("Renal function (measured prior to conditioning chemotherapy): creatinine clearance "
            "≥ 60 mL/min")
    assert outcome("Inclusion", item, organs(creatinine_clearance_ml_min=90)) != "not_met"
    assert outcome("Inclusion", item, organs(creatinine_clearance_ml_min=30)) == "not_met"


# ------------------------------------------------------ a wait counted back from the study
@pytest.mark.parametrize("item", [
    "Allogeneic HSCT must have been performed at least 3 months prior to enrollment",
    "Allogeneic HSCT must have been completed more than 3 months before the start of study "
    "treatment",
])
def test_at_least_months_prior_to_enrollment_is_a_wait_not_a_window(item):
    """Transplanted a year ago, or never: eligible; a month ago: not yet."""
    assert outcome("Inclusion", item, had("allogeneic_hsct", months=12)) == "met"
    assert outcome("Inclusion", item, had("multiagent_chemotherapy", months=1)) == "met"
    assert outcome("Inclusion", item, had("allogeneic_hsct", months=1)) == "not_met"


def test_less_than_months_before_the_start_of_study_treatment():
    """'Less than 3 months before the start of study treatment' is a window."""
    item = "Allogeneic HSCT less than 3 months before the start of study treatment"
    assert outcome("Exclusion", item, had("allogeneic_hsct", months=1)) == "not_met"
    assert outcome("Exclusion", item, had("allogeneic_hsct", months=5)) == "met"


def test_days_removed_from_the_transplant():
    """'Eligible if more than 90 days removed from the transplant': a month after it, not yet."""
    item = ("Patients with a history of allogeneic hematopoietic stem cell transplantation (HSCT) "
            "will be eligible if they are more than 90 days removed from the transplant")
    assert outcome("Inclusion", item, had("allogeneic_hsct", months=1)) == "not_met"
    assert outcome("Inclusion", item, had("allogeneic_hsct", months=6)) == "met"
    assert outcome("Inclusion", item, had("multiagent_chemotherapy", months=1)) == "met"


@pytest.mark.parametrize("item", [
    "Have received any stem cell transplantation or high-dose chemotherapy with stem cell rescue "
    "regimen.",
    "Prior high-dose chemotherapy with autologous stem cell rescue",
])
def test_high_dose_chemotherapy_with_stem_cell_rescue_is_an_autologous_transplant(item):
    """An autologous transplant rules out; chemotherapy alone (no rescue) does not."""
    assert outcome("Exclusion", item, had("autologous_hsct", months=24)) == "not_met"
    assert outcome("Exclusion", item, had("multiagent_chemotherapy", months=1)) == "met"


def test_bilirubin_or_creatinine_above_a_limit():
    """A bilirubin of 3 x ULN rules out; a normal one leaves the creatinine to the study team."""
    item = "Total bilirubin or creatinine ≥ 1.5 × ULN"
    assert outcome("Exclusion", item, organs(bilirubin_x_uln=3)) == "not_met"
    assert outcome("Exclusion", item, organs(bilirubin_x_uln=1)) == "not_screened"


def test_bilirubin_and_creatinine_within_a_limit():
    """Both required: a high bilirubin is ruled out, a normal one waits on the creatinine."""
    item = "Bilirubin and creatinine ≤ 1.5 x ULN"
    assert outcome("Inclusion", item, organs(bilirubin_x_uln=3)) == "not_met"
    assert outcome("Inclusion", item, organs(bilirubin_x_uln=1)) == "not_screened"


def test_a_transplant_complicated_by_active_gvhd():
    """Active GVHD after the transplant goes to the study team; no GVHD clears it."""
    item = ("Patients previously treated with an allogeneic SCT that is currently complicated by "
            "active GVHD requiring T cell suppressive therapy.")
    after = had("allogeneic_hsct", months=8)
    assert outcome("Exclusion", item, {**after, "active_gvhd": True}) == "not_screened"
    assert outcome("Exclusion", item, {**after, "active_gvhd": False}) == "met"


def test_a_window_counted_from_diagnosis_is_not_a_wait_from_now():
    """'Within 2 months of diagnosis' is counted from a date the profile does not hold."""
    item = "Previous therapy with asparaginase within 2 months of diagnosis"
    assert outcome("Exclusion", item, had("asparaginase", months=1)) == "not_screened"
    assert outcome("Exclusion", item, had("asparaginase", months=12)) == "not_screened"


def test_transaminases_by_their_long_names_and_a_tumor_that_lifts_the_limit():
    """'Alanine transaminase' is ALT alone; 'unless due to tumor' leaves a high one to the team."""
    assert outcome("Inclusion", "Alanine transaminase ≤ 3 x ULN",
                   organs(alt_x_uln=1, ast_x_uln=9)) == "met"
    assert outcome("Inclusion", "Alanine transaminase ≤ 3 x ULN", organs(alt_x_uln=9)) == "not_met"
    item = ("Alanine transaminase (SGPT) or Aspartate transaminase (SGOT) </= 3 x upper limit of "
            "normal [ULN] or </= 5 x ULN if due to tumor")
    assert outcome("Inclusion", item, organs(alt_x_uln=8, ast_x_uln=8)) == "not_screened"
    assert outcome("Inclusion", item, organs(alt_x_uln=1, ast_x_uln=1)) == "met"


@pytest.mark.parametrize("item", [
    "No prior therapy except short courses of corticosteroids, a single dose of IT cytarabine or "
    "emergent radiation to the mediastinum",
    "No prior treatment, other than corticosteroids for less than 7 days",
])
def test_no_prior_therapy_but_for_what_the_study_allows(item):
    """A relapsed leukemia has been treated: ruled out; a new one goes to the study team."""
    assert outcome("Inclusion", item, {"disease_status": "relapsed"}) == "not_met"
    assert outcome("Inclusion", item, {"disease_status": "newly_diagnosed"}) == "not_screened"
