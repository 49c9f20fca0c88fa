"""The OpenAPI paths and components of the routes for systems: trials, referrals, the viewer.

Kept apart from openapi.py (the /screen document) and merged into it there. Every
pattern here uses only what every JSON Schema engine reads alike ("blank" is spaces,
tabs and line breaks: see referrals.py), so the document and the code agree on what is
valid.
"""

from __future__ import annotations

from .referrals import CONSENT_FIELDS, CONTACT_FIELDS, MAX_NOTE
from .tokens import SCOPES

NOT_BLANK = "[^ \t\r\n]"  # has a character other than a space, tab or line break


def _error(description: str, examples: dict | None = None) -> dict:
    media = {"schema": {"$ref": "#/components/schemas/Error"}}
    if examples:
        media["examples"] = examples
    return {"description": description, "content": {"application/json": media}}


def _unauthorized(description: str) -> dict:
    response = _error(description)
    response["headers"] = {"WWW-Authenticate": {
        "description": "Bearer, with error=\"invalid_request\" (no token), "
        "\"invalid_token\" (unknown or revoked) or \"insufficient_scope\" (403)",
        "schema": {"type": "string"}}}
    return response


COMMON = {
    "405": _error("Method not allowed; the Allow header names the methods"),
    "429": _error("Too many requests from this address; the Retry-After header says when "
                  "to retry"),
    "500": _error("Internal error; nothing was stored"),
}

OPTIONAL_TOKEN = {
    "401": _unauthorized("A bearer token was sent and is unknown, revoked or malformed (the "
                         "route is open without one: a token sent is checked, never "
                         "ignored)"),
    "403": _unauthorized("The bearer token sent lacks the scope trials:read"),
}

CRITERIA_COUNT = {
    "type": "object", "required": ["inclusion", "exclusion", "screened"],
    "properties": {
        "inclusion": {"type": "integer", "minimum": 0},
        "exclusion": {"type": "integer", "minimum": 0},
        "screened": {"type": "integer", "minimum": 0,
                     "description": "How many criteria the pre-screen checks (have a rule)."},
    },
}

TRIAL_SUMMARY = {
    "type": "object",
    "description": "A loaded trial: curated (source criteria-file) or read from the registry "
    "snapshot (source ctgov).",
    "required": ["id", "title", "source", "status", "status_checked", "recruiting", "url",
                 "phases", "minimum_age", "maximum_age", "sex", "criteria_count"],
    "properties": {
        "id": {"type": "string", "pattern": "^NCT[0-9]{8}$"},
        "title": {"type": "string"},
        "acronym": {"type": ["string", "null"]},
        "source": {"enum": ["criteria-file", "ctgov"]},
        "status": {"type": ["string", "null"]},
        "status_checked": {"type": ["string", "null"], "format": "date"},
        "recruiting": {"type": "boolean"},
        "url": {"type": "string", "format": "uri"},
        "note": {"type": "string", "description": "Registry trials only (see TrialLabels)."},
        "phases": {"type": "array", "items": {"type": "string"}},
        "minimum_age": {"type": ["string", "null"], "examples": ["18 Years"]},
        "maximum_age": {"type": ["string", "null"]},
        "sex": {"type": "string", "examples": ["ALL"]},
        "criteria_count": CRITERIA_COUNT,
    },
}

RULE = {
    "description": "A rule in the criteria files' language (criteria/README.md): a leaf "
    "{field, op, value}, or all / any (lists), not, at_least with of, or not_screened "
    "(a part the study team checks).",
    "type": "object",
}

