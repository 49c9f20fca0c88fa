"""Branching and the profile the wizard builds from answers."""

import json
from pathlib import Path

import pytest
from wizard_pages import ADULT, CHILD, parse

from screener.profile import validate_profile
from screener.wizard.steps import Answers, applicable, build_profile

EXAMPLES = Path(__file__).resolve().parents[1] / "data" / "example_profiles"


def _answers(steps: dict) -> Answers:
    """Answers as the draft stores them (lists of raw strings per field)."""
    raw = {step: {k: (v if isinstance(v, list) else [v]) for k, v in fields.items()}
           for step, fields in steps.items()}
    return Answers(raw)


def _profile(app, steps: dict) -> dict:
    with app.test_request_context():
        return validate_profile(build_profile(_answers(steps)))


def _step_names(app, steps: dict) -> list[str]:
    with app.test_request_context():
        return [s.name for s in applicable(_answers(steps))]


def test_child_path_skips_questions_that_do_not_apply(app):
    """A newly diagnosed 4-year-old sees no relapse, months, timing or pregnancy questions."""
    names = _step_names(app, CHILD)
    assert "relapse" not in names and "months" not in names and "timing" not in names
    with app.test_request_context():
        answers = _answers(CHILD)
        from screener.wizard.steps import STEP_BY_NAME
        form = answers.form(STEP_BY_NAME["health"])
    assert "pregnant" not in form


def test_relapse_and_timing_steps_appear_when_they_apply(app):
    """Relapsed disease brings the relapse step; named treatments bring the timing step."""
    names = _step_names(app, ADULT)
    assert names.index("relapse") == names.index("diagnosis") + 1
    assert names.index("timing") == names.index("treatments") + 1


def test_months_asked_only_under_three(app):
    """Months of age are asked for a 2-year-old and recorded in the profile."""
    steps = dict(CHILD, age={"years": "2", "sex": "male"}, months={"months": "5"})
    assert "months" in _step_names(app, steps)
    assert _profile(app, steps)["age"] == {"years": 2, "months": 5}
    assert "months" not in _step_names(app, CHILD)


def test_child_profile_matches_the_shared_example(app):
    """The newly diagnosed child's answers give the contract example's facts."""
    profile = _profile(app, CHILD)
    example = json.loads((EXAMPLES / "child-newly-diagnosed.json").read_text())
    for key in ("diagnosis", "disease_status", "prior_therapies", "down_syndrome", "sex"):
        assert profile[key] == example[key]
    assert profile["age"] == {"years": 4}
    assert profile["location"]["zip"] == example["location"]["zip"]
    assert profile["location"]["max_travel_miles"] == example["location"]["max_travel_miles"]


def test_adult_profile_matches_the_shared_example(app, every_question):
    """The adult in second relapse after CAR-T gives the contract example's answers."""
    profile = _profile(app, ADULT)
    example = json.loads((EXAMPLES / "adult-second-relapse-after-car-t.json").read_text())
    for key in ("age", "sex", "diagnosis", "disease_status", "relapse_count",
                "months_from_diagnosis_to_relapse", "philadelphia_chromosome", "cd19", "cd22",
                "cns_status", "in_remission", "pregnant_or_breastfeeding", "infections",
                "performance_status"):
        assert profile[key] == example[key], key
    assert [(t["therapy"], t.get("months_since_last_dose")) for t in profile["prior_therapies"]] \
        == [(t["therapy"], t["months_since_last_dose"]) for t in example["prior_therapies"]]


def test_i_dont_know_everywhere_leaves_every_clinical_field_absent(app):
    """Answering "I don't know" to every clinical question leaves those fields absent."""
    steps = {
        "who": {"who": "patient"},
        "age": {"years": "30", "sex": "unknown"},
        "diagnosis": {"diagnosis": "unknown", "status": "unknown", "age_at_diagnosis": ""},
        "treatments": {"treatments": ["unsure"]},
        "tests": {k: "unknown" for k in ("philadelphia", "cd19", "cd22", "mrd", "in_remission",
                                         "cns")},
        "health": {k: "unknown" for k in ("down_syndrome", "pregnant", "hiv", "hepatitis_b",
                                          "hepatitis_c", "infection")},
        "daily": {"activity": "unknown"},
        "location": {"zip": "", "travel": "any"},
    }
    assert _profile(app, steps) == {"profile_version": 1, "age": {"years": 30}}


