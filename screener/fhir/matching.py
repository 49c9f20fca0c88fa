"""A CodeX / MITRE clinical-trial matching service over our catalog (issue 11, item 2).

The contract is that of mcode/clinical-trial-matching-service (../shared/fhir/SOURCES.md):
``POST /getClinicalTrial`` with a FHIR R4 Bundle holding the patient's resources and,
optionally, one ``Parameters`` resource; the answer is a ``searchset`` Bundle of
ResearchStudy resources with ``entry.search.score`` in [0, 1].

Parameters (each optional; an unknown name or value is refused with 400 naming it):

- ``zipCode``: a US ZIP code. Sites get their distance in miles and studies are ordered by
  their nearest site.
- ``travelRadius``: miles (``valueString`` or ``valueDecimal``), only with ``zipCode``: a
  site farther away, or whose distance cannot be worked out, is left out, and a study with
  no site left is left out.
- ``phase``: a code of FHIR's research-study-phase system (``phase-2``, ``phase-1-phase-2``,
  ...) or ``any``. A study matches when its own phase code is the one asked for or, for a
  single phase asked, when it is one of the study's phases (``phase-2`` matches a
  phase 1/2 study).
- ``recruitmentStatus``: a FHIR ResearchStudy.status code, several separated by commas, or
  ``all``. Without it, studies open to enrollment (registry RECRUITING, NOT_YET_RECRUITING,
  ENROLLING_BY_INVITATION, i.e. ``Trial.recruiting``) are screened, as POST /api/v1/screen
  does. A study whose registry status has no FHIR equivalent (UNKNOWN) is never returned:
  ResearchStudy.status is required and we will not invent one.

Score (``entry.search.score``), from our verdict; the CodeX app bands >= 0.75 as a
high-likelihood match, >= 0.01 as a possible one, below as no match:

- likely eligible and fully checked: ``SCORE_LIKELY`` 0.9;
- likely eligible on too little (age and sex alone, or registry inclusions no one could
  read): ``SCORE_LIKELY_UNCHECKED`` 0.5;
- needs review: 0.2 + 0.5 x (criteria met / criteria met or unknown), so 0.2 .. 0.7:
  never a high-likelihood match while an answer is missing;
- not eligible: 0, and still listed, so that the description says what blocks.

Each ResearchStudy carries our verdict twice: in plain words in ``description`` (never
"eligible": the study team confirms), and as data in the extensions documented at
``EXTENSION_BASE`` (screening verdict; one criterion-result extension per criterion with
its id, kind, outcome, verbatim text and reason).

Nothing here logs; fhir.resources is loaded only when a Bundle is read.
"""

from __future__ import annotations

import math
from datetime import date

from ..eligibility import LIKELY_ELIGIBLE, NEEDS_REVIEW, Trial, screen
from .reader import BundleError, read_bundle

#: The base of the extensions this project defines (documented in this module and in
#: writer.py). The project owns no domain yet, so the base is under ``.invalid`` (RFC 2606):
#: it names, and will never resolve by accident to someone else's definition.
EXTENSION_BASE = "https://fhir.all-screener.invalid/StructureDefinition/"
EXT_VERDICT = EXTENSION_BASE + "screening-verdict"
EXT_CRITERION = EXTENSION_BASE + "criterion-result"
EXT_DISTANCE = EXTENSION_BASE + "site-distance"
CTGOV = "https://clinicaltrials.gov"
PHASE_SYSTEM = "http://terminology.hl7.org/CodeSystem/research-study-phase"
STATUS_SYSTEM = "http://hl7.org/fhir/research-study-status"

SCORE_LIKELY = 0.9
SCORE_LIKELY_UNCHECKED = 0.5
SCORE_REVIEW_LOW, SCORE_REVIEW_SPAN = 0.2, 0.5

