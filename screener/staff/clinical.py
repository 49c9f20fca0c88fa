"""A referral for the coordinator: the profile in clinical words, trial tables, call checklist.

Everything here is read from the stored referral (its profile and its current
screening), never screened again: the page shows what the referral was judged
on. Staff pages are for clinical staff, so the words are clinical (CR/CRi, M3,
CNS2, ECOG) rather than the patient pages' plain ones.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..eligibility import NEEDS_REVIEW, NOT_ELIGIBLE
from ..i18n import gettext as _
from ..i18n import lazy_gettext as _l
from ..profile import cannot_apply
from ..vocabulary import Untranslated, answer
from ..vocabulary.words import LABELS, SCALES, THERAPIES
from ..wizard.results import question_key

#: Every field of the profile contract, in the order a clinician reads a referral,
#: with its clinical label. Each is shown, an absent one as "unknown".
FIELDS = (
    ("age", _l("Age")),
    ("age_at_diagnosis", _l("Age at diagnosis")),
    ("sex", _l("Sex")),
    ("diagnosis", _l("Diagnosis")),
    ("early_t_precursor", _l("Early T-cell precursor (ETP)")),
    ("disease_status", _l("Disease status")),
    ("relapse_count", _l("Relapse number")),
    ("months_from_diagnosis_to_relapse", _l("CR1 duration (months from diagnosis to first "
                                            "relapse)")),
    ("isolated_extramedullary_relapse", _l("Isolated extramedullary relapse")),
    ("in_remission", _l("In complete remission (CR/CRi)")),
    ("marrow_blasts_percent", _l("Marrow blasts")),
    ("wbc_at_diagnosis_per_ul", _l("WBC at diagnosis (/µL)")),
    ("mrd.status", _l("MRD")),
    ("mrd.level", _l("MRD level")),
    ("philadelphia_chromosome", _l("Philadelphia chromosome (BCR::ABL1)")),
    ("genetics.kmt2a_rearranged", _l("KMT2A rearranged")),
    ("genetics.ph_like", _l("Ph-like")),
    ("genetics.etv6_runx1", _l("ETV6::RUNX1")),
    ("genetics.high_hyperdiploid", _l("High hyperdiploid")),
    ("genetics.hypodiploid", _l("Hypodiploid")),
    ("genetics.iamp21", _l("iAMP21")),
    ("genetics.tcf3_pbx1", _l("TCF3::PBX1")),
    ("genetics.abl1_t315i", _l("ABL1 T315I")),
    ("cd19", _l("CD19")),
    ("cd22", _l("CD22")),
    ("cns_status", _l("CNS status")),
    ("prior_therapies", _l("Prior therapy")),
    ("active_gvhd", _l("Active GVHD")),
    ("performance_status", _l("Performance status")),
    ("down_syndrome", _l("Down syndrome")),
    ("seizure_disorder", _l("Seizure disorder / other CNS disease")),
    ("pregnant_or_breastfeeding", _l("Pregnant or breastfeeding")),
    ("infections.hiv", _l("HIV")),
    ("infections.hepatitis_b", _l("Active hepatitis B")),
    ("infections.hepatitis_c", _l("Active hepatitis C")),
    ("infections.uncontrolled_infection", _l("Uncontrolled infection")),
    ("organ_function.creatinine_clearance_ml_min", _l("Creatinine clearance (mL/min)")),
    ("organ_function.bilirubin_x_uln", _l("Bilirubin (× ULN)")),
    ("organ_function.alt_x_uln", _l("ALT (× ULN)")),
    ("organ_function.ast_x_uln", _l("AST (× ULN)")),
    ("organ_function.lvef_percent", _l("LVEF (%)")),
    ("location.zip", _l("ZIP code")),
    ("location.country", _l("Country")),
    ("location.max_travel_miles", _l("Can travel (miles)")),
)

UNKNOWN = _l("unknown")

#: What to ask on the call (the family or the referring physician), per question of
#: ``wizard.results.question_key`` (genetics.* fold into "genetics", age.months into age).
CALL_QUESTIONS = {
    "age": _l("Exact age today (years and months)?"),
    "sex": _l("Sex?"),
    "diagnosis": _l("Lineage: B-ALL, T-ALL, mixed phenotype or lymphoblastic lymphoma?"),
    "disease_status": _l("Newly diagnosed, relapsed or refractory?"),
    "age_at_diagnosis": _l("Age at first diagnosis?"),
    "relapse_count": _l("Which relapse is this (first, second, …)?"),
    "months_from_diagnosis_to_relapse": _l("Months from diagnosis to first relapse (CR1 "
                                           "duration)?"),
    "isolated_extramedullary_relapse": _l("Was the latest relapse isolated extramedullary?"),
    "in_remission": _l("In complete remission now (CR/CRi)?"),
    "marrow_blasts_percent": _l("Blast percentage in the latest marrow (M1 / M2 / M3)?"),
    "mrd.status": _l("Latest MRD result (positive or negative), and by which method (flow, "
                     "PCR, NGS)?"),
    "mrd.level": _l("Latest MRD level, and by which method (flow, PCR, NGS)?"),
    "philadelphia_chromosome": _l("Philadelphia chromosome (BCR::ABL1) positive or negative?"),
    "cd19": _l("CD19 expression on the blasts (latest flow)?"),
    "cd22": _l("CD22 expression on the blasts (latest flow)?"),
    "cns_status": _l("CNS status: CNS1, CNS2 or CNS3?"),
    "prior_therapies": _l("Every prior therapy with the date of its last dose (transplant "
                          "date, CAR-T, blinatumomab, inotuzumab, TKIs)?"),
    "active_gvhd": _l("Active GVHD, or on systemic treatment for GVHD?"),
    "performance_status": _l("Performance status (ECOG, Karnofsky or Lansky)?"),
    "down_syndrome": _l("Down syndrome?"),
    "pregnant_or_breastfeeding": _l("Pregnant or breastfeeding?"),
    "infections.hiv": _l("HIV status?"),
    "infections.hepatitis_b": _l("Active hepatitis B?"),
    "infections.hepatitis_c": _l("Active hepatitis C?"),
    "infections.uncontrolled_infection": _l("Any uncontrolled infection?"),
    "seizure_disorder": _l("Seizure disorder or other active CNS disease besides leukemia?"),
    "wbc_at_diagnosis_per_ul": _l("WBC at diagnosis (/µL)?"),
    "genetics": _l("Cytogenetics / FISH / sequencing results (KMT2A, Ph-like, ETV6::RUNX1, "
                   "ploidy, iAMP21, TCF3::PBX1, T315I)?"),
    "organ_function.creatinine_clearance_ml_min": _l("Latest creatinine clearance (mL/min)?"),
    "organ_function.bilirubin_x_uln": _l("Latest total bilirubin (× ULN)?"),
    "organ_function.alt_x_uln": _l("Latest ALT (× ULN)?"),
    "organ_function.ast_x_uln": _l("Latest AST (× ULN)?"),
    "organ_function.lvef_percent": _l("Latest LVEF (%)?"),
}

THERAPY_OUTCOMES = {"responded": _l("responded"), "refractory": _l("refractory to it"),
                    "intolerant": _l("intolerant")}
OUTCOME_WORDS = {"met": _l("met"), "not_met": _l("not met"), "unknown": _l("unknown"),
                 "not_screened": _l("study team checks")}
KIND_WORDS = {"inclusion": _l("inclusion"), "exclusion": _l("exclusion")}
TRIAL_VERDICT_WORDS = {"likely_eligible": _l("Likely eligible"),
                       "needs_review": _l("Needs review"), "not_eligible": _l("Not eligible")}


def _value(profile: dict, path: str):
    value = profile
    for key in path.split("."):
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _number(x) -> str:
    return f"{x:g}" if isinstance(x, float) else str(x)


def _age(value: dict) -> str:
    years, months = value.get("years"), value.get("months")
    text = _("%(n)s y", n=years) if years is not None else ""
    if months is not None:
        text += (" " if text else "") + _("%(n)s mo", n=months)
    return text or str(UNKNOWN)


def marrow_grade(percent: float) -> str:
    """M1 (< 5 % blasts), M2 (5 to < 25 %), M3 (≥ 25 %)."""
    return "M1" if percent < 5 else "M2" if percent < 25 else "M3"


def _therapy(entry: dict) -> str:
    code = entry.get("therapy", "")
    name = _(THERAPIES[code]) if code in THERAPIES else code
    parts = []
    months = entry.get("months_since_last_dose")
    if months is not None:
        if code in ("allogeneic_hsct", "autologous_hsct"):
            parts.append(_("%(n)s months ago", n=_number(months)))
        else:
            parts.append(_("last dose %(n)s months ago", n=_number(months)))
    if entry.get("outcome"):
        parts.append(str(THERAPY_OUTCOMES.get(entry["outcome"], entry["outcome"])))
    return name + (" — " + ", ".join(parts) if parts else "")


def words(path: str, value, profile: dict, lang: str) -> str:
    """One profile value in clinical words."""
    if path in ("age", "age_at_diagnosis"):
        return _age(value)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if path == "marrow_blasts_percent":
        return f"{_number(value)}% ({marrow_grade(value)})"
    if path == "mrd.level":  # a fraction: 0.001 is 0.1% (10^-3)
        exponent = math.log10(value) if value > 0 else None
        power = (f"10^{round(exponent)}" if exponent is not None
                 and abs(exponent - round(exponent)) < 1e-9 else f"{value:.1e}")
        return f"{value * 100:g}% ({power})"
    if path == "performance_status":
        return f"{SCALES.get(value['scale'], value['scale'])} {value['score']}"
    if path == "relapse_count" and value == 0:
        return _("0 (never relapsed)")
    if path == "wbc_at_diagnosis_per_ul":
        return f"{value:,.0f}"
    if isinstance(value, int | float):
        return _number(value)
    if path.startswith("location."):  # a ZIP code or a country: as given
        return str(value)
    try:
        return answer(path, value, lang) or str(value)
    except Untranslated:  # a word with no Spanish yet: English, never an error page
        return answer(path, value, "en") or str(value)


@dataclass
class Fact:
    label: str
    text: str
    known: bool
    items: list[str] = field(default_factory=list)


def profile_facts(profile: dict, lang: str = "en") -> list[Fact]:
    """Every field of the contract with its value in clinical words, "unknown" when absent.

    Prior therapy is a list (one line per agent, its last dose and outcome); an
    empty list is "none".
    """
    out = []
    for path, label in FIELDS:
        value = _value(profile, path)
        if path == "prior_therapies":
            if value is None:
                out.append(Fact(str(label), str(UNKNOWN), False))
            else:
                out.append(Fact(str(label), _("none") if not value else "", True,
                                [_therapy(t) for t in value]))
            continue
        if value is None:
            out.append(Fact(str(label), str(UNKNOWN), False))
        else:
            out.append(Fact(str(label), words(path, value, profile, lang), True))
    return out


@dataclass
class Question:
    key: str
    text: str
    trials: list[str]


def call_checklist(results: list[dict], profile: dict) -> list[Question]:
    """The questions to ask, in order: the missing answers of the trials still in review,
    the one that settles the most trials first (then by field, as the wizard orders them).

    Fields that cannot be about this person (pregnancy for a man) are never asked.
    """
    hidden = cannot_apply(profile or {})
    found: dict[str, Question] = {}
    for result in results:
        if result.get("verdict") != NEEDS_REVIEW:
            continue
        for path in result.get("missing_answers", []):
            key = question_key(path)
            if key in hidden or path in hidden:
                continue
            question = found.setdefault(key, Question(key, question_text(key), []))
            if result["trial"]["id"] not in question.trials:
                question.trials.append(result["trial"]["id"])
    return sorted(found.values(), key=lambda q: (-len(q.trials), q.key))


def question_text(key: str) -> str:
    if key in CALL_QUESTIONS:
        return str(CALL_QUESTIONS[key])
    label = _(LABELS[key]) if key in LABELS else key
    return _("%(what)s?", what=label[:1].upper() + label[1:])


def candidates(results: list[dict]) -> list[dict]:
    """The trials a coordinator works on: likely eligible or needing review, best first."""
    return [r for r in results if r.get("shown_verdict") != NOT_ELIGIBLE]


def blocked(results: list[dict]) -> list[dict]:
    """Trials the referral does not fit, each with the criteria that block it."""
    return [r for r in results if r.get("shown_verdict") == NOT_ELIGIBLE]
