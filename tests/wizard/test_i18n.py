"""English and Spanish: Accept-Language, the visible switch, complete catalogues."""

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from wizard_pages import CHILD, parse

from screener.config import BUNDLED_CRITERIA
from screener.eligibility import load_dir

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "screener" / "translations" / "es" / "LC_MESSAGES"


def _spanish(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "es-MX,es;q=0.9,en;q=0.5"
    return client


def test_accept_language_picks_spanish(client):
    """A browser asking for Spanish gets the welcome page in Spanish, marked lang=es."""
    page = parse(_spanish(client).get("/"))
    assert page.h1 == "¿Podría un ensayo clínico ser una opción?"
    assert page.find("html").attrs["lang"] == "es"


def test_english_is_the_default(client):
    """Without a preference the pages are in English."""
    page = parse(client.get("/"))
    assert page.h1 == "Could a clinical trial be an option?"
    assert page.find("html").attrs["lang"] == "en"


def test_visible_switch_changes_language_and_returns_to_the_page(client, wizard):
    """The switch link on a step page turns the site to Spanish and comes back to that step."""
    wizard.start()
    page = parse(client.get("/screen/step/who"))
    link = page.find("nav", class_="lang").find("a", hreflang="es")
    response = client.get(link.attrs["href"])
    assert response.headers["Location"] == "/screen/step/who"
    page = parse(client.get("/screen/step/who"))
    assert page.find("legend").text == "¿Quién está llenando este formulario?"
    assert page.find("p", class_="progress").text.startswith("Quedan aproximadamente")


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "javascript:x"])
def test_switch_never_redirects_off_site(client, target):
    """The switch's 'next' only goes to a path on this site."""
    response = client.get("/language/es", query_string={"next": target})
    assert response.headers["Location"] == "/"


def test_spanish_results_use_the_criteria_files_spanish(client, wizard):
    """Spanish results show group titles and criterion sentences in Spanish."""
    wizard.complete(CHILD)
    page = parse(_spanish(client).get("/screen/results"))
    text = page.find("main").text
    assert "Probablemente elegible — el equipo del estudio lo confirma" in text
    assert "Lo que coincide con sus respuestas" in text
    for match in re.finditer(r"elegib", text, flags=re.IGNORECASE):
        assert text[max(0, match.start() - 14):match.start() + 50].startswith(
            "Probablemente elegible — el equipo del estudio lo confirma")
    # every criterion line says the criteria file's Spanish sentence, read here from the files
    spanish = {t.id: {c.plain["es"].strip() for c in t.criteria} for t in load_dir(BUNDLED_CRITERIA)}
    said = 0
    for article in page.find("main").find_all("article"):
        trial_id = article.attrs["aria-labelledby"].removeprefix("trial-")
        for ul in article.find_all("ul", class_="lines"):
            for li in ul.find_all("li"):
                span = li.find("span")
                assert span.text in spanish[trial_id], (trial_id, li.text)
                assert "lang" not in span.attrs, (trial_id, li.text)
                said += 1
    assert said >= 20  # most trials explain several criteria


def test_every_wizard_string_has_a_spanish_translation():
    """Every string marked for translation in the wizard's code and templates is in the .po."""
    with (CATALOGUE / "messages.po").open("rb") as fh:
        catalog = read_po(fh)
    method_map = [("screener/wizard/**.py", "python"), ("screener/i18n.py", "python"),
                  ("templates/wizard/**.html", "jinja2"), ("templates/_*.html", "jinja2"),
                  ("templates/base.html", "jinja2")]
    untranslated = []
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, keywords={"_": None, "_l": None, "gettext": None}):
        msgid = message if isinstance(message, str) else message[0]
        entry = catalog.get(msgid)
        if entry is None or not entry.string:
            untranslated.append(msgid)
    assert untranslated == []


def test_compiled_catalogue_matches_the_po_file():
    """The committed messages.mo holds exactly the translations of messages.po."""
    with (CATALOGUE / "messages.po").open("rb") as fh:
        po = read_po(fh)
    with (CATALOGUE / "messages.mo").open("rb") as fh:
        mo = read_mo(fh)
    def key(value):  # a plural message is a list or tuple of forms
        return tuple(value) if isinstance(value, list | tuple) else value

    assert {key(m.id): key(m.string) for m in po if m.id and m.string and not m.fuzzy} == {
        key(m.id): key(m.string) for m in mo if m.id}


