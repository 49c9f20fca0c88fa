"""One walker that puts any rule into words, in any language of the catalogue.

Curated files carry their own hand-written sentences; rules read from the
registry, the engine's "checked: ..." explanations and every other place a rule
is said come through here, so the same rule reads the same everywhere. Pure
Python: no Flask, no eligibility imports (the engine imports this).

English is the message id; another language raises ``Untranslated`` for any
word it has no translation for, and ``sentence`` then answers None, so a page
shows the English sentence marked as such rather than a half-translated one.
"""

from __future__ import annotations

import re
from typing import Any

from .catalog import ENGLISH, N_, Speaker, Untranslated, speaker
from .words import LABELS, OUTCOMES, SCALES, THERAPIES, UNITS, VALUES

# Said when part of a group was left to the study team (once per group).
OR_MORE = N_("or another situation the study team checks")
AND_MORE = N_("and more that the study team checks")
_DETAILS = N_("the study team checks the details")
_NEAR_EDGE = N_("near the limit, the study team checks")


# --------------------------------------------------------------------- small words
def number(x: Any, lang: str = ENGLISH) -> str:
    """12 / 2.5 (English) / 2,5 (Spanish): whole floats without their ".0"."""
    if isinstance(x, float) and x.is_integer():
        x = int(x)
    text = str(x)
    return text.replace(".", ",") if lang != ENGLISH and isinstance(x, float) else text


def days_of(months: float) -> int | None:
    """Whole days, when ``months`` came from days or weeks (30.4375 days a month): 3.285
    months is 100 days. None for a whole number of months."""
    if abs(months - round(months)) < 0.01:
        return None
    return round(months * 30.4375)


def _count(unit: str, n: Any, say: Speaker, lang: str) -> str:
    one, many = UNITS[unit]
    return say(one if n == 1 else many, n=number(n, lang))


def duration(months: float, say: Speaker, lang: str) -> str:
    """A wait in the unit the text gave it: "100 days", "4 weeks", "3 months"."""
    days = days_of(months)
    if days is not None:
        return _count("week", days // 7, say, lang) if days % 7 == 0 else _count(
            "day", days, say, lang)
    return _count("month", months, say, lang)


_AGE = re.compile(r"\s*(\d+(?:\.\d+)?)\s+([A-Za-z]+?)s?\s*")


def age_limit(limit: str, say: Speaker, lang: str) -> tuple[str, str]:
    """ "21 Years" -> ("21 years", "years") in words, with the unit's plural."""
    m = _AGE.fullmatch(limit or "")
    unit = m.group(2).lower() if m else ""
    if unit not in UNITS:
        if lang != ENGLISH:
            raise Untranslated(limit)
        return limit.lower(), ""
    n = float(m.group(1))
    n = int(n) if n.is_integer() else n
    return _count(unit, n, say, lang), say(UNITS[unit][1], n="").strip()


def label(path: str, say: Speaker, lang: str) -> str:
    if path in LABELS:
        return say(LABELS[path])
    if lang != ENGLISH:
        raise Untranslated(path)
    return path.replace("_", " ")


#: Fields held as a fraction but said as a percentage (an MRD level of 0.0001 is "0.01%",
#: as reports and criteria write it).
PERCENT_OF_FRACTION = frozenset({"mrd.level"})


def percent(fraction: float, lang: str) -> str:
    """0.0001 -> "0.01%" (Spanish "0,01 %")."""
    text = f"{fraction * 100:.6g}"
    return (text + "%") if lang == ENGLISH else text.replace(".", ",") + " %"


def field_value(path: str, v: Any, say: Speaker, lang: str) -> str:
    """A value of ``path`` in words: a fraction said as a percentage where people do."""
    if path in PERCENT_OF_FRACTION and isinstance(v, int | float) and not isinstance(v, bool):
        return percent(v, lang)
    return value(v, say, lang)


def value(v: Any, say: Speaker, lang: str) -> str:
    if isinstance(v, bool):
        return say(N_("yes") if v else N_("no"))
    if isinstance(v, int | float):
        return number(v, lang)
    if v in VALUES:
        return say(VALUES[v])
    if lang != ENGLISH:
        raise Untranslated(str(v))
    return str(v).replace("_", " ")


