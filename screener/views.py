"""Front page and health check."""

from __future__ import annotations

from flask import Blueprint, jsonify, render_template

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
    trials = sorted(catalog().all(), key=lambda t: (not t.recruiting, t.id))
    return render_template("index.html", trials=trials, notice=catalog().notice(),
                           curated=sum(t.source == "criteria-file" for t in trials))


@bp.get("/healthz")
@plain_http_allowed
def healthz():
    """Liveness for load balancers: status and how many trials are loaded."""
    return jsonify(status="ok", trials=len(catalog()))
