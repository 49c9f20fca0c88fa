"""The one explicit operator table: what a rule leaf may say about a field.

A leaf is ``{field: <dotted path>, op: <operator>, value: <operand>}``. Each
operator names the field types it applies to, checks its operand (the linter
reports the problem), compiles to a fast function ``profile -> outcome code``,
and describes itself in plain words for "because" sentences.

Absent answers: a leaf whose field is absent is ``unknown``; for the contract's
screening-visit values (``organ_function.*``) it is ``not_screened``. There is
no type coercion anywhere: the profile was validated against its schema, and
operands are checked here, so ``"18"`` never meets ``18``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .. import vocabulary
from . import ages, performance
from .fields import THERAPIES, Field
from .outcomes import MET, NOT_MET, NOT_SCREENED, UNKNOWN

Evaluator = Callable[[dict], int]


@dataclass(frozen=True)
class Operator:
    """One row of the operator table."""

    name: str
    types: frozenset[str]
    check: Callable[[Field, Any], str | None]  # problem with the operand, or None
    build: Callable[[Field, Any], Callable[[Any], int]]  # value-present evaluator

    def describe(self, field: Field, value: Any) -> str:
        """The requirement in plain English, from the one vocabulary."""
        return vocabulary.requirement(field.path, self.name, value)


def _is_number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


# ---------------------------------------------------------------- operand checks
def _check_enum_value(field: Field, value: Any) -> str | None:
    if not isinstance(value, str) or value not in field.values:
        return f"{value!r} is not a value of {field.path} (one of: {', '.join(field.values)})"
    return None


def _check_enum_list(field: Field, value: Any) -> str | None:
    if not isinstance(value, list) or not value:
        return f"needs a non-empty list of {field.path} values"
    for item in value:
        problem = _check_enum_value(field, item)
        if problem:
            return problem
    return None


def _check_bool(field: Field, value: Any) -> str | None:
    return None if isinstance(value, bool) else f"needs true or false, not {value!r}"


def _check_number(field: Field, value: Any) -> str | None:
    return None if _is_number(value) else f"needs a number, not {value!r}"


def _check_range(field: Field, value: Any) -> str | None:
    if not (isinstance(value, list) and len(value) == 2 and all(map(_is_number, value))):
        return f"needs [low, high], two numbers, not {value!r}"
    if value[0] > value[1]:
        return f"impossible range: low {value[0]} is greater than high {value[1]}"
    return None


def _check_age(field: Field, value: Any) -> str | None:
    try:
        ages.parse_limit(value if isinstance(value, str) else "")
    except ages.AgeLimitError as exc:
        return str(exc)
    return None


def _check_therapy_list(value: Any) -> str | None:
    if not isinstance(value, list) or not value:
        return "needs a non-empty list of therapies"
    for item in value:
        if item not in THERAPIES:
            return f"{item!r} is not a therapy of the profile (one of: {', '.join(THERAPIES)})"
    return None


def _check_therapies(field: Field, value: Any) -> str | None:
    return _check_therapy_list(value)


def _check_therapy_object(required: dict[str, Callable[[Any], bool]]):
    def check(field: Field, value: Any) -> str | None:
        if not isinstance(value, dict):
            return f"needs a mapping with {', '.join(['therapies', *required])}"
        extra = set(value) - {"therapies", *required}
        if extra:
            return f"unexpected key(s) {', '.join(sorted(extra))}"
        problem = _check_therapy_list(value.get("therapies"))
        if problem:
            return problem
        for key, ok in required.items():
            if key not in value or not ok(value[key]):
                return f"{key}: {value.get(key)!r} is not valid"
        return None

    return check


def _check_performance(field: Field, value: Any) -> str | None:
    if not isinstance(value, dict) or set(value) != {"scale", "score"}:
        return "needs {scale: ecog|karnofsky|lansky, score: N}"
    if value["scale"] not in performance.SCALES:
        return f"{value['scale']!r} is not a performance scale (ecog, karnofsky, lansky)"
    if not isinstance(value["score"], int) or isinstance(value["score"], bool):
        return f"score {value['score']!r} is not a whole number"
    return performance.valid_score(value["scale"], value["score"])


# ------------------------------------------------------------- value evaluators
def _decide(condition: bool) -> int:
    return MET if condition else NOT_MET


def _age_evaluator(minimum: bool):
    def build(field: Field, value: str):
        n, unit = ages.parse_limit(value)

        def evaluate(age: dict) -> int:
            lo, hi = ages.completed_range(age, unit)
            if minimum:
                return MET if lo >= n else NOT_MET if hi < n else UNKNOWN
            return MET if hi <= n else NOT_MET if lo > n else UNKNOWN

        return evaluate

    return build


def _received(field: Field, value: list[str]):
    wanted = frozenset(value)

    def evaluate(items: list) -> int:
        for item in items:
            if item["therapy"] in wanted:
                return MET
        return NOT_MET

    return evaluate


def _not_received(field: Field, value: list[str]):
    inner = _received(field, value)
    return lambda items: NOT_MET if inner(items) == MET else MET


def _check_allowed(field: Field, value: Any) -> str | None:
    if value == []:
        return None  # "no therapy at all"
    return _check_therapy_list(value)


def _received_only(field: Field, value: list[str]):
    allowed = frozenset(value)
    return lambda items: _decide(all(i["therapy"] in allowed for i in items))


def _received_where(key: str, make_test):
    """Any of the therapies, received with ``key`` (when, or how it went) passing a test.

    A matching therapy without ``key`` makes the leaf unknown (received, but
    when or how is not known) unless another matching one passes.
    """

    def build(field: Field, value: dict):
        wanted, passes = frozenset(value["therapies"]), make_test(value)

        def evaluate(items: list) -> int:
            result = NOT_MET
            for item in items:
                if item["therapy"] in wanted:
                    detail = item.get(key)
                    if detail is None:
                        result = UNKNOWN
                    elif passes(detail):
                        return MET
            return result

        return evaluate

    return build


#: "Within the last N months" is read strictly: fewer than N months ago. The
#: wizard records whole completed months (1 means 1 to 2 months ago), so an
#: answer of exactly N is never inside an N-month window; for an exact value
#: from a physician's system, a dose exactly N months ago sits on the edge, and
#: an edge must not exclude (clinical safety: no exclusion on a guess).
_received_within = _received_where(
    "months_since_last_dose", lambda v: lambda since: since < v["months"])
_received_months_ago = _received_where(
    "months_since_last_dose", lambda v: lambda since: since >= v["months"])
_received_with_outcome = _received_where(
    "outcome", lambda v: frozenset(v["outcomes"]).__contains__)


def _received_at_least(field: Field, value: dict):
    wanted, count = frozenset(value["therapies"]), value["count"]
    return lambda items: _decide(len({i["therapy"] for i in items} & wanted) >= count)


def _performance_evaluator(at_least: bool):
    def build(field: Field, value: dict):
        target, threshold = value["scale"], value["score"]

        def evaluate(ps: dict) -> int:
            lo, hi = performance.score_range(ps["scale"], ps["score"], target)
            if at_least:
                return MET if lo >= threshold else NOT_MET if hi < threshold else UNKNOWN
            return MET if hi <= threshold else NOT_MET if lo > threshold else UNKNOWN

        return evaluate

    return build


_ENUM = frozenset({"enum"})
_NUM = frozenset({"number", "integer"})

#: The operator table. The linter, the compiler and the JSON Schema of criteria
#: files all read it; nothing else decides what an operator means.
OPERATORS: dict[str, Operator] = {
    op.name: op
    for op in (
        Operator("eq", _ENUM, _check_enum_value,
                 lambda f, v: lambda x: _decide(x == v)),
        Operator("ne", _ENUM, _check_enum_value,
                 lambda f, v: lambda x: _decide(x != v)),
        Operator("in", _ENUM, _check_enum_list,
                 lambda f, v: (lambda s: lambda x: _decide(x in s))(frozenset(v))),
        Operator("not_in", _ENUM, _check_enum_list,
                 lambda f, v: (lambda s: lambda x: _decide(x not in s))(frozenset(v))),
        Operator("is", frozenset({"bool"}), _check_bool,
                 lambda f, v: lambda x: _decide(x is v)),
        Operator("lt", _NUM, _check_number,
                 lambda f, v: lambda x: _decide(x < v)),
        Operator("lte", _NUM, _check_number,
                 lambda f, v: lambda x: _decide(x <= v)),
        Operator("gt", _NUM, _check_number,
                 lambda f, v: lambda x: _decide(x > v)),
        Operator("gte", _NUM, _check_number,
                 lambda f, v: lambda x: _decide(x >= v)),
        Operator("between", _NUM, _check_range,
                 lambda f, v: lambda x: _decide(v[0] <= x <= v[1])),
        Operator("age_at_least", frozenset({"age"}), _check_age, _age_evaluator(True)),
        Operator("age_at_most", frozenset({"age"}), _check_age, _age_evaluator(False)),
        Operator("received", frozenset({"therapies"}), _check_therapies, _received),
        Operator("not_received", frozenset({"therapies"}), _check_therapies, _not_received),
        Operator("received_only", frozenset({"therapies"}), _check_allowed, _received_only),
        Operator("received_within", frozenset({"therapies"}),
                 _check_therapy_object({"months": lambda m: _is_number(m) and m >= 0}),
                 _received_within),
        Operator("received_at_least_months_ago", frozenset({"therapies"}),
                 _check_therapy_object({"months": lambda m: _is_number(m) and m >= 0}),
                 _received_months_ago),
        Operator("received_at_least", frozenset({"therapies"}),
                 _check_therapy_object({"count": lambda c: isinstance(c, int)
                                        and not isinstance(c, bool) and c >= 1}),
                 _received_at_least),
        Operator("received_with_outcome", frozenset({"therapies"}),
                 _check_therapy_object({"outcomes": lambda o: isinstance(o, list) and bool(o)
                                        and set(o) <= {"responded", "refractory",
                                                       "intolerant"}}),
                 _received_with_outcome),
        Operator("performance_at_least", frozenset({"performance"}), _check_performance,
                 _performance_evaluator(True)),
        Operator("performance_at_most", frozenset({"performance"}), _check_performance,
                 _performance_evaluator(False)),
    )
}


def compile_leaf(field: Field, op: Operator, value: Any) -> Evaluator:
    """Compile one leaf into ``profile -> outcome code``.

    The absent-answer policy lives here, once: unknown for pre-screen answers,
    not_screened for screening-visit values.
    """
    evaluate = op.build(field, value)
    absent = NOT_SCREENED if field.screening_visit else UNKNOWN
    keys = field.keys
    if len(keys) == 1:
        key = keys[0]

        def leaf(profile: dict) -> int:
            x = profile.get(key)
            return absent if x is None else evaluate(x)

        return leaf
    outer, inner = keys

    def nested_leaf(profile: dict) -> int:
        container = profile.get(outer)
        x = None if container is None else container.get(inner)
        return absent if x is None else evaluate(x)

    return nested_leaf


def describe_answer(field: Field, profile_value: Any) -> str:
    """The person's answer for ``field``, in plain English."""
    words = vocabulary.answer(field.path, profile_value)
    if field.type == "therapies":
        return "treatments reported: " + words if words else "no treatments were reported"
    if field.type == "performance":
        return words.replace(" ", " performance score is ", 1)
    if field.type == "bool":
        return f"{field.label}: {words}"
    return f"{field.label} is {words}"
