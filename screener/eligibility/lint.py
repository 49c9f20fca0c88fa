"""The criteria linter: a JSON Schema for the shape, then named checks for meaning.

Each problem names the file, the criterion and the check, so that a curator can
find and fix it; ``screener check-criteria`` prints them and exits 1, and the
app refuses to start on the same problems.

Named checks (each has a passing and a failing fixture in tests/eligibility):

- ``yaml``                 the file is not valid YAML
- ``schema``               the file breaks criteria.schema.json (outer shape)
- ``duplicate-id``         two criteria share an id
- ``missing-verbatim-text`` a criterion has no registry text
- ``unknown-field``        a leaf names a field the patient profile does not have
- ``unknown-operator``     a leaf names an operator not in the operator table
- ``operator-wrong-for-field`` the operator does not apply to the field's type
- ``bad-value``            the operand does not fit the operator and field
- ``impossible-range``     a range no answer can satisfy (low > high, or
                           contradictory bounds on one field inside an ``all``)
- ``empty-group``          an all/any/at_least group with no members, or
                           at_least asking for more members than it has
- ``bad-node``             a rule node that is neither a leaf nor a group
- ``registry-age``         a registry age in trial metadata that cannot be read
- ``age-disagrees-with-registry`` the inclusion age rule is missing or says
                           something other than the registry's minimum/maximum age
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from . import ages
from .fields import FIELDS
from .operators import OPERATORS

_GROUP_KEYS = {"all", "any", "not", "at_least", "of"}

# libyaml's C parser when PyYAML has it (5-10x faster start-up), else the pure one;
# both are the *safe* loader: criteria files never construct Python objects.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a criteria file."""

    file: str
    criterion: str  # criterion id, or "-" for the file as a whole
    check: str
    message: str

    def __str__(self) -> str:
        where = "" if self.criterion == "-" else f" criterion '{self.criterion}':"
        return f"{self.file}:{where} [{self.check}] {self.message}"


def criteria_schema() -> dict:
    """The JSON Schema of criteria files (shipped in the package)."""
    with resources.files("screener.schemas").joinpath("criteria.schema.json").open(
        encoding="utf-8"
    ) as fh:
        return json.load(fh)


def _outer_validator() -> jsonschema.Draft202012Validator:
    # Rules are checked by the named checks below, which give clearer messages
    # than a oneOf failure; the schema checks everything around them.
    schema = criteria_schema()
    schema["$defs"]["criterion"]["properties"]["rule"] = {}
    schema["$defs"]["criterion"]["properties"]["text"] = {"type": "string"}
    schema["$defs"]["criterion"]["required"] = ["id", "kind", "plain"]
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


_OUTER = _outer_validator()


def _path(error: jsonschema.ValidationError) -> str:
    out = ""
    for part in error.absolute_path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(file)"


def lint_data(data: Any, file: str) -> list[Problem]:
    """All problems with one parsed criteria file."""
    problems: list[Problem] = []
    if not isinstance(data, dict):
        return [Problem(file, "-", "schema", "the file must be a mapping with trial and criteria")]
    for error in sorted(_OUTER.iter_errors(data), key=lambda e: list(e.absolute_path)):
        crit = "-"
        parts = list(error.absolute_path)
        if len(parts) >= 2 and parts[0] == "criteria" and isinstance(parts[1], int):
            items = data.get("criteria") or []
            item = items[parts[1]] if parts[1] < len(items) else None
            crit = str(item.get("id", f"#{parts[1] + 1}")) if isinstance(item, dict) else "-"
        problems.append(Problem(file, crit, "schema", f"{_path(error)}: {error.message}"))

    trial = data.get("trial") if isinstance(data.get("trial"), dict) else {}
    registry: dict[str, float | None] = {}
    for key in ("minimum_age", "maximum_age"):
        value = trial.get(key)
        registry[key] = None
        if value is not None:
            try:
                registry[key] = ages.limit_in_days(value)
            except ages.AgeLimitError as exc:
                problems.append(Problem(file, "-", "registry-age", f"trial.{key}: {exc}"))

    criteria = data.get("criteria") if isinstance(data.get("criteria"), list) else []
    seen: set[str] = set()
    age_leaves: list[tuple[str, dict]] = []  # every patient must meet these
    nested_age: list[tuple[str, dict]] = []  # anywhere in an inclusion rule
    for index, crit in enumerate(criteria):
        if not isinstance(crit, dict):
            continue
        cid = str(crit.get("id", f"#{index + 1}"))
        if cid in seen:
            problems.append(Problem(file, cid, "duplicate-id",
                                    f"the id '{cid}' is used by more than one criterion"))
        seen.add(cid)
        text = crit.get("text")
        if not isinstance(text, str) or not text.strip():
            problems.append(Problem(file, cid, "missing-verbatim-text",
                                    "the criterion has no verbatim registry text"))
        if "rule" in crit:
            problems.extend(_lint_node(crit["rule"], file, cid, "rule"))
            if crit.get("kind") == "inclusion":
                age_leaves.extend((cid, leaf) for leaf in _top_level_age_leaves(crit["rule"]))
                nested_age.extend((cid, leaf) for leaf in _all_age_leaves(crit["rule"]))
    problems.extend(_lint_registry_age(trial, registry, age_leaves, nested_age, file))
    return problems


