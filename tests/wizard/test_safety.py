"""Answers that must reach the profile (and the verdicts) exactly as the person meant them.

A wrong mapping from answers to profile is a clinical-safety bug: a false "not eligible" can
cost a patient a trial, a false "likely eligible" wastes hope. Each test drives the wizard as a
person would and checks what they would notice: the question asked, the page kept with a
message, the profile built, or the group a trial is shown in.
"""

import pytest
from wizard_pages import ADULT, CHILD, parse

from screener.config import BUNDLED_CRITERIA
from screener.eligibility import Criterion, Trial, load_dir, screen
from screener.eligibility.rules import build_node
from screener.profile import validate_profile
from screener.trials.catalog import TrialCatalog
from screener.wizard.steps import LANSKY_FOR_LEVEL, Answers, build_profile

#: The relapsed adult's answers, with the diagnosis page saying "refractory".
REFRACTORY = dict(ADULT, diagnosis=dict(ADULT["diagnosis"], status="refractory"))


def _profile(app, steps: dict) -> dict:
    raw = {step: {k: (v if isinstance(v, list) else [v]) for k, v in fields.items()}
           for step, fields in steps.items()}
    with app.test_request_context():
        return validate_profile(build_profile(Answers(raw)))


def _errors(page) -> list[str]:
    return [el.text.replace("Error: ", "") for el in page.find_all("p", class_="error")]


def _legend(page, name: str) -> str:
    """The question (legend) of the radio group whose first choice is ``name``-0."""
    for fieldset in page.find_all("fieldset"):
        if fieldset.find("input", id=f"{name}-0") is not None:
            return fieldset.find("legend").text
    raise AssertionError(f"no question {name} on the page")


def _choice_labels(page, name: str) -> dict[str, str]:
    return {el.attrs["value"]: page.find("label", for_=el.attrs["id"]).text
            for el in page.find_all("input", name=name)}


# ---------------------------------------------------------------- 1. CNS time point
def test_cns_is_asked_at_diagnosis_when_newly_diagnosed(app, client, wizard):
    """A newly diagnosed child's parent is asked about the spinal tap at diagnosis, before
    treatment; the answer is the profile's CNS status."""
    wizard.complete(dict(CHILD, tests=dict(CHILD["tests"], cns_at_diagnosis="cns3")))
    page = parse(client.get("/screen/step/tests"))
    assert _legend(page, "cns_at_diagnosis") == (
        "When the leukemia was first found, before treatment began, was leukemia found in the "
        "spinal fluid (CNS)?")
    assert page.find("input", name="cns") is None  # one CNS question, not two
    assert "checked" in page.find("input", name="cns_at_diagnosis", value="cns3").attrs
    assert _profile(app, dict(CHILD, tests=dict(CHILD["tests"], cns_at_diagnosis="cns3")))[
        "cns_status"] == "cns3"


@pytest.mark.parametrize("status", ["relapsed", "refractory"])
def test_cns_is_asked_at_the_most_recent_spinal_tap_after_relapse(client, wizard, status,
                                                                  every_question):
    """In relapse or refractory disease the question is about the most recent spinal tap
    (lumbar puncture): a CNS3 at diagnosis long ago is not "active CNS disease" now."""
    wizard.complete(dict(ADULT, diagnosis=dict(ADULT["diagnosis"], status=status)))
    page = parse(client.get("/screen/step/tests"))
    assert _legend(page, "cns") == ("At the most recent spinal tap, was leukemia found in the "
                                    "spinal fluid (CNS)?")
    assert "lumbar puncture" in page.find("p", id="cns-hint").text
    assert page.find("input", name="cns_at_diagnosis") is None
    assert "I don't know" in _choice_labels(page, "cns").values()


def test_a_cns3_at_diagnosis_does_not_rule_out_relapse_trials(app, client, wizard,
                                                              every_question):
    """The relapsed adult whose latest spinal tap was clear (CNS1) is not ruled out of FELIX
    on its CNS-3 exclusion, whatever his spinal fluid showed at diagnosis."""
    wizard.complete(ADULT)
    page = parse(client.get("/screen/step/tests"))
    assert "most recent spinal tap" in _legend(page, "cns")
    profile = _profile(app, ADULT)
    felix = next(t for t in load_dir(BUNDLED_CRITERIA) if t.id == "NCT04404660")
    cns = next(c for c in screen(profile, felix).criteria if c.criterion.id == "cns-leukemia")
    assert cns.outcome == "met"  # the exclusion does not apply


