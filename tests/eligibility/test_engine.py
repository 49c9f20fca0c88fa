"""Per-criterion outcomes, verdict rules and missing answers (contract: screening result)."""

import json
from importlib import resources

import jsonschema
import pytest

from screener.eligibility import Criterion, Trial, quick_verdict, screen
from screener.eligibility.rules import build_node

RESULT_SCHEMA = json.loads(
    resources.files("screener.schemas").joinpath("screening-result.schema.json").read_text())


def trial(*criteria):
    return Trial(id="NCT00000001", title="Test trial", source="criteria-file",
                 criteria=list(criteria))


def crit(cid, kind, rule=None):
    return Criterion(id=cid, kind=kind, text=f"verbatim {cid}", plain={"en": cid},
                     rule=None if rule is None else build_node(rule))


RELAPSED = {"field": "disease_status", "op": "eq", "value": "relapsed"}
BLINA = {"field": "prior_therapies", "op": "received", "value": ["blinatumomab"]}
HIV = {"field": "infections.hiv", "op": "is", "value": True}
BILI = {"field": "organ_function.bilirubin_x_uln", "op": "lte", "value": 1.5}


def test_exclusion_that_applies_is_not_met():
    """An exclusion whose condition holds makes the criterion not_met and the trial not_eligible."""
    t = trial(crit("relapsed", "inclusion", RELAPSED), crit("prior-blina", "exclusion", BLINA))
    result = screen({"disease_status": "relapsed",
                     "prior_therapies": [{"therapy": "blinatumomab"}]}, t)
    outcomes = {c.id: c.outcome for c in result.criteria}
    assert outcomes == {"relapsed": "met", "prior-blina": "not_met"}
    assert result.verdict == "not_eligible"
    assert result.criteria[1].because.startswith("Excluded")


def test_exclusion_that_does_not_apply_is_met():
    """An exclusion whose condition is false is met."""
    t = trial(crit("prior-blina", "exclusion", BLINA))
    result = screen({"prior_therapies": []}, t)
    assert result.criteria[0].outcome == "met"
    assert result.verdict == "likely_eligible"


def test_unknown_gives_needs_review_with_missing_answers():
    """No not_met, some unknown: needs_review naming the fields that would decide."""
    t = trial(crit("relapsed", "inclusion", RELAPSED), crit("hiv", "exclusion", HIV))
    result = screen({"disease_status": "relapsed"}, t)
    assert result.verdict == "needs_review"
    assert result.missing_answers == ["infections.hiv"]


def test_not_met_wins_over_unknown():
    """One not_met criterion makes the verdict not_eligible even with unknowns."""
    t = trial(crit("relapsed", "inclusion", RELAPSED), crit("hiv", "exclusion", HIV))
    assert screen({"disease_status": "refractory"}, t).verdict == "not_eligible"


def test_not_screened_never_changes_the_verdict():
    """Criteria without rules, and absent organ values, leave likely_eligible alone."""
    t = trial(crit("relapsed", "inclusion", RELAPSED), crit("consent", "inclusion"),
              crit("bilirubin", "inclusion", BILI))
    result = screen({"disease_status": "relapsed"}, t)
    assert [c.outcome for c in result.criteria] == ["met", "not_screened", "not_screened"]
    assert result.verdict == "likely_eligible"
    assert result.missing_answers == []


def test_screening_visit_values_decide_when_given():
    """A present organ value that fails its limit makes the trial not_eligible."""
    t = trial(crit("bilirubin", "inclusion", BILI))
    result = screen({"organ_function": {"bilirubin_x_uln": 4}}, t)
    assert result.verdict == "not_eligible"


def test_age_months_missing_is_named_precisely():
    """When only the months are missing, missing_answers says age.months."""
    t = trial(crit("age", "inclusion", {"field": "age", "op": "age_at_most", "value": "18 Months"}))
    result = screen({"age": {"years": 1}}, t)
    assert result.verdict == "needs_review"
    assert result.missing_answers == ["age.months"]


def test_missing_answers_are_unique_and_ordered():
    """Each missing field is listed once, in criterion order."""
    t = trial(crit("a", "exclusion", HIV), crit("b", "inclusion", RELAPSED),
              crit("c", "exclusion", {"any": [HIV, BLINA]}))
    assert screen({}, t).missing_answers == ["infections.hiv", "disease_status", "prior_therapies"]