def _lint_node(node: Any, file: str, cid: str, where: str) -> list[Problem]:
    def problem(check: str, message: str) -> Problem:
        return Problem(file, cid, check, f"{where}: {message}")

    if not isinstance(node, dict):
        return [problem("bad-node", f"expected a leaf or a group, got {node!r}")]
    if "field" in node or "op" in node:
        return _lint_leaf(node, problem)
    if "not_screened" in node:
        what = node["not_screened"]
        if set(node) != {"not_screened"} or not isinstance(what, str) or not what.strip():
            return [problem("bad-node", "a not_screened node is {not_screened: <what the "
                            "study team checks>} and nothing else")]
        return []
    keys = set(node)
    if not keys or not keys <= _GROUP_KEYS:
        unknown = ", ".join(sorted(keys - _GROUP_KEYS)) or "(none)"
        return [problem("bad-node", f"unknown key(s) {unknown}"
                        "; a node is a leaf (field/op/value), all/any/not/at_least+of, "
                        "or not_screened")]
    out: list[Problem] = []
    for kind in ("all", "any"):
        if kind in node:
            members = node[kind]
            if not isinstance(members, list) or not members:
                out.append(problem("empty-group", f"'{kind}' has no members"))
                continue
            for i, child in enumerate(members):
                out.extend(_lint_node(child, file, cid, f"{where}.{kind}[{i}]"))
            if kind == "all":
                out.extend(problem("impossible-range", m) for m in _contradictions(members))
    if "not" in node:
        out.extend(_lint_node(node["not"], file, cid, f"{where}.not"))
    if "at_least" in node or "of" in node:
        members, n = node.get("of"), node.get("at_least")
        if not isinstance(members, list) or not members:
            out.append(problem("empty-group", "'at_least' has no members in 'of'"))
        elif not isinstance(n, int) or isinstance(n, bool) or n < 1:
            out.append(problem("bad-node", f"at_least must be a whole number from 1, not {n!r}"))
        else:
            if n > len(members):
                out.append(problem("empty-group",
                                   f"at_least {n} of only {len(members)} members can never be met"))
            for i, child in enumerate(members):
                out.extend(_lint_node(child, file, cid, f"{where}.of[{i}]"))
    if len([k for k in ("all", "any", "not", "at_least") if k in node]) > 1:
        out.append(problem("bad-node", "a node must be exactly one of all/any/not/at_least"))
    return out


def _lint_leaf(node: dict, problem) -> list[Problem]:
    extra = set(node) - {"field", "op", "value"}
    if extra or not {"field", "op", "value"} <= set(node):
        return [problem("bad-node", "a leaf has exactly the keys field, op and value")]
    field = FIELDS.get(node["field"])
    if field is None:
        return [problem("unknown-field",
                        f"'{node['field']}' is not a field of the patient profile")]
    op = OPERATORS.get(node["op"])
    if op is None:
        return [problem("unknown-operator", f"'{node['op']}' is not an operator")]
    if field.type not in op.types:
        fitting = sorted(name for name, o in OPERATORS.items() if field.type in o.types)
        return [problem("operator-wrong-for-field",
                        f"'{op.name}' does not apply to {field.path} ({field.type}); "
                        f"use one of: {', '.join(fitting)}")]
    message = op.check(field, node["value"])
    if message:
        check = "impossible-range" if message.startswith("impossible range") else "bad-value"
        return [problem(check, f"{field.path} {op.name}: {message}")]
    return []


_LOWER = {"gt": True, "gte": False}  # strict?
_UPPER = {"lt": True, "lte": False}


