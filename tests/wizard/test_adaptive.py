"""Adaptive questions: the ranking, the profile mapping, and the wizard around them."""

from __future__ import annotations

import re

import pytest
from wizard_pages import ADULT, CHILD, EVERY_QUESTION, OPTIONAL, parse

from screener.eligibility import Criterion, Trial
from screener.eligibility.fields import FIELDS
from screener.eligibility.rules import build_node
from screener.profile import validate_profile
from screener.trials.catalog import TrialCatalog
from screener.wizard.steps import (
    ADAPTIVE as QUESTIONS,
)
from screener.wizard.steps import (
    CORE,
    LOCATION,
    STEP_BY_NAME,
    Answers,
    Profile,
    make_plan,
)


def _raw(steps: dict) -> dict:
    return {step: {k: (v if isinstance(v, list) else [v]) for k, v in fields.items()}
            for step, fields in steps.items()}


def _trial(trial_id: str, *rules: dict) -> Trial:
    """A recruiting curated trial whose inclusions are ``rules``."""
    return Trial(id=trial_id, title=f"Trial {trial_id}", source="criteria-file",
                 status="RECRUITING", status_checked="2026-11-01",
                 criteria=[Criterion(f"c{i}", "inclusion", "text", {"en": "Plain."},
                                     build_node(rule)) for i, rule in enumerate(rules)])


NO_SEIZURES = {"field": "seizure_disorder", "op": "is", "value": False}
MANY_BLASTS = {"field": "marrow_blasts_percent", "op": "gt", "value": 20}
ETP = {"field": "early_t_precursor", "op": "is", "value": True}
#: Seizures decide three trials, blasts two, ETP one.
RANKED = [_trial("NCT09000001", NO_SEIZURES), _trial("NCT09000002", NO_SEIZURES, MANY_BLASTS),
          _trial("NCT09000003", MANY_BLASTS, ETP), _trial("NCT09000004", NO_SEIZURES)]
#: An adult with T-cell ALL, newly diagnosed, who has answered the core pages.
T_CELL = {"who": {"who": "patient"}, "age": {"years": "30", "sex": "male"},
          "diagnosis": {"diagnosis": "t_all", "status": "newly_diagnosed",
                        "age_at_diagnosis": "30"}}


def _plan(app, steps: dict, trials=RANKED):
    with app.test_request_context():
        return make_plan(Answers(_raw(steps)), trials)


def test_the_most_decisive_question_comes_first(app):
    """Seizures settle three studies, blasts two, ETP one: seizures are asked first, and the
    page can say how many studies depend on it and how many questions may follow."""
    plan = _plan(app, T_CELL)
    assert [s.name for s in plan.sequence] == ["seizures"]
    assert plan.counts == {"seizures": 3}
    assert plan.more == 2


def test_each_answer_reranks_and_questions_stop_when_nothing_is_left_to_settle(app):
    """A seizure disorder rules out three studies; ETP (one study left, tied with blasts,
    ETP first by name) then "no" rules out the last: blasts are never asked."""
    plan = _plan(app, dict(T_CELL, seizures={"answer": "yes"}, etp={"answer": "no"}))
    assert [s.name for s in plan.sequence] == ["seizures", "etp"]
    assert plan.counts == {"seizures": 3, "etp": 1}
    assert plan.more == 0
    assert plan.profile["seizure_disorder"] is True and plan.profile["early_t_precursor"] is False


def test_i_dont_know_is_not_asked_again_and_the_next_question_follows(app):
    """Blasts (two studies left) answered "I don't know" stay unknown and are not asked
    again; ETP comes next for the study that still depends on both."""
    plan = _plan(app, dict(T_CELL, seizures={"answer": "no"}, blasts={"answer": ""}))
    assert [s.name for s in plan.sequence] == ["seizures", "blasts", "etp"]
    assert plan.counts == {"seizures": 3, "blasts": 2, "etp": 1}
    assert "marrow_blasts_percent" not in plan.profile


def test_a_question_that_does_not_apply_is_never_asked(app):
    """ETP is a T-cell question: for B-cell ALL it is not asked, even with a study open on it."""
    b_cell = dict(T_CELL, diagnosis=dict(T_CELL["diagnosis"], diagnosis="b_all"))
    plan = _plan(app, dict(b_cell, seizures={"answer": "no"}, blasts={"answer": "30"}))
    assert "etp" not in [s.name for s in plan.sequence]
    assert plan.more == 0


def test_answers_of_a_question_no_longer_asked_are_kept_but_ignored(app):
    """ETP answered, then the diagnosis changed to B-cell: the answer is not in the profile,
    and comes back if the diagnosis is changed back."""
    steps = dict(T_CELL, seizures={"answer": "no"}, blasts={"answer": "30"},
                 etp={"answer": "yes"})
    b_cell = dict(steps, diagnosis=dict(T_CELL["diagnosis"], diagnosis="b_all"))
    assert "early_t_precursor" not in _plan(app, b_cell).profile
    assert _plan(app, steps).profile["early_t_precursor"] is True


