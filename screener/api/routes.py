"""POST /api/v1/screen and the OpenAPI document that describes it.

Errors are JSON and name the field: 400 when the body is not JSON, 422 when
the request or the profile breaks the contract. Bodies are never logged.
"""

from __future__ import annotations

from flask import jsonify, request

from ..eligibility import screen
from ..profile import ProfileError, validate_profile
from ..security import api_limit, limiter
from ..trials.catalog import catalog
from . import bp
from .openapi import openapi_document


def _error(status: int, message: str, errors: list[str] | None = None):
    body = {"error": message, "errors": [_split(e) for e in (errors or [])]}
    return jsonify(body), status


def _split(error: str) -> dict:
    field, _, message = error.partition(": ")
    return {"field": field, "message": message or error}


@bp.post("/screen")
@limiter.limit(api_limit)
def screen_patient():
    """Screen a profile against the curated trials (or the ``trials`` listed)."""
    body = request.get_json(silent=True)
    if body is None:
        return _error(400, "the request body must be JSON (Content-Type: application/json)")
    if not isinstance(body, dict):
        return _error(422, "the request body must be a JSON object",
                      ["(body): must be an object with 'patient'"])
    unexpected = sorted(set(body) - {"patient", "trials"})
    if unexpected:
        return _error(422, "the request has unexpected fields",
                      [f"{name}: is not a request field (patient, trials)" for name in unexpected])
    if "patient" not in body:
        return _error(422, "the request has no patient", ["patient: is required"])
    try:
        profile = validate_profile(body["patient"])
    except ProfileError as exc:
        return _error(422, "the patient profile breaks the contract",
                      [f"patient.{e}" if not e.startswith("(") else f"patient: {e}"
                       for e in exc.errors])
    trials = catalog().all()
    if "trials" in body:
        wanted = body["trials"]
        if not isinstance(wanted, list) or not all(isinstance(t, str) for t in wanted):
            return _error(422, "trials must be a list of NCT ids",
                          ["trials: must be a list of strings"])
        unknown = [f"trials[{i}]: no trial {t} is loaded" for i, t in enumerate(wanted)
                   if catalog().get(t) is None]
        if unknown:
            return _error(422, "some trials are not loaded", unknown)
        trials = [catalog().get(t) for t in dict.fromkeys(wanted)]
    return jsonify(results=[screen(profile, t).to_dict() for t in trials])


@bp.get("/openapi.json")
def openapi():
    """OpenAPI 3.1 description of this API."""
    return jsonify(openapi_document())
