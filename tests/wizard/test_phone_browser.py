"""A phone in real Chromium (issue 9): every control is big enough for a thumb, and the list
of trials reads down the screen, in English and Spanish.

Served as in test_browser.py (the app from a thread, Debian's Chromium); 390 x 844 is a
common phone's viewport.
"""

from __future__ import annotations

import pytest
from test_browser import assert_accessible, fits_width, registry_server, submit  # noqa: F401
from wizard_pages import CHILD

from screener.trials.catalog import catalog

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
LOCALE = {"en": "en-US", "es": "es-MX"}

#: Every control a thumb might aim at, and how tall/wide it is where it is displayed.
#: A radio or checkbox counts with its label: the label row is what a person taps.
TARGETS = """() => [...document.querySelectorAll(
    'main a, main button, main summary, main .choice label, main input[type=text], ' +
    'nav.lang a, nav.lang span')]
  .filter(el => el.getClientRects().length && !el.closest('.visually-hidden'))
  .map(el => { const r = el.getBoundingClientRect();
               return [el.tagName + ' ' + (el.innerText || '').trim().slice(0, 40),
                       Math.round(r.width), Math.round(r.height)]; })"""

#: Per choice: (label covers its input's box, label height).
CHOICES = """() => [...document.querySelectorAll('.choice')].map(c => {
  const i = c.querySelector('input').getBoundingClientRect();
  const l = c.querySelector('label').getBoundingClientRect();
  return [l.left <= i.left && l.right >= i.right && l.top <= i.top && l.bottom >= i.bottom,
          Math.round(l.height)]; })"""


def _small(tab) -> list:
    return [t for t in tab.evaluate(TARGETS) if t[1] < 44 or t[2] < 44]


@pytest.fixture(params=["en", "es"])
def phone(request, browser):
    context = browser.new_context(viewport=PHONE, locale=LOCALE[request.param])
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    tab.lang = request.param
    yield tab
    context.close()


def test_every_control_on_the_way_to_the_results_is_44_px(phone, server):
    """A parent on a phone can tap every choice (its label spans its box), link, button and
    fold of the question pages, the review and the results: none is under 44 x 44 px."""
    phone.goto(server + "/")
    assert not _small(phone), phone.url
    start, go = {"en": ("Start the questions", "Continue"),
                 "es": ("Empezar las preguntas", "Continuar")}[phone.lang]
    submit(phone, start)
    while "/screen/step/" in phone.url:
        step = phone.url.rsplit("/", 1)[-1]
        assert not _small(phone), phone.url
        choices = phone.evaluate(CHOICES)
        assert all(covers and height >= 44 for covers, height in choices), (step, choices)
        for name, value in CHILD.get(step, {}).items():
            for v in value if isinstance(value, list) else [value]:
                box = phone.locator(f"input[name='{name}'][value='{v}']")
                if box.count():  # click the label's far end, as a thumb might
                    label = phone.locator(f"label[for='{box.get_attribute('id')}']")
                    label.click(position={"x": label.bounding_box()["width"] - 5, "y": 5})
                    assert box.is_checked(), (step, name, v)
                elif phone.locator(f"input[name='{name}']").count():
                    phone.fill(f"input[name='{name}']", v)
        for group in phone.locator("input[type=radio][value=unknown]").all():
            if not phone.locator(f"input[name='{group.get_attribute('name')}']:checked").count():
                group.check()
        submit(phone, go)
    assert phone.url.endswith("/screen/review")
    assert not _small(phone), phone.url
    phone.goto(server + "/screen/results")
    assert not _small(phone), phone.url


@pytest.mark.parametrize("lang", ["en", "es"])
@pytest.mark.parametrize("trials", ["curated", "registry"])
def test_trials_list_reads_down_a_phone_with_every_status_shown(request, browser, lang, trials):
    """At 390 px /trials (the curated trials; with the 96 registry studies too) does not
    scroll sideways, each trial is a card whose status is on screen in full, every link is a
    44 px target, and axe finds nothing serious; on a wide screen and on paper it is one
    table with its status column."""
    server = request.getfixturevalue("server" if trials == "curated" else "registry_server")
    app = request.getfixturevalue("app" if trials == "curated" else "registry_app")
    context = browser.new_context(viewport=PHONE, locale=LOCALE[lang])
    tab = context.new_page()
    tab.set_default_timeout(20_000)
    try:
        tab.goto(server + "/trials")
        assert fits_width(tab)
        with app.app_context():
            ids = sorted(t.id for t in catalog().all())
        cards = tab.locator("li.trial-card")
        assert sorted(cards.locator("h3").all_inner_texts()) == ids
        # each status: displayed, at least 150 px wide, inside the screen, not empty
        statuses = tab.evaluate("""[...document.querySelectorAll('li.trial-card dd.status')]
            .map(d => { const r = d.getBoundingClientRect();
                        return [r.width, r.left, r.right, d.innerText.trim()]; })""")
        assert len(statuses) == len(ids)
        bad = [s for s in statuses
               if s[0] < 150 or s[1] < 0 or s[2] > PHONE["width"] or not s[3]]
        assert not bad, bad
        assert not tab.locator("table").is_visible()
        assert not _small(tab)
        assert_accessible(tab)
        tab.set_viewport_size({"width": 1024, "height": 800})
        assert tab.locator("table").is_visible() and not cards.first.is_visible()
        assert tab.locator("td.status").count() == len(ids)
        assert_accessible(tab)
        tab.set_viewport_size(PHONE)
        tab.emulate_media(media="print")
        assert tab.locator("table").is_visible() and not cards.first.is_visible()
    finally:
        context.close()
