"""Read one eligibility item into a rule, only where the reading is certain.

Precision before recall: a criterion read wrongly can tell a patient "not
eligible" for a trial they could join, so every doubt ends in *no rule* (the
criterion is then ``not_screened``: kept verbatim, shown to the study team). The
reader never excludes on a guess:

- items under a heading for someone else (a donor, another cohort, an arm) get
  no rule;
- an item with words that turn its meaning ("unless", "except", "allowed",
  "eligible if", "will not be excluded", "if", "provided", ...) gets no rule;
- an exclusion is read only when the recognised condition is the whole
  condition (what is left of the text is harmless words such as "known",
  "patients with", "test within 8 weeks"), or one member of a plain list of
  excluding conditions;
- an inclusion item is read as a conjunction of what it requires; when it also
  offers alternatives the pre-screen cannot see ("... or serum creatinine by
  age"), they become a ``not_screened`` member so the item can never be
  ``not_met`` on the alternatives we see;
- each field's recogniser knows its own narrowing words (a GVHD grade, a
  direct bilirubin, "latent" hepatitis) and stays silent on them.

Age and sex are never read from text: they come from the registry's
structured fields (``study.py``).

Rules are built as criteria-file mappings and checked by the linter's named
checks and ``rules.build_node`` before they are used, so a reader bug can
only lose a rule, never produce an invalid one.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass

from ..eligibility import lint
from ..eligibility.fields import FIELDS
from ..eligibility.operators import OPERATORS
from ..eligibility.rules import RuleError, build_node
from . import spanish
from .eligibility_text import EXCLUSION, INCLUSION, Item

NOTE = "Read automatically from the registry text; a person has not reviewed this yet."
NOTE_NONE = ("Read automatically from the registry text: no rule, so the study team checks "
             "it; a person has not reviewed this yet.")
PLAIN_NONE = "Checked by the study team."
NOTE_CORE = ("Read automatically from the registry text, in part: what every participant must "
             "have is screened and the rest is for the study team; a person has not reviewed "
             "this yet.")

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


# --------------------------------------------------------------------- wording
_DOUBT = re.compile(
    r"\b(unless|except|exception|excluding|allowed|allow|permitted|permissible|acceptable|"
    r"eligible if|eligible provided|are eligible|is eligible|be eligible|remain eligible|"
    r"may be (?:eligible|included|enrolled|considered)|not be excluded|will be included|"
    r"if|provided|however|regardless|discretion|considered|may|might|should|"
    r"preferred|suspected|waived|otherwise|in the opinion|investigator|"
    r"other than|but not|only if|as long as|irrespective|note|"
    r"unknown|pending|planned|plan to|anticipated|expected|likely)\b|\be\.g\.|\bi\.e\.|"
    r"^\W*(?:for|in)\s+(?:\w+\s+){0,3}(?:patients|subjects|participants|those|cases|"
    r"individuals|people|persons|women|men|females|males|children|adults|infants)\b|"
    r"\bwith\s+or\s+without\b|\bwhether\b|\([^()]*\bonly\s*\)|"
    r"\b(?:less|more|younger|older)\s+than\s+\d+\s+(?:years?|months?)\b|"
    r"\b(?:participants|patients|subjects|children|adults|individuals)\s+(?:aged?\s+)?"
    r"(?:less|greater|younger|older|under|over|below|above|≤|≥|<|>|=<|>=|<=)|"
    r"\bage[sd]?\s*(?:of\s+)?(?:≥|≤|<|>|>=|<=|=<|\d+\s*(?:and|or)\s*(?:over|under|older|"
    r"younger|above|below))|\b(?:over|under|above|below)\s+(?:the\s+)?age\s+(?:of\s+)?\d+|"
    r"\b(?:for|in)\s+(?:patients|subjects|participants|those)\s+(?:with|who|aged|age|older|"
    r"younger|under|over|<|>|≥|≤)",
    re.IGNORECASE)
_SAYS_EXCLUDED = re.compile(
    r"\b(are|is|will be|shall be)\s+(not eligible|ineligible|excluded)\b|\bnot eligible\b|"
    r"\bineligible\b|\bare excluded\b|\bnot allowed\b|\bnot permitted\b",
    re.IGNORECASE)
_NEGATION = re.compile(
    r"\b(no|not|never|without|absence of|free of|negative for|must not|has not|have not|"
    r"did not|does not|do not|cannot|none|negative)\b", re.IGNORECASE)
_OR = re.compile(r"\bor\b|/", re.IGNORECASE)
_AND = re.compile(r"\band\b(?!/)", re.IGNORECASE)
_OTHER_PERSON = re.compile(r"\b(donors?|recipients?|siblings?|parents?|partners?|"
                           r"cohorts?|arms?|parts?|phase|strat\w*|groups?|stage|"
                           r"nhl|aml|cll|mds|lymphoma|myeloma|solid tumou?rs?)\b",
                           re.IGNORECASE)

# Words that may be left over around a recognised exclusion without narrowing it.
_HARMLESS = frozenset("""
a an the of with in on at by to for from and or any known documented history current
currently active clinically evidence presence diagnosis diagnosed patient patients
subject subjects participant participants people person who has have had having is are
be been being was were with has must infection infections infected disease diseases
positive test tested testing result results serology serologic seropositive
seropositivity screening screen within weeks week days day months month prior previous
previously treatment treatments therapy therapies status confirmed confirmation
acute lymphoblastic lymphocytic leukemia leukaemia all b-all ph chromosome
known documented evidence sign signs as per defined by also either following
that this these those one any other such study entry enrollment enrolment registration
time at up date no not never without women woman female females girls men male
involvement malignancy guidelines nccn per defined cns b-cell before start first dose
randomization randomisation registration enrollment enrolment infusion administration
inclusion consent signing standard cytogenetics fluorescence situ hybridization fish analysis
rt-pcr pcr flow cytometry molecular immunophenotyping morphology anti anti- assessed
negative mutation mutations echocardiogram echocardiography echo muga radionuclide angiogram
scan ventriculography gated
""".split())
_NUMBER_WORD = re.compile(r"^(\d+([.,]\d+)?|one|two|three|four|five|six|eight|ten|twelve)$")

# ----------------------------------------------------------------- comparisons
_GTE = (r"(?:≥|>/=|>=|=>|≧|at least|greater than or equal to|no less than|not less than|"
        r"minimum of|more than or equal to)")
_GT = r"(?:>|greater than|more than|above|over)"
_LTE = (r"(?:≤|</=|<=|=<|≦|no greater than|not greater than|no more than|not more than|"
        r"not to exceed|less than or equal to|up to|maximum of|not exceeding)")
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
    if re.search(r"ph-?like|bcr-?abl1?-?like|ph\s*like|philadelphia[- ]like", text, re.I):
        return []  # Ph-like is another field; mixing them is a doubt
    pos = (r"\bbcr[- ]?abl1?\s+(?:fusion|rearrangement|translocation)(?:\s+gene)?|"
           r"philadelphia\s+chromosome\s+positive\s*/\s*breakpoint\s+cluster\s+region[^+]{0,120}"
           r"\(abl1?\)\s*\+|"
           r"philadelphia\s+chromosome[- ]?\(?ph\)?[- ]?positive|philadelphia[- ]positive|"
           r"philadelphia\s+chromosome[- ]positive|"
           r"philadelphia\s+chromosome\s*\(ph\+?\)\s*positive|"
           r"philadelphia\s+chromosome\s+positive\s*\(ph\+\)|\bph\+|\bph-positive|\bph\s+positive|"
           r"bcr[-/]?abl1?(?:\s+transcript)?[-\s]*(?:\+|positive)|bcr::abl1\s*(?:\+|positive)|"
           r"\bt\(9;22\)")
    neg = (r"philadelphia\s+chromosome[- ]?negative|philadelphia[- ]negative|\bph-negative|"
           r"\bph\s+negative|\bph-(?=\s|\)|,|$)|bcr-?abl1?\s*(?:-|negative)(?=\s|\)|,|$)")
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


@recogniser
def _lineage(text: str) -> list[Reading]:
    out = []
    b = (r"\bb[- ]?(?:cell|lineage|precursor|cell precursor)?[- ]?(?:line\s+)?(?:acute\s+)?"
         r"(?:lymphoblastic|lymphoid|lymphocytic)\s+leuka?emia\b|\bb[- ]?all\b|\bbcp[- ]all\b|"
         r"\bprecursor[- ]b[- ]?(?:cell\s+)?(?:all|acute\s+lymphoblastic\s+leuka?emia)\b|"
         r"\bb[- ]lineage\s+all\b|\bb[- ]cell\s+all\b|"
         r"\bb[- ]precursor\s+(?:ph[+-]\s+|philadelphia[- ](?:positive|negative)\s+)?all\b|"
         r"\bb-?lymphoblastic\s+leuka?emia\b")
    t = (r"\bt[- ]?(?:cell|lineage)?[- ]?(?:acute\s+)?(?:lymphoblastic|lymphoid|lymphocytic)"
         r"\s+leuka?emia\b|\bt[- ]?all\b|\bt[- ]lineage\s+all\b|\bt[- ]cell\s+all\b")
    combo = re.search(r"\b(?P<lin>t|b)[- ](?:cell\s+)?(?:acute\s+lymphoblastic\s+leuka?emia|all)"
                      r"(?:\s*\((?:all|[tb]-all)\))?\s+(?:or|and/or)\s+"
                      r"(?:[tb][- ])?lymphoblastic\s+"
                      r"lymphoma(?:\s*\((?:lbl|lly|[tb]-?ll)\))?", text, re.I)
    if combo:
        lineage = "t_all" if combo.group("lin").lower() == "t" else "b_all"
        return [Reading(_leaf("diagnosis", "in", [lineage, "lymphoblastic_lymphoma"]),
                        combo.start(), combo.end(),
                        "ALL or lymphoblastic lymphoma of this lineage")]
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
    etp = _find(r"\bearly\s+t[- ]?(?:cell\s+)?precursor\b|\betp\b(?:[- ]all)?", text,
                lambda m: Reading(_leaf("early_t_precursor", "is", True), m.start(), m.end(),
                                  "early T-cell precursor (ETP) leukemia"))
    if etp and re.search(r"non[- ]?etp|near[- ]etp", text, re.I):
        return [Reading({}, 0, 0, "", narrow=True)]
    return out + _merge_same(etp)


@recogniser
def _disease_status(text: str) -> list[Reading]:
    out = []
    rr = (r"\b(?:relapsed|recurrent)\s*(?:/|or|and/or|,)\s*(?:primary\s+)?(?:refractory|"
          r"resistant)\b|\b(?:primary\s+)?(?:refractory|resistant)\s*(?:/|or|and/or|,)\s*"
          r"(?:relapsed|recurrent)\b|\br/r\b")
    out += _find(rr, text, lambda m: Reading(
        _leaf("disease_status", "in", ["relapsed", "refractory"]), m.start(), m.end(),
        "leukemia that came back or did not respond to treatment"))
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
        out += [Reading({"all": [_leaf("disease_status", "eq", "newly_diagnosed"),
                                 {"not_screened": "no treatment for ALL has been given yet"}]},
                        m.start(), m.end(), "leukemia not treated yet")
                for m in untreated]
    else:
        out += _find(nd, text, lambda m: Reading(
            _leaf("disease_status", "eq", "newly_diagnosed"), m.start(), m.end(),
            "newly diagnosed leukemia (no earlier ALL treatment)"))
    if not out and not re.search(r"refractory|resistant|newly|untreated|de novo", text, re.I):
        # "relapsed" alone: a relapse, or refractory after one (never primary refractory)
        out += _find(r"\b(?:relapsed|recurrent)\b(?!\s*(?:/|or|and))", text, lambda m: Reading(
            {"any": [_leaf("disease_status", "eq", "relapsed"),
                     {"all": [_leaf("disease_status", "eq", "refractory"),
                              _leaf("relapse_count", "gte", 1)]}]},
            m.start(), m.end(), "leukemia that has come back (relapsed)"))
    return _merge_same(out)


@recogniser
def _relapse_number(text: str) -> list[Reading]:
    out = []
    second_plus = (r"(?:≥|>=)\s*(?:2nd|second|2)\s+(?:or\s+(?:greater|later|subsequent)\s+)?"
                   r"(?:bone\s+marrow\s+(?:\(bm\)\s+)?|bm\s+|marrow\s+)?relapses?|"
                   r"\b(?:2nd|second)\s+(?:or\s+(?:greater|later|subsequent|higher|more)|\+)\s+"
                   r"(?:bone\s+marrow\s+(?:\(bm\)\s+)?|bm\s+|marrow\s+)?relapses?\b|"
                   r"\b(?:two|2)\s+or\s+more\s+relapses\b|\bmultiply\s+relapsed\b|"
                   r"\bsecond\s+or\s+subsequent\s+relapse\b")
    out += _find(second_plus, text, lambda m: Reading(
        _leaf("relapse_count", "gte", 2), m.start(), m.end(),
        "a second or later relapse"))
    first = r"\b(?:first|1st)\s+(?:(?:bone\s+marrow|bm|marrow|isolated|early|late)\s+)?relapse\b"
    if not out and not re.search(r"\bfirst\s+relapse\s+or\b|\bor\s+(?:first|1st)\b|"
                                 r"(?:beyond|after|since|following|from)\s+(?:the\s+)?(?:first|1st)",
                                 text, re.I):
        out += _find(first, text, lambda m: Reading(
            _leaf("relapse_count", "between", [1, 1]), m.start(), m.end(), "a first relapse"))
    return _merge_same(out)


_MARROW = {"m1": ("lt", 5), "m2": ("between", [5, 25]), "m3": ("gt", 25)}


@recogniser
def _marrow(text: str) -> list[Reading]:
    out = []
    m = re.search(r"\bm([123])\s*(?:(?:or|/|and/or)\s*m([123])\s*)?(?:bone\s+)?marrows?\b",
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
            out.append(Reading(rule, m.start(), m.end(),
                               f"an M{'/M'.join(map(str, grades))} bone marrow"))
    blasts = r"(?:(?:lympho)?blasts|leukemic\s+blasts|leukemia\s+cells)"
    marrow = r"(?:bone\s+marrow|marrow|bm)\b"
    for pct in (rf"{marrow}[^.;%]{{0,40}}?{_CMP}\s*{_NUM}\s*%\s*{blasts}?",
                rf"{_CMP}\s*{_NUM}\s*%\s*{blasts}\s+(?:in|of)\s+(?:the\s+)?{marrow}"):
        for m in re.finditer(pct, text, re.I):
            if not re.search(r"blast|leuk", m.group(0), re.I):
                continue
            value = _num(m.group("num"))
            out.append(Reading(_leaf("marrow_blasts_percent", _op(m.group("cmp")), value),
                               m.start(), m.end(), "the share of leukemia cells (blasts) in "
                               "the bone marrow"))
    if re.search(r"peripheral\s+blood|\bpb\b|circulating|flow\s+cytometry\s+only", text, re.I):
        return []  # marrow or blood: the profile holds the marrow figure only
    return out


_POWER = re.compile(r"10\s*(?:\^|e|-|−|⁻)\s*-?\s*(\d)|10\s*⁻\s*([³⁴⁵⁶])")
_SUPER = {"³": 3, "⁴": 4, "⁵": 5, "⁶": 6}


@recogniser
def _mrd(text: str) -> list[Reading]:
    if not re.search(r"\bmrd\b|minimal\s+residual|measurable\s+residual", text, re.I):
        return []
    out = []
    for m in re.finditer(rf"(?:mrd|residual\s+disease)\b[^.;]{{0,40}}?{_CMP}\s*"
                         rf"(?:(?P<pct>\d+(?:\.\d+)?)\s*%|(?:1\s*[x×]\s*)?(?P<pow>10\s*(?:\^|e|-|−)"
                         rf"\s*-?\s*\d))", text, re.I):
        if m.group("pct"):
            level = float(m.group("pct")) / 100
        else:
            p = _POWER.search(m.group("pow"))
            if not p:
                continue
            level = 10.0 ** -int(p.group(1))
        out.append(Reading(_leaf("mrd.level", _op(m.group("cmp")), round(level, 10)),
                           m.start(), m.end(), "the MRD level"))
    if out:
        return out
    for m in re.finditer(r"\bmrd[- ]?(?:\+|positive|positivity)|\bmrd\s+(?:≥|>=)\s*"
                         r"|\bpositive\s+mrd\b", text, re.I):
        out.append(Reading(_leaf("mrd.status", "eq", "positive"), m.start(), m.end(),
                           "MRD-positive leukemia"))
    for m in re.finditer(r"\bmrd[- ]?(?:-|negative|negativity)(?=\s|\)|,|\.|$)|"
                         r"\bnegative\s+mrd\b", text, re.I):
        out.append(Reading(_leaf("mrd.status", "eq", "negative"), m.start(), m.end(),
                           "MRD-negative leukemia"))
    kinds = {r.rule["value"] for r in out}
    if len(kinds) > 1:
        return [Reading({}, 0, 0, "", narrow=True)]
    return _merge_same(out)


@recogniser
def _cns(text: str) -> list[Reading]:
    out = []
    for m in re.finditer(r"\bcns[- ]?([123])(?:\s*(?:,|or|and/or|/)\s*(?:cns[- ]?)?([123]))?"
                         r"(?:\s*(?:,|or|and/or|/)\s*(?:cns[- ]?)?([123]))?\b", text, re.I):
        grades = sorted({f"cns{g}" for g in m.groups() if g})
        rule = (_leaf("cns_status", "eq", grades[0]) if len(grades) == 1
                else _leaf("cns_status", "in", grades))
        out.append(Reading(rule, m.start(), m.end(), "leukemia in the spinal fluid "
                                                     f"({', '.join(g.upper() for g in grades)})"))
    if not out:
        for m in re.finditer(r"\b(?:active\s+|overt\s+)?(?:cns|central\s+nervous\s+system"
                             r"(?:\s*\(cns\))?)\s+leuka?emia\b|\bactive\s+(?:cns|central\s+nervous\s+system)\s+"
                             r"(?:involvement|disease)\s+(?:by|of|with)\s+(?:the\s+)?"
                             r"(?:malignancy|leuka?emia|all)\b", text, re.I):
            out.append(Reading(_leaf("cns_status", "eq", "cns3"), m.start(), m.end(),
                               "active leukemia in the brain or spinal fluid (CNS3)"))
    if not out and not re.search(r"patholog|disorder|seizure|epilep|stroke|dementia|autoimmun|"
                                 r"neurolog|history|prior|previous|psych|injur|palsy|symptom",
                                 text, re.I):
        # "CNS involvement" / "active CNS disease": CNS3 surely is; CNS2 may or may not
        # be, so this is read only as an excluding condition (never as a requirement).
        for m in re.finditer(r"\b(?:active\s+)?(?:cns|central\s+nervous\s+system(?:\s*\(cns\))?)"
                             r"\s+(?:or\s+extramedullary\s+)?(?:involvement|disease|leuka?emia)"
                             r"(?:\s+(?:by|of|with)\s+(?:the\s+)?(?:malignancy|leuka?emia|all))?",
                             text, re.I):
            out.append(Reading(_leaf("cns_status", "eq", "cns3"), m.start(), m.end(),
                               "leukemia in the brain or spinal fluid (CNS3)",
                               excluding_only=True))
    return out


@recogniser
def _isolated_em(text: str) -> list[Reading]:
    return _find(r"\bisolated\s+extra-?\s?medullary\s+(?:disease\s+)?(?:relapse|disease|"
                 r"involvement)\b", text, lambda m: Reading(
                     _leaf("isolated_extramedullary_relapse", "is", True), m.start(), m.end(),
                     "a relapse only outside the bone marrow"))


@recogniser
def _cd_markers(text: str) -> list[Reading]:
    out = []
    for marker in ("19", "22"):
        pos = (rf"\bcd{marker}\s*(?:\+|positive|positivity|expressing|expression)|"
               rf"\bcd{marker}[- ](?:positive|expressing)\b|\bexpressing\s+(?:the\s+)?"
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


_THERAPIES = [
    (r"blinatumomab|blincyto|\bbite\b|anti-?cd19\s*/\s*anti-?cd3", ["blinatumomab"]),
    (r"inotuzumab(?:\s+ozogamicin)?|besponsa", ["inotuzumab_ozogamicin"]),
    (r"\banti-?\s?cd19\b(?:\s+(?:therapy|therapies|agents?|treatment|antibod\w+))?",
     ["blinatumomab", "cd19_car_t"]),
    (r"\bcd19[- ](?:directed|targeted)\s+(?:therapy|therapies|car[- ]?t\w*)|"
     r"\bcd19\s+car[- ]?t\w*", ["cd19_car_t"]),
    (r"\bcar[- ]?t(?:[- ]cells?)?(?:\s+(?:cell\s+)?therap\w+)?|chimeric\s+antigen\s+receptor"
     r"(?:\s+\(car\))?(?:\s+t[- ]cells?)?(?:\s+therap\w+)?|\bgene(?:tically)?\s+"
     r"(?:modified|engineered)\s+t[- ]cells?(?:\s+therap\w+)?|\bgene\s+therapy(?:\s+product)?|"
     r"\b(?:gene\s+or\s+)?engineered\s+t[- ]cell\s+therap\w+",
     ["cd19_car_t", "cd22_car_t", "other_car_t"]),
    (r"tyrosine\s+kinase\s+inhibitors?(?:\s+\(tkis?\))?(?:\s+therapy)?|\btkis?\b",
     ["imatinib", "dasatinib", "nilotinib", "ponatinib", "asciminib"]),
    (r"\bmonoclonal\s+antibod(?:y|ies)(?:\s+therap\w+)?",
     ["daratumumab", "inotuzumab_ozogamicin", "rituximab"]),
    (r"\bsystemic\s+(?:cancer\s+|anti-?cancer\s+|cytotoxic\s+)?chemotherapy\b",
     ["multiagent_chemotherapy"]),
    (r"\bintrathecal\s+(?:chemotherapy|treatment|therapy)\b", ["intrathecal_chemotherapy"]),
    (r"\bimatinib(?:\s+mesylate)?", ["imatinib"]),
    (r"\bdasatinib", ["dasatinib"]),
    (r"\bnilotinib", ["nilotinib"]),
    (r"\bponatinib", ["ponatinib"]),
    (r"\bvenetoclax", ["venetoclax"]),
    (r"\bnelarabine", ["nelarabine"]),
    (r"\bclofarabine", ["clofarabine"]),
    (r"\bbortezomib", ["bortezomib"]),
    (r"\bdaratumumab", ["daratumumab"]),
    (r"\brituximab", ["rituximab"]),
    (r"(?:\b(?:allogeneic|allogenic|allo)[- ]?(?:hematopoietic\s+|haematopoietic\s+|"
     r"blood\s+or\s+marrow\s+|bone\s+marrow\s+|peripheral\s+blood\s+)?(?:stem[- ]cell\s+|"
     r"progenitor\s+cell\s+|cell\s+)?(?:transplant(?:ation)?|sct|hsct|hct|bmt)\b|"
     r"\ballo[- ]?(?:sct|hsct|hct|bmt)\b)(?:\s*\((?:allo-?)?(?:sct|hsct|hct|bmt)\))?",
     ["allogeneic_hsct"]),
    (r"\bautologous\s+(?:hematopoietic\s+|bone\s+marrow\s+)?(?:stem[- ]cell\s+)?"
     r"(?:transplant(?:ation)?|sct|hsct|hct|bmt)\b(?:\s*\((?:auto-?)?(?:sct|hsct|hct|bmt)\))?",
     ["autologous_hsct"]),
    (r"\binvestigational\s+(?:agents?|drugs?|(?:medicinal\s+)?products?|therap\w+|"
     r"treatments?|medications?)\b", ["investigational_agent"]),
    (r"\b(?:hematopoietic\s+|haematopoietic\s+)?stem[- ]cell\s+transplant(?:ation)?\b|"
     r"\bbone\s+marrow\s+transplant(?:ation)?\b|\b(?:hsct|hct|bmt)\b",
     ["allogeneic_hsct", "autologous_hsct"]),
]
# Words that make a therapy mention about something else than having received it.
_THERAPY_DOUBT = re.compile(
    r"\b(allerg\w*|hypersensitiv\w*|intoleran\w*|contraindicat\w*|refractory|resistan\w*|"
    r"failed|failure|respon\w*|candidate|eligible|suitable|indicated|planned|scheduled|"
    r"concurrent|concomitant|during|simultaneous|receiving|currently|ongoing|"
    r"donor|dose|doses|mg|cycle|cycles|course|courses|lines?|stable|recovered|toxicit\w*|"
    r"sibling|matched|unrelated|mobiliz\w*|apheresis|lymphodeplet\w*)\b", re.I)


_ANCHOR = re.compile(
    r"(?:prior\s+to|before|after|start(?:ing)?|first\s+dose\s+of|to\s+receive|initiation\s+of|"
    r"beginning|receiving)\s+(?:the\s+)?(?:start\s+of\s+|first\s+dose\s+of\s+)?(?:study\s+|"
    r"protocol\s+)?(?:treatment\s+with\s+|therapy\s+with\s+)?$", re.IGNORECASE)


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


@recogniser
def _therapies(text: str) -> list[Reading]:
    if _THERAPY_DOUBT.search(text):
        return []
    found: list[tuple[int, int, list[str]]] = []
    for pattern, names in _THERAPIES:
        for m in re.finditer(pattern, text, re.I):
            if any(m.start() < e and s < m.end() for s, e, _ in found):
                continue
            if _ANCHOR.search(text[max(0, m.start() - 45):m.start()]):
                return []  # the study's own treatment as a time anchor: not a prior therapy
            found.append((m.start(), m.end(), names))
    if not found:
        return []
    therapies = sorted({t for _, _, names in found for t in names})
    window = re.search(r"\bwithin\s+(?:the\s+)?(?:last\s+|past\s+|previous\s+)?(\d+)\s+"
                       r"(days?|weeks?|months?|years?)\b|\b(\d+)\s+(days?|weeks?|months?|years?)"
                       r"\s+(?:prior\s+to|before|of)\s+(?:screening|enrollment|enrolment|"
                       r"study\s+entry|registration|randomi[sz]ation|day\s+1|start)|"
                       r"\bin\s+the\s+(?:last|past)\s+(\d+)\s+(days?|weeks?|months?|years?)\b",
                       text, re.I)
    since = re.search(r"\b(?:at\s+least|≥|>=|more\s+than|>|minimum\s+of)\s*(\d+)\s+"
                      r"(days?|weeks?|months?|years?)\s+(?:since|from|after|following|must\s+"
                      r"have\s+elapsed\s+since)\b", text, re.I)
    words = ", ".join(sorted({n.replace("_", " ") for n in therapies}))
    if since and window:
        return [Reading({}, 0, 0, "", narrow=True)]
    # One reading on the first mention; the other mentions and the time phrase are
    # marked as read, so words between them (a "not") still count.
    first = min(found)
    extra = [Reading({"__span__": True}, s_, e_, "") for s_, e_, _ in found if s_ != first[0]]
    for _, e_, _ in found:
        # "monoclonal antibodies (rituximab, alemtuzumab)": examples of the class just named
        ex = re.match(r"\s*\((?:e\.g\.,?\s*|such\s+as\s+|including\s+)?([^()]*)\)", text[e_:])
        if ex and all(re.fullmatch(r"[a-z]+(?:mab|nib|ib|ine|ide|ate)|and|or", w)
                      for w in re.findall(r"[a-z]+", ex.group(1).lower())):
            extra.append(Reading({"__span__": True}, e_, e_ + ex.end(), ""))
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
        rule = {"not": _within(therapies, months, f"{since.group(1)} {since.group(2)}")}
        return [Reading(rule, first[0], first[1],
                        f"{words} at least {since.group(1)} {since.group(2)} ago (or never)"),
                *extra, Reading({"__span__": True}, since.start(), since.end(), "")]
    if window:
        groups = [g for g in window.groups() if g]
        rule = _within(therapies, _duration_months(groups[0], groups[1]),
                       f"{groups[0]} {groups[1]}")
        return [Reading(rule, first[0], first[1], f"{words} in the last {groups[0]} {groups[1]}"),
                *extra, Reading({"__span__": True}, window.start(), window.end(), "")]
    if re.search(r"\b(\d+)\s+(days?|weeks?|months?|years?)\b", text, re.I):
        return [Reading({}, 0, 0, "", narrow=True)]  # a timing we could not place
    if not re.search(r"\b(prior|previous|previously|received|treatment with|treated with|"
                     r"exposure|history of|had)\b|\bafter\b", text, re.I):
        return []  # a therapy named without saying it was received
    return [Reading(_leaf("prior_therapies", "received", therapies), first[0], first[1],
                    f"earlier treatment with {words}"), *extra]


@recogniser
def _gvhd(text: str) -> list[Reading]:
    m = re.search(r"\b(?:active\s+)?(?:acute\s+(?:or|and/or)\s+chronic\s+|acute\s+|chronic\s+)?"
                  r"(?:gvhd|graft[- ]versus[- ]host\s+disease|graft[- ]vs\.?[- ]host\s+disease)"
                  r"(?:\s*\(gvhd\))?(?P<needs>\s*(?:requiring|that\s+requires?|needing)\s+"
                  r"(?:systemic\s+)?(?:immunosuppressi\w+|treatment|therapy)\b)?", text, re.I)
    if not m:
        return []
    if re.search(r"\bgrade|\bstage|extensive|limited|mild|moderate|severe|overall|"
                 r"prophylaxis|history|prior|previous|skin|gut|liver|\bgi\b|steroid|"
                 r"dose|\bmg\b", text, re.I):
        return [Reading({}, 0, 0, "", narrow=True)]
    if not (re.match(r"active\b", m.group(0), re.I) or m.group("needs")):
        return []  # GVHD in the past, or of a kind the text does not say: not our field
    return [Reading(_leaf("active_gvhd", "is", True), m.start(), m.end(),
                    "active graft-versus-host disease")]


@recogniser
def _performance(text: str) -> list[Reading]:
    out = []
    ecog = (r"\b(?:ecog|zubrod|who|eastern\s+cooperative\s+oncology\s+group)"
            r"(?:\s*\(ecog\))?(?:\s+performance)?(?:\s+status)?(?:\s+(?:score|grade)s?)?"
            r"(?:\s+(?:of|is|must\s+be))?\s*")
    for m in re.finditer(ecog + rf"(?:(?P<lo>0)\s*(?:-|–|to)\s*(?P<hi>[1-4])\b|"
                         rf"(?P<list>0\s*(?:,\s*1\s*)?(?:,?\s*(?:or|and)\s*)?[1-4])\b|"
                         rf"{_CMP}\s*(?P<num>[0-4])\b)", text, re.I):
        if m.group("hi"):
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
        out.append(Reading(_leaf("performance_status", op, {"scale": "ecog", "score": score}),
                           m.start(), m.end(), f"ECOG performance status {score}"))
    kps = (r"\b(?:karnofsky|lansky|kps|lps)(?:\s*\((?:kps|lps|age[^)]*)\))?"
           r"(?:\s*(?:or|and/or|/)\s*(?:karnofsky|lansky|kps|lps)(?:\s*\((?:kps|lps|age[^)]*)\))?)?"
           r"(?:\s+(?:performance|play))?(?:\s+(?:status|scale))?(?:\s+(?:score|of|is|must\s+be))?"
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
    if not any(r.rule["value"]["scale"] == "ecog" for r in out):
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
    return out


@recogniser
def _remission(text: str) -> list[Reading]:
    return _find(r"\bin\s+(?:a\s+)?(?:(?:first|second|1st|2nd)\s+)?(?:complete\s+)?"
                 r"(?:(?:hematologic(?:al)?|"
                 r"haematologic(?:al)?|morphologic(?:al)?)\s+)?(?:complete\s+)?remission\b"
                 r"(?:\s*\(cr\))?|\bin\s+cr[12]?\b", text,
                 lambda m: Reading(_leaf("in_remission", "is", True), m.start(), m.end(),
                                   "being in remission now"))


_GENETICS = [
    (r"\bhypodiploid(?:y)?\b|\bhypodiploid\s+(?:all|clone)\b", "genetics.hypodiploid",
     "hypodiploid leukemia"),
    (r"\b(?:kmt2a|mll)(?:\s+gene)?[- ](?:rearrange\w*|r\b)|\b(?:kmt2a|mll)-r\b|"
     r"\brearrangements?\s+of\s+(?:the\s+)?(?:kmt2a|mll)\b", "genetics.kmt2a_rearranged",
     "a KMT2A (MLL) rearrangement"),
    (r"\biamp21\b|\bintrachromosomal\s+amplification\s+of\s+chromosome\s+21\b",
     "genetics.iamp21", "iAMP21"),
    (r"\bt315i\b", "genetics.abl1_t315i", "the T315I mutation"),
    (r"\bph[- ]like\b|\bbcr[- ]?abl1?[- ]like\b|\bphiladelphia[- ]like\b", "genetics.ph_like",
     "Ph-like leukemia"),
]


@recogniser
def _genetics(text: str) -> list[Reading]:
    out = []
    for pattern, field, words in _GENETICS:
        out += _merge_same(_find(pattern, text, lambda m, f=field, w=words: Reading(
            _leaf(f, "is", True), m.start(), m.end(), w)))
    if out and re.search(r"\bnear[- ]|\bhigh[- ]hypodiploid|\blow[- ]hypodiploid|"
                         r"chromosomes|dna\s+index|\bor\s+other\b", text, re.I):
        return [Reading({}, 0, 0, "", narrow=True)]  # a narrower definition than the field
    return out


@recogniser
def _down_syndrome(text: str) -> list[Reading]:
    return _find(r"\bdown(?:'s|s)?\s+syndrome\b|\btrisomy\s+21\b|\bconstitutional\s+trisomy\s+21\b",
                 text, lambda m: Reading(_leaf("down_syndrome", "is", True), m.start(), m.end(),
                                         "Down syndrome"))


@recogniser
def _pregnancy(text: str) -> list[Reading]:
    preg = re.search(r"\bpregnan(?:t|cy)\b", text, re.I)
    feed = re.search(r"\bbreast[- ]?feed\w*|\bnursing\b|\blactat\w*|\bbreast[- ]?feeding\b",
                     text, re.I)
    if not (preg and feed):
        return []  # the field holds "pregnant or breastfeeding": one alone is narrower
    lo = max(text.rfind(".", 0, min(preg.start(), feed.start())) + 1, 0)
    hi = text.find(". ", max(preg.end(), feed.end()))
    sentence = text[lo:] if hi < 0 else text[lo:hi]
    if re.search(r"\btest|contracepti|childbearing|child-bearing|reproductive|partner|"
                 r"\bmen\b|\bmale|\bplan|\bintend|\bagree|\bduring\b|\bafter\b", sentence, re.I):
        return [Reading({}, 0, 0, "", narrow=True)]
    start, end = min(preg.start(), feed.start()), max(preg.end(), feed.end())
    return [Reading(_leaf("pregnant_or_breastfeeding", "is", True), start, end,
                    "pregnancy or breastfeeding")]


@recogniser
def _infections(text: str) -> list[Reading]:
    out = []
    for m in re.finditer(r"\bhiv\b(?:[- ](?:1|2|1/2))?(?:\s+(?:infection|positiv\w*|"
                         r"seropositiv\w*|antibod\w*))?|\bhuman\s+immunodeficiency\s+virus"
                         r"(?:\s+\(hiv\))?(?:\s+infection)?", text, re.I):
        out.append(Reading(_leaf("infections.hiv", "is", True), m.start(), m.end(), "HIV"))
    for m in re.finditer(r"\b(?:active\s+|chronic\s+|latent\s+|active\s+or\s+latent\s+|"
                         r"active\s+or\s+chronic\s+)?(?:hepatitis\s+(?:b\s*(?:,|or|and|and/or)\s*c|b|c)|"
                         r"hbv|hcv|hbsag)\b(?:\s+virus)?(?:\s*\((?:hbv|hcv|hbsag)\))?"
                         r"(?:\s+(?:virus|infection))?", text, re.I):
        span = m.group(0).lower()
        leaves = []
        if re.search(r"\bb\b|hbv|hbsag", span):
            leaves.append(_leaf("infections.hepatitis_b", "is", True))
        if re.search(r"\bc\b|hcv", span):
            leaves.append(_leaf("infections.hepatitis_c", "is", True))
        active = span.startswith("active") and "latent" not in span and "chronic" not in span
        for leaf in leaves:
            if active:
                out.append(Reading(leaf, m.start(), m.end(), "active hepatitis"))
            else:
                # The field is *active* hepatitis; the text may mean any hepatitis.
                out.append(Reading({"any": [leaf, {"not_screened": "hepatitis that is not "
                                                                   "active (past or latent)"}]},
                                   m.start(), m.end(), "hepatitis"))
    for m in re.finditer(r"\buncontrolled\s+(?:active\s+|systemic\s+|serious\s+|significant\s+)?"
                         r"(?:(?:bacterial|viral|fungal|bacterial,\s*viral,?\s*(?:or|and/or)\s*"
                         r"fungal)\s+)?infections?\b|\b(?:active\s+)?infections?\s+(?:that\s+is\s+|"
                         r"which\s+is\s+)?(?:not\s+controlled|uncontrolled)\b", text, re.I):
        out.append(Reading(_leaf("infections.uncontrolled_infection", "is", True), m.start(),
                           m.end(), "an infection that is not under control"))
    out = _merge_same(out)
    if out and re.search(r"\bhepatitis\s+a\b|vaccin|immuni[sz]ation|prophyla|undetectable|"
                         r"viral\s+load|"
                 r"cd4|treated|cured|\bcore\b|\bpcr\b|\bdna\b|\brna\b|antibody\s+positive\s+"
                 r"but", text, re.I):
        return [Reading({}, 0, 0, "", narrow=True)]
    return out


_ULN = (r"(?:x|×|times)\s*(?:the\s+)?(?:institutional\s+)?"
        r"(?:uln|upper\s+limit(?:s)?\s+of\s+(?:the\s+)?normal)")


@recogniser
def _organ(text: str) -> list[Reading]:
    out = []
    lab = (r"(?:serum\s+)?(?:alt|sgpt|ast|sgot|alanine\s+aminotransferase|aspartate\s+"
           r"aminotransferase|transaminases?)(?:\s*\((?:alt|ast|sgpt|sgot)\))?")
    for m in re.finditer(rf"\b(?P<what>{lab}(?:\s*(?:and/or|and|or|/|,)\s*{lab})?)"
                         rf"(?:\s+(?:level|levels|must\s+be|of))?\s*{_CMP}\s*{_NUM}\s*{_ULN}",
                         text, re.I):
        what = m.group("what").lower()
        fields = []
        if re.search(r"alt|sgpt|alanine|transaminase", what):
            fields.append("organ_function.alt_x_uln")
        if re.search(r"ast\b|sgot|aspartate|transaminase", what):
            fields.append("organ_function.ast_x_uln")
        for f in fields:
            out.append(Reading(_leaf(f, _op(m.group("cmp")), _num(m.group("num"))), m.start(),
                               m.end(), f"{f.split('.')[1].split('_')[0].upper()} level"))
    for m in re.finditer(rf"\b(?P<what>(?:total\s+|serum\s+)?bilirubin)"
                         rf"(?:\s+(?:level|must\s+be|of))?"
                         rf"\s*{_CMP}\s*{_NUM}\s*{_ULN}", text, re.I):
        if re.search(r"direct|conjugated|gilbert", text, re.I):
            continue
        out.append(Reading(_leaf("organ_function.bilirubin_x_uln", _op(m.group("cmp")),
                                 _num(m.group("num"))), m.start(), m.end(), "bilirubin level"))
    for m in re.finditer(rf"\b(?:creatinine\s+clearance|crcl|cr\s*cl)(?:\s*\(crcl\))?"
                         rf"(?:\s+or\s+(?:radioisotope\s+|estimated\s+)?(?:gfr|glomerular\s+"
                         rf"filtration\s+rate)(?:\s*\((?:e?gfr)\))?)?(?:\s+(?:must\s+be|of))?"
                         rf"\s*{_CMP}\s*{_NUM}\s*(?:ml\s*/\s*min)", text, re.I):
        out.append(Reading(_leaf("organ_function.creatinine_clearance_ml_min",
                                 _op(m.group("cmp")), _num(m.group("num"))), m.start(), m.end(),
                           "kidney function (creatinine clearance)"))
    for m in re.finditer(rf"\b(?:lvef|left\s+ventricular\s+ejection\s+fraction(?:\s*\(lvef\))?|"
                         rf"(?:cardiac\s+)?ejection\s+fraction(?:\s*\((?:lv)?ef\))?)"
                         rf"(?:\s+(?:of|must\s+be))?\s*{_CMP}\s*{_NUM}\s*%", text, re.I):
        out.append(Reading(_leaf("organ_function.lvef_percent", _op(m.group("cmp")),
                                 _num(m.group("num"))), m.start(), m.end(),
                           "heart pumping function (LVEF)"))
    return out


# --------------------------------------------------------------------- reading
def _harmless_rest(text: str, readings: list[Reading]) -> bool:
    """True when nothing but harmless words is left once the readings are taken out."""
    rest = text
    for r in sorted(readings, key=lambda r: -r.start):
        rest = rest[:r.start] + " " + rest[r.end:]
    words = re.findall(r"[a-z0-9][a-z0-9+'-]*", rest.lower())
    return all(w in _HARMLESS or _NUMBER_WORD.match(w) for w in words)


_QUALIFIER = re.compile(
    r"\b(requir\w*|needing|treated|secondary\s+to|due\s+to|related|associated|resulting|"
    r"caus\w+|involving|with|without|who|which|that|whose|at\s+the\s+time|within|after|"
    r"before|during|following|prior\s+to|despite|unable|greater|less|more|grade|severe|"
    r"significant|clinically)\b", re.IGNORECASE)


def _list_member(text: str, r: Reading) -> bool:
    """The reading is one member of a plain list of conditions ("A, B, or C").

    A word that could qualify the whole list ("... requiring treatment",
    "... with neurological changes") makes it no plain list.
    """
    text = re.sub(r"\b(?:one|any|all|each)\s+of\s+the\s+following\b",
                  lambda m: " " * len(m.group(0)), text, flags=re.I)
    lead = re.sub(r"^\W*(?:patients|subjects|participants|people)?\s*(?:who\s+are\s+)?"
                  r"(?:known\s+)?(?:to\s+(?:have|be)\s+)?(?:with\s+)?(?:known\s+)?"
                  r"(?:history\s+of\s+)?", "", text[:r.start], flags=re.I)
    if _QUALIFIER.search(lead + " " + text[r.end:]):
        return False
    before = text[:r.start].rstrip()
    after = text[r.end:].lstrip()
    opens = (not lead.strip(" (") or before.endswith((":", ",", ";"))
             or re.search(r"\b(or|and/or|and)$", before, re.I))
    closes = (not after or after[0] in ",;." or re.match(r"(or|and/or|and)\b", after, re.I))
    return bool(opens and closes) and bool(re.search(r"[:,;]|\bor\b", text))


# Words without which a recogniser cannot find anything (lower case, substrings).
_KEYWORDS = {
    "_philadelphia": ("ph", "bcr", "9;22"),
    "_lineage": ("all", "leuk", "lymph", "etp", "precursor"),
    "_disease_status": ("relaps", "refract", "recurr", "r/r", "newly", "untreated", "de novo",
                        "resistant"),
    "_relapse_number": ("relapse",),
    "_marrow": ("marrow", "bm"),
    "_mrd": ("mrd", "residual"),
    "_cns": ("cns", "central nervous"),
    "_isolated_em": ("medullary",),
    "_cd_markers": ("cd19", "cd22", "cd 19", "cd 22"),
    "_gvhd": ("gvhd", "graft"),
    "_performance": ("ecog", "zubrod", "who", "karnofsky", "lansky", "kps", "lps", "performance",
                     "eastern"),
    "_remission": ("remission", "cr"),
    "_genetics": ("hypodiploid", "kmt2a", "mll", "iamp21", "t315i", "like", "amplification"),
    "_down_syndrome": ("down", "trisomy"),
    "_pregnancy": ("pregnan",),
    "_infections": ("hiv", "immunodef", "hepatitis", "hbv", "hcv", "hbsag", "infect"),
    "_organ": ("alt", "ast", "sgot", "sgpt", "aminotransferase", "transaminase", "bilirubin",
               "creatinine", "crcl", "cr cl", "ejection", "lvef"),
}


def _readings(text: str) -> list[Reading] | None:
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
    spans = [r for r in out if r.rule.get("__span__")]
    rules = [r for r in out if not r.rule.get("__span__")]
    if not rules:
        return []
    # Overlapping readings from different recognisers mean one phrase read two
    # ways: keep both only when they do not overlap.
    rules.sort(key=lambda r: r.start)
    for a, b in zip(rules, rules[1:], strict=False):
        if b.start < a.end and a.rule != b.rule and (a.start, a.end) != (b.start, b.end):
            overlap_ok = (a.rule.get("field") == "diagnosis" or b.rule.get("field") == "diagnosis")
            if not overlap_ok:
                return None
    return rules + spans


def _joiner(text: str, rules: list[Reading], excluding: bool = False,
            negated: bool = False) -> str | None:
    """How several readings are joined: "or" (a list), "and" (adjectives), None (mixed).

    ``excluding``: the readings describe excluding conditions (an exclusion, or "no
    ..." in an inclusion), where a list in any form means any of them excludes.
    """
    ordered = sorted(rules, key=lambda r: r.start)
    kinds = set()
    for a, b in zip(ordered, ordered[1:], strict=False):
        if (a.start, a.end) == (b.start, b.end):
            kinds.add("or")  # one phrase, two fields: "hepatitis B or C", "AST/ALT"
            continue
        gap = text[a.end:b.start] if b.start >= a.end else ""
        if re.search(r"\bor\b|and/or|[,;]|/", gap, re.I):
            tight = re.fullmatch(r"[\s,;/]*(?:(?:and/)?or\b)?[\s,;/]*(?:\(\w+\))?[\s,;/]*", gap,
                                 re.I)
            kinds.add("or" if tight or excluding else "loose-or")
        elif re.search(r"\band\b", gap, re.I):
            kinds.add("and")
        elif len(gap.split()) <= 4:
            kinds.add("and")  # "CD19-negative B-cell leukemia": one condition, two words
        else:
            kinds.add(None)
    if "loose-or" in kinds:
        kinds.discard("loose-or")
        kinds.add("or" if excluding else None)
    if negated and kinds <= {"or", "and"}:
        return "or"  # "no A, B and C": none of them
    if not excluding and None in kinds and "or" not in kinds:
        return "and"  # requirements spread over one sentence
    if len(kinds) != 1:
        return None
    return kinds.pop()


def _combine(kind: str, text: str, readings: list[Reading]) -> tuple[dict, str] | None:
    """The criterion rule for one piece of text, or None when it is not certain."""
    if _DOUBT.search(text):
        return None
    rules = [r for r in readings if not r.rule.get("__span__")]
    if not rules:
        return None
    says_excluded = bool(_SAYS_EXCLUDED.search(text))
    clean = _SAYS_EXCLUDED.sub(lambda m: " " * len(m.group(0)), text)
    rest = clean
    for r in sorted(readings, key=lambda r: -r.start):
        rest = rest[:r.start] + " " * (r.end - r.start) + rest[r.end:]
    # Negation words inside a reading ("no greater than", "Ph-negative") are its own.
    negated = bool(_NEGATION.search(rest))
    words = " and ".join(dict.fromkeys(r.words for r in rules))
    joiner = (_joiner(clean, rules, kind == EXCLUSION or negated or says_excluded,
                      negated and kind == INCLUSION) if len(rules) > 1 else "and")
    if joiner is None:
        return None
    group = "any" if joiner == "or" else "all"
    inner = rules[0].rule if len(rules) == 1 else {group: [r.rule for r in rules]}
    covered = _harmless_rest(clean, readings) or (
        (joiner == "or" or len(rules) == 1) and all(_list_member(clean, r) for r in rules))
    if kind == EXCLUSION:
        if negated or not covered:
            return None  # a double negative, or a narrower condition than we read
        return inner, f"Not for people with: {words}."
    if says_excluded and negated:
        return None
    if any(r.excluding_only for r in rules) and not (says_excluded or negated):
        return None  # read as a requirement, the subset we see would exclude too much
    if says_excluded or negated:
        if not covered:
            return None
        return _negate(inner), f"Not for people with: {words}."
    rest = _without_synonym_ors(text, readings)
    for r in sorted(readings, key=lambda r: -r.start):
        rest = rest[:r.start] + " " + rest[r.end:]
    if any(_adverse(r.rule) for r in rules):
        # Requiring an infection, a pregnancy or active GVHD is no ALL inclusion: the
        # item is most likely an exclusion under a heading we did not recognise.
        return None
    rule = inner
    if _OR.search(rest) and _CONJOINED.search(rest):
        # "Ph- ALL or lymphoma and was in second relapse, or failed 2 lines": the
        # "or"s sit inside requirements joined by "and", so what we read is
        # neither required nor an alternative on its own.
        return None
    if _OR.search(rest):
        # Alternatives we cannot see: the rule may be met, never not met on them.
        rule = {"any": [inner, {"not_screened": "the other alternatives in the text"}]}
    return rule, f"Needs: {words}."


_CONJOINED = re.compile(r"\band\s+(?:was|is|has|had|were|are|have|who|with|in)\b|"
                        r"\b(?-i:who)\b",  # lower case: "WHO" is the World Health Organization
                        re.IGNORECASE)
_SYNONYM_GAP = re.compile(r"[\s,()\[\]]*(?:\bor\b|/)[\s,()\[\]]*", re.IGNORECASE)


def _without_synonym_ors(rest: str, readings: list[Reading]) -> str:
    """``rest`` (the text, same length) without "or"s joining two wordings of one condition.

    "Philadelphia chromosome-positive (Ph+) or BCR-ABL1-positive ALL" offers no
    alternative: both sides are the same Ph+ reading, so the "or" is no sign
    of other alternatives hidden in the text.
    """
    spans: dict[str, list[Reading]] = {}
    for r in readings:
        key = r.rule.get("__same__") if r.rule.get("__span__") else repr(r.rule)
        if key:
            spans.setdefault(key, []).append(r)
    for group in spans.values():
        group.sort(key=lambda r: r.start)
        for a, b in zip(group, group[1:], strict=False):
            if a.end <= b.start and _SYNONYM_GAP.fullmatch(rest[a.end:b.start]):
                rest = rest[:a.end] + " " * (b.start - a.end) + rest[b.start:]
    return rest


_ADVERSE = ("infections.", "pregnant_or_breastfeeding", "active_gvhd")


def _adverse(rule: dict) -> bool:
    """The rule requires a condition no ALL trial would require (an infection, pregnancy)."""
    if "field" in rule:
        return rule["field"].startswith(_ADVERSE) and rule.get("value") is True
    return any(_adverse(r) for key in ("all", "any") for r in rule.get(key, []))


def _negate(rule: dict) -> dict:
    if rule.get("op") == "is" and isinstance(rule.get("value"), bool):
        return {**rule, "value": not rule["value"]}
    if rule.get("op") == "received":
        return {**rule, "op": "not_received"}
    if set(rule) == {"any"}:  # not (A or B) = not A and not B
        return {"all": [_negate(r) for r in rule["any"]]}
    return {"not": rule}


def _qualified(item: Item) -> bool:
    if item.qualified:
        return True
    if re.match(r"^\W*(?:phase|part|cohort|arm|group|stratum|stage|step)\b[^:]{0,40}:", item.text,
                re.I) or re.search(r"\bcohorts?\b|\barms?\b|\bstrat(?:um|a)\b", item.text, re.I):
        return True  # criteria of one part of the study
    if re.match(r"^\s*(donors?|recipients?|siblings?)\b", item.text, re.I):
        return True
    return bool(item.section and _OTHER_PERSON.search(item.section)
                and not re.search(r"patient|characteristics|therapy|criteria", item.section, re.I)
                and len(item.section.split()) > 3)


_SCALE_AGES = re.compile(
    r"\s*\((?:or\s+(?:karnofsky|lansky)\s+)?(?:for\s+(?:patients|subjects|participants)\s+)?"
    r"(?:age|aged)?\s*(?:[<>≥≤]|>=|<=|=<|>/=|</=)\s*\d+(?:\s+years?)?(?:\s+(?:of\s+age|old))?"
    r"(?:\s+at\s+(?:the\s+)?time\s+of\s+[\w/]+)?\)|"
    r"\s*\(or\s+(?:karnofsky|lansky)\s+for\s+(?:patients|subjects|participants)\s*"
    r"(?:[<>≥≤]|>=|<=|=<)\s*\d+\s+years?(?:\s+old|\s+of\s+age)?\)|"
    r"[;,]?\s*use\s+(?:karnofsky|lansky)\s+for\s+(?:patients|subjects)\s+[^;.]*?"
    r"(?:and\s+(?:karnofsky|lansky)\s+for\s+(?:patients|subjects)\s+[^;.]*?)?(?=[;.]|$)",
    re.IGNORECASE)


def read_text(kind: str, text: str, strict: bool = False) -> tuple[dict, str] | None:
    """Read one piece of criterion text into (rule mapping, plain sentence), or None.

    ``strict``: the reading must cover the whole text (used for alternatives).
    """
    if re.search(r"karnofsky|lansky", text, re.I):
        # "Karnofsky (age >= 16) or Lansky (age < 16)": the age split between the two
        # scales is how the scales are defined, not a condition on the patient.
        text = _SCALE_AGES.sub("", text)
    found = _readings(text)
    if not found:
        return None
    if strict and not _harmless_rest(text, found):
        return None
    return _combine(kind, text, found)


_LEAD_IN_PHRASE = re.compile(
    r"[,;]?\s*(?:as\s+)?(?:defined\s+(?:as|by)\s+)?(?:with\s+|who\s+(?:meet|have)\s+|"
    r"(?:must\s+)?(?:meet|meeting|have|having|fulfil+|fulfil+ing)\s+)?(?:at\s+least\s+)?"
    r"(?:one|any|1|either)\s+(?:\(?\d\)?\s+)?(?:of\s+)?(?:the\s+)?following(?:\s+\w+)?"
    r"(?:\s+(?:are|is)\s+present(?:\s+at\s+diagnosis)?)?\s*:?\s*$", re.IGNORECASE)
_CONDITIONAL_HEAD = re.compile(
    r"^\W*(?:age[sd]?|under|over|older|younger|if|for|in|when|children|adults|infants|"
    r"patients\s+(?:under|over|aged|older|younger|less|greater)|participants|subjects)\b",
    re.IGNORECASE)


def read_rule(item: Item) -> tuple[dict, str] | None:
    """The rule of one item, or None when the item is not read with certainty."""
    if _qualified(item):
        return None
    if not item.subs:
        return read_text(item.kind, item.text)
    if _DOUBT.search(item.text):
        return None
    if item.alternatives:
        return _read_alternatives(item, None)
    head = item.head
    if not head.rstrip().endswith(":") or _CONDITIONAL_HEAD.search(head):
        return None  # sub-items that are not a list the head introduces, or conditions
    if any(re.search(r"\b(one of|any of|either|at least one|\d+ of the following)\b", sub, re.I)
           for sub in item.subs):
        return None  # nested alternatives: their logic is beyond a safe reading
    if re.search(r"\b(one of|any of|either|at least one|\d+ of the following)\b", head, re.I):
        rest = _LEAD_IN_PHRASE.sub("", head).strip(" :,;")
        words = [w for w in re.findall(r"[a-z0-9][a-z0-9+'-]*", rest.lower())
                 if w not in _HARMLESS]
        if not words:
            return _read_alternatives(item, None)
        head_reading = read_text(item.kind, rest, strict=True)
        if head_reading is None or item.kind == EXCLUSION:
            return None
        return _read_alternatives(item, head_reading)
    if re.search(r"\b(all of|each of|following (?:criteria|requirements|conditions)?)\b|"
                 r"defined (?:as|below)|as follows|adequate", head, re.I) is None:
        # A bare heading ("Postinduction therapy:") may name a later phase of the
        # study, not what everyone needs at entry: not read.
        return None
    head_reading = read_text(item.kind, head.rstrip(":")) if len(head) > 3 else None
    parts = [read_text(item.kind, sub) for sub in item.subs]
    parts = [p for p in parts if p is not None]
    if head_reading is not None:
        parts.insert(0, head_reading)
    if not parts:
        return None
    if item.kind == EXCLUSION:
        rule = parts[0][0] if len(parts) == 1 else {"any": [p[0] for p in parts]}
    else:
        rule = parts[0][0] if len(parts) == 1 else {"all": [p[0] for p in parts]}
    return rule, " ".join(p[1] for p in parts)


def _read_alternatives(item: Item, head: tuple[dict, str] | None) -> tuple[dict, str] | None:
    """Items whose sub-items are alternatives: any of them; unseen ones not_screened.

    Each alternative must be read whole (nothing narrowing left over), since a
    partial alternative inside "any" could wrongly say "met".
    """
    parts, unseen = [], False
    for sub in item.subs:
        body = re.sub(r"^\s*(?:[-*\u2022]|\d{1,2}[.)]|[a-z][.)])\s*", "", sub)
        body = re.sub(r"\s*\bor\b\.?\s*$", "", body, flags=re.I)
        reading = read_text(item.kind, body, strict=True)
        if reading is None:
            unseen = True
        else:
            parts.append(reading)
    if not parts:
        return head
    rules = [p[0] for p in parts]
    if item.kind == INCLUSION:
        if unseen:
            rules.append({"not_screened": "the other alternatives in the text"})
        rule = rules[0] if len(rules) == 1 else {"any": rules}
        plain = "Needs one of: " + "; ".join(p[1].removeprefix("Needs: ") for p in parts)
        if head is not None:
            return {"all": [head[0], rule]}, head[1] + " " + plain
        return rule, plain
    # An exclusion listing excluding conditions: exclude on any of those we can see.
    return (rules[0] if len(rules) == 1 else {"any": rules},
            "Not for people with: " + "; ".join(
                p[1].removeprefix("Not for people with: ") for p in parts))


def _valid(rule: dict, cid: str) -> bool:
    """Run the linter's named checks and the rule builder; False on any problem."""
    if lint._lint_node(rule, "<reader>", cid, "rule"):
        return False
    try:
        build_node(rule)
    except RuleError:
        return False
    return True


def describe(rule: dict) -> str:
    """A rule in plain words, from the operator table's own descriptions."""
    if "field" in rule:
        field = FIELDS[rule["field"]]
        if rule["op"] == "is":
            return field.label if rule["value"] else f"no {field.label}"
        return OPERATORS[rule["op"]].describe(field, rule["value"])
    if "not_screened" in rule:
        return ""  # said once by the group that holds it (below)
    if "not" in rule:
        inner = describe(rule["not"])
        return f"not ({inner})" if inner else ""
    for key, joiner, more in (("any", " or ", " (or another situation the study team checks)"),
                              ("all", "; ", " (and more that the study team checks)")):
        if key in rule:
            words = joiner.join(spanish.unique(describe(r) for r in rule[key]))
            unseen = any("not_screened" in r for r in rule[key])
            return (words + more if words else "") if unseen else words
    return ""


def _plain(rule: dict) -> dict:
    """The rule in plain words, English and (when every part has words) Spanish.

    No "Needs:"/"Excluded when:" in front: like a curated file's sentence, it
    names the condition, and the page frames it by kind and outcome.
    """
    words = describe(rule)
    plain = {"en": words[:1].upper() + words[1:] + "."}
    es = spanish.sentence(rule)
    if es:
        plain["es"] = es
    return plain


#: Words that make a "newly diagnosed" or "Ph+" in an inclusion something other
#: than a condition every participant must meet: other disease settings offered
#: as alternatives, exceptions, conditions, or therapy already given.
_NOT_A_CORE = re.compile(
    r"relaps|refractor|recurr|resist|remission|fail|second|salvage|persist|residual|\bmrd\b|"
    r"prior(?!\s+to\b)|(?<!not\s)previous(?!ly\s+untreated)|after|following|either|one\s+of|any\s+of|"
    r"\bor\s+(?:having|had|have|who|with|in|patients)\b|"
    r"ph-?like|philadelphia[- ]like|bcr-?abl1?-?like|lymphoma|myeloid|aml\b|cml\b|"
    r"blast\s+(?:crisis|phase|transformation)|mixed|ambiguous|biphenotypic|"
    r"entered\s+onto|enrolled\s+on|trials?\s+for", re.IGNORECASE)


def _core_reading(item: Item) -> dict | None:
    """The conditions every participant must meet, out of an inclusion read only in part.

    "Patients aged 18 to 60 with de novo Philadelphia chromosome positive ALL,
    as defined by ..." is not read whole, so without this the item is
    not_screened and a person in second relapse, or with Ph-negative
    leukemia, would see the study as likely eligible. When the sentence names
    the disease setting (newly diagnosed) or the Ph status as something
    everyone must have, with no alternative, exception or condition beside
    it, those become required and the rest goes to the study team:
    all[setting, Ph, not_screened rest]. A mismatch then rules the study out;
    a match never makes it "met" on its own.
    """
    text = item.text if not item.subs else " ".join([item.head, *item.subs])
    if item.kind != INCLUSION or _DOUBT.search(text) or _NOT_A_CORE.search(text):
        return None
    leaves, spans = [], []
    for found in (_disease_status(text), _philadelphia(text)):
        spans += found
        found = [r for r in found if not r.rule.get("__span__")]
        if any(r.narrow for r in found) or len({json.dumps(r.rule, sort_keys=True)
                                                for r in found}) > 1:
            return None  # two readings of one field in one sentence: a doubt
        for r in found:
            # "previously untreated" reads as all[newly_diagnosed, not_screened]:
            # its required part is the leaf (the rest is not_screened anyway)
            leaf = next((x for x in r.rule.get("all", []) if "field" in x), r.rule)
            if leaf.get("field") in ("disease_status", "philadelphia_chromosome") and (
                    leaf.get("op") == "eq"):
                leaves.append(Reading(leaf, r.start, r.end, r.words))
    if not leaves:
        return None
    # A negation outside the readings ("karyotype shows no t(9;22)") turns what
    # was read around: no core then. "Not previously treated" is "untreated".
    rest = re.sub(r"\bnot\s+previously\s+treated\b", lambda m: " " * len(m.group(0)), text,
                  flags=re.IGNORECASE)
    for r in spans:
        rest = rest[:r.start] + " " * (r.end - r.start) + rest[r.end:]
    if _NEGATION.search(rest):
        return None
    rule = {"all": [r.rule for r in leaves] + [
        {"not_screened": "the rest of this criterion, read by the study team"}]}
    return rule


#: Words by which another item of the same study makes an exception.
_EXCEPTION = re.compile(
    r"\b(allowed|permitted|acceptable|are eligible|is eligible|be eligible|remain eligible|"
    r"may be (?:eligible|included|enrolled)|unless|except|exception|solely because)\b",
    re.IGNORECASE)
#: What an item must mention to make an exception for a field.
_FIELD_WORDS = {
    "cns_status": r"\bcns\b|central nervous|spinal fluid|\bcsf\b|mening",
    "organ_function.creatinine_clearance_ml_min": r"creatinine|\brenal\b|\bkidney",
    "organ_function.bilirubin_x_uln": r"bilirubin|hepatic|liver",
    "organ_function.alt_x_uln": r"\balt\b|sgpt|transaminase|hepatic|liver",
    "organ_function.ast_x_uln": r"\bast\b|sgot|transaminase|hepatic|liver",
    "organ_function.lvef_percent": r"ejection|shortening fraction|cardiac function",
    "performance_status": r"ecog|karnofsky|lansky|performance",
    "isolated_extramedullary_relapse": r"extra-?medullary",
    "marrow_blasts_percent": r"blasts?\b",
}
#: How near (characters, same sentence) the words of exception must be to the field's words.
_EXCEPTION_REACH = 60
NOTE_EXCEPTION = ("Read automatically, but another item of this study makes an exception for "
                  "it ({other}): for the study team. A person has not reviewed this yet.")


def _fields(rule) -> set[str]:
    if not isinstance(rule, dict):
        return set()
    if "field" in rule:
        return {rule["field"]}
    return set().union(*(_fields(r) for key in ("all", "any", "not") for r in (
        rule.get(key) if isinstance(rule.get(key), list) else [rule.get(key)])))


def _excepts(text: str, words: str) -> bool:
    """Words of exception near the field's words, in one sentence ("CNS involvement allowed")."""
    for sentence in re.split(r"(?<=[.;])\s+", text):
        for m in _EXCEPTION.finditer(sentence):
            near = sentence[max(0, m.start() - _EXCEPTION_REACH):m.end() + _EXCEPTION_REACH]
            if re.search(words, near, re.IGNORECASE):
                return True
    return False


def drop_excepted(criteria: list[dict]) -> list[dict]:
    """Leave to the study team a rule that another item of the study makes an exception to.

    "No active CNS involvement" is read, but the next item says "CNS involvement
    allowed if no residual leukemic cells ... after intrathecal chemotherapy";
    that item is not read (a doubt), so on its own the first would exclude
    people the study admits. When an unread item of the same study speaks of
    the same thing with words of exception, the read rule goes too.
    """
    unread = [c for c in criteria if "rule" not in c and _EXCEPTION.search(c["text"])]
    for crit in criteria:
        if "rule" not in crit or crit["id"] in ("age", "sex"):
            continue
        for field in _fields(crit["rule"]):
            words = _FIELD_WORDS.get(field)
            other = next((c for c in unread if c is not crit and words
                          and _excepts(c["text"], words)), None)
            if other is not None:
                del crit["rule"]
                crit["plain"] = {"en": PLAIN_NONE}
                crit["note"] = NOTE_EXCEPTION.format(other=other["id"])
                break
    return criteria


#: A head that introduces its own definition: "Relapsed or refractory B-cell ALL:" or
#: "... B-precursor ALL defined as one of the following:".
_DEFINING_HEAD = re.compile(
    r"^(?P<head>[^:.;]{3,120}?)\s*(?:,?\s*(?:as\s+)?defined\s+as\s+(?:one|any)\s+of\s+the\s+"
    r"following\s*:?|:)", re.IGNORECASE)
#: Settings or lineages beyond what a head names, which would make the head one
#: alternative among others rather than what everyone needs.
_OTHER_SETTING = {
    "disease_status": re.compile(r"newly|untreated|de\s+novo|first[- ]line|front[- ]?line|"
                                 r"induction|consolidation|maintenance|\bcr1\b|first\s+(?:cr|"
                                 r"complete\s+remission)", re.IGNORECASE),
    # ("T cell" alone is no lineage: "after CAR-modified T cell therapy")
    "diagnosis": re.compile(r"\bt[- ]?(?:all|lineage|lymphoblastic)\b|"
                            r"\bt[- ]cell\s+(?:all\b|acute|leuk|lymph|precursor)|lymphoma|\baml\b|"
                            r"myeloid|\bcml\b|mixed|biphenotypic|ambiguous|burkitt",
                            re.IGNORECASE),
}


def _defining_head(item: Item) -> dict | None:
    """What a head that introduces its own definition requires of everyone.

    "Relapsed or refractory B-cell ALL: 1. 2nd or greater BM relapse OR 2. ..."
    is not read whole, yet everyone it lists has relapsed or refractory B-cell
    ALL: a newly diagnosed child or a teenager with T-ALL would otherwise see a
    CAR-T study as a likely match. When the head alone reads whole (nothing but
    the disease setting and lineage), and nothing after it names another
    setting or lineage, it is required: all[head, not_screened the rest].
    """
    text = item.text
    m = _DEFINING_HEAD.match(text)
    if item.kind != INCLUSION or m is None:
        return None
    reading = read_text(INCLUSION, m.group("head"), strict=True)
    if reading is None or not _fields(reading[0]) <= {"disease_status", "diagnosis"}:
        return None
    rest = text[m.end():]
    if any(_OTHER_SETTING[f].search(rest) for f in _fields(reading[0])):
        return None
    rule = {"all": [reading[0], {"not_screened": "which of the listed situations applies"}]}
    return rule


def read_item(item: Item, cid: str) -> dict:
    """One item as a criteria-file criterion mapping, ``review: true``, rule only if certain."""
    crit = {"id": cid, "kind": item.kind, "text": item.text, "plain": {"en": PLAIN_NONE},
            "note": NOTE_NONE, "review": True}
    reading = read_rule(item)
    if reading is None:
        core = _core_reading(item) or _defining_head(item)
        if core is not None and _valid(core, cid):
            crit["rule"], crit["plain"] = core, _plain(core)
            crit["note"] = NOTE_CORE
            return crit
    if reading is not None and _valid(reading[0], cid):
        crit["rule"], crit["plain"] = reading[0], _plain(reading[0])
        crit["note"] = NOTE
    return crit
