"""The results page's content (issue 9): the summary and the care-team checklist, the
wording of each line, and honest statuses, for profiles given directly."""

import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from wizard_pages import CHILD, Page, parse

from screener import create_app
from screener.eligibility import Criterion, Trial
from screener.eligibility.rules import build_node
from screener.wizard.results import results_page, status_checked

STUDIES = Path(__file__).resolve().parents[1] / "trials" / "data" / "studies"


def _criterion(cid, kind, plain, rule, es=None):
    return Criterion(cid, kind, f"Verbatim {cid}", {"en": plain, "es": es or f"ES {plain}"},
                     build_node(rule) if rule else None)


AGE = _criterion("age", "inclusion", "Aged 14 to 55 years.",
                 {"field": "age", "op": "age_at_least", "value": "14 Years"},
                 es="Tener de 14 a 55 años.")
AGE_AGAIN = _criterion("age-text", "inclusion", "Aged 14 to 55 years.",
                       {"field": "age", "op": "age_at_most", "value": "55 Years"},
                       es="Tener de 14 a 55 años.")
PREGNANT = _criterion("pregnancy", "exclusion", "Pregnant.",
                      {"field": "pregnant_or_breastfeeding", "op": "is", "value": True},
                      es="Embarazo.")
VIRUSES = _criterion("viruses", "exclusion", "Active hepatitis B or C, or HIV.",
                     {"any": [{"field": "infections.hiv", "op": "is", "value": True},
                              {"field": "infections.hepatitis_b", "op": "is", "value": True},
                              {"field": "infections.hepatitis_c", "op": "is", "value": True}]},
                     es="Hepatitis B o C activa, o VIH.")
RELAPSED = _criterion("relapsed", "inclusion", "ALL that has come back at least once.",
                      {"field": "relapse_count", "op": "gte", "value": 1})
CD19 = _criterion("cd19", "inclusion", "CD19-positive leukemia.",
                  {"field": "cd19", "op": "eq", "value": "positive"})
B_ALL = _criterion("b-all", "inclusion", "B-cell ALL.",
                   {"field": "diagnosis", "op": "eq", "value": "b_all"})
MRD = _criterion("mrd", "inclusion", "MRD positive.",
                 {"field": "mrd.status", "op": "eq", "value": "positive"})


def _trial(tid, *criteria, status="RECRUITING", checked=None):
    return Trial(id=tid, title=f"Trial {tid}", source="criteria-file", status=status,
                 status_checked=checked or date.today().isoformat(), criteria=list(criteria))


def _page(app, profile, trials, lang="en"):
    with app.test_request_context("/", headers={"Accept-Language": lang}):
        return results_page(profile, trials, lang)


def _all_lines(view):
    return [line.told + " " + line.sentence + " " + " ".join(line.ask)
            for group in (view.matched, view.ruled_out, view.unknown, view.study_team,
                          view.unchecked) for line in group]


MAN = {"profile_version": 1, "age": {"years": 27}, "sex": "male", "diagnosis": "b_all",
       "pregnant_or_breastfeeding": False,
       "infections": {"hiv": False, "hepatitis_b": False, "hepatitis_c": False}}


@pytest.mark.parametrize(("lang", "pregnancy", "viruses"), [
    ("en", "Pregnant", "hepatitis"), ("es", "Embarazo", "Hepatitis")])
def test_an_exclusion_that_does_not_apply_is_never_listed_as_a_match(app, lang, pregnancy,
                                                                      viruses):
    """A 27-year-old man sees neither pregnancy nor 'hepatitis or HIV' under what matches."""
    page = _page(app, MAN, [_trial("NCT00000001", AGE, PREGNANT, VIRUSES, CD19)], lang)
    view = page["groups"]["needs_review"][0]
    matched = " ".join(line.sentence for line in view.matched)
    assert matched == ("Aged 14 to 55 years." if lang == "en" else "Tener de 14 a 55 años.")
    everything = " ".join(_all_lines(view))
    assert pregnancy not in everything and viruses not in everything
    assert "Not the case" not in everything and "No es el caso" not in everything


