"""The adaptive questions in real Chromium: walks that reach the right group, the counter,
"show my results now", the keyboard, and axe-core on every question page in both languages.

The fixtures (``server``, ``browser``, ``page``) are browser_fixtures.py's, the helpers
test_browser.py's.
"""

from __future__ import annotations

import re

import pytest
from test_browser import PHONE, assert_accessible, fill, fill_shown, fits_width
from wizard_pages import ADAPTIVE, OPTIONAL, study_reading

from screener.eligibility import Criterion, Trial
from screener.eligibility.rules import build_node
from screener.trials.catalog import TrialCatalog

pytestmark = pytest.mark.browser


def press(page, action: str = "next"):
    """Press the step's Continue / Back / "show my results now" button (any language)."""
    with page.expect_navigation():
        page.click(f"button[name=action][value={action}]")
    assert page.locator("h1").count() and "expired" not in page.locator("h1").inner_text()


def step_name(page) -> str:
    return page.url.rsplit("/screen/step/", 1)[-1].split("?")[0] if "/screen/step/" in (
        page.url) else ""


def pages_left(page) -> int:
    """The counter as a number (0 on the last page of questions), in either language."""
    text = page.locator("p.progress").inner_text()
    found = re.search(r"\d+", text)
    return int(found.group()) if found else 0


def walk_core(page, base: str, answers: dict, spanish: bool = False):
    """From the front page through the core pages; returns the counters seen."""
    page.goto(base + "/")
    if spanish and page.get_attribute("html", "lang") != "es":
        with page.expect_navigation():
            page.get_by_role("link", name="Español").click()
    with page.expect_navigation():
        page.click("form[action='/screen/start'] button")
    left = []
    for name, fields in answers.items():
        if name in OPTIONAL and step_name(page) != name:
            continue  # no open study reads its questions: skipped
        assert step_name(page) == name, page.url
        left.append(pages_left(page))
        fill_shown(page, name, fields)
        press(page)
    return left


def walk_questions(page, answers: dict, check_axe: bool = False):
    """Answer the adaptive questions asked: from ``answers``, else "I don't know".
    Returns (names asked, counters seen)."""
    asked, left = [], []
    while (name := step_name(page)) in ADAPTIVE:
        asked.append(name)
        left.append(pages_left(page))
        assert page.locator("p.why").inner_text()  # one line: why we ask
        if check_axe:
            assert_accessible(page)
            assert fits_width(page), page.url
        if name in answers:
            fill(page, answers[name])
        else:
            for radio in page.locator("input[type=radio][value=unknown]").all():
                radio.check()
        press(page)
    return asked, left


def open_results(page):
    """From the review page to the results."""
    assert page.url.endswith("/screen/review"), page.url
    with page.expect_navigation():
        page.click("a.button.primary[href$='/screen/results']")
    assert page.url.endswith("/screen/results")


def group_of(page, trial_id: str) -> str:
    """The verdict group (section class) a trial's card is in."""
    card = page.locator("section.group article", has=page.locator(f"#trial-{trial_id}"))
    classes = card.locator("xpath=ancestor::section[1]").get_attribute("class").split()
    return next(c.removeprefix("group-") for c in classes if c.startswith("group-"))


#: An adult with T-cell ALL, newly diagnosed, no treatment yet.
T_CELL_ADULT = {
    "who": {"who": "patient"},
    "age": {"years": "30", "sex": "male"},
    "diagnosis": {"diagnosis": "t_all", "status": "newly_diagnosed", "age_at_diagnosis": "30"},
    "treatments": {"treatments": ["none"]},
    "tests": {"philadelphia": "negative", "mrd": "unknown", "in_remission": "unknown",
              "cns_at_diagnosis": "cns1"},
    "health": {"down_syndrome": "no", "hiv": "no", "hepatitis_b": "no", "hepatitis_c": "no",
               "infection": "no"},
    "daily": {"activity": "0"},
    "location": {"zip": ""},
}


def test_an_etp_patient_reaches_likely_eligible_for_the_etp_study(page, server):
    """The ETP question is asked for T-cell ALL; "yes" puts the ETP-ALL study (NCT03553238)
    among the likely eligible. The counter only goes down and ends on the last page."""
    left = walk_core(page, server, T_CELL_ADULT)
    asked, more = walk_questions(page, {"etp": {"answer": "yes"}}, check_axe=True)
    assert asked[0] == "etp"
    left += more
    assert all(b <= a for a, b in zip(left, left[1:], strict=False)), left  # never grows
    assert all(b < a for a, b in zip(more, more[1:], strict=False)), more
    assert left[-1] == 0
    open_results(page)
    assert group_of(page, "NCT03553238") == "likely_eligible"


def test_without_the_etp_answer_the_etp_study_stays_open(page, server):
    """The same patient answering "I don't know": the study could still be an option."""
    walk_core(page, server, T_CELL_ADULT)
    walk_questions(page, {})
    open_results(page)
    assert group_of(page, "NCT03553238") == "needs_review"