@pytest.mark.parametrize(("years", "level", "expected"), [
    (4, "0", {"scale": "ecog", "score": 0}),
    (15, "2", {"scale": "ecog", "score": 2}),
    (15, "4", {"scale": "ecog", "score": 4}),
    (16, "2", {"scale": "ecog", "score": 2}),
    (70, "3", {"scale": "ecog", "score": 3}),
])
def test_daily_life_is_recorded_as_the_ecog_grade_at_every_age(app, years, level, expected):
    """How much of a normal day is recorded as the ECOG grade it stands for, for children too:
    a child's five-level answer covers two Lansky scores, never one guessed Lansky score."""
    steps = dict(CHILD, age={"years": str(years), "sex": "male"}, daily={"activity": level})
    assert _profile(app, steps)["performance_status"] == expected


def test_daily_life_wording_follows_the_age(app, client, wizard, every_question):
    """A parent of a child sees play-based wording; an adult patient sees work-based wording."""
    wizard.complete(CHILD)
    child_page = parse(client.get("/screen/step/daily"))
    assert "Plays normally" in child_page.find("fieldset").text
    wizard.complete(ADULT)
    adult_page = parse(client.get("/screen/step/daily"))
    assert "heavy physical work" in adult_page.find("fieldset").text


@pytest.mark.parametrize(("sex", "years", "asked", "recorded"), [
    ("male", 29, False, False),
    ("female", 4, False, False),
    ("female", 9, False, False),
    ("female", 10, True, None),
    ("unknown", 30, True, None),
])
def test_pregnancy_question_only_where_it_can_apply(app, sex, years, asked, recorded,
                                                    every_question):
    """Pregnancy is asked of females 10+ (and unknown sex); for others it is recorded false."""
    steps = dict(ADULT, age={"years": str(years), "sex": sex},
                 health=dict(ADULT["health"], pregnant="unknown"))
    with app.test_request_context():
        from screener.wizard.steps import STEP_BY_NAME
        form = _answers(steps).form(STEP_BY_NAME["health"])
    assert ("pregnant" in form) is asked
    assert _profile(app, steps).get("pregnant_or_breastfeeding") is recorded


def test_t_cell_all_skips_cd19_and_cd22(app):
    """For T-cell ALL the B-cell marker questions are not shown and nothing is recorded."""
    steps = dict(ADULT, diagnosis=dict(ADULT["diagnosis"], diagnosis="t_all"))
    with app.test_request_context():
        from screener.wizard.steps import STEP_BY_NAME
        form = _answers(steps).form(STEP_BY_NAME["tests"])
    assert "cd19" not in form and "cd22" not in form
    profile = _profile(app, steps)
    assert "cd19" not in profile and "cd22" not in profile


@pytest.mark.parametrize("vague", ["transplant_unsure", "car_t_unsure", "chemo_unsure", "other"])
def test_a_treatment_list_that_may_be_incomplete_is_left_unknown(app, vague):
    """A "not sure which" treatment leaves prior_therapies absent, never a partial list; the
    timing page is still asked (never dropped silently) and says where its answers go."""
    steps = dict(ADULT, treatments={"treatments": ["chemo", vague]},
                 timing={"months_chemo": "3"})
    assert "timing" in _step_names(app, steps)
    assert "prior_therapies" not in _profile(app, steps)
    with app.test_request_context():
        from screener.wizard import forms
        from screener.wizard.steps import STEP_BY_NAME
        form = _answers(steps).form(STEP_BY_NAME["timing"])
        assert form.page_note is forms.TIMING_INCOMPLETE
        assert list(form.data) == ["months_chemo"]


def test_chemotherapy_medicines_are_recorded_one_by_one(app):
    """Steroids, asparaginase, daunorubicin and spinal-fluid chemo each reach the profile."""
    steps = dict(ADULT, treatments={"treatments": ["chemo", "steroids", "asparaginase",
                                                   "anthracycline", "intrathecal"]})
    steps.pop("timing")
    therapies = {t["therapy"] for t in _profile(app, steps)["prior_therapies"]}
    assert therapies == {"multiagent_chemotherapy", "corticosteroids", "asparaginase",
                         "anthracycline", "intrathecal_chemotherapy"}


def test_transplant_donor_and_own_cells_are_told_apart(app):
    """Donor and own-cell transplants map to allogeneic and autologous, with months since."""
    steps = dict(ADULT, treatments={"treatments": ["allo", "auto"]},
                 timing={"months_allo": "8", "months_auto": ""})
    assert _profile(app, steps)["prior_therapies"] == [
        {"therapy": "allogeneic_hsct", "months_since_last_dose": 8},
        {"therapy": "autologous_hsct"}]