@pytest.mark.parametrize(("profile", "shown"), [
    ({"age": {"years": 6}, "sex": "female"}, False),
    ({"age": {"years": 30}, "sex": "male"}, False),
    ({"age": {"years": 16}, "sex": "female"}, True),
    ({"age": {"years": 16}}, True),
], ids=["girl-6", "man-30", "girl-16", "sex-not-given"])
def test_pregnancy_rules_are_shown_only_where_they_can_apply(app, profile, shown):
    """With pregnancy not answered, a girl of 6 and a man are never asked about it (on the card
    or in the checklist); a girl of 16, or someone whose sex is not known, is."""
    profile = {"profile_version": 1, "diagnosis": "b_all", **profile}
    page = _page(app, profile, [_trial("NCT00000002", PREGNANT, CD19)])
    view = page["groups"]["needs_review"][0]
    said = " ".join(_all_lines(view)) + " ".join(q for q, _n in page["checklist"])
    assert ("pregnan" in said.lower()) is shown, said


def test_the_same_sentence_is_said_once(app):
    """Two criteria that read 'Aged 14 to 55 years.' make one line."""
    page = _page(app, MAN, [_trial("NCT00000003", AGE, AGE_AGAIN, CD19)])
    view = page["groups"]["needs_review"][0]
    assert [line.sentence for line in view.matched] == ["Aged 14 to 55 years."]


def test_you_told_us_names_only_what_was_answered(app):
    """Newly diagnosed (relapse count recorded as 0 without asking): 'You told us' says the
    disease status, never 'number of relapses: 0'; a relapse count the person gave is said."""
    new = {"profile_version": 1, "age": {"years": 20}, "disease_status": "newly_diagnosed",
           "relapse_count": 0}
    told = _page(app, new, [_trial("NCT00000004", RELAPSED)])[
        "groups"]["not_eligible"][0].ruled_out[0].told
    assert told == "You told us: disease status: newly diagnosed."
    again = {"profile_version": 1, "age": {"years": 20}, "disease_status": "relapsed",
             "relapse_count": 0}
    told = _page(app, again, [_trial("NCT00000004", RELAPSED)])[
        "groups"]["not_eligible"][0].ruled_out[0].told
    assert told == "You told us: number of relapses: 0."


def test_answers_given_leave_out_what_was_not_asked(app):
    """The summary of answers says what the person answered: no pregnancy line for a man, no
    relapse count for a new diagnosis, and the ZIP code and travel limit."""
    profile = dict(MAN, disease_status="newly_diagnosed", relapse_count=0,
                   location={"zip": "10016", "max_travel_miles": 200})
    labels = dict(_page(app, profile, [])["answers"])
    assert labels["age"] == "27 years" and labels["disease status"] == "newly diagnosed"
    assert "pregnancy or breastfeeding" not in labels and "number of relapses" not in labels
    assert labels["ZIP code"] == "10016" and labels["how far you can travel"] == "200 miles"


def test_checklist_asks_each_question_once_most_decisive_first(app):
    """Two studies need CD19 and one needs MRD: CD19 first, 'settles' 2, each asked once; the
    summary counts each group."""
    trials = [_trial("NCT00000011", CD19), _trial("NCT00000012", CD19, MRD),
              _trial("NCT00000013", RELAPSED), _trial("NCT00000014", AGE, B_ALL)]
    profile = {"profile_version": 1, "age": {"years": 20}, "relapse_count": 0,
               "diagnosis": "b_all"}
    page = _page(app, profile, trials)
    assert page["checklist"] == [
        ("Ask your care team whether the leukemia cells are CD19-positive.", 2),
        ("Ask your care team whether the latest MRD test was positive or negative.", 1)]
    assert [words for _group, words in page["summary"]] == [
        "1 study likely fits", "2 studies need answers from your care team",
        "1 study does not fit your answers"]
    with app.test_request_context("/", headers={"Accept-Language": "es"}):
        page = results_page(profile, trials, "es")
    assert page["summary"][1][1] == "2 estudios necesitan respuestas de su equipo médico"
    assert page["checklist"][0] == (
        "Pregunte a su equipo médico si las células leucémicas son positivas para CD19.", 2)


def test_unknown_status_is_its_own_group_never_closed(app):
    """A study whose status is UNKNOWN is listed apart from the closed ones, and counted so."""
    page = _page(app, MAN, [_trial("NCT00000021", AGE, status="UNKNOWN"),
                            _trial("NCT00000022", AGE, status="COMPLETED")])
    assert [v.trial.id for v in page["unknown_status"]] == ["NCT00000021"]
    assert [v.trial.id for v in page["closed"]] == ["NCT00000022"]
    assert ("unknown-status", "1 study whose status is not known") in page["summary"]