# ------------------------------------------------------------------- profile mapping
#: Every adaptive question answered, on top of a T-cell adult after a donor transplant.
RICH = {
    **T_CELL,
    "diagnosis": {"diagnosis": "t_all", "status": "relapsed", "age_at_diagnosis": "25"},
    "relapse": {"relapse_count": "1", "first_remission_months": "14", "extramedullary": "no"},
    "treatments": {"treatments": ["dasatinib", "allo", "rituximab"]},
    "timing": {"months_dasatinib": "3", "months_allo": "8", "months_rituximab": "2"},
    "tests": {"philadelphia": "positive", "mrd": "positive", "in_remission": "no",
              "cns": "cns1"},
    "health": {"down_syndrome": "no", "hiv": "no", "hepatitis_b": "no", "hepatitis_c": "no",
               "infection": "no"},
    "daily": {"activity": "1"},
    "location": {"zip": "10016", "travel": "100"},
    "etp": {"answer": "yes"}, "blasts": {"answer": "12,5"}, "mrd_level": {"answer": "0.1"},
    "response": {"outcome_dasatinib": "refractory"}, "seizures": {"answer": "no"},
    "gvhd": {"answer": "yes"}, "score": {"answer": "70"}, "wbc": {"answer": "50,000"},
    "exact_months": {"months": "5"},
    "kmt2a": {"answer": "no"}, "ph_like": {"answer": "no"}, "etv6_runx1": {"answer": "no"},
    "hyperdiploid": {"answer": "yes"}, "hypodiploid": {"answer": "no"},
    "iamp21": {"answer": "no"}, "tcf3_pbx1": {"answer": "no"}, "t315i": {"answer": "yes"},
}
#: B-cell markers are not asked for T-cell ALL: a B-cell variant for CD19 and CD22.
RICH_B = dict(RICH, diagnosis=dict(RICH["diagnosis"], diagnosis="b_all"),
              tests=dict(RICH["tests"], cd19="positive", cd22="negative"))


def _every_step(app, steps: dict) -> dict:
    """The profile every declared step writes from these answers (conditions aside: with
    studies in play that read every question of the core pages)."""
    with app.test_request_context():
        answers = Answers(_raw(steps))
        answers.use_trials(EVERY_QUESTION)
        for step in (*CORE, LOCATION, *QUESTIONS):
            assert answers.clean(step.name) is not None or step.name not in steps, step.name
        profile = Profile(profile_version=1)
        for step in (*CORE, LOCATION, *QUESTIONS):
            if step.profile is not None:
                step.profile(answers, profile)
        return validate_profile(dict(profile))


def _paths(node: dict, prefix: str = "") -> set[str]:
    found = set()
    for key, value in node.items():
        path = prefix + key
        if path in FIELDS:
            found.add(path)
        elif isinstance(value, dict):
            found |= _paths(value, path + ".")
    return found


def test_adaptive_answers_map_to_the_contract_exactly(app):
    """Each answer lands on its contract field in the contract's unit and form."""
    profile = _every_step(app, RICH)
    assert profile["early_t_precursor"] is True
    assert profile["marrow_blasts_percent"] == 12.5
    assert profile["mrd"] == {"status": "positive", "level": 0.001}  # 0.1% of cells
    assert profile["wbc_at_diagnosis_per_ul"] == 50000
    assert profile["seizure_disorder"] is False and profile["active_gvhd"] is True
    assert profile["performance_status"] == {"scale": "karnofsky", "score": 70}  # adult
    assert profile["age"] == {"years": 30, "months": 5}
    assert profile["genetics"] == {
        "kmt2a_rearranged": False, "ph_like": False, "etv6_runx1": False,
        "high_hyperdiploid": True, "hypodiploid": False, "iamp21": False,
        "tcf3_pbx1": False, "abl1_t315i": True}
    assert profile["prior_therapies"] == [
        {"therapy": "dasatinib", "months_since_last_dose": 3, "outcome": "refractory"},
        {"therapy": "allogeneic_hsct", "months_since_last_dose": 8},
        {"therapy": "rituximab", "months_since_last_dose": 2}]


def test_a_child_gives_an_exact_lansky_score(app):
    """Under 16 the exact score is on the Lansky scale."""
    child = dict(RICH, age={"years": "10", "sex": "male"},
                 diagnosis=dict(RICH["diagnosis"], age_at_diagnosis="8"),
                 timing={"months_dasatinib": "3", "months_allo": "8", "months_rituximab": "2"})
    assert _every_step(app, child)["performance_status"] == {"scale": "lansky", "score": 70}


