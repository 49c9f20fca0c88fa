"""The patient and family self-screening wizard (blueprint ``bp`` at /screen/)."""

from flask import Blueprint

from ..security import form_limit, limiter

bp = Blueprint("wizard", __name__, url_prefix="/screen")
# Every answer posted, whatever the step, counts against one per-address limit.
limiter.shared_limit(form_limit, scope="wizard-forms", methods=["POST"])(bp)

from . import routes  # noqa: E402,F401  (registers the views on bp)
