"""Readings that depend on the whole study, not on one item alone.

One item says "acute lymphoblastic leukemia"; whether that lets in mixed-phenotype
leukemia or lymphoblastic lymphoma depends on whether the study speaks of them
anywhere. Each function here takes a study's read criteria (criteria-file
mappings) and its whole eligibility text.
"""

from __future__ import annotations

import re

from .assemble import _plain
from .concepts import _ALL_OF_ANY_LINEAGE

#: Words that name mixed-phenotype (ambiguous-lineage) leukemia.
_MIXED_WORDS = re.compile(r"mixed[- ]?(?:phenotype|lineage|immunophenotyp|forms?\s+of)|\bmpal\b|"
                          r"biphenotypic|bilineal|bilineage|ambiguous\s+lineage", re.I)
#: Words that name lymphoblastic lymphoma (or lymphoma at all).
_LYMPHOMA_WORDS = re.compile(r"lymphoma|\blbl\b|\blly\b|\b[bt]-?ll\b", re.I)


def lineage_in_context(criteria: list[dict], text: str) -> list[dict]:
    """"ALL" with no lineage is B- or T-cell ALL unless the study speaks of the neighbours.

    A careful reader takes "Patient must be diagnosed with acute lymphoblastic
    leukemia" to mean B- or T-cell ALL: mixed-phenotype leukemia and lymphoblastic
    lymphoma are other diagnoses (WHO), and a study that takes them says so. Only
    where the study's text names one of them anywhere (a cohort, a permission, an
    exclusion) does a person with it stay a question for the study team, never
    a "not eligible" on a guess.
    """
    keep = [value for value, words in (("mixed_phenotype", _MIXED_WORDS),
                                       ("lymphoblastic_lymphoma", _LYMPHOMA_WORDS))
            if words.search(text)]
    if len(keep) == 2:
        return criteria
    plain_all = _ALL_OF_ANY_LINEAGE["any"][0]
    narrowed = plain_all if not keep else {"any": [plain_all, {"all": [
        {"field": "diagnosis", "op": "in", "value": keep},
        _ALL_OF_ANY_LINEAGE["any"][1]["all"][1]]}]}

    def walk(node):
        if node == _ALL_OF_ANY_LINEAGE:
            return narrowed
        if isinstance(node, dict):
            for key in ("all", "any"):
                if key in node:
                    return {**node, key: [walk(c) for c in node[key]]}
            if "not" in node:
                return {**node, "not": walk(node["not"])}
        return node

    for crit in criteria:
        if "rule" in crit and crit["id"] not in ("age", "sex"):
            rule = walk(crit["rule"])
            if rule != crit["rule"]:
                crit["rule"], crit["plain"] = rule, _plain(rule)
    return criteria


#: Fields whose values no one holds two of at once: an item that requires one value while
#: another inclusion speaks of people with another is one situation among several.
_EXCLUSIVE = ("diagnosis", "philadelphia_chromosome", "disease_status", "cd19", "cd22")
OTHER_SITUATION = "another situation the study lists beside this one (a separate item)"


def _required(rule: dict, field: str) -> set | None:
    """The values of ``field`` the rule cannot be met without (None: any value may do)."""
    if rule.get("field") == field and rule.get("op") in ("eq", "in"):
        value = rule["value"]
        return {value} if isinstance(value, str) else set(value)
    if "all" in rule:
        sets = [x for x in (_required(r, field) for r in rule["all"]) if x is not None]
        return set.intersection(*sets) if sets else None
    if "any" in rule:
        sets = [_required(r, field) for r in rule["any"]]
        return None if any(x is None for x in sets) else set().union(*sets)
    return None


def _named(rule: dict, field: str) -> set:
    """Values of ``field`` the rule names as people's own (a plain "not" names nobody; the
    "whom" of an implication, any[not whom, requirement], names people who may join)."""
    if rule.get("field") == field and rule.get("op") == "eq":
        return {rule["value"]}
    out: set = set()
    for key in ("all", "any"):
        for r in rule.get(key, []):
            if key == "any" and set(r) == {"not"} and len(rule["any"]) > 1:
                out |= _named(r["not"], field)
            else:
                out |= _named(r, field)
    return out


def alternatives_in_context(criteria: list[dict]) -> list[dict]:
    """Inclusions that require what another inclusion says some participants do not have.

    "Ph-positive ALL in first relapse" and "Ph-negative ALL in second relapse" as two
    items are two situations, one of which each participant is in (the text lists them
    as bullets with no "or"): neither is required of everyone. An item that requires one
    value of a field no one holds two of (lineage, Ph, disease state, CD19/CD22) while
    another inclusion names people with another value leaves the rest to the study team:
    any[rule, not_screened] -- it can still be met, never rule anyone out alone.
    """
    inclusions = [c for c in criteria if c["kind"] == "inclusion" and c.get("rule")
                  and c["id"] not in ("age", "sex")]
    for crit in inclusions:
        for field in _EXCLUSIVE:
            needs = _required(crit["rule"], field)
            if not needs:
                continue
            others = set().union(*(_named(o["rule"], field) for o in inclusions if o is not crit))
            if others - needs:
                rule = {"any": [crit["rule"], {"not_screened": OTHER_SITUATION}]}
                crit["rule"], crit["plain"] = rule, _plain(rule)
                break
    return criteria


