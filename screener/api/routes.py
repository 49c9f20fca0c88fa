"""POST /api/v1/screen and the OpenAPI document that describes it.

Errors are JSON and name the field: 400 when the body is not JSON (or its
JSON is malformed: the parser's line and column are given), 422 when
the request or the profile breaks the contract. Every other error under /api/
(404, 405, 413, 429, 500) is JSON too (see ``api_error`` below and
screener/security.py). Bodies are never logged.

By default a patient is screened only against trials open to enrollment
(``Trial.recruiting``): the question a physician asks is "which open trials
could this patient join". ``"include_closed": true`` screens every loaded
trial; trials named in ``"trials"`` are screened whatever their status.

FHIR in (issue 11): a body sent as ``Content-Type: application/fhir+json`` is a FHIR R4
Bundle holding one patient's record. It is read into a profile (screener/fhir) and
screened like a JSON profile; the answer adds ``imported`` (the profile, and what was
read, what stayed unknown and which resources were not used). Trials are chosen with
the query string (``?trial=NCT...&trial=...``, ``?include_closed=true``), since a Bundle
has no room for them. Only the media type decides: an application/json body that is a
FHIR resource is refused with a 422 that names the media type to use, never sniffed.
"""

from __future__ import annotations

import json
import re
from datetime import date

from flask import jsonify, request
from werkzeug.exceptions import HTTPException

from ..eligibility import Trial, screen
from ..profile import MAX_ERRORS, ProfileError, clip, validate_profile
from ..security import api_limit, limiter
from ..trials.catalog import catalog
from . import bp
from .openapi import openapi_document

REQUEST_FIELDS = ("patient", "trials", "include_closed")
#: How deeply a request's JSON may nest (a profile needs four levels). Failure policy:
#: a deeper body is refused with 400 before anything walks it recursively (the
#: parser, the schema validator, error messages quoting values), so it can never
#: end in a RecursionError and a 500.
MAX_DEPTH = 32
#: The media type of FHIR JSON: such a body is a Bundle (see above).
FHIR_JSON = "application/fhir+json"
NCT_ID = re.compile(r"NCT[0-9]{8}")  # the contract's ^NCT[0-9]{8}$, matched whole

#: What an API user reads for an HTTP error that is not the request's fault in detail.
HTTP_MESSAGES = {
    404: "no such endpoint",
    405: "method not allowed here",
    413: "the request body is too large",
    429: "Too many requests from this address; please wait a minute and try again.",
    500: "internal error; nothing was stored",
}


def _error(status: int, message: str, errors: list[str] | None = None, more: bool = False):
    """A JSON error naming at most MAX_ERRORS problems (``more``: others were found).

    Bounded so that no request, however large, gets a large answer.
    """
    errors = errors or []
    if more or len(errors) > MAX_ERRORS:
        message = f"{message} (the first {MAX_ERRORS} problems are listed)"
    body = {"error": message, "errors": [_split(clip(e)) for e in errors[:MAX_ERRORS]]}
    return jsonify(body), status


