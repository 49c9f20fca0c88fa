"""The coordinator's desk under /staff/: sign-in, the referral queue, referral pages, export.

Every route here needs a signed-in staff user (``staff_required``); every view
of a referral, change and export writes an audit event.
"""

from flask import Blueprint

bp = Blueprint("staff", __name__, url_prefix="/staff")

from . import auth, views  # noqa: E402,F401  (registers the views on bp)
