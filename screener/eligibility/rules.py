"""Rule trees: groups (all / any / not / at_least) over typed leaves.

``build_node`` turns a rule mapping from a criteria file into a tree of nodes.
It assumes the mapping passed the linter (``lint.py``); it raises
``RuleError`` rather than guessing if it did not.

Each node offers two evaluations:
- ``fn(profile) -> code``: a compiled closure, the fast path for verdicts;
- ``explain(profile) -> Explanation``: the same outcome plus the plain reasons
  and the missing answers, for results people read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..vocabulary import THERAPIES as THERAPY_WORDS
from . import outcomes
from .fields import FIELDS, Field, get_value
from .operators import OPERATORS, Operator, compile_leaf, describe_answer
from .outcomes import NEGATE, NOT_SCREENED, UNKNOWN


class RuleError(ValueError):
    """A rule mapping that cannot be built (the linter names the same problem)."""


@dataclass(slots=True)
class Explanation:
    """Outcome of a node with the reasons that decided it."""

    code: int
    reasons: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


class Leaf:
    """One comparison on one profile field."""

    __slots__ = ("field", "op", "value", "fn", "requirement")

    def __init__(self, field: Field, op: Operator, value: Any):
        self.field, self.op, self.value = field, op, value
        self.fn = compile_leaf(field, op, value)
        self.requirement = op.describe(field, value)  # constant: worded once

    def fields(self):
        yield self.field.path

    def missing(self, profile: dict) -> list[str]:
        """The answers that would decide this leaf, when it is unknown."""
        return self.missing_when_unknown(profile) if self.fn(profile) == UNKNOWN else []

    def missing_when_unknown(self, profile: dict) -> list[str]:
        if get_value(profile, self.field.keys) is None:
            return [self.field.path]
        return self._missing_parts(profile)

    def explain(self, profile: dict, negated: bool = False) -> Explanation:
        code = self.fn(profile)
        f = self.field
        if code == NOT_SCREENED:
            return Explanation(code, [f"{f.label} is checked at the study's screening visit"])
        answer = get_value(profile, f.keys)
        if answer is None:
            return Explanation(code, [f"no answer yet about {f.label}"], [f.path])
        if code == UNKNOWN:  # answered, but not precisely enough for this rule
            return Explanation(code, [self._imprecise(answer)], self._missing_parts(profile))
        requirement = self.requirement
        if negated:
            requirement = f"not: {requirement}"
        if f.type == "therapies":
            return Explanation(code, [f"{self._therapies(answer)} (checked: {requirement})"])
        return Explanation(code, [f"{describe_answer(f, answer)} (checked: {requirement})"])

    def _therapies(self, items: list) -> str:
        """Only the treatments this rule is about: the rest would hide the reason."""
        value = self.value
        wanted = set(value if isinstance(value, list) else value["therapies"])
        if self.op.name == "received_only":  # about the treatments outside the list
            relevant = [i for i in items if i["therapy"] not in wanted]
            if not relevant:
                return ("only these treatments were reported" if items
                        else "no treatments were reported")
        else:
            relevant = [i for i in items if i["therapy"] in wanted]
        if not relevant:
            return ("none of these treatments was reported" if items
                    else "no treatments were reported")
        parts = []
        for item in relevant:
            text = THERAPY_WORDS.get(item["therapy"], item["therapy"])
            details = []
            if item.get("months_since_last_dose") is not None:
                details.append(f"{_fmt_months(item['months_since_last_dose'])} ago")
            if item.get("outcome"):
                details.append(item["outcome"])
            parts.append(text + (f" ({', '.join(details)})" if details else ""))
        return "reported: " + "; ".join(parts)

    def _imprecise(self, answer: Any) -> str:
        if self.field.type == "age":
            if answer.get("months") is None:
                return (f"{describe_answer(self.field, answer)}, but the months are needed "
                        f"to compare with {self.requirement}")
            return (f"{describe_answer(self.field, answer)}, which could be on either side of "
                    f"{self.requirement}: the study team checks the date of birth")
        if self.op.name in ("received_within", "received_at_least_months_ago"):
            return "how long ago the treatment was given is not known"
        if self.op.name == "received_with_outcome":
            return "how the earlier treatment worked is not known"
        if self.field.type == "performance":
            return (f"{describe_answer(self.field, answer)}, which on another scale could be "
                    f"on either side of {self.op.describe(self.field, self.value)}")
        return f"{describe_answer(self.field, answer)} is not precise enough to decide"

    def _missing_parts(self, profile: dict) -> list[str]:
        """What to ask for when an answer is present but not precise enough."""
        if self.field.type == "age":
            if get_value(profile, self.field.keys).get("months") is None:
                return [f"{self.field.path}.months"]
            # Years and months given, limit in days or weeks: no profile field is
            # more precise, so nothing can be asked; the study team decides.
            return []
        return [self.field.path]


def _fmt_months(n: float) -> str:
    n = int(n) if float(n).is_integer() else n
    return f"{n} month" + ("" if n == 1 else "s")


class Group:
    """``all``, ``any`` or ``at_least`` over child nodes."""

    __slots__ = ("kind", "n", "children", "fn")

    def __init__(self, kind: str, children: list, n: int | None = None):
        self.kind, self.children = kind, children
        self.n = {"all": len(children), "any": 1}.get(kind, n)
        fns = tuple(c.fn for c in children)
        if kind == "all":
            self.fn = lambda p: max([f(p) for f in fns])
        elif kind == "any":
            self.fn = lambda p: outcomes.any_of([f(p) for f in fns])
        else:
            need = self.n
            self.fn = lambda p: outcomes.at_least(need, [f(p) for f in fns])

    def fields(self):
        for child in self.children:
            yield from child.fields()

    def missing(self, profile: dict) -> list[str]:
        """Missing answers of the unknown members, when the group is unknown."""
        return self.missing_when_unknown(profile) if self.fn(profile) == UNKNOWN else []

    def missing_when_unknown(self, profile: dict) -> list[str]:
        out: list[str] = []
        for child in self.children:
            if child.fn(profile) == UNKNOWN:
                out.extend(m for m in child.missing_when_unknown(profile) if m not in out)
        return out

    def explain(self, profile: dict, negated: bool = False) -> Explanation:
        parts = [c.explain(profile, negated) for c in self.children]
        code = outcomes.at_least(self.n, [p.code for p in parts])
        deciding = [p for p in parts if p.code == code]
        missing: list[str] = []
        if code == UNKNOWN:
            for p in parts:
                if p.code == UNKNOWN:
                    missing.extend(m for m in p.missing if m not in missing)
        reasons = [r for p in deciding for r in p.reasons]
        return Explanation(code, reasons, missing)


class Unscreened:
    """A part of a rule the pre-screen cannot judge (always not_screened).

    Lets a group keep an alternative the profile cannot decide ("or ineligible
    for transplant") so that the group is never decided against the person on
    the alternatives we can see.
    """

    __slots__ = ("what", "fn")

    def __init__(self, what: str):
        self.what = what
        self.fn = lambda p: NOT_SCREENED

    def fields(self):
        return iter(())

    def missing(self, profile: dict) -> list[str]:
        return []

    missing_when_unknown = missing

    def explain(self, profile: dict, negated: bool = False) -> Explanation:
        return Explanation(NOT_SCREENED, [f"the study team checks: {self.what}"])


class Not:
    """Swaps met and not_met; keeps both kinds of undecided."""

    __slots__ = ("child", "fn")

    def __init__(self, child):
        self.child = child
        child_fn = child.fn
        self.fn = lambda p: NEGATE[child_fn(p)]

    def fields(self):
        yield from self.child.fields()

    def missing(self, profile: dict) -> list[str]:
        return self.child.missing(profile)

    def missing_when_unknown(self, profile: dict) -> list[str]:
        return self.child.missing_when_unknown(profile)

    def explain(self, profile: dict, negated: bool = False) -> Explanation:
        inner = self.child.explain(profile, not negated)
        return Explanation(NEGATE[inner.code], inner.reasons, inner.missing)


def remaining_wait(node, profile: dict) -> float | None:
    """Months until the longest waiting period the profile is still inside ends, or None.

    A ``received_within`` leaf that holds ("had X fewer than N months ago") is a
    wait that will pass: N minus the months since the dose. Used to tell a person
    from when a wait no longer blocks (criteria/README.md, "Waiting periods").
    """
    longest = None
    if isinstance(node, Leaf):
        if node.op.name == "received_within" and node.fn(profile) == outcomes.MET:
            wanted = set(node.value["therapies"])
            for item in profile.get("prior_therapies") or []:
                since = item.get("months_since_last_dose")
                if item["therapy"] in wanted and since is not None:
                    left = node.value["months"] - since
                    if left > 0 and (longest is None or left > longest):
                        longest = left
        return longest
    children = getattr(node, "children", None) or (
        [node.child] if isinstance(node, Not) else [])
    for child in children:
        left = remaining_wait(child, profile)
        if left is not None and (longest is None or left > longest):
            longest = left
    return longest


def build_node(data: Any):
    """Build a node tree from a (linted) rule mapping."""
    if not isinstance(data, dict):
        raise RuleError(f"a rule must be a mapping, not {data!r}")
    if "field" in data:
        field_ = FIELDS.get(data.get("field"))
        op = OPERATORS.get(data.get("op"))
        if field_ is None or op is None or field_.type not in op.types:
            raise RuleError(f"invalid leaf {data!r}")
        problem = op.check(field_, data.get("value"))
        if problem:
            raise RuleError(problem)
        return Leaf(field_, op, data["value"])
    for kind in ("all", "any"):
        if kind in data:
            return Group(kind, [build_node(c) for c in data[kind]])
    if "not" in data:
        return Not(build_node(data["not"]))
    if "not_screened" in data:
        return Unscreened(str(data["not_screened"]))
    if "at_least" in data:
        return Group("at_least", [build_node(c) for c in data["of"]], data["at_least"])
    raise RuleError(f"not a rule: {data!r}")


