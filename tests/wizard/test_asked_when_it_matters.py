"""The tests, health and daily-life pages ask only what an open study still in play reads."""

from __future__ import annotations

import dataclasses

import pytest
from wizard_pages import CHILD, parse, study_reading

from screener.trials.catalog import TrialCatalog
from screener.wizard.steps import Answers, applicable, build_profile

PH = {"field": "philadelphia_chromosome", "op": "eq", "value": "positive"}
CD19 = {"field": "cd19", "op": "eq", "value": "positive"}
CD22 = {"field": "cd22", "op": "eq", "value": "positive"}
HIV = {"field": "infections.hiv", "op": "is", "value": False}
DOWN = {"field": "down_syndrome", "op": "is", "value": False}
ACTIVITY = {"field": "performance_status", "op": "performance_at_most",
            "value": {"scale": "ecog", "score": 2}}
T_CELL_ONLY = {"field": "diagnosis", "op": "eq", "value": "t_all"}
B_CELL_ONLY = {"field": "diagnosis", "op": "eq", "value": "b_all"}


def _catalog(app, monkeypatch, *trials):
    monkeypatch.setitem(app.extensions, "screener.catalog", TrialCatalog(list(trials)))


def _raw(steps: dict) -> dict:
    return {step: {k: (v if isinstance(v, list) else [v]) for k, v in fields.items()}
            for step, fields in steps.items()}


def _draft(app) -> dict:
    """The stored answers of the latest draft (this test's)."""
    from screener.models import WizardDraft, db

    with app.test_request_context():
        return db.session.query(WizardDraft).order_by(WizardDraft.updated_at.desc()).first(
            ).answers


def _draft_profile(app) -> dict:
    with app.test_request_context():
        return build_profile(Answers(_draft(app)))


def _questions(page) -> set[str]:
    return {el.attrs["name"] for el in page.find_all("input")
            if el.attrs.get("type") in ("radio", "text", "checkbox")}


def test_a_question_no_open_study_reads_is_not_shown(app, client, wizard, monkeypatch):
    """Open studies read Ph and daily life; CD19 is read only by a T-cell study (ruled out by
    the B-cell diagnosis) and CD22 only by a closed one: the tests page asks Ph alone, still
    with "I don't know", and nothing not asked reaches the profile."""
    closed = dataclasses.replace(study_reading(CD22, trial_id="NCT09800003"),
                                 status="COMPLETED")
    t_cell = study_reading(CD19, trial_id="NCT09800002", requires=(T_CELL_ONLY,))
    _catalog(app, monkeypatch, study_reading(PH, ACTIVITY, trial_id="NCT09800001"), t_cell,
             closed)
    wizard.complete({k: CHILD[k] for k in ("who", "age", "diagnosis", "treatments")},
                    dont_know=False)
    assert wizard.pending() == "tests"
    page = parse(client.get("/screen/step/tests"))
    assert _questions(page) == {"philadelphia"}
    assert page.find("input", name="philadelphia", value="unknown") is not None
    client.get("/language/es")
    page = parse(client.get("/screen/step/tests"))
    assert _questions(page) == {"philadelphia"}
    assert "No lo sé" in page.find("fieldset").text
    client.get("/language/en")
    wizard.answer("tests", **CHILD["tests"])  # the hidden answers posted are not kept
    assert set(_draft(app)["tests"]) == {"philadelphia"}
    assert wizard.pending() == "daily"  # no study reads a health question: skipped


def test_a_page_none_of_whose_questions_applies_is_skipped(app, client, wizard, monkeypatch):
    """Only Ph is read: health and daily life are never shown, the counter on the tests page
    counts only the pages left (where you live), the review has no section for them, and
    their fields stay absent (unknown)."""
    _catalog(app, monkeypatch, study_reading(PH))
    wizard.complete({k: CHILD[k] for k in ("who", "age", "diagnosis", "treatments")},
                    dont_know=False)
    page = parse(client.get("/screen/step/tests"))
    assert page.find("p", class_="progress").text == "About 1 more page after this one"
    response = wizard.answer("tests", philadelphia="negative")
    assert response.headers["Location"].endswith("/screen/step/location")
    for skipped in ("health", "daily"):
        assert client.get(f"/screen/step/{skipped}").headers["Location"].endswith(
            "/screen/step/location")
    page = parse(client.get("/screen/step/location"))
    assert page.find("p", class_="progress").text == "This is the last page of questions"
    wizard.answer("location", **CHILD["location"])
    review = parse(client.get("/screen/review"))
    assert review.find("section", aria_labelledby="review-health") is None
    assert review.find("section", aria_labelledby="review-daily") is None
    profile = _draft_profile(app)
    assert profile["philadelphia_chromosome"] == "negative"
    assert "performance_status" not in profile and "infections" not in profile
    assert "down_syndrome" not in profile


