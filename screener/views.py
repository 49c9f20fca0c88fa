"""Front page and health check."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template

from . import vocabulary
from .i18n import current_language
from .security import plain_http_allowed
from .trials.catalog import catalog

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    """The front page: the patient wizard's welcome, with a link to the trials list."""
    from .wizard.routes import start_page

    return start_page()


@bp.get("/trials")
def trials():
    """The loaded trials, recruiting first."""
    from .wizard.results import status_checked

    trials = sorted(catalog().all(), key=lambda t: (not t.recruiting, t.id))
    lang = current_language()
    rows = [(t, *status_checked(t), _age_words(t.minimum_age, lang),
             _age_words(t.maximum_age, lang)) for t in trials]
    return render_template("index.html", rows=rows, notice=catalog().notice(),
                           curated=sum(t.source == "criteria-file" for t in trials))


def _age_words(limit: str | None, lang: str) -> str | None:
    """ "18 Years" as "18 years" / "18 años" (the registry's own text if a unit is odd)."""
    if not limit:
        return None
    try:
        return vocabulary.rules.age_limit(limit, vocabulary.speaker(lang), lang)[0]
    except vocabulary.Untranslated:
        return limit


@bp.get("/healthz")
@plain_http_allowed
def healthz():
    """Liveness for load balancers: status and how many trials are loaded."""
    return jsonify(status="ok", trials=len(catalog()))