def test_an_old_status_says_when_it_was_checked_and_that_it_may_have_changed(app, client,
                                                                                wizard,
                                                                                monkeypatch):
    """Checked 31 days ago: the card says the date and that it may have changed; checked 30
    days ago: just the date."""
    today = date(2026, 12, 7)
    with app.test_request_context("/"):
        assert status_checked(_trial("X", checked="2026-11-06"), today) == ("Nov 6, 2026", True)
        assert status_checked(_trial("X", checked="2026-11-07"), today) == ("Nov 7, 2026", False)
    from test_results import _with_trials
    old = (date.today() - timedelta(days=400)).isoformat()
    _with_trials(app, monkeypatch, _trial("NCT00000031", AGE, CD19, checked=old))
    wizard.complete(CHILD)
    page = parse(client.get("/screen/results"))
    meta = page.find("article", aria_labelledby="trial-NCT00000031").find("p", class_="meta")
    assert "may have changed" in meta.text


def test_a_curated_trial_takes_the_snapshots_newer_status(tmp_path, wizard_app_config):
    """NCT03020030's file says RECRUITING (checked 2020); a newer snapshot says COMPLETED: the
    results list it with the studies not taking patients, never with a verdict."""
    studies = tmp_path / "studies"
    studies.mkdir()
    record = json.loads((STUDIES / "NCT03020030.json").read_text())
    record["protocolSection"]["statusModule"]["overallStatus"] = "COMPLETED"
    record["protocolSection"]["statusModule"]["lastUpdatePostDateStruct"] = {"date": "2026-11-02"}
    (studies / "NCT03020030.json").write_text(json.dumps(record))
    app = create_app(dict(wizard_app_config,
                          SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'db.sqlite'}"),
                     instance_path=tmp_path)
    with app.app_context():
        from screener.trials import snapshot
        from screener.trials.catalog import catalog
        assert snapshot.sync_from_dir(studies).ok
        catalog().refresh(force=True)  # as it does by itself within 30 s
        trial = catalog().get("NCT03020030")
        assert trial.status == "COMPLETED" and trial.source == "criteria-file"
        assert trial.status_checked == "2026-11-02"
    with app.test_request_context("/"):
        from screener.wizard.routes import render_results
        page = Page(render_results({"profile_version": 1, "age": {"years": 4}}))
    assert page.find("article", aria_labelledby="trial-NCT03020030") is None
    closed = page.find("section", aria_labelledby="group-closed")
    assert "Finished" in closed.find("li", id="closed-NCT03020030").text


@pytest.fixture
def wizard_app_config():
    return {"TESTING": True, "SECRET_KEY": "test-secret", "SCREENER_RATE_LIMITS": False}


def test_a_long_group_shows_a_few_cards_and_folds_the_rest_counted(app, monkeypatch):
    """Eight studies still to check: five cards, then '3 more studies in this group' one click
    away, all eight counted at the top; a likely-fit group is never folded."""
    from screener.wizard import routes

    trials = [_trial(f"NCT0000010{i}", AGE, CD19) for i in range(8)]
    monkeypatch.setattr(routes, "catalog", lambda: type("C", (), {
        "all": lambda self: trials, "notice": lambda self: {}})())
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        page = Page(routes.render_results({"profile_version": 1, "age": {"years": 20}}))
    group = page.find("section", class_="group-needs_review")
    rest = group.find("details", class_="rest")
    assert rest.find("summary").text.strip() == "3 more studies in this group"
    assert len(group.find_all("article")) == 8 and len(rest.find_all("article")) == 3
    assert "8 studies need answers from your care team" in page.find(id="summary").text
    fits = {"profile_version": 1, "age": {"years": 20}, "cd19": "positive"}
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        page = Page(routes.render_results(fits))
    group = page.find("section", class_="group-likely_eligible")
    assert group.find("details", class_="rest") is None and len(group.find_all("article")) == 8


def test_gvhd_recorded_without_asking_is_not_among_your_answers(app):
    """With no donor transplant the wizard records 'no GVHD' without asking: 'Your answers'
    does not say the person answered it; after a donor transplant, an answer given is said."""
    chemo = [{"therapy": "multiagent_chemotherapy"}]
    labels = dict(_page(app, dict(MAN, prior_therapies=chemo, active_gvhd=False), [])["answers"])
    assert "treatments received" in labels
    assert "active graft-versus-host disease" not in labels
    donor = [*chemo, {"therapy": "allogeneic_hsct"}]
    labels = dict(_page(app, dict(MAN, prior_therapies=donor, active_gvhd=False), [])["answers"])
    assert labels["active graft-versus-host disease"] == "no"


