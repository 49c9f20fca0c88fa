"""The profile fields a rule may test, with their type and a plain label.

This table is the single place that says which parts of the patient profile
(``screener/schemas/patient-profile.schema.json``) criteria can look at. The
linter rejects any other field, and the operator table in ``operators.py`` says
which operators each *type* accepts.

Field paths are dotted (``infections.hiv``). ``screening_visit`` marks the
contract's "screening-visit values" (everything under ``organ_function``): when
such a value is absent a criterion on it is ``not_screened``, not ``unknown``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from importlib import resources

from ..vocabulary.words import LABELS


@dataclass(frozen=True)
class Field:
    """One testable profile field."""

    path: str
    type: str  # enum | bool | number | integer | age | therapies | performance
    label: str  # plain words, used in "because" sentences
    values: tuple[str, ...] = ()  # allowed values for enum fields
    screening_visit: bool = False

    @cached_property
    def keys(self) -> tuple[str, ...]:
        return tuple(self.path.split("."))


def _profile_schema() -> dict:
    with resources.files("screener.schemas").joinpath(
        "patient-profile.schema.json"
    ).open(encoding="utf-8") as fh:
        return json.load(fh)



# Profile properties that are not criteria material: bookkeeping and location
# (location decides distance, shown beside results, never eligibility).
_NOT_TESTABLE = {"profile_version", "location"}


def _build_fields() -> dict[str, Field]:
    schema = _profile_schema()
    fields: dict[str, Field] = {}

    def add(path: str, spec: dict, screening_visit: bool = False) -> None:
        if path in ("age", "age_at_diagnosis"):
            kind = "age"
        elif path == "prior_therapies":
            kind = "therapies"
        elif path == "performance_status":
            kind = "performance"
        elif "enum" in spec:
            kind = "enum"
        elif spec.get("type") == "boolean":
            kind = "bool"
        elif spec.get("type") == "integer":
            kind = "integer"
        elif spec.get("type") == "number":
            kind = "number"
        else:  # an object: descend
            for name, sub in spec.get("properties", {}).items():
                add(f"{path}.{name}", sub, screening_visit or path == "organ_function")
            return
        fields[path] = Field(
            path=path,
            type=kind,
            label=LABELS.get(path, path.replace("_", " ")),
            values=tuple(spec.get("enum", ())),
            screening_visit=screening_visit,
        )

    for name, spec in schema["properties"].items():
        if name not in _NOT_TESTABLE:
            add(name, spec)
    return fields


#: Every testable field, by dotted path.
FIELDS: dict[str, Field] = _build_fields()

#: Therapy names a rule may mention (the profile's prior_therapies enum).
THERAPIES: tuple[str, ...] = tuple(
    _profile_schema()["properties"]["prior_therapies"]["items"]["properties"]["therapy"][
        "enum"
    ]
)



def get_value(profile: dict, keys: tuple[str, ...]):
    """Return the value at ``keys`` in ``profile``, or None when any level is absent."""
    value = profile
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
        if value is None:
            return None
    return value
