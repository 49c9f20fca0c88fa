"""Families of ALL eligibility wording the reader used to leave unread (issue 7, round 3).

Every test screens a profile against a study record built from the text (the way a
ClinicalTrials.gov record reaches the screener), so what is asserted is the outcome a
patient would see. The wordings are real registry text (bench/corpus records and the
development half of the hand labels); each pairs the person the criterion must rule out
(or leave to the study team) with the one it must never rule out.
"""

from reading_outcome import outcome


def liver(alt: float, ast: float) -> dict:
    return {"organ_function": {"alt_x_uln": alt, "ast_x_uln": ast}}


# -------------------------------------------------------------------- organ function
def test_nci_transaminase_wording_with_its_long_names_in_brackets():
    """NCI's "AST (SGOT [...])/ALT (SGPT [...]) =< 5 x ULN": both enzymes within the limit."""
    item = ("Aspartate aminotransferase (AST) (serum glutamic-oxaloacetic transaminase [SGOT])/"
            "alanine aminotransferase (ALT) (serum glutamate pyruvate transaminase [SGPT]) =< 5 x "
            "upper limit of normal (ULN)")
    assert outcome("Inclusion", item, liver(2, 3)) == "met"
    assert outcome("Inclusion", item, liver(2, 6)) == "not_met"
    assert outcome("Inclusion", item, liver(6, 2)) == "not_met"
    # (no values yet: confirmed at the screening visit, never a "not eligible")
    assert outcome("Inclusion", item, {}) == "not_screened"


# ------------------------------------------------------------------------ infections
def uncontrolled(yes: bool) -> dict:
    return {"infections": {"uncontrolled_infection": yes}}


def test_nci_intercurrent_illness_list_closed_by_a_judgement_reads_the_infection():
    """The judgement at the end of NCI's list is of its other illnesses: an uncontrolled
    infection still excludes, and a "no" leaves the other illnesses to the study team."""
    item = ("Uncontrolled, symptomatic, intercurrent illness including but not limited to "
            "infection, psychiatric illness, or social situations that would limit compliance "
            "with study requirements or in the opinion of the treating investigator would pose "
            "an unacceptable risk to the subject.")
    assert outcome("Exclusion", item, uncontrolled(True)) == "not_met"
    assert outcome("Exclusion", item, uncontrolled(False)) == "not_screened"


def test_an_exception_after_the_intercurrent_illness_list_still_leaves_it_unread():
    item = ("Uncontrolled intercurrent illness including infection, unless controlled with "
            "antibiotics in the opinion of the investigator")
    assert outcome("Exclusion", item, uncontrolled(True)) == "not_screened"


# ------------------------------------------------------------- pregnancy, breastfeeding
def test_post_menarchal_says_only_who_can_be_pregnant():
    """Amgen's "Post-menarchal female subject who is pregnant or breastfeeding, or is planning
    to become pregnant ...": the answer excludes, the plan is the study team's."""
    item = ("Post-menarchal female subject who is pregnant or breastfeeding, or is planning to "
            "become pregnant or breastfeed while receiving protocol-specified therapy and for at "
            "least 6 months after the last dose of blinatumomab")
    assert outcome("Exclusion", item, {"pregnant_or_breastfeeding": True}) == "not_met"
    assert outcome("Exclusion", item, {"pregnant_or_breastfeeding": False}) == "met"


def hiv(yes: bool) -> dict:
    return {"infections": {"hiv": yes}}


def test_hiv_named_with_aids_beside_an_unread_alternative():
    """ "Have a history of cirrhosis or known human immunodeficiency virus (HIV)/acquired
    immunodeficiency syndrome (AIDS)": HIV excludes; the cirrhosis is the study team's."""
    item = ("Have a history of cirrhosis or known human immunodeficiency virus (HIV)/acquired "
            "immunodeficiency syndrome (AIDS).")
    assert outcome("Exclusion", item, hiv(True)) == "not_met"
    assert outcome("Exclusion", item, hiv(False)) == "met"


# ------------------------------------------------------------------- Ph, prior therapy
def ph(value: str, *tkis: str) -> dict:
    return {"philadelphia_chromosome": value, "diagnosis": "b_all",
            "prior_therapies": [{"therapy": t, "months_since_last_dose": 2} for t in tkis]}