def either(words: list[str], say: Speaker) -> str:
    """ "a, b or c" (a list of alternatives)."""
    if len(words) == 1:
        return words[0]
    return say(N_("%(some)s or %(last)s"), some=", ".join(words[:-1]), last=words[-1])


def therapies(names: list[str], say: Speaker, lang: str) -> str:
    words = []
    for name in names:
        if name in THERAPIES:
            words.append(say(THERAPIES[name]))
        elif lang != ENGLISH:
            raise Untranslated(name)
        else:
            words.append(name)
    return either(words, say)


# ------------------------------------------------------------------------ leaves
def requirement(path: str, op: str, v: Any, lang: str = ENGLISH) -> str:
    """One leaf's requirement in words ("bone marrow blasts (%) at least 5")."""
    say = speaker(lang)
    return _requirement(path, op, v, say, lang)


def _requirement(path: str, op: str, v: Any, say: Speaker, lang: str) -> str:
    if op == "is":
        return say(N_("%(field)s: %(value)s"), field=label(path, say, lang),
                   value=value(v, say, lang))
    if op in _COMPARE:
        return say(_COMPARE[op], field=label(path, say, lang),
                   value=field_value(path, v, say, lang))
    if op in ("in", "not_in"):
        words = N_("%(field)s is one of: %(values)s") if op == "in" else N_(
            "%(field)s is none of: %(values)s")
        return say(words, field=label(path, say, lang),
                   values=", ".join(value(x, say, lang) for x in v))
    if op == "between":
        if v[0] == v[1]:
            return say(N_("%(field)s: exactly %(value)s"), field=label(path, say, lang),
                       value=number(v[0], lang))
        return say(N_("%(field)s from %(low)s to %(high)s"), field=label(path, say, lang),
                   low=field_value(path, v[0], say, lang), high=field_value(path, v[1], say, lang))
    if op in ("age_at_least", "age_at_most"):
        words, units = age_limit(v, say, lang)
        if op == "age_at_least":
            return say(N_("%(field)s at least %(age)s"), field=label(path, say, lang), age=words)
        return say(N_("%(field)s at most %(age)s (counted in completed %(units)s)"),
                   field=label(path, say, lang), age=words, units=units)
    if op in _THERAPY:
        return _therapy(op, v, say, lang)
    if op in ("performance_at_least", "performance_at_most"):
        words = N_("%(scale)s score at least %(score)s") if op == "performance_at_least" else N_(
            "%(scale)s score at most %(score)s")
        return say(words, scale=SCALES.get(v["scale"], v["scale"]), score=number(v["score"]))
    raise Untranslated(op)


_COMPARE = {
    "eq": N_("%(field)s is %(value)s"),
    "ne": N_("%(field)s is not %(value)s"),
    "lt": N_("%(field)s below %(value)s"),
    "lte": N_("%(field)s at most %(value)s"),
    "gt": N_("%(field)s above %(value)s"),
    "gte": N_("%(field)s at least %(value)s"),
}
_THERAPY = frozenset({"received", "not_received", "received_only", "received_within",
                      "received_at_least_months_ago", "received_at_least",
                      "received_with_outcome"})


def _therapy(op: str, v: Any, say: Speaker, lang: str) -> str:
    if op == "received":
        return say(N_("has had %(therapies)s"), therapies=therapies(v, say, lang))
    if op == "not_received":
        return say(N_("has not had %(therapies)s"), therapies=therapies(v, say, lang))
    if op == "received_only":
        if not v:
            return say(N_("has had no treatment"))
        return say(N_("has had no treatment other than %(therapies)s"),
                   therapies=therapies(v, say, lang))
    names = therapies(v["therapies"], say, lang)
    if op == "received_within":
        return say(N_("has had %(therapies)s in the last %(time)s"), therapies=names,
                   time=duration(v["months"], say, lang))
    if op == "received_at_least_months_ago":
        return say(N_("has had %(therapies)s at least %(time)s ago"), therapies=names,
                   time=duration(v["months"], say, lang))
    if op == "received_at_least":
        return say(N_("has had at least %(count)s of: %(therapies)s"), therapies=names,
                   count=v["count"])
    outcomes = []
    for outcome in v["outcomes"]:
        if outcome not in OUTCOMES:
            raise Untranslated(outcome)
        outcomes.append(say(OUTCOMES[outcome]))
    return say(N_("has had %(therapies)s with the result: %(outcomes)s"), therapies=names,
               outcomes=say(N_("%(some)s or %(last)s"), some=", ".join(outcomes[:-1]),
                            last=outcomes[-1]) if len(outcomes) > 1 else outcomes[0])