def test_every_field_a_rule_can_read_can_be_asked(app):
    """Every profile field a criterion may test (screening-visit lab values aside) is written
    by some step of the wizard."""
    written = _paths(_every_step(app, RICH)) | _paths(_every_step(app, RICH_B))
    askable = {path for path, field in FIELDS.items() if not field.screening_visit}
    assert askable - written == set()


@pytest.mark.parametrize("step", [s.name for s in QUESTIONS])
def test_i_dont_know_leaves_the_field_absent(app, step):
    """"I don't know" (or a number left empty) writes nothing: absent means unknown."""
    with app.test_request_context():
        form = Answers(_raw(RICH)).form(STEP_BY_NAME[step])
        unknown = {f.name: ("unknown" if f.type == "RadioField" else "") for f in form}
        answers = Answers(_raw(dict(RICH, **{step: unknown})))
        assert answers.clean(step) is not None, form.errors
        profile = Profile(profile_version=1)
        STEP_BY_NAME["treatments"].profile(answers, profile)
        before = {k: v for k, v in profile.items()}
        STEP_BY_NAME[step].profile(answers, profile)
        assert profile == before


@pytest.mark.parametrize(("step", "typed", "message"), [
    ("blasts", "lots", "Enter a number using digits"),
    ("blasts", "120", "Enter a number from 0 to 100"),
    ("wbc", "50", "Enter a number from 100 to 2000000"),
    ("mrd_level", "0.1.2", "Enter a number using digits"),
])
def test_a_bad_number_names_the_problem(app, step, typed, message):
    with app.test_request_context():
        answers = Answers(_raw(dict(RICH, **{step: {"answer": typed}})))
        assert answers.clean(step) is None
        form = answers.form(STEP_BY_NAME[step])
        form.validate()
        assert message in form.answer.errors[0]


# --------------------------------------------------------------- the wizard around them
def _with_trials(app, monkeypatch, trials):
    """Only ``trials`` in the catalog, for this test."""
    monkeypatch.setitem(app.extensions, "screener.catalog", TrialCatalog(list(trials)))


def _progress(page) -> int:
    text = page.find("p", class_="progress").text
    if text == "This is the last page of questions":
        return 0
    return int(re.fullmatch(r"About (\d+) more pages? after this one", text).group(1))


@pytest.mark.parametrize("answers", [CHILD, ADULT], ids=["child", "adult"])
def test_the_step_counter_never_grows_and_ends_at_zero(client, wizard, answers):
    """From the first page to the last, the pages left only go down, by one a page or more,
    and the last page of questions says so."""
    wizard.start()
    left = []
    for step, fields in answers.items():
        if step in OPTIONAL and not wizard.asked(step):
            continue  # no open study reads its questions: never shown
        left.append(_progress(parse(client.get(f"/screen/step/{step}"))))
        assert wizard.answer(step, **fields).status_code == 302
    while (name := wizard.pending()) is not None:
        left.append(_progress(parse(client.get(f"/screen/step/{name}"))))
        _dont_know_one(wizard, name)
    assert left[-1] == 0
    assert all(later <= earlier for earlier, later in zip(left, left[1:], strict=False)), left


def _dont_know_one(wizard, name):
    page = parse(wizard.client.get(f"/screen/step/{name}"))
    fields = {el.attrs["name"]: ("unknown" if el.attrs.get("type") == "radio" else "")
              for el in page.find_all("input") if el.attrs.get("type") in ("radio", "text")}
    assert wizard.answer(name, **fields).status_code == 302


#: T_CELL through every core page, with the child's "I don't know"s for the rest.
T_CELL_WALK = {**T_CELL, **{k: CHILD[k] for k in ("treatments", "tests", "health", "daily",
                                                  "location")}}


def test_why_we_ask_names_the_number_of_studies(app, client, wizard, monkeypatch):
    """The first adaptive question says how many studies depend on it, in both languages."""
    _with_trials(app, monkeypatch, RANKED)
    wizard.complete(T_CELL_WALK, dont_know=False)
    assert wizard.pending() == "seizures"
    page = parse(client.get("/screen/step/seizures"))
    assert page.find("p", class_="why").text == "Why we ask: 3 studies depend on this answer."
    assert page.find("input", value="unknown") is not None  # "I don't know" is there
    client.get("/language/es")
    page = parse(client.get("/screen/step/seizures"))
    assert page.find("p", class_="why").text == (
        "Por qué preguntamos: de esta respuesta dependen 3 estudios.")