def test_a_change_to_relapsed_asks_the_cns_question_again(client, wizard):
    """An answer about the spinal tap at diagnosis is not reused as the latest one: after
    newly diagnosed -> relapsed from the review page, the tests page asks again and says why."""
    wizard.complete(CHILD)
    response = wizard.answer("diagnosis", query="?from=review", diagnosis="b_all",
                             status="relapsed", age_at_diagnosis="3")
    assert response.headers["Location"].endswith("/screen/step/relapse?from=review")
    wizard.answer("relapse", query="?from=review", relapse_count="1",
                  first_remission_months="", extramedullary="unknown")
    response = wizard.answer("treatments", query="?from=review", treatments=["unsure"])
    assert response.headers["Location"].endswith("/screen/step/tests?from=review")
    page = parse(client.get("/screen/step/tests?from=review"))
    summary = page.find("div", class_="error-summary")
    assert "your answer about where things stand" in summary.text
    assert [a.attrs["href"] for a in summary.find_all("a")] == ["#cns-0"]
    assert client.get("/screen/results").status_code == 302  # not before it is answered


# ------------------------------------------------------- 2. and 3. daily life of a child
def test_child_daily_life_answers_each_describe_their_lansky_band(client, wizard):
    """Each of the five answers a parent sees describes the two Lansky scores of the ECOG
    grade it stands for, and nothing from the band below or above."""
    wizard.complete(CHILD)
    labels = _choice_labels(parse(client.get("/screen/step/daily")), "activity")
    # Lansky 100 normal / 90 minor limits in strenuous play
    assert "Plays normally" in labels["0"] and "a little in rough, energetic play" in labels["0"]
    # 80 tires more quickly / 70 less time in active play; no "hard play" (that is 90)
    assert "tires more quickly" in labels["1"] and "less time in active play" in labels["1"]
    assert "hard play" not in labels["1"]
    # 60 minimal active play, quieter activities / 50 lies around much of the day
    assert "little or no active play" in labels["2"] and "quiet play" in labels["2"]
    assert "lie around much of the day" in labels["2"]
    # 40 mostly in bed, joins quiet activities / 30 needs help even for quiet play
    assert "In bed most of the day" in labels["3"]
    assert "needs help even for quiet play" in labels["3"]
    # 20 often sleeping, very passive play / 10 no play, does not get out of bed
    assert "Often asleep" in labels["4"] and "very passive play" in labels["4"]
    assert "does not get out of bed" in labels["4"]
    assert "quiet play" not in labels["4"]  # needing help for quiet play is Lansky 30
    assert labels["unknown"] == "I don't know"


def test_child_daily_life_answers_are_in_spanish(client, wizard):
    """The same five answers read in Spanish."""
    wizard.complete(CHILD)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "es"
    labels = _choice_labels(parse(client.get("/screen/step/daily")), "activity")
    assert labels["0"].startswith("Juega con normalidad")
    assert "necesita ayuda incluso para los juegos tranquilos" in labels["3"]
    assert "no se levanta de la cama" in labels["4"]


def test_a_childs_coarse_answer_never_meets_a_lansky_threshold_inside_its_band(
        app, client, wizard, monkeypatch):
    """"Up and dressed, little active play" is Lansky 50 or 60: a study asking for Lansky 60
    or more is for the study team to check, never "likely eligible" on a guess."""
    lansky_60 = Trial(id="NCT09999997", title="A trial asking for Lansky 60 or more",
                      source="criteria-file", status="RECRUITING", status_checked="2026-11-01",
                      criteria=[Criterion("performance", "inclusion", "Lansky >= 60", {},
                                          build_node({"field": "performance_status",
                                                      "op": "performance_at_least",
                                                      "value": {"scale": "lansky",
                                                                "score": 60}}))])
    with app.app_context():  # the catalog reads its snapshot state only inside one
        old = app.extensions["screener.catalog"].all()
    monkeypatch.setitem(app.extensions, "screener.catalog", TrialCatalog(old + [lansky_60]))
    wizard.complete(dict(CHILD, daily={"activity": "2"}))
    page = parse(client.get("/screen/results"))
    article = page.find("article", aria_labelledby="trial-NCT09999997")
    review = page.find("section", aria_labelledby="group-needs_review")
    assert article in review.find_all("article")
    likely = page.find("section", aria_labelledby="group-likely_eligible")
    assert likely is None or article not in likely.find_all("article")