def test_a_hidden_answer_is_kept_and_comes_back_when_asked_again(app, client, wizard,
                                                                  monkeypatch):
    """HIV is read only by a B-cell study. Answered "no" for B-cell ALL, then the diagnosis
    changed to T-cell: HIV is no longer asked, shown on the review or put in the profile,
    and saving the health page keeps it. Changed back to B-cell, it is asked again with the
    answer given, and is in the profile again."""
    b_cell = study_reading(HIV, trial_id="NCT09800001", requires=(B_CELL_ONLY,))
    _catalog(app, monkeypatch, b_cell, study_reading(DOWN, trial_id="NCT09800002"))
    wizard.complete(dict(CHILD, health=dict(CHILD["health"], hiv="no")))
    assert wizard.skipped == ["tests", "daily"]  # no open study reads their questions

    def profile():
        return _draft_profile(app)

    assert profile()["infections"] == {"hiv": False}
    t_cell = dict(CHILD["diagnosis"], diagnosis="t_all")
    wizard.answer("diagnosis", query="?from=review", **t_cell)
    assert _questions(parse(client.get("/screen/step/health"))) == {"down_syndrome"}
    assert "infections" not in profile()
    review = parse(client.get("/screen/review"))
    assert "HIV" not in review.find("section", aria_labelledby="review-health").text
    wizard.answer("health", down_syndrome="yes")
    assert "infections" not in profile() and profile()["down_syndrome"] is True
    wizard.answer("diagnosis", query="?from=review", **CHILD["diagnosis"])
    page = parse(client.get("/screen/step/health"))
    assert _questions(page) == {"down_syndrome", "hiv"}
    assert page.find("input", name="hiv", value="no").attrs.get("checked") is not None
    assert profile()["infections"] == {"hiv": False}
    assert profile()["down_syndrome"] is True


def test_a_question_shown_again_unanswered_says_why(app, client, wizard, monkeypatch):
    """A question newly shown on a page answered before (its study back in play after an
    earlier change) is asked with a reason, in both languages."""
    b_cell = study_reading(HIV, trial_id="NCT09800001", requires=(B_CELL_ONLY,))
    _catalog(app, monkeypatch, b_cell, study_reading(DOWN, trial_id="NCT09800002"))
    t_cell = dict(CHILD, diagnosis=dict(CHILD["diagnosis"], diagnosis="t_all"))
    wizard.complete(t_cell)
    response = wizard.answer("diagnosis", query="?from=review", **CHILD["diagnosis"])
    assert response.headers["Location"].endswith("/screen/step/health?from=review")
    page = parse(client.get("/screen/step/health"))
    summary = page.find("div", class_="error-summary")
    assert "this page now asks more" in summary.text
    assert [a.attrs["href"] for a in summary.find_all("a")] == ["#hiv-0"]
    client.get("/language/es")
    summary = parse(client.get("/screen/step/health")).find("div", class_="error-summary")
    assert "esta página pregunta ahora algo más" in summary.text


@pytest.mark.parametrize(("sex", "years"), [("male", 30), ("female", 6)])
def test_pregnancy_is_false_without_the_health_page_when_it_cannot_apply(app, sex, years):
    """A man, or a girl under 10, is recorded as not pregnant from the age page alone, so
    the fact holds even when no open study asks the health page."""
    steps = dict(CHILD, age={"years": str(years), "sex": sex},
                 diagnosis=dict(CHILD["diagnosis"], age_at_diagnosis=str(years)))
    with app.test_request_context():
        answers = Answers(_raw(steps))
        answers.use_trials([study_reading(PH)])
        assert "health" not in [s.name for s in applicable(answers)]
        assert build_profile(answers)["pregnant_or_breastfeeding"] is False