def test_stale_answers_of_skipped_steps_are_ignored(app):
    """Relapse answers kept from before a change to 'newly diagnosed' do not reach the profile."""
    steps = dict(ADULT, diagnosis=dict(ADULT["diagnosis"], status="newly_diagnosed"))
    profile = _profile(app, steps)
    # the stale "twice" is not used: newly diagnosed means no relapse so far
    assert profile["relapse_count"] == 0
    assert "months_from_diagnosis_to_relapse" not in profile
    assert "isolated_extramedullary_relapse" not in profile


def test_newly_diagnosed_is_no_relapse_so_far_and_no_question_about_one(app, client, wizard):
    """A parent who said 'newly diagnosed' is never told to ask how many times it came back."""
    assert _profile(app, CHILD)["relapse_count"] == 0
    wizard.complete(CHILD)
    page = parse(client.get("/screen/results"))
    assert "how many times the leukemia has come back" not in page.root.text


def test_memo_is_not_trusted_when_an_earlier_answer_changes(app, every_question):
    """A step validated for B-cell ALL is re-checked after a change to T-cell ALL."""
    with app.test_request_context():
        answers = _answers(dict(ADULT, tests=dict(ADULT["tests"], cd19="positive")))
        assert answers.get("tests", "cd19") == "positive"
        stored = answers.stored()
        stored["diagnosis"] = {"diagnosis": ["t_all"], "status": ["relapsed"],
                               "age_at_diagnosis": [""]}
        again = Answers(stored)
        assert again.clean("tests") is not None
        assert "cd19" not in again.clean("tests")
        assert "cd19" not in build_profile(again)


def test_memo_never_outlives_a_change_of_the_step_itself(app):
    """Changed raw answers of a step are validated afresh, not read from the memo."""
    with app.test_request_context():
        answers = _answers(ADULT)
        stored = answers.stored()
        stored["age"] = {"years": ["abc"], "sex": ["male"]}
        assert Answers(stored).clean("age") is None


def test_a_step_made_invalid_by_an_earlier_change_is_told_apart(app):
    """Answers valid when given that stop fitting after an earlier change are 'invalidated'
    (by the context); unanswered, valid or never-valid steps are not."""
    from screener.wizard.steps import stale_reason

    with app.test_request_context():
        answers = _answers(dict(ADULT, diagnosis=dict(ADULT["diagnosis"], age_at_diagnosis="27")))
        stored = answers.stored()
        assert answers.invalidated("diagnosis") is None
        stored["age"] = {"years": ["25"], "sex": ["male"]}
        again = Answers(stored)
        assert again.invalidated("diagnosis") == "context"
        assert str(stale_reason(again, "diagnosis")).startswith("Your answer here no longer fits")
        # saved and read back, it is still known
        assert Answers(again.stored()).invalidated("diagnosis") == "context"
        # back to 29: valid again, nothing to say
        stored = again.stored()
        stored["age"] = {"years": ["29"], "sex": ["male"]}
        assert Answers(stored).invalidated("diagnosis") is None
        assert Answers(stored).invalidated("location") is None
        # never valid (no memo of it passing): not "invalidated"
        fresh = _answers(dict(ADULT, diagnosis=dict(ADULT["diagnosis"], age_at_diagnosis="45")))
        assert fresh.invalidated("diagnosis") is None


def test_a_change_to_b_cell_all_asks_the_new_questions_with_a_reason(client, wizard,
                                                                    every_question):
    """T-cell -> B-cell ALL brings the CD19/CD22 questions back: the tests page says why."""
    t_cell = dict(ADULT, diagnosis=dict(ADULT["diagnosis"], diagnosis="t_all"),
                  tests={k: v for k, v in ADULT["tests"].items() if k not in ("cd19", "cd22")})
    wizard.complete(t_cell)
    response = wizard.answer("diagnosis", query="?from=review", **ADULT["diagnosis"])
    assert response.headers["Location"].endswith("/screen/step/tests?from=review")
    page = parse(client.get("/screen/step/tests"))
    summary = page.find("div", class_="error-summary")
    assert "no longer fit the type of ALL you gave" in summary.text
    assert [a.attrs["href"] for a in summary.find_all("a")] == ["#cd19-0", "#cd22-0"]