_UPPER = (r"<|≤|=<|<=|</=|less\s+than(?:\s+or\s+equal\s+to)?|under|younger\s+than|up\s+to|below|"
          r"not\s+older\s+than|no\s+older\s+than|at\s+most|maximum(?:\s+of)?")
_LOWER = (r">|≥|>=|=>|>/=|(?:greater|more)\s+than(?:\s+or\s+equal\s+to)?|over|older\s+than|"
          r"at\s+least|above|minimum(?:\s+of)?")
#: An age the text states: "< 66 years of age", "older than 65 years", "aged 18-60 years",
#: "14-55 years old", "patients ≥ 16 years".
_TEXT_AGE = re.compile(
    rf"(?:\b(?:age[ds]?|patients?|participants?|subjects?|children|adults?|adolescents?)\s*"
    rf"[(:]?\s*(?:of\s+|is\s+|must\s+be\s+|between\s+)?)?"
    rf"(?:(?P<cmp>{_UPPER}|{_LOWER})\s*(?P<n>\d{{1,3}})|(?P<lo>\d{{1,3}})\s*(?:-|–|to|and)\s*"
    rf"(?P<hi>\d{{1,3}})(?:\.\d+)?)\s*(?P<unit>years?|yrs?|months?|days?)\b(?P<tail>\s*(?:of\s+age|old|or\s+(?:older|"
    rf"younger|more|less)|and\s+(?:over|under|older|younger))?)|"
    # "Age 1-21", "Ages: 12 to 17": years, unsaid after the word "age"
    rf"\bage[sd]?\s*:?\s*(?:between\s+)?(?P<ulo>\d{{1,2}})\s*(?:-|–|to|and)\s*(?P<uhi>\d{{1,2}})"
    rf"(?![\d.]|\s*(?:days?|months?|weeks?|kg|%))", re.IGNORECASE)
#: An upper limit that leaves its own number out ("< 22", "under 22", "younger than 22").
_STRICT_UPPER = r"<|less\s+than|under|younger\s+than|below"
#: An age in months or days as years ("> 6 months" beside a structured minimum of 1 year).
_IN_YEARS = {"y": 1.0, "m": 1 / 12, "d": 1 / 365.25}
#: "15 years or older", "21 years of age or younger": the comparison after the number.
_TEXT_AGE_AFTER = re.compile(
    r"\b(?P<n>\d{1,3})\s*(?:years?|yrs?)(?:\s+of\s+age|\s+old)?\s+(?:or|and)\s+"
    r"(?P<way>older|over|above|more|younger|under|less)\b", re.IGNORECASE)
#: Ages that are about something else than who may join: a donor, consent, reproductive
#: potential; a scale chosen by age ("Karnofsky (age >= 16)", "patients > 16 years: Lansky").
_NOT_WHO = re.compile(r"donor|consent|assent|potential|tanner|menarche|contracept", re.IGNORECASE)
_SCALE_BEFORE = re.compile(r"(?:karnofsky|lansky|ecog|\bkps|\blps|performance)[^.;]{0,25}$",
                           re.IGNORECASE)
_SCALE_AFTER = re.compile(r"^\W{0,3}(?:use\s+|must\s+have\s+(?:a\s+)?(?:performance\s+status\s+"
                          r"(?:of\s+)?)?)?(?:karnofsky|lansky|ecog|performance)", re.IGNORECASE)
#: The text says there is no (upper) age limit.
_NO_AGE_LIMIT = re.compile(r"\bno\s+(?:upper\s+|maximum\s+)?age\s+(?:limit|restriction|"
                           r"cut-?off)s?\b|\bno\s+(?:upper|maximum)\s+age\b|\b(?:patients|participants|subjects)"
                           r"\s+of\s+(?:any|all)\s+ages?\b", re.IGNORECASE)
_ANY_AGE = re.compile(r"\bno\s+age\s+(?:limit|restriction)|\bof\s+(?:any|all)\s+ages?\b",
                      re.IGNORECASE)
#: Age bands of a laboratory table, not of who may join.
_LAB_TABLE = re.compile(r"creatinine|bilirubin|\buln\b|mg/dl|\bgfr\b|\balt\b|\bast\b|"
                        r"clearance|hemoglobin|platelet", re.IGNORECASE)
#: Words by which a line lets people in ("will be considered", "are eligible").
_ADMITS = re.compile(r"consider\w*|\beligible\b|allowed|permitted|\bmay\s+(?:be|also)|"
                     r"\bcan\s+be|included|enrolled|case[- ]by[- ]case|approv\w+", re.IGNORECASE)
#: Words by which a line lets people in at someone's discretion ("may be enrolled if fit").
_MAY_ADMIT = re.compile(r"\b(?:may|can|will)\s+(?:also\s+)?be\s+(?:considered|enrolled|included|"
                        r"eligible|allowed|permitted|accepted|admitted)\b|case[- ]by[- ]case|"
                        r"\bdiscretion\b|\bif\s+approved\b|\bwith\s+(?:the\s+)?approval\b",
                        re.IGNORECASE)
