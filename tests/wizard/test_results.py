"""The results page: grouped by verdict, explained in plain words, nearest site, safe wording."""

import re

import pytest
from wizard_pages import ADULT, CHILD, parse

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


def _with_trials(app, monkeypatch, *trials):
    """The app's catalog plus ``trials``, for this test only.

    The catalog is read inside an app context: outside one, ``all()`` works only while an
    earlier test's snapshot check is under 30 s old.
    """
    with app.app_context():
        old = app.extensions["screener.catalog"].all()
    monkeypatch.setitem(app.extensions, "screener.catalog", TrialCatalog(old + list(trials)))


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
    apart = [page.find("section", aria_labelledby=f"group-{key}")
             for key in ("closed", "unknown-status")]
    for trial_id, (verdict, recruiting) in expected.items():
        if not recruiting:  # listed apart, never in a verdict group
            assert _trial_article(page, trial_id) is None, trial_id
            assert any(s.find("li", id=f"closed-{trial_id}") for s in apart if s), trial_id
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
    """The word 'eligible' only ever appears as 'Likely eligible — the study team confirms'
    (the studies' own criteria, quoted under "Full criteria", aside)."""
    page = _results(client, wizard, answers)
    for quoted in page.find_all("ul", class_="verbatim"):
        quoted.parts.clear()
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
    assert ("You told us: treatments received: multi-drug chemotherapy, blinatumomab (Blincyto), "
            "CD19 CAR-T cell therapy (such as Kymriah or Tecartus).") in out
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
    _with_trials(app, monkeypatch, fake)
    page = _results(client, wizard, CHILD)
    article = _trial_article(page, "NCT09999999")
    assert ("Read automatically from ClinicalTrials.gov on Nov 1, 2026 — the study team confirms."
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
    _with_trials(app, monkeypatch, fake)
    page = _results(client, wizard, CHILD)
    article = _trial_article(page, "NCT09999998")
    # a registry trial: with the trials read automatically that could not be checked
    assert article in page.find("section", aria_labelledby="group-unchecked").find_all("article")
    assert "could not check this study" in article.find("p", class_="thin").text
    assert "DISEASE CHARACTERISTICS: ..." in article.find("ul", class_="lines-unchecked").text


def test_a_curated_trial_checked_on_age_alone_is_still_to_check(app, client, wizard, monkeypatch):
    """The same demotion for a curated file that checks nothing beyond age: 'still unknown'."""
    fake = Trial(id="NCT09999993", title="Curated, age only", source="criteria-file",
                 status="RECRUITING", status_checked="2026-11-01",
                 criteria=[Criterion("age", "inclusion", "Minimum Age: 1 Year.",
                                     {"en": "Aged 1 or older."},
                                     build_node({"field": "age", "op": "age_at_least",
                                                 "value": "1 Year"}))])
    _with_trials(app, monkeypatch, fake)
    page = _results(client, wizard, CHILD)
    article = _trial_article(page, "NCT09999993")
    assert article in page.find("section", aria_labelledby="group-needs_review").find_all("article")
    assert "could not check this study" in article.find("p", class_="thin").text


def test_results_need_a_finished_wizard(client, wizard):
    """Results before the last step send the person to the first unanswered step."""
    wizard.start()
    wizard.answer("who", who="patient")
    assert client.get("/screen/results").headers["Location"].endswith("/screen/step/age")


def test_review_lists_every_answer_with_a_change_link(client, wizard, every_question):
    """The review page has a change link per answer, back to that step."""
    wizard.complete(ADULT)
    page = parse(client.get("/screen/review"))
    rows = [row for step in ADULT
            for row in page.find("section", aria_labelledby=f"review-{step}").find_all(
                "div", class_="answer-row")]
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
    assert "as it was on Nov 20, 2026" in text and "may be out of date" in text


# -- acceptance fixes: registry trials, statuses, numbers ---------------------------------

def _registry_results(client, wizard, answers, language=None):
    if language:
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
    wizard.complete(answers)
    response = client.get("/screen/results")
    assert response.status_code == 200
    return parse(response)


def _rule(spec):
    return build_node(spec)


AGE_1 = Criterion("age", "inclusion", "Minimum Age: 1 Year.", {"en": "Aged at least 1 year old."},
                  _rule({"field": "age", "op": "age_at_least", "value": "1 Year"}))
B_ALL = Criterion("dx", "inclusion", "B-cell acute lymphoblastic leukemia",
                  {"en": "Needs: B-cell ALL."},
                  _rule({"field": "diagnosis", "op": "eq", "value": "b_all"}))
UNREAD = Criterion("inc-3", "inclusion", "Newly diagnosed, previously untreated ALL",
                   {"en": "Checked by the study team."})
UNREAD_EXCLUSION = Criterion("exc-1", "exclusion", "Prior allogeneic stem cell transplant",
                             {"en": "Checked by the study team."})


def test_closed_trials_show_their_status_never_a_verdict(registry_client, registry_wizard):
    """NCT00006008 (finished) is listed as finished and not taking patients, without a verdict."""
    page = _registry_results(registry_client, registry_wizard, ADULT)
    closed = page.find("section", aria_labelledby="group-closed")
    item = closed.find("li", id="closed-NCT00006008")
    assert "Finished" in item.text and "Not taking new patients" in item.text
    for title in ("Likely eligible", "Could be an option", "Do not seem to fit",
                  "Read automatically — we could not"):
        assert title not in closed.text, title


def test_every_registry_status_has_a_plain_translated_label(app, registry_client,
                                                            registry_wizard):
    """NCT03574168 (UNKNOWN) says 'Status not known', in its own group (never with the studies
    not taking patients); no status is ever shown raw, in either language."""
    page = _registry_results(registry_client, registry_wizard, ADULT)
    item = page.find("section", aria_labelledby="group-unknown-status").find(
        "li", id="closed-NCT03574168")
    assert page.find("section", aria_labelledby="group-closed").find(
        "li", id="closed-NCT03574168") is None
    assert "Status not known" in item.text and "unknown" not in item.text
    from screener.wizard.results import status_words
    statuses = ["RECRUITING", "NOT_YET_RECRUITING", "ENROLLING_BY_INVITATION",
                "ACTIVE_NOT_RECRUITING", "SUSPENDED", "TERMINATED", "COMPLETED", "WITHDRAWN",
                "UNKNOWN", "AVAILABLE", "SOMETHING_NEW", ""]
    for language in ("en", "es"):
        with app.test_request_context(headers={"Accept-Language": language}):
            words = [status_words(s) for s in statuses]
        for status, word in zip(statuses, words, strict=True):
            assert word and "_" not in word and word != status, (status, word)
        assert len(set(words[:9])) == 9  # each known status has its own words
        assert words[-2] == words[-1] == words[8]  # anything else: "status not known"
    with app.test_request_context(headers={"Accept-Language": "es"}):
        assert status_words("UNKNOWN") == "Estado desconocido"


def test_trials_list_shows_statuses_in_words(registry_client):
    """The /trials table gives each status in words, in Spanish too."""
    text = parse(registry_client.get("/trials")).find("table").text
    assert "Status not known" in text and "active not recruiting" not in text
    registry_client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "es"
    text = parse(registry_client.get("/trials")).find("table").text
    assert "Estado desconocido" in text and "Finished" not in text


@pytest.mark.parametrize(("language", "pattern"), [("en", r"about 2,\d{3} miles"),
                                                   ("es", r"a unas 2\.?\d{3} millas")])
def test_distances_are_written_the_way_the_language_writes_numbers(
        app, client, wizard, monkeypatch, language, pattern):
    """A site about 2,500 miles away reads '2,5xx' in English and '2.5xx' (never '2,5xx') in
    Spanish."""
    far = Trial(id="NCT09999997", title="A trial far away", source="criteria-file",
                status="RECRUITING", status_checked="2026-11-01", criteria=[AGE_1],
                sites=[{"facility": "Stanford", "city": "Palo Alto", "state": "California",
                        "zip": "94305", "country": "United States"}])
    _with_trials(app, monkeypatch, far)
    page = _registry_results(client, wizard, CHILD, f"{language};q=1")
    site = _trial_article(page, "NCT09999997").find("p", class_="site").text
    assert re.search(pattern, site), site
    if language == "es":
        assert not re.search(r"\d,\d{3}", site), site


def test_registry_criteria_show_their_own_words_never_a_placeholder(registry_client,
                                                                     registry_wizard):
    """Registry trials list each unread criterion in the registry's words, marked English."""
    page = _registry_results(registry_client, registry_wizard, ADULT)
    main = page.find("main")
    assert "Checked by the study team" not in main.text
    lines = [li for ul in main.find_all("ul") if "lines" in ul.attrs.get("class", "")
             for li in ul.find_all("li")]
    verbatim = [li for li in lines if "In the study's own words:" in li.text]
    assert verbatim
    for li in verbatim:
        span = li.find("span")
        assert span.text and span.attrs.get("lang") == "en", li.text


def test_an_unread_exclusion_is_given_in_the_registry_words(app, client, wizard, monkeypatch):
    """'This study is not for people with:' is followed by the exclusion's own text, and in
    Spanish the page says the text is the registry's English, marked lang=en."""
    fake = Trial(id="NCT09999996", title="Registry trial", source="ctgov", status="RECRUITING",
                 status_checked="2026-11-01", criteria=[AGE_1, B_ALL, UNREAD_EXCLUSION])
    _with_trials(app, monkeypatch, fake)
    page = _registry_results(client, wizard, CHILD)
    team = _trial_article(page, "NCT09999996").find("ul", class_="lines-team").text
    assert team == ("This study is not for people with: In the study's own words: "
                    "Prior allogeneic stem cell transplant")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "es"
    page = parse(client.get("/screen/results"))
    item = _trial_article(page, "NCT09999996").find("ul", class_="lines-team").find("li")
    assert "en inglés" in item.text and "Checked by" not in item.text
    assert item.find("span", lang="en").text == "Prior allogeneic stem cell transplant"


def test_a_registry_trial_with_unread_inclusions_is_never_likely_eligible(
        app, client, wizard, monkeypatch):
    """An unread 'newly diagnosed' leaves the contract verdict likely_eligible, but the wizard
    lists the trial as read automatically, with the unread criterion to go through; a curated
    trial with the same criteria keeps its group."""
    registry = Trial(id="NCT09999995", title="Newly diagnosed, read by a computer",
                     source="ctgov", status="RECRUITING", status_checked="2026-11-01",
                     criteria=[AGE_1, B_ALL, UNREAD])
    curated = Trial(id="NCT09999994", title="Same criteria, read by a person",
                    source="criteria-file", status="RECRUITING", status_checked="2026-11-01",
                    criteria=[AGE_1, B_ALL, UNREAD])
    cd22 = Criterion("cd22", "inclusion", "CD22 positive", {"en": "Needs: CD22 positive."},
                     _rule({"field": "cd22", "op": "eq", "value": "positive"}))
    review = Trial(id="NCT09999992", title="Registry trial with an unknown answer",
                   source="ctgov", status="RECRUITING", status_checked="2026-11-01",
                   criteria=[AGE_1, B_ALL, cd22, UNREAD])
    _with_trials(app, monkeypatch, registry, curated, review)
    adult = dict(ADULT, tests=dict(ADULT["tests"], cd22="unknown"))
    with app.test_request_context():
        assert screen({"age": {"years": 29}, "diagnosis": "b_all"}, registry).verdict == (
            "likely_eligible")  # the contract, as the API gives it
    page = _registry_results(client, wizard, adult)
    likely = page.find("section", aria_labelledby="group-likely_eligible")
    unchecked = page.find("section", aria_labelledby="group-unchecked")
    article = _trial_article(page, "NCT09999995")
    assert article not in likely.find_all("article")
    assert article in unchecked.find_all("article")
    assert "Read automatically — we could not check everything" in unchecked.find("h2").text
    assert "go through these criteria with your care team" in unchecked.text
    todo = article.find("ul", class_="lines-unchecked")
    assert todo.text == "In the study's own words: Newly diagnosed, previously untreated ALL"
    assert todo.find("span", lang="en") is not None
    assert _trial_article(page, "NCT09999994") in likely.find_all("article")
    # a registry trial still to review lists its unread inclusions the same way
    review = _trial_article(page, "NCT09999992")
    assert review in page.find("section", aria_labelledby="group-needs_review").find_all(
        "article")
    assert "Newly diagnosed, previously untreated ALL" in review.find(
        "ul", class_="lines-unchecked").text


@pytest.mark.parametrize("answers", [CHILD, ADULT], ids=["child", "adult"])
def test_no_registry_trial_in_likely_eligible_has_an_unread_inclusion(
        registry_app, registry_client, registry_wizard, answers):
    """On the shared snapshot (UKALL14, GRAALL-2014/B, ...) a registry trial is only ever in
    'likely eligible' when each of its inclusion criteria was checked and met."""
    page = _registry_results(registry_client, registry_wizard, answers)
    likely = page.find("section", aria_labelledby="group-likely_eligible")
    shown = [a.attrs["aria-labelledby"].removeprefix("trial-")
             for a in (likely.find_all("article") if likely else [])]
    with registry_app.test_request_context():
        from screener.trials.catalog import catalog
        from screener.wizard.steps import Answers, build_profile
        raw = {s: {k: (v if isinstance(v, list) else [v]) for k, v in f.items()}
               for s, f in answers.items()}
        profile = build_profile(Answers(raw))
        for trial_id in shown:
            trial = catalog().get(trial_id)
            if trial.source == "ctgov":
                outcomes = {r.outcome for r in screen(profile, trial).criteria
                            if r.kind == "inclusion"}
                assert outcomes == {"met"}, (trial_id, outcomes)
    for trial_id in ("NCT01085617", "NCT02617004"):
        assert trial_id not in shown


def test_a_site_whose_distance_is_unknown_says_so_when_a_travel_limit_was_given(
        registry_client, registry_wizard):
    """A site abroad has no distance: the person is told to check it, not left to assume."""
    page = _registry_results(registry_client, registry_wizard, ADULT)  # ZIP 10016, 250 miles
    sites = [p for p in page.find_all("p", class_="site")]
    unknown = [p for p in sites if "could not work out how far" in p.text]
    assert unknown, "some registry trials have sites outside the United States"
    for p in unknown:
        assert "miles from your ZIP code" not in p.text
    assert any("miles from your ZIP code" in p.text for p in sites)


def test_registry_trials_are_explained_in_spanish_in_our_own_words(registry_client,
                                                                    registry_wizard):
    """In Spanish, what the screener read from the registry is said in Spanish."""
    page = _registry_results(registry_client, registry_wizard, ADULT, language="es")
    lines = [li.text for li in page.find_all("li")
             if "Este estudio es para personas con" in li.text]
    assert lines
    assert not any("solo en inglés" in text and "texto original" not in text.lower()
                   for text in lines), lines[:3]
    assert any("LLA" in text or "Edad" in text for text in lines)


@pytest.mark.parametrize(("lang", "words"), [("en", "This waiting period ends around"),
                                             ("es", "Este periodo de espera termina hacia")])
def test_a_wait_that_still_blocks_says_when_it_ends(app, lang, words):
    """Blinatumomab 1 month ago, 'none in the last 3 months': the line says when the wait ends."""
    from datetime import date, timedelta

    from flask_babel import format_date

    from screener.wizard.results import line_for

    rule = build_node({"field": "prior_therapies", "op": "received_within",
                       "value": {"therapies": ["blinatumomab"], "months": 3}})
    crit = Criterion("exc-1", "exclusion", "Blinatumomab within 3 months", rule=rule)
    trial = Trial("NCT09999999", "A study", "ctgov", [crit], status="RECRUITING")
    profile = {"prior_therapies": [{"therapy": "blinatumomab", "months_since_last_dose": 1}]}
    result = screen(profile, trial).criteria[0]
    assert result.outcome == "not_met"
    with app.test_request_context(headers={"Accept-Language": lang}):
        from flask import session
        session["lang"] = lang
        told = line_for(result, profile, lang).told
        expected = format_date(date.today() + timedelta(days=61), "MMMM y")
    assert words in told and expected in told
    long_ago = {"prior_therapies": [{"therapy": "blinatumomab", "months_since_last_dose": 4}]}
    assert screen(long_ago, trial).verdict == "likely_eligible"


def test_no_waiting_date_when_the_criterion_fails_for_another_reason(app):
    """A relapse rules out a 'newly diagnosed, untreated for 3 months' criterion: no date."""
    from screener.wizard.results import line_for

    rule = build_node({"all": [
        {"field": "disease_status", "op": "eq", "value": "newly_diagnosed"},
        {"not": {"field": "prior_therapies", "op": "received_within",
                 "value": {"therapies": ["blinatumomab"], "months": 3}}}]})
    crit = Criterion("inc-1", "inclusion", "Newly diagnosed; no blinatumomab in 3 months",
                     rule=rule)
    trial = Trial("NCT09999998", "A study", "ctgov", [crit], status="RECRUITING")
    profile = {"disease_status": "relapsed",
               "prior_therapies": [{"therapy": "blinatumomab", "months_since_last_dose": 1}]}
    result = screen(profile, trial).criteria[0]
    assert result.outcome == "not_met"
    with app.test_request_context():
        assert "waiting period" not in line_for(result, profile, "en").told
    newly = {**profile, "disease_status": "newly_diagnosed"}
    with app.test_request_context():
        assert "waiting period" in line_for(screen(newly, trial).criteria[0], newly, "en").told


@pytest.mark.parametrize(("language", "words"), [
    ("en", ["This study is not for people with: An infection that is not under control",
            "(in the part of the study for: type of ALL is one of: B-cell ALL, T-cell ALL)"]),
    ("es", ["Este estudio no es para personas con: Una infección que no está controlada",
            "(en la parte del estudio para: tipo de LLA es uno de: LLA de células B"]),
])
def test_registry_readings_reach_the_results_page_in_both_languages(
        registry_client, registry_wizard, language, words):
    """ZUMA-4 (registry only) rules out someone with an infection that is not under control,
    read from its ALL cohort's 'Presence or suspicion of ... infection that is uncontrolled',
    and says so in the family's language, with the part of the study it is for."""
    sick = {**ADULT, "health": {**ADULT["health"], "infection": "yes"}}
    page = _registry_results(registry_client, registry_wizard, sick, language)
    card = _trial_article(page, "NCT02625480").text
    for expected in words:
        assert expected in card, card[:3000]


def test_trials_list_says_an_old_status_may_have_changed_and_ages_in_words(registry_client):
    """The /trials table, like the results page, says when a status was checked long ago, and
    gives the age limits in the page's language."""
    for lang, stale, years in (("en", "may have changed", "years"),
                               ("es", "puede haber cambiado", "años")):
        registry_client.environ_base["HTTP_ACCEPT_LANGUAGE"] = lang
        rows = parse(registry_client.get("/trials")).find("tbody").find_all("tr")
        statuses = [row.find_all("td")[2].text for row in rows]
        ages = " ".join(row.find_all("td")[3].text for row in rows)
        assert any(stale in s for s in statuses)  # the recorded snapshot is years old
        assert re.search(rf"\d+ {years}", ages) and "Years" not in ages