@pytest.mark.parametrize("profile", [
    {}, {"disease_status": "relapsed"}, {"disease_status": "relapsed", "prior_therapies": []},
    {"disease_status": "newly_diagnosed", "infections": {"hiv": True}},
])
def test_quick_verdict_agrees_with_full_screen(profile):
    """The compiled fast path gives the same verdict as the explained one."""
    t = trial(crit("relapsed", "inclusion", RELAPSED), crit("hiv", "exclusion", HIV),
              crit("blina", "exclusion", BLINA), crit("consent", "inclusion"))
    assert quick_verdict(profile, t) == screen(profile, t).verdict


def test_result_is_contract_shaped():
    """to_dict() validates against the contract's screening-result schema."""
    t = trial(crit("relapsed", "inclusion", RELAPSED), crit("consent", "inclusion"))
    data = screen({"disease_status": "relapsed"}, t).to_dict()
    jsonschema.validate(data, RESULT_SCHEMA)
    assert data["trial"] == {"id": "NCT00000001", "title": "Test trial", "source": "criteria-file"}
    assert all(c["because"] for c in data["criteria"])


def test_because_names_the_deciding_answer():
    """The because sentence names the answer that decided the criterion."""
    t = trial(crit("relapsed", "inclusion", RELAPSED))
    because = screen({"disease_status": "refractory"}, t).criteria[0].because
    assert "refractory" in because and because.startswith("Not met")


def test_engine_imports_neither_flask_nor_sqlalchemy():
    """The engine loads without the web stack, so tools and benchmarks can use it alone."""
    import subprocess
    import sys

    code = ("import sys, screener.eligibility, screener.profile; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy', "
            "'flask_sqlalchemy', 'werkzeug')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_missing_answers_match_the_explanations():
    """The fast missing-answer walk names the same fields as the worded explanation."""
    rule = {"all": [RELAPSED, {"any": [HIV, BLINA, {"not_screened": "x"}]},
                    {"field": "age", "op": "age_at_least", "value": "18 Months"}]}
    node = build_node(rule)
    for profile in ({}, {"disease_status": "relapsed"}, {"age": {"years": 1}},
                    {"disease_status": "relapsed", "prior_therapies": [], "age": {"years": 1}}):
        assert node.missing(profile) == node.explain(profile).missing, profile


def test_age_in_days_with_months_given_asks_for_nothing_more():
    """11 months against '364 Days' is undecidable from the profile: no field to ask for."""
    t = trial(crit("age", "inclusion", {"field": "age", "op": "age_at_most", "value": "364 Days"}))
    result = screen({"age": {"years": 0, "months": 11}}, t)
    assert result.verdict == "needs_review"
    assert result.missing_answers == []
    assert "date of birth" in result.criteria[0].because


def test_because_does_not_repeat_itself():
    """An answer that decides several leaves is named once."""
    t = trial(crit("c", "inclusion", {"any": [
        {"field": "age_at_diagnosis", "op": "age_at_least", "value": "1 Year"},
        {"field": "age_at_diagnosis", "op": "age_at_most", "value": "10 Years"}]}))
    because = screen({}, t).criteria[0].because
    assert because.count("age at diagnosis") == 1


@pytest.mark.parametrize("profile", [
    {}, {"disease_status": "relapsed"}, {"disease_status": "relapsed", "prior_therapies": []},
    {"disease_status": "newly_diagnosed", "infections": {"hiv": True}},
])
def test_screen_verdict_follows_the_contract_rules_over_its_outcomes(profile):
    """The verdict screen() returns follows the contract's rules over the outcomes it lists."""

    def verdict_of(outcomes):
        if "not_met" in outcomes:
            return "not_eligible"
        return "needs_review" if "unknown" in outcomes else "likely_eligible"

    t = trial(crit("relapsed", "inclusion", RELAPSED), crit("hiv", "exclusion", HIV),
              crit("blina", "exclusion", BLINA), crit("consent", "inclusion"))
    result = screen(profile, t)
    assert result.verdict == verdict_of([c.outcome for c in result.criteria])