#: A span of time, not an age: "within the past 5 years", "5 years after".
_TIME_BEFORE = re.compile(r"(?:within|since|after|before|prior\s+to|for|past|last|least)\s+"
                          r"(?:the\s+)?(?:past\s+|last\s+)?$", re.IGNORECASE)
_TIME_AFTER = re.compile(r"^\s*(?:ago|after|since|prior|before|from|of\s+(?:study|follow))",
                         re.IGNORECASE)


def text_age_band(text: str) -> tuple[float | None, float | None]:
    """The widest ages (in years) the eligibility text speaks of for who may join.

    Returns (lowest age the text lets in, highest age the text lets in, in completed
    years: "< 22" lets in 21), or None
    on a side the text says nothing about. Used only to *widen* the registry's
    structured ages into a band the study team checks (``study._disputed_band``):
    "Patients < 66 years of age with other diseases ..." beside a structured
    minimum of 50, or "selected patients older than 65 years and < 75 years"
    beside a maximum of 65, must never be a "not eligible" on the structured age.
    """
    low = high = None
    if _NO_AGE_LIMIT.search(text):
        # "There is no upper age limit", "patients of any age": the text sets no limit
        low, high = (0.0, 120.0) if _ANY_AGE.search(text) else (None, 120.0)
    for line in re.split(r"[\n;]|(?<=\.)\s", text):
        if _LAB_TABLE.search(line):
            continue  # "1 to < 2 years: maximum serum creatinine 0.6": a table by age
        line_lows: list[float] = []
        line_highs: list[float] = []
        upper_only = False
        for m in _TEXT_AGE.finditer(line):
            before, after = line[max(0, m.start() - 40):m.start()], line[m.end():]
            if (_NOT_WHO.search(before + m.group(0) + after[:30]) or _SCALE_BEFORE.search(before)
                    or _SCALE_AFTER.search(after) or _TIME_BEFORE.search(before)
                    or _TIME_AFTER.search(after)):
                continue
            has_age_words = re.search(r"\bage|years?\s+(?:of\s+age|old)|\b(?:patients?|"
                                      r"participants?|subjects?|children|adults?|adolescents?)"
                                      r"\s", m.group(0), re.I) or re.search(
                                          r"\b(?:age[ds]?|older|younger)\b[^.;]{0,30}$", before,
                                          re.I)
            if not has_age_words:
                continue
            if m.group("lo") or m.group("ulo"):
                scale = _IN_YEARS[(m.group("unit") or "y")[0].lower()]
                lows = [float(m.group("lo") or m.group("ulo")) * scale]
                highs = [float(m.group("hi") or m.group("uhi")) * scale]
            else:
                n = float(m.group("n")) * _IN_YEARS[m.group("unit")[0].lower()]
                upper = re.fullmatch(_UPPER, m.group("cmp"), re.I) is not None
                if upper and re.fullmatch(_STRICT_UPPER, m.group("cmp"), re.I):
                    # "< 22 years" admits 21 completed years: the highest age it lets in
                    n -= _IN_YEARS[m.group("unit")[0].lower()]
                lows, highs = ([], [n]) if upper else ([n], [])
                upper_only = upper_only or upper
            line_lows += lows
            line_highs += highs
            for n in highs:
                high = n if high is None else max(high, n)
        taken = [m.span() for m in _TEXT_AGE.finditer(line)]
        for m in _TEXT_AGE_AFTER.finditer(line):
            before, after = line[max(0, m.start() - 40):m.start()], line[m.end():]
            if any(a <= m.start() < b for a, b in taken) or _NOT_WHO.search(
                    before + m.group(0) + after[:30]) or _SCALE_BEFORE.search(before) or (
                    _SCALE_AFTER.search(after) or _TIME_BEFORE.search(before)):
                continue
            n = float(m.group("n"))
            if m.group("way").lower() in ("older", "over", "above", "more"):
                line_lows.append(n)
            else:
                line_highs.append(n)
                upper_only = True
                high = n if high is None else max(high, n)
        if upper_only and not line_lows and _ADMITS.search(line) and not re.search(
                rf"(?:{_LOWER})\s*\d|\d+\s*(?:days?|months?|weeks?|years?)?\s*(?:-|–|to)\s*(?:<|\d)",
                line, re.I):
            # "Patients < 50 years of age ... will be considered": a line that speaks
            # only of an upper age lets in people younger than any structured minimum
            line_lows = [0.0]
        if line_lows and not upper_only and not line_highs and _MAY_ADMIT.search(line):
            # "Patients > 60 years may be enrolled if fit", "older patients will be
            # considered case by case": a line that speaks only of a lower age and lets
            # people in at someone's discretion has no upper limit of its own
            high = 120.0
        for n in line_lows:
            low = n if low is None else min(low, n)
    return low, high


def admits_at_discretion(text: str) -> bool:
    """Words by which a line lets people in at someone's discretion ("may be enrolled")."""
    return bool(_MAY_ADMIT.search(text))