#: ClinicalTrials.gov overall status -> FHIR R4 ResearchStudy.status.
STATUS = {
    "RECRUITING": "active",
    "ENROLLING_BY_INVITATION": "active",
    "NOT_YET_RECRUITING": "approved",
    "ACTIVE_NOT_RECRUITING": "closed-to-accrual",
    "SUSPENDED": "temporarily-closed-to-accrual",
    "TEMPORARILY_NOT_AVAILABLE": "temporarily-closed-to-accrual",
    "COMPLETED": "completed",
    "TERMINATED": "administratively-completed",
    "WITHDRAWN": "withdrawn",
    "AVAILABLE": "active",
}
FHIR_STATUSES = {"active", "administratively-completed", "approved", "closed-to-accrual",
                 "closed-to-accrual-and-intervention", "completed", "disapproved",
                 "in-review", "temporarily-closed-to-accrual",
                 "temporarily-closed-to-accrual-and-intervention", "withdrawn"}

#: Registry phases -> the research-study-phase code and its display.
PHASES = {
    ("EARLY_PHASE1",): ("early-phase-1", "Early Phase 1"),
    ("PHASE1",): ("phase-1", "Phase 1"),
    ("PHASE1", "PHASE2"): ("phase-1-phase-2", "Phase 1/Phase 2"),
    ("PHASE2",): ("phase-2", "Phase 2"),
    ("PHASE2", "PHASE3"): ("phase-2-phase-3", "Phase 2/Phase 3"),
    ("PHASE3",): ("phase-3", "Phase 3"),
    ("PHASE4",): ("phase-4", "Phase 4"),
    ("NA",): ("n-a", "N/A"),
}
PHASE_CODES = {code for code, _ in PHASES.values()}
#: A single phase asked for -> the registry phase it names.
SINGLE_PHASE = {"early-phase-1": "EARLY_PHASE1", "phase-1": "PHASE1", "phase-2": "PHASE2",
                "phase-3": "PHASE3", "phase-4": "PHASE4"}

PARAMETERS = ("zipCode", "travelRadius", "phase", "recruitmentStatus")
#: The contract's answer to a body that is not a Bundle.
INVALID = "Invalid patientBundle"


class MatchError(ValueError):
    """A request answered 400 ``{"error": message}``."""

    def __init__(self, message: str, errors: list[str] | None = None):
        self.message, self.errors = message, errors or []
        super().__init__(message)


def parameters(bundle: dict) -> dict:
    """The search parameters of the Bundle's Parameters resource, checked."""
    found = [e["resource"] for e in bundle.get("entry") or []
             if isinstance(e, dict) and isinstance(e.get("resource"), dict)
             and e["resource"].get("resourceType") == "Parameters"]
    if len(found) > 1:
        raise MatchError("the Bundle holds more than one Parameters resource")
    out: dict = {"zip": None, "radius": None, "phase": None, "statuses": None}
    for param in (found[0].get("parameter") or []) if found else []:
        name = param.get("name") if isinstance(param, dict) else None
        if name not in PARAMETERS:
            raise MatchError(f"unknown parameter {name!r}: the parameters are "
                             f"{', '.join(PARAMETERS)}")
        value = next((param[k] for k in ("valueString", "valueDecimal", "valueInteger",
                                         "valueCode") if k in param), None)
        if value is None or value == "":
            continue
        if name == "zipCode":
            from ..wizard.results import zip_point

            if not isinstance(value, str) or zip_point(value.strip()) is None:
                raise MatchError(f"zipCode: {value!r} is not a US ZIP code we know")
            out["zip"] = value.strip()[:5]
        elif name == "travelRadius":
            try:
                miles = float(value)
            except (TypeError, ValueError):
                miles = math.nan
            if not math.isfinite(miles) or miles <= 0 or isinstance(value, bool):
                raise MatchError(f"travelRadius: {value!r} is not a distance in miles")
            out["radius"] = miles
        elif name == "phase":
            code = str(value).strip().lower()
            if code not in PHASE_CODES | {"any"}:
                raise MatchError(f"phase: {value!r} is not a research-study-phase code "
                                 f"({', '.join(sorted(PHASE_CODES))}) or 'any'")
            out["phase"] = None if code == "any" else code
        else:
            codes = {c.strip().lower() for c in str(value).split(",") if c.strip()}
            if codes in ({"all"}, {"any"}):
                out["statuses"] = set(FHIR_STATUSES)
                continue
            bad = sorted(codes - FHIR_STATUSES)
            if bad:
                raise MatchError(f"recruitmentStatus: {', '.join(bad)} is not a "
                                 "ResearchStudy.status code (or 'all')")
            out["statuses"] = codes
    if out["radius"] is not None and out["zip"] is None:
        raise MatchError("travelRadius: needs a zipCode to measure from")
    return out


