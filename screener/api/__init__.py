"""JSON API (/api/v1) for physicians' systems: the same profile, the same results."""

from flask import Blueprint, render_template

bp = Blueprint("api", __name__, url_prefix="/api/v1")
#: The API's pages for people: the interactive viewer of the OpenAPI document.
docs_bp = Blueprint("api_docs", __name__, url_prefix="/api")


@docs_bp.get("/docs")
def docs():
    """Swagger UI over /api/v1/openapi.json, from our own static files."""
    return render_template("api/docs.html")


from . import referrals, routes, trials  # noqa: E402,F401  (register the views on bp)
