"""The results page: grouped by verdict, explained in plain words, nearest site, safe wording."""

import re

import pytest
from conftest import ADULT, CHILD, parse

from screener.eligibility import Criterion, Trial, screen
from screener.eligibility.rules import build_node
from screener.trials.catalog import TrialCatalog


def _results(client, wizard, answers):
    wizard.complete(answers)
    response = client.get("/screen/results")
    assert response.status_code == 200
    return parse(response)


def _trial_article(page, trial_id):
    return page.find("article", aria_labelledby=f"trial-{trial_id}")


@pytest.mark.parametrize("answers", [CHILD, ADULT], ids=["child", "adult"])
def test_trials_grouped_by_the_engines_verdict(app, client, wizard, answers):
    """Every trial appears once, in the group of the verdict the engine gives its profile."""
    page = _results(client, wizard, answers)
    with app.test_request_context():
        from screener.trials.catalog import catalog
        from screener.wizard.steps import Answers, build_profile
        raw = {s: {k: (v if isinstance(v, list) else [v]) for k, v in f.items()}
               for s, f in answers.items()}
        profile = build_profile(Answers(raw))
        expected = {t.id: (screen(profile, t).verdict, t.recruiting) for t in catalog().all()}
    # every curated trial checks more than age: none is shown below its verdict
    closed = page.find("section", aria_labelledby="group-closed")
    for trial_id, (verdict, recruiting) in expected.items():
        if not recruiting:  # listed apart, never in a verdict group
            assert _trial_article(page, trial_id) is None, trial_id
            assert closed.find("li", id=f"closed-{trial_id}") is not None, trial_id
            continue
        article = _trial_article(page, trial_id)
        assert article is not None, trial_id
        section = page.find("section", aria_labelledby=f"group-{verdict}")
        assert article in section.find_all("article"), (trial_id, verdict)


def test_closed_trials_are_never_offered_as_likely_eligible(app, client, wizard):
    """A trial not taking patients is listed apart with its status, even when it would fit."""
    from screener.trials.catalog import catalog

    with app.app_context():
        eliana = catalog().get("NCT02435849")
    assert not eliana.recruiting
    page = _results(client, wizard, ADULT)
    assert _trial_article(page, "NCT02435849") is None
    item = page.find("section", aria_labelledby="group-closed").find("li", id="closed-NCT02435849")
    assert "No longer taking new patients" in item.text


@pytest.mark.parametrize("answers", [CHILD, ADULT], ids=["child", "adult"])
def test_never_eligible_without_likely_and_the_study_team_confirms(client, wizard, answers):
    """The word 'eligible' only ever appears as 'Likely eligible — the study team confirms'."""
    page = _results(client, wizard, answers)
    text = page.find("main").text
    for match in re.finditer(r"eligib", text, flags=re.IGNORECASE):
        start = max(0, match.start() - 7)
        assert text[start:match.start() + 40].startswith("Likely eligible — the study team confirms"), (
            text[start:match.start() + 40])


def test_what_rules_a_trial_out_names_the_answer(client, wizard):
    """FELIX is ruled out for the adult with 'You told us' his CD19 treatments."""
    page = _results(client, wizard, ADULT)
    article = _trial_article(page, "NCT04404660")
    out = article.find("ul", class_="lines-out").text
    assert "You told us: treatments: chemotherapy, Blincyto (blinatumomab), CAR-T aimed at CD19." in out
    assert "This study is not for people with: Earlier treatment aimed at CD19 other than" in out


def test_unknowns_come_with_a_question_for_the_care_team(client, wizard):
    """An unknown answer is listed with what to ask the care team."""
    page = _results(client, wizard, CHILD)
    asks = [el.text for el in page.find_all("ul", class_="lines-unknown")]
    assert any("Ask your care team" in text for text in asks)


def test_nearest_site_and_distance_from_the_zip_code(client, wizard):
    """The child near 11030 (Manhasset, NY) gets the nearest US site with a mileage."""
    page = _results(client, wizard, CHILD)
    sites = [el.text for el in page.find_all("p", class_="site")]
    assert any(re.search(r"(about [\d,]+ miles|less than 1 mile) from your ZIP code", s)
               for s in sites)