@pytest.mark.parametrize("level", sorted(LANSKY_FOR_LEVEL))
def test_no_curated_trial_rules_a_child_out_on_daily_life_beyond_the_lansky_band(app, level):
    """For every curated trial and each daily-life answer of a child, a performance criterion
    is decided only as both Lansky scores of the band would decide it: no not_met (or met)
    that the band does not justify."""
    profile = _profile(app, dict(CHILD, daily={"activity": str(level)}))
    assert profile["performance_status"] == {"scale": "ecog", "score": level}
    checked = 0
    for trial in load_dir(BUNDLED_CRITERIA):
        def outcomes(ps, trial=trial):
            return {c.criterion.id: c.outcome
                    for c in screen(dict(profile, performance_status=ps), trial).criteria
                    if c.criterion.rule is not None
                    and "performance_status" in c.criterion.rule.fields()}
        answer = outcomes(profile["performance_status"])
        band = [outcomes({"scale": "lansky", "score": s}) for s in LANSKY_FOR_LEVEL[level]]
        for cid, outcome in answer.items():
            checked += 1
            if outcome in ("met", "not_met"):
                assert all(b[cid] == outcome for b in band), (trial.id, cid, outcome, band)
    assert checked > 10


# ------------------------------------------------------------ 4. and 6. relapse wording
def test_relapse_questions_ask_one_thing_each(client, wizard):
    """Outside the marrow is asked of the latest relapse; the months question and its hint
    both ask for the months from diagnosis to the first relapse (the profile's field)."""
    wizard.complete(ADULT)
    page = parse(client.get("/screen/step/relapse"))
    assert _legend(page, "extramedullary") == (
        "Was the latest relapse only outside the bone marrow?")
    assert "at the latest relapse" in page.find("p", id="extramedullary-hint").text
    assert page.find("label", for_="first_remission_months").text == (
        "How many months after diagnosis did it first come back?")
    hint = page.find("p", id="first_remission_months-hint").text
    assert "from the month the leukemia was first found to the month it first came back" in hint
    assert "remission" not in hint


def test_relapse_questions_in_spanish(client, wizard):
    """The same two questions in Spanish."""
    wizard.complete(ADULT)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "es"
    page = parse(client.get("/screen/step/relapse"))
    assert _legend(page, "extramedullary") == (
        "¿La última recaída fue solo fuera de la médula ósea?")
    hint = page.find("p", id="first_remission_months-hint").text
    assert "desde el mes en que se encontró la leucemia" in hint and "remisión" not in hint


# ---------------------------------------------------------------- 5. refractory disease
def test_refractory_is_asked_about_relapses_with_never_in_remission_first(client, wizard):
    """Refractory disease brings the relapse step, whose first choice is "It never went
    away"; for relapsed disease that choice is not offered."""
    wizard.complete(REFRACTORY)
    page = parse(client.get("/screen/step/relapse"))
    labels = _choice_labels(page, "relapse_count")
    assert list(labels) == ["0", "1", "2", "3", "unknown"]
    assert labels["0"] == "It never went away (never in remission)"
    wizard.complete(ADULT)
    assert "0" not in _choice_labels(parse(client.get("/screen/step/relapse")), "relapse_count")
    page = parse(wizard.answer("relapse", relapse_count="0", first_remission_months="",
                               extramedullary="unknown"))
    assert "Choose an answer." in _errors(page)


def test_primary_refractory_is_relapse_count_0_with_no_relapse_details(app, client, wizard):
    """"It never went away" with the other two questions left: relapse_count 0, no time to
    relapse and no site of relapse in the profile; the review page says they do not apply."""
    answers = dict(REFRACTORY, relapse={"relapse_count": "0", "first_remission_months": ""})
    wizard.complete(answers)
    page = parse(client.get("/screen/review"))
    rows = {dt.text: dt.parent.find("dd").text for dt in page.find_all("dt")}
    assert rows["Was the latest relapse only outside the bone marrow?"] == "Does not apply"
    assert rows["How many months after diagnosis did it first come back?"] == "Does not apply"
    profile = _profile(app, dict(answers, relapse=dict(answers["relapse"],
                                                       extramedullary="yes")))
    assert profile["disease_status"] == "refractory" and profile["relapse_count"] == 0
    assert "months_from_diagnosis_to_relapse" not in profile
    assert "isolated_extramedullary_relapse" not in profile


def test_never_in_remission_with_months_to_relapse_is_questioned(client, wizard):
    """A number of months to a relapse that "never went away" cannot have: the page is kept
    with a message."""
    wizard.complete(REFRACTORY)
    response = wizard.answer("relapse", relapse_count="0", first_remission_months="14",
                             extramedullary="no")
    assert response.status_code == 200
    assert ("You said it never went away, so it has not come back: leave this empty, or "
            "change the first answer." in _errors(parse(response)))


def test_refractory_after_relapses_keeps_the_relapse_facts(app):
    """Refractory after a second relapse: the count, months and site reach the profile."""
    profile = _profile(app, REFRACTORY)
    assert profile["relapse_count"] == 2
    assert profile["months_from_diagnosis_to_relapse"] == 14
    assert profile["isolated_extramedullary_relapse"] is False


