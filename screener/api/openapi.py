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


@cache
def openapi_document() -> dict:
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
            "version": "1.0.0",
            "description": "Screens a patient profile against the ALL trials this service "
            "knows. Results are a pre-screen: 'likely_eligible' means the study team "
            "confirms. Criterion outcomes use three-valued (Kleene) logic.",
        },
        "paths": {
            "/api/v1/screen": {
                "post": {
                    "operationId": "screen",
                    "summary": "Screen one patient against curated trials",
                    "requestBody": {"required": True, "content": {"application/json": {
                        "schema": {
                            "type": "object", "additionalProperties": False,
                            "required": ["patient"],
                            "properties": {
                                "patient": {"$ref": "#/components/schemas/PatientProfile"},
                                "trials": {"type": "array", "items": {
                                    "type": "string", "pattern": "^NCT[0-9]{8}$"},
                                    "description": "Limit screening to these trials."},
                            },
                        }}}},
                    "responses": {
                        "200": {"description": "One result per trial",
                                "content": {"application/json": {"schema": {
                                    "type": "object", "required": ["results"],
                                    "properties": {"results": {"type": "array", "items": {
                                        "$ref": "#/components/schemas/ScreeningResult"}}}}}}},
                        "400": {"description": "The body is not JSON",
                                "content": {"application/json": {"schema": {
                                    "$ref": "#/components/schemas/Error"}}}},
                        "422": {"description": "The request or the profile breaks the "
                                "contract; each error names the field",
                                "content": {"application/json": {"schema": {
                                    "$ref": "#/components/schemas/Error"}}}},
                    },
                }
            }
        },
        "components": {"schemas": {
            "PatientProfile": _strip(profile_schema()),
            "ScreeningResult": _strip(_result_schema()),
            "Error": error,
        }},
    }