def test_registry_trials_are_labelled_as_read_automatically(app, client, wizard, monkeypatch):
    """A ctgov trial says it was read automatically on its date and that the study team confirms."""
    fake = Trial(id="NCT09999999", title="A registry-read trial", source="ctgov",
                 status="RECRUITING", status_checked="2026-11-01",
                 criteria=[Criterion("cd19", "inclusion", "CD19 positive", {},
                                     build_node({"field": "cd19", "op": "eq",
                                                 "value": "positive"}))])
    old = app.extensions["screener.catalog"]
    monkeypatch.setitem(app.extensions, "screener.catalog", TrialCatalog(old.all() + [fake]))
    page = _results(client, wizard, CHILD)
    article = _trial_article(page, "NCT09999999")
    assert ("Read automatically from ClinicalTrials.gov on 2026-11-01 — the study team confirms."
            in article.find("p", class_="source").text)
    assert article.find("a", href="https://clinicaltrials.gov/study/NCT09999999") is not None
    # no plain sentence in the registry record: the verbatim text is shown, marked as such
    assert "In the study's own words: CD19 positive" in article.find("ul", class_="lines-unknown").text


def test_a_trial_checked_on_age_alone_is_not_offered_as_likely_eligible(
        app, client, wizard, monkeypatch):
    """Registry text nothing could be read from: 'still to check', never 'likely eligible'."""
    fake = Trial(id="NCT09999998", title="Text the reader could not structure", source="ctgov",
                 status="RECRUITING", status_checked="2026-11-01",
                 criteria=[Criterion("age", "inclusion", "Minimum Age: 1 Year.", {},
                                     build_node({"field": "age", "op": "age_at_least",
                                                 "value": "1 Year"})),
                           Criterion("inc-1", "inclusion", "DISEASE CHARACTERISTICS: ...", {})])
    with app.test_request_context():
        assert screen({"age": {"years": 4}}, fake).verdict == "likely_eligible"  # contract
    old = app.extensions["screener.catalog"]
    monkeypatch.setitem(app.extensions, "screener.catalog", TrialCatalog(old.all() + [fake]))
    page = _results(client, wizard, CHILD)
    article = _trial_article(page, "NCT09999998")
    assert article in page.find("section", aria_labelledby="group-needs_review").find_all("article")
    assert "could not check this study" in article.find("p", class_="thin").text


def test_results_need_a_finished_wizard(client, wizard):
    """Results before the last step send the person to the first unanswered step."""
    wizard.start()
    wizard.answer("who", who="patient")
    assert client.get("/screen/results").headers["Location"].endswith("/screen/step/age")


def test_review_lists_every_answer_with_a_change_link(client, wizard):
    """The review page has a change link per answer, back to that step."""
    wizard.complete(ADULT)
    page = parse(client.get("/screen/review"))
    rows = page.find_all("div", class_="answer-row")
    assert len(rows) == sum(len(fields) for fields in ADULT.values())
    for row in rows:
        assert row.find("a").attrs["href"].startswith("/screen/step/")
    link = page.find("a", href="/screen/step/tests?from=review#cd19-0")
    assert link is not None


def test_change_from_review_returns_to_review(client, wizard):
    """Changing one answer from the review page goes back to the review page."""
    wizard.complete(ADULT)
    response = wizard.answer("tests", query="?from=review",
                             **dict(ADULT["tests"], cd19="positive"))
    assert response.headers["Location"].endswith("/screen/review")


def test_front_page_is_the_wizard_welcome_and_trials_moved(client):
    """/ welcomes with a start button and links to /trials, which lists the trials."""
    page = parse(client.get("/"))
    assert page.find("button").text == "Start the questions"
    assert page.find("a", href="/trials") is not None
    trials = parse(client.get("/trials"))
    assert trials.find("table") is not None
    assert client.get("/healthz").status_code == 200


def test_results_warn_when_the_registry_may_be_out_of_date(app, client, wizard, monkeypatch):
    """After a failed sync the results page gives the snapshot date and says it may be stale."""
    cat = app.extensions["screener.catalog"]
    monkeypatch.setattr(cat, "notice", lambda: {"registry_trials": 5, "as_of": "2026-11-20",
                                                "may_be_out_of_date": True})
    text = _results(client, wizard, CHILD).find("p", class_="registry-notice").text
    assert "as it was on 2026-11-20" in text and "may be out of date" in text