def test_every_curated_criterion_sentence_has_spanish():
    """Each plain-language criterion sentence and trial summary has its Spanish."""
    missing = []
    for trial in load_dir(BUNDLED_CRITERIA):
        if trial.summary.get("en") and not trial.summary.get("es"):
            missing.append(f"{trial.id} summary")
        missing += [f"{trial.id} {c.id}" for c in trial.criteria
                    if c.plain.get("en") and not c.plain.get("es")]
    assert missing == []


@pytest.mark.parametrize(("accept", "expected"), [
    ("en", "The questions do not ask for your name. Your answers are deleted after &lt;b&gt; "
           "hours without activity. 100%"),
    ("es", "Las preguntas no piden su nombre. Sus respuestas se borran después de &lt;b&gt; "
           "horas sin actividad. 100%"),
])
def test_template_translations_escape_their_variables(app, accept, expected):
    """_() in a template translates, escapes what it is given and reads %% as %, as Jinja does."""
    template = app.jinja_env.from_string(
        "{{ _('The questions do not ask for your name. Your answers are deleted after "
        "%(hours)s hours without activity.', hours='<b>') }} {{ _('100%%') }}")
    with app.test_request_context("/", headers={"Accept-Language": accept}):
        assert template.render() == expected


def _spanish_words(msgids) -> list[str]:
    with (CATALOGUE / "messages.po").open("rb") as fh:
        catalog = read_po(fh)
    return [catalog.get(m).string for m in msgids]


def test_spanish_daily_life_answers_fit_a_girl_and_a_woman(client, wizard, every_question):
    """A Spanish-speaking parent of a girl reads no answer about her in the masculine
    ('Activo', 'limitado', 'dormido'...), nor does a woman about herself ('levantado',
    'cuidarse solo'): each answer is worded for anyone."""
    masculine = re.compile(r"\b(activo|limitado|levantado|vestido|acostado|dormido|tranquilo|"
                           r"solo, pero)\b", re.IGNORECASE)
    _spanish(client)
    for who, years in (("parent", "4"), ("patient", "35")):
        answers = dict(CHILD, who={"who": who}, age={"years": years, "sex": "female"},
                       diagnosis=dict(CHILD["diagnosis"], age_at_diagnosis=years))
        wizard.start()
        for step in ("who", "age", "diagnosis", "treatments", "tests", "health"):
            wizard.answer(step, **answers[step], pregnant="no")
        assert wizard.pending() == "daily", wizard.pending()
        page = parse(client.get("/screen/step/daily"))
        labels = [el.text for el in page.find_all("label")
                  if el.attrs.get("for", "").startswith("activity-")]
        assert len(labels) == 6, labels
        assert not [label for label in labels if masculine.search(label)], (years, labels)


def test_spanish_names_mrd_one_way():
    """Measurable residual disease is 'EMR' on every Spanish page, never also 'ERM'."""
    with (CATALOGUE / "messages.po").open("rb") as fh:
        said = " ".join(str(m.string) for m in read_po(fh) if m.string)
    assert "EMR" in said and not re.search(r"\bERM\b", said)


def test_spanish_who_choices_fit_a_woman():
    """'Who is filling in this form?' does not word the answers for a man only."""
    words = _spanish_words(["I am the patient", "I am a parent or guardian of the patient",
                            "I am a caregiver, relative or friend of the patient"])
    assert words[0] == "Soy el/la paciente"
    assert "tutor/a" in words[1] and "cuidador/a" in words[2] and "amigo/a" in words[2]


def test_every_spanish_entry_is_still_used():
    """Each msgid of messages.po is still said by the code or a template: a sentence the app
    no longer says ('Not the case, as the study requires: ...') does not linger."""
    with (CATALOGUE / "messages.po").open("rb") as fh:
        catalog = read_po(fh)
    method_map = [("screener/**.py", "python"), ("templates/**.html", "jinja2")]
    keywords = {"_": None, "_l": None, "gettext": None, "lazy_gettext": None, "N_": None,
                "ngettext": (1, 2), "ungettext": (1, 2), "P_": ((1, "c"), 2)}
    used = set()
    for _file, _line, message, _comments, context in extract_from_dir(
            str(ROOT), method_map, keywords=keywords):
        used.add((context, message if isinstance(message, str) else message[0]))
    stale = [m.id for m in catalog if m.id and (
        m.context, m.id if isinstance(m.id, str) else m.id[0]) not in used]
    assert stale == [] and not catalog.obsolete, (stale, list(catalog.obsolete))
