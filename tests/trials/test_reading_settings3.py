"""Disease-setting and prior-therapy inclusions of ALL trials read as requirements (issue 7,
round 3), on registry wording from the development half and bench/corpus records.

Each test pairs the patient the criterion must rule out with the one it must let through
(or leave to the study team): a relapse of any number, a Ph+ subgroup's TKI failure, a
requirement beside an unread negated tail, and test methods that ask nothing.
"""

from reading_outcome import had, outcome

B_ALL = {"diagnosis": "b_all"}


# ------------------------------------------------------- any relapse, first one included
def test_first_or_subsequent_marrow_relapse_with_blasts():
    """NCT00897325: 'In first or subsequent marrow relapse with >= 25% blasts' takes any
    relapse; someone newly diagnosed is ruled out, a relapse with 40% blasts meets it."""
    item = ("In first or subsequent marrow relapse with ≥ 25% blasts in bone marrow and/or "
            "peripheral blood")
    assert outcome("Inclusion", item, {**B_ALL, "disease_status": "newly_diagnosed",
                                       "marrow_blasts_percent": 40}) == "not_met"
    assert outcome("Inclusion", item, {**B_ALL, "disease_status": "relapsed",
                                       "relapse_count": 2, "marrow_blasts_percent": 40}) == "met"
    # a primary refractory leukemia never relapsed
    assert outcome("Inclusion", item, {**B_ALL, "disease_status": "refractory",
                                       "relapse_count": 0, "marrow_blasts_percent": 40}) \
        == "not_met"


# ------------------------------------------------------- a Ph+ subgroup's TKI failure
def test_ph_positive_must_have_failed_a_tki():
    """NCT01363297: the Ph+ patients need a TKI behind them; Ph-negative ALL is untouched."""
    item = ("Subjects with Philadelphia chromosome-positive (Ph+) ALL must have failed standard "
            "treatment with at least one tyrosine kinase inhibitor.")
    ph_pos = {**B_ALL, "philadelphia_chromosome": "positive"}
    assert outcome("Inclusion", item, {**ph_pos, "prior_therapies": []}) == "not_met"
    # a TKI received: its outcome decides, never a "not eligible" for having had one
    assert outcome("Inclusion", item, {**ph_pos, **had("dasatinib")}) == "unknown"
    assert outcome("Inclusion", item, {**ph_pos, "prior_therapies": [
        {"therapy": "dasatinib", "months_since_last_dose": 2, "outcome": "refractory"}]}) == "met"
    assert outcome("Inclusion", item, {**B_ALL, "philadelphia_chromosome": "negative",
                                       "prior_therapies": []}) == "met"


# ------------------------------------------------------- how a finding is shown asks nothing
def test_cd19_confirmed_by_flow_or_ihc_is_required():
    """NCT01044069: 'as confirmed by flow cytometry and/or immunohistochemistry' offers no
    alternative to CD19: a CD19-negative leukemia is ruled out."""
    item = "Patients must have CD19+ ALL as confirmed by flow cytometry and/or immunohistochemistry."
    assert outcome("Inclusion", item, {**B_ALL, "cd19": "negative"}) == "not_met"
    assert outcome("Inclusion", item, {**B_ALL, "cd19": "positive"}) == "met"


def test_phenotype_sentence_makes_no_exception():
    """NCT00003837: 'Tumor cells should exhibit phenotypic characteristics of these diseases'
    says how the diagnosis is shown; relapsed T-ALL is still required."""
    item = ("Histologically confirmed relapsed or refractory T-cell acute lymphoblastic leukemia "
            "or T-cell lymphoblastic lymphoma. Tumor cells should exhibit phenotypic "
            "characteristics of these diseases")
    assert outcome("Inclusion", item, {**B_ALL, "disease_status": "relapsed"}) == "not_met"
    assert outcome("Inclusion", item, {"diagnosis": "t_all",
                                       "disease_status": "newly_diagnosed"}) == "not_met"
    # (the sentence itself is the study team's: never "met" on the words read)
    assert outcome("Inclusion", item, {"diagnosis": "t_all", "disease_status": "relapsed"}) \
        == "not_screened"


# ------------------------------------------------------- a "no" reaches forward only
FIRST_RELAPSE = (
    "Be in first relapse with >25% blasts in the bone marrow with a duration of first remission "
    "of ≥6 months and no longer in the intensive phase(s) of initial ALL therapy (e.g., patients "
    "who are in the maintenance or continuation phases of therapy [or beyond] and who have "
    "completed the induction or intensification phases).")