def _leaf(rule: dict, say: Speaker, lang: str) -> str:
    """A leaf as a condition inside a rule: a yes/no field is named, or "no <field>"."""
    if rule["op"] == "is":
        name = label(rule["field"], say, lang)
        if rule["value"]:
            return name
        if lang == ENGLISH:
            name = re.sub(r"^an? ", "", name)
        return say(N_("no %(field)s"), field=name)
    return _requirement(rule["field"], rule["op"], rule["value"], say, lang)


# -------------------------------------------------------------------- rule shapes
def implication(rule: dict) -> tuple[dict, dict] | None:
    """(condition, requirement) of any[not condition, requirement], the shape of "if X: Y"."""
    members = rule.get("any")
    if isinstance(members, list) and len(members) == 2 and "not" in members[0] and (
            "not_screened" not in members[1]):
        return members[0]["not"], members[1]
    return None


def edge_wait(rule: dict) -> dict | None:
    """The longer wait of any[within A, all[within B, not_screened]] (a wait in days whose
    edge month the study team checks), to be said once: "in the last 100 days"."""
    members = rule.get("any")
    if not (isinstance(members, list) and len(members) == 2):
        return None
    short, edge = members
    inner = edge.get("all") if isinstance(edge, dict) else None
    if not (isinstance(inner, list) and len(inner) == 2 and "not_screened" in inner[1]):
        return None
    long = inner[0]
    for leaf in (short, long):
        if leaf.get("op") not in ("received_within", "received_at_least_months_ago",
                                  "age_at_least", "age_at_most"):
            return None
    if short["op"] != long["op"] or short["field"] != long["field"]:
        return None
    if short["op"].startswith("received") and (
            sorted(short["value"]["therapies"]) != sorted(long["value"]["therapies"])):
        return None
    return long  # (an age "over 75" that excludes: from 76, and 75 for the study team)


def cohort_scope(rule: dict) -> tuple[dict, dict] | None:
    """(rule, who) of a criterion scoped to one cohort of the study (``assemble._scoped``):
    all[R, any[who, (not R), not_screened]] for an exclusion, any[R, all[not who,
    not_screened]] for a requirement -- said as "R (in the part of the study for who)"."""
    if isinstance(rule.get("all"), list) and len(rule["all"]) == 2:
        inner, scope = rule["all"]
        members = scope.get("any") if isinstance(scope, dict) else None
        if (isinstance(members, list) and members and members[0].get("field") == "diagnosis"
                and "not_screened" in members[-1]
                and all(m == {"not": _core(inner)} for m in members[1:-1])):
            return inner, members[0]
    if isinstance(rule.get("any"), list) and len(rule["any"]) == 2:
        inner, other = rule["any"]
        parts = other.get("all") if isinstance(other, dict) else None
        if (isinstance(parts, list) and len(parts) == 2 and "not" in parts[0]
                and parts[0]["not"].get("field") == "diagnosis" and "not_screened" in parts[1]):
            return inner, parts[0]["not"]
    return None


def _core(rule: dict) -> dict:
    """What ``_scoped`` asks about: the read members of an any[...] with unread ones."""
    seen = [r for r in rule.get("any", []) if "not_screened" not in r]
    return seen[0] if len(seen) == 1 else {"any": seen}


def seen_part(rule: dict) -> tuple[dict | None, bool]:
    """A group without its not_screened members, and whether it had any."""
    for key in ("all", "any"):
        if key in rule:
            kept = [r for r in rule[key] if "not_screened" not in r]
            unseen = len(kept) < len(rule[key])
            if not kept:
                return None, unseen
            return (kept[0] if len(kept) == 1 else {key: kept}), unseen
    return rule, False


def _unique(words) -> list[str]:
    """Each description once ("Down syndrome; Down syndrome" read from two wordings)."""
    return list(dict.fromkeys(w for w in words if w))


# ------------------------------------------------------------------------ walker
def describe(rule: dict, lang: str = ENGLISH) -> str:
    """A rule in plain words (no capital, no full stop); "" for what is left unread.

    Raises ``Untranslated`` when ``lang`` lacks a word the rule needs.
    """
    return _Walker(lang).describe(rule)


