"""The patient profile (shared/contracts/patient-profile.schema.json): parse, validate, describe.

Every entry point (wizard, physician form, FHIR, API, CLI) ends in
``validate_profile``, so they all accept and refuse the same profiles with the
same messages. A message names the field and the problem, e.g.
``age.months: 14 is greater than the maximum of 11``.

Beyond the schema, one check the schema cannot express: a performance score
must exist on its scale (ECOG runs 0-5), since "ECOG 50" is surely a Karnofsky
score entered on the wrong scale and guessing which would risk a wrong verdict.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema

from .eligibility.performance import valid_score

PROFILE_VERSION = 1


class ProfileError(ValueError):
    """A profile that breaks the contract; ``errors`` lists 'field: problem' strings."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("; ".join(errors))


def profile_schema() -> dict:
    """The contract's JSON Schema (a copy ships in the package)."""
    with resources.files("screener.schemas").joinpath("patient-profile.schema.json").open(
        encoding="utf-8"
    ) as fh:
        return json.load(fh)


_VALIDATOR = jsonschema.Draft202012Validator(profile_schema())


def field_path(parts) -> str:
    """Dotted path with list indexes: prior_therapies[0].therapy."""
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _message(error: jsonschema.ValidationError) -> str:
    path = field_path(error.absolute_path)
    if error.validator == "additionalProperties":
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        where = f"{path}." if path else ""
        return "; ".join(f"{where}{name}: is not a field of the patient profile"
                         for name in extra)
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        return f"{path + '.' if path else ''}{missing}: is required"
    if error.validator == "enum":
        allowed = ", ".join(json.dumps(v) for v in error.validator_value)
        return f"{path}: {json.dumps(error.instance)} is not one of {allowed}"
    return f"{path or '(profile)'}: {error.message}"


def validate_profile(data: Any) -> dict:
    """Return ``data`` if it is a contract profile, else raise ProfileError naming every problem."""
    if not isinstance(data, dict):
        raise ProfileError([f"(profile): must be a JSON object, not {type(data).__name__}"])
    errors = [_message(e) for e in sorted(_VALIDATOR.iter_errors(data),
                                          key=lambda e: (list(map(str, e.absolute_path)),
                                                         e.validator))]
    ps = data.get("performance_status")
    if not errors and isinstance(ps, dict):
        problem = valid_score(ps["scale"], ps["score"])
        if problem:
            errors.append(f"performance_status.score: {problem}")
    if errors:
        raise ProfileError(errors)
    return data


def load_profile(path: str | Path) -> dict:
    """Read and validate a profile JSON file."""
    try:
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
    except json.JSONDecodeError as exc:
        raise ProfileError([f"(profile): not valid JSON: {exc.msg} at line {exc.lineno}, "
                            f"column {exc.colno}"]) from None
    except OSError as exc:
        raise ProfileError([f"(profile): cannot read {path}: {exc.strerror}"]) from None
    return validate_profile(data)