CRITERION = {
    "type": "object",
    "required": ["id", "kind", "text", "plain", "rule", "note", "reviewed"],
    "properties": {
        "id": {"type": "string"},
        "kind": {"enum": ["inclusion", "exclusion"]},
        "text": {"type": "string", "description": "Verbatim, as the registry words it."},
        "plain": {"type": "object", "required": ["en", "es"], "properties": {
            "en": {"type": ["string", "null"]}, "es": {"type": ["string", "null"]}},
            "description": "The criterion in plain English and Spanish (null when none)."},
        "rule": {"oneOf": [{"$ref": "#/components/schemas/Rule"}, {"type": "null"}],
                 "description": "What the pre-screen checks; null: not screened (the study "
                 "team checks it)."},
        "note": {"type": ["string", "null"], "description": "How the text was read."},
        "reviewed": {"type": "boolean",
                     "description": "False for a machine-drafted reading no person reviewed."},
    },
}

TRIAL_DETAIL = {"allOf": [
    {"$ref": "#/components/schemas/TrialSummary"},
    {"type": "object", "required": ["sponsor", "criteria"], "properties": {
        "sponsor": {"type": ["string", "null"]},
        "criteria": {"type": "array", "items": {"$ref": "#/components/schemas/Criterion"}}}},
]}

REFERRAL_REQUEST = {
    "type": "object", "additionalProperties": False,
    "required": ["patient", "contact", "consent"],
    "properties": {
        "patient": {"$ref": "#/components/schemas/PatientProfile"},
        "contact": {
            "type": "object", "additionalProperties": False, "required": ["name"],
            "description": "The referring clinician or clinic, whom the research team "
            "calls back: a name and a phone or an email.",
            "anyOf": [{"required": ["phone"]}, {"required": ["email"]}],
            "properties": {
                "name": {"type": "string", "maxLength": CONTACT_FIELDS["name"],
                         "pattern": NOT_BLANK},
                "practice": {"type": "string", "maxLength": CONTACT_FIELDS["practice"]},
                "phone": {"type": "string", "maxLength": CONTACT_FIELDS["phone"],
                          "pattern": NOT_BLANK},
                "email": {"type": "string", "maxLength": CONTACT_FIELDS["email"],
                          "pattern": "@"},
            },
        },
        "consent": {
            "type": "object", "additionalProperties": False, "required": ["text", "version"],
            "description": "The calling system attests that the patient (or their parent) "
            "agreed to be referred: the wording they agreed to and its version, both "
            "stored with the referral.",
            "properties": {
                "text": {"type": "string", "maxLength": CONSENT_FIELDS["text"],
                         "pattern": NOT_BLANK},
                "version": {"type": "string", "maxLength": CONSENT_FIELDS["version"],
                            "pattern": NOT_BLANK},
            },
        },
        "note": {"type": "string", "maxLength": MAX_NOTE,
                 "description": "For the research team. Do not include the patient's name."},
        "language": {"enum": ["en", "es"], "default": "en",
                     "description": "The patient's language."},
    },
}

REFERRAL_CREATED = {
    "type": "object", "required": ["reference", "status", "results"],
    "properties": {
        "reference": {"type": "string", "pattern": "^R-[A-Z0-9]{8}$",
                      "description": "The code to quote to the research team."},
        "status": {"const": "new"},
        "results": {"type": "array", "description": "The referral's screening against the "
                    "open trials, best first; for a not_eligible trial only the criteria "
                    "not met.", "items": {"allOf": [
                        {"$ref": "#/components/schemas/ScreeningResult"},
                        {"type": "object", "required": ["shown_verdict"], "properties": {
                            "trial": {"$ref": "#/components/schemas/TrialLabels"},
                            "shown_verdict": {
                                "enum": ["likely_eligible", "needs_review", "not_eligible"],
                                "description": "What the desk shows: a likely_eligible "
                                "that is not fully checked shows as needs_review."}}},
                    ]}},
    },
}