def phase_of(trial: Trial) -> tuple[str, str] | None:
    return PHASES.get(tuple(sorted(trial.phases)))


def _phase_matches(trial: Trial, wanted: str | None) -> bool:
    if wanted is None:
        return True
    own = phase_of(trial)
    return (own is not None and own[0] == wanted) or SINGLE_PHASE.get(wanted) in trial.phases


def chosen_trials(trials: list[Trial], params: dict) -> list[Trial]:
    """The trials the parameters ask for (see the module docstring)."""
    out = []
    for t in trials:
        status = STATUS.get(t.status)
        if status is None:
            continue
        if params["statuses"] is None and not t.recruiting:
            continue
        if params["statuses"] is not None and status not in params["statuses"]:
            continue
        if _phase_matches(t, params["phase"]):
            out.append(t)
    return out


def score(result) -> float:
    """entry.search.score from a ScreeningResult (see the module docstring)."""
    if result.verdict == LIKELY_ELIGIBLE:
        return SCORE_LIKELY if result.fully_checked else SCORE_LIKELY_UNCHECKED
    if result.verdict == NEEDS_REVIEW:
        met = len(result.by_outcome("met"))
        unknown = len(result.by_outcome("unknown"))
        share = met / (met + unknown) if met + unknown else 0.0
        return round(SCORE_REVIEW_LOW + SCORE_REVIEW_SPAN * share, 3)
    return 0.0


def verdict_words(result) -> str:
    """Our verdict in plain words, for ResearchStudy.description."""
    if result.verdict == LIKELY_ELIGIBLE:
        if result.fully_checked:
            return ("Pre-screen: likely eligible — the study team confirms. Every criterion "
                    "that could be checked is met.")
        return ("Pre-screen: likely eligible on what could be checked, but too little could "
                "be checked (criteria nobody has read, or age and sex alone) — go through "
                "the criteria with the study team.")
    if result.verdict == NEEDS_REVIEW:
        missing = ", ".join(result.missing_answers) or "some answers"
        return f"Pre-screen: needs review — not known: {missing}."
    blocks = "; ".join(r.because for r in result.by_outcome("not_met")[:3])
    return f"Pre-screen: does not seem to fit — {blocks}"


def _criterion_extension(r) -> dict:
    parts = [("id", "valueString", r.id), ("kind", "valueCode", r.kind),
             ("outcome", "valueCode", r.outcome), ("text", "valueString", r.text)]
    if r.criterion.rule is not None:
        parts.append(("because", "valueString", r.because))
    return {"url": EXT_CRITERION,
            "extension": [{"url": name, kind: value} for name, kind, value in parts
                          if value]}


def verdict_extensions(result) -> list[dict]:
    """The verdict and per-criterion outcomes as extensions (also used by writer.py)."""
    return [{"url": EXT_VERDICT, "extension": [
        {"url": "verdict", "valueCode": result.verdict},
        {"url": "fullyChecked", "valueBoolean": result.fully_checked},
        {"url": "score", "valueDecimal": score(result)},
    ]}] + [_criterion_extension(r) for r in result.criteria]