def test_no_longer_in_intensive_phase_leaves_the_first_relapse_required():
    """NCT00991133: the 'no longer in the intensive phase' tail is the study team's; the
    first relapse, its blasts and the first remission's length are required."""
    relapse = {**B_ALL, "disease_status": "relapsed", "relapse_count": 1,
               "marrow_blasts_percent": 60, "months_from_diagnosis_to_relapse": 30}
    assert outcome("Inclusion", FIRST_RELAPSE, relapse) == "not_screened"
    assert outcome("Inclusion", FIRST_RELAPSE, {**relapse, "relapse_count": 2}) == "not_met"
    assert outcome("Inclusion", FIRST_RELAPSE, {
        **relapse, "months_from_diagnosis_to_relapse": 4}) == "not_met"
    assert outcome("Inclusion", FIRST_RELAPSE, {**relapse, "marrow_blasts_percent": 10}) \
        == "not_met"


def test_a_no_after_the_disease_never_negates_the_disease():
    """Safety: the 'no' of an inclusion never turns round what came before it (a relapsed
    patient is never ruled out of a relapsed-ALL study by the words after a 'without')."""
    item = "Relapsed ALL without CNS involvement"
    relapsed = {**B_ALL, "disease_status": "relapsed", "relapse_count": 1}
    assert outcome("Inclusion", item, {**relapsed, "cns_status": "cns1"}) == "met"
    assert outcome("Inclusion", item, {**relapsed, "cns_status": "cns3"}) == "not_met"
    assert outcome("Inclusion", item, {**B_ALL, "disease_status": "newly_diagnosed",
                                       "cns_status": "cns1"}) == "not_met"


# ------------------------------------------------------- ", and must be ...": its own clause
def test_and_must_be_in_second_relapse_is_its_own_requirement():
    """NCT00042341 (first sentence): the unread 'not eligible for therapy of higher curative
    potential' is the study team's; a second relapse or refractory disease is required."""
    item = ("Not be eligible for therapy of higher curative potential, and must be in second or "
            "subsequent relapse and/or refractory.")
    assert outcome("Inclusion", item, {**B_ALL, "disease_status": "newly_diagnosed",
                                       "relapse_count": 0}) == "not_met"
    assert outcome("Inclusion", item, {**B_ALL, "disease_status": "relapsed",
                                       "relapse_count": 2}) == "not_screened"


# ------------------------------------------------------- a setting said twice, a bare permission
NCT03181126 = (
    "Inclusion Criteria:\n\n"
    "  -  Must have relapsed or refractory acute lymphoblastic leukemia (ALL) or relapsed or\n"
    "     refractory lymphoblastic lymphoma (LL). Refractory is defined as persistent disease\n"
    "     after at least 2 courses of chemotherapy.\n\n"
    "       -  Participants with ALL with Philadelphia chromosome or with an ABL class\n"
    "          targetable fusion are eligible.\n\n"
    "       -  Participants with LL must have radiographic evidence of disease\n\n"
    "  -  Must weigh greater than or equal to 20 kg.\n")


def _first_item(text: str, profile: dict) -> str:
    from reading_outcome import study

    from screener.eligibility import screen
    from screener.profile import validate_profile
    from screener.trials.study import trial_from_study
    trial = trial_from_study(study(text))
    result = screen(validate_profile({"profile_version": 1, **profile}), trial)
    first = next(c for c in result.criteria if c.text.startswith("Must have relapsed"))
    return first.outcome


def test_relapsed_or_refractory_said_twice_is_one_setting():
    """NCT03181126: 'relapsed or refractory ALL or relapsed or refractory LL' is relapsed or
    refractory ALL or LL; a newly diagnosed ALL is ruled out, and the Ph+ permission
    beneath it lets no one in that the requirement does not take."""
    assert _first_item(NCT03181126, {**B_ALL, "disease_status": "newly_diagnosed"}) \
        == "not_met"
    assert _first_item(NCT03181126, {**B_ALL, "disease_status": "newly_diagnosed",
                                     "philadelphia_chromosome": "positive"}) == "not_met"
    assert _first_item(NCT03181126, {**B_ALL, "disease_status": "relapsed",
                                     "relapse_count": 1}) == "not_screened"
    assert _first_item(NCT03181126, {"diagnosis": "lymphoblastic_lymphoma",
                                     "disease_status": "refractory"}) == "not_screened"