def paths() -> dict:
    nct_id = {"name": "nct_id", "in": "path", "required": True,
              "schema": {"type": "string", "pattern": "^NCT[0-9]{8}$"},
              "description": "NCT followed by 8 digits"}
    return {
        "/api/v1/trials": {"get": {
            "operationId": "listTrials",
            "summary": "The loaded trials, curated and registry",
            "description": "Open (no token needed), rate-limited per address. A bearer token "
            "may be sent (scope trials:read) to attribute the use; it is then checked.",
            "security": [{}, {"bearerAuth": ["trials:read"]}],
            "parameters": [
                {"name": "recruiting", "in": "query", "required": False,
                 "schema": {"type": "string", "enum": ["true", "false"]},
                 "description": "Only trials open (true) or not open (false) to enrollment."},
                {"name": "source", "in": "query", "required": False,
                 "schema": {"type": "string", "enum": ["criteria-file", "ctgov"]}},
            ],
            "responses": {
                "200": {"description": "The trials, by NCT id", "content": {
                    "application/json": {"schema": {
                        "type": "object", "required": ["trials"], "properties": {
                            "trials": {"type": "array", "items": {
                                "$ref": "#/components/schemas/TrialSummary"}}}}}}},
                **OPTIONAL_TOKEN,
                "422": _error("A query parameter is unknown or has a value not listed"),
                **COMMON,
            },
        }},
        "/api/v1/trials/{nct_id}": {"get": {
            "operationId": "getTrial",
            "summary": "One trial with its criteria: verbatim, plain English and Spanish, rule",
            "security": [{}, {"bearerAuth": ["trials:read"]}],
            "parameters": [nct_id],
            "responses": {
                "200": {"description": "The trial", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/TrialDetail"}}}},
                **OPTIONAL_TOKEN,
                "404": _error("No trial with this NCT id is loaded (error field nct_id)"),
                "422": _error("nct_id is not an NCT id (NCT followed by 8 digits)"),
                **COMMON,
            },
        }},
        "/api/v1/referrals": {"post": {
            "operationId": "fileReferral",
            "summary": "File a referral for the research team (as the physician form does)",
            "description": "Needs a bearer token with scope referrals:write (made by the "
            "service's administrators: `screener create-token`). The patient is screened "
            "against the open trials and the referral joins the research team's queue "
            "(source api); the answer gives its reference and that screening. Each use of "
            "a token is audited under its name.",
            "security": [{"bearerAuth": ["referrals:write"]}],
            "requestBody": {"required": True, "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/ReferralRequest"}}}},
            "responses": {
                "201": {"description": "Filed", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/ReferralCreated"}}}},
                "400": _error("The body is not JSON (Content-Type application/json; a FHIR Bundle, "
                              "application/fhir+json, is screened at /api/v1/screen), its "
                              "JSON is malformed, or it nests deeper than 32 levels"),
                "401": _unauthorized("No bearer token, or an unknown, revoked or "
                                     "malformed one"),
                "403": _unauthorized("The token lacks the scope referrals:write"),
                "413": _error("The body is larger than the limit (2 MiB)"),
                "422": _error("The referral breaks the contract; each error names the field "
                              "(patient.*, contact.name, contact.phone, consent.text, ...)"),
                **COMMON,
            },
        }},
        "/api/docs": {"get": {
            "operationId": "apiDocs",
            "summary": "This document in an interactive viewer (Swagger UI, served by this "
            "service: no third-party site)",
            "responses": {"200": {"description": "The viewer page",
                                  "content": {"text/html": {}}}},
        }},
    }


def components() -> dict:
    return {
        "TrialSummary": TRIAL_SUMMARY,
        "TrialDetail": TRIAL_DETAIL,
        "Criterion": CRITERION,
        "Rule": RULE,
        "ReferralRequest": REFERRAL_REQUEST,
        "ReferralCreated": REFERRAL_CREATED,
    }


def security_schemes() -> dict:
    scopes = "; ".join(f"{name}: {what}" for name, what in SCOPES.items())
    return {"bearerAuth": {
        "type": "http", "scheme": "bearer",
        "description": "A token made by `screener create-token NAME --scope SCOPE` "
        f"(shown once; stored hashed; revocable). Scopes — {scopes}."}}
