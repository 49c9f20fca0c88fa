"""JSON API (/api/v1) for physicians' systems: the same profile, the same results."""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from . import routes  # noqa: E402,F401  (registers the views on bp)