#: An adult with B-cell ALL in first remission, MRD positive (Spanish-speaking).
MRD_ADULT = {
    "who": {"who": "patient"},
    "age": {"years": "40", "sex": "female"},
    "diagnosis": {"diagnosis": "b_all", "status": "newly_diagnosed", "age_at_diagnosis": "40"},
    "treatments": {"treatments": ["chemo", "steroids", "asparaginase", "anthracycline",
                                  "intrathecal"]},
    "timing": {"months_chemo": "0", "months_steroids": "0", "months_asparaginase": "1",
               "months_anthracycline": "1", "months_intrathecal": "0"},
    "tests": {"philadelphia": "negative", "cd19": "positive", "cd22": "unknown",
              "mrd": "positive", "in_remission": "yes", "cns_at_diagnosis": "cns1"},
    "health": {"down_syndrome": "no", "pregnant": "no", "hiv": "no", "hepatitis_b": "no",
               "hepatitis_c": "no", "infection": "no"},
    "daily": {"activity": "1"},
    "location": {"zip": ""},
}


@pytest.mark.parametrize(("level", "group"), [("0,05", "likely_eligible"),
                                              ("0,005", "not_eligible")])
def test_an_mrd_level_decides_the_mrd_study_in_spanish(browser, server, level, group):
    """In Spanish, the MRD level (a percentage with a decimal comma) is asked and decides
    NCT03441061 (MRD of at least 0.01% in remission): 0.05% fits, 0.005% does not."""
    context = browser.new_context(viewport=PHONE, locale="es-MX")
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        walk_core(page, server, MRD_ADULT, spanish=True)
        assert page.get_attribute("html", "lang") == "es"
        asked, _left = walk_questions(page, {"mrd_level": {"answer": level}},
                                      check_axe=group == "likely_eligible")
        assert "mrd_level" in asked
        open_results(page)
        assert group_of(page, "NCT03441061") == group
    finally:
        context.close()


def test_a_recent_antibody_rules_out_by_keyboard_and_results_now(page, server):
    """Daratumumab two months ago (ticked on the treatments page, timed on the timing page)
    rules out NCT02619630, which asks for no such treatment in the last 6 months. The
    person stops at the first question with "show my results now", by keyboard."""
    answers = dict(T_CELL_ADULT)
    answers["treatments"] = {"treatments": ["steroids", "daratumumab"]}
    answers = {**{k: answers[k] for k in ("who", "age", "diagnosis", "treatments")},
               "timing": {"months_steroids": "0", "months_daratumumab": "2"},
               **{k: answers[k] for k in ("tests", "health", "daily", "location")}}
    walk_core(page, server, answers)
    assert step_name(page) in ADAPTIVE
    page.focus("button[value=results]")
    assert page.evaluate("document.activeElement.textContent") == "Show my results now"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/screen/results")
    assert group_of(page, "NCT02619630") == "not_eligible"


def test_recent_antibody_timing_decides_it(page, server):
    """The same treatment nine months ago leaves NCT02619630 open to the patient."""
    answers = {**{k: T_CELL_ADULT[k] for k in ("who", "age", "diagnosis")},
               "treatments": {"treatments": ["steroids", "daratumumab"]},
               "timing": {"months_steroids": "0", "months_daratumumab": "9"},
               **{k: T_CELL_ADULT[k] for k in ("tests", "health", "daily", "location")}}
    walk_core(page, server, answers)
    walk_questions(page, {"blasts": {"answer": "60"}, "etp": {"answer": "no"}})
    open_results(page)
    assert group_of(page, "NCT02619630") != "not_eligible"


# ------------------------------------------------- every question page, both languages
def _reads(trial_id: str, rule: dict) -> Trial:
    return Trial(id=trial_id, title=f"Study {trial_id}", source="criteria-file",
                 status="RECRUITING", status_checked="2026-11-01",
                 criteria=[Criterion("c", "inclusion", "text", {"en": "Plain.", "es": "Llano."},
                                     build_node(rule))])


