"""How the pieces of one ALL inclusion are put together (issue 7, round 4), on registry
wording from the development half and bench/corpus records.

Each test asserts what a patient sees: a doubt or an alternative in one piece of an
item never takes the decision away from what its neighbours require, and what only
narrows a requirement further never turns it into something that cannot rule anyone out.
"""

from reading_outcome import outcome

B_ALL = {"diagnosis": "b_all"}
T_ALL = {"diagnosis": "t_all"}


# ------------------------------------------------------- how the diagnosis is confirmed
def test_diagnosis_confirmed_by_methods_listed_with_commas():
    """NCT01044069 (bench corpus): "by flow cytometry, or bone marrow histology, and/or
    cytogenetics" says how B-ALL is shown (settled: it asks nothing), never an alternative
    to B-ALL: a T-ALL is ruled out, a B-ALL meets it."""
    item = ("Patients must have a diagnosis of B-ALL by flow cytometry, or bone marrow "
            "histology, and/or cytogenetics.")
    assert outcome("Inclusion", item, T_ALL) == "not_met"
    assert outcome("Inclusion", item, B_ALL) == "met"


# ------------------------------------------------------- an exclusion's own "if"
def test_patients_will_be_excluded_if_they_have():
    """NCT01860937 (bench corpus): "Patients will be excluded if they have isolated
    extra-medullary relapse of ALL" -- the "if" is how the exclusion is worded, no condition
    on it: an isolated extramedullary relapse excludes, a marrow relapse does not."""
    item = "Patients will be excluded if they have isolated extra-medullary relapse of ALL"
    relapsed = {**B_ALL, "disease_status": "relapsed", "relapse_count": 1}
    assert outcome("Exclusion", item, {**relapsed,
                                       "isolated_extramedullary_relapse": True}) == "not_met"
    assert outcome("Exclusion", item, {**relapsed,
                                       "isolated_extramedullary_relapse": False}) == "met"


def test_excluded_if_with_an_exception_is_left_to_the_study_team():
    """The lead-in is read only where nothing after it is another condition: "Patients will
    be excluded if they have HIV unless ..." is not read (never excluded on the HIV alone)."""
    item = ("Patients will be excluded if they have HIV infection unless it is controlled on "
            "antiretroviral therapy")
    assert outcome("Exclusion", item, {**B_ALL, "infections": {"hiv": True}}) != "not_met"


# ------------------------------------------------------- an age counted at diagnosis
def _verdict_and_outcomes(text: str, minimum: str | None, maximum: str | None, profile: dict):
    from reading_outcome import study

    from screener.eligibility import screen
    from screener.profile import validate_profile
    from screener.trials.study import trial_from_study

    record = study(f"Inclusion Criteria:\n\n* {text}\n")
    elig = record["protocolSection"]["eligibilityModule"]
    if minimum:
        elig["minimumAge"] = minimum
    if maximum:
        elig["maximumAge"] = maximum
    result = screen(validate_profile({"profile_version": 1, **profile}), trial_from_study(record))
    return result.verdict, {c.id: c.outcome for c in result.criteria}


def test_age_at_diagnosis_never_excludes_on_todays_age():
    """NCT02435849 (development half): "Age 3 at the time of screening to age 21 at the time
    of initial diagnosis" (registry 3-30 years) and NCT00002738's "21 and under at
    diagnosis": someone older today than the limit, diagnosed within it, is never ruled out
    on today's age; with no age at diagnosis given the question is asked, never answered
    "not eligible"."""
    for text, minimum, maximum in (
            ("Age 3 at the time of screening to age 21 at the time of initial diagnosis",
             "3 Years", "30 Years"),
            ("21 and under at diagnosis", None, "21 Years")):
        verdict, outcomes = _verdict_and_outcomes(
            text, minimum, maximum, {**B_ALL, "age": {"years": 26},
                                     "age_at_diagnosis": {"years": 20}})
        assert "not_met" not in outcomes.values(), (text, outcomes)
        verdict, outcomes = _verdict_and_outcomes(text, minimum, maximum,
                                                  {**B_ALL, "age": {"years": 26}})
        assert verdict != "not_eligible", (text, outcomes)
        # diagnosed beyond the limit: that is what the text rules out
        verdict, _ = _verdict_and_outcomes(text, minimum, maximum, {
            **B_ALL, "age": {"years": 26}, "age_at_diagnosis": {"years": 24}})
        assert verdict == "not_eligible"
