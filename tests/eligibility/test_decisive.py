"""Open questions: the answers that could still change a verdict, most decisive first."""

from __future__ import annotations

from screener.eligibility import screen, trial_from_data
from screener.eligibility.decisive import open_questions


def _trial(trial_id: str, *rules: dict):
    return trial_from_data({
        "trial": {"id": trial_id, "title": trial_id},
        "criteria": [{"id": f"c{i}", "kind": "inclusion", "text": "x", "plain": {"en": "x."},
                      "rule": rule} for i, rule in enumerate(rules)],
    }, trial_id)


CD19 = {"field": "cd19", "op": "eq", "value": "positive"}
ETP = {"field": "early_t_precursor", "op": "is", "value": True}
RELAPSED = {"field": "disease_status", "op": "eq", "value": "relapsed"}


def test_the_question_that_settles_most_studies_comes_first():
    profile = {"profile_version": "1", "age": {"years": 9}, "disease_status": "relapsed"}
    trials = [_trial("A", CD19), _trial("B", CD19, ETP), _trial("C", ETP, CD19),
              _trial("D", RELAPSED)]
    questions = open_questions([screen(profile, t) for t in trials])
    assert [(q.path, q.trials) for q in questions] == [("cd19", ["A", "B", "C"]),
                                                       ("early_t_precursor", ["B", "C"])]


def test_a_study_already_ruled_out_asks_nothing_more():
    """More answers cannot rescue a not_met criterion, so its unknowns are not questions."""
    profile = {"profile_version": "1", "age": {"years": 9}, "disease_status": "newly_diagnosed"}
    questions = open_questions([screen(profile, _trial("A", RELAPSED, CD19))])
    assert questions == []


def test_folded_paths_count_a_study_once():
    profile = {"profile_version": "1", "age": {"years": 9}}
    trial = _trial("A", {"field": "mrd.status", "op": "eq", "value": "positive"},
                   {"field": "mrd.level", "op": "gte", "value": 0.01})
    questions = open_questions([screen(profile, trial)], key=lambda p: p.split(".")[0])
    assert [(q.path, q.count) for q in questions] == [("mrd", 1)]


def test_a_likely_verdict_resting_on_age_or_unread_registry_text_is_not_fully_checked():
    """Every entry point learns from the engine when "likely eligible" was barely checked."""
    profile = {"profile_version": "1", "age": {"years": 9}, "cd19": "positive"}
    age = {"field": "age", "op": "age_at_least", "value": "1 Year"}
    on_age = screen(profile, _trial("A", age))
    checked = screen(profile, _trial("B", age, CD19))
    unread = trial_from_data({"trial": {"id": "C", "title": "C"}, "criteria": [
        {"id": "c0", "kind": "inclusion", "text": "x", "plain": {"en": "x."}, "rule": CD19},
        {"id": "c1", "kind": "inclusion", "text": "Adequate marrow reserve", "plain": {}}]},
        "C", source="ctgov")
    assert [r.verdict for r in (on_age, checked)] == ["likely_eligible"] * 2
    assert on_age.fully_checked is False
    assert checked.fully_checked is True
    result = screen(profile, unread)
    assert result.verdict == "likely_eligible" and result.fully_checked is False