def test_show_my_results_now_skips_the_rest_as_unknown(app, client, wizard, monkeypatch):
    """"Show my results now" on a question keeps it unanswered (unknown) and shows the
    results; a typing mistake is shown instead of being dropped."""
    _with_trials(app, monkeypatch, RANKED)
    wizard.complete(T_CELL_WALK, dont_know=False)
    response = wizard.answer("seizures", action="results")
    assert response.headers["Location"].endswith("/screen/results")
    page = parse(client.get("/screen/results"))
    assert page.h1 == "Studies that might fit"
    review = parse(client.get("/screen/review"))
    assert "Not answered (unknown)" in review.find(
        "section", aria_labelledby="review-seizures").text
    # a number typed wrong is not skipped silently
    wizard.answer("seizures", answer="no")
    response = wizard.answer("blasts", action="results", answer="many")
    assert response.status_code == 200
    assert "Enter a number using digits" in parse(response).find(
        "div", class_="error-summary").text
    # any later save asks the remaining questions again before the results
    assert client.get("/screen/results").headers["Location"].endswith("/screen/step/blasts")


def test_no_zip_code_means_no_distance_question(app, client, wizard):
    """Travel distance is not required without a ZIP code, is ignored, and reads as not
    applying on the review page."""
    wizard.complete({k: v for k, v in CHILD.items() if k != "location"}, dont_know=False)
    assert wizard.answer("location", zip="").status_code == 302
    wizard.dont_know_rest()
    review = parse(client.get("/screen/review"))
    assert "Does not apply" in review.find("section", aria_labelledby="review-location").text
    with app.test_request_context():
        from screener.models import WizardDraft, db
        from screener.wizard.steps import build_profile
        draft = db.session.query(WizardDraft).order_by(WizardDraft.updated_at.desc()).first()
        assert "location" not in build_profile(Answers(draft.answers))
    # with a ZIP code the distance is still asked
    response = wizard.answer("location", zip="10016")
    assert response.status_code == 200
    assert "Choose how far you could travel" in parse(response).find(
        "div", class_="error-summary").text


def test_a_lost_cookie_says_the_answers_cannot_be_shown(client, wizard):
    """A post after the session cookie was lost does not promise kept answers it cannot reach."""
    wizard.start()
    wizard.answer("who", who="patient")
    page = parse(client.get("/screen/step/age"))
    client.delete_cookie("session")
    response = client.post("/screen/step/age", data={
        "csrf_token": page.csrf(), "action": "next", "years": "4", "sex": "female"})
    assert response.status_code == 400
    text = parse(response).find("main").text
    assert "no longer has the key to any answers you saved" in text
    assert "are kept" not in text
    assert parse(response).find("a", href="/screen/") is not None



def test_a_reloaded_trial_is_screened_afresh(app):
    """The replay remembers recent screenings, but never for trial objects it did not
    screen: the same trial ids with changed criteria (a new snapshot) give the new answer."""
    assert [s.name for s in _plan(app, T_CELL).sequence] == ["seizures"]
    changed = [_trial(t.id, ETP) for t in RANKED]  # same ids, now only ETP decides
    plan = _plan(app, T_CELL, changed)
    assert [s.name for s in plan.sequence] == ["etp"]
    assert plan.counts == {"etp": 4}


def test_review_writes_numbers_the_language_s_way(app, client, wizard, monkeypatch):
    """A percentage typed with a decimal comma reads back as 12,5 in Spanish, 12.5 in English."""
    _with_trials(app, monkeypatch, RANKED)
    wizard.complete(T_CELL_WALK, dont_know=False)
    wizard.answer("seizures", answer="no")
    wizard.answer("blasts", answer="12,5")
    wizard.dont_know_rest()
    section = parse(client.get("/screen/review")).find("section", aria_labelledby="review-blasts")
    assert section.find("dd").text == "12.5"
    client.get("/language/es")
    section = parse(client.get("/screen/review")).find("section", aria_labelledby="review-blasts")
    assert section.find("dd").text == "12,5"



@pytest.mark.parametrize("answers", [CHILD, ADULT], ids=["child", "adult"])
@pytest.mark.parametrize("studies", ["all", "none"])
def test_each_page_says_fewer_pages_left_than_the_page_before(app, monkeypatch, client, wizard,
                                                              answers, studies):
    """A page passed is a page fewer: the counter counts the pages a branch may add
    before the answer that decides it ("When the treatments were" is counted on the
    treatments page), so it never says the same number twice in a row -- also when no
    study is open, so no adaptive question hides the miscount."""
    if studies == "none":
        _with_trials(app, monkeypatch, [])
    wizard.start()
    left = []
    for step, fields in answers.items():
        if step in OPTIONAL and not wizard.asked(step):
            continue
        left.append((step, _progress(parse(client.get(f"/screen/step/{step}")))))
        assert wizard.answer(step, **fields).status_code == 302
    while (name := wizard.pending()) is not None:
        left.append((name, _progress(parse(client.get(f"/screen/step/{name}")))))
        _dont_know_one(wizard, name)
    counts = [n for _step, n in left]
    assert all(later < earlier for earlier, later in zip(counts, counts[1:], strict=False)), left