def _contradictions(members: list) -> list[str]:
    """Bounds inside one ``all`` group that no single answer can satisfy."""
    lows: dict[str, tuple[float, bool]] = {}
    highs: dict[str, tuple[float, bool]] = {}
    out = []
    for m in members:
        if not (isinstance(m, dict) and "field" in m and m.get("field") in FIELDS):
            continue
        op, value, name = m.get("op"), m.get("value"), m["field"]
        try:
            if op in _LOWER and isinstance(value, int | float):
                lows[name] = max(lows.get(name, (value, _LOWER[op])), (value, _LOWER[op]))
            elif op in _UPPER and isinstance(value, int | float):
                highs[name] = min(highs.get(name, (value, not _UPPER[op])),
                                  (value, not _UPPER[op]))
            elif op == "age_at_least":
                lows[name + "@age"] = max(lows.get(name + "@age", (-1, False)),
                                          (ages.limit_in_days(value), False))
            elif op == "age_at_most":
                # completed units <= N: admits up to N + 1 units, less a day
                n, unit = ages.parse_limit(value)
                top = ages.limit_in_days(f"{n + 1} {unit}") - 1
                highs[name + "@age"] = min(highs.get(name + "@age", (float("inf"), True)),
                                           (top, True))
        except (ages.AgeLimitError, TypeError):
            continue
    for name, (low, low_strict) in lows.items():
        if name in highs:
            high, high_open = highs[name]
            if low > high or (low == high and (low_strict or not high_open)):
                label = name.replace("@age", "")
                out.append(f"the bounds on {label} exclude every value "
                           f"(at least {low:g} and at most {high:g})")
    return out


def _top_level_age_leaves(rule: Any) -> list[dict]:
    """Age leaves that every patient must meet: the rule itself or inside plain ``all``s."""
    if not isinstance(rule, dict):
        return []
    if rule.get("field") == "age":
        return [rule]
    if isinstance(rule.get("all"), list):
        return [leaf for child in rule["all"] for leaf in _top_level_age_leaves(child)]
    return []


def _same_age(leaf: dict, days: float) -> bool:
    try:
        return abs(ages.limit_in_days(leaf.get("value")) - days) <= 1
    except (ages.AgeLimitError, TypeError):
        return False


def _all_age_leaves(rule: Any) -> list[dict]:
    """Age leaves anywhere in a rule (also under any/not/at_least)."""
    if isinstance(rule, dict):
        if rule.get("field") == "age":
            return [rule]
        return [leaf for value in rule.values() for leaf in _all_age_leaves(value)]
    if isinstance(rule, list):
        return [leaf for item in rule for leaf in _all_age_leaves(item)]
    return []


def _lint_registry_age(trial: dict, registry: dict, leaves: list, nested: list,
                       file: str) -> list[Problem]:
    """The registry ages must be rules, and the rules every patient meets must agree.

    A registry limit may sit inside an ``any`` (e.g. when the text gives a wider
    range than the registry, the gap is kept not_screened rather than excluded),
    but a limit that applies to everyone must be the registry's.
    """
    out = []
    for key, op, word in (("minimum_age", "age_at_least", "minimum"),
                          ("maximum_age", "age_at_most", "maximum")):
        limit = registry.get(key)
        if limit is None:
            continue
        matching = [(cid, leaf) for cid, leaf in leaves if leaf.get("op") == op]
        anywhere = [leaf for _, leaf in nested if leaf.get("op") == op and _same_age(leaf, limit)]
        if not matching and not anywhere:
            out.append(Problem(file, "-", "age-disagrees-with-registry",
                               f"the registry {word} age is {trial[key]} but no inclusion "
                               f"criterion has an {op} rule for it"))
        for cid, leaf in matching:
            try:
                days = ages.limit_in_days(leaf.get("value"))
            except (ages.AgeLimitError, TypeError):
                continue  # reported as bad-value
            if abs(days - limit) > 1:
                out.append(Problem(file, cid, "age-disagrees-with-registry",
                                   f"the rule says {op} {leaf.get('value')} but the registry "
                                   f"{word} age is {trial[key]}"))
    return out


def load_yaml(path: Path) -> tuple[Any, list[Problem]]:
    """Parse a criteria file; a YAML error becomes a ``yaml`` problem."""
    try:
        with open(path, encoding="utf-8") as fh:
            return yaml.load(fh, Loader=_SAFE_LOADER), []  # noqa: S506 (a safe loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        reason = getattr(exc, "problem", None) or str(exc)
        return None, [Problem(str(path), "-", "yaml", f"not valid YAML{where}: {reason}")]
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Problem(str(path), "-", "yaml", f"cannot be read: {exc}")]