def test_the_refractory_hint_describes_refractory_disease(client, wizard):
    """The hint under "refractory" says never in remission, or not back in remission after
    the treatment for a relapse (not "the latest treatment stopped working", a relapse)."""
    wizard.complete(ADULT)
    hint = parse(client.get("/screen/step/diagnosis")).find("p", id="status-2-hint").text
    assert hint == ("Treatment never made it go away (no remission), or it came back and the "
                    "treatment for that relapse did not make it go away again.")


# ------------------------------------------------------- 7. "no treatment yet" contradicts
@pytest.mark.parametrize("status", ["relapsed", "refractory"])
def test_no_treatment_yet_is_refused_after_relapse_or_refractory(client, wizard, status):
    """A leukemia that came back or did not respond has been treated: "No treatment yet" is
    refused with a message and the page is kept (prior_therapies [] would read "never had X")."""
    steps = dict(ADULT, diagnosis=dict(ADULT["diagnosis"], status=status))
    wizard.complete({k: v for k, v in steps.items() if k not in ("treatments", "timing",
                                                                 "tests", "health", "daily",
                                                                 "location")})
    response = wizard.answer("treatments", treatments=["none"])
    assert response.status_code == 200
    page = parse(response)
    assert ("You said the leukemia came back or did not respond, so it has been treated: tick "
            "what was given, or \"I'm not sure\"." in _errors(page))
    assert "checked" in page.find("input", name="treatments", value="none").attrs
    assert wizard.answer("treatments", treatments=["unsure"]).status_code == 302


def test_no_treatment_yet_stays_fine_when_newly_diagnosed(app, client, wizard):
    """The newly diagnosed child with no treatment yet still gets prior_therapies []."""
    wizard.complete(CHILD)
    assert client.get("/screen/results").status_code == 200
    assert _profile(app, CHILD)["prior_therapies"] == []


def test_a_change_to_relapsed_after_no_treatment_yet_asks_again(client, wizard):
    """"No treatment yet" given while newly diagnosed is asked again, with the reason, when the
    status is changed to relapsed from the review page."""
    wizard.complete(CHILD)
    wizard.answer("diagnosis", query="?from=review", diagnosis="b_all", status="relapsed",
                  age_at_diagnosis="3")
    response = wizard.answer("relapse", query="?from=review", relapse_count="1",
                             first_remission_months="", extramedullary="unknown")
    assert response.headers["Location"].endswith("/screen/step/treatments?from=review")
    page = parse(client.get("/screen/step/treatments?from=review"))
    summary = page.find("div", class_="error-summary")
    assert "no longer fits your answer about where things stand" in summary.text
    assert "so it has been treated" in summary.text


# ------------------------------------------------- 8. a treatment added from the review page
def test_a_treatment_added_from_review_is_asked_when(app, client, wizard):
    """Ticking a transplant from the review page leads to the timing page, which asks when it
    was; the review and results wait for that answer. An empty answer ("not sure") counts."""
    wizard.complete(ADULT)
    response = wizard.answer("treatments", query="?from=review",
                             treatments=["chemo", "blinatumomab", "cd19_car_t", "allo"])
    assert response.headers["Location"].endswith("/screen/step/timing?from=review")
    page = parse(client.get("/screen/step/timing?from=review"))
    assert page.find("label", for_="months_allo").text == (
        "Stem cell or bone marrow transplant from a donor: how many months ago was the "
        "transplant?")
    assert page.find("input", id="months_chemo").attrs["value"] == "5"  # kept
    summary = page.find("div", class_="error-summary")
    assert [a.attrs["href"] for a in summary.find_all("a")] == ["#months_allo"]
    for url in ("/screen/review", "/screen/results"):
        assert client.get(url).headers["Location"].endswith("/screen/step/timing")
    response = wizard.answer("timing", query="?from=review", **dict(ADULT["timing"],
                                                                    months_allo=""))
    # answered: on to the review, or to a new question the transplant made decisive
    location = response.headers["Location"]
    assert location.endswith("/screen/review") or (
        "/screen/step/" in location and "timing" not in location), location
    results = client.get("/screen/results")  # no longer waits for the timing answer
    assert results.status_code == 200 or "timing" not in results.headers["Location"]


def test_an_empty_timing_answer_counts_as_answered(app, client, wizard):
    """Every timing left empty ("not sure") is an answer: the wizard goes on, and the profile
    lists the treatments without months."""
    steps = dict(ADULT, timing={k: "" for k in ADULT["timing"]})
    wizard.complete(steps)
    assert client.get("/screen/review").status_code == 200
    assert all("months_since_last_dose" not in t
               for t in _profile(app, steps)["prior_therapies"])
