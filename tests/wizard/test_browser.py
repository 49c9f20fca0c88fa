"""The wizard in real headless Chromium: whole paths, keyboard only, axe-core, small screens.

Chromium is Debian's (/usr/bin/chromium, installed by ``make test`` on a fresh
machine), driven by Playwright; axe-core comes from axe-playwright-python. The
app is served on 127.0.0.1 by werkzeug from a thread, and once under gunicorn over
real HTTPS, as it is deployed.
"""

from __future__ import annotations

import importlib.util
import os
import re
import secrets
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
from browser_fixtures import OPT_OUT, PHONE, axe_api
from werkzeug.serving import make_server
from wizard_pages import ADAPTIVE, ADULT, CHILD, OPTIONAL

pytestmark = pytest.mark.browser

OPENSSL = "/usr/bin/openssl"


_AXE = None


def assert_accessible(page):
    """axe-core finds no serious or critical violation on the page."""
    global _AXE
    if _AXE is None:
        _AXE = axe_api.Axe()
    results = _AXE.run(page)
    bad = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3])
           for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not bad, (page.url, bad)


def fits_width(page) -> bool:
    """Nothing on the page is wider than the viewport (no sideways scrolling)."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def fill(page, fields: dict):
    """Answer one step with the mouse-free Playwright helpers (check/fill)."""
    for name, value in fields.items():
        if isinstance(value, list):
            for v in value:
                page.check(f"input[name='{name}'][value='{v}']")
        elif page.locator(f"input[type=radio][name='{name}']").count():
            page.check(f"input[name='{name}'][value='{value}']")
        else:
            page.fill(f"input[name='{name}']", value)


def step_on(page) -> str:
    """The name of the step page shown ("" for any other page)."""
    return page.url.rsplit("/screen/step/", 1)[-1].split("?")[0] if "/screen/step/" in (
        page.url) else ""


def shown(page, step: str, fields: dict) -> dict:
    """``fields`` less, on a page of ``OPTIONAL``, the questions it does not show (no open
    study reads them)."""
    if step not in OPTIONAL:
        return fields
    return {k: v for k, v in fields.items() if page.locator(f"input[name='{k}']").count()}


def fill_shown(page, step: str, fields: dict):
    """``fill`` the questions of ``fields`` that the page shows."""
    fill(page, shown(page, step, fields))


def submit(page, name="Continue"):
    """Press a form button and wait for the page it leads to (never the CSRF refusal)."""
    with page.expect_navigation():
        page.get_by_role("button", name=name).click()
    assert not page.get_by_role("heading", name="This page has expired").count(), page.url


def walk(page, base, answers, check_axe=False, continue_label="Continue",
         start_label="Start the questions", open_home=True):
    """Start and answer every step; return at the review page."""
    if open_home:
        page.goto(base + "/")
    if check_axe:
        assert_accessible(page)
    submit(page, start_label)
    for step, fields in answers.items():
        if step in OPTIONAL and step_on(page) != step:
            continue  # no open study reads its questions: skipped
        assert page.locator("p.progress").is_visible()
        if check_axe:
            assert_accessible(page)
        assert fits_width(page), page.url
        fill_shown(page, step, fields)
        submit(page, continue_label)
    dont_know_rest(page, check_axe, continue_label)
    assert page.url.endswith("/screen/review")


def dont_know_rest(page, check_axe=False, continue_label="Continue", answers=None):
    """Answer the adaptive questions asked after the core pages: from ``answers`` (step
    name -> fields) when given there, else "I don't know" (an empty box for a number)."""
    answers = answers or {}
    while (name := page.url.rsplit("/screen/step/", 1)[-1].split("?")[0]) in ADAPTIVE:
        if check_axe:
            assert_accessible(page)
        assert fits_width(page), page.url
        if name in answers:
            fill(page, answers[name])
        else:
            for group in page.locator("input[type=radio][value=unknown]").all():
                group.check()
        submit(page, continue_label)


def test_parent_of_newly_diagnosed_four_year_old(page, server):
    """A parent on a 375 px phone completes the wizard; every page passes axe; results print."""
    walk(page, server, CHILD, check_axe=True)
    assert page.get_by_text("How old is your child?", exact=True).is_visible()
    assert_accessible(page)
    with page.expect_navigation():
        with page.expect_navigation():
            page.get_by_role("link", name="See the results").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Studies that might fit"
    assert_accessible(page)
    assert fits_width(page)
    likely = page.locator("section.group-likely_eligible")
    assert likely.locator("h2").inner_text().startswith("Likely eligible — the study team confirms")
    assert page.locator("p.site").first.is_visible()
    # printed, it is a summary to bring to an appointment: no navigation or buttons
    page.emulate_media(media="print")
    assert not page.locator("nav.toc").is_visible()
    assert not page.locator(".actions").is_visible()
    assert page.locator("article.trial").first.is_visible()


def test_adult_in_second_relapse_after_car_t_without_javascript(browser, server):
    """With JavaScript off, the adult path works and ELIANA is ruled out by his CD19 treatments."""
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    try:
        walk(page, server, ADULT)
        with page.expect_navigation():
            page.get_by_role("link", name="See the results").click()
        felix = page.locator("article", has=page.locator("#trial-NCT04404660"))
        assert felix.locator("xpath=ancestor::section").get_attribute("class").endswith(
            "group-not_eligible")
        page.locator("section.group-not_eligible summary").first.click()  # folded group
        assert ("You told us: treatments received: multi-drug chemotherapy, blinatumomab "
                "(Blincyto)") in felix.locator("ul.lines-out").inner_text()
    finally:
        context.close()


def test_spanish_path(page, server):
    """Choosing Español on the front page gives the whole wizard and results in Spanish."""
    page.goto(server + "/")
    with page.expect_navigation():
        page.get_by_role("link", name="Español").click()
    assert page.get_attribute("html", "lang") == "es"
    walk(page, server, CHILD, check_axe=True, continue_label="Continuar",
         start_label="Empezar las preguntas", open_home=False)
    assert page.get_by_role("heading", level=1).inner_text() == "Revise sus respuestas"
    with page.expect_navigation():
        page.get_by_role("link", name="Ver los resultados").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Estudios que podrían corresponder"
    assert page.locator("section.group-likely_eligible h2").inner_text().startswith(
        "Probablemente elegible — el equipo del estudio lo confirma")
    assert_accessible(page)


def test_back_three_steps_and_change_an_answer(page, server):
    """Going back three steps with Back keeps answers; changing one re-routes the steps."""
    page.goto(server + "/")
    submit(page, "Start the questions")
    for step in ("who", "age", "diagnosis", "relapse", "treatments"):
        fill(page, ADULT[step])
        submit(page)
    on_timing = page.locator("p.progress").inner_text()  # timing
    assert re.fullmatch(r"About \d+ more pages after this one", on_timing)
    for _ in range(3):
        submit(page, "Back")
    assert page.get_by_role("heading", level=1).inner_text() == "The diagnosis"
    assert page.is_checked("input[name=status][value=relapsed]")
    page.check("input[name=status][value=refractory]")
    submit(page)
    # refractory: the relapse step too, with "never in remission" first and the answer kept
    assert page.get_by_role("heading", level=1).inner_text() == "About the relapse"
    on_relapse = page.locator("p.progress").inner_text()
    assert page.locator("input[name=relapse_count]").first.get_attribute("value") == "0"
    assert page.is_checked("input[name=relapse_count][value='2']")
    submit(page)
    # the treatments page comes back as ticked
    assert page.get_by_role("heading", level=1).inner_text() == "Treatments so far"
    on_treatments = page.locator("p.progress").inner_text()
    assert page.is_checked("input[value=blinatumomab]") and page.is_checked("input[value=chemo]")
    submit(page)
    assert page.get_by_role("heading", level=1).inner_text() == "When the treatments were"
    # relapse, treatments, timing: one page fewer left each time (the same answers apply)
    again = page.locator("p.progress").inner_text()
    left = [int(re.search(r"\d+", t).group()) for t in (on_relapse, on_treatments, again)]
    assert left[0] == left[1] + 1 == left[2] + 2, left


def test_validation_error_summary_takes_focus_and_links_to_the_field(page, server):
    """A wrong age keeps the page, focuses the error summary, whose link focuses the field."""
    page.goto(server + "/")
    submit(page, "Start the questions")
    fill(page, {"who": "patient"})
    submit(page)
    fill(page, {"years": "forty", "sex": "female"})
    submit(page)
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert page.is_checked("input[name=sex][value=female]")
    assert page.input_value("#years") == "forty"
    assert_accessible(page)
    page.locator(".error-summary a").click()
    assert page.evaluate("document.activeElement.id") == "years"


def _tab_to(page, selector: str, limit: int = 60):
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)",
                         selector):
            return
    raise AssertionError(f"Tab never reached {selector} on {page.url}")


def _keyboard_answer(page, fields: dict):
    """Answer a step with the keyboard alone: Tab, Space, arrow keys and typing."""
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.keyboard.press("Escape")
    for name, value in fields.items():
        radios = page.locator(f"input[type=radio][name='{name}']")
        if isinstance(value, list):
            for v in value:
                _tab_to(page, f"input[name='{name}'][value='{v}']")
                page.keyboard.press("Space")
        elif radios.count():
            _tab_to(page, f"input[type=radio][name='{name}']")
            values = [radios.nth(i).get_attribute("value") for i in range(radios.count())]
            for _ in range(values.index(value)):
                page.keyboard.press("ArrowDown")
            if values.index(value) == 0:
                page.keyboard.press("Space")
        else:
            _tab_to(page, f"input[name='{name}']")
            page.keyboard.type(value)
    _tab_to(page, "button[value=next]")
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_keyboard_only_completion(page, server):
    """The whole wizard, review and results are reachable with the keyboard alone."""
    page.goto(server + "/")
    _tab_to(page, "button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    for step, fields in ADULT.items():
        if step in OPTIONAL and step_on(page) != step:
            continue  # no open study reads its questions: skipped
        _keyboard_answer(page, shown(page, step, fields))
        assert page.locator(".error-summary").count() == 0, step
    # then the adaptive questions, each answered "I don't know" (or a number left empty)
    while (name := page.url.rsplit("/screen/step/", 1)[-1]) in ADAPTIVE:
        radios = page.locator("input[type=radio]")
        _keyboard_answer(page, {radios.first.get_attribute("name"): "unknown"}
                         if radios.count() else {})
        assert page.locator(".error-summary").count() == 0, name
    assert page.url.endswith("/screen/review")
    _tab_to(page, "a.button.primary")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url.endswith("/screen/results")
    assert page.get_by_role("heading", level=1).inner_text() == "Studies that might fit"


@pytest.mark.parametrize("width", [320, 375])
def test_small_screens_do_not_scroll_sideways(browser, server, width):
    """Steps, review and results fit a 320 px and a 375 px screen."""
    context = browser.new_context(viewport={"width": width, "height": 640})
    page = context.new_page()
    try:
        walk(page, server, CHILD)
        assert fits_width(page)
        with page.expect_navigation():
            page.get_by_role("link", name="See the results").click()
        assert fits_width(page)
    finally:
        context.close()


@pytest.fixture(scope="session")
def registry_server(registry_app):
    """The app with the 96 shared registry studies, on its own loopback port."""
    srv = make_server("127.0.0.1", 0, registry_app, threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_port}"
    srv.shutdown()
    thread.join(timeout=5)


@pytest.mark.parametrize("language", ["en", "es"])
def test_registry_results_are_accessible(browser, registry_server, language):
    """With registry trials (the 'read automatically' group, criteria in the registry's English,
    closed studies opened), the results pass axe in English and Spanish and fit a phone."""
    context = browser.new_context(viewport=PHONE, locale="es-MX" if language == "es" else "en-US")
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        page.goto(registry_server + "/")
        labels = {"en": ("Start the questions", "Continue"),
                  "es": ("Empezar las preguntas", "Continuar")}[language]
        walk(page, registry_server, ADULT, continue_label=labels[1], start_label=labels[0],
             open_home=False)
        page.goto(registry_server + "/screen/results")
        assert page.locator("section.group-unchecked article").count() >= 1
        assert page.locator("ul.lines-unchecked span[lang=en]").count() >= 1
        page.locator("section.group-closed summary").click()
        assert page.locator("#closed-NCT00006008").is_visible()
        assert_accessible(page)
        assert fits_width(page)
    finally:
        context.close()


def test_an_answer_made_invalid_by_a_change_says_why_with_focus(page, server):
    """Age 29 -> 25 from review with age at diagnosis 27: the diagnosis page's error summary
    takes focus, says why, links to the field, and passes axe."""
    answers = dict(ADULT, diagnosis=dict(ADULT["diagnosis"], age_at_diagnosis="27"))
    walk(page, server, answers)
    with page.expect_navigation():
        page.locator("a[href^='/screen/step/age?from=review']").first.click()
    page.fill("#years", "25")
    submit(page)
    assert page.get_by_role("heading", level=1).inner_text() == "The diagnosis"
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert "no longer fits the age you gave" in page.locator(".error-summary").inner_text()
    assert_accessible(page)
    page.locator(".error-summary a").click()
    assert page.evaluate("document.activeElement.id") == "age_at_diagnosis"


def test_primary_refractory_and_a_refused_no_treatment_yet(page, server):
    """Refractory: the relapse page offers "It never went away" first and passes axe; with it
    the other two questions may be left. "No treatment yet" is then refused on the treatments
    page, whose error summary takes focus and passes axe."""
    page.goto(server + "/")
    submit(page, "Start the questions")
    for step in ("who", "age"):
        fill(page, ADULT[step])
        submit(page)
    fill(page, dict(ADULT["diagnosis"], status="refractory"))
    submit(page)
    assert page.get_by_role("heading", level=1).inner_text() == "About the relapse"
    assert page.get_by_text("It never went away (never in remission)").is_visible()
    assert_accessible(page)
    fill(page, {"relapse_count": "0"})
    submit(page)
    assert page.get_by_role("heading", level=1).inner_text() == "Treatments so far"
    fill(page, {"treatments": ["none"]})
    submit(page)
    assert page.get_by_role("heading", level=1).inner_text() == "Treatments so far"
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert "so it has been treated" in page.locator(".error-summary").inner_text()
    assert page.is_checked("input[value=none]")
    assert_accessible(page)


def _wizard_load():
    """bench/wizard_load.py, whose gunicorn helpers serve the app in the HTTPS test."""
    path = Path(__file__).resolve().parents[2] / "bench" / "wizard_load.py"
    spec = importlib.util.spec_from_file_location("wizard_load", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def https_server(tmp_path_factory):
    """The real app under gunicorn (2 workers) over real HTTPS with SCREENER_HTTPS=1, as it is
    deployed: a throw-away self-signed certificate, a temporary SQLite database."""
    if not shutil.which(OPENSSL):
        pytest.fail(f"{OPENSSL} is missing; {OPT_OUT}", pytrace=False)
    load = _wizard_load()
    tmp = tmp_path_factory.mktemp("https")
    cert, key = tmp / "cert.pem", tmp / "key.pem"
    subprocess.run([OPENSSL, "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True, timeout=60)
    env = dict(os.environ, SCREENER_HTTPS="1", SCREENER_RATE_LIMITS="0",
               SECRET_KEY=secrets.token_hex(32), DATABASE_URL=f"sqlite:///{tmp / 'https.db'}")
    port = load.free_port()
    proc = load.start_gunicorn("screener:create_app()", port, 2, load.ROOT, env,
                               extra_args=("--certfile", str(cert), "--keyfile", str(key)),
                               tls=True)
    yield f"https://127.0.0.1:{port}"
    load.stop(proc)


def test_wizard_over_https_reaches_the_results(browser, https_server):
    """Over real HTTPS (strict CSRF wants a same-origin Referer) a parent answers every step and
    sees the results: no page says it has expired."""
    context = browser.new_context(viewport=PHONE, locale="en-US", ignore_https_errors=True)
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        walk(page, https_server, CHILD)
        with page.expect_navigation():
            page.get_by_role("link", name="See the results").click()
        assert page.url == https_server + "/screen/results"
        assert page.get_by_role("heading", level=1).inner_text() == "Studies that might fit"
        assert page.locator("section.group-likely_eligible article").count() >= 1
    finally:
        context.close()
