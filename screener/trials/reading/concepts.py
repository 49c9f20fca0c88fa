"""Concepts: what a piece of criterion text names, as profile-field leaves with their spans.

Each recogniser knows one profile field (or one family of them): its
synonyms, abbreviations, brand names and classes, and the narrowing words
that make a mention mean something the field does not hold (a GVHD grade, a
direct bilirubin, "latent" hepatitis) -- then it says so (``narrow``) and the
clause is not read. Therapy names, brands, classes and common misspellings
are data (``concepts.json``), not alternations in code.

A recogniser answers ``Reading`` objects: the leaf rule, the character span
it was read from, and plain words. It never decides whether the text
requires, excludes or permits the condition: ``templates`` does.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from . import clauses

_DAYS_PER_MONTH = 30.4375


@dataclass
class Reading:
    """A recognised condition: its leaf rule, where it sits in the text, plain words."""

    rule: dict
    start: int
    end: int
    words: str  # the condition in plain words ("HIV infection")
    narrow: bool = False  # the text narrows it beyond what the rule says (exclusions)
    excluding_only: bool = False  # safe only as an excluding condition (a subset of the words)
    requiring_only: bool = False  # safe only as a requirement ("ALL": which lineage is unsaid)
    # all[leaf, not_screened] that stands for its whole clause: the words around it only
    # narrow it further (grades, "requiring ...", examples), and it never excludes alone
    whole: bool = False
    inclusion_only: bool = False  # holds its own "no": read only in an inclusion
    covers: bool = False  # readings of other recognisers inside its span are part of it


# ----------------------------------------------------------------- comparisons
_GTE = (r"(?:≥|>/=|>=|=>|≧|at least|greater (?:than )?or equal to|no less than|not less than|"
        r"minimum of|more than or equal to|equal (?:to )?or (?:greater|more|higher) than)")
_GT = r"(?:>|greater than|more than|above|over)"
_LTE = (r"(?:≤|</=|<=|=<|≦|no greater than|not greater than|no more than|not more than|"
        r"less (?:than )?or equal to|"
        r"not to exceed|less than or equal to|up to|maximum of|not exceeding|"
        r"equal (?:to )?or (?:less|lower|smaller) than)")
_LT = r"(?:<|less than|below|under)"
_CMP = rf"(?P<cmp>{_GTE}|{_LTE}|{_GT}|{_LT})"
_NUM = r"(?P<num>\d+(?:\.\d+)?)"


def _op(cmp: str) -> str:
    c = cmp.lower()
    for pattern, op in ((_GTE, "gte"), (_LTE, "lte"), (_GT, "gt"), (_LT, "lt")):
        if re.fullmatch(pattern, c):
            return op
    raise ValueError(cmp)


def _num(text: str) -> float | int:
    value = float(text)
    return int(value) if value.is_integer() else value


def _leaf(field: str, op: str, value) -> dict:
    return {"field": field, "op": op, "value": value}


# ----------------------------------------------------------------- recognisers
Recogniser = Callable[[str], list[Reading]]
_RECOGNISERS: list[Recogniser] = []


def recogniser(fn: Recogniser) -> Recogniser:
    """Register a field recogniser: text -> readings (a ``narrow`` reading means "doubt")."""
    _RECOGNISERS.append(fn)
    return fn


def _find(pattern: str, text: str, make) -> list[Reading]:
    out = []
    for m in re.finditer(pattern, text, re.IGNORECASE):
        reading = make(m)
        if reading is not None:
            out.append(reading)
    return out


@recogniser
def _philadelphia(text: str) -> list[Reading]:
    # Ph-like is another field (genetics.ph_like): its words are not read here
    text = re.sub(r"ph-?like|bcr\s*(?:[-/]|::)?\s*abl1?-?like|ph\s*like|philadelphia[- ]like",
                  lambda m: " " * len(m.group(0)), text, flags=re.I)
    pos = (r"\bbcr[- ]?abl1?\s+(?:fusion|rearrangement|translocation)(?:\s+gene)?|"
           r"philadelphia\s+chromosome\s+positive\s*/\s*breakpoint\s+cluster\s+region[^+]{0,120}"
           r"\(abl1?\)\s*\+|"
           r"philadelphia\s+chromosome[- ]?\(?ph\)?[- ]?positive|philadelphia[- ]positive|"
           r"philadelphia\s+chromosome[- ]positive|"
           r"philadelphia\s+chromosome\s*\(ph\+?\)\s*positive|"
           r"philadelphia\s+chromosome\s+positive\s*\(ph\+\)|\bph\+|\bph-positive|\bph\s+positive|"
           # "Philadelphia chromosome (Ph)+ ALL": the sign after the bracketed abbreviation
           r"\bphiladelphia\s+chromosome\s*\(ph\)\s*\+|"
           # "Ph-positivity", "Philadelphia chromosome positivity" (the finding as a noun)
           r"\bph[- ]positivity|\bphiladelphia(?:\s+chromosome)?[- ]positivity|"
           r"\bbcr\s*(?:[-/]|::)?\s*abl1?[- ]positivity|"
           # "LAL Ph (BCR-ABL) positive", "Ph (BCR/ABL) positive ALL": the fusion bracketed
           r"\bph\s*\(\s*bcr\s*(?:[-/]|::)?\s*abl1?\s*\)\s*(?:\+|positive)|"
           r"bcr\s*(?:[-/]|::)?\s*abl1?(?:\s+transcript)?[-\s]*(?:\+|positive)|"
           r"\bt\(9;22\)(?:\s*\(q34(?:\.\d)?;\s*q11(?:\.\d)?\))?|"
           r"bcr[-/:]*abl1?\s+(?:gene\s+)?(?:rearrangements?|fusions?|translocations?)|"
           # "presence of the Philadelphia chromosome", "Philadelphia chromosome or BCR-ABL
           # positive": the chromosome named as present is the positive finding
           r"\bpresence\s+of\s+(?:the\s+)?philadelphia\s+chromosome(?:\s*\(ph\))?|"
           r"\bphiladelphia\s+chromosome(?:\s*\(ph\))?(?=\s*(?:or|and/or|/)\s*bcr\s*(?:[-/]|::)?"
           r"\s*abl1?(?:\s+(?:fusion|transcript)s?)?[-\s]*(?:\+|positive))")
    neg = (r"philadelphia\s+chromosome[- ]?negative|philadelphia[- ]negative|\bph-negative|"
           r"\bphiladelphia\s+chromosome\s*\(ph\)\s*-(?=\s|\)|,|$)|"
           r"\bph\s+negative|\bph-(?=\s|\)|,|$)|"
           r"bcr\s*(?:[-/]|::)?\s*abl1?[-\s]*(?:-|negative)(?=\s|\)|,|\.|;|$)|"
           r"\bnegative\s+for\s+(?:the\s+)?(?:bcr\s*(?:[-/]|::)?\s*abl1?(?:\s+(?:fusion|transcript|"
           r"rearrangement)s?)?|philadelphia\s+chromosome(?:\s*\(ph\))?|ph\b|t\(9;22\))|"
           r"\babsence\s+of\s+(?:the\s+)?philadelphia\s+chromosome(?:\s*\(ph\))?")
    out = _find(pos, text, lambda m: Reading(
        _leaf("philadelphia_chromosome", "eq", "positive"), m.start(), m.end(),
        "Philadelphia chromosome-positive (Ph+) leukemia"))
    negs = _find(neg, text, lambda m: Reading(
        _leaf("philadelphia_chromosome", "eq", "negative"), m.start(), m.end(),
        "Philadelphia chromosome-negative leukemia"))
    if out and negs:
        return [Reading({}, 0, 0, "", narrow=True)]  # both said: a doubt
    return _merge_same(out or negs)


def _merge_same(readings: list[Reading]) -> list[Reading]:
    """Keep one reading per distinct rule (several spans may say the same thing)."""
    seen: dict[str, Reading] = {}
    spans: list[Reading] = []
    for r in readings:
        key = repr(r.rule)
        if key in seen:
            spans.append(Reading({"__span__": True, "__same__": key}, r.start, r.end, ""))
        else:
            seen[key] = r
    return list(seen.values()) + spans


#: "ALL" with no lineage: B or T; mixed-phenotype leukemia and lymphoblastic lymphoma are
#: close enough that whether the study takes them is for the study team, never a guess.
_ALL_OF_ANY_LINEAGE = {"any": [
    _leaf("diagnosis", "in", ["b_all", "t_all"]),
    {"all": [_leaf("diagnosis", "in", ["mixed_phenotype", "lymphoblastic_lymphoma"]),
             {"not_screened": "whether the study takes this kind of leukemia or lymphoma"}]}]}


def _is_the_diagnosis(text: str, start: int, end: int) -> bool:
    """"ALL" named as the person's disease, not a protocol, a cohort or a treatment's name."""
    before, after = text[max(0, start - 60):start], text[end:end + 40]
    if re.match(r"\s*(?:protocols?|trials?|stud(?:y|ies)|therap\w+|treatment|regimens?|"
                r"cohorts?|arms?|groups?|patients\s+(?:treated|enrolled)|directed)\b", after, re.I):
        return False
    if re.search(r"\b(?:for|of\s+the|on|per|risk)\s+(?:\w+\s+){0,2}$", before, re.I):
        return False
    return bool(re.search(r"(?:diagnos\w+|confirmed|proven|verified|established|documented|"
                          r"evidence|with|have|has|"
                          r"having|untreated|relapsed|refractory|recurrent|newly|de\s+novo|"
                          r"ph\+?|positive|negative|precursor|lineage|rearranged|like|fusion|"
                          r"mutated|hypodiploid|hyperdiploid|cd\d\d\+?)\W*(?:\w+\W+){0,4}$|^\W*$|"
                          # "Childhood ALL", "Adult patients with ALL": whose ALL, no more
                          r"^\W*(?:childhood|pediatric|paediatric|adult|adolescent)\s+$",
                          before, re.I))


_B_ALL = (r"\bb[- ]?(?:cell|lineage|precursor|cell precursor)?[- ]?(?:line\s+)?(?:acute\s+)?"
          r"(?:lymphoblastic|lymphoid|lymphocytic)\s+leuka?emia\b|\bb[- ]?all\b|\bbcp[- ]all\b|"
          r"\bprecursor[- ]b[- ]?(?:cell\s+)?(?:all|acute\s+lymphoblastic\s+leuka?emia)\b|"
          r"\bb[- ]lineage\s+all\b|\bb[- ]cell\s+all\b|"
          r"\bb[- ]precursor\s+(?:ph[+-]\s+|philadelphia[- ](?:positive|negative)\s+)?all\b|"
          r"\bb-?lymphoblastic\s+leuka?emia\b|\bb[- ]cell[- ]precursor\s+all\b|"
          r"\bpre-?b[- ](?:cell\s+)?(?:all|acute\s+lymphoblastic\s+leuka?emia)\b|"
          r"\bcommon\s+(?:b[- ])?all\b")
_T_ALL = (r"\bt[- ]?(?:cell|lineage)?[- ]?(?:precursor\s+)?(?:acute\s+)?(?:lymphoblastic|lymphoid|"
          r"lymphocytic)"
          r"\s+leuka?emia\b|\bt[- ]?all\b|\bt[- ]lineage\s+all\b|"
          r"\bt[- ]cell\s+(?:precursor\s+)?all\b|"
          r"\bprecursor[- ]t[- ](?:cell\s+)?(?:all|acute\s+lymphoblastic\s+leuka?emia)\b")
_MPAL = (r"mixed[- ]phenotype\s+(?:acute\s+)?leuka?emia(?:\s*\(mpal\))?|mpal|(?:acute\s+)?"
         r"leuka?emias?\s+of\s+ambiguous\s+lineage(?:\s*\(alal\))?|(?:biphenotypic|bilineal)\s+"
         r"(?:acute\s+)?leuka?emia")
_LBL = (r"(?:(?P<lbl_lin>[bt])[- ](?:cell\s+|lineage\s+)?|precursor\s+(?P<lbl_lin2>[bt])[- ]"
        r"(?:cell\s+)?)?"
        r"lymphoblastic\s+lymphoma(?:\s*\((?:lbl|lly|ll|[bt]-?(?:lbl|lly|ll))\))?|"
        r"(?P<lbl_lin3>[bt])(?:-?(?:lbl|lly)|-ll)\b|lbl\b|lly\b")
_DIAGNOSIS_JOINER = re.compile(r"\s*(?:,\s*(?:or\b|and/or\b|and\b)?|\bor\b|\band/or\b|\band\b|/)"
                               r"\s*(?:(?:previously\s+)?diagnosed\s+(?:with\s+)?)?",
                               re.IGNORECASE)


_DIAGNOSIS_KINDS = [
    (re.compile(rf"(?:{_B_ALL})", re.I), "b_all"), (re.compile(rf"(?:{_T_ALL})", re.I), "t_all"),
    (re.compile(r"(?:precursor[- ])?b[- ]?(?:cell)?\s*(?:or|and|and/or|/)\s*(?:precursor[- ])?"
                r"t[- ]?"
                r"(?:cell)?[- ]?(?:lineage\s+)?(?:acute\s+lymphoblastic\s+leuka?emia|all)\b", re.I),
     "b_all,t_all"),
    (re.compile(rf"(?:{_MPAL})\b", re.I), "mixed_phenotype"),
    (re.compile(rf"(?:{_LBL})", re.I), "lymphoblastic_lymphoma"),
    # "acute lymphoblastic leukemia (ALL) or lymphoblastic lymphoma": ALL of either lineage
    (re.compile(r"(?:acute\s+lympho(?:blastic|cytic|id)\s+leuka?emia(?:\s*\((?-i:ALL)\))?|"
                r"(?-i:ALL)\b)", re.I), "b_all,t_all")]
#: Where a member of a list of diagnoses may start.
_DIAGNOSIS_START = re.compile(r"\b(?=[bt][- ]|precursor|pre-?b|common|bcp|mixed|mpal|acute|"
                              r"leuka?em|(?-i:ALL\b)|"
                              r"biphenotypic|bilineal|lymphoblastic|lbl|lly)", re.IGNORECASE)


def _diagnosis_list(text: str, b: str, t: str) -> Reading | None:
    """"B-ALL, T-ALL, or mixed phenotype acute leukemia", "B-ALL or B-LBL or MPAL": any of them.

    Only lists that name mixed-phenotype leukemia or lymphoblastic lymphoma beside ALL (the
    others are read below); a lymphoma named with a lineage ("T-LBL") is lymphoblastic
    lymphoma whose lineage the study team checks. A list member that is not one of these
    ends the list, and an unread "or" after it leaves the rest to the study team.
    """
    if not re.search(r"lymphoma|\blbl\b|\blly\b|mixed|mpal|ambiguous|biphenotypic|bilineal", text,
                     re.I):
        return None
    kinds = _DIAGNOSIS_KINDS
    best = None
    for start in _DIAGNOSIS_START.finditer(text):
        if re.search(r"\b[bt][- ]?(?:cell|lineage)?\s*(?:or|and|and/or|/)\s*$",
                     text[:start.start()], re.I):
            continue  # "B- or T-ALL or LLy": the list began before the words we know
        members, at, joined = [], start.start(), False
        while True:
            hit = None
            for pattern, value in kinds:
                m = pattern.match(text, at)
                if m and m.end() > at and (hit is None or m.end() > hit[0].end()):
                    hit = (m, value)
            if hit is None:
                break
            members.append(hit)
            at = hit[0].end()
            j = _DIAGNOSIS_JOINER.match(text, at)
            if j is None or j.end() == at:
                break
            nxt = any(p.match(text, j.end()) for p, _ in kinds)
            if not nxt:
                break
            joined = joined or bool(re.search(r"or|and|/", j.group(0), re.I))
            at = j.end()
        values = {x for _, v in members for x in v.split(",")}
        if len(members) > 1 and joined and values & {"mixed_phenotype", "lymphoblastic_lymphoma"} \
                and values & {"b_all", "t_all"}:
            best = (start.start(), members)
            break
    if best is None:
        return None
    plain, parts = [], []
    for m, value in best[1]:
        lineage = next((m.group(g) for g in ("lbl_lin", "lbl_lin2", "lbl_lin3")
                        if value == "lymphoblastic_lymphoma" and m.groupdict().get(g)), None)
        if lineage:
            parts.append({"all": [_leaf("diagnosis", "eq", "lymphoblastic_lymphoma"),
                                  {"not_screened": f"that the lymphoblastic lymphoma is of "
                                                   f"{lineage.upper()}-cell lineage"}]})
        else:
            plain += [v for v in value.split(",") if v not in plain]
    rule_parts = ([_leaf("diagnosis", "in", plain)] if plain else []) + [
        p for n, p in enumerate(parts) if p not in parts[:n]]
    rule = rule_parts[0] if len(rule_parts) == 1 else {"any": rule_parts}
    # ALL named without a lineage is read as a requirement only (as an excluding condition
    # "ALL" is most often another cancer's history, not the person's diagnosis)
    bare = any(v == "b_all,t_all" and not re.match(r"[bt]\b", m.group(0), re.I)
               for m, v in best[1])
    return Reading(rule, best[0], best[1][-1][0].end(), "one of the leukemias or lymphomas listed",
                   covers=True, requiring_only=bare)


#: "precursor-B (BCP) ALL": an abbreviation bracketed inside the name says its words again.
_NAME_ABBREVIATION = re.compile(r"\s*\(\s*(?:bcp|pre-?b|[bt]-?cell|bcp-all)\s*\)(?=\s*(?-i:ALL)\b)",
                                re.IGNORECASE)


@recogniser
def _lineage(text: str) -> list[Reading]:
    out = []
    text = _NAME_ABBREVIATION.sub(lambda m: " " * len(m.group(0)), text)
    # "T-ALL or ETP-ALL": an early T-cell precursor leukemia is a T-ALL, so either is T-ALL
    t_or_etp = re.search(r"\bt[- ](?:cell\s+)?all\s*(?:,|or|and/or|/)\s*(?:etp|early\s+t[- ]cell\s+"
                         r"precursor)(?:[- ]all)?\b|\b(?:etp|early\s+t[- ]cell\s+precursor)"
                         r"(?:[- ]all)?\s*(?:,|or|and/or|/)\s*(?:other\s+)?t[- ](?:cell\s+)?all\b",
                         text, re.I)
    if t_or_etp and not re.search(r"\bb[- ]|lymphoma|\blbl\b|\blly\b|mixed|mpal|precursor[- ]b|"
                                  r"non[- ]?etp|near[- ]etp", text, re.I):
        return [Reading(_leaf("diagnosis", "eq", "t_all"), t_or_etp.start(), t_or_etp.end(),
                        "T-cell ALL (early T-cell precursor or not)")]
    b, t = _B_ALL, _T_ALL
    combo = re.search(r"\b(?P<lin>t|b)[- ](?:cell\s+|lineage\s+)?(?:precursor\s+)?"
                      r"(?:acute\s+lymphoblastic\s+leuka?emia|all)"
                      r"(?:\s*\((?:all|[tb]-all)\))?\s*(?:or|and/or|/)\s*"
                      r"(?:(?P<lbl>(?P<lin2>[tb])[- ](?:cell\s+|lineage\s+)?)?lymphoblastic\s+"
                      r"lymphoma(?:\s*\((?:lbl|lly|ll|[tb]-?(?:lbl|lly|ll))\))?|"
                      r"(?P<abbr>(?P<lin3>[tb])-?(?:lbl|lly|ll))\b)", text, re.I)
    if combo:
        lineage = "t_all" if combo.group("lin").lower() == "t" else "b_all"
        named = (combo.group("lin2") or combo.group("lin3") or "").lower()
        if named and named != combo.group("lin").lower():
            return [Reading({}, 0, 0, "", narrow=True)]  # "B-ALL or T-LBL": not one lineage
        # "T-ALL or lymphoblastic lymphoma": either, of the lineage named. The profile holds
        # lymphoblastic lymphoma without its lineage, so someone with it meets the diagnosis
        # and which lineage the lymphoma is (a B-LBL in a T-cell study) is the study team's.
        lymphoma = {"all": [_leaf("diagnosis", "eq", "lymphoblastic_lymphoma"),
                            {"not_screened": f"that the lymphoblastic lymphoma is of "
                                             f"{named.upper() or combo.group('lin').upper()}"
                                             f"-cell lineage"}]}
        return [Reading({"any": [_leaf("diagnosis", "eq", lineage), lymphoma]},
                        combo.start(), combo.end(),
                        "ALL or lymphoblastic lymphoma of this lineage")]
    listed = _diagnosis_list(text, b, t)
    if listed is not None:
        return [listed]
    # "ALL of B- or T-cell lineage", "ALL (B-cell or T-cell precursor)": either lineage
    lineages = re.search(r"(?:\bacute\s+lymphoblastic\s+leuka?emia|(?-i:\bALL\b))(?:\s*\(all\))?"
                         r"(?:\s+(?:according\s+to|per)\s+(?:the\s+)?(?:who|world\s+health\s+"
                         r"organization)(?:\s+\d{4})?\s+(?:classification|criteria))?\s*"
                         r"(?:\(\s*|,?\s*of\s+(?:the\s+)?|,\s*)(?:precursor[- ])?b[- ]?(?:cell)?"
                         r"\s*(?:or|and|and/or|/)\s*(?:precursor[- ])?t[- ]?(?:cell)?\s*"
                         r"(?:lineage|precursor|phenotype|"
                         r"origin)?\s*\)?", text, re.I)
    if lineages and not re.search(r"lymphoma|\blly\b|\blbl\b|mixed|bilineal|biphenotypic|"
                                  r"ambiguous|burkitt|myeloid|\baml\b|\bcml\b", text, re.I):
        return [Reading(_leaf("diagnosis", "in", ["b_all", "t_all"]), lineages.start(),
                        lineages.end(), "B-cell or T-cell ALL")]
    mixed = re.search(r"lymphoma|\blly\b|\blbl\b|\bb-?ll\b|\bt-?ll\b|mixed|bilineal|biphenotypic|"
                      r"ambiguous|mature\s+b|burkitt|myeloid|\baml\b|\bcml\b", text, re.I)
    both = re.search(r"\b(?:precursor[- ])?(?P<x>[bt])[- ]?(?:cell|lineage)?(?:[- ]precursor)?"
                     r"(?:[- ]?all\b|\s+(?:acute\s+)?lymphoblastic\s+leuka?emia\b)?\s*"
                     r"(?:or|and/or|/|and)\s*(?:precursor[- ])?(?!(?P=x))[bt][- ]?"
                     r"(?:cell|lineage)?[- ]?\s*"
                     r"(?:acute\s+)?(?:lymphoblastic\s+leuka?emia|all)\b", text, re.I)
    if both and not mixed:
        return [Reading(_leaf("diagnosis", "in", ["b_all", "t_all"]), both.start(), both.end(),
                        "B-cell or T-cell ALL")]
    if re.search(r"\bb[- ]?(?:cell|lineage)?\s*(?:or|and|and/or|/)\s*t[- ]?(?:cell|lineage|all)?\b|"
                 r"\bt[- ]?(?:cell|lineage)?\s*(?:or|and|and/or|/)\s*b[- ]?(?:cell|lineage|all)?\b|"
                 r"lymphoma|\blly\b|\blbl\b|\bb-?ll\b|\bt-?ll\b|mixed|bilineal|biphenotypic|ambiguous|"
                 r"mature\s+b|burkitt", text, re.I):
        return []  # lineages the profile words differently: leave to the study team
    bs = _find(b, text, lambda m: Reading(_leaf("diagnosis", "eq", "b_all"), m.start(),
                                          m.end(), "B-cell ALL"))
    ts = _find(t, text, lambda m: Reading(_leaf("diagnosis", "eq", "t_all"), m.start(),
                                          m.end(), "T-cell ALL"))
    if bs and ts:
        if re.search(r"\b(b|t)[- ]?(cell|all|lineage)?\s*(or|and/or|/)\s*(b|t)[- ]", text, re.I):
            return []  # "B- or T-ALL": both lineages, nothing to screen
        return [Reading({}, 0, 0, "", narrow=True)]
    out = _merge_same(bs or ts)
    if not out:
        # "acute lymphoblastic leukemia" / "ALL" with no lineage: B or T (read as a
        # requirement only: as an excluding condition the lineage list is a guess)
        out = _merge_same([r for r in _find(
            r"\bacute\s+lympho(?:blastic|cytic|id)\s+leuka?emia\b(?:\s*\((?:all)\))?|"
            r"(?-i:\bALL\b)", text, lambda m: Reading(
                _ALL_OF_ANY_LINEAGE, m.start(), m.end(),
                "acute lymphoblastic leukemia (B-cell or T-cell)", requiring_only=True))
            if _is_the_diagnosis(text, r.start, r.end)])
    etp = _find(r"\bearly\s+t[- ]?(?:cell\s+)?precursor\b|\betp\b(?:[- ]all)?", text,
                lambda m: Reading({"all": [_leaf("diagnosis", "eq", "t_all"),
                                           _leaf("early_t_precursor", "is", True)]},
                                  m.start(), m.end(), "early T-cell precursor (ETP) leukemia"))
    if etp and re.search(r"non[- ]?etp|near[- ]etp", text, re.I):
        return [Reading({}, 0, 0, "", narrow=True)]
    return out + _merge_same(etp)


@recogniser
def _lymphoma(text: str) -> list[Reading]:
    """Lymphoma named as a condition to exclude ("No non-Hodgkin's lymphoma").

    Lymphoblastic lymphoma is one kind of NHL, so "no NHL" rules it out; read only
    as an excluding condition (as a requirement, "NHL" covers more than the field).
    """
    if re.search(r"\bor\s+(?:\w+\s+){0,3}leuka?emia|(?:leuka?emia|\ball)\s*(?:\([^)]*\)\s*)?"
                 r"(?:or|and/or|/)\s|with\s+(?:bone\s+)?marrow|burkitt", text, re.I):
        return []
    return _find(r"\bnon[- ]hodgkin'?s?\s+lymphoma(?:\s*\(nhl\))?|\bnhl\b|"
                 r"\blymphoblastic\s+lymphoma\b", text, lambda m: Reading(
                     _leaf("diagnosis", "eq", "lymphoblastic_lymphoma"), m.start(), m.end(),
                     "lymphoma", excluding_only=True))


@recogniser
def _disease_status(text: str) -> list[Reading]:
    out = []
    rr = (r"\b(?:relapsed|recurrent)\s*(?:/|or|and/or|,)\s*(?:primary\s+)?(?:refractory|"
          r"resistant)\b|\b(?:primary\s+)?(?:refractory|resistant)\s*(?:/|or|and/or|,)\s*"
          r"(?:relapsed|recurrent)\b|\br/r\b")
    out += _find(rr, text, lambda m: Reading(
        _leaf("disease_status", "in", ["relapsed", "refractory"]), m.start(), m.end(),
        "leukemia that came back or did not respond to treatment"))
    if not out:
        # "refractory to induction therapy or relapsed following chemotherapy", "beyond first
        # remission or is refractory": the two settings named apart, joined by "or"
        out += _find(r"\b(?:primary\s+)?(?:refractory|resistant)\b[^.;:]{0,80}?\bor\s+(?:\w+\s+)"
                     r"{0,3}?(?:relapsed|recurrent|relapse)\b|\b(?:relapsed|recurrent|beyond\s+"
                     r"(?:the\s+)?first\s+(?:complete\s+)?remission)\b[^.;:]{0,80}?\bor\s+"
                     r"(?:\w+\s+){0,3}?(?:primary\s+)?(?:refractory|resistant)\b", text,
                     lambda m: Reading(_leaf("disease_status", "in", ["relapsed", "refractory"]),
                                       m.start(), m.end(), "leukemia that came back or did not "
                                       "respond to treatment"))
    if not out:
        # in a second or later remission, or beyond the first: it has relapsed before
        # ("first or second remission", "CR1 or CR2": a first remission is among them)
        out += _find(r"\bbeyond\s+(?:the\s+)?first\s+(?:complete\s+)?remission\b|"
                     r"(?<!first or )(?<!first and )(?<!first, )(?<!1st or )(?<!cr1 or )"
                     r"(?<!cr1/)(?<!cr1, )"
                     r"\b(?:second|2nd|third|3rd)\s+(?:or\s+(?:later|subsequent|greater)\s+)?"
                     r"(?:complete\s+remission|remission|cr)\b|(?<!cr1 or )(?<!cr1/)(?<!cr1, )"
                     r"\bcr\s?[23]\b|\bcr\s*(?:≥|>=|=>)\s*2\b|\bcr\s*>\s*1\b",
                     text,
                     lambda m: Reading(_later_remission(m.group(0)), m.start(), m.end(),
                                       "leukemia that has come back at least once"))
    out += _find(r"\b(?:primary\s+)?refractory\s+to\s+(?:at\s+least\s+)?(?:one|1|an?)\s+"
                 r"(?:induction\s+)?(?:treatment\s+|chemotherapy\s+)?(?:regimens?|courses?|"
                 r"therapy|cycles?)\s+or\s+in\s+(?:first|1st)\s+or\s+(?:later|subsequent)\s+"
                 r"relapse\b", text, lambda m: Reading(
                     _leaf("disease_status", "in", ["relapsed", "refractory"]), m.start(), m.end(),
                     "leukemia that came back or did not respond to treatment"))
    nd = (r"\bnewly[- ]diagnosed\b|\bpreviously\s+untreated\b|\bde\s+novo\b|"
          r"\buntreated\b(?=\s+(?:all|acute|b-|t-|ph|philadelphia|patients|leuk|disease))")
    untreated = [m for m in re.finditer(nd, text, re.I) if "untreated" in m.group(0).lower()]
    if untreated:
        # "Previously untreated": no ALL treatment at all, while the profile's
        # newly_diagnosed also covers people still in first-line therapy. A
        # relapse rules it out; whether treatment has begun is for the study team.
        # Chemotherapy already given is treatment, unless the text makes an exception
        # ("untreated except for steroids or one dose of intrathecal chemotherapy").
        excepted = re.search(r"except|exception|allowed|permitted|other\s+than|apart\s+from|"
                             r"unless|with\s+the\s+exception|pre-?phase|pre-?treatment|"
                             r"emergency|hydroxyurea|intrathecal|steroid", text, re.I)
        rule = {"all": [_leaf("disease_status", "eq", "newly_diagnosed"),
                        {"not_screened": "no treatment for ALL has been given yet"}]}
        if not excepted:
            rule = {"all": [_leaf("disease_status", "eq", "newly_diagnosed"),
                            _leaf("prior_therapies", "not_received",
                                  ["multiagent_chemotherapy", "anthracycline", "asparaginase",
                                   "nelarabine", "clofarabine", "blinatumomab",
                                   "inotuzumab_ozogamicin"]),
                            {"not_screened": "no treatment for ALL has been given yet"}]}
        out += [Reading(rule, m.start(), m.end(), "leukemia not treated yet")
                for m in untreated]
    else:
        out += _find(nd, text, lambda m: Reading(
            _leaf("disease_status", "eq", "newly_diagnosed"), m.start(), m.end(),
            "newly diagnosed leukemia (no earlier ALL treatment)"))
    if not out and not re.search(r"relaps|recurr|newly|untreated|de\s+novo|beyond|second|"
                                 r"\bcr\s?[23]\b", text, re.I):
        # "primary refractory ALL", "refractory to induction (chemotherapy)": never in a
        # first remission; the profile's "refractory" also covers a relapse that did not
        # respond, which the study team tells apart
        out += _find(r"\bprimary\s+(?:refractory|resistant)\b|\bprimary\s+induction\s+failure\b|"
                     r"\b(?:refractory|resistant)\s+to\s+(?:initial\s+|first[- ]line\s+)?"
                     r"induction\b",
                     text, lambda m: Reading(
                         {"all": [_leaf("disease_status", "eq", "refractory"),
                                  {"not_screened": "that it never reached a first remission"}]},
                         m.start(), m.end(), "leukemia that did not respond to first treatment"))
    if not out and not re.search(r"refractory|resistant|newly|untreated|de novo", text, re.I):
        # "relapsed" alone: a relapse, or refractory after one (never primary refractory)
        out += _find(r"\b(?:relapsed|recurrent)\b(?!\s*(?:/|or|and))|"
                     r"\brelapse\b(?=\s+(?:post|after|"
                     r"following)\b)", text, lambda m: Reading(
            {"any": [_leaf("disease_status", "eq", "relapsed"),
                     {"all": [_leaf("disease_status", "eq", "refractory"),
                              _leaf("relapse_count", "gte", 1)]}]},
            m.start(), m.end(), "leukemia that has come back (relapsed)"))
    return _merge_same(out)


def _later_remission(words: str) -> dict:
    """"Second remission", "CR2", "CR >= 2": relapsed before and in remission now ("beyond
    first remission" says only the first: relapsed, whether in remission again or not)."""
    relapsed = _leaf("relapse_count", "gte", 1)
    if re.match(r"beyond", words, re.I):
        return relapsed
    return {"all": [_leaf("in_remission", "is", True), relapsed]}


@recogniser
def _relapse_number(text: str) -> list[Reading]:
    out = []
    second_plus = (r"(?:≥|>=)\s*(?:2nd|second|2)\s+(?:or\s+(?:greater|later|subsequent)\s+)?"
                   r"(?:bone\s+marrow\s+(?:\(bm\)\s+)?|bm\s+|marrow\s+)?relapses?|"
                   r"\b(?:2nd|second)\s+(?:or\s+(?:greater|later|subsequent|higher|more)|\+)\s+"
                   r"(?:bone\s+marrow\s+(?:\(bm\)\s+)?|bm\s+|marrow\s+)?relapses?\b|"
                   r"\b(?:two|2)\s+or\s+more\s+relapses\b|\bmultiply\s+relapsed\b|"
                   r"\bsecond\s+or\s+subsequent\s+relapse\b")
    # counts of relapses: "no more than 2 prior relapses", "3 or more relapses", "third or
    # greater relapse", "more than one prior relapse"
    words = {"one": 1, "two": 2, "three": 3, "four": 4, "first": 1, "second": 2, "third": 3,
             "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}
    num = r"(?P<n>\d|one|two|three|four)"
    for pattern, op in (
            (rf"\b(?:no|not)\s+more\s+than\s+{num}\s+(?:prior\s+|previous\s+)?relapses?\b", "lte"),
            (rf"\b(?:at\s+most|up\s+to|maximum\s+of)\s+{num}\s+(?:prior\s+|previous\s+)?relapses?\b",
             "lte"),
            (rf"(?<!no )(?<!not )\bmore\s+than\s+{num}\s+(?:prior\s+|previous\s+)?relapses?\b",
             "gt"),
            (rf"\b{num}\s+or\s+more\s+(?:prior\s+|previous\s+)?relapses\b", "gte"),
            (rf"\b(?:at\s+least|a\s+minimum\s+of|≥|>=)\s*{num}\s+(?:prior\s+|previous\s+)?"
             rf"relapses\b", "gte"),
            (r"\b(?P<n>third|3rd|fourth|4th)\s+or\s+(?:greater|later|subsequent|higher)\s+"
             r"(?:bone\s+marrow\s+|marrow\s+|bm\s+)?relapses?\b", "gte")):
        for m in re.finditer(pattern, text, re.I):
            n = m.group("n").lower()
            n = int(n) if n.isdigit() else words[n]
            value = n + 1 if op == "gt" else n
            rule = _leaf("relapse_count", "gte" if op in ("gt", "gte") else "lte", value)
            if op == "lte":  # someone newly diagnosed has had no relapse to count
                rule = {"any": [rule, _leaf("disease_status", "eq", "newly_diagnosed")]}
            out.append(Reading(rule, m.start(), m.end(), "the number of relapses"))
    if out:
        return _merge_same(out)
    if not re.search(r"\b(?:2nd|second)\s+relapse\s*(?:or|and/or|/)\s", text, re.I):
        # "in second relapse": a second relapse; whether a third also counts is for the
        # study team (never a "not eligible" on it)
        out += _find(r"\b(?:in\s+(?:a\s+|their\s+)?)(?:2nd|second)\s+(?:bone\s+marrow\s+|"
                     r"marrow\s+|bm\s+)?relapse\b", text, lambda m: Reading(
                         {"any": [_leaf("relapse_count", "between", [2, 2]),
                                  {"all": [_leaf("relapse_count", "gte", 3),
                                           {"not_screened": "whether a later relapse counts"}]}]},
                         m.start(), m.end(), "a second relapse"))
    out += _find(second_plus, text, lambda m: Reading(
        _leaf("relapse_count", "gte", 2), m.start(), m.end(),
        "a second or later relapse"))
    if not re.search(r"refractor|resistan", text, re.I):
        # "In first or subsequent marrow relapse": any relapse (the first one too), never a
        # primary refractory leukemia; what the relapse's site or count adds is read beside it
        out += _find(r"\b(?:in\s+)?(?:first|1st)\s+or\s+(?:greater|later|subsequent|higher)\s+"
                     r"(?:(?:bone\s+marrow|bm|marrow)\s+)?relapses?\b", text, lambda m: Reading(
                         _RELAPSED, m.start(), m.end(), "leukemia that has come back (relapsed)"))
    first = (r"\b(?:first|1st)\s+(?:(?:bone\s+marrow|bm|marrow|isolated|early|late|initial|cns|"
             r"testicular|extra-?medullary|combined|very\s+early)\s+){0,3}relapsed?\b")
    if not out and not re.search(r"\bfirst\s+relapse\s+or\b|\bor\s+(?:first|1st)\b|"
                                 r"(?:beyond|after|since|following|from)\s+(?:the\s+)?(?:first|1st)",
                                 text, re.I):
        out += _find(first, text, lambda m: Reading(
            _leaf("relapse_count", "between", [1, 1]), m.start(), m.end(), "a first relapse"))
    return _merge_same(out)


_RELAPSED = {"any": [_leaf("disease_status", "eq", "relapsed"),
                     {"all": [_leaf("disease_status", "eq", "refractory"),
                              _leaf("relapse_count", "gte", 1)]}]}
#: Refractory as a text defines it ("failure to achieve CR after 2 cycles", "refractory to
#: salvage therapy"): a refractory answer never meets it alone, and someone whose relapse
#: did not respond may have answered "relapsed" -- the study team tells them apart.
_REFRACTORY_AS_DEFINED = {"any": [
    {"all": [_leaf("disease_status", "eq", "refractory"),
             {"not_screened": "refractory in the way the text defines it"}]},
    {"all": [_leaf("disease_status", "eq", "relapsed"),
             {"not_screened": "that the relapse did not respond to the treatment the text "
                              "names"}]}]}
_NOUN = r"(?:\s+(?:disease|all|leuka?emia|b-all|t-all))?"
#: What may follow a definition of refractory disease ("after 2 cycles of induction"), up
#: to the end of the member of a list.
_DEFINED_BY = r"(?:\s+(?:after|following|despite|with)\s+[^,;.()]{1,60}?(?=\s*(?:[,;.)]|$|\bor\b)))"
_NO_CR = (r"(?:an?\s+)?(?:(?:morphologic(?:al)?|hematologic(?:al)?)\s+)?(?:complete\s+"
          r"(?:remission|response)|cr|remission)(?:\s*\(cr\))?")
#: Refractory disease as a text defines it: no remission after some treatment, persistent
#: disease, refractory to a kind of treatment.
_NOT_RESPONDING = (
    rf"fail(?:ure|ed)\s+to\s+(?:achieve|attain|obtain|reach)\s+{_NO_CR}{_DEFINED_BY}?|"
    rf"(?:not|never)\s+(?:having\s+)?(?:achieving|achieved|attaining|attained|reaching|in)\s+"
    rf"{_NO_CR}{_DEFINED_BY}|persistent\s+(?:disease|leuka?emia|all){_DEFINED_BY}?|"
    rf"(?:chemo-?)?(?:refractory|resistant)\s+to\s+(?:at\s+least\s+)?(?:(?:one|two|three|\d)\s+)?"
    rf"(?:(?:the|most|recent|last|latest|prior|previous|salvage|standard|conventional|"
    rf"multi-?agent|intensive|combination|\w+[- ]line|lines?|of)\s+)*(?:chemo-?therapy|"
    rf"therapy|treatment|regimens?|re-?induction(?:\s+(?:chemotherapy|therapy|attempts?))?)")
#: ", defined as <refractory as defined>" after the word it defines.
_DEFINITION = rf"\s*[,(]?\s*(?:as\s+)?defined\s+(?:as|by)\s+(?:{_NOT_RESPONDING})\)?"
#: The disease settings a study may offer as alternatives, each as a profile rule: a list
#: of them ("refractory disease or second or greater relapse") is any of them.
_REFRACTORY = _leaf("disease_status", "eq", "refractory")
_PRIMARY_REFRACTORY = {"all": [_REFRACTORY,
                               {"not_screened": "that it never reached a first remission"}]}
_PRIMARY = (r"(?:primary|induction)[- ](?:refractory|resistant|failure)" + _NOUN +
            r"|primary\s+induction\s+failure|(?:refractory|resistant)\s+to\s+(?:initial\s+|"
            r"first[- ]line\s+|primary\s+)?induction(?:\s+(?:chemotherapy|therapy|treatment))?"
            r"(?!\s+or)")
#: (Before "B-ALL"/"T-ALL" the span ends at "refractory": the lineage is read on its own, so
#: "Refractory B-ALL" still requires B-ALL -- a covering span would swallow it.)
_REFRACTORY_WORDS = (r"chemo-?refractory" + _NOUN + r"|(?:refractory|resistant)\s+(?:disease|all|"
                     r"leuka?emia)|(?:refractory|resistant)(?=\s+[bt]-all\b)")
#: "... disease after at least one standard chemotherapy and one salvage regimen": the
#: treatment before it, when it names no therapy the profile holds (a transplant, CAR-T or
#: antibody is read by the therapy recognisers) and no lineage (its own reading).
_AFTER_LINES = (r"(?:\s+(?:disease|leuka?emia))?(?=\s+(?:after|following)\s)"
                r"(?![^,;.()]{0,60}?(?:allo|auto|h?sct\b|hct\b|stem|"
                r"(?:bone\s+)?marrow\s+transplant|transplant|car\b|car-?t|chimeric|blina|inotuzumab|"
                r"tyrosine|tkis?\b|imatinib|dasatinib|nilotinib|ponatinib|bosutinib|antibod|"
                r"immunotherap|nelarabine|clofarabine|asparaginase))" + _DEFINED_BY)
#: The disease settings a study may offer as alternatives: (pattern, rule, plain words, read
#: here even alone). A list of them ("refractory disease or second or greater relapse") is
#: any of them; alone, most are read by the recognisers above.
_SETTINGS = [
    (rf"(?:(?:relapsed|recurrent)\s*(?:/|or|and/or|,)\s*(?:primary\s+)?(?:refractory|resistant)"
     rf"{_NOUN}|(?:primary\s+)?(?:refractory|resistant)\s*(?:/|or|and/or|,)\s*(?:relapsed|"
     rf"recurrent){_NOUN}|r/r{_NOUN})(?:{_DEFINITION})?",
     _leaf("disease_status", "in", ["relapsed", "refractory"]), "relapsed or refractory leukemia",
     False),
    # "primary refractory disease, defined as ...": what the definition adds is the study team's
    (rf"(?:{_PRIMARY})(?:{_DEFINITION})?", _PRIMARY_REFRACTORY,
     "leukemia that did not respond to first treatment", False),
    (_NOT_RESPONDING, _REFRACTORY_AS_DEFINED, "leukemia that did not respond to treatment", True),
    (rf"(?:{_REFRACTORY_WORDS}){_DEFINITION}", _REFRACTORY_AS_DEFINED,
     "leukemia that did not respond to treatment", True),
    # (a relapse that did not respond may have been answered "relapsed": never ruled out)
    (_REFRACTORY_WORDS, {"any": [_REFRACTORY, {"all": [
        _leaf("disease_status", "eq", "relapsed"),
        {"not_screened": "that the relapse did not respond to treatment"}]}]},
     "leukemia that did not respond to treatment", True),
    # "relapsed or refractory disease after at least one standard chemotherapy and one
    # salvage regimen": relapsed or refractory, and what came before it the study team's
    (rf"(?:(?:relapsed|recurrent)\s*(?:/|or|and/or|,)\s*(?:refractory|resistant)|"
     rf"(?:refractory|resistant)\s*(?:/|or|and/or|,)\s*(?:relapsed|recurrent)|r/r)"
     rf"{_AFTER_LINES}",
     {"all": [_leaf("disease_status", "in", ["relapsed", "refractory"]),
              {"not_screened": "the treatment the text says came before it"}]},
     "relapsed or refractory leukemia, after the treatment the text names", True),
    # "relapsed after at least induction and consolidation or having refractory disease":
    # a relapse after treatment phases the profile does not hold (a list's member only)
    (rf"(?:relapsed|recurrent){_AFTER_LINES}",
     {"all": [_RELAPSED, {"not_screened": "that it relapsed after the treatment the text "
                                          "names"}]},
     "leukemia that came back after the treatment the text names", False),
    # "second or subsequent relapse and/or refractory": the bare word as a list's member
    # (never alone: "refractory" then may qualify anything)
    (r"(?:primary\s+)?(?:refractory|resistant)(?=\s*(?:[.;,)]|$))",
     {"any": [_REFRACTORY, {"all": [_leaf("disease_status", "eq", "relapsed"),
                                    {"not_screened": "that the relapse did not respond to "
                                                     "treatment"}]}]},
     "leukemia that did not respond to treatment", False),
    (r"(?:refractory|resistant)\s+relapse",
     {"all": [_REFRACTORY, _leaf("relapse_count", "gte", 1)]},
     "a relapse that did not respond to treatment", True),
    (r"(?:in\s+)?(?:first|1st)\s+(?:(?:bone\s+marrow|bm|marrow|combined|medullary)\s+)?relapse",
     _leaf("relapse_count", "between", [1, 1]), "a first relapse", False),
    (r"(?:in\s+)?(?:first|1st)\s*(?:or|/|,)\s*(?:second|2nd)\s+(?:(?:bone\s+marrow|bm|marrow)\s+)?"
     r"relapse", {"any": [_leaf("relapse_count", "between", [1, 2]),
                          {"all": [_leaf("relapse_count", "gte", 3),
                                   {"not_screened": "whether a later relapse counts"}]}]},
     "a first or second relapse", True),
    (r"(?:in\s+)?(?:first|1st)\s+or\s+(?:greater|later|subsequent|higher)\s+(?:(?:bone\s+marrow|"
     r"bm|marrow)\s+)?relapse|(?:≥|>=)\s*(?:1st|first|1)\s+relapse",
     _RELAPSED, "leukemia that has come back (relapsed)", False),
    (r"(?:≥|>=)\s*(?:2nd|second|2)\s+(?:(?:bone\s+marrow|bm|marrow)\s+)?relapse|"
     r"(?:in\s+)?(?:2nd|second)\s+(?:or\s+(?:greater|later|subsequent|higher|more)\s+|\+\s*)"
     r"(?:(?:bone\s+marrow|bm|marrow)\s+)?relapse|(?:two|2)\s+or\s+more\s+(?:prior\s+)?relapses|"
     r"multiply\s+relapsed" + _NOUN,
     _leaf("relapse_count", "gte", 2), "a second or later relapse", False),
    (r"(?:in\s+)?(?:third|3rd)\s+or\s+(?:greater|later|subsequent|higher)\s+(?:(?:bone\s+marrow|"
     r"bm|marrow)\s+)?relapse", _leaf("relapse_count", "gte", 3), "a third or later relapse",
     False),
    (r"(?:any\s+)?(?:relapsed|recurrent)" + _NOUN +
     r"|any\s+(?:bone\s+marrow\s+|marrow\s+)?relapse",
     _RELAPSED, "leukemia that has come back (relapsed)", False),
    (rf"newly[- ]diagnosed{_NOUN}|de\s+novo{_NOUN}",
     _leaf("disease_status", "eq", "newly_diagnosed"),
     "newly diagnosed leukemia (no earlier ALL treatment)", False),
    (r"isolated\s+extra-?\s?medullary\s+(?:disease|relapse)",
     _leaf("isolated_extramedullary_relapse", "is", True), "a relapse only outside the marrow",
     False),
    (r"mrd[- ]?(?:positive|\+)(?:\s+disease)?", _leaf("mrd.status", "eq", "positive"),
     "MRD-positive leukemia", False),
]
_RELAPSE_AFTER_THERAPY = re.compile(
    r"(?:any\s+)?(?:(?:bone\s+marrow|marrow|bm)\s+)?(?:relapse[sd]?|recurrence|relapsed\s+disease)"
    r"\s+(?:after|following|post)[- ]\s*(?:an?\s+|the\s+|prior\s+|previous\s+)?", re.IGNORECASE)
_SETTING_JOINER = re.compile(r"\s*(?:,\s*(?:or\b|and/or\b)?|\bor\b|\band/or\b|/)\s*"
                             r"(?:(?:having|has|have|with)\s+)?", re.IGNORECASE)


def _relapse_after_therapy(text: str, at: int) -> tuple[int, dict, str] | None:
    """"(Any) relapse after allogeneic HSCT" at ``at``: relapsed, and that therapy received.

    That the relapse came after it (not before) is for the study team."""
    m = _RELAPSE_AFTER_THERAPY.match(text, at)
    if m is None:
        return None
    best = None
    for pattern, names in _THERAPIES:
        if pattern in _DOUBTFUL:
            continue
        t = re.compile(pattern, re.IGNORECASE).match(text, m.end())
        if t and (best is None or t.end() > best[0]):
            best = (t.end(), names)
    if best is None:
        return None
    end = best[0]
    tail = re.match(r"\s*\((?:allo-?)?(?:hsct|sct|bmt|hct|car[- ]?t)\)", text[end:], re.I)
    end += tail.end() if tail else 0
    names = sorted(best[1])
    rule = {"all": [_RELAPSED, _leaf("prior_therapies", "received", names),
                    {"not_screened": "that the leukemia came back after "
                                     + ", ".join(n.replace("_", " ") for n in names)}]}
    return end, rule, "a relapse after " + ", ".join(n.replace("_", " ") for n in names)


_SETTING_PATTERNS = [re.compile(rf"(?:{pattern})(?![\w-])", re.IGNORECASE)
                     for pattern, *_ in _SETTINGS]


def _setting_at(text: str, at: int) -> tuple[int, dict, str, int] | None:
    """The longest disease setting that starts at ``at``: (end, rule, words, index)."""
    best = None
    after = _relapse_after_therapy(text, at)
    if after is not None:
        best = (after[0], after[1], after[2], -1)
    for n, (_, rule, words, _alone) in enumerate(_SETTINGS):
        m = _SETTING_PATTERNS[n].match(text, at)
        if m and (best is None or m.end() > best[0]):
            best = (m.end(), rule, words, n)
    return best


_SETTING_START = re.compile(
    r"(?<![\w/-])(?=relaps|recurr|refract|resist|primary|induction|fail|not\b|never\b|"
    r"persist|chemo|first|1st|second|2nd|third|3rd|≥|>=|two\b|2\b|multiply|any\b|newly|de\s+novo|"
    r"isolated|mrd|r/r|in\s+(?:first|1st|second|2nd|third|3rd)\b|(?:bone\s+marrow|marrow|bm)\s+"
    r"relapse)", re.IGNORECASE)


@recogniser
def _settings(text: str) -> list[Reading]:
    """Disease settings offered as alternatives, and those read nowhere else.

    "Refractory disease or second or greater relapse", "first relapse or any relapse
    after HSCT": any of them (a setting the list names that is not read ends the list,
    and the "or" after it leaves the rest to the study team). Alone: refractory disease
    as the text defines it ("failure to achieve CR after 2 induction cycles",
    "persistent disease after induction"), a relapse after a treatment.
    """
    out: list[Reading] = []
    at = 0
    for start in _SETTING_START.finditer(text):
        if start.start() < at or _NOT_A_RELAPSE_BEFORE.search(text[max(0, start.start() - 30):
                                                                  start.start()]):
            continue  # "time from relapse after HSCT", "history of refractory disease"
        first = _setting_at(text, start.start())
        if first is None:
            continue
        members = [first]
        end = first[0]
        joined_by_or = False
        while True:
            j = _SETTING_JOINER.match(text, end)
            if j is None or j.end() == end:
                break
            member = _setting_at(text, j.end())
            if member is None:
                break
            joined_by_or = joined_by_or or bool(re.search(r"or|/", j.group(0), re.I))
            members.append(member)
            end = member[0]
        at = end
        if len(members) > 1 and joined_by_or:
            rules = list({json.dumps(m[1], sort_keys=True): m[1] for m in members}.values())
            out.append(Reading({"any": rules} if len(rules) > 1 else rules[0], start.start(), end,
                               " or ".join(m[2] for m in members), covers=True))
        elif len(members) == 1 and (first[3] == -1 or _SETTINGS[first[3]][3]):
            # a relapse after a treatment, read as a requirement (as an excluding condition,
            # the treatment recogniser reads it: leukemia back after a donor transplant)
            out.append(Reading(first[1], start.start(), first[0], first[2], covers=True,
                               requiring_only=first[3] == -1))
    return out


#: A relapse named as such, not numbered nor placed ("bone marrow relapse", "morphologic
#: relapse", "prior relapse", "in relapse"): the leukemia has come back.
_A_RELAPSE = re.compile(
    r"(?<![\w-])(?:(?:a|any)\s+)?(?:(?:bone\s+marrow(?:\s*\(bm\))?|marrow|bm|morphologic(?:al)?|"
    r"hematologic(?:al)?|combined|medullary|systemic|overt|frank)\s+)?relapse\b(?![\s-]*free)"
    r"(?!\s+(?:rate|risk|prevention|prophylaxis))(?:\s*\((?:isolated|combined)(?:\s+or\s+"
    r"(?:isolated|combined))?\))?", re.IGNORECASE)
_NOT_A_RELAPSE_BEFORE = re.compile(
    r"(?:\b(?:first|1st|second|2nd|third|3rd|fourth|4th|greater|later|higher|more|\+|"
    r"early|late|very|isolated|cns|testicular|disease|site|"
    r"extra-?\s?medullary|molecular|mrd|immunophenotypic|cytogenetic|subsequent|next|the|"
    r"at|since|from|until|before|to|risk\s+of|time\s+of|of|\d+|one|two|three)\s+|\w-|"
    r"\b(?:\d+|one|two|three|single)\s+(?:prior|previous)\s+)$",
    re.IGNORECASE)


@recogniser
def _relapse_named(text: str) -> list[Reading]:
    """"Bone marrow relapse", "morphologic relapse", "prior relapse", "in relapse": relapsed.

    "History of relapse" and "evidence of relapse" are relapses too; a time of relapse, a
    risk of it, an ordinal ("first relapse") or a site ("isolated CNS relapse") are read
    elsewhere or not at all."""
    out = []
    for m in _A_RELAPSE.finditer(text):
        before = text[max(0, m.start() - 30):m.start()]
        if _NOT_A_RELAPSE_BEFORE.search(before) and not re.search(
                r"\b(?:history|evidence)\s+of\s+$", before, re.I):
            continue
        out.append(Reading(_RELAPSED, m.start(), m.end(), "leukemia that has come back (relapsed)",
                           covers=True))
    return _merge_same(out)


#: "M3 marrow or M2 marrow or M1 marrow but with MRD level >= 10E-3" (a marrow relapse as
#: blinatumomab's pediatric trials define it): blasts of 5% or more, or an MRD level at the
#: threshold -- any of them, never the M3 alone.
_GRADES_OR_MRD = re.compile(
    r"\bm[23]\s*(?:marrow\s*)?(?:,\s*|\s+or\s+)m[23]\s*(?:marrow\s*)?,?\s*(?:or\s+)?m1\s*"
    r"(?:marrow\s*)?,?\s*(?:but\s+)?(?:with\s+)?(?:and\s+)?(?:an?\s+)?(?:mrd|minimal\s+residual"
    r"\s+disease)(?:\s*\(mrd\))?(?:\s+level)?\s*" + _CMP + r"\s*(?:(?P<pct>\d+(?:\.\d+)?)\s*%|"
    r"(?:1\s*[x×]\s*)?(?P<pow>10\s*(?:\^|e|-|−)\s*-?\s*\d))", re.IGNORECASE)
#: "bone marrow blast percentage < 5% (M1) or bone marrow blast percentage < 25% and >= 5%
#: (M2)": an M1 or M2 marrow, each with its count -- below 25%.
_M1_OR_M2 = re.compile(
    r"(?:(?:bone\s+)?marrow|bm)\b[^.;]{0,40}?(?:<|less\s+than|below)\s*5\s*%\s*\(\s*m1\s*\)"
    r"\s*,?\s*(?:or|and/or)\s+[^.;()]{0,80}?\(\s*m2\s*\)(?:\s*(?:bone\s+)?marrow)?",
    re.IGNORECASE)


def _graded_with_mrd(text: str) -> list[Reading] | None:
    """An M grade list read as one alternative: "M3 or M2 or M1 with MRD >= X", "M1 or M2"."""
    m = _GRADES_OR_MRD.search(text)
    if m:
        if m.group("pct"):
            level = float(m.group("pct")) / 100
        else:
            level = 10.0 ** -int(_POWER.search(m.group("pow").lower()).group(1))
        rule = {"any": [_leaf("marrow_blasts_percent", "gte", 5),
                        _leaf("mrd.level", _op(m.group("cmp")), round(level, 10))]}
        return [Reading(rule, m.start(), m.end(), "blasts of 5% or more in the marrow, or MRD "
                        "at the level named", covers=True)]
    m = _M1_OR_M2.search(text)
    if m:
        return [Reading(_leaf("marrow_blasts_percent", "lt", 25), m.start(), m.end(),
                        "an M1 or M2 bone marrow (under 25% blasts)", covers=True)]
    return None


_DATED_MARROW = re.compile(
    r"\s*(?:(?:in\s+)?(?:the\s+)?(?:bone\s+)?marrow\s*)?(?:at|on|by|after)\s+(?:the\s+)?"
    r"(?:end\s+of\s+(?:induction|consolidation|first[- ]line|therapy)|eoi\b|days?\s*\d+|"
    r"(?:time\s+of\s+)?(?:initial\s+|original\s+|first\s+)?diagnosis)", re.IGNORECASE)


@recogniser
def _marrow(text: str) -> list[Reading]:
    graded = _graded_with_mrd(text)
    if graded is not None:
        return graded
    out, bracketed = [], False
    m = re.search(r"\bm([123])\s*(?:(?:or|/|and/or)\s*m([123])\s*)?(?:bone\s+)?marrows?\b|"
                  r"\(\s*m([123])\s*(?:(?:or|/|and/or)\s*m([123])\s*)?(?:(?:bone\s+)?marrows?\s*)?\)",
                  text, re.I)
    if m:
        grades = sorted({int(g) for g in m.groups() if g})
        if grades == [1]:
            rule = _leaf("marrow_blasts_percent", "lt", 5)
        elif grades == [2]:
            rule = _leaf("marrow_blasts_percent", "between", [5, 25])
        elif grades == [3]:
            rule = _leaf("marrow_blasts_percent", "gt", 25)
        elif grades == [2, 3]:
            rule = _leaf("marrow_blasts_percent", "gte", 5)
        elif grades == [1, 2]:
            rule = _leaf("marrow_blasts_percent", "lte", 25)
        else:
            rule = None
        if rule:
            # (in brackets, the grade inside them: "not in remission (M2 or M3 marrow)" is
            # a bracket restating what comes before it)
            start, end = (m.start(3) - 1, m.end() - 1) if m.group(3) else (m.start(), m.end())
            bracketed = bool(m.group(3)) and not re.search(r"marrow", m.group(0), re.I)
            out.append(Reading(rule, start, end,
                               f"an M{'/M'.join(map(str, grades))} bone marrow"))
    blasts = r"(?:(?:lympho)?blasts|leukemic\s+blasts|leukemia\s+cells)"
    marrow = r"(?:bone\s+marrow|marrow|bm)\b"
    for pct in (rf"{marrow}[^.;%]{{0,40}}?{_CMP}\s*{_NUM}\s*%\s*{blasts}?",
                rf"{_CMP}\s*{_NUM}\s*%\s*(?:\(\s*m[123][^()]{{0,12}}\)\s*)?(?:bone\s+)?marrow\s+"
                rf"{blasts}",
                rf"{_CMP}\s*{_NUM}\s*%\s*{blasts}\s+(?:in|of|on|from)\s+(?:the\s+|an?\s+)?{marrow}"):
        for m in re.finditer(pct, text, re.I):
            # ("Leukemic blasts in bone marrow at least 5%": the blasts named before it)
            if not re.search(r"blast|leuk", m.group(0), re.I) and not re.search(
                    rf"{blasts}\s+(?:in|of)\s+(?:the\s+)?$", text[max(0, m.start() - 40):m.start()],
                    re.I):
                continue
            value = _num(m.group("num"))
            out.append(Reading(_leaf("marrow_blasts_percent", _op(m.group("cmp")), value),
                               m.start(), m.end(), "the share of leukemia cells (blasts) in "
                               "the bone marrow"))
    grade = [r for r in out if r.words.startswith("an M")]
    counted = [r for r in out if not r.words.startswith("an M")]
    near = [c for c in counted if grade and (
        min(abs(grade[0].start - c.end), abs(c.start - grade[0].end)) <= 15
        or c.start <= grade[0].start < c.end)]
    if near:
        # "at least 25% blasts (M3 marrow)": the grade restates the count, whose own
        # threshold decides (an M3 read as "more than 25%" would rule out exactly 25%)
        out = [dataclasses.replace(c, start=min(c.start, grade[0].start),
                                   end=max(c.end, grade[0].end)) if c is near[0] else c
               for c in counted]
    elif grade and bracketed:
        # a bare "(M1)" beside no count ("in first bone marrow remission (M1)") restates
        # the words before it, which are read (or not) on their own
        out = counted
    # "in complete remission (less than 5% blasts)": the remission's marrow, restated
    for m in re.finditer(rf"(?<=remission)\s*\(\s*{_CMP}\s*{_NUM}\s*%\s*{blasts}\s*\)", text,
                         re.I):
        out.append(Reading(_leaf("marrow_blasts_percent", _op(m.group("cmp")),
                                 _num(m.group("num"))), m.start(), m.end(),
                           "the share of leukemia cells (blasts) in the bone marrow"))
    # "M3 marrow at end of induction", ">= 5% blasts on day 29": a marrow of another time
    # than now, which the profile's (undated) figure may not describe: left unread
    # -- and never "met" either: the study team checks that marrow
    kept = []
    for r in out:
        dated = _DATED_MARROW.match(text, r.end)
        kept.append(r if dated is None else Reading(
            {"not_screened": "a bone marrow result from another time than now"}, r.start,
            dated.end(), "a bone marrow result from another time", covers=True))
    out = kept
    blood = re.search(r"peripheral\s+blood|\bpb\b|circulating|flow\s+cytometry\s+only", text, re.I)
    if blood and out and re.search(r"(?:bone\s+)?marrow\s*(?:\(bm\)\s*)?(?:or|and/or|/)\s*"
                                   r"(?:in\s+)?"
                                   r"(?:the\s+)?(?:peripheral\s+blood|pb)\b", text, re.I):
        # "blasts in the bone marrow or peripheral blood": the marrow figure the profile holds
        # is one way to meet it; blasts counted in the blood are the study team's
        return [Reading({"any": [r.rule, {"not_screened": "blasts counted in the blood"}]}, r.start,
                        max(r.end, blood.end()), r.words) for r in out[:1]]
    if blood:
        return []  # marrow and blood, or blood alone: the profile holds the marrow figure only
    return out


_MRD_POSITIVE = re.compile(r"\bmrd[- ]?(?:\+|positive|positivity)|\bpositive\s+mrd\b|"
                           r"\bresidual\s+disease(?:\s*\(mrd\))?[- ]?(?:positive|positivity)",
                           re.IGNORECASE)
_POWER = re.compile(r"10\s*(?:\^|e|-|−|⁻)\s*-?\s*(\d)|10\s*⁻\s*([³⁴⁵⁶])")


#: "molecular failure or molecular relapse" in a remission (GMALL's words): MRD that never
#: cleared or came back -- the leukemia is MRD positive.
_MOLECULAR = re.compile(r"\bmolecular(?:ly)?\s+(?:failure|relapse|persistence|resistance|"
                        r"progression|recurrence)(?:\s*(?:or|and/or|/|,)\s*(?:molecular\s+)?"
                        r"(?:failure|relapse|persistence|resistance|progression|recurrence))*",
                        re.IGNORECASE)


@recogniser
def _mrd(text: str) -> list[Reading]:
    molecular = _MOLECULAR.search(text)
    if molecular and not re.search(r"\bmrd\b|residual|\bnegativ|\bno\b|\bnot\b|without", text,
                                   re.I):
        return [Reading(_leaf("mrd.status", "eq", "positive"), molecular.start(), molecular.end(),
                        "MRD-positive leukemia (molecular failure or relapse)", covers=True,
                        # (needed for either, but not enough for one: a persisting MRD is no
                        # "molecular relapse", so it never excludes)
                        requiring_only=True)]
    if not re.search(r"\bmrd\b|minimal\s+residual|measurable\s+residual", text, re.I):
        return []
    out = []
    for m in re.finditer(rf"(?:mrd|residual\s+disease)\b[^.;]{{0,40}}?(?:{_CMP}|"
                         rf"(?P<threshold>(?:threshold|cut-?off|level)\s+(?:of\s+)?))\s*"
                         rf"(?:(?P<pct>\d+(?:\.\d+)?)\s*%|(?:1\s*[x×]\s*)?(?P<pow>10\s*(?:\^|e|-|−)"
                         rf"\s*-?\s*\d))", text, re.I):
        if m.group("pct"):
            level = float(m.group("pct")) / 100
        else:
            p = _POWER.search(m.group("pow").lower())
            if not p:
                continue
            level = 10.0 ** -int(p.group(1))
        op = "gte" if m.group("threshold") else _op(m.group("cmp"))
        if m.group("threshold") and not _MRD_POSITIVE.search(m.group(0)):
            continue  # "MRD level of 0.01%": which side of it is wanted is not said
        rule = _leaf("mrd.level", op, round(level, 10))
        if op in ("gte", "gt") and _MRD_POSITIVE.search(text):
            # "MRD positive (threshold 10^-4)": a positive MRD whose level was not given
            # may be above it: the study team's, never a question the person must answer
            rule = {"any": [rule, {"all": [_leaf("mrd.status", "eq", "positive"),
                                           {"not_screened": "the MRD level, at or above the "
                                                            "threshold"}]}]}
        out.append(Reading(rule, m.start(), m.end(), "the MRD level"))
    if out:
        return _with_mrd_name(text, out)
    residual = r"(?:mrd|(?:minimal|measurable)\s+residual\s+disease(?:\s*\(mrd\))?)"
    for m in re.finditer(r"\bmrd[- ]?(?:\+|positive|positivity)|\bmrd\s+(?:≥|>=)\s*"
                         r"|\bpositive\s+mrd\b|(?<!un)\bdetectable\s+" + residual +
                         r"|\bresidual\s+disease(?:\s*\(mrd\))?[- ](?:positive|positivity)\b",
                         text, re.I):
        out.append(Reading(_leaf("mrd.status", "eq", "positive"), m.start(), m.end(),
                           "MRD-positive leukemia"))
    for m in re.finditer(r"\bmrd[- ]?(?:-|negative|negativity)(?=\s|\)|,|\.|$)|"
                         r"\bnegative\s+mrd\b|\bundetectable\s+" + residual +
                         r"|\bresidual\s+disease(?:\s*\(mrd\))?[- ](?:negative|negativity)\b",
                         text, re.I):
        out.append(Reading(_leaf("mrd.status", "eq", "negative"), m.start(), m.end(),
                           "MRD-negative leukemia"))
    kinds = {r.rule["value"] for r in out}
    if len(kinds) > 1:
        return [Reading({}, 0, 0, "", narrow=True)]
    return _with_mrd_name(text, _merge_same(out))


_MRD_NAME = re.compile(r"\b(?:minimal|measurable)(?:\s*/\s*(?:minimal|measurable))?\s+residual\s+"
                       r"disease(?:\s*\(mrd\))?", re.IGNORECASE)


def _with_mrd_name(text: str, out: list[Reading]) -> list[Reading]:
    """The readings, each begun at "minimal/measurable residual disease" when the name
    opens it ("Minimal residual disease (MRD) >= 0.01%": all of it is the MRD level)."""
    names = list(_MRD_NAME.finditer(text))
    return [next((dataclasses.replace(r, start=n.start()) for n in names
                  if n.start() < r.start <= n.end() + 2), r) for r in out]


_CSF = r"(?:csf|cerebrospinal\s+fluid)(?:\s*\(csf\))?"
_CSF_CELLS = (r"(?:wbcs?|white\s+(?:blood\s+)?cells?(?:\s*\(wbc\))?|leukocytes|"
              r"(?:nucleated\s+)?cells)")
_CSF_FIVE = (r"(?:≥|>=|>|more\s+than|greater\s+than(?:\s+or\s+equal\s+to)?|at\s+least)\s*5\s*"
             r"(?:/\s*(?:µl|μl|ul|mm\s*(?:3|\^3|³)|microliters?|microlitre)\b)?")
_CSF_BLASTS = (r"with\s+(?:the\s+)?(?:presence\s+of\s+)?(?:leukemic\s+)?(?:lympho)?blasts"
               r"(?:\s+on\s+cytospin)?")
#: The CSF definition of CNS3: five or more white cells per microliter with blasts.
_CSF_CNS3 = re.compile(
    rf"{_CSF_FIVE}\s*{_CSF_CELLS}\s*(?:/\s*(?:µl|μl|ul|mm\s*(?:3|\^3|³)|microliters?)\b)?\s*"
    rf"in\s+(?:the\s+)?{_CSF}\s*,?\s*{_CSF_BLASTS}|"
    rf"{_CSF_CELLS}\s*(?:count\s+)?(?:of\s+)?{_CSF_FIVE}\s*in\s+(?:the\s+)?{_CSF}\s*,?\s*"
    rf"{_CSF_BLASTS}|"
    rf"{_CSF}\s+{_CSF_CELLS}\s*(?:count\s+)?(?:of\s+)?{_CSF_FIVE}\s*,?\s*{_CSF_BLASTS}",
    re.IGNORECASE)


#: A bracket that defines the CNS grade before it by the spinal fluid it found.
_GRADE_DEFINED = re.compile(r"\s*\((?=[^()]*(?:csf|cerebrospinal|blasts?|wbc|cells))[^()]{3,120}\)",
                            re.IGNORECASE)


#: Leukemia in the testes beside leukemia in the CNS ("Active ALL in the CNS or testes",
#: "CNS involvement (CNS 2, CNS 3) or testicular involvement by ALL"): the profile does not
#: hold the testes, so it is an alternative for the study team.
_TESTES = re.compile(
    r"\b(?:(?:active|overt|current)\s+)?(?:(?:leuka?emia|all)\s+)?(?:in\s+(?:the\s+)?)?(?:testes|testis|"
    r"testicles|testicular(?:\s+(?:involvement|disease|leuka?emia|infiltration))?)"
    r"(?:\s+(?:by|with)\s+(?:the\s+)?(?:all|leuka?emia|malignancy))?", re.IGNORECASE)
#: A CNS grade narrowed by how it behaves ("CNS3 disease that is progressive on therapy"):
#: the grade raises the question, the study team answers it.
_CNS_NARROWED = re.compile(
    r"\s*+(?:(?:disease|leuka?emia|involvement|status)\s++)?(?:that|which)\s+(?:is|has\s+been|remains)\s+"
    r"(?:progressive|progressing|refractory|not\s+responding|unresponsive|resistant)\b[^,;.]*",
    re.IGNORECASE)
#: Leukemia in the spinal fluid without a grade ("Infiltration of cerebrospinal fluid (CSF)
#: by ALL", "leukemic blasts in the CSF"): CNS3 surely; CNS2 (blasts, fewer cells) likely
#: too, so a CNS2 answer goes to the study team.
_CSF_INFILTRATION = re.compile(
    r"\b(?:(?:current|active|leuka?emic)\s+)*(?:infiltration|involvement)\s+of\s+(?:the\s+)?"
    r"(?:cerebrospinal\s+fluid|csf)(?:\s*\(csf\))?(?:\s+(?:by|with)\s+(?:the\s+)?(?:all|"
    r"leuka?emi\w*|lymphoblasts|blasts|malignancy))?|\bcsf\s+infiltration(?:\s+(?:by|with)\s+"
    r"(?:the\s+)?(?:all|leuka?emia|blasts))?", re.IGNORECASE)


#: How active CNS leukemia is established, after it ("Active CNS leukemia, as defined by
#: unequivocal morphologic evidence of lymphoblasts in the CSF or symptomatic CNS leukemia
#: (i.e. cranial nerve palsies) within 28 days", "... as evidenced by negative cytology on
#: lumbar puncture", "... documented by diagnostic lumbar puncture"): to the clause's end.
_CNS_DEFINED = re.compile(
    r"[\s,]*+(?:as\s+)?(?:defined|evidenced|documented|confirmed|demonstrated|shown|determined)"
    r"\s+(?:by|as|on|with)\b(?:\b(?:i\.e|e\.g)\.|\.(?=\d)|[^.;])*", re.IGNORECASE)


def _cns_defined(text: str, r: Reading) -> Reading:
    """An active-CNS-leukemia reading with the definition after it read into it.

    Blasts in the spinal fluid are CNS3, or CNS2 (blasts, fewer cells) that the study team
    weighs; any other sign the definition adds ("or any other clinical sign or symptom") is
    an alternative the profile cannot see. Symptomatic CNS leukemia (cranial nerve palsies)
    is CNS3 by its definition."""
    d = _CNS_DEFINED.match(text, r.end)
    if d is None or r.rule != _leaf("cns_status", "eq", "cns3") or not re.search(
            r"csf|cerebrospinal|spinal\s+fluid|lumbar|cytolog|blasts|symptom|neurolog",
            d.group(0), re.I) or re.search(r"\b(?:unless|except\w*|eligible|allowed|permitted|"
                                              r"may|provided|if)\b", d.group(0), re.I):
        return r  # (an exception inside the definition is the triggers' to weigh)
    rule = r.rule
    if re.search(r"blasts", d.group(0), re.I) and not re.search(r"negative", d.group(0), re.I):
        rule = {"any": [rule, {"all": [_leaf("cns_status", "eq", "cns2"), {
            "not_screened": "whether the blasts in the spinal fluid are current"}]}]}
    if re.search(r"\bor\s+(?:any\s+)?other\s+(?:clinical\s+)?(?:signs?|symptoms?|findings?)\b",
                 d.group(0), re.I):
        rule = {"any": [rule, {"not_screened": "other signs of CNS disease the text names"}]}
    return dataclasses.replace(r, rule=rule, end=d.end(), covers=True)


def _cns_active(text: str, r: Reading) -> Reading:
    """"Active CNS disease": CNS3 surely is; CNS2 (a few blasts in the spinal fluid) may be,
    so a CNS2 answer goes to the study team -- it never decides either way alone."""
    if r.rule != _leaf("cns_status", "eq", "cns3") or not re.match(
            r"(?:active|overt)\b", text[r.start:r.end], re.I):
        return r
    return dataclasses.replace(r, rule={"any": [r.rule, {"all": [
        _leaf("cns_status", "eq", "cns2"),
        {"not_screened": "whether CNS2 is active CNS disease"}]}]})


def _cns_beside(text: str, out: list[Reading]) -> list[Reading]:
    """The CNS readings with what narrows them and the testes beside them."""
    if not out or any(r.rule.get("__span__") for r in out):
        return out
    out = [_cns_active(text, _cns_defined(text, r)) for r in out]
    # (a definition read whole is no doubt over the clause)
    out += [Reading({"__span__": True, "__settles__": True}, r.start, r.end, "")
            for r in out if r.covers]
    grown = []
    for r in out:
        n = _CNS_NARROWED.match(text, r.end)
        if n and _fields_of_rule(r.rule) == {"cns_status"}:
            r = dataclasses.replace(r, rule={"all": [r.rule, {
                "not_screened": "whether the CNS disease is of the kind the text names"}]},
                end=n.end(), excluding_only=True)
        grown.append(r)
    last = max(r.end for r in grown)
    t = _TESTES.search(text, last)
    if t and re.fullmatch(r"[\s,)\]]*(?:(?:and/)?or|,)\s*", text[last:t.start()],
                                re.I):
        grown.append(Reading({"not_screened": "leukemia in the testes"}, t.start(), t.end(),
                             "leukemia in the testes", excluding_only=True))
    return grown


def _fields_of_rule(rule: dict) -> set[str]:
    if "field" in rule:
        return {rule["field"]}
    return {f for key in ("all", "any") for sub in rule.get(key, []) if isinstance(sub, dict)
            for f in _fields_of_rule(sub)}


@recogniser
def _cns(text: str) -> list[Reading]:
    return _cns_beside(text, _cns_found(text))


def _cns_found(text: str) -> list[Reading]:
    out = []
    for m in _CSF_CNS3.finditer(text):
        # "More than 5 WBC/microliter in CSF with blasts on cytospin", "CSF WBC >= 5/uL with
        # blasts": the spinal-fluid definition of CNS3
        out.append(Reading(_leaf("cns_status", "eq", "cns3"), m.start(), m.end(),
                           "leukemia in the spinal fluid (CNS3)"))
    if out:
        return _merge_same(out)
    for m in _CSF_INFILTRATION.finditer(text):
        out.append(Reading({"any": [_leaf("cns_status", "eq", "cns3"), {"all": [
            _leaf("cns_status", "eq", "cns2"), {"not_screened": "whether the blasts in the "
                                                                "spinal fluid are current"}]}]},
            m.start(), m.end(), "leukemia in the spinal fluid (CNS3, or CNS2)",
            excluding_only=True))
    if out:
        return out
    for m in re.finditer(r"(?:\bcentral\s+nervous\s+system\s*[\[(]cns[\])]|\bcns\]?)"
                         r"(?:\s+status(?:\s+(?:of|is|=))?\s*)?[- ]?([123])"
                         r"(?:\s*(?:,|or|and/or|/)\s*(?:cns[- ]?)?([123]))?"
                         r"(?:\s*(?:,|or|and/or|/)\s*(?:cns[- ]?)?([123]))?\b", text, re.I):
        grades = sorted({f"cns{g}" for g in m.groups() if g})
        rule = (_leaf("cns_status", "eq", grades[0]) if len(grades) == 1
                else _leaf("cns_status", "in", grades))
        out.append(Reading(rule, m.start(), m.end(), "leukemia in the spinal fluid "
                                                     f"({', '.join(g.upper() for g in grades)})"))
        said = _GRADE_DEFINED.match(text, m.end())
        if said:
            # "CNS2 (< 5 WBC/uL with blasts)": the bracket defines the grade just named
            out.append(Reading({"__span__": True}, said.start(), said.end(), ""))
    if not out:
        # "Active ALL in the CNS", "Active (overt) ALL in the CNS (confirmed by CSF analysis)"
        for m in re.finditer(r"\b(?:active|overt|current)\s+(?:\((?:overt|active)\)\s+)?(?:all|"
                             r"leuka?emia|disease)\s+(?:in|of|involving)\s+(?:the\s+)?(?:cns|"
                             r"central\s+nervous\s+system(?:\s*[\[(]cns[\])])?)\b(?:\s*\((?:confirmed|"
                             r"documented|as\s+shown)\b[^()]*\))?", text, re.I):
            out.append(Reading(_leaf("cns_status", "eq", "cns3"), m.start(), m.end(),
                               "active leukemia in the brain or spinal fluid (CNS3)"))
    if not out:
        for m in re.finditer(r"\b(?:active\s+|overt\s+)?(?:cns|central\s+nervous\s+system"
                             r"(?:\s*[\[(]cns[\])])?)\s+leuka?emia\b(?:\s+at\s+(?:the\s+time\s+of\s+)?(?:this\s+|"
                             r"current\s+)?relapse\b)?|"
                             r"\bactive\s+(?:cns|central\s+nervous\s+system)\s+"
                             r"(?:involvement|disease)\s+(?:by|of|with)\s+(?:the\s+)?"
                             r"(?:malignancy|leuka?emia|all)\b", text, re.I):
            out.append(Reading(_leaf("cns_status", "eq", "cns3"), m.start(), m.end(),
                               "active leukemia in the brain or spinal fluid (CNS3)"))
    brain = re.search(r"patholog|disorder|seizure|epilep|stroke|dementia|autoimmun|neurolog|"
                      r"psych|injur|palsy|tumou?r|mass\b|dysfunction", text, re.I)
    involvement = (r"\b(?:active\s+)?(?:cns|central\s+nervous\s+system(?:\s*[\[(]cns[\])])?)"
                   r"\s+(?:or\s+extramedullary\s+)?(?:involvement|disease|leuka?emia|infiltration)"
                   r"(?:\s+(?:by|of|with)\s+(?:the\s+)?(?:malignancy|leuka?emia|all|disease))?")
    if not out and not brain and re.search(
            r"\brequir|\bneed|clinical\s+manifestations?|\bsymptomatic|\bcranial\s+involvement|"
            r"\bradiation|\bradiotherapy", text, re.I):
        # "CNS involvement requiring intrathecal or craniospinal radiotherapy", "Clinical
        # manifestations of CNS involvement": CNS3 may be it, what more the text asks is for
        # the study team -- it never excludes alone, and a CNS1/CNS2 answer clears it.
        m = re.search(involvement, text, re.I)
        if m:
            return [Reading({"all": [_leaf("cns_status", "eq", "cns3"),
                                     {"not_screened": "whether the CNS disease is of the kind the "
                                                      "text names"}]},
                            m.start(), m.end(), "leukemia in the brain or spinal fluid (CNS3)",
                            whole=True, excluding_only=True)]
    if not out and not brain and re.search(r"\bhistory\s+of\b", text, re.I):
        # "History of CNS involvement with disease": any CNS3 answer, now or at diagnosis
        for m in re.finditer(r"\bhistory\s+of\s+(?:(?:prior|previous)\s+)?(?:cns|central\s+"
                             r"nervous\s+system(?:\s*[\[(]cns[\])])?)\s+(?:(?:involvement|leuka?emia|"
                             r"infiltration)(?:\s+(?:by|of|with)\s+(?:the\s+)?(?:malignancy|"
                             r"leuka?emia|all|disease))?|disease\s+(?:by|of|with)\s+(?:the\s+)?"
                             r"(?:malignancy|leuka?emia|all))\b", text, re.I):
            out.append(Reading(_leaf("cns_status", "eq", "cns3"), m.start(), m.end(),
                               "leukemia in the brain or spinal fluid (CNS3), now or before",
                               excluding_only=True))
        return out
    if not out and not re.search(r"patholog|disorder|seizure|epilep|stroke|dementia|autoimmun|"
                                 r"neurolog|history|prior|previous|psych|injur|palsy|symptom",
                                 text, re.I):
        # "CNS involvement" / "active CNS disease": CNS3 surely is; CNS2 may or may not
        # be, so this is read only as an excluding condition (never as a requirement).
        # ("No CNS involvement at relapse": the relapse the trial is for)
        for m in re.finditer(r"\b(?:active\s+)?(?:cns|central\s+nervous\s+system"
                             r"(?:\s*[\[(]cns[\])])?)"
                             r"\s+(?:or\s+extramedullary\s+)?(?:involvement|disease|leuka?emia|"
                             r"infiltration)"
                             r"(?:\s+(?:by|of|with)\s+(?:the\s+)?(?:malignancy|leuka?emia|all))?"
                             r"(?:\s+at\s+(?:the\s+time\s+of\s+)?(?:this\s+|current\s+)?relapse)?",
                             text, re.I):
            out.append(Reading(_leaf("cns_status", "eq", "cns3"), m.start(), m.end(),
                               "leukemia in the brain or spinal fluid (CNS3)",
                               excluding_only=True))
    return out


@recogniser
def _isolated_em(text: str) -> list[Reading]:
    out = _find(r"\bisolated\s+extra-?\s?medullary\s+(?:disease\s+)?(?:relapse|disease|"
                r"involvement)\b(?:\s*\(?\s*(?:without|with\s+no|and\s+no)\s+(?:concurrent\s+)?"
                r"(?:bone\s+)?marrow\s+(?:involvement|disease|relapse)\s*\)?)?",
                text, lambda m: Reading(
                    _leaf("isolated_extramedullary_relapse", "is", True), m.start(), m.end(),
                    "a relapse only outside the bone marrow"))
    # "isolated CNS, testicular, or other extramedullary site of relapse": every site
    # outside the marrow, so the whole answer (no site left for the study team)
    site = r"(?:cns|central\s+nervous\s+system(?:\s*\(cns\))?|testicular|testis|testes|ocular)"
    every = _find(rf"\bisolated\s+{site}(?:\s*,\s*{site})*\s*,?\s*(?:or|and/or)\s+(?:any\s+)?"
                  r"other\s+extra-?\s?medullary\s+(?:sites?\s+(?:of\s+)?)?(?:relapse|disease|"
                  r"involvement)s?\b|\bisolated\s+extra-?\s?medullary\s+sites?\s+of\s+relapse\b",
                  text, lambda m: Reading(
                      _leaf("isolated_extramedullary_relapse", "is", True), m.start(), m.end(),
                      "a relapse only outside the bone marrow"))
    if every:
        return every
    # "isolated CNS relapse", "isolated testicular or CNS relapse": a relapse outside the
    # marrow; which site it was is for the study team (the profile does not hold it)
    out += _find(r"\bisolated\s+(?:(?:initial|first|early|late)\s+)?(?:cns|central\s+nervous\s+"
                 r"system|testicular|testis|testes)(?:\s*(?:or|and/or|/|,)\s*(?:cns|testicular|"
                 r"testis|testes|central\s+nervous\s+system))?\s+(?:leuka?emia\s+)?relapses?\b",
                 text, lambda m: Reading(
                     {"all": [_leaf("isolated_extramedullary_relapse", "is", True),
                              {"not_screened": "the site of the relapse outside the marrow"}]},
                     m.start(), m.end(), "a relapse only outside the bone marrow"))
    return out


@recogniser
def _cd_markers(text: str) -> list[Reading]:
    out = []
    for marker in ("19", "22"):
        pos = (rf"\bcd{marker}\s*(?:(?:tumou?r|surface|antigen)\s+)?(?:\+|positive|positivity|"
               rf"expressing|expression)|"
               rf"\bcd{marker}[- ](?:positive|expressing)\b|\b(?:surface\s+)?expression\s+of\s+"
               rf"cd{marker}\b|\bexpress(?:es|ing)?\s+(?:the\s+)?"
               rf"cd{marker}\b(?:\s+antigen)?|\bpositive\s+for\s+cd{marker}\b(?:\s+expression)?")
        neg = (rf"\bcd{marker}[\s-]*(?:negative|negativity)\b|\bcd{marker}\s*-(?=\s|\)|,|\.|$)|"
               rf"\bnegative\s+for\s+cd{marker}\b")
        if re.search(rf"anti-?\s?cd{marker}|cd{marker}[- ]?(?:directed|targeted|car|"
                     rf"specific)|cd{marker}\s+(?:car|therapy)", text, re.I):
            continue  # a therapy against the marker, not the marker itself
        found = _find(pos, text, lambda m, mk=marker: Reading(
            _leaf(f"cd{mk}", "eq", "positive"), m.start(), m.end(),
            f"CD{mk} on the leukemia cells"))
        negs = _find(neg, text, lambda m, mk=marker: Reading(
            _leaf(f"cd{mk}", "eq", "negative"), m.start(), m.end(),
            f"no CD{mk} on the leukemia cells"))
        if found and negs:
            return [Reading({}, 0, 0, "", narrow=True)]
        out += _merge_same(found or negs)
    return out


def _name_pattern(name: str) -> str:
    """A plain name as a pattern: any case, hyphen or space between its parts, a final s."""
    parts = [re.escape(p) for p in re.split(r"[\s-]+", name.strip())]
    return r"\b" + r"[\s-]?".join(parts) + r"s?\b"


#: Patterns of classes whose members readers do not agree on as "currently receiving" it.
_NOT_CURRENT: set[str] = set()
#: Patterns of classes that may or may not cover some therapies ("chemotherapy": intrathecal
#: doses?): those therapies, and what the study team checks about them.
_DOUBTFUL: dict[str, tuple[list[str], str]] = {}


def _load_therapies() -> tuple[list[tuple[str, list[str]]], dict[str, list[str]]]:
    data = json.loads(resources.files(__package__).joinpath("concepts.json").read_text("utf-8"))
    table, long_names = [], {}
    for entry in data["therapies"]:
        patterns = [_name_pattern(n) for n in entry.get("names", [])] + entry.get("patterns", [])
        table.append(("|".join(patterns), entry["therapies"]))
        if entry.get("current") is False:
            _NOT_CURRENT.add("|".join(patterns))
        if entry.get("doubtful"):
            _DOUBTFUL["|".join(patterns)] = (entry["doubtful"], entry["doubt"])
        for name in entry.get("names", []):
            if re.fullmatch(r"[a-z]{9,}", name.lower()):
                long_names[name.lower()] = entry["therapies"]
    return table, long_names


#: (pattern, therapies) in order of precedence, from concepts.json.
_THERAPIES, _LONG_NAMES = _load_therapies()
#: Allogeneic transplant in its wordings.
_ALLO = next(p for p, names in _THERAPIES if names == ["allogeneic_hsct"])


def _one_letter_off(word: str, name: str) -> bool:
    """One letter changed, added or dropped (a common misspelling of a long drug name)."""
    if abs(len(word) - len(name)) > 1 or word == name:
        return False
    if len(word) == len(name):
        return sum(a != b for a, b in zip(word, name, strict=True)) == 1
    short, long_ = sorted((word, name), key=len)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


#: Long names by first letter, for the fuzzy look-up.
_BY_LETTER: dict[str, list[str]] = {}
for _name in _LONG_NAMES:
    _BY_LETTER.setdefault(_name[0], []).append(_name)


def _fuzzy_therapies(text: str) -> list[tuple[int, int, list[str]]]:
    """Long drug names written one letter off ("blinatumumab", "inotuzamab")."""
    out = []
    for m in re.finditer(r"[a-z]{9,}", text.lower()):
        word = m.group(0)
        if word in _LONG_NAMES:
            continue  # spelled right: the name patterns found it
        for name in _BY_LETTER.get(word[0], ()):
            if _one_letter_off(word, name):
                out.append((m.start(), m.end(), _LONG_NAMES[name]))
                break
    return out


# Words that make a therapy mention about something else than having received it.
_THERAPY_DOUBT = re.compile(
    r"\b(allerg\w*|hypersensitiv\w*|intoleran\w*|contraindicat\w*|refractory|resistan\w*|"
    r"failed|failure|respon\w*|candidate|eligible|suitable|indicated|planned|scheduled|"
    r"concurrent|concomitant|during|simultaneous|receiving|currently|ongoing|"
    r"donor|dose|doses|mg|cycle|cycles|course|courses|lines?|stable|recovered|toxicit\w*|"
    r"sibling|matched|unrelated|mobiliz\w*|apheresis|lymphodeplet\w*)\b", re.I)


#: A time window in a therapy's sentence ("within 6 weeks", "in the previous 4 months").
_TIMED = re.compile(r"\b(?:within|in\s+(?:the\s+)?(?:last|past|previous|preceding))\s+(?:the\s+)?"
                    r"(?:last\s+|past\s+|previous\s+)?\d+\s+(?:days?|weeks?|months?|years?)\b",
                    re.IGNORECASE)


_ANCHOR = re.compile(
    r"(?:prior\s+to|before|after|start(?:ing)?|first\s+dose\s+of|to\s+receive|initiation\s+of|"
    r"beginning|receiving)\s+(?:the\s+)?(?:start\s+of\s+|first\s+dose\s+of\s+)?(?:study\s+|"
    r"protocol\s+|conditioning\s+|lymphodeplet\w+\s+|preparative\s+)?"
    r"(?:treatment\s+with\s+|therapy\s+with\s+)?$", re.IGNORECASE)


def _duration_months(n: str, unit: str) -> float:
    value = float(n)
    unit = unit.lower()
    if unit.startswith("day"):
        return round(value / _DAYS_PER_MONTH, 3)
    if unit.startswith("week"):
        return round(value * 7 / _DAYS_PER_MONTH, 3)
    if unit.startswith("month"):
        return value
    return value * 12


def _within(therapies: list[str], months: float, said: str) -> dict:
    """"Any of ``therapies`` fewer than ``months`` months ago", safe at a fractional edge.

    People give whole months (3 means 3 to 4 months ago), so an answer in the
    month that holds a fractional edge (100 days = 3.29 months) may be on
    either side of it: that answer goes to the study team (not_screened)
    instead of deciding. Whole-month windows need no such band.
    """
    whole = int(months)
    if months == whole:
        return _leaf("prior_therapies", "received_within",
                     {"therapies": therapies, "months": whole})
    leaf = _leaf("prior_therapies", "received_within", {"therapies": therapies, "months": months})
    return {"any": [
        _leaf("prior_therapies", "received_within", {"therapies": therapies, "months": whole}),
        {"all": [leaf, {"not_screened": f"whether it was less than {said} ago (the answer "
                                        f"was given in whole months)"}]},
    ]}


_RELAPSE_AFTER = re.compile(
    r"\b(?:relapse[sd]?|relapsing|recurrence|recurred|recurrent\s+disease)\s+(?:post|after|"
    r"following)[- ]\s*(?:an?\s+|the\s+|prior\s+|previous\s+)?", re.IGNORECASE)
_COUNT_WORDS = {"one": 1, "two": 2, "three": 3, "1": 1, "2": 2, "3": 3}
_COUNT = (r"(?:(?:at\s+least|a\s+minimum\s+of|≥|>=)\s*)?(?P<n>one|two|three|[123])\s+"
          r"(?:or\s+more\s+)?(?:different\s+|prior\s+|previous\s+|distinct\s+)*")
#: "Intolerant to", "refractory to", "failed" a therapy: how it went.
_OUTCOME = re.compile(
    r"\b(?P<what>(?:intoleran(?:t|ce)|resistan(?:t|ce)|refractory)\s*(?:/|or|and/or)\s*"
    r"(?:intoleran(?:t|ce)|resistan(?:t|ce)|refractory)|"
    r"(?:failed|failure\s+of)\s+or\s+(?:(?:be|been|are|is|were|was)\s+)?intoleran(?:t|ce)|"
    r"intoleran(?:t|ce)|resistan(?:t|ce)|refractory|failed|failure\s+of|failing|"
    r"(?:(?:relapsed|refractory|recurrent|progressive|resistant)(?:\s*(?:/|or|and/or)\s*"
    r"(?:relapsed|refractory))?\s+(?:disease|leuka?emia|all)\s+)?despite)\s+"
    r"(?:to\s+|of\s+|on\s+)?(?:(?:prior|previous|standard)\s+)?(?:treatment\s+with\s+|"
    r"therapy\s+with\s+)?"
    r"(?:" + _COUNT + r")?", re.IGNORECASE)
_COMPLICATION_OF = re.compile(
    r"\b(?:related|attributed|attributable|due|secondary)\s+to\s+(?:a\s+|the\s+|any\s+)?"
    r"(?:(?:previous|prior|earlier)\s+|(?=[\w-]+\s*(?:therapy|treatment|use|exposure|"
    r"administration)?\s*[.;,)]?\s*$))", re.IGNORECASE)
#: "≥ 90 days after <therapy>": the wait is since the therapy named right after it.
_WAIT_BEFORE = re.compile(r"(?:\b(?:at\s+least|(?:more|greater)\s+than|minimum\s+of)|≥|>=|>)"
                          r"\s*\d+\s+"
                          r"(?:days?|weeks?|months?|years?)\s+(?:after|following)\s+"
                          r"(?:(?:the|a|an|prior|previous|last)\s+)*$", re.IGNORECASE)
#: "Time from allogeneic HSCT must be at least 6 months": the same wait, worded round.
_TIME_FROM = re.compile(
    r"\b(?:time|interval)\s+(?:from|since|after)\s+[^,;.]{3,60}?\s+(?:must\s+be\s+|should\s+be\s+|"
    r"is\s+|of\s+)?(?:at\s+least|≥|>=|more\s+than|>|greater\s+than)\s*(\d+)\s+"
    r"(days?|weeks?|months?|years?)\b", re.IGNORECASE)
_SINCE = re.compile(r"(?:\b(?:at\s+least|(?:more|greater)\s+than|minimum\s+of)|≥|>=|>)\s*(\d+)\s+"
                    r"(days?|weeks?|months?|years?)\s+(?:since|from|after|following|post|removed\s+from|"
                    r"out\s+from|must\s+have\s+elapsed\s+since|"
                    # "completed at least 3 months prior to enrollment": the same wait, counted
                    # back from the study (never "within 3 months")
                    r"(?:prior\s+to|before)(?=\s+(?:the\s+)?(?:start|first|day|date|study|"
                    r"protocol|enrol|registration|randomi|screening|entry|infusion|treatment|"
                    r"initiation|apheresis|leukapheresis)))\b", re.IGNORECASE)
_RECOVERED = re.compile(
    r"[,;]?\s*(?:and\s+)?(?:has\s+|have\s+)?(?:fully\s+)?recovered(?:\s+from\s+(?:the\s+|any\s+|"
    r"all\s+)?(?:acute\s+)?(?:toxic\w*|side\s+effects)(?:\s+of\s+(?:that|this|the|prior|"
    r"previous)?\s*(?:therapy|treatment))?)?\s*$", re.IGNORECASE)
#: "Currently receiving X", "no concurrent X": X now, which a pre-screen can only ask about.
_CURRENT = re.compile(
    r"\b(?:(?:concurrent|concomitant|current)\s+use\s+of|concurrent(?:ly)?|concomitant(?:ly)?|"
    r"(?:(?:is|are|was|were)\s+)?currently\s+"
    r"(?:receiving|taking|on|undergoing)|(?:is|are|was|were|be)\s+receiving|"
    r"(?:patients|subjects|participants)\s+receiving)\b"
    r"(?:\s+(?:or\s+plan(?:s|ning)?\s+to\s+receive)\b)?(?:\s+(?:therapy|treatment)\s+with\b)?",
    re.IGNORECASE)
#: Classes of treatment the dictionary does not hold (which profile therapies they cover
#: is not agreed): beside them, what we read is only part of the list.
_UNREAD_CLASS = re.compile(
    r"\banti-?\s?(?:cancer|neoplastic|tumou?r|leuk\w*)|\bstandard\s+(?:or\s+\w+\s+)?(?:therapy|"
    r"treatment)|\bother\s+(?:therapy|therapies|treatments?|medications?|drugs?|agents?)\b",
    re.IGNORECASE)
#: Treatments given once, never "currently received".
_ONE_OFF = frozenset({"cd19_car_t", "cd22_car_t", "other_car_t", "allogeneic_hsct",
                      "autologous_hsct"})


def _therapy_outcome(text: str, m: re.Match) -> list[Reading]:
    """"Intolerant to TKI therapy", "failed at least 2 TKIs": received_with_outcome /
    received_at_least. "Failed" also covers a relapse after a response: that part is for
    the study team. Anything more in the sentence (another outcome, another therapy) is
    not read."""
    rest = text[m.end():]
    hit = next(((names, re.match(p, rest, re.I)) for p, names in _THERAPIES
                if re.match(p, rest, re.I)), None)
    if hit is None:
        return []
    names, t = hit
    # "resistant to dasatinib or nilotinib": any of a list joined by "or"
    end = t.end()
    while True:
        j = re.match(r"\s*(?:,\s*(?:or\s+)?|\s+or\s+|\s+and/or\s+)", rest[end:], re.I)
        more = j and next(((n2, re.match(p, rest[end + j.end():], re.I)) for p, n2 in _THERAPIES
                           if re.match(p, rest[end + j.end():], re.I)), None)
        if not more:
            break
        names = sorted(set(names) | set(more[0]))
        end += j.end() + more[1].end()
    t = re.match(rf"[\s\S]{{{end}}}", rest)
    if "multiagent_chemotherapy" in names or set(names) <= _ONE_OFF:
        # "refractory to (induction) chemotherapy" is the disease status, read as such;
        # a transplant that "failed" is a relapse after it
        return []
    if re.search(r"mutat\w*|t315i|confer\w*|kinase\s+domain|allerg\w*|hypersensitiv\w*|"
                 r"contraindicat\w*|eligible|candidate|planned|donor", text, re.I):
        return [Reading({}, 0, 0, "", narrow=True)]  # a resistance of the leukemia's genes
    others, _ = therapies_named(text[:m.start()] + rest[t.end():])
    if others - set(names) or len(_OUTCOME.findall(text)) > 1 or _CURRENT.search(text) or re.search(
            r"\b\d+\s+(?:days?|weeks?|months?|years?)\b|\b(?:dose|doses|mg|cycles?|courses?)\b",
            text, re.I):
        return [Reading({}, 0, 0, "", narrow=True)]
    word = m.group("what").lower()
    n = _COUNT_WORDS.get((m.group("n") or "one").lower(), 1)
    if n > 1 and len(names) < n:
        return [Reading({}, 0, 0, "", narrow=True)]
    therapies = sorted(names)
    said = " ".join(n_.replace("_", " ") for n_ in therapies)
    if "intoleran" in word and re.search(r"resistan|refractory|fail", word):
        # "resistant or intolerant to": either outcome ("failed": a relapse after a response
        # to it too, which the study team tells apart)
        rule = _leaf("prior_therapies", "received_with_outcome",
                     {"therapies": therapies, "outcomes": ["refractory", "intolerant"]})
        if word.startswith("fail"):
            rule = {"any": [rule, {"all": [
                _leaf("prior_therapies", "received", therapies),
                {"not_screened": "a relapse after a response to it"}]}]}
    elif word.startswith("intoleran"):
        rule = _leaf("prior_therapies", "received_with_outcome",
                     {"therapies": therapies, "outcomes": ["intolerant"]})
    else:
        rule = _leaf("prior_therapies", "received_with_outcome",
                     {"therapies": therapies, "outcomes": ["refractory"]})
        if word.startswith("fail") or word.endswith("despite"):
            rule = {"any": [rule, {"all": [
                _leaf("prior_therapies", "received", therapies),
                {"not_screened": "a relapse after a response to it"}]}]}
    if n > 1 and word.endswith("despite"):
        # "relapsed/refractory disease despite at least 2 TKIs": the disease says how
        # they went (the trial's own status requirement is elsewhere); that many received
        rule = _leaf("prior_therapies", "received_at_least", {"therapies": therapies, "count": n})
    elif n > 1:
        # at least n different ones received is sure; how each went is for the study team
        rule = {"all": [_leaf("prior_therapies", "received_at_least",
                              {"therapies": therapies, "count": n}),
                        {"not_screened": f"how the {n} treatments went"}]}
    # "(TKI) therapy" after the name is the same therapy
    tail = re.match(r"\s*(?:\([^()]{1,12}\))?(?:\s+(?:therapy|treatment))?", rest[t.end():], re.I)
    # covers: "relapsed/refractory disease despite X" says how X went, not a status of its own
    return [Reading(rule, m.start(), m.end() + t.end() + tail.end(),
                    f"{word.split()[-1]} {said}", covers=True)]


def therapies_named(text: str) -> tuple[set[str], str]:
    """The profile therapies a text names, whatever it says of them, and the text left over."""
    named: set[str] = set()
    for pattern, names in _THERAPIES:
        def take(m, names=names, pattern=pattern):
            named.update(names)
            named.update(_DOUBTFUL.get(pattern, ((), ""))[0])
            return " "
        text = re.sub(pattern, take, text, flags=re.I)
    return named, text

#: Profile therapies that are classes of products ("CD19 CAR-T": tisagenlecleucel, obe-cel,
#: ...): an exception naming one product leaves the rest of the class to the study team.
_CLASS_VALUES = frozenset({"cd19_car_t", "cd22_car_t", "other_car_t", "anthracycline",
                           "asparaginase", "corticosteroids", "multiagent_chemotherapy",
                           "cranial_radiation", "allogeneic_hsct", "autologous_hsct",
                           "intrathecal_chemotherapy", "investigational_agent"})
_EXCEPT_WORDS = re.compile(
    r"\s*,?\s*\(?\s*(?:other\s+than|except(?:\s+for)?|excluding|apart\s+from|besides|"
    r"with\s+the\s+exception\s+of)\s+(?:(?:prior|previous|the|a|an)\s+)*", re.IGNORECASE)
_EXCEPT_JOIN = re.compile(r"\s*(?:,\s*(?:or\s+|and\s+)?|\s+(?:or|and|and/or)\s+)", re.IGNORECASE)
_EXCEPT_END = re.compile(r"\s*(?:\((?:[^()]{1,30})\)\s*)?(?:(?:therapy|treatment|products?)\s*)?"
                         r"\)?\s*(?=$|[;,.:]|\s+(?:within|in\s+the\s+(?:last|past)|at\s+any\s+time|"
                         r"or\s+(?:any|other)\b|(?:is|are|will|must|should)\b))", re.IGNORECASE)


def _class_exception(text: str, found: list[tuple[int, int, list[str]]]):
    """"Prior CD19-directed therapy other than blinatumomab", "any CAR-T except tisagenlecleucel":
    the class without what the exception names.

    Returns None (no exception), False (an exception we cannot place: not read), or
    (mentions left, therapies removed, therapies left to the study team, the excepted
    words, span of the exception words). A drug the profile holds as its own value is
    taken out of the class; one product of a class value ("tisagenlecleucel" of CD19
    CAR-T) leaves that value to the study team (another product of it still counts).
    """
    m = re.search(r"\b(?:other\s+than|except|excluding|apart\s+from|besides|"
                  r"with\s+the\s+exception\s+of)\b", text, re.IGNORECASE)
    if m is None:
        return None
    ordered = sorted(found)
    for i, (s_, e_, cls) in enumerate(ordered):
        w = _EXCEPT_WORDS.match(text, e_)
        if w is None or not (w.start() <= m.start() < w.end()):
            continue
        pos, ex = w.end(), []
        for s2, e2, names in ordered[i + 1:]:
            if s2 != pos:
                break
            ex.append((s2, e2, names))
            j = _EXCEPT_JOIN.match(text, e2)
            pos = j.end() if j else e2
        if not ex:
            return False
        tail = _EXCEPT_END.match(text, ex[-1][1])
        if tail is None:
            return False
        removed, unsure = set(), set()
        for s2, e2, names in ex:
            words = text[s2:e2]
            product = not re.search(r"car|chimeric|directed|targeted|anti|class|inhibitor|tki",
                                    words, re.I)
            for t in names:
                (unsure if t in _CLASS_VALUES and product else removed).add(t)
        # (an exception naming nothing the class holds -- "chemotherapy other than
        # steroids" -- takes nothing from it)
        left = [(s_, e_, [t for t in cls if t not in removed | unsure])] + [
            f for f in ordered if f[0] < s_ or f[0] >= tail.end()]
        left = [f for f in left if f[2] or f[0] == s_]  # the class mention holds the span
        said = text[ex[0][0]:ex[-1][1]]
        return (left, removed - unsure, sorted(set(cls) & unsure), said,
                (w.start(), tail.end()))
    return False


def _anthracycline_dose(text: str) -> list[Reading] | None:
    """"Cumulative anthracycline dose > 400 mg/m2": the profile holds that one was given, not
    how much. Over a limit: all[received, not_screened] (never excludes alone, and someone who
    never had one is clear); within it: any[not received, not_screened]."""
    m = re.search(rf"{_CMP}\s*{_NUM}\s*mg\s*/\s*m\s*(?:2|²|\^2)", text, re.I)
    if m is None or not re.search(r"anthracyclin|doxorubicin|daunorubicin|idarubicin|epirubicin|"
                                  r"mitoxantrone", text, re.I):
        return None
    named, _ = therapies_named(text)
    if named != {"anthracycline"} or _CURRENT.search(text) or re.search(
            r"\b\d+\s+(?:days?|weeks?|months?|years?)\b|\bradiat|\birradiat|\bor\b", text, re.I):
        return [Reading({}, 0, 0, "", narrow=True)]  # more than a dose of one class
    doubt = {"not_screened": "the cumulative anthracycline dose the text names"}
    within = _op(m.group("cmp")) not in ("gt", "gte")
    if not within:
        rule = {"all": [_leaf("prior_therapies", "received", ["anthracycline"]), doubt]}
    else:
        rule = {"any": [_leaf("prior_therapies", "not_received", ["anthracycline"]), doubt]}
    # (a dose within the limit is a requirement; listed as what excludes, it would exclude
    # everyone who never had one: read only in an inclusion)
    return [Reading(rule, 0, len(text.rstrip(" .;,")), "an earlier anthracycline dose",
                    covers=True, inclusion_only=within)]


_TIME_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
               "eight": 8, "nine": 9, "ten": 10, "twelve": 12}
_TIME_WORD = re.compile(r"\b(" + "|".join(_TIME_WORDS) + r")(?=\s*\(?\d*\)?\s+(?:days?|weeks?|"
                        r"months?|years?)\b)", re.IGNORECASE)


def _time_digits(text: str) -> str:
    """"Within six weeks" as "within 6 weeks", the same length (spans stay where they are)."""
    return _TIME_WORD.sub(lambda m: str(_TIME_WORDS[m.group(1).lower()]).ljust(len(m.group(1))),
                          text)


def _waits_apart(text: str) -> list[Reading]:
    """"A within 6 weeks or B within 12 weeks (before the study drug)": each alternative
    with its own wait, read on its own; any alternative without a wait of its own (or
    one not read) leaves the whole sentence unread."""
    cuts = [0] + [m.end() for m in re.finditer(r",?\s+or\s+", text, re.I)] + [len(text) + 1]
    out: list[Reading] = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        piece = text[a:b - 1] if b <= len(text) else text[a:]
        piece = re.sub(r",?\s+or\s*$", lambda m: " " * len(m.group(0)), piece, flags=re.I)
        if len(re.findall(r"\b\d+\s+(?:days?|weeks?|months?|years?)\b", piece, re.I)) != 1 or \
                not re.search(r"\bwithin\b", piece, re.I):
            return [Reading({}, 0, 0, "", narrow=True)]
        read = _therapies(piece)
        if not read or any(r.narrow for r in read) or all(r.rule.get("__span__") for r in read):
            return [Reading({}, 0, 0, "", narrow=True)]
        out += [dataclasses.replace(r, start=r.start + a, end=r.end + a) for r in read]
    return out


#: An autologous transplant in its older words (its "dose" is no dose limit).
_HIGH_DOSE_RESCUE = re.compile(
    r"\bhigh[- ]dose\s+(?:chemo)?therap(?:y|ies)\s+(?:with|and|followed\s+by)\s+(?:autologous\s+)?"
    r"(?:hematopoietic\s+)?(?:stem[- ]cell|marrow|progenitor\s+cell)\s+(?:rescue|support)",
    re.IGNORECASE)


@recogniser
def _therapies(text: str) -> list[Reading]:
    text = _time_digits(text)
    if re.search(r"\bfor\s+(?:an?\s+|the\s+)?(?:previous|prior|other|another|earlier|second|"
                 r"non-?leuka?emi\w+)\s+(?:malignan\w+|cancers?|tumou?rs?)\b", text, re.I):
        return [Reading({}, 0, 0, "", narrow=True)]  # treatment of another cancer, not of ALL
    current = _CURRENT.search(text)
    if current:
        # only the words that say "now" are set aside: any other doubt still counts
        text = text[:current.start()] + " " * (current.end() - current.start()) + \
            text[current.end():]
    after = _RELAPSE_AFTER.search(text)
    allo = re.match(_ALLO, text[after.end():], re.I) if after else None
    if allo:
        # "Relapse post allogeneic stem-cell transplantation": a donor transplant, and
        # leukemia now (not in remission). Someone in remission after it may never have
        # relapsed since: the study team.
        end = after.end() + allo.end()
        others, _ = therapies_named(text[:after.start()] + text[end:])
        if others:
            return [Reading({}, 0, 0, "", narrow=True)]
        return [Reading({"all": [_leaf("prior_therapies", "received", ["allogeneic_hsct"]),
                                 {"any": [_leaf("in_remission", "is", False),
                                          {"not_screened": "whether the leukemia came back "
                                                           "after the transplant"}]}]},
                        after.start(), end, "leukemia back after a donor transplant",
                        excluding_only=True, covers=True)]
    outcome = _OUTCOME.search(text)
    if outcome:
        return _therapy_outcome(text, outcome)
    complication = _COMPLICATION_OF.search(text)
    if complication and not re.search(r"previous|prior|earlier", complication.group(0), re.I) and \
            not therapies_named(text[complication.end():])[0]:
        complication = None  # "due to leukemia": a cause, no therapy
    if complication:
        # "History of CRS grade 4 related to previous CAR T cell therapy": a complication the
        # profile does not hold, after a therapy it does -- the therapy raises the question
        named, left = therapies_named(text[complication.end():])
        if not named or re.search(r"[a-z]{3,}", left.strip(" .;,()"), re.I) or \
                _CURRENT.search(text):
            return [Reading({}, 0, 0, "", narrow=True)]
        return [Reading({"all": [_leaf("prior_therapies", "received", sorted(named)),
                                 {"not_screened": "the complication the text names"}]},
                        0, len(text.rstrip(" .;,")),
                        "a complication of earlier " + ", ".join(
                            sorted(n.replace("_", " ") for n in named)), excluding_only=True)]
    dose = _anthracycline_dose(text)
    if dose is not None:
        return dose
    recovered = _RECOVERED.search(text) if _SINCE.search(text) else None
    if recovered:
        # "At least 8 weeks since prior cranial irradiation and recovered": the wait is
        # read, the recovery is for the study team
        text = text[:recovered.start()] + " " * (recovered.end() - recovered.start()) + \
            text[recovered.end():]
    if _THERAPY_DOUBT.search(_HIGH_DOSE_RESCUE.sub(" ", text)):
        return []  # ("high-dose chemotherapy with stem cell rescue" names a transplant: no dose)
    found: list[tuple[int, int, list[str]]] = []
    anchors: list[tuple[int, int]] = []
    doubts: dict[str, str] = {}
    not_current = False
    timed_text = _TIMED.search(text)
    for pattern, names in _THERAPIES:
        for m in re.finditer(pattern, text, re.I):
            if any(m.start() < e and s < m.end() for s, e, _ in found + [
                    (a, b, []) for a, b in anchors]):
                continue
            if _ANCHOR.search(text[max(0, m.start() - 45):m.start()]) and not (
                    _WAIT_BEFORE.search(text[max(0, m.start() - 45):m.start()])):
                if not timed_text or timed_text.start() > m.start():
                    return []  # the study's own treatment as a time anchor: not a prior therapy
                # "Immunotherapy within 6 weeks prior to blinatumomab treatment": the study's
                # drug is where the wait ends; the therapy before the window is what is read
                anchors.append((m.start(), m.end()))
                continue
            found.append((m.start(), m.end(), names))
            not_current = not_current or pattern in _NOT_CURRENT
            for t in _DOUBTFUL.get(pattern, ((), ""))[0]:
                doubts.setdefault(t, _DOUBTFUL[pattern][1])
    for s_, e_, names in _fuzzy_therapies(text):
        if not any(s_ < e and s < e_ for s, e, _ in found + [(a, b, []) for a, b in anchors]):
            found.append((s_, e_, names))
    if not found:
        return []
    settled_anchors = [Reading({"__span__": True}, a, b, "") for a, b in anchors]
    excepted = _class_exception(text, found)
    if excepted is False:
        return [Reading({}, 0, 0, "", narrow=True)]  # an exception we cannot place
    settled: list[Reading] = list(settled_anchors)
    if excepted:
        found, removed, unsure, said, (ex_start, ex_end) = excepted
        doubts = {t: d for t, d in doubts.items() if t not in removed}
        for t in unsure:
            doubts[t] = f"whether it was other than {said}"
        settled.append(Reading({"__span__": True, "__settles__": True}, ex_start, ex_end, ""))
    therapies = sorted({t for _, _, names in found for t in names}
                       - (set(excepted[2]) if excepted else set()))
    if not therapies and not doubts:
        return [Reading({}, 0, 0, "", narrow=True)]
    doubts = {t: d for t, d in doubts.items() if t not in therapies}

    def rule_of(make) -> dict:
        """``make(therapies)`` for the therapies named, and for those a class may cover,
        the same with what the study team checks beside it."""
        parts = [make(therapies)] if therapies else []
        for doubt in dict.fromkeys(doubts.values()):
            ts = sorted(t for t, d in doubts.items() if d == doubt)
            parts.append({"all": [make(ts), {"not_screened": doubt}]})
        return parts[0] if len(parts) == 1 else {"any": parts}

    window = re.search(r"\bwithin\s+(?:the\s+)?(?:last\s+|past\s+|previous\s+)?(\d+)\s+"
                       r"(days?|weeks?|months?|years?)\b|"
                       r"(?:\b(?:less|fewer)\s+than\s+|<\s*)?\b(\d+)\s+(days?|weeks?|months?|years?)"
                       r"\s+(?:prior\s+to|before|of)\s+(?:the\s+)?(?:screening|enrollment|enrolment|"
                       r"study\s+entry|registration|randomi[sz]ation|day\s+1|start|first\s+dose|"
                       r"study\s+(?:treatment|drug|therapy))|"
                       r"\bin\s+(?:the\s+)?(?:last|past|previous|preceding)\s+(\d+)\s+(days?|weeks?|months?|years?)\b|"
                       r"(?:\b(?:less|fewer)\s+than|<)\s*(\d+)\s+(days?|weeks?|months?|years?)\s+"
                       r"(?:since|after|from|following|post)\b",
                       text, re.I)
    since = _SINCE.search(text) or _TIME_FROM.search(text)
    if since and window and window.start() < since.end() and since.start() < window.end():
        window = None  # ("at least 3 months prior to enrollment": the wait, not a window)
    if re.search(r"\bhalf[- ]?li(?:fe|ves)\b|\bwash[- ]?out\b", text, re.I) or (
            not since and not window and re.search(r"\b(?:since|elapsed)\b", text, re.I)):
        # a wait we cannot count ("5 half-lives", "a washout", "since the last dose"):
        # the study team's, and the therapy named is no requirement of its own
        return [Reading({}, 0, 0, "", narrow=True)]
    words = ", ".join(sorted({n.replace("_", " ") for n in therapies}))
    timed = since or window
    if timed and re.search(r"relaps|recurr", text[:timed.start()], re.I) and not re.search(
            r"remission|diagnos|progress", text[:timed.end()], re.I):
        # "relapsed within 6 months of blinatumomab": when the leukemia came back, counted
        # from a treatment -- no profile field holds it, so it is the study team's, and the
        # words around it (a relapse, a lineage) are still read
        start = min(timed.start(), *(s_ for s_, _, _ in found))
        end = max(timed.end(), *(e_ for _, e_, _ in found))
        return [Reading({"not_screened": "when the leukemia came back, counted from the "
                                         "treatment the text names"}, start, end,
                        "when the leukemia came back after a treatment")]
    if timed and (re.search(r"relaps|remission|diagnos|recurr|progress", text[:timed.end()], re.I)
                  or re.match(r"\s*(?:of|before|prior\s+to|preceding)\s+(?:the\s+)?(?:initial\s+|"
                              r"first\s+)?(?:diagnos|relapse)", text[timed.end():], re.I)):
        # ("within 2 months of diagnosis": counted from a date the profile does not hold)
        return [Reading({}, 0, 0, "", narrow=True)]  # when the disease came back, not a wait
    if since and window:
        return [Reading({}, 0, 0, "", narrow=True)]
    if len(re.findall(r"\b\d+\s+(?:days?|weeks?|months?|years?)\b", text, re.I)) > 1:
        # "autologous HSCT within 6 weeks or allogeneic HSCT within 12 weeks": a wait for
        # each therapy, never one wait for all of them -- read clause by clause or not at all
        return _waits_apart(text)
    if current:
        if since or window or not_current or _UNREAD_CLASS.search(text) or re.search(
                r"\b\d+\s+(?:days?|weeks?|months?|years?)\b", text, re.I):
            return [Reading({}, 0, 0, "", narrow=True)]
        now = sorted((set(therapies) | set(doubts)) - _ONE_OFF)
        if not now:
            return [Reading({}, 0, 0, "", narrow=True)]
        # "Currently receiving X" (settled reading): a dose less than a month ago raises
        # the question; whether it goes on is for the study team. Never excludes alone.
        rule = {"all": [_leaf("prior_therapies", "received_within",
                              {"therapies": now, "months": 1}),
                        {"not_screened": "whether still receiving it"}]}
        first = min(found)
        return [Reading(rule, first[0], first[1],
                        "currently receiving " + ", ".join(n.replace("_", " ") for n in now),
                        excluding_only=True),
                *[Reading({"__span__": True}, s_, e_, "") for s_, e_, _ in found
                  if s_ != first[0]],
                *settled, Reading({"__span__": True}, current.start(), current.end(), "")]
    # One reading on the first mention; the other mentions and the time phrase are
    # marked as read, so words between them (a "not") still count.
    first = min(found)
    extra = [Reading({"__span__": True}, s_, e_, "") for s_, e_, _ in found if s_ != first[0]]
    for _, e_, _ in found:
        # "asparaginase-containing regimens", "a clofarabine-based therapy": the drug given
        suffix = re.match(r"[- ](?:containing|based)\s+(?:regimens?|therap\w+|chemotherap\w+|"
                          r"treatments?|protocols?)\b", text[e_:], re.I)
        if suffix:
            extra.append(Reading({"__span__": True}, e_, e_ + suffix.end(), ""))
        # "monoclonal antibodies (rituximab, alemtuzumab)": examples of the class just named
        ex = re.match(r"\s*\((?:e\.g\.,?\s*|such\s+as\s+|including\s+)?([^()]*)\)", text[e_:])
        if ex and all(re.fullmatch(r"[a-z]+(?:mab|nib|ib|ine|ide|ate)|[a-z]*mab[a-z]*|campath|"
                                   r"and|or", w)
                      for w in re.findall(r"[a-z]+", ex.group(1).lower())):
            # (its "e.g." gives examples of the class, no permission: settled)
            extra.append(Reading({"__span__": True, "__settles__": True}, e_, e_ + ex.end(), ""))
    timing = since or window
    if timing:
        groups = [g for g in timing.groups() if g]
        if _duration_months(groups[0], groups[1]) < 1:
            # A waiting period shorter than a month ("14 days prior to enrollment")
            # is not screened: a pre-screen comes weeks before enrollment, the wait
            # has usually passed by then, and the whole months a person gives
            # ("less than a month ago") cannot say which side of it they are on.
            return [Reading({}, 0, 0, "", narrow=True)]
    if since:
        # "At least N since" is broken only by a dose less than N ago, which is
        # exactly received_within N (fewer than N months ago).
        months = _duration_months(since.group(1), since.group(2))
        said = f"{since.group(1)} {since.group(2)}"
        rule = {"not": rule_of(lambda ts: _within(ts, months, said))}
        if recovered:
            rule = {"all": [rule, {"not_screened": "recovery from it"}]}
            extra.append(Reading({"__span__": True}, recovered.start(), recovered.end(), ""))
        # (as what excludes, "more than 100 days post-transplant with GVHD" speaks of people
        # who had it, never of those who did not: read only as a requirement)
        return [Reading(rule, first[0], first[1],
                        f"{words} at least {since.group(1)} {since.group(2)} ago (or never)",
                        inclusion_only=True),
                *extra, *settled, Reading({"__span__": True}, since.start(), since.end(), "")]
    if window:
        groups = [g for g in window.groups() if g]
        rule = rule_of(lambda ts: _within(ts, _duration_months(groups[0], groups[1]),
                                          f"{groups[0]} {groups[1]}"))
        return [Reading(rule, first[0], first[1], f"{words} in the last {groups[0]} {groups[1]}"),
                *extra, *settled, Reading({"__span__": True}, window.start(), window.end(), "")]
    if re.search(r"\b(\d+)\s+(days?|weeks?|months?|years?)\b", text, re.I):
        return [Reading({}, 0, 0, "", narrow=True)]  # a timing we could not place
    if not re.search(r"\b(prior|previous|previously|received|treatment with|treated with|"
                     r"exposure|history of|had)\b|\bafter\b|\bpre-?treat\w*", text, re.I):
        # ("post-transplant" and "following" often say when, not that it was given:
        # "less than 100 days post-transplant" is a window, read elsewhere or not at all)
        return []  # a therapy named without saying it was received
    count = re.search(r"(?:\b|≥|>=)" + _COUNT + r"$", text[:first[0]], re.I)
    if count and len({tuple(names) for _, _, names in found}) == 1 and not doubts:
        # (one class named twice -- "two different tyrosine kinase inhibitors (TKIs)" -- is
        # still one class counted)
        n = _COUNT_WORDS[count.group("n").lower()]
        if n > 1 and len(therapies) >= n:
            # "at least two different TKIs": that many of the class
            return [Reading(_leaf("prior_therapies", "received_at_least",
                                  {"therapies": therapies, "count": n}),
                            count.start(), first[1], f"at least {n} of {words}"), *extra, *settled]
    return [Reading(rule_of(lambda ts: _leaf("prior_therapies", "received", ts)),
                    first[0], first[1], f"earlier treatment with {words}"), *extra, *settled]


#: Words that make a GVHD mention narrower than the profile's yes/no (a grade, an extent,
#: an organ, a treatment or a time): such GVHD is active GVHD, but not every active GVHD.
_GVHD_NARROW = re.compile(
    r"\bgrade|\bstage|extensive|limited|mild|moderate|severe|overall|skin|\bgut\b|liver|"
    r"\bgi\b|gastrointestinal|steroid|dose|\bmg\b|\bwithin\b|\bsystemic|"
    r"immunosuppress\w*|treatment|therapy|criteria|glucksberg|ibmtr|seattle|\bnih\b", re.I)


@recogniser
def _gvhd(text: str) -> list[Reading]:
    gvhd = (r"(?:gvhd|gvh|graft[- ]versus[- ]host\s+disease|graft[- ]vs\.?[- ]host\s+disease|"
            r"graft\s+versus\s+host\s+disease|graft\s+vs\.?\s+host\s+disease)")
    m = re.search(r"\b(?:active\s+)?(?:acute\s+(?:or|and/or)\s+chronic\s+|acute\s+|chronic\s+)?"
                  + gvhd + r"(?:\s*\(gvhd\))?(?P<needs>\s*(?:requiring|that\s+requires?|needing)\s+"
                  r"(?:systemic\s+)?(?:immunosuppressi\w+|treatment|therapy)\b)?", text, re.I)
    if not m:
        return []
    if re.search(r"\b(?:history|prior|previous|past)\s+(?:of\s+)?(?:[\w-]+\s+){0,3}$",
                 text[:m.start()], re.I) or re.search(r"prophylaxis|history\s+of\s+(?:\w+\s+){0,3}"
                                                      r"(?:gvhd|graft)", text, re.I):
        return [Reading({}, 0, 0, "", narrow=True)]
    # The words around the GVHD up to the nearest comma, semicolon or full stop are what
    # qualifies it (a "within 6 months" of another condition in the list does not).
    region_start = max(text.rfind(c, 0, m.start()) for c in ",;.") + 1
    # "Prior allogeneic transplant within 6 months or active GVHD": what comes before the
    # "or" qualifies the other alternative, not the GVHD
    alone = re.search(r"\bor\s+(?=(?:(?:active|acute|chronic|current|ongoing|and|or|/|have|has|"
                      r"having|with|who|that)\s*)*$)",
                      text[region_start:m.start()], re.I)
    if alone:
        region_start += alone.end()
    ends = [i for i in (text.find(",", m.end()), text.find(";", m.end()),
                        text.find(". ", m.end())) if i >= 0]
    region_end = min(ends) if ends else len(text.rstrip(" .;,"))
    around = text[region_start:m.start()] + " " + text[m.end():region_end]
    if m.group("needs") and re.search(r"\bsystemic", m.group("needs"), re.I):
        # "GVHD requiring systemic immunosuppression": not every active GVHD (a mild one
        # treated on the skin is active too) -- read with what narrows it
        around += " " + m.group("needs")
    absent = re.search(r"\b(?:no|without)\s+(?:(?:clinical\s+)?(?:evidence|signs?)\s+of\s+)?"
                       r"(?:active\s+|current\s+|ongoing\s+)?(?:acute\s+(?:or|and/or)\s+chronic\s+|"
                       r"acute\s+|chronic\s+)?" + gvhd + r"(?:\s*\(gvhd\))?", text, re.I)
    if absent and absent.end() >= m.end() and not _GVHD_NARROW.search(around):
        # "(after a transplant) with no evidence of GVHD": GVHD follows a donor transplant,
        # so anyone without one meets it; after one, an active GVHD answer decides.
        # The "no" is part of the reading: a requirement, never an excluding condition.
        return [Reading({"any": [_leaf("prior_therapies", "not_received", ["allogeneic_hsct"]),
                                 _leaf("active_gvhd", "is", False)]},
                        absent.start(), absent.end(),
                        "no active graft-versus-host disease after a donor transplant",
                        inclusion_only=True)]
    if _GVHD_NARROW.search(around):
        # "Grade 2 to 4 acute or extensive chronic GVHD", "active GVHD requiring systemic
        # steroids within 4 weeks": active GVHD of a kind the profile cannot tell apart.
        # An active GVHD answer raises the question and never excludes alone.
        # (immunosuppression or steroids "for GVHD" now treat a GVHD that is there)
        if not re.search(r"\b(?:active|acute|chronic|grade|presence|current\w*|ongoing)\b",
                         text, re.I) and (re.search(r"\bwithin\b|\blast\b|\bprior\b", text, re.I)
                                          or not re.search(
                r"\b(?:receiving|(?:on|requiring|needing|under)\s+(?:\w+\s+){0,2}?(?:immunosuppress\w*|"
                r"steroids?|corticosteroids?|treatment|therapy))\b", text, re.I)):
            return [Reading({}, 0, 0, "", narrow=True)]
        end = region_end
        before = re.compile(r"(?:[≤<]|</=|<=|=<)?\s*" + _GVHD_NARROW.pattern, re.I).search(
            text, region_start, m.start())
        start = min(m.start(), before.start()) if before else m.start()
        lead = re.search(r"\b(?:under|still\s+on|on|receiving)\s+$", text[:start], re.I)
        if lead:  # "under treatment for GVHD": the words that say it is treated now
            start = lead.start()
        after = re.search(r"(?:" + _ALLO + r")\s*,?\s*(?:(?:that|which)\s+is\s+)?(?:currently\s+)?"
                          r"complicated\s+by\s+$", text[:start], re.I)
        if after:  # "an allogeneic SCT that is currently complicated by active GVHD": GVHD
            start = after.start()  # follows a donor transplant, so it says nothing more
        if re.search(r"(?:≤|<=|</=|=<|no\s+more\s+than|not\s+more\s+than|at\s+most)\s*"
                     r"grade\s*(?:1|i)\b|\bgrade\s*(?:0\s*(?:-|to|or)\s*)?(?:1|i)\s+or\s+"
                     r"(?:less|lower)\b", text[start:end], re.I):
            # "≤ grade 1 skin GVHD" as a requirement: none, or a mild one the study
            # team confirms
            return [Reading({"any": [_leaf("active_gvhd", "is", False),
                                     {"not_screened": "GVHD no worse than the text allows"}]},
                            start, end, "no active graft-versus-host disease beyond the "
                            "grade the text allows", requiring_only=True)]
        return [Reading({"all": [_leaf("active_gvhd", "is", True),
                                 {"not_screened": "the GVHD grade, extent or treatment the "
                                                  "text names"}]}, start, end,
                        "active graft-versus-host disease of the kind the text names",
                        excluding_only=True)]
    if not (re.match(r"active\b", m.group(0), re.I) or m.group("needs")):
        return []  # GVHD in the past, or of a kind the text does not say: not our field
    return [Reading(_leaf("active_gvhd", "is", True), m.start(), m.end(),
                    "active graft-versus-host disease")]


#: "ECOG 0-2, unless a performance of 3 is caused by the disease", "ECOG 0-2, or > 2 if due
#: to ALL": a performance limit that a cause the profile does not hold lifts (to a score the
#: text may name). What narrows the cause further stays in the same sentence.
_PERF_EXCEPT = re.compile(
    r"[\s),;(]*+(?:or\s*+(?:[>≥]=?|>=|higher|more|worse)\s*+(?P<gt>[0-4])?|(?:unless|except"
    r"(?:\s+(?:if|when))?|if)\s++(?:(?:an?|the|ecog|who|performance|ps|status|score|of)\s++)*+"
    r"(?P<n>[1-4])?)(?P<narrow>[^.;]*?)\b(?:is\s+|are\s+)?(?:(?:unequivocally|clearly|solely|"
    r"only)\s+)?(?:due|caused|related|secondary|attributable|attributed)\s+(?:to|by)\s+(?:the\s+)?"
    r"(?:underlying\s+)?(?:disease|leuka?emi\w*|malignan\w*|(?-i:ALL)|lymphoma)\b"
    r"(?:(?!\b(?:ecog|karnofsky|lansky)\b)[^.;])*", re.IGNORECASE)


def _performance_exception(text: str, r: Reading) -> Reading:
    """An ECOG limit a named cause lifts: any[limit, all[the poorer score allowed,
    not_screened]] -- a score within clears it, a poorer one goes to the study team (and
    one beyond the score the exception names is still ruled out)."""
    e = _PERF_EXCEPT.match(text, r.end)
    if e is None or r.rule.get("op") != "performance_at_most" or re.search(
            r"\d", e.group("narrow")):
        return r
    member = {"not_screened": "whether a poorer performance status is due to the leukemia"}
    if e.group("n"):
        member = {"all": [_leaf("performance_status", "performance_at_most",
                                {"scale": "ecog", "score": int(e.group("n"))}), member]}
    return dataclasses.replace(r, rule={"any": [r.rule, member]}, end=e.end(), covers=True)


@recogniser
def _performance(text: str) -> list[Reading]:
    out = []
    ecog = (r"\b(?:ecog|zubrod|who|swog|gog|eastern\s+cooperative\s+oncology\s+group)"
            r"(?:\s*\(ecog\))?(?:\s+(?:criterion|criteria|scale))?(?:\s+performance)?"
            r"(?:\s+status)?(?:\s*\((?:ecog|ps)\))?(?:\s+(?:score|grade)s?)?"
            r"(?:\s+(?:of|is|must\s+be|should\s+be|that\s+is|which\s+is))?(?:\s+either)?\s*")
    for m in re.finditer(ecog + rf"(?:(?P<lo>0)\s*(?:-|–|to)\s*(?P<hi>[1-4])\b|"
                         rf"(?P<top>[2-4])\s*(?:or\s+(?:more|greater|higher|above)|(?:-|–|to|and|or)"
                         rf"\s*[3-5])(?!\s*%)\b|"
                         rf"(?P<list>0\s*(?:,\s*1\s*)?(?:,?\s*(?:or|and)\s*)?[1-4])\b|"
                         rf"{_CMP}\s*(?:0\s*(?:-|–|to)\s*)?(?P<num>[0-4])\b)", text, re.I):
        if m.group("top"):
            # "ECOG 3 or more", "ECOG 3 and 4": the poorer scores, from the first one up
            score, op = int(m.group("top")), "performance_at_least"
        elif m.group("hi"):
            score, op = int(m.group("hi")), "performance_at_most"
        elif m.group("list"):
            score, op = int(m.group("list")[-1]), "performance_at_most"
        else:
            c = _op(m.group("cmp"))
            n = int(m.group("num"))
            op = "performance_at_most" if c in ("lte", "lt") else "performance_at_least"
            score = n - 1 if c == "lt" else n + 1 if c == "gt" else n
            if not 0 <= score <= 5:
                continue
        out.append(_performance_exception(text, Reading(
            _leaf("performance_status", op, {"scale": "ecog", "score": score}),
            m.start(), m.end(), f"ECOG performance status {score}")))
    kps = (r"\b(?:karnofsky|karnovsky|lansky|kps|lps)(?:\s*\((?:kps|lps|age[^)]*)\))?"
           r"(?:\s*(?:or|and/or|/)\s*(?:karnofsky|karnovsky|lansky|kps|lps)"
           r"(?:\s*\((?:kps|lps|age[^)]*)\))?)?"
           r"(?:\s+(?:performance|play))?(?:\s+(?:status|scale))?(?:\s*\((?:kps|lps)\))?"
           r"(?:\s+(?:score|of|is|must\s+be)){0,2}"
           r"\s*")
    for m in re.finditer(kps + rf"(?:{_CMP}\s*(?P<num>\d{{2,3}})\s*%?|(?P<lo>\d{{2}})\s*%?\s*"
                         rf"(?:-|–|to)\s*100\s*%?)", text, re.I):
        if m.group("lo"):
            score, op = int(m.group("lo")), "performance_at_least"
        else:
            c = _op(m.group("cmp"))
            n = int(m.group("num"))
            # "> 50" is 51 and up, not 60: a score between the tens must not be excluded.
            if c in ("gte", "gt"):
                score, op = n + (1 if c == "gt" else 0), "performance_at_least"
            else:
                score, op = n - (1 if c == "lt" else 0), "performance_at_most"
        if not 0 <= score <= 100:
            continue
        scale = "lansky" if re.match(r"\W*(lansky|lps)", m.group(0), re.I) and not re.search(
            r"karnofsky|kps", m.group(0), re.I) else "karnofsky"
        out.append(Reading(_leaf("performance_status", op, {"scale": scale, "score": score}),
                           m.start(), m.end(), f"{scale.title()} performance status {score}"))
    if not any(leaf["value"]["scale"] == "ecog" for r in out
               for leaf in _all_leaves(r.rule)):
        m = re.search(r"\bperformance\s+status\s*(?:\(ps\)\s*)?(?:of\s+)?(?:=<|<=|≤)\s*"
                      r"(?:0\s*-\s*)?(?P<hi>[0-3])\b(?!\s*%)", text, re.I)
        if m and not re.search(r"karnofsky|lansky|kps|lps|%", text, re.I):
            score = int(m.group("hi"))
            out.append(Reading(_leaf("performance_status", "performance_at_most",
                                     {"scale": "ecog", "score": score}), m.start(), m.end(),
                               f"performance status 0 to {score} (ECOG)"))
    if not any(leaf["value"]["scale"] == "ecog" for r in out
               for leaf in _all_leaves(r.rule)):
        m = re.search(r"\bperformance\s+status\s*(?:\(ps\)\s*)?(?:of\s+)?(?:(?P<lo>0)\s*(?:-|–|to)"
                      r"\s*(?P<hi>[1-3])\b|(?P<list>0\s*(?:,\s*1\s*)?(?:,?\s*(?:or|and)\s*)?[1-3])\b)"
                      r"(?!\s*%)", text, re.I)
        if m:
            score = int(m.group("hi") or m.group("list")[-1])
            out.append(Reading(_leaf("performance_status", "performance_at_most",
                                     {"scale": "ecog", "score": score}), m.start(), m.end(),
                               f"performance status 0 to {score} (ECOG)"))
    if len(out) > 1:
        # One requirement stated on two scales ("ECOG 0-2 or Karnofsky >= 60"): any scale.
        return [Reading({"any": [r.rule for r in out]}, min(r.start for r in out),
                        max(r.end for r in out), " or ".join(r.words for r in out))]
    # (an exception read whole -- "unless due to the leukemia" -- is no doubt over the clause)
    return out + [Reading({"__span__": True, "__settles__": True}, r.start, r.end, "")
                  for r in out if r.covers]


@recogniser
def _seizure(text: str) -> list[Reading]:
    """A seizure disorder or another disease of the brain besides leukemia (the profile's field).

    Named by its own words only: "CNS disease" alone usually means leukemia in the
    CNS (``_cns``). Grades, "uncontrolled" or "requiring" narrow it: then it never
    excludes alone.
    """
    found = _find(r"\bseizure\s+disorders?\b|\bepilep\w+|\bconvulsive\s+disorders?\b|"
                  r"\b(?:cns|central\s+nervous\s+system)\s+(?:\(cns\)\s+)?(?:patholog\w+|"
                  r"dysfunction|disorders?)\b|\bneurologic(?:al)?\s+(?:disorders?|diseases?|"
                  r"dysfunctions?|disfunctions?)\b",
                  text, lambda m: Reading(_leaf("seizure_disorder", "is", True), m.start(), m.end(),
                                          "a seizure disorder or other brain disease"))
    if not found:
        # "History of seizures": anyone with a seizure disorder has had seizures, so it
        # excludes them; as a requirement the words say more than the field
        found = _find(r"\b(?:history\s+of\s+)?(?:recurrent\s+)?seizures\b(?!\s+(?:prophylaxis|"
                      r"precautions))", text, lambda m: Reading(
                          _leaf("seizure_disorder", "is", True), m.start(), m.end(),
                          "seizures (a seizure disorder)", excluding_only=True))
    if not found:
        return []
    # "CNS disorders such as seizure disorder, cerebrovascular ischemia, dementia": examples
    # of the kind the study means; a "yes" may be another kind (the study team's)
    # -- only where the disorder opens the clause: after another condition ("CNS leukemia, or
    # ..."), the list may not be all the clause says
    opens = re.fullmatch(r"\W*(?:(?:known|presence|history|pre-?existing|prior|current|active|or|"
                         r"of|any|a|an|the|patients?|subjects?|with|significant|clinically|"
                         r"relevant)\W+)*", text[:found[0].start], re.I)
    examples = re.search(r"[,(]?\s*\b(?:such\s+as|including|e\.g\.,?|i\.e\.,?)\s",
                         text[found[0].start:], re.I) if opens and not re.search(
        r"leuk|cns\s*-?[123]\b|\bcsf\b|cerebrospinal|blast|malignan|lymphoma|involvement|"
        r"(?:cns|nervous\s+system)\s+disease",
        text, re.I) else None
    if re.search(r"\bgrade|\buncontrolled|\bnot\s+controlled|\brequir|\bpersistent|\bclinically|"
                 r"\bsevere|\bsignificant|\brelevant|\bunrelated|\bsecondary|\bdue\s+to|leuk",
                 text, re.I) or examples or (opens and re.search(r"\bpre-?existing", text, re.I)):
        first = found[0]
        settles = [Reading({"__span__": True, "__settles__": True},
                           found[0].start + examples.start(), len(text), "")] if examples else []
        return [Reading({"all": [first.rule, {"not_screened": "whether it is the kind the "
                                                              "study means"}]},
                        first.start, first.end, first.words, whole=True,
                        excluding_only=first.excluding_only), *settles]
    return _merge_same(found)


_WBC = (r"(?:wbc|white\s+blood\s+(?:cell\s+)?count|(?:leu[ck]ocyte|white\s+(?:blood\s+)?cell)\s+"
        r"count)")
_GIGA = r"[x×]\s*10\s*(?:\^|e)?\s*(?:9|⁹)\s*/\s*l"


@recogniser
def _wbc_at_diagnosis(text: str) -> list[Reading]:
    """The white count at diagnosis ("initial WBC >= 50,000/µL", "WBC < 50 x 10^9/L at diagnosis").

    Only a count the words place at diagnosis (initial, presenting, highest before
    treatment, at diagnosis): a count today is not in the profile.
    """
    if not re.search(r"\b(?:initial|presenting|at\s+(?:the\s+time\s+of\s+)?diagnosis|highest|"
                     r"pre-?treatment|diagnostic)\b", text, re.I):
        return []
    out = []
    for m in re.finditer(
            rf"\b{_WBC}(?:\s*\(wbc\))?(?:\s+(?:count|of|at\s+(?:the\s+time\s+of\s+)?"
            rf"diagnosis))*\s*{_CMP}\s*(?P<n>\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?)\s*(?:(?P<giga>{_GIGA})|"
            rf"/\s*(?:u|μ|µ)l|/\s*mm\^?3|/\s*cmm|cells)?", text, re.I):
        n = float(m.group("n").replace(",", ""))
        if m.group("giga"):
            n *= 1000
        elif n < 1000:
            continue  # "WBC < 50" with no unit: thousands or units? not read
        out.append(Reading(_leaf("wbc_at_diagnosis_per_ul", _op(m.group("cmp")), _num(str(n))),
                           m.start(), m.end(), "white blood cell count at diagnosis"))
    # "initial WBC of 50,000/mm3 or greater": the comparison after the number
    for m in re.finditer(
            rf"\b{_WBC}(?:\s*\(wbc\))?(?:\s+(?:count|at\s+(?:the\s+time\s+of\s+)?"
            rf"diagnosis))*\s+(?:of\s+)?(?P<n>\d{{1,3}}(?:,\d{{3}})+|\d+(?:\.\d+)?)\s*(?:(?P<giga>{_GIGA})|"
            r"/\s*(?:u|μ|µ)l|/\s*mm\^?3|/\s*cmm|cells)?\s+or\s+"
            r"(?P<dir>greater|more|higher|above|less|lower|below)\b", text, re.I):
        if any(r.start <= m.start() < r.end for r in out):
            continue
        n = float(m.group("n").replace(",", ""))
        if m.group("giga"):
            n *= 1000
        elif n < 1000:
            continue
        op = "gte" if m.group("dir").lower() in ("greater", "more", "higher", "above") else "lte"
        out.append(Reading(_leaf("wbc_at_diagnosis_per_ul", op, _num(str(n))), m.start(),
                           m.end(), "white blood cell count at diagnosis"))
    return out


#: "within 36 months of diagnosis", "≥ 36 months from initial diagnosis", "18 months or more
#: after diagnosis": how long after the diagnosis something (a relapse) came.
_FROM_DIAGNOSIS = re.compile(
    rf"(?:(?P<within>within|in\s+the\s+first)\s+|{_CMP}\s*)?\(?(?P<n>\d{{1,3}})\s*months?"
    rf"(?:\s+or\s+(?P<dir>more|longer|greater|later|less|fewer|earlier|sooner))?\s+"
    rf"(?:of|from|after|since|following)\s+(?:the\s+)?(?:time\s+of\s+|date\s+of\s+)?"
    rf"(?:(?:initial|original|first)\s+)?(?:diagnosis|dx)\b", re.IGNORECASE)
#: "first remission < 18 months", "CR1 duration ≥ 12 months", "duration of first complete
#: remission of less than 18 months".
_REMISSION_LASTED = re.compile(
    rf"(?<!second )(?<!2nd )(?<!third )\b(?:(?:first\s+)?(?:complete\s+)?remission|cr1)"
    rf"(?:\s*\((?:cr1?)\))?\s+(?:duration\s+|lasting\s+|length\s+)?(?:of\s+|was\s+|is\s+)?"
    rf"{_CMP}\s*(?P<n>\d{{1,3}})\s*months?\b|"
    rf"\bduration\s+of\s+(?:the\s+)?(?:first\s+(?:complete\s+)?remission|cr1)(?:\s*\(cr1?\))?"
    rf"\s+(?:of\s+|was\s+|is\s+)?(?P<cmp2>{_GTE}|{_LTE}|{_GT}|{_LT})\s*(?P<n2>\d{{1,3}})\s*"
    rf"months?\b", re.IGNORECASE)


@recogniser
def _remission_length(text: str) -> list[Reading]:
    """How long the first remission lasted ("first remission < 18 months", "relapse within 36
    months of diagnosis"): the profile's months from diagnosis to first relapse.

    A relapse timed from the end of therapy, a transplant or a drug ("within 6 months of
    completing therapy") is not this field: not read here (the study team's)."""
    out = []
    for m in _REMISSION_LASTED.finditer(text):
        cmp, n = (m.group("cmp"), m.group("n")) if m.group("n") else (m.group("cmp2"),
                                                                        m.group("n2"))
        out.append(Reading(_leaf("months_from_diagnosis_to_relapse", _op(cmp), int(n)),
                           m.start(), m.end(), "how long the first remission lasted",
                           covers=True))
    if out:
        return out
    relapse = re.search(r"\b(?:relaps\w*|recurr\w*)", text, re.I)
    if relapse is None or re.search(r"\b(?:second|2nd|third|3rd|later|subsequent)\s+(?:or\s+\w+"
                                    r"\s+)?(?:bone\s+marrow\s+|marrow\s+)?relapse", text, re.I):
        return []  # a time from diagnosis to what, or to which relapse, is unsaid
    for m in _FROM_DIAGNOSIS.finditer(text, relapse.start()):
        n = int(m.group("n"))
        if m.group("within"):
            op = "lt"
        elif m.group("cmp"):
            op = _op(m.group("cmp"))
        elif m.group("dir"):
            op = "gte" if m.group("dir").lower() in ("more", "longer", "greater", "later") \
                else "lte"
        else:
            continue  # "36 months from diagnosis": before or after, unsaid
        out.append(Reading(_leaf("months_from_diagnosis_to_relapse", op, n), m.start(), m.end(),
                           "how long after the diagnosis the leukemia came back", covers=True))
    return out


@recogniser
def _mixed_phenotype(text: str) -> list[Reading]:
    """Mixed-phenotype (bilineal, biphenotypic) leukemia, read only as a condition that excludes."""
    # ("mixed lineage leukemia" is the MLL gene's name, never this diagnosis)
    return _merge_same(_find(
        r"\bmixed[- ]phenotype\s+(?:acute\s+)?leuka?emia(?:\s*\(mpal\))?|\bmpal\b|"
        r"\bmixed[- ](?:forms?|phenotypes?)\s+(?:of\s+)?(?:all|acute\s+"
        r"(?:lymphoblastic\s+)?leuka?emia)\b|\b(?:acute\s+)?leuka?emias?\s+of\s+ambiguous\s+"
        r"lineage\b(?:\s*\((?:alal|alul)\))?|"
        r"\bbiphenotypic\s+(?:acute\s+)?leuka?emia|\bbilineal\s+(?:acute\s+)?leuka?emia|"
        # "Bilineage ALL", "bilineal or biphenotypic ALL" (EGIL's words for the same leukemia)
        r"\b(?:bi-?lineage|bi-?lineal|bi-?linear|biphenotypic)\s+(?:acute\s+(?:lymphoblastic\s+)?"
        r"leuka?emia|all)\b",
        text, lambda m: Reading(_leaf("diagnosis", "eq", "mixed_phenotype"), m.start(), m.end(),
                                "mixed-phenotype leukemia", excluding_only=True)))


#: In a first remission: never relapsed (a newly diagnosed person, or one whose
#: leukemia only answered a second induction: the study team checks that case).
_FIRST_REMISSION = {"all": [
    _leaf("in_remission", "is", True),
    {"any": [_leaf("disease_status", "eq", "newly_diagnosed"),
             {"all": [_leaf("disease_status", "eq", "refractory"),
                      _leaf("relapse_count", "lte", 0),
                      {"not_screened": "a first remission reached after more than one "
                                       "induction"}]}]}]}


#: "Complete remission with MRD >= 0.01%", "MRD-negative CR", "Morphologic complete remission
#: (< 5% blasts)": a remission named as what the item requires, at its start.
_REMISSION_NAMED = re.compile(
    r"^\W*(?:(?:mrd|measurable\s+residual\s+disease|minimal\s+residual\s+disease)[- ]?"
    r"(?:positive|negative|\+|-)\s+)?(?:(?:morphologic(?:al)?|hematologic(?:al)?|haematologic(?:al)?)"
    r"\s+)?(?:complete\s+remission|cr)\b(?:\s*\((?:cr|m1)\))?(?=\s*(?:\(|with\b|and\b|,|;|$))",
    re.IGNORECASE)


@recogniser
def _remission(text: str) -> list[Reading]:
    named = _REMISSION_NAMED.match(text)
    if named is not None:
        start = re.search(r"(?:morphologic|hematologic|haematologic|complete|cr\b)", named.group(0),
                          re.I).start()
        return [Reading(_leaf("in_remission", "is", True), start, named.end(),
                        "being in remission now")]
    either = _find(r"(?:\bin\s+(?:a\s+|their\s+)?|^\W*)(?:first|1st)\s*(?:or|and/or|/|,)\s*"
                   r"(?:second|2nd)"
                   r"(?:\s*(?:or|,)\s*(?:third|3rd|later|subsequent))?\s+(?:complete\s+)?"
                   r"(?:(?:hematologic(?:al)?|morphologic(?:al)?)\s+)?(?:complete\s+)?"
                   r"(?:remission|cr)\b|\bin\s+cr1\s*(?:or|and/or|/|,)\s*cr2\b", text,
                   lambda m: Reading(_leaf("in_remission", "is", True), m.start(), m.end(),
                                     "being in remission now"))
    if either:
        return either  # a first or a later remission: in remission, whichever
    first = _find(r"\bin\s+(?:a\s+|their\s+|the\s+)?(?:first|1st)\s+(?:complete\s+)?"
                  r"(?:(?:hematologic(?:al)?|haematologic(?:al)?|morphologic(?:al)?)\s+)?"
                  r"(?:complete\s+)?(?:remission|cr)\b(?!\s*(?:or|and/or|/)\s)(?:\s*\(cr1?\))?|"
                  r"\bin\s+cr1\b(?!\s*(?:or|and/or|/)\s)", text,
                  lambda m: Reading(_FIRST_REMISSION, m.start(), m.end(),
                                    "being in a first remission now (no relapse)"))
    if first:
        return first
    return _find(r"\bin\s+(?:a\s+)?(?:(?:first|second|third|1st|2nd|3rd)\s+(?:or\s+(?:later|"
                 r"subsequent|greater)\s+)?)?(?:complete\s+)?"
                 r"(?:(?:hematologic(?:al)?|"
                 r"haematologic(?:al)?|morphologic(?:al)?)\s+)?(?:complete\s+)?remission\b"
                 r"(?:\s*\(cr\))?|\bin\s+cr[12]?\b|"
                 r"\bin\s+(?:a\s+)?(?:second|third|2nd|3rd)\s+(?:or\s+(?:later|subsequent|greater)\s+)?"
                 r"cr\b", text,
                 lambda m: Reading(_leaf("in_remission", "is", True), m.start(), m.end(),
                                   "being in remission now"))


_GENETICS = [
    (r"\bhypodiploid(?:y)?\b|\bhypodiploid\s+(?:all|clone)\b", "genetics.hypodiploid",
     "hypodiploid leukemia"),
    (r"\b(?:kmt2a|mll)(?:\s*\((?:kmt2a|mll)\))?(?:\s+gene)?[- ](?:rearrange\w*|r\b)|"
     r"\b(?:kmt2a|mll)-?r\b|\b(?:kmt2a|mll)(?:\s*\((?:kmt2a|mll)\))?\s+(?:gene\s+)?"
     r"(?:rearrange\w*|translocations?|fusions?)|"
     r"\brearrangements?\s+of\s+(?:the\s+)?(?:kmt2a|mll)\b|\b11q23\s+rearrange\w*",
     "genetics.kmt2a_rearranged",
     "a KMT2A (MLL) rearrangement"),
    (r"\betv6\s*(?:[-/:]|::)?\s*runx1\b(?:\s*\(tel\s*[-/:]?\s*aml1\))?|\btel\s*[-/:]?\s*aml1\b"
     r"(?:\s*\(etv6\s*(?:[-/:]|::)?\s*runx1\))?|\bt\(12;21\)(?:\s*\(p13;\s*q22\))?",
     "genetics.etv6_runx1", "an ETV6::RUNX1 (TEL-AML1) fusion"),
    (r"\btcf3\s*(?:[-/:]|::)?\s*pbx1\b(?:\s*\(e2a\s*[-/:]?\s*pbx1\))?|\be2a\s*[-/:]?\s*pbx1\b|"
     r"\bt\(1;19\)(?:\s*\(q23;\s*p13(?:\.3)?\))?", "genetics.tcf3_pbx1",
     "a TCF3::PBX1 (E2A-PBX1) fusion"),
    (r"\bhigh[- ]hyperdiploid(?:y)?\b", "genetics.high_hyperdiploid", "high hyperdiploid leukemia"),
    (r"\biamp21\b|\bintrachromosomal\s+amplification\s+of\s+chromosome\s+21\b",
     "genetics.iamp21", "iAMP21"),
    (r"\bt315i\b", "genetics.abl1_t315i", "the T315I mutation"),
    (r"\bph[- ]like\b|\bbcr[- ]?abl1?[- ]like\b|\bphiladelphia[- ]like\b", "genetics.ph_like",
     "Ph-like leukemia"),
]


@recogniser
def _genetics(text: str) -> list[Reading]:
    # the fields' own definitions are no narrowing ("hypodiploidy (< 44 chromosomes)"): they
    # are read as part of what they define
    defined = list(re.finditer(
        r"\s*\(?\s*(?:(?:modal\s+(?:chromosome\s+)?number\s*)?(?:<|fewer\s+than|less\s+than)\s*44|"
        r"(?:51|>\s*50|more\s+than\s+50)\s*(?:-|–|to)?\s*(?:65|67)?)\s+chromosomes\s*\)?", text,
        re.I))
    for m in reversed(defined):
        text = text[:m.start()] + " " * (m.end() - m.start()) + text[m.end():]
    out = []
    for pattern, field, words in _GENETICS:
        out += _merge_same(_find(pattern, text, lambda m, f=field, w=words: Reading(
            _leaf(f, "is", True), m.start(), m.end(), w)))
    # "t(4;11)(q21;q23)": one KMT2A rearrangement among several partners -- someone with
    # KMT2A rearranged has it or another (the study team's), someone without has none
    out += _merge_same(_find(
        r"\bt\((?:4;11|9;11|11;19|6;11|10;11)\)(?:\s*\(\s*[pq]\d+(?:\.\d+)?\s*;\s*[pq]\d+"
        r"(?:\.\d+)?\s*\))?", text, lambda m: Reading(
            {"all": [_leaf("genetics.kmt2a_rearranged", "is", True),
                     {"not_screened": "that the KMT2A (MLL) rearrangement is this translocation"}]},
            m.start(), m.end(), "a KMT2A (MLL) translocation", whole=True)))
    for r in out:
        after = next((m for m in defined if 0 <= m.start() - r.end <= 6
                      and not text[r.end:m.start()].strip(" -") .replace("ALL", "")), None)
        if after is not None:
            r.end = after.end()
    if out and re.search(r"\bnear[- ]|\bhigh[- ]hypodiploid|\blow[- ]hypodiploid|"
                         r"chromosomes|dna\s+index|\bor\s+other\b", text, re.I):
        return [Reading({}, 0, 0, "", narrow=True)]  # a narrower definition than the field
    return out


@recogniser
def _down_syndrome(text: str) -> list[Reading]:
    # "Non-DS B-ALL patients", "non-Down syndrome": people without it
    non = _find(r"\bnon[- ]?(?:(?-i:DS)\b|down(?:'s|s)?\s+syndrome\b)", text, lambda m: Reading(
        _leaf("down_syndrome", "is", False), m.start(), m.end(), "no Down syndrome"))
    found = [r for r in _find(r"\bdown(?:'s|s)?\s+syndrome\b|\btrisomy\s+21\b|\bconstitutional\s+"
                              r"trisomy\s+21\b|(?-i:\bDS\b)", text, lambda m: Reading(
                                  _leaf("down_syndrome", "is", True), m.start(), m.end(),
                                  "Down syndrome"))
             if not any(n.start <= r.start < n.end for n in non)]
    if non and found:
        return [Reading({}, 0, 0, "", narrow=True)]  # with and without: which is which, unsure
    return _merge_same(non or found)


@recogniser
def _pregnancy(text: str) -> list[Reading]:
    """Pregnancy and breastfeeding, which the profile holds as one answer.

    "Pregnant or breastfeeding" is the field; one of them alone is narrower, so
    a "yes" may be the other one: all[field, not_screened] (never excludes alone,
    and a "no" still clears it).
    """
    preg = re.search(r"\b(?:positive\s+(?:serum\s+|urine\s+)?)?pregnan(?:t|cy)\b"
                     # "pregnant (positive beta-hCG test)": how it is known, the same answer
                     r"(?:\s*\((?:as\s+(?:confirmed|determined|evidenced|shown)\s+by\s+)?(?:an?\s+)?"
                     r"positive\s+[^()]{0,40}?\btest\b[^()]{0,30}\))?"
                     r"(?:\s+or\s+(?:a\s+)?positive\s+(?:serum\s+|urine\s+)?pregnancy\s+test"
                     r"(?:\s*\((?:urine|serum|blood)\s[^()]{0,60}\))?)?",
                     text, re.I)
    feed = re.search(r"\bbreast[- ]?feed\w*|\bnursing\b|\blactat\w*", text, re.I)
    if not (preg or feed):
        return []
    found = [m for m in (preg, feed) if m]
    # The words that make it about something else (a test, contraception, a partner, a
    # plan) count in the part of the text that holds the mention: "Nursing women or women
    # of childbearing potential not willing to use contraception" names nursing plainly,
    # and the contraception is another alternative, about other people.
    masked = text
    for m in found:  # (what the mentions hold -- "(positive beta-hCG test)" -- is theirs)
        masked = masked[:m.start()] + " " * (m.end() - m.start()) + masked[m.end():]
    # (the pregnancy test women who could be pregnant must have, said after the mention,
    # is how a pregnancy is ruled out: no narrowing word of its own)
    test = _PREGNANCY_TEST_REQUIRED.match(text, max(m.end() for m in found)) if (
        preg and feed) else None
    if test:
        masked = masked[:test.start()] + " " * (test.end() - test.start()) + masked[test.end():]
    local = _pregnancy_part(masked, min(m.start() for m in found), max(m.end() for m in found))
    local = re.sub(r"\bpositive\s+(?:serum\s+|urine\s+)?pregnancy\s+test\b", " ", local,
                   flags=re.I)  # a positive pregnancy test is being pregnant
    keeps = re.search(r"\bplan\w*\s+to\s+(?:continue\s+(?:to\s+)?)?breast[- ]?feed\w*"
                      r"(?:\s+(?:their|"
                      r"her|the)\s+(?:infants?|bab(?:y|ies)|child(?:ren)?))?", local, re.I)
    if feed and not preg and keeps:
        # "Lactating females who plan to breastfeed their infants" (COG): breastfeeding that
        # goes on -- a yes may be a pregnancy or a weaning, so it never excludes alone
        local = local[:keeps.start()] + " " * (keeps.end() - keeps.start()) + local[keeps.end():]
        if not re.search(r"\btest|contracepti|partner|\bmen\b|\bmale|\bplan|\bintend|\bagree|"
                         r"\bbirth\s+control|\bbecome\b", local, re.I):
            out = [Reading({"all": [_leaf("pregnant_or_breastfeeding", "is", True),
                                    {"not_screened": "breastfeeding, not pregnant, and going on "
                                                     "with it"}]},
                           feed.start(), feed.end(), "breastfeeding", whole=True,
                           excluding_only=True)]
            plan = re.search(keeps.re.pattern, text[feed.end():], re.I)
            if plan:  # (the plan is read with it: no doubt of its own)
                out.append(Reading({"__span__": True, "__settles__": True},
                                   feed.end() + plan.start(), feed.end() + plan.end(), ""))
            return out
    if re.search(r"\btest|contracepti|partner|\bmen\b|\bmale|\bplan|\bintend|\bagree|"
                 r"\bduring\b|\bafter\b|\bbirth\s+control|\bbecome\b", local, re.I):
        return [Reading({}, 0, 0, "", narrow=True)]
    start, end = min(m.start() for m in found), max(m.end() for m in found)
    leaf = _leaf("pregnant_or_breastfeeding", "is", True)
    # "Pregnant or nursing women, female participants of reproductive potential must have a
    # negative pregnancy test within 48 hours": the test is how a pregnancy is ruled out at
    # screening -- it says the same as what was read, and asks no more of the person
    if test:
        return [Reading(leaf, start, end, "pregnancy or breastfeeding"),
                Reading({"__span__": True, "__settles__": True}, test.start(), test.end(), "")]
    if preg and feed:
        return [Reading(leaf, start, end, "pregnancy or breastfeeding")]
    other = "pregnant, not only breastfeeding" if preg else "breastfeeding, not pregnant"
    return [Reading({"all": [leaf, {"not_screened": other}]}, start, end,
                    "pregnancy" if preg else "breastfeeding")]


#: After "pregnant or breastfeeding": the pregnancy test that women who could be pregnant
#: must have (", female participants of reproductive potential must have a negative serum or
#: urine pregnancy test ...", "(a negative pregnancy test is required for women of
#: childbearing potential)").
_PREGNANCY_TEST_REQUIRED = re.compile(
    r"(?:\s*\((?:lactating|breast[- ]?feeding|nursing)\))?(?:\s+(?:women|females|patients|"
    r"subjects|participants))?\s*(?:,|;)\s*(?:(?:all\s+)?(?:female|women|females|woman)\s+"
    r"(?:study\s+)?(?:patients|subjects|participants)?\s*(?:of\s+(?:child[- ]?bearing|"
    r"reproductive)\s+potential\s+)?(?:must|should)\s+have\s+(?:a\s+)?negative\s+"
    r"(?:(?:serum|urine|blood|beta[- ]?hcg)\s+(?:or\s+(?:serum|urine)\s+)?)?pregnancy\s+"
    r"test\b[^.;()]*)\.?\s*$", re.IGNORECASE)


#: Where another alternative about other people (or another sentence) begins.
_PREGNANCY_PARTS = re.compile(
    r"[;(]|\.(?:\s|$)|\bor\s+(?=(?:\w+\s+){0,3}?(?:of\s+(?:child[- ]?bearing|reproductive)|"
    r"males?\b|men\b|sexually\b|(?:planning|plan|plans|intend\w*|intent\w*|wish\w*|expect\w*)\s+to\s+"
    r"(?:become|get)\s+pregnant\b|planning\s+(?:a\s+)?pregnancy\b))", re.IGNORECASE)


def _pregnancy_part(text: str, start: int, end: int) -> str:
    """The part of ``text`` around [start, end): up to the neighbouring sentence, bracket or
    "or" that begins an alternative about other people ("or women of childbearing potential")."""
    lo = max((m.end() for m in _PREGNANCY_PARTS.finditer(text, 0, start)), default=0)
    hi = next((m.start() for m in _PREGNANCY_PARTS.finditer(text, end)), len(text))
    return text[lo:hi]


_ANTIMICROBIAL = r"(?:antibiotics?|antimicrobials?|anti-?infectives?|antifungals?|antivirals?)"
#: "bacterial, viral, or fungal": the kinds of infection, in any order.
_ORGANISMS = (r"(?:(?:bacterial|viral|fungal|protozoal|parasitic|mycobacterial|other)\s*,?\s*"
              r"(?:(?:or|and/or|and)\s+)?){1,5}")
#: What may follow "uncontrolled infection" inside the same condition: how it is not
#: controlled ("by oral or intravenous antibiotics"), or an alternative the profile cannot
#: see ("or requiring IV antimicrobials for management").
_UNCONTROLLED_AFTER = (
    rf"(?P<by>\s+(?:by|with|despite)\s+(?:appropriate\s+|adequate\s+|standard\s+)?"
    rf"(?:(?:oral|intravenous|iv|systemic)\s+(?:(?:or|and/or|and)\s+(?:oral|intravenous|iv)\s+)?)?"
    rf"(?:{_ANTIMICROBIAL}(?:\s*(?:,|or|and/or|and)\s*{_ANTIMICROBIAL})*|"
    rf"(?:anti-?infective\s+)?(?:treatment|therapy|medications?)))?"
    rf"(?P<alt>\s+or\s+(?:requiring|that\s+requires?|needing)\s+[^.;()]{{3,80}}?"
    rf"(?=[.;]|\s*$))?"
    # "(bacterial, viral or fungal)", ", including fungal, bacterial, or viral infection",
    # "(defined as exhibiting ongoing signs/symptoms ... despite appropriate antibiotics)"
    rf"(?P<kinds>\s*\((?:e\.g\.,?\s*|i\.e\.,?\s*|including\s+)?{_ORGANISMS}\)|\s*,?\s*(?:including|"
    rf"such\s+as)\s+{_ORGANISMS}(?:\s+infections?)?)?"
    rf"(?P<defn>\s*\(defined\s+as\s+[^()]{{3,200}}\))?"
    rf"(?P<req>\s+(?:requiring|that\s+requires?|needing)\s+(?:(?:systemic|intravenous|iv|"
    rf"parenteral)\s+)?(?:(?:anti-?infective|antimicrobial)\s+)?(?:therapy|treatment|"
    rf"{_ANTIMICROBIAL})\b)?")
#: "Active serious infection not controlled by oral or intravenous antibiotics", "Presence or
#: suspicion of fungal, bacterial, viral, or other infection that is uncontrolled or requiring
#: IV antimicrobials for management".
_INFECTION_NOT_CONTROLLED = (
    r"\b(?P<pre>(?:(?:presence|evidence)\s+or\s+(?P<susp>suspicion)\s+of\s+)?(?:(?:active|"
    r"serious|severe|significant|clinically|systemic|ongoing|concurrent|intercurrent),?\s+"
    r"(?:and\s+)?)*)(?:(?:fungal|bacterial|viral|protozoal|parasitic|mycobacterial|other)\s*,?\s*"
    r"(?:(?:or|and/or|and)\s+)?)*infections?\s+(?:that\s+(?:is|are)\s+|which\s+(?:is|are)\s+)?"
    r"(?:not\s+controlled|uncontrolled)\b" + _UNCONTROLLED_AFTER)
_INTERCURRENT = re.compile(
    r"\buncontrolled,?\s+(?:(?:symptomatic|significant|serious|active),?\s+)*(?:intercurrent|"
    r"concurrent|concomitant)\s+(?:illness(?:es)?|diseases?|medical\s+conditions?)\s*,?\s*"
    r"(?:including|such\s+as|e\.g\.|\()[^.]*?\binfections?\b|"
    # "No significant systemic illness such as infection": an uncontrolled one surely is
    r"\b(?:clinically\s+)?significant\s+(?:(?:systemic|intercurrent|concurrent|medical)\s+)?"
    r"(?:illness(?:es)?|diseases?)\s*,?\s*(?:including|such\s+as)\s+(?:an?\s+)?(?:active\s+)?"
    r"infections?\b", re.IGNORECASE)

#: The judgement that closes NCI's list of intercurrent illnesses.
_JUDGED_LIST_TAIL = re.compile(
    r"\b(?:would|could|might|may)\s+(?:limit|interfere|compromise|pose|impair|jeopardi[sz]e)|"
    r"\bin\s+the\s+(?:opinion|judge?ment)\b", re.IGNORECASE)


def _uncontrolled(m: re.Match, text: str) -> Reading:
    """An uncontrolled infection, with what the wording around it adds."""
    leaf = _leaf("infections.uncontrolled_infection", "is", True)
    pre = (m.groupdict().get("pre") or "").lower()
    req = (m.groupdict().get("req") or "").lower()
    if re.search(r"antibiotic|antifungal|antiviral", req):
        # "requiring IV antibiotics": an uncontrolled viral infection may need none
        rule = {"all": [leaf, {"not_screened": "whether the infection needs the treatment the "
                                               "text names"}]}
    elif m.groupdict().get("alt") or m.groupdict().get("susp"):
        # an alternative the profile cannot see: an uncontrolled one excludes, a "no"
        # leaves the rest (suspected, needing IV treatment) to the study team
        rule = {"any": [leaf, {"not_screened": "an infection that is suspected, or that needs "
                                               "the treatment the text names"}]}
    elif re.search(r"\b(?:serious|severe)\b", pre + " " + (m.groupdict().get("lead") or ""),
                   re.I):
        rule = {"all": [leaf, {"not_screened": "whether the infection is serious"}]}
    else:
        rule = leaf
    return Reading(rule, m.start(), m.end(), "an infection that is not under control")


#: "... patients on combination antiretroviral therapy": HIV treated a certain way.
_ON_ART = re.compile(
    r"[- ]?(?:positive\s+)?\s*(?:patients|subjects|participants|individuals)?\s*(?:who\s+are\s+)?"
    r"(?:on|receiving|taking|treated\s+with)\s+(?:combination\s+|highly\s+active\s+)?"
    r"anti-?retroviral\s+(?:therapy|treatment|drugs?|agents?|medications?)(?:\s*\((?:c?art|haart)\))?",
    re.IGNORECASE)


@recogniser
def _infections(text: str) -> list[Reading]:
    out = []
    # "... are ineligible because of the increased risk of lethal infections when treated with
    # marrow-suppressive therapy": the reason says nothing more of the condition
    reason = re.search(r"[,;]?\s*\b(?:because|due\s+to\s+the\s+(?:increased\s+|potential\s+)?risk|"
                       r"given\s+the\s+(?:increased\s+)?risk)\b.*$", text, re.I)
    if reason and re.search(r"hiv|hepatitis|hbv|hcv|infect", text[:reason.start()], re.I):
        text = text[:reason.start()] + " " * (len(text) - reason.start())
    untested = (r"(?:\s*\((?:hiv\s+)?(?:testing|test|screening)\s+(?:is\s+)?not\s+(?:required|"
                r"mandatory|necessary|needed)[^()]*\))?")
    for m in re.finditer(r"(?:\bhiv\b(?:[- ](?:1/2|1|2))?(?:\s*/\s*aids\b)?|"
                         r"\bhuman\s+immunodeficiency\s+virus(?:\s+\(hiv(?:-?[12])?\))?"
                         # ("human immunodeficiency virus (HIV)/acquired immunodeficiency
                         # syndrome (AIDS)": the infection and what it grows into, one answer)
                         r"(?:\s*/\s*acquired\s+immun[eo]\s*deficiency\s+syndrome(?:\s*\(aids\))?)?)"
                         r"(?:\s+(?:infection|antibod\w*|test))?"
                         r"(?:\s+(?:positiv\w*|seropositiv\w*|\+))?" + untested, text, re.I):
        art = _ON_ART.match(text, m.end())
        if art:
            # "HIV-positive patients on combination antiretroviral therapy are ineligible" (NCI):
            # HIV treated a certain way -- an HIV answer goes to the study team, never excludes
            out.append(Reading({"all": [_leaf("infections.hiv", "is", True),
                                        {"not_screened": "on antiretroviral therapy"}]},
                               m.start(), art.end(), "HIV on antiretroviral therapy",
                               whole=True, excluding_only=True))
            continue
        out.append(Reading(_leaf("infections.hiv", "is", True), m.start(), m.end(), "HIV"))
    if not out:
        # AIDS is HIV grown worse: it excludes people with HIV, but "no AIDS" is no "no HIV"
        for m in re.finditer(r"\bacquired\s+immun[eo]\s*deficiency\s+syndrome(?:\s*\(aids\))?|"
                             r"(?-i:\bAIDS\b)", text, re.I):
            out.append(Reading(_leaf("infections.hiv", "is", True), m.start(), m.end(), "AIDS",
                               excluding_only=True))
    # "infectious hepatitis, type B or C" (COG): hepatitis B or C, active or not unsaid
    for m in re.finditer(r"\binfectious\s+hepatitis,?\s+(?:types?\s+)?b\s*"
                         r"(?:,|or|and|and/or)\s*c\b", text, re.I):
        for field in ("infections.hepatitis_b", "infections.hepatitis_c"):
            out.append(Reading({"any": [_leaf(field, "is", True),
                                        {"not_screened": "hepatitis that is not active (past or "
                                                         "latent)"}]},
                               m.start(), m.end(), "hepatitis", covers=True))
    # "hepatitis B (HBsAg positive or HBV DNA detectable)", "active hepatitis C (HCV RNA
    # positive)": the bracket says which test makes it; a blood test of the virus itself (DNA,
    # RNA) or the word active is active hepatitis, a surface antigen alone may be a carrier
    for m in re.finditer(
            r"\b(?P<active>active\s+|chronic\s+active\s+|chronic\s+)?(?:infection\s+with\s+)?"
            r"(?:viral\s+)?(?:hepatitis\s+"
            r"(?P<l>[bc])|(?P<v>hbv|hcv))\b(?:\s+virus)?(?:\s*\((?:hbv|hcv)\))?(?:\s+infection)?\s*"
            r"\((?:as\s+)?(?:defined\s+(?:as|by)\s+)?(?:an?\s+)?(?P<d>[^()]{4,90})\)", text, re.I):
        d = m.group("d")
        if re.search(r"antibod|core|anti-?hb|undetectable|negative|\bor\s+(?!hbv|hcv|hbsag|"
                     r"hepatitis)|\band\b", d, re.I) or not re.fullmatch(
                r"(?:(?:positive\s+|detectable\s+)?(?:hbsag|hepatitis\s+b\s+surface\s+antigen|"
                r"hbv\s+dna|hcv\s+rna|hcv\s+pcr)(?:\s+(?:\+|positive|positivity|detectable|"
                r"detected))?\s*(?:,|or|and/or)?\s*)+", d.strip(), re.I):
            continue
        if not re.search(r"positiv|detect|\+", d, re.I):
            continue
        letter = (m.group("l") or m.group("v")[1]).lower()
        field = "infections.hepatitis_b" if letter == "b" else "infections.hepatitis_c"
        active = (m.group("active") or "").lower().startswith("active") or (
            m.group("active") or "").lower().startswith("chronic active") or not re.search(
                r"hbsag|surface", d, re.I)
        leaf = _leaf(field, "is", True)
        rule = leaf if active else {"any": [leaf, {"not_screened": "hepatitis that is not "
                                                                  "active (past or latent)"}]}
        out.append(Reading(rule, m.start(), m.end(), "active hepatitis" if active else "hepatitis",
                           covers=True))
    # "HCV RNA positive", "detectable HBV DNA": the virus in the blood now, active hepatitis
    viremia = (r"(?:hbv|hepatitis\s+b(?:\s+virus)?)\s*(?:\(hbv\)\s*)?dna|(?:hcv|hepatitis\s+c"
               r"(?:\s+virus)?)\s*(?:\(hcv\)\s*)?(?:rna|ribonucleic\s+acid(?:\s*\(hcv\s+rna\))?)")
    for m in re.finditer(rf"(?<!un)(?:detectable|positive|quantifiable)\s+(?:for\s+|serum\s+)?"
                         rf"(?P<a>{viremia})|(?P<b>{viremia})(?:\s+(?:level|test|pcr))?\s*"
                         rf"(?:\+|positive|positivity|(?<!un)detectable|(?<!un)detected)\b",
                         text, re.I):
        if any(r.covers and r.start <= m.start() < r.end for r in out):
            continue  # the bracket of a hepatitis just read
        which = (m.group("a") or m.group("b")).lower()
        field = "infections.hepatitis_b" if re.search(r"hbv|hepatitis\s+b", which) else \
            "infections.hepatitis_c"
        out.append(Reading(_leaf(field, "is", True), m.start(), m.end(), "active hepatitis",
                           covers=True))
    # "negative HBV DNA and HCV RNA", "HCV RNA undetectable": the same test, found negative
    # (the "negative" stays outside the reading, so it reads as the absence)
    for m in re.finditer(rf"\b(?:negative|undetectable|non-?detectable)\s+(?:for\s+|serum\s+)?"
                         rf"(?:(?:hiv\s+(?:test|antibody|serology)|hiv)\s*,?\s*(?:and\s+)?)?"
                         rf"(?P<a>{viremia})(?:\s*(?:,|and|or)\s*(?P<a2>{viremia}))?|"
                         rf"(?P<b>{viremia})(?:\s+(?:level|test|pcr))?\s*(?=(?:negative|"
                         rf"undetectable|not\s+detected)\b)", text, re.I):
        for g in ("a", "a2", "b"):
            if m.group(g) is None or any(r.start <= m.start(g) < r.end for r in out):
                continue
            field = "infections.hepatitis_b" if re.search(r"hbv|hepatitis\s+b", m.group(g),
                                                          re.I) else "infections.hepatitis_c"
            out.append(Reading(_leaf(field, "is", True), m.start(g), m.end(g), "active hepatitis",
                               covers=True))
    viral = [(r.start, r.end) for r in out if r.covers]
    text = "".join(" " if any(s_ <= i < e_ for s_, e_ in viral) else ch
                   for i, ch in enumerate(text))  # (read: not read again, nor a doubt)
    for m in re.finditer(r"\b(?:(?:acute\s*(?:/|or|and/or)\s*)?chronic\s+active\s+|active\s+"
                         r"(?:viral\s+)?|"
                         r"chronic\s+|latent\s+|active\s+or\s+latent\s+|"
                         r"active\s+or\s+chronic\s+)?(?:hepatitis\s+b\s+surface\s+antigen(?:\s*\(hbsag\))?|"
                         r"hepatitis\s+c\s+(?:virus\s+)?(?:antibod(?:y|ies)|rna)|"
                         r"(?:hcv|hbv)\s+(?:antibod(?:y|ies)|rna|dna)|"
                         r"hepatitis\s+(?:b\s*(?:,|or|and|and/or)\s*c|b|c)|"
                         r"hbv|hcv|hbsag)\b(?:\s+virus)?(?:\s*\((?:hbv|hcv|hbsag|anti-?hcv)(?:\s+(?:positive|"
                         r"positivity|\+|antibody))?\))?"
                         r"(?:\s+(?:virus|infection))?", text, re.I):
        span = m.group(0).lower()
        leaves = []
        if re.search(r"\bb\b|hbv|hbsag", span):
            leaves.append(_leaf("infections.hepatitis_b", "is", True))
        if re.search(r"\bc\b|hcv", span):
            leaves.append(_leaf("infections.hepatitis_c", "is", True))
        # "active hepatitis B", "acute / chronic active hepatitis B": the field
        active = (span.startswith("active") and "latent" not in span and "chronic" not in span
                  ) or bool(re.match(r"(?:acute\s*(?:/|or|and/or)\s*)?chronic\s+active\b", span))
        for leaf in leaves:
            if active:
                out.append(Reading(leaf, m.start(), m.end(), "active hepatitis"))
            else:
                # The field is *active* hepatitis; the text may mean any hepatitis.
                out.append(Reading({"any": [leaf, {"not_screened": "hepatitis that is not "
                                                                   "active (past or latent)"}]},
                                   m.start(), m.end(), "hepatitis"))
    for m in re.finditer(r"(?P<lead>\b(?:(?:any|active|ongoing|severe|serious|clinically|"
                         r"significant|documented|known|current)\s*,?\s+(?:and\s+)?)*)"
                         r"\buncontrolled\s+(?:(?:active|systemic|serious|significant|severe|"
                         r"invasive)\s*,?\s+)*"
                         r"(?:" + _ORGANISMS + r"\s*)?infections?\b" + _UNCONTROLLED_AFTER,
                         text, re.I):
        if re.search(r"\bor\s+active\b|\bactive\s+or\b", text, re.I):
            # "uncontrolled or active infection": an active one under control excludes too
            out.append(Reading({"any": [_leaf("infections.uncontrolled_infection", "is", True),
                                        {"not_screened": "an active infection under control"}]},
                               m.start(), m.end(), "an active infection"))
            continue
        out.append(_uncontrolled(m, text))
    if not out:
        # "Uncontrolled or active bacterial, viral, or fungal infection"
        for m in re.finditer(r"\b(?:uncontrolled\s+or\s+active|active\s+or\s+uncontrolled)\s+"
                             r"(?:systemic\s+)?(?:" + _ORGANISMS + r"\s*)?infections?\b",
                             text, re.I):
            out.append(Reading({"any": [_leaf("infections.uncontrolled_infection", "is", True),
                                        {"not_screened": "an active infection under control"}]},
                               m.start(), m.end(), "an active infection"))
    if not out:
        for m in re.finditer(_INFECTION_NOT_CONTROLLED, text, re.I):
            out.append(_uncontrolled(m, text))
    if not out:
        # Amgen's "Symptoms and/or clinical signs ... that indicate an acute or uncontrolled
        # chronic infection": an uncontrolled infection surely is one; an acute one under
        # control is the study team's. The signs that show it are how it is known.
        for m in re.finditer(r"(?P<signs>\b(?:(?:symptoms|(?:clinical|radiological|radiologic|"
                             r"sonographic|laboratory)\s+signs|signs)\s*(?:and/or|or|and|,)?\s*)+"
                             r"(?:that|which)\s+indicate\s+)?\b(?:an?\s+)?acute\s+or\s+"
                             r"uncontrolled\s+chronic\s+infections?\b", text, re.I):
            out.append(Reading({"any": [_leaf("infections.uncontrolled_infection", "is", True),
                                        {"not_screened": "an acute infection under control"}]},
                               m.start(), m.end(), "an acute or uncontrolled infection"))
    if not out:
        # "Uncontrolled intercurrent illness including, but not limited to, ongoing or active
        # infection, symptomatic congestive heart failure, ...": an uncontrolled infection
        # surely is one; the other illnesses are for the study team. The whole list is the
        # one condition, so the reading covers the text to its end.
        m = _INTERCURRENT.search(text)
        if m:
            out.append(Reading({"any": [_leaf("infections.uncontrolled_infection", "is", True),
                                        {"not_screened": "another uncontrolled illness"}]},
                               m.start(), len(text), "an uncontrolled illness or infection",
                               covers=True))  # ("ongoing or active infection" in it is part of it)
            tail = text[m.end():]
            if _JUDGED_LIST_TAIL.search(tail) and not clauses.has_trigger(
                    tail, clauses.EXCEPTION_CATEGORIES):
                # NCI's "..., psychiatric illness, or social situations that would limit
                # compliance ... or in the opinion of the investigator would pose an
                # unacceptable risk": the judgement is of the other illnesses of the list,
                # which the not_screened member already stands for -- no doubt over the
                # uncontrolled infection named first.
                out.append(Reading({"__span__": True, "__settles__": True}, m.end(), len(text),
                                   ""))
    if not any(r.rule.get("field") == "infections.uncontrolled_infection" for r in out):
        # "active infection": an uncontrolled one surely is; a controlled one may be
        # too (the profile cannot tell): any[uncontrolled, not_screened]. With
        # "serious", "severe" or "significant" an uncontrolled one may not be enough
        # to say: all[uncontrolled, not_screened] -- it never excludes alone.
        # ("Active systemic bacterial, fungal or viral infection", "Active severe infection")
        for m in re.finditer(r"\b(?P<grave>(?:clinically\s+)?(?:significant|serious|severe)\s+)?"
                             r"(?:(?:systemic|concurrent|ongoing)\s+)?(?:active|untreated|"
                             r"progressive)\s+(?:or\s+(?:untreated|progressive)\s+)?"
                             r"(?:(?:systemic|severe|serious|invasive)\s+)*"
                             r"(?:" + _ORGANISMS + r"\s*)?infections?\b"
                             r"(?:\s+(?:requiring|that\s+requires?|needing)\s+(?:systemic|"
                             r"intravenous|iv|parenteral)\s+(?:(?:anti-?infective|antimicrobial)\s+)?"
                             r"(?:therapy|treatment)\b)?"
                             r"(?!\s+(?:with|requiring|needing|that|which|despite))",
                             text, re.I):
            # ("requiring systemic therapy": an infection not under control surely needs it)
            leaf = _leaf("infections.uncontrolled_infection", "is", True)
            # "Significant": an uncontrolled infection surely is one. "Serious" or "severe"
            # may say more than "not under control": then it never excludes alone.
            if re.search(r"\b(?:serious|severe)\b", text, re.I):
                rule = {"all": [leaf, {"not_screened": "whether the infection is serious"}]}
            else:
                rule = {"any": [leaf, {"not_screened": "an active infection under control"}]}
            out.append(Reading(rule, m.start(), m.end(), "an active infection"))
    out = _merge_same(out)
    if out and re.search(r"\bhepatitis\s+a\b|vaccin|immuni[sz]ation|prophyla|undetectable|"
                         r"viral\s+load|"
                 r"cd4|(?<!un)treated|cured|\bcore\b|\bpcr\b|\bdna\b|\brna\b|antibody\s+positive\s+"
                 r"but", text, re.I):
        return [Reading({}, 0, 0, "", narrow=True)]
    return out


_ULN = (r"(?:(?:x|×|times)\s*|(?=uln\b|upper\s+limit))(?:the\s+)?(?:institutional\s+)?"
        r"(?:uln|upper\s+limit(?:s)?\s+of\s+(?:the\s+)?normal(?:\s*[(\[]uln[)\]])?|"
        r"normal\b)(?:\s+for\s+age\b)?")


@recogniser
def _organ(text: str) -> list[Reading]:
    out = []
    lab = (r"(?:serum\s+|hepatic\s+|liver\s+)?(?:alt|sgpt|ast|sgot|alanine\s+aminotransferase|"
           r"aspartate\s+aminotransferase|alanine\s+transaminase|aspartate\s+transaminase|"
           r"transaminases?|"
           r"serum\s+glutam(?:ate|ic)[- ]pyruv(?:ate|ic)"
           r"\s+transaminase|serum\s+glutam(?:ate|ic)[- ]oxaloacetic\s+transaminase)"
           # ("transaminases (AST/ALT)": the bracket names them again, and so does the NCI
           # wording "aspartate aminotransferase (AST) (serum glutamic-oxaloacetic
           # transaminase [SGOT])")
           r"(?:\s*\((?:alt|ast|sgpt|sgot|got|gpt)(?:\s*(?:/|,|and|or)\s*(?:alt|ast|sgpt|sgot|"
           r"got|gpt))*\)|\s*\((?:serum\s+)?glutam(?:ate|ic)[- ](?:pyruv(?:ate|ic)|oxaloacetic)"
           r"\s+transaminase(?:\s*\[(?:sgpt|sgot)\])?\)){0,2}")
    # Liver tests the profile does not hold, named in the same breath: never converted,
    # left to the study team beside the ALT/AST the profile holds.
    other = (r"(?:ggt|gamma[- ]?gt|gamma[- ]?glutamyl\s*transferase|alkaline\s+phosphatase|"
             r"alk\s+phos|alp|ap)(?:\s*\((?:ggt|alp|ap)\))?")
    either_lab = rf"(?:{lab}|{other})"
    for m in re.finditer(rf"\b(?P<what>{lab}(?:\s*(?:,\s*)?(?:and/or|and|or|/|,)\s*{either_lab})"
                         rf"{{0,3}}|{other}\s*(?:,\s*)?(?:and/or|and|or|/|,)\s*{lab})"
                         rf"(?:\s+(?:level|levels|must\s+be|of))?\s*{_CMP}\s*{_NUM}\s*{_ULN}",
                         text, re.I):
        what = m.group("what").lower()
        named = re.sub(other, " ", what, flags=re.I)
        unheld = named != what  # a liver test the profile does not hold is named too
        # (the long names say which transaminase: pyruvic is ALT, oxaloacetic is AST)
        named = re.sub(r"(?:serum\s+)?glutam\w+[- ]pyruv\w+\s+transaminase", "alt", named)
        named = re.sub(r"(?:serum\s+)?glutam\w+[- ]oxaloacetic\s+transaminase", "ast", named)
        named = re.sub(r"alanine\s+transaminase", "alt", named)
        named = re.sub(r"aspartate\s+transaminase", "ast", named)
        fields = []
        if re.search(r"alt|sgpt|\bgpt|alanine|transaminase", named):
            fields.append("organ_function.alt_x_uln")
        if re.search(r"ast\b|sgot|\bgot|aspartate|transaminase", named):
            fields.append("organ_function.ast_x_uln")
        if not fields:
            continue
        if re.search(r"\buln\s+for\s+(?:sgpt|sgot|alt|ast)\b[^.;()]{0,30}?\d+\s*i?u\s*/\s*l\b",
                     text, re.I):
            # "(for the purpose of this study, the ULN for SGPT is 45 U/L)": a fixed value, not
            # a multiple of the local upper limit the profile holds
            return [Reading({}, 0, 0, "", narrow=True)]
        cmp = _op(m.group("cmp"))
        leaves = [_leaf(f, cmp, _num(m.group("num"))) for f in fields]
        if unheld:
            leaves.append({"not_screened": "the other liver tests named (not in the profile)"})
        if len(leaves) == 1:
            out.append(Reading(leaves[0], m.start(), m.end(), "liver enzyme level"))
        else:
            # "AST/ALT <= 3 x ULN", "transaminases": both; "AST or ALT": either (read so
            # by most curators; a requirement read as "either" never excludes wrongly).
            # Above a limit ("transaminases > 5 x ULN"), the excluding side of "both
            # within": either one above it.
            either = (re.search(r"\bor\b", what) and "and/or" not in what) or (
                cmp in ("gt", "gte") and not re.search(r"\band\b(?!/)", what))
            out.append(Reading({"any" if either else "all": leaves}, m.start(), m.end(),
                               "liver enzyme levels (ALT and AST)"))
    for m in re.finditer(rf"\b(?P<what>(?:total\s+|serum\s+)?bilirubin)"
                         rf"(?:\s+(?P<join>or|and/or|and)\s+(?:serum\s+)?creatinine)?"
                         rf"(?:\s+(?:level|levels|must\s+be|of))?"
                         rf"\s*{_CMP}\s*{_NUM}\s*{_ULN}", text, re.I):
        if re.search(r"direct|conjugated", text, re.I) or (
                re.search(r"gilbert", text, re.I) and not _LAB_EXCEPT.match(text, m.end())):
            continue
        rule = _leaf("organ_function.bilirubin_x_uln", _op(m.group("cmp")), _num(m.group("num")))
        if m.group("join"):
            # "total bilirubin or creatinine >= 1.5 x ULN": the creatinine the profile does
            # not hold beside it -- "or" either of them, "and" both
            rule = {"all" if m.group("join").lower() == "and" else "any": [
                rule, {"not_screened": "the serum creatinine (not in the profile)"}]}
        out.append(Reading(rule, m.start(), m.end(), "bilirubin level"))
    for m in re.finditer(r"\b(?:total\s+|serum\s+)?bilirubin\s+(?:(?:level|levels)\s+)?"
                         r"(?:must\s+be\s+|is\s+|within\s+)?normal\b(?!\s+for\s+age)", text, re.I):
        if not re.search(r"direct|conjugated|gilbert|\bmg\b|μmol|umol", text, re.I):
            out.append(Reading(_leaf("organ_function.bilirubin_x_uln", "lte", 1), m.start(),
                               m.end(), "bilirubin level"))
    method = (r"(?:(?:by|using|per|as\s+(?:measured|estimated|calculated|determined)\s+by|"
              r"estimated\s+by|calculated\s+by)\s+(?:the\s+)?(?:[\w'-]+\s+){0,4}?(?:collection|"
              r"formula|method|equation|schwartz|cockcroft[- ]gault|scan|gfr)"
              r"(?:\s+(?:formula|equation|method))?|\((?:(?:if\s+)?(?:using|by|per|calculated\s+"
              r"by|estimated\s+by)\s+(?:the\s+)?)?(?:(?:modified|bedside|revised)\s+)?"
              r"(?:cockcroft[- ]gault|schwartz|mdrd|"
              r"ckd-?epi)(?:\s+(?:formula|equation|method))?\))")
    # (an estimated or measured GFR is read as the profile's creatinine clearance: both
    # stand for the same kidney function in mL/min, and trials give them as alternatives)
    for m in re.finditer(rf"\b(?:(?:estimated|calculated|measured)\s+)?(?:creatinine\s+clearance|"
                         rf"crcl|cr\s*cl|e?gfr|(?:estimated\s+|"
                         rf"radioisotope\s+|measured\s+)?glomerular\s+filtration\s+rate)"
                         rf"(?:\s*\((?:crcl|e?gfr)\))?"
                         rf"(?:\s*\({method}(?:\s+or\s+[\w'-]+)?\))?"
                         rf"(?:\s+or\s+(?:radioisotope\s+|estimated\s+)?(?:e?gfr|glomerular\s+"
                         rf"filtration\s+rate)(?:\s*\((?:e?gfr)\))?)?(?:\s+(?:must\s+be|of))?"
                         rf"\s*{_CMP}\s*{_NUM}\s*(?:ml|cc)\s*/\s*min(?:\s*/\s*1\.73\s*m(?:2|\^2|²))?"
                         rf"(?:\s+{method})?", text, re.I):
        out.append(Reading(_leaf("organ_function.creatinine_clearance_ml_min",
                                 _op(m.group("cmp")), _num(m.group("num"))), m.start(), m.end(),
                           "kidney function (creatinine clearance)"))
        how = re.search(r"\(if\s+[^()]*\)\s*$", m.group(0), re.I)
        if how:  # "(if using the Cockcroft-Gault formula)": how it is measured, no condition
            out.append(Reading({"__span__": True, "__settles__": True},
                               m.start() + how.start(), m.end(), ""))
    for m in re.finditer(rf"\b(?:lvef|left\s+ventricular\s+ejection\s+fraction(?:\s*\(lvef\))?|"
                         rf"(?:cardiac\s+)?ejection\s+fraction(?:\s*\((?:lv)?ef\))?)"
                         # "(as measured by either radionuclide angiography (MUGA) or echo)"
                         rf"(?:\s*\((?=[^()]*(?:echo|muga|mri|radionuclide|measured|scan))"
                         rf"(?:[^()]|\([^()]*\))*\))?"
                         rf"(?:\s+(?:of|must\s+be)|\s*:)?\s*{_CMP}\s*{_NUM}\s*%", text, re.I):
        out.append(Reading(_leaf("organ_function.lvef_percent", _op(m.group("cmp")),
                                 _num(m.group("num"))), m.start(), m.end(),
                           "heart pumping function (LVEF)"))
    return [_lab_exception(text, r) for r in out] + [
        Reading({"__span__": True, "__settles__": True}, e.start(), e.end(), "")
        for r in out
        for e in [_LAB_EXCEPT.match(text, r.end) or _LAB_EXCEPT_AFTER.match(text, r.end)]
        if e and _liver_test(r.rule)]


def _liver_test(rule: dict) -> bool:
    """Only bilirubin and the liver enzymes (limits in times the ULN) have such causes."""
    return all(leaf["field"] in _LIVER_TESTS for leaf in _all_leaves(rule))


_LIVER_TESTS = frozenset({"organ_function.alt_x_uln", "organ_function.ast_x_uln",
                          "organ_function.bilirubin_x_uln"})


#: "... unless due to leukemia", "(<= 5 x ULN if due to leukemic involvement)", "unless the
#: patient has Gilbert's syndrome": a lab limit that a cause the profile does not hold lifts.
_LAB_EXCEPT = re.compile(
    r"\s*[,;]?\s*\(?\s*(?:(?:or\s+)?(?:[<>≤≥]=?|</=|<=|=<)\s*\d+(?:\.\d+)?\s*(?:x|×|times)\s*"
    r"(?:the\s+)?(?:uln|upper\s+limit\s+of\s+normal)(?:\s+for\s+age)?\s*,?\s+)?"
    r"(?:unless|except(?:\s+(?:if|when|in|for))?|if|when|in\s+(?:patients|subjects|participants|"
    r"individuals|those|"
    r"the\s+(?:case|setting|presence)\s+of))\s+"
    r"(?:(?:it\s+is|they\s+are|(?:the\s+)?(?:patient|subject|participant)s?\s+(?:has|have)|"
    r"elevated|increased|raised|abnormal|(?:this\s+)?(?:is\s+)?|"
    r"(?:patients|subjects|participants|individuals|those|people|persons)\s+(?:with|who\s+"
    r"(?:has|have))|there\s+is|considered|thought\s+to\s+be|"
    r"felt\s+to\s+be|judged\s+to\s+be|believed\s+to\s+be|clearly|documented|known|presumed|"
    r"(?:due|related|secondary|attributable|attributed)\s+to|the|underlying|by\s+the\s+"
    r"investigator)\s+)*"
    r"(?P<why>(?:leuka?emi\w*|disease|malignan\w*|(?:liver|hepatic)\s+(?:involvement|infiltration)|"
    r"gilbert\W?s?|ha?emoly\w+|(?-i:ALL)|organ\s+involvement|tumou?r)"
    r"(?:\s+(?:organ|involvement|infiltration|syndrome|disease|of\s+the\s+liver|by\s+(?:the\s+)?"
    r"(?:leuka?emia|disease)))*)\s*\)?(?=\s*(?:$|[;,.]|and\b|or\b))", re.IGNORECASE)


#: "AST <= 5 x ULN. Elevation secondary to leukemic involvement is not an exclusion
#: criterion": the same lifting cause, said in a sentence of its own after the limit.
_LAB_EXCEPT_AFTER = re.compile(
    r"\s*[.;]\s*(?:an?\s+|the\s+|any\s+)?(?:elevations?|abnormalit\w+|values?|increases?)\s+"
    r"(?:(?:is|are)\s+)?(?:secondary|due|related|attributable|attributed)\s+to\s+(?:the\s+)?"
    r"(?P<why>(?:leuka?emi\w*|malignan\w*|disease|liver|hepatic|(?-i:ALL))(?:\s+(?:involvement|"
    r"infiltration|of\s+the\s+liver))?)\s+(?:is|are|will|does|do|may|can)\s+(?:not\s+(?:be\s+)?"
    r"(?:an?\s+)?(?:exclusion(?:ary)?|excluded|exclude|reason\s+for\s+exclusion)(?:\s+criteri"
    r"(?:on|a))?|(?:be\s+)?(?:allowed|acceptable|permitted|eligible))\s*\.?", re.IGNORECASE)


def _lab_exception(text: str, r: Reading) -> Reading:
    """A lab limit with a cause that lifts it: never decides against the person alone.

    A limit within ("ALT <= 5 x ULN unless due to leukemia") is any[limit, not_screened]; a
    limit beyond ("bilirubin > 3 x ULN unless Gilbert's") is all[limit, not_screened]: a
    value within clears it, a value beyond goes to the study team.
    """
    e = _LAB_EXCEPT.match(text, r.end) or _LAB_EXCEPT_AFTER.match(text, r.end)
    if e is None or not _liver_test(r.rule):
        return r
    # (within the limit: at most so many times the upper limit of normal)
    ops = {leaf.get("op") for leaf in _all_leaves(r.rule)}
    member = {"not_screened": f"whether a value beyond the limit is due to {e.group('why')}"}
    if ops <= {"lte", "lt"}:
        rule = {"any": [r.rule, member]}
    elif ops <= {"gte", "gt"}:
        rule = {"all": [r.rule, member]}
    else:
        return Reading({}, 0, 0, "", narrow=True)
    return dataclasses.replace(r, rule=rule, end=e.end(), covers=True)


def _all_leaves(rule: dict) -> list[dict]:
    if "field" in rule:
        return [rule]
    return [x for key in ("all", "any") for sub in rule.get(key, []) for x in _all_leaves(sub)]



_KEYWORDS = {
    "_age": ("age", "year", "yr", "old", "month", "day", "y.o"),
    "_philadelphia": ("ph", "bcr", "9;22"),
    "_lineage": ("all", "leuk", "lymph", "etp", "precursor"),
    "_disease_status": ("relaps", "refract", "recurr", "r/r", "newly", "untreated", "de novo",
                        "resistant", "remission", "cr2", "cr3", "cr 2", "cr 3", "cr >", "cr>",
                        "cr ≥", "cr≥", "cr =>", "subsequent cr", "later cr", "greater cr"),
    "_relapse_number": ("relapse",),
    "_settings": ("relaps", "recurr", "refract", "resist", "fail", "persist", "remission",
                  "induction", "newly", "novo", "medullary", "mrd", "r/r"),
    "_relapse_named": ("relapse",),
    "_marrow": ("marrow", "bm", "remission", "m1", "m2", "m3"),
    "_mrd": ("mrd", "residual", "molecular"),
    "_cns": ("cns", "central nervous", "csf", "cerebrospinal"),
    "_isolated_em": ("medullary", "isolated"),
    "_cd_markers": ("cd19", "cd22", "cd 19", "cd 22"),
    "_gvhd": ("gvhd", "graft"),
    "_performance": ("ecog", "zubrod", "who", "karnofsky", "karnovsky", "lansky", "kps", "lps",
                     "performance", "swog", "gog",
                     "eastern"),
    "_remission": ("remission", "cr"),
    "_wbc_at_diagnosis": ("wbc", "white", "leukocyte", "leucocyte"),
    "_remission_length": ("remission", "relaps", "recurr", "cr1"),
    "_mixed_phenotype": ("mixed", "mpal", "biphenotypic", "bilinea", "bi-linea", "ambiguous"),
    "_seizure": ("seiz", "epilep", "convuls", "patholog", "dysfunc", "neurolog", "disorder"),
    "_genetics": ("hypodiploid", "kmt2a", "mll", "iamp21", "t315i", "like", "amplification",
                  "etv6", "runx1", "aml1", "tcf3", "pbx1", "12;21", "1;19", "hyperdiploid",
                  "11q23", "4;11", "9;11", "11;19", "6;11", "10;11"),
    "_down_syndrome": ("down", "trisomy", "ds"),
    "_pregnancy": ("pregnan", "breast", "nursing", "lactat"),
    "_infections": ("hiv", "immunodef", "hepatitis", "hbv", "hcv", "hbsag", "infect"),
    "_organ": ("alt", "ast", "sgot", "sgpt", "got", "gpt", "aminotransferase", "transaminase",
               "bilirubin",
               "creatinine", "crcl", "cr cl", "ejection", "lvef", "gfr", "glomerular"),
}


def _rule_fields(rule: dict) -> set[str]:
    if "field" in rule:
        return {rule["field"]}
    return set().union(set(), *(_rule_fields(r) for key in ("all", "any")
                                for r in rule.get(key, [])))


def _readings(text: str) -> list[Reading] | None:
    """All recognised conditions in ``text``; None when any recogniser has a doubt."""
    found = _readings_cached(text)
    return None if found is None else list(found)


@lru_cache(maxsize=8192)
def _readings_cached(text: str) -> tuple[Reading, ...] | None:
    """All recognised conditions in ``text``; None when any recogniser has a doubt."""
    out: list[Reading] = []
    low = text.lower()
    for rec in _RECOGNISERS:
        words = _KEYWORDS.get(rec.__name__)
        if words and not any(w in low for w in words):
            continue  # a cheap look for the recogniser's words first (speed only)
        found = rec(text)
        if any(r.narrow for r in found):
            return None
        out.extend(found)
    covering = [r for r in out if r.covers]
    # (a covering reading inside a longer one is part of it too: "any relapse" inside
    # "first relapse or any relapse after HSCT"; a reading that settles an exception stays)
    out = [r for r in out if r.rule.get("__settles__") or not any(
        c is not r and c.start <= r.start and r.end <= c.end
        and (not r.covers or c.end - c.start > r.end - r.start) for c in covering)]
    spans = [r for r in out if r.rule.get("__span__")]
    rules = [r for r in out if not r.rule.get("__span__")]
    if not rules:
        return ()
    # Overlapping readings from different recognisers mean one phrase read two
    # ways: keep both only when they do not overlap.
    rules.sort(key=lambda r: r.start)
    for a, b in zip(rules, rules[1:], strict=False):
        if b.start < a.end and a.rule != b.rule and (a.start, a.end) != (b.start, b.end):
            pair = {a.rule.get("field"), b.rule.get("field")}
            # a lineage inside a disease phrase; "first relapse" inside "relapsed"
            overlap_ok = "diagnosis" in pair or pair in ({"relapse_count", None},
                                                        {"relapse_count", "in_remission"}) or (
                "diagnosis" in _rule_fields(a.rule) | _rule_fields(b.rule)) or (
                # "in second complete remission": in remission, and a later one
                _rule_fields(a.rule) | _rule_fields(b.rule) == {"in_remission",
                                                                "relapse_count"}) or (
                # "first or subsequent marrow relapse with >= 25% blasts": the relapse, and
                # the blast count the marrow shows (two facts sharing the word "marrow")
                {frozenset(_rule_fields(a.rule)), frozenset(_rule_fields(b.rule))} == {
                    frozenset({"marrow_blasts_percent"}),
                    frozenset({"disease_status", "relapse_count"})})
            if not overlap_ok:
                return None
    return tuple(rules + spans)



# ---------------------------------------------------------------------- ages
_UNIT = r"(?P<unit>years?|yrs?\.?|y\.?o\.?|months?|mos?\.?|weeks?|wks?|days?)"
_AGE_WORD = r"(?:age[sd]?|aged)"
_AT_DIAGNOSIS = re.compile(
    r"\b(?:at|of)\s+(?:the\s+)?(?:time\s+of\s+)?(?:the\s+)?(?:initial\s+|original\s+|first\s+)?"
    r"(?:(?:all|b-all|t-all|leuka?emia|cancer)\s+)?(?:diagnosis|dx)\b|"
    r"\bwhen\s+(?:(?:first|initially|originally)\s+)?diagnosed\b|"
    # "diagnosed at age 21 or younger", "initial diagnosis at age < 22 years", "diagnosis
    # of ALL at or before 21 years of age": the age is the age at diagnosis
    r"\bdiagnos\w*\s+(?:of\s+[\w-]+\s+)?(?:(?:was\s+)?(?:made|established)\s+)?"
    r"(?:at\s+or\s+before|at|before|prior\s+to)\s+(?:the\s+)?(?:age\b|[<>≤≥]|\d)",
    re.IGNORECASE)


def _unit(word: str | None) -> str:
    w = (word or "years").lower()
    return "Months" if w.startswith("mo") else "Weeks" if w.startswith("w") else (
        "Days" if w.startswith("d") else "Years")


def _days(n: int, unit: str) -> float:
    return n * {"Years": 365.25, "Months": 30.4375, "Weeks": 7, "Days": 1}[unit]


def _age_leaf(field: str, op: str, n: int, unit: str) -> dict:
    leaf = _leaf(field, op, f"{n} {unit}")
    if field == "age_at_diagnosis" and op == "age_at_most":
        # someone that young now was that young at diagnosis: no need to ask the age then
        return {"any": [_leaf("age", op, f"{n} {unit}"), leaf]}
    return leaf


#: Comparisons read in completed units (contract): "< 21 years" is at most 20
#: completed years; "> 18 years" admits 18 years and some months, so it is read
#: as at least 18 (someone exactly on the birthday is the only doubt, and the
#: reading never excludes them).
_AGE_BOUND = {
    "gte": ("age_at_least", 0), "gt": ("age_at_least", 0),
    "lte": ("age_at_most", 0), "lt": ("age_at_most", -1),
}
_AGE_PATTERNS = [
    # ">= 1 and <= 30 years of age": two limits sharing the unit at the end
    (rf"(?P<c1>{_GTE}|{_GT})\s*(?P<lo>\d{{1,3}})\s*(?:and|,)\s*(?P<c2>{_LTE}|{_LT})\s*"
     rf"(?P<hi>\d{{1,3}})\s*{_UNIT}(?:\s+(?:old|of\s+age))?", "pair"),
    # "1 year and less than 10 years of age", "2 years to less than 18 years"
    (rf"(?P<lo>\d{{1,3}})\s*(?P<lounit>years?|months?|days?)\s*(?:and|to|up\s+to)\s+"
     rf"(?:less\s+than|under|younger\s+than|<)\s*(?P<hi>\d{{1,3}})\s*{_UNIT}", "range_lt"),
    # "over age 10", "under age 16"
    (rf"\b(?P<dir>over|under|above|below)\s+(?:the\s+)?age\s+(?:of\s+)?(?P<num>\d{{1,3}})"
     rf"(?:\s*{_UNIT})?", "dir2"),
    # "between 2 and 60 years", "aged 16-45 years", "16 to 45 years old", "1-21 yrs"
    (rf"(?:{_AGE_WORD}\s*(?:of\s+|:\s*|is\s+|must\s+be\s+)?)?(?:between\s+)?"
     rf"(?P<lo>\d{{1,3}})\s*(?P<lounit>years?|months?|days?)?\s*(?:-|–|to|and|through)\s*"
     rf"(?P<hi>\d{{1,3}})\s*{_UNIT}(?:\s+(?:old|of\s+age))?", "range"),
    # "age 2-60" without a unit, after the word age
    (rf"{_AGE_WORD}\s*(?:of\s+|:\s*|is\s+)?(?:between\s+)?(?P<lo>\d{{1,3}})\s*"
     rf"(?:-|–|to|and|through)\s*(?P<hi>\d{{1,3}})(?!\s*(?:%|mg|kg|x|×|\.\d))", "range"),
    # "≥ 18 years", "age ≥ 18", "at least 18 years of age", "less than 21 years old"
    (rf"(?:{_AGE_WORD}\s*(?:of\s+|:\s*|is\s+|must\s+be\s+)?)?{_CMP}\s*(?P<num>\d{{1,3}})\s*"
     rf"{_UNIT}?(?:\s+(?:old|of\s+age))?", "cmp"),
    # "18 years of age or older", "21 years or younger", "65 years and over"
    (rf"(?P<num>\d{{1,3}})\s*{_UNIT}\s*(?:old\s+|of\s+age\s+)?(?:or|and)\s+"
     rf"(?P<dir>older|over|above|greater|younger|under|less|below)", "dir"),
    # "age 16 and over", "ages 65 or younger"
    (rf"{_AGE_WORD}[:\s]*(?:of\s+)?(?P<num>\d{{1,3}})\s*{_UNIT}?\s*(?:old\s+|of\s+age\s+)?(?:or|and)\s+"
     rf"(?P<dir>older|over|above|greater|younger|under|less|below)", "dir"),
    # "under 21 years", "older than 1 year", "younger than 18"
    (rf"\b(?P<dir>under|over|older\s+than|younger\s+than)\s+(?:the\s+age\s+of\s+)?"
     rf"(?P<num>\d{{1,3}})\s*{_UNIT}?", "dir2"),
]
_AGE_CONTEXT = re.compile(r"\bage[sd]?\b|\baged\b|\byears?\s+(?:old|of\s+age)|\bold\b|\byrs?\b|"
                          r"\b(?:children|adults?|adolescents?|infants?)\s+\d|"
                          r"\by\.?o\.?\b|\bmonths?\s+(?:old|of\s+age)|\bdays?\s+(?:old|of\s+age)",
                          re.IGNORECASE)


@recogniser
def _age(text: str) -> list[Reading]:
    """Age limits in the text ("16-45 years old", "> 30 days and < 21 years", "≤ 25 at diagnosis").

    Read only where the words say they are about age (the word age, "old",
    "of age", or a bare range in years at the start of a criterion); a number
    of years alone may be a time since something.
    """
    if not (_AGE_CONTEXT.search(text) or _AT_DIAGNOSIS.search(text)) and re.search(
            r"\b(?:less|more|greater|younger|older)\s+than\s+\d+\s+(?:years?|months?)\b"
            r"(?!\s+(?:since|after|from|following|post|before|prior)\b)|"
            r"\b(?:under|over)\s+\d+\s+(?:years?|months?)\b", text, re.I):
        return [Reading({}, 0, 0, "", narrow=True)]  # years of what? (a scale's age split)
    if not (_AGE_CONTEXT.search(text) or _AT_DIAGNOSIS.search(text)) and not re.match(
            r"^\W*(?:between\s+)?\d{1,3}\s*(?:-|–|to)\s*\d{1,3}\s*(?:years?|yrs?)\b", text, re.I):
        return []
    time_span = re.search(r"\b(?:since|after|from|prior\s+to|before|within|ago|elapsed|duration|"
                          r"survival|expectancy|remission|interval|gestation\w*)\b", text, re.I)
    split_time = re.search(
        r"\bage\s+(?P<lo>\d{1,3})\s*(?:years?\s+)?at\s+the\s+time\s+of\s+(?:screening|enrol+ment|"
        r"consent|registration)\b[^.;]{0,40}?\bto\s+age\s+(?P<hi>\d{1,3})\s*(?:years?\s+)?at\s+"
        r"the\s+time\s+of\s+(?:initial\s+|first\s+)?diagnosis\b", text, re.I)
    if split_time:
        # "Age 3 at the time of screening to age 21 at the time of initial diagnosis"
        return [Reading({"all": [_age_leaf("age", "age_at_least", int(split_time["lo"]), "Years"),
                                 _age_leaf("age_at_diagnosis", "age_at_most",
                                           int(split_time["hi"]), "Years")]},
                        split_time.start(), split_time.end(), "age now and at diagnosis")]
    field = "age_at_diagnosis" if _AT_DIAGNOSIS.search(text) else "age"
    out: list[Reading] = []
    taken: list[tuple[int, int]] = []
    for pattern, shape in _AGE_PATTERNS:
        for m in re.finditer(pattern, text, re.IGNORECASE):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            unit = _unit(m.groupdict().get("unit"))
            leaves = []
            if shape == "pair":
                lo = int(m.group("lo")) + (1 if _op(m.group("c1")) == "gt" else 0)
                hi = int(m.group("hi")) - (1 if _op(m.group("c2")) == "lt" else 0)
                if lo > hi:
                    continue
                leaves = [_age_leaf(field, "age_at_least", lo, unit),
                          _age_leaf(field, "age_at_most", hi, unit)]
            elif shape == "range_lt":
                lo, hi = int(m.group("lo")), int(m.group("hi")) - 1
                if _days(lo, _unit(m.group("lounit"))) > _days(hi, unit):
                    continue
                leaves = [_age_leaf(field, "age_at_least", lo, _unit(m.group("lounit"))),
                          _age_leaf(field, "age_at_most", hi, unit)]
            elif shape == "range":
                lo, hi = int(m.group("lo")), int(m.group("hi"))
                if hi > 120:
                    continue
                lo_unit = _unit(m.group("lounit")) if m.groupdict().get("lounit") else unit
                if _days(lo, lo_unit) > _days(hi, unit):
                    continue
                leaves = [_age_leaf(field, "age_at_least", lo, lo_unit),
                          _age_leaf(field, "age_at_most", hi, unit)]
            elif shape == "cmp":
                if not m.groupdict().get("unit") and not re.match(_AGE_WORD, m.group(0), re.I):
                    continue  # "≥ 18" with neither a unit nor the word age
                op, shift = _AGE_BOUND[_op(m.group("cmp"))]
                n = int(m.group("num")) + shift
                if n < 0:
                    continue
                leaves = [_age_leaf(field, op, n, unit)]
            else:
                d = m.group("dir").lower()
                n = int(m.group("num"))
                if d in ("older", "over", "above", "greater") or d.startswith("older"):
                    leaves = [_age_leaf(field, "age_at_least", n, unit)]
                elif shape == "dir2" and d in ("under", "below") or d.startswith("younger than"):
                    if n < 1:
                        continue
                    leaves = [_age_leaf(field, "age_at_most", n - 1, unit)]
                else:  # "21 years or younger / or less"
                    leaves = [_age_leaf(field, "age_at_most", n, unit)]
            taken.append((m.start(), m.end()))
            rule = leaves[0] if len(leaves) == 1 else {"all": leaves}
            words = "age " + " to ".join(
                (v.get("value") or v["any"][0]["value"]).lower() for v in leaves)
            out.append(Reading(rule, m.start(), m.end(), words))
    if out and time_span:
        return [Reading({}, 0, 0, "", narrow=True)]  # a time span, not (only) an age
    ranges = [r for r in out if len(r.rule.get("all", [])) == 2]
    if len(ranges) > 1:
        # "Children 1-17 years and adults 18-25 years", "1 to 21 years (Part 1) and 1 to 30
        # years (Part 2)": two groups of people, each with its range -- any of them, never
        # both (that would take no one, or only the narrower group)
        fields = {field for r in out for field in _rule_fields(r.rule)}
        if len(ranges) != len(out) or len(fields) > 1:
            return [Reading({}, 0, 0, "", narrow=True)]
        start, end = min(r.start for r in out), max(r.end for r in out)
        lead = re.search(r"(?:\b(?:children|paediatric|pediatric|adolescents?|adults?|"
                         r"young\s+adults?|infants?)\s+(?:(?:patients|participants|subjects)\s+)?(?:aged?\s+)?)$",
                         text[:start], re.I)
        tail = re.match(r"\s*\([^()]{1,40}\)", text[end:])
        return [Reading({"any": [r.rule for r in out]}, lead.start() if lead else start,
                        end + (tail.end() if tail else 0), " or ".join(r.words for r in out),
                        covers=True)]
    if len(out) > 1:
        # "> 30 days and < 21 years": both limits of one age
        leaves = [leaf for r in out for leaf in (r.rule.get("all") or [r.rule])]
        out = [Reading({"all": leaves}, min(r.start for r in out), max(r.end for r in out),
                       " and ".join(r.words for r in out))]
    return out
