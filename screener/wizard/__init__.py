"""The patient and family self-screening wizard (blueprint ``bp`` at /screen/)."""

from flask import Blueprint

bp = Blueprint("wizard", __name__, url_prefix="/screen")

from . import routes  # noqa: E402,F401  (registers the views on bp)