FAR_SITE = {"facility": "Far Hospital", "city": "Chicago", "state": "Illinois",
            "country": "United States", "zip": "60611"}


@pytest.mark.parametrize(("lang", "words"), [
    ("en", "1 study, farther than you said you could travel"),
    ("es", "1 estudio, a más distancia de la que dijo que puede viajar")])
def test_a_group_whose_only_study_is_far_does_not_call_it_more(app, monkeypatch, lang, words):
    """Every study of a group farther than the person can travel: the fold says '1 study,
    farther ...', not '1 more study' (no card is shown above it)."""
    from screener.wizard import routes

    trial = _trial("NCT00000201", AGE, CD19)
    trial.sites.append(FAR_SITE)
    monkeypatch.setattr(routes, "catalog", lambda: type("C", (), {
        "all": lambda self: [trial], "notice": lambda self: {}})())
    profile = {"profile_version": 1, "age": {"years": 20},
               "location": {"zip": "10016", "max_travel_miles": 25}}
    with app.test_request_context("/", headers={"Accept-Language": lang}):
        page = Page(routes.render_results(profile))
    far = page.find("section", class_="group-needs_review").find("details", class_="farther")
    assert far.find("summary").text == words


KMT2A = _criterion("kmt2a", "exclusion", "KMT2A rearranged.",
                   {"field": "genetics.kmt2a_rearranged", "op": "is", "value": True})
ETV6 = _criterion("etv6", "inclusion", "ETV6::RUNX1.",
                  {"field": "genetics.etv6_runx1", "op": "is", "value": True})


@pytest.mark.parametrize(("lang", "words"), [
    ("en", "Ask your care team what the genetic tests of the leukemia cells found "
           "(cytogenetics, FISH or sequencing)."),
    ("es", "Pregunte a su equipo médico qué encontraron las pruebas genéticas de las células "
           "leucémicas (citogenética, FISH o secuenciación).")])
def test_genetic_results_are_one_plain_question(app, lang, words):
    """Two studies that need two genetic results: the checklist asks once, in plain words, for
    what the genetic tests found (one report answers both), never 'Ask ... about: KMT2A'."""
    page = _page(app, MAN, [_trial("NCT00000301", KMT2A), _trial("NCT00000302", ETV6)], lang)
    assert page["checklist"] == [(words, 2)]
    view = page["groups"]["needs_review"][0]
    assert [ask for line in view.unknown for ask in line.ask] == [words]


@pytest.mark.parametrize(("years", "given", "words"), [
    (4, {"scale": "ecog", "score": 0}, "Lansky 90–100"),
    (12, {"scale": "ecog", "score": 2}, "Lansky 50–60"),
    (4, {"scale": "lansky", "score": 70}, "Lansky 70"),
    (35, {"scale": "ecog", "score": 1}, "ECOG 1")])
def test_a_childs_daily_life_is_said_on_the_childrens_scale(app, years, given, words):
    """A parent who picked 'Plays normally' for a 4-year-old reads 'Lansky 90–100' among the
    answers (the range the engine reads), not 'ECOG 0', an adult scale; an adult's stays ECOG."""
    profile = {"profile_version": 1, "age": {"years": years}, "performance_status": given}
    assert dict(_page(app, profile, [])["answers"])["performance status"] == words


ISO_DATE = r"\b\d{4}-\d{2}-\d{2}\b"


@pytest.mark.parametrize(("lang", "day"), [("en", "Nov 8, 2022"), ("es", "8 nov 2022")])
def test_registry_dates_are_written_as_the_page_writes_dates(registry_client, registry_wizard,
                                                             lang, day):
    """'Read automatically from ClinicalTrials.gov on ...' and the registry notice on the
    results and /trials say the date as the statuses do ('Nov 8, 2022'), never '2022-11-08'."""
    import re

    from wizard_pages import ADULT

    registry_wizard.complete(ADULT)
    registry_client.environ_base["HTTP_ACCEPT_LANGUAGE"] = lang
    page = parse(registry_client.get("/screen/results"))
    said = [p.text for p in page.find_all("p", class_="source")]
    said.append(page.find("p", class_="registry-notice").text)
    trials = parse(registry_client.get("/trials")).find("main").find_all("p")[0].text
    for text in [*said, trials]:
        assert day in text and not re.search(ISO_DATE, text), text