def test_ph_written_with_the_sign_after_its_bracketed_abbreviation():
    """ "Philadelphia chromosome (Ph)+ ALL eligible for treatment with dasatinib or imatinib":
    Ph+ and a candidate for a TKI (the study team's), never Ph-negative leukemia."""
    item = ("Patients with Philadelphia chromosome (Ph)+ ALL eligible for treatment with "
            "dasatinib or imatinib")
    assert outcome("Exclusion", item, ph("negative")) == "met"
    assert outcome("Exclusion", item, ph("positive")) == "not_screened"


def test_two_different_tkis_named_with_their_abbreviation_are_counted():
    """COG: "Patients with Philadelphia chromosome (Ph)+ ALL must have had two prior therapy
    attempts including two different tyrosine kinase inhibitors (TKIs)"."""
    item = ("Patients with Philadelphia chromosome (Ph)+ ALL must have had two prior therapy "
            "attempts including two different tyrosine kinase inhibitors (TKIs)")
    assert outcome("Inclusion", item, ph("positive", "imatinib")) == "not_met"
    assert outcome("Inclusion", item, ph("positive", "imatinib", "dasatinib")) == "not_screened"
    assert outcome("Inclusion", item, ph("negative")) == "met"


def test_shortening_fraction_by_echo_or_ejection_fraction_never_rules_out_on_the_lvef():
    """Safety: in "fractional shortening >= 28% by ECHO or LVEF >= 50% by ECHO" (NCI) the "or"
    after "ECHO" opens the shortening-fraction alternative; an LVEF below 50% with a good
    shortening fraction qualifies, so a low LVEF is the study team's, never "not eligible"."""
    item = ("fractional shortening greater than or equal to 28% by ECHO or left ventricular "
            "ejection fraction greater than or equal to 50% by ECHO.")
    assert outcome("Inclusion", item, {"organ_function": {"lvef_percent": 60}}) == "met"
    assert outcome("Inclusion", item, {"organ_function": {"lvef_percent": 45}}) == "not_screened"


def test_amgen_acute_or_uncontrolled_chronic_infection_beside_any_other_condition():
    """Amgen: "Symptoms and/or clinical signs ... that indicate an acute or uncontrolled chronic
    infection, any other concurrent disease or medical condition that could be exacerbated by
    the treatment ...": an uncontrolled infection excludes on its own; the other conditions
    (and an acute infection under control) are the study team's."""
    item = ("Symptoms and/or clinical signs and/or radiological and/or sonographic signs that "
            "indicate an acute or uncontrolled chronic infection, any other concurrent disease or "
            "medical condition that could be exacerbated by the treatment or would seriously "
            "complicate compliance with the protocol")
    assert outcome("Exclusion", item, uncontrolled(True)) == "not_met"
    assert outcome("Exclusion", item, uncontrolled(False)) == "not_screened"


def test_severe_infection_beside_any_other_condition_never_excludes_alone():
    """ "Active severe infection, any other concurrent disease or medical condition that could
    be exacerbated by the treatment ...": "severe" narrows it (settled), so an uncontrolled
    infection goes to the study team; no infection still leaves the rest to them."""
    item = ("Active severe infection, any other concurrent disease or medical condition that "
            "could be exacerbated by the treatment or would seriously complicate compliance with "
            "the protocol")
    assert outcome("Exclusion", item, uncontrolled(True)) == "not_screened"
    assert outcome("Exclusion", item, uncontrolled(False)) == "not_screened"
    assert outcome("Exclusion", item, {}) == "unknown"


def test_pregnancy_exclusion_with_the_pregnancy_test_women_must_have():
    """ "Pregnant or nursing (lactating) women, female study participants of reproductive
    potential must have a negative serum or urine pregnancy test within 48 hours before
    infusion": the test is how a pregnancy is ruled out; the answer decides."""
    item = ("Pregnant or nursing (lactating) women, female study participants of reproductive "
            "potential must have a negative serum or urine pregnancy test within 48 hours before "
            "infusion")
    assert outcome("Exclusion", item, {"pregnant_or_breastfeeding": True}) == "not_met"
    assert outcome("Exclusion", item, {"pregnant_or_breastfeeding": False}) == "met"
