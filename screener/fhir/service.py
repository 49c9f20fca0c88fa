"""POST /getClinicalTrial: the CodeX matching-service endpoint (screener/fhir/matching.py).

CSRF-exempt like the JSON API (other systems call it, not browsers' forms) and limited per
client address with the API's limit. Errors are ``{"error": ...}`` as the contract says:
400 "Invalid patientBundle" for a body that is not JSON or not a Bundle, 400 with the
importer's message for a Bundle it refuses, 400 naming a bad parameter. Bodies are never
logged.
"""

from __future__ import annotations

import json
from datetime import date

from flask import Blueprint, jsonify, request

from ..security import api_limit, limiter

bp = Blueprint("matching", __name__)
FHIR_JSON = "application/fhir+json"


def _today() -> date:
    """The day ages and times since are counted to (tests fix it)."""
    return date.today()


def _bad(message: str, errors: list[str] | None = None):
    body = {"error": message}
    if errors:
        body["errors"] = errors[:20]
    return jsonify(body), 400


@bp.post("/getClinicalTrial")
@limiter.limit(api_limit)
def get_clinical_trial():
    """Screen the patient of a FHIR Bundle against the catalog; a searchset Bundle back."""
    from ..api.routes import MAX_DEPTH, _depth
    from ..trials.catalog import catalog
    from .matching import INVALID, MatchError, match

    try:
        body = json.loads(request.get_data(cache=True))
    except (ValueError, RecursionError):  # not JSON, not UTF-8, a number too long
        return _bad(INVALID)
    if _depth(body) > MAX_DEPTH:
        return _bad(f"{INVALID}: nested more than {MAX_DEPTH} levels")
    try:
        answer = match(body, catalog().all(), _today())
    except MatchError as exc:
        return _bad(exc.message, exc.errors)
    response = jsonify(answer)
    response.mimetype = FHIR_JSON
    return response