def _sites(trial: Trial, zip_code: str | None, radius: float | None):
    """(contained Locations, site references, nearest distance), or None when a radius
    leaves no site."""
    from ..wizard.results import miles_between, zip_point

    home = zip_point(zip_code) if zip_code else None
    located = []
    for site in trial.sites:
        miles = None
        if home is not None and str(site.get("country", "")) == "United States":
            point = zip_point(str(site.get("zip", "")))
            if point is not None:
                miles = miles_between(home, point)
        if radius is not None and (miles is None or miles > radius):
            continue
        located.append((site, miles))
    if radius is not None and not located:
        return None
    located.sort(key=lambda s: math.inf if s[1] is None else s[1])
    contained, refs = [], []
    for i, (site, miles) in enumerate(located):
        address = {k: str(site[s]) for k, s in (("city", "city"), ("state", "state"),
                                                 ("postalCode", "zip"),
                                                 ("country", "country")) if site.get(s)}
        loc = {"resourceType": "Location", "id": f"location-{i}",
               "name": str(site.get("facility") or "Study site")}
        if address:
            loc["address"] = {"use": "work", **address}
        if miles is not None:
            loc["extension"] = [{"url": EXT_DISTANCE, "valueQuantity": {
                "value": round(miles, 1), "unit": "mi", "system": "http://unitsofmeasure.org",
                "code": "[mi_i]"}}]
        contained.append(loc)
        refs.append({"reference": f"#location-{i}", "type": "Location"})
    nearest = located[0][1] if located else None
    return contained, refs, nearest


def research_study(result, sites) -> dict:
    """A ResearchStudy for one screened trial (``sites`` from _sites)."""
    trial = result.trial
    contained, refs, _ = sites
    study: dict = {
        "resourceType": "ResearchStudy",
        "id": trial.id,
        "extension": verdict_extensions(result),
        "identifier": [{"use": "official", "system": CTGOV, "value": trial.id}],
        "title": trial.title,
        "status": STATUS[trial.status],
        "condition": [{"coding": [{"system": "http://snomed.info/sct", "code": "91857003",
                                   "display": "Acute lymphoblastic leukemia"}],
                       "text": "Acute lymphoblastic leukemia"}],
        "description": _description(result),
        "relatedArtifact": [{"type": "documentation", "url": trial.url}],
    }
    phase = phase_of(trial)
    if phase:
        study["phase"] = {"coding": [{"system": PHASE_SYSTEM, "code": phase[0],
                                      "display": phase[1]}], "text": phase[1]}
    if trial.sponsor:
        contained = [{"resourceType": "Organization", "id": "sponsor",
                      "name": trial.sponsor}] + contained
        study["sponsor"] = {"reference": "#sponsor", "type": "Organization"}
    if contained:
        study["contained"] = contained
    if refs:
        study["site"] = refs
    return study


def _description(result) -> str:
    trial = result.trial
    lines = [verdict_words(result), ""]
    summary = trial.summary.get("en")
    if summary:
        lines += [summary, ""]
    for kind, title in (("inclusion", "Inclusion criteria"), ("exclusion", "Exclusion criteria")):
        rows = [r for r in result.criteria if r.kind == kind]
        if rows:
            lines.append(f"{title} (our outcome in brackets):")
            lines += [f"- [{r.outcome.replace('_', ' ')}] {r.text}" for r in rows]
            lines.append("")
    return "\n".join(lines).strip()


def match(body, trials: list[Trial], today: date) -> dict:
    """The searchset Bundle answering a /getClinicalTrial body; MatchError for a 400."""
    if not isinstance(body, dict) or body.get("resourceType") != "Bundle":
        raise MatchError(INVALID)
    params = parameters(body)
    patient = dict(body)
    patient["entry"] = [e for e in body.get("entry") or [] if not (
        isinstance(e, dict) and isinstance(e.get("resource"), dict)
        and e["resource"].get("resourceType") == "Parameters")]
    try:
        imported = read_bundle(patient, today)
    except BundleError as exc:
        raise MatchError(f"{INVALID}: {exc.message}", exc.errors) from None
    entries = []
    for trial in chosen_trials(trials, params):
        sites = _sites(trial, params["zip"], params["radius"])
        if sites is None:
            continue
        result = screen(imported.profile, trial)
        entries.append((score(result), sites[2], trial.id, {
            "resource": research_study(result, sites),
            "search": {"mode": "match", "score": score(result)}}))
    entries.sort(key=lambda e: (-e[0], math.inf if e[1] is None else e[1], e[2]))
    return {"resourceType": "Bundle", "type": "searchset", "total": len(entries),
            "entry": [e[3] for e in entries]}


__all__ = ["INVALID", "MatchError", "match", "score"]
