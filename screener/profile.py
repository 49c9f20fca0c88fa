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

import itertools
import json
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema

from .eligibility.performance import valid_score

PROFILE_VERSION = 1


class ProfileError(ValueError):
    """A profile that breaks the contract; ``errors`` lists 'field: problem' strings.

    ``more`` is True when validation stopped at MAX_ERRORS with problems left unlisted.
    """

    def __init__(self, errors: list[str], more: bool = False):
        self.errors, self.more = errors, more
        super().__init__("; ".join(errors))


def profile_schema() -> dict:
    """The contract's JSON Schema (a copy ships in the package)."""
    with resources.files("screener.schemas").joinpath("patient-profile.schema.json").open(
        encoding="utf-8"
    ) as fh:
        return json.load(fh)


#: Validation stops after this many problems and cuts each message to MAX_MESSAGE
#: characters. Failure policy: a huge or broken profile (up to the 2 MiB body
#: limit) gets a short answer quickly; it must never hold a worker for seconds or
#: answer megabytes of errors. Every problem found is still named by its field.
MAX_ERRORS = 20
MAX_MESSAGE = 200

_ITEMS = jsonschema.Draft202012Validator.VALIDATORS["items"]


def _items_unless_too_many(validator, items, instance, schema):
    """``items``, skipped for an array longer than its ``maxItems`` (reported once as too long,
    instead of checking its 100,000 entries one by one)."""
    limit = schema.get("maxItems")
    if limit is not None and validator.is_type(instance, "array") and len(instance) > limit:
        return
    yield from _ITEMS(validator, items, instance, schema)


_VALIDATOR = jsonschema.validators.extend(
    jsonschema.Draft202012Validator, {"items": _items_unless_too_many})(profile_schema())


def clip(message: str) -> str:
    """``message`` cut to MAX_MESSAGE characters (it can quote a huge value)."""
    return message if len(message) <= MAX_MESSAGE else message[:MAX_MESSAGE - 1] + "…"


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
    if error.validator == "maxItems":
        return f"{path}: has {len(error.instance)} items; at most {error.validator_value}"
    if error.validator == "maxLength":
        return (f"{path}: is {len(error.instance)} characters long; "
                f"at most {error.validator_value}")
    if error.validator == "enum":
        allowed = ", ".join(json.dumps(v) for v in error.validator_value)
        return f"{path}: {json.dumps(error.instance)} is not one of {allowed}"
    return f"{path or '(profile)'}: {error.message}"


def validate_profile(data: Any) -> dict:
    """Return ``data`` if it is a contract profile, else raise ProfileError naming its problems
    (every one, up to MAX_ERRORS)."""
    if not isinstance(data, dict):
        raise ProfileError([f"(profile): must be a JSON object, not {type(data).__name__}"])
    found = list(itertools.islice(_VALIDATOR.iter_errors(data), MAX_ERRORS + 1))
    more = len(found) > MAX_ERRORS
    errors = [clip(_message(e)) for e in sorted(found[:MAX_ERRORS], key=lambda e: (
        list(map(str, e.absolute_path)), e.validator))]
    ps = data.get("performance_status")
    if not errors and isinstance(ps, dict):
        problem = valid_score(ps["scale"], ps["score"])
        if problem:
            errors.append(f"performance_status.score: {problem}")
    if errors:
        raise ProfileError(errors, more)
    return data


#: Below this age a girl is not asked about pregnancy: it cannot apply.
PREGNANCY_MIN_AGE = 10


def pregnancy_can_apply(sex: str | None, years: int | None) -> bool:
    """Whether pregnancy or breastfeeding can be about this person: not for a male, nor
    for a girl under PREGNANCY_MIN_AGE; yes for anyone else, including when the sex or the
    age is not known. Where it cannot apply, the wizard does not ask and records
    ``pregnant_or_breastfeeding: false``, and results never show a rule only about it."""
    if sex == "male":
        return False
    return not (sex == "female" and years is not None and years < PREGNANCY_MIN_AGE)


def cannot_apply(profile: dict) -> set[str]:
    """Profile fields that cannot be about this person (pregnancy, see above)."""
    years = (profile.get("age") or {}).get("years")
    if pregnancy_can_apply(profile.get("sex"), years):
        return set()
    return {"pregnant_or_breastfeeding"}


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
