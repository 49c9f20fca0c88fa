"""What one part of a study asks is never asked of everyone (round 5), on registry wording
from the bench corpus and the development half.

A false "not eligible" can cost a patient a trial: a requirement of one cohort, arm or
sub-trial is one alternative among the parts, so on its own it can be met but never rules
out someone who may belong to another part.
"""

import json
from pathlib import Path

from reading_outcome import outcome

from screener.eligibility import screen
from screener.profile import validate_profile
from screener.trials.study import trial_from_study

CORPUS = Path(__file__).resolve().parents[2] / "bench" / "corpus"

NEW_PH_NEG = {"diagnosis": "b_all", "disease_status": "newly_diagnosed",
              "philadelphia_chromosome": "negative", "age": {"years": 30}}
NEW_PH_POS = {**NEW_PH_NEG, "philadelphia_chromosome": "positive"}
RELAPSED_PH_NEG = {"diagnosis": "b_all", "disease_status": "relapsed", "relapse_count": 1,
                   "philadelphia_chromosome": "negative", "age": {"years": 30}}


def _one(kind: str, text: str, profile: dict) -> str:
    """The outcome of the one criterion of ``text`` (an item with details below it)."""
    from reading_outcome import study

    trial = trial_from_study(study(f"{kind} Criteria:\n\n* {text}\n"))
    result = screen(validate_profile({"profile_version": 1, **profile}), trial)
    (criterion,) = result.criteria
    return criterion.outcome


def _verdict(record: dict, profile: dict) -> str:
    trial = trial_from_study(record)
    return screen(validate_profile({"profile_version": 1, **profile}), trial).verdict


# ------------------------------------------------------- one trial of a protocol
def test_for_one_trial_only_is_no_requirement_of_the_whole_study():
    """NCT00327678 (bench corpus, GRAALL-2005 with its Ph+ trial GRAAPH): "For GRAAPH trial
    only: t(9;22) or BCR-ABL positive" is the Ph+ trial's requirement; a newly diagnosed
    Ph-negative adult belongs to the other trial and is no "not eligible" on it."""
    item = "For GRAAPH trial only: t(9;22) or BCR- ABL positive"
    assert outcome("Inclusion", item, NEW_PH_NEG) != "not_met"
    record = json.loads((CORPUS / "NCT00327678.json").read_text("utf-8"))
    assert _verdict(record, NEW_PH_NEG) != "not_eligible"
    # what the whole study requires still decides: a relapse is not newly diagnosed ALL
    assert outcome("Inclusion", "ALL newly diagnosed (blast < 20%)",
                   RELAPSED_PH_NEG) == "not_met"


# ------------------------------------------------------- a cohort's core
def test_a_cohorts_newly_diagnosed_ph_positive_core_is_not_everyones():
    """A cohort's inclusion read only in part: "newly diagnosed Ph+ ALL" (the words of
    NCT02744768, development half) is what Cohort A requires, and the fallback that pulls
    out what everyone must have must not require it of a relapsed, Ph-negative patient who
    may belong to Cohort B. (The cohort frame is the shape the brief names; the
    development half has no cohort item read only in part.)"""
    item = ("Cohort A: patients with newly diagnosed Ph+ ALL not previously treated with a "
            "tyrosine kinase inhibitor")
    assert outcome("Inclusion", item, RELAPSED_PH_NEG) != "not_met"
    assert outcome("Inclusion", item, NEW_PH_POS) != "not_met"


# ------------------------------------------------------- how the relapse came about
NEW = {"diagnosis": "b_all", "disease_status": "newly_diagnosed", "age": {"years": 30}}
RELAPSED = {"diagnosis": "b_all", "disease_status": "relapsed", "relapse_count": 2,
            "age": {"years": 30}}


def test_an_or_between_the_treatments_a_relapse_followed_offers_no_other_setting():
    """NCT00006008 (development half): "Refractory to induction therapy or relapsed
    following chemotherapy or autologous blood or bone marrow transplantation" -- the
    "or"s after "following" only say how the relapse happened, so relapsed or refractory
    disease is required: a newly diagnosed adult is ruled out, a relapse is left to the
    study team (which treatment it followed is not read)."""
    item = ("Refractory to induction therapy or relapsed following chemotherapy or "
            "autologous blood or bone marrow transplantation")
    assert outcome("Inclusion", item, NEW) == "not_met"
    assert outcome("Inclusion", item, RELAPSED) == "not_screened"


def test_an_or_that_offers_another_setting_after_the_treatments_still_does():
    """NCT01209286 (bench corpus): "relapsed after at least induction and consolidation or
    having refractory disease" -- "having refractory disease" is another setting; nobody
    is ruled out on the relapse alone (refractory disease is not a relapse)."""
    item = ("Patients with B-precursor ALL relapsed after at least induction and "
            "consolidation or having refractory disease")
    refractory = {"diagnosis": "b_all", "disease_status": "refractory", "relapse_count": 0,
                  "age": {"years": 30}}
    assert outcome("Inclusion", item, refractory) != "not_met"


# ------------------------------------------------------- permissions that widen nothing
NCT00006008_ITEM = ("Refractory to induction therapy or relapsed following chemotherapy or "
                    "autologous blood or bone marrow transplantation\n"
                    "  - Any number of prior relapses allowed\n"
                    "  - No relapse following allogeneic transplantation")


def test_any_number_of_prior_relapses_allowed_widens_nothing():
    """NCT00006008 (development half): "Any number of prior relapses allowed" under
    "... relapsed following chemotherapy ..." lets in no one the relapse it requires turns
    away (no upper count is set), so the setting still rules out a newly diagnosed adult;
    a second relapse is no "not eligible"."""
    assert _one("Inclusion", NCT00006008_ITEM, NEW) == "not_met"
    assert _one("Inclusion", NCT00006008_ITEM, RELAPSED) != "not_met"


def test_any_number_of_relapses_beside_a_limit_on_them_is_an_exception():
    """Beside a requirement that caps the count ("first relapse"), the same words let in
    more relapses than it takes: a third relapse is never ruled out on the cap alone."""
    item = ("ALL in first relapse\n"
            "  - Any number of prior relapses allowed")
    third = {**RELAPSED, "relapse_count": 3}
    assert _one("Inclusion", item, third) != "not_met"


AGE_ITEM = ("Age 1 to 24 years. Patients ages 22-24 will only be enrolled if they are currently "
            "being treated at CHOP or another pediatric facility/oncologist")


def test_an_only_if_for_ages_inside_the_band_narrows_it():
    """NCT01626495 (bench corpus): "Patients ages 22-24 will only be enrolled if ..." puts a
    further condition on people "Age 1 to 24 years" already takes; it lets no one in, so
    the band still rules out a 25-year-old, and a 23-year-old is the study team's."""
    b_all = {"diagnosis": "b_all", "disease_status": "relapsed", "relapse_count": 1}
    assert outcome("Inclusion", AGE_ITEM, {**b_all, "age": {"years": 25}}) == "not_met"
    assert outcome("Inclusion", AGE_ITEM, {**b_all, "age": {"years": 23}}) == "not_screened"


def test_an_only_if_for_ages_outside_the_band_still_widens_it():
    """The same words beside a band that stops at 21 speak of people it does not take: the
    band then never rules out a 23-year-old alone."""
    item = AGE_ITEM.replace("Age 1 to 24", "Age 1 to 21")
    b_all = {"diagnosis": "b_all", "disease_status": "relapsed", "relapse_count": 1}
    assert outcome("Inclusion", item, {**b_all, "age": {"years": 23}}) != "not_met"