def _depth(value) -> int:
    """How deeply ``value`` nests (a scalar is 0, ``[]`` is 1), found without recursion."""
    deepest, stack = 0, [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            depth += 1
            stack.extend((child, depth) for child in (
                item.values() if isinstance(item, dict) else item))
        deepest = max(deepest, depth)
    return deepest


def _split(error: str) -> dict:
    field, _, message = error.partition(": ")
    return {"field": field, "message": message or error}


def trial_labels(trial: Trial) -> dict:
    """What the API adds to the contract's trial object: status, its date, link and caveat."""
    labels = {
        "status": trial.status or None,
        "status_checked": trial.status_checked or None,
        "recruiting": trial.recruiting,
        "url": trial.url,
    }
    if trial.source == "ctgov":
        when = f" on {trial.status_checked}" if trial.status_checked else ""
        labels["note"] = (f"Criteria read automatically from ClinicalTrials.gov{when} "
                          "— the study team confirms")
    return labels


def result_dict(result) -> dict:
    """The contract's result, its trial object carrying the labels above as extra fields.

    Also ``trial.inclusions_not_screened``: how many inclusion criteria the
    pre-screen could not check for this patient (kept inside the trial object,
    where the contract already allows extra fields, so results keep exactly the
    contract's top-level keys). The contract calls a trial likely_eligible when every
    *screened* criterion is met, so a registry trial whose key sentence was not
    read can be "likely" on its age alone; the count lets a physician's system
    tell a checked "likely" from one nobody could check (the patient pages show
    such trials apart).
    """
    out = result.to_dict()
    out["trial"].update(trial_labels(result.trial))
    out["trial"]["inclusions_not_screened"] = sum(
        1 for c in result.criteria if c.kind == "inclusion" and c.outcome == "not_screened")
    out["trial"]["fully_checked"] = result.fully_checked
    return out


@bp.post("/screen")
@limiter.limit(api_limit)
def screen_patient():
    """Screen a profile (or the patient of a FHIR Bundle) against the open trials (all with
    include_closed, or those listed)."""
    fhir = request.mimetype == FHIR_JSON
    if not request.is_json:  # application/json and application/*+json
        return _error(400, "the request body must be JSON (Content-Type: application/json)")
    body = _parse_body()
    if isinstance(body, tuple):  # an error answer
        return body
    query = _query()
    if isinstance(query, tuple):
        return query
    if fhir:
        return _screen_bundle(body, query)
    if not isinstance(body, dict):
        return _error(422, "the request body must be a JSON object",
                      ["(body): must be an object with 'patient'"])
    if "resourceType" in body:
        return _error(422, f"a FHIR resource must be sent as Content-Type: {FHIR_JSON}",
                      [f"(body): is a FHIR resource; send it as {FHIR_JSON}"])
    unexpected = sorted(set(body) - set(REQUEST_FIELDS))
    if unexpected:
        fields = ", ".join(REQUEST_FIELDS)
        return _error(422, "the request has unexpected fields",
                      [f"{name}: is not a request field ({fields})" for name in unexpected])
    if "patient" not in body:
        return _error(422, "the request has no patient", ["patient: is required"])
    include_closed = body.get("include_closed", False)
    if not isinstance(include_closed, bool):
        return _error(422, "include_closed must be true or false",
                      ["include_closed: must be a boolean (true or false)"])
    try:
        profile = validate_profile(body["patient"])
    except ProfileError as exc:
        return _error(422, "the patient profile breaks the contract",
                      [f"patient.{e}" if not e.startswith("(") else f"patient: {e}"
                       for e in exc.errors], more=exc.more)
    trials = _chosen({"trials": body["trials"]} if "trials" in body else {},
                     {"trial": query["trial"]} if query["trial"] else {},
                     include_closed=include_closed or query["include_closed"])
    if isinstance(trials, tuple):
        return trials
    return jsonify(results=[result_dict(screen(profile, t)) for t in trials])


def _chosen(*named: dict, include_closed: bool):
    """The trials named (in the body's ``trials``, the query's ``trial``: together), or
    every loaded trial (open ones unless ``include_closed``); or an error answer."""
    lists = [(name, wanted) for group in named for name, wanted in group.items()]
    if not lists:
        return _trials(None, include_closed, False, "")
    trials = []
    for name, wanted in lists:
        found = _trials(wanted, include_closed, True, name)
        if isinstance(found, tuple):
            return found
        trials += found
    return list({t.id: t for t in trials}.values())


def _query() -> dict | tuple:
    """The query string's ``trial`` list and ``include_closed`` flag, or an error answer.

    They exist for FHIR requests (a Bundle has no room for them); a JSON request may use
    them too, and they add to the body's ``trials`` / ``include_closed``.
    """
    unexpected = sorted(set(request.args) - {"trial", "include_closed"})
    if unexpected:
        return _error(422, "the request has unexpected query parameters",
                      [f"{name}: is not a query parameter (trial, include_closed)"
                       for name in unexpected])
    closed = request.args.getlist("include_closed")
    if len(closed) > 1 or (closed and closed[0] not in ("true", "false")):
        return _error(422, "include_closed must be true or false",
                      ["include_closed: must be true or false"])
    return {"trial": request.args.getlist("trial"), "include_closed": closed == ["true"]}


def _parse_body():
    """The request's JSON, or an error answer (400) saying what is wrong with it."""
    too_deep = f"the JSON is nested too deeply (at most {MAX_DEPTH} levels)"
    try:
        # Parsed here rather than by request.get_json, which drops the parser's
        # message: a caller whose JSON is malformed is told what and where.
        body = json.loads(request.get_data(cache=True))
    except RecursionError:  # past the parser's own limit (about 1,000 levels)
        return _error(400, too_deep)
    except json.JSONDecodeError as exc:
        where = f"{exc.msg} at line {exc.lineno}, column {exc.colno}"
        return _error(400, f"the JSON is malformed: {where}", [f"(body): {where}"])
    except UnicodeDecodeError:
        return _error(400, "the JSON is malformed: it is not UTF-8 text",
                      ["(body): not UTF-8 text"])
    except ValueError:  # e.g. an integer longer than Python reads (4,300 digits)
        return _error(400, "the JSON holds a number too long to read",
                      ["(body): a number too long to read"])
    if _depth(body) > MAX_DEPTH:
        return _error(400, too_deep)
    return body


def _trials(wanted, include_closed: bool, named: bool, name: str):
    """The trials to screen, or an error answer (422) naming ``name[i]``."""
    if not named:
        trials = catalog().all()
        return trials if include_closed else [t for t in trials if t.recruiting]
    if not isinstance(wanted, list) or not all(isinstance(t, str) for t in wanted):
        return _error(422, "trials must be a list of NCT ids",
                      [f"{name}: must be a list of strings"])
    malformed = [f"{name}[{i}]: {t!r} is not an NCT id (NCT followed by 8 digits)"
                 for i, t in enumerate(wanted) if not NCT_ID.fullmatch(t)]
    if malformed:
        return _error(422, "trials must be a list of NCT ids", malformed)
    unknown = [f"{name}[{i}]: no trial {t} is loaded" for i, t in enumerate(wanted)
               if catalog().get(t) is None]
    if unknown:
        return _error(422, "some trials are not loaded", unknown)
    # Named trials are screened whatever their status: the caller asked for them.
    return [catalog().get(t) for t in dict.fromkeys(wanted)]


def _today() -> date:
    """The day ages and times since are counted to (tests fix it)."""
    return date.today()


def _screen_bundle(body, query: dict):
    """Screen the patient of a FHIR Bundle; the answer adds what the import read."""
    from ..fhir import BundleError, read_bundle  # loads fhir.resources: only for FHIR

    try:
        imported = read_bundle(body, _today())
    except BundleError as exc:
        return _error(422, exc.message, exc.errors)
    trials = _chosen({"trial": query["trial"]} if query["trial"] else {},
                     include_closed=query["include_closed"])
    if isinstance(trials, tuple):
        return trials
    return jsonify(results=[result_dict(screen(imported.profile, t)) for t in trials],
                   imported={"profile": imported.profile, **imported.report()})


@bp.get("/openapi.json")
def openapi():
    """OpenAPI 3.1 description of this API."""
    return jsonify(openapi_document())


@bp.app_errorhandler(HTTPException)
def api_error(error: HTTPException):
    """Any HTTP error without a handler of its own (405, 413, ...): JSON under /api/.

    Elsewhere the error is answered as before (Werkzeug's page); 404, 429, 500 and
    CSRF errors have their own handlers in screener/security.py, which answer JSON
    under /api/ as well.
    """
    if error.code is None or not request.path.startswith("/api/"):
        return error  # answered exactly as without this handler
    message = HTTP_MESSAGES.get(error.code) or (error.description or error.name)
    if error.code == 405 and error.valid_methods:
        message = (f"method {request.method} is not allowed here; use "
                   f"{' or '.join(m for m in error.valid_methods if m not in ('HEAD', 'OPTIONS'))}")
    if error.code == 413:
        limit = request.max_content_length
        if limit:
            size = (f"{limit // 2**20} MiB" if limit % 2**20 == 0 else f"{limit // 1024} KiB")
            message = f"the request body is too large (at most {size})"
    response = jsonify(error=message, errors=[])
    response.status_code = error.code
    for name, value in error.get_headers():
        if name.lower() != "content-type":  # keep Allow, Retry-After, ...
            response.headers[name] = value
    return response
