"""What a patient sees for one registry criterion: the helpers the reading tests share.

Every reading test screens a profile against a study record built from the text (the
way a ClinicalTrials.gov record reaches the screener), so what it asserts is the outcome
a patient would see (met / not_met / unknown / not_screened), never the rule's shape.
"""

from screener.eligibility import screen
from screener.profile import validate_profile
from screener.trials.study import trial_from_study


def study(text: str) -> dict:
    """A registry record with ``text`` as its eligibility criteria."""
    return {"protocolSection": {"identificationModule": {"nctId": "NCT09999999",
                                                         "briefTitle": "A study"},
                                "eligibilityModule": {"eligibilityCriteria": text}}}


def outcome(kind: str, item: str, profile: dict) -> str:
    """The outcome of the one criterion ``item`` (under an Inclusion/Exclusion heading)."""
    text = f"{kind} Criteria:\n\n* {item}\n"
    trial = trial_from_study(study(text))
    result = screen(validate_profile({"profile_version": 1, **profile}), trial)
    (criterion,) = [c for c in result.criteria if c.text == item]
    return criterion.outcome


def had(*therapies: str, months: float = 6) -> dict:
    """Profile part: these therapies, last given ``months`` ago."""
    return {"prior_therapies": [{"therapy": t, "months_since_last_dose": months}
                                for t in therapies]}