class _Walker:
    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.say = speaker(lang)
        self.suffixes = tuple(f" ({self.say(m)})" for m in (OR_MORE, AND_MORE))

    def describe(self, rule: dict) -> str:
        say = self.say
        if "field" in rule:
            return _leaf(rule, say, self.lang)
        if "not_screened" in rule:
            return ""  # said once by the group that holds it (below)
        edge = edge_wait(rule)
        if edge:
            return f"{self.describe(edge)} ({say(_NEAR_EDGE)})"
        scoped = cohort_scope(rule)
        if scoped:
            inner, who = (self.describe(r) for r in scoped)
            return say(N_("%(rule)s (in the part of the study for: %(who)s)"), rule=inner,
                       who=who) if inner else ""
        implied = implication(rule)
        if implied:
            condition, then = (self.describe(r) for r in implied)
            return say(N_("if %(condition)s: %(then)s"), condition=condition,
                       then=then) if condition and then else ""
        if "not" in rule:
            seen, unseen = seen_part(rule["not"])
            inner = self.describe(seen) if seen else ""
            if not inner:
                return ""
            return say(N_("not (%(rule)s)"), rule=inner) + (
                f" ({say(_DETAILS)})" if unseen else "")
        if "any" in rule:
            # (N_ outside the f-string: string extraction does not look inside one)
            return self.group("any", rule["any"], " " + say(N_("or")) + " ", self.suffixes[0])
        if "all" in rule:
            return self.group("all", rule["all"], "; ", self.suffixes[1])
        if self.lang != ENGLISH:
            raise Untranslated(str(rule))
        return ""

    def group(self, key: str, children: list, joiner: str, more: str) -> str:
        """An all/any group in words.

        A group of the other kind inside it is put in brackets ("in remission; (newly
        diagnosed or refractory)" would otherwise read as three flat parts), and the
        "and more that the study team checks" closing a nested group is not said twice.
        """
        parts = []
        other = "all" if key == "any" else "any"
        for child in children:
            words = self.describe(child)
            if words and other in child and sum(1 for c in child[other]
                                                if "not_screened" not in c) > 1:
                words = f"({words})"
            parts.append(words)
        words = joiner.join(_unique(parts))
        unseen = any("not_screened" in r for r in children)
        if not words or not unseen or any(words.endswith(end) or words.endswith(end + ")")
                                          for end in self.suffixes):
            return words  # one "the study team checks" closing the words is enough
        return words + more


def sentence(rule: dict, lang: str = ENGLISH) -> str | None:
    """The rule as one sentence ("Type of ALL is B-cell ALL."), or None when nothing of it
    has words, or ``lang`` lacks a word it needs."""
    try:
        words = describe(rule, lang)
    except Untranslated:
        return None
    return words[:1].upper() + words[1:] + "." if words else None


def age_sentence(minimum: str | None, maximum: str | None, lang: str = ENGLISH) -> str | None:
    """The registry's structured age limits as one sentence, or None."""
    say = speaker(lang)
    try:
        low = age_limit(minimum, say, lang)[0] if minimum else None
        high = age_limit(maximum, say, lang)[0] if maximum else None
    except Untranslated:
        return None
    if low and high:
        return say(N_("Aged at least %(low)s old and at most %(high)s old (in completed "
                      "units)."), low=low, high=high)
    if low:
        return say(N_("Aged at least %(low)s old."), low=low)
    if high:
        return say(N_("Aged at most %(high)s old (in completed units)."), high=high)
    return None


def answer(path: str, given: Any, lang: str = ENGLISH) -> str:
    """A profile answer's value in words: "12 years 3 months", "imatinib (Gleevec),
    steroids", "ECOG 1", "yes", "B-cell ALL" ("" for an empty list of treatments)."""
    say = speaker(lang, strict=False)  # an answer is always said, English if need be
    if path in ("age", "age_at_diagnosis"):
        words = _count("year", given["years"], say, lang)
        if given.get("months") is not None:
            words += " " + _count("month", given["months"], say, lang)
        return words
    if path == "prior_therapies":
        return ", ".join(say(THERAPIES[t["therapy"]]) if t["therapy"] in THERAPIES
                         else t["therapy"] for t in given)
    if path == "performance_status":
        return f"{SCALES.get(given['scale'], given['scale'])} {number(given['score'], lang)}"
    return field_value(path, given, say, lang)