#: One study per adaptive question, each open for the patient below until it is answered.
EVERY_QUESTION = [_reads(f"NCT0980{i:04d}", rule) for i, rule in enumerate([
    {"field": "early_t_precursor", "op": "is", "value": True},
    {"field": "marrow_blasts_percent", "op": "lt", "value": 5},
    {"field": "mrd.level", "op": "lt", "value": 0.0001},
    {"field": "prior_therapies", "op": "received_with_outcome",
     "value": {"therapies": ["dasatinib"], "outcomes": ["refractory"]}},
    {"field": "seizure_disorder", "op": "is", "value": False},
    {"field": "active_gvhd", "op": "is", "value": False},
    {"field": "performance_status", "op": "performance_at_least",
     "value": {"scale": "karnofsky", "score": 80}},
    {"field": "wbc_at_diagnosis_per_ul", "op": "lt", "value": 50000},
    {"field": "age", "op": "age_at_most", "value": "366 Months"},
    *({"field": f"genetics.{g}", "op": "is", "value": False} for g in (
        "kmt2a_rearranged", "ph_like", "etv6_runx1", "high_hyperdiploid", "hypodiploid",
        "iamp21", "tcf3_pbx1", "abl1_t315i")),
])]
#: T-cell ALL after dasatinib and a donor transplant, Ph and MRD unknown, ECOG 1.
EVERY_QUESTION_PATIENT = {
    "who": {"who": "patient"},
    "age": {"years": "30", "sex": "male"},
    "diagnosis": {"diagnosis": "t_all", "status": "relapsed", "age_at_diagnosis": "28"},
    "relapse": {"relapse_count": "1", "first_remission_months": "14", "extramedullary": "no"},
    "treatments": {"treatments": ["dasatinib", "allo"]},
    "timing": {"months_dasatinib": "3", "months_allo": "8"},
    "tests": {"philadelphia": "unknown", "mrd": "unknown", "in_remission": "no",
              "cns": "cns1"},
    "health": {"down_syndrome": "no", "hiv": "no", "hepatitis_b": "no", "hepatitis_c": "no",
               "infection": "no"},
    "daily": {"activity": "1"},
    "location": {"zip": ""},
}


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_question_page_is_accessible(browser, app, server, monkeypatch, language):
    """With a study open on every adaptive question, each is asked once (17 pages), each
    passes axe-core and fits a phone, in English and in Spanish."""
    monkeypatch.setitem(app.extensions, "screener.catalog", TrialCatalog(EVERY_QUESTION))
    context = browser.new_context(viewport=PHONE,
                                  locale="es-MX" if language == "es" else "en-US")
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        walk_core(page, server, EVERY_QUESTION_PATIENT, spanish=language == "es")
        asked, left = walk_questions(page, {}, check_axe=True)
        assert sorted(asked) == sorted(ADAPTIVE)
        assert all(b < a for a, b in zip(left, left[1:], strict=False)), left
        assert left[-1] == 0
        assert page.url.endswith("/screen/review")
        assert_accessible(page)  # the review page with every question on it
    finally:
        context.close()


# ------------------------------------------- core pages ask only what an open study reads
#: A parent of a newly diagnosed 6-year-old with B-cell ALL, up to the tests page.
CHILD_START = {
    "who": {"who": "parent"},
    "age": {"years": "6", "sex": "female"},
    "diagnosis": {"diagnosis": "b_all", "status": "newly_diagnosed", "age_at_diagnosis": "6"},
    "treatments": {"treatments": ["none"]},
}


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_patient_is_not_asked_what_no_open_study_reads(browser, app, server, monkeypatch,
                                                        language):
    """The open studies read the Philadelphia chromosome and daily life; a third reads CD19
    but only for T-cell ALL (ruled out by the diagnosis). The tests page asks about Ph alone
    (with "I don't know"), the health page is never shown, and the review lists only what
    was asked; every page passes axe-core, in English and in Spanish."""
    monkeypatch.setitem(app.extensions, "screener.catalog", TrialCatalog([
        study_reading({"field": "philadelphia_chromosome", "op": "eq", "value": "negative"},
                      {"field": "performance_status", "op": "performance_at_most",
                       "value": {"scale": "ecog", "score": 2}}, trial_id="NCT09700001"),
        study_reading({"field": "cd19", "op": "eq", "value": "positive"},
                      trial_id="NCT09700002",
                      requires=({"field": "diagnosis", "op": "eq", "value": "t_all"},)),
    ]))
    context = browser.new_context(viewport=PHONE,
                                  locale="es-MX" if language == "es" else "en-US")
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        walk_core(page, server, CHILD_START, spanish=language == "es")
        assert step_name(page) == "tests"
        assert_accessible(page)
        names = {n for n in page.locator("form input[type=radio], form input[type=text]")
                 .evaluate_all("els => els.map(e => e.name)")}
        assert names == {"philadelphia"}
        assert page.locator("fieldset").count() == 1
        assert page.locator("input[name=philadelphia][value=unknown]").is_visible()
        page.check("input[name=philadelphia][value=unknown]")
        press(page)
        assert step_name(page) == "daily"  # no open study reads a health question
        assert_accessible(page)
        fill(page, {"activity": "0"})
        press(page)
        fill(page, {"zip": ""})
        press(page)
        assert page.url.endswith("/screen/review")
        sections = page.locator("section.review-section").evaluate_all(
            "els => els.map(e => e.getAttribute('aria-labelledby'))")
        assert "review-health" not in sections
        assert page.locator("section[aria-labelledby=review-tests] .answer-row").count() == 1
        assert_accessible(page)
    finally:
        context.close()
