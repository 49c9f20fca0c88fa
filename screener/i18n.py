"""Languages of the patient-facing pages: English and Spanish (Flask-Babel).

The language is the one the person picked with the visible switch (kept in the
session: a language code is not health data), else the best match for the
browser's Accept-Language, else English. Catalogues live in
screener/translations/<lang>/LC_MESSAGES/messages.po (with the compiled .mo
beside it; ``make translations`` / ``pybabel compile -d screener/translations``
rebuilds it, and tests/wizard/test_i18n.py fails when it is stale).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, Flask, redirect, request, session
from flask.globals import _cv_request  # Flask's own request-context variable (Flask >= 2.3)
from flask_babel import Babel, get_locale, get_translations
from flask_babel.speaklater import LazyString
from jinja2 import pass_eval_context
from markupsafe import Markup

LANGUAGES = {"en": "English", "es": "Español"}
DEFAULT = "en"

babel = Babel()
bp = Blueprint("i18n", __name__)


def select_locale() -> str:
    """The language for this request: the switch, then Accept-Language, then English."""
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(list(LANGUAGES)) or DEFAULT


def translations():
    """This request's catalogue, looked up once per request.

    Flask-Babel's own gettext walks several context lookups per call, and even
    ``g`` costs two proxy lookups; a results page makes hundreds of calls. The
    catalogue is kept on the request context itself (one context-variable
    read), so it lives and dies with the request.
    """
    ctx = _cv_request.get(None)
    if ctx is None:
        return get_translations()
    found = getattr(ctx, "_screener_translations", None)
    if found is None:
        found = ctx._screener_translations = get_translations()
    return found


def gettext(string: str, **variables) -> str:
    """Translate ``string`` (same behaviour as flask_babel.gettext, faster)."""
    text = translations().ugettext(string)
    return text % variables if variables else text


@pass_eval_context
def _template_gettext(eval_ctx, string: str, **variables) -> str:
    text = translations().ugettext(string)
    if eval_ctx.autoescape:
        text = Markup(text)  # noqa: S704 -- our own catalogue, as Jinja's newstyle gettext
    return text % variables  # as Jinja's newstyle gettext: "%%" is "%" even alone


def lazy_gettext(string: str, **variables) -> LazyString:
    """A string translated when it is shown, in the language of that request."""
    return LazyString(gettext, string, **variables)


def current_language() -> str:
    """The two-letter code of the language this request is rendered in."""
    return str(get_locale() or DEFAULT)


def _safe_next(target: str | None) -> str:
    # Only a path on this site: an open redirect would let a link to us
    # bounce people to a look-alike page.
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


@bp.get("/language/<code>")
def switch(code: str):
    """Remember the chosen language and go back to the page the person was on."""
    if code in LANGUAGES:
        session["lang"] = code
    return redirect(_safe_next(request.args.get("next")))


def init_app(app: Flask) -> None:
    """Bind Flask-Babel, the switch route, and ``lang``/``languages`` for every template."""
    babel.init_app(app, locale_selector=select_locale, default_domain="messages")
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        newstyle=True)
    # ``_()`` in templates, with the newstyle semantics (a translation is safe
    # markup and %-formats its escaped variables) in one call instead of
    # Jinja's two context-passing wrappers: pages call it dozens of times.
    app.jinja_env.globals["_"] = _template_gettext
    app.register_blueprint(bp)

    @app.context_processor
    def language_context():
        return {"lang": current_language(), "languages": LANGUAGES,
                "this_path": request.full_path.rstrip("?") if request else "/"}
