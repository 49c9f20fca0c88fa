"""The OpenAPI 3.1 document of /api/v1, built around the contract's JSON Schemas."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

from ..profile import profile_schema


def _result_schema() -> dict:
    with resources.files("screener.schemas").joinpath("screening-result.schema.json").open(
        encoding="utf-8"
    ) as fh:
        return json.load(fh)


def _strip(schema: dict) -> dict:
    # OpenAPI 3.1 schemas are JSON Schema 2020-12; drop the top-level ids so
    # the components can be referenced from one document.
    return {k: v for k, v in schema.items() if k not in ("$schema", "$id")}


#: The fields the API adds to the contract's trial object (the contract allows extra fields).
TRIAL_LABELS = {
    "type": "object",
    "description": "Fields the API adds to each result's `trial` object, beside the contract's "
    "id, title and source.",
    "required": ["status", "status_checked", "recruiting", "url", "inclusions_not_screened",
                 "fully_checked"],
    "properties": {
        "status": {"type": ["string", "null"], "examples": ["RECRUITING"],
                   "description": "The ClinicalTrials.gov overall status (RECRUITING, "
                   "NOT_YET_RECRUITING, ENROLLING_BY_INVITATION, ACTIVE_NOT_RECRUITING, "
                   "COMPLETED, ...); null when not known."},
        "status_checked": {"type": ["string", "null"], "format": "date",
                           "description": "ISO date the status was last checked: the "
                           "registry snapshot's data date for registry trials, the curated "
                           "file's status_checked for curated trials (or the snapshot's, with "
                           "its status, when the snapshot checked it later)."},
        "recruiting": {"type": "boolean",
                       "description": "True when the trial is open to enrollment (RECRUITING, "
                       "NOT_YET_RECRUITING or ENROLLING_BY_INVITATION)."},
        "url": {"type": "string", "format": "uri",
                "examples": ["https://clinicaltrials.gov/study/NCT02435849"],
                "description": "The trial's ClinicalTrials.gov page."},
        "inclusions_not_screened": {
            "type": "integer", "minimum": 0,
            "description": "How many of the trial's inclusion criteria the pre-screen could "
            "not check for this patient. A likely_eligible verdict with a count above 0 was "
            "not checked completely: read those criteria (outcome not_screened)."},
        "fully_checked": {
            "type": "boolean",
            "description": "False for a likely_eligible verdict that rests on too little to be "
            "shown as likely: nothing beyond age and sex was met, or an inclusion criterion of "
            "a registry trial could not be checked. The patient pages never show such a trial "
            "as likely eligible. True for every other verdict."},
        "note": {"type": "string",
                 "description": "Registry trials (source ctgov) only: 'Criteria read "
                 "automatically from ClinicalTrials.gov on DATE — the study team confirms'."},
    },
}


def _error_response(description: str, examples: dict | None = None) -> dict:
    media = {"schema": {"$ref": "#/components/schemas/Error"}}
    if examples:
        media["examples"] = examples
    return {"description": description, "content": {"application/json": media}}


#: What the API answers for a well-formed request naming a trial that is not loaded
#: (screener/api/routes.py). The document cannot list the loaded trials (the registry
#: snapshot changes with each sync), so this 422 is declared here, with its exact body.
UNKNOWN_TRIAL_EXAMPLE = {
    "summary": "a trial named in `trials` is not loaded (curated or registry)",
    "value": {"error": "some trials are not loaded",
              "errors": [{"field": "trials[0]", "message": "no trial NCT99999999 is loaded"}]},
}


def _patient_profile() -> dict:
    """The contract's profile schema plus the one rule validate_profile adds (ECOG 0-5).

    The contract's schema allows any score from 0 to 100 on every scale; the API refuses
    an ECOG score above 5 (screener/profile.py), so the document says so too.
    """
    schema = _strip(profile_schema())
    performance = schema["properties"]["performance_status"]
    performance["if"] = {"properties": {"scale": {"const": "ecog"}}, "required": ["scale"]}
    performance["then"] = {"properties": {"score": {"maximum": 5}}}
    return schema


#: A FHIR R4 Bundle, as far as JSON Schema can say it: the FHIR rules themselves are
#: checked by fhir.resources' models when the Bundle is read (screener/fhir).
FHIR_BUNDLE = {
    "type": "object",
    "description": "A FHIR R4 Bundle (https://hl7.org/fhir/R4/bundle.html) holding one "
    "patient's record: exactly one Patient, and any Condition, Observation, "
    "MedicationStatement, MedicationAdministration, MedicationRequest, Medication and "
    "Procedure about them (other resource types are listed as not read). Each resource "
    "of those types is checked against FHIR's rules; one that breaks them is not used "
    "and is listed, except the Patient, which must be valid.",
    "required": ["resourceType", "type"],
    "properties": {
        "resourceType": {"const": "Bundle"},
        "type": {"enum": ["document", "message", "transaction", "transaction-response",
                          "batch", "batch-response", "history", "searchset", "collection"]},
        "entry": {"type": "array", "items": {"type": "object", "properties": {
            "fullUrl": {"type": "string"},
            "resource": {"type": "object", "required": ["resourceType"],
                         "properties": {"resourceType": {"type": "string"}}}}}},
    },
}

#: What the answer to a FHIR request adds: the profile read and its account.
IMPORTED = {
    "type": "object",
    "description": "FHIR requests only: the profile read from the Bundle and screened, each "
    "field read (its value, the resource 'Type/id' it came from and how), each field left "
    "unknown and why (absent, unmapped code, contradictory readings, invalid value such as "
    "ECOG -1, stale, or no code for it), and each resource not used and why.",
    "required": ["profile", "read", "unknown", "ignored"],
    "properties": {
        "profile": {"$ref": "#/components/schemas/PatientProfile"},
        "read": {"type": "array", "items": {
            "type": "object", "required": ["field", "value", "resource", "how"],
            "properties": {"field": {"type": "string"}, "value": {},
                           "resource": {"type": "string"}, "how": {"type": "string"}}}},
        "unknown": {"type": "array", "items": {
            "type": "object", "required": ["field", "reason"],
            "properties": {"field": {"type": "string"}, "reason": {"type": "string"}}}},
        "ignored": {"type": "array", "items": {
            "type": "object", "required": ["resource", "reason"],
            "properties": {"resource": {"type": "string"}, "reason": {"type": "string"}}}},
    },
}

#: The 422 a FHIR request gets when its body cannot be read as a patient's Bundle.
FHIR_ERROR_EXAMPLE = {
    "summary": "FHIR: the body is not a Bundle, breaks FHIR's rules, has no Patient or "
    "several, an invalid Patient, or a deceased one",
    "value": {"error": "the Bundle has no Patient",
              "errors": [{"field": "Bundle.entry", "message": "no Patient resource; the "
                          "importer screens one patient's record"}]},
}


@cache
def openapi_document() -> dict:
    from . import openapi_systems  # imports the views' modules, which import this one

    error = {
        "type": "object",
        "required": ["error", "errors"],
        "properties": {
            "error": {"type": "string"},
            "errors": {"type": "array", "items": {
                "type": "object", "required": ["field", "message"],
                "properties": {"field": {"type": "string"}, "message": {"type": "string"}}}},
        },
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "ALL trial pre-screener API",
            "version": "1.2.0",
            "description": "Screens a patient profile against the ALL trials this service "
            "knows: curated trials (criteria files read by a person, source "
            "'criteria-file') and registry trials (read automatically from the local "
            "ClinicalTrials.gov snapshot, source 'ctgov'). Results are a pre-screen: "
            "'likely_eligible' means the study team confirms. Criterion outcomes use "
            "three-valued (Kleene) logic. Every error under /api/ is JSON: "
            "{\"error\": \"...\", \"errors\": [{\"field\", \"message\"}]}.",
        },
        "paths": {
            "/api/v1/screen": {
                "post": {
                    "operationId": "screen",
                    "summary": "Screen one patient against the open curated and registry trials",
                    "description": "By default the patient is screened against every loaded "
                    "trial that is open to enrollment (status RECRUITING, NOT_YET_RECRUITING "
                    "or ENROLLING_BY_INVITATION), curated and registry alike. "
                    "`include_closed: true` screens every loaded trial whatever its status; "
                    "trials named in `trials` are screened whatever their status. Each "
                    "result is a contract screening result whose `trial` object also "
                    "carries status, status_checked, recruiting, url and, for registry "
                    "trials, a note (see TrialLabels).",
                    "parameters": [
                        {"name": "trial", "in": "query", "required": False,
                         "style": "form", "explode": True,
                         "schema": {"type": "array", "items": {
                             "type": "string", "pattern": "^NCT[0-9]{8}$"}},
                         "description": "Screen only these trials (repeat the parameter), "
                         "whatever their status. For FHIR requests, whose Bundle has no "
                         "room for it; with a JSON body it adds to `trials`."},
                        {"name": "include_closed", "in": "query", "required": False,
                         "schema": {"type": "string", "enum": ["true", "false"]},
                         "description": "Also screen trials not open to enrollment "
                         "(FHIR requests; with a JSON body, either this or the body's "
                         "`include_closed` being true is enough)."},
                    ],
                    "requestBody": {"required": True, "content": {
                        "application/fhir+json": {"schema": {
                            "$ref": "#/components/schemas/FhirBundle"}},
                        "application/json": {
                        "schema": {
                            "type": "object", "additionalProperties": False,
                            "required": ["patient"],
                            "properties": {
                                "patient": {"$ref": "#/components/schemas/PatientProfile"},
                                "trials": {"type": "array", "items": {
                                    "type": "string", "pattern": "^NCT[0-9]{8}$"},
                                    "description": "Screen only these trials, whatever "
                                    "their status. Each must be an NCT id of a loaded trial."},
                                "include_closed": {
                                    "type": "boolean", "default": False,
                                    "description": "Also screen trials not open to "
                                    "enrollment (completed, active not recruiting, "
                                    "suspended, ...). Default false: open trials only."},
                            },
                        }}}},
                    "responses": {
                        "200": {"description": "One result per trial screened",
                                "content": {"application/json": {"schema": {
                                    "type": "object", "required": ["results"],
                                    "properties": {
                                        "imported": {"$ref": "#/components/schemas/Imported"},
                                        "results": {"type": "array", "items": {
                                        "allOf": [
                                            {"$ref": "#/components/schemas/ScreeningResult"},
                                            {"type": "object", "properties": {"trial": {
                                                "$ref": "#/components/schemas/TrialLabels"}}},
                                        ]}}}}}}},
                        "400": _error_response(
                            "The body is not JSON (Content-Type application/json), its "
                            "JSON is malformed (the error names the line and column), or "
                            "it nests deeper than 32 levels"),
                        "405": _error_response("Method not allowed (use POST); the Allow "
                                               "header names the methods"),
                        "413": _error_response("The body is larger than the limit (2 MiB)"),
                        "422": _error_response(
                            "The request or the profile breaks the contract, a FHIR body "
                            "cannot be read as one patient's Bundle (not a Bundle, breaks "
                            "FHIR's rules, no Patient or several, an invalid or deceased "
                            "Patient; the error names where), a FHIR resource was sent as "
                            "application/json, or `trials` "
                            "names a trial that is not loaded (a well-formed NCT id this "
                            "service does not know: 'some trials are not loaded', one "
                            "error per trials[i]); each error names the field (patient.*, "
                            "trials[i], include_closed, or an unexpected request field)",
                            {"unknown_trial": UNKNOWN_TRIAL_EXAMPLE,
                             "fhir_bundle": FHIR_ERROR_EXAMPLE}),
                        "429": _error_response("Too many requests from this address; "
                                               "the Retry-After header says when to retry"),
                        "500": _error_response("Internal error; nothing was stored"),
                    },
                }
            },
            "/api/v1/openapi.json": {
                "get": {
                    "operationId": "openapi",
                    "summary": "This OpenAPI document",
                    "responses": {"200": {"description": "The OpenAPI 3.1 document",
                                          "content": {"application/json": {}}}},
                }
            },
            **openapi_systems.paths(),
        },
        "components": {"schemas": {
            "PatientProfile": _patient_profile(),
            "ScreeningResult": _strip(_result_schema()),
            "TrialLabels": TRIAL_LABELS,
            "FhirBundle": FHIR_BUNDLE,
            "Imported": IMPORTED,
            "Error": error,
            **openapi_systems.components(),
        }, "securitySchemes": openapi_systems.security_schemes()},
    }
