"""FHIR out: a profile (and, optionally, its screening results) as an R4 Bundle (issue 11).

``write_bundle(profile, today, results=())`` returns a ``collection`` Bundle: a Patient,
a Condition for the ALL, an Observation per finding, a MedicationStatement or Procedure
per prior therapy, and a ResearchSubject (status ``candidate``) per screened trial with
our verdict as extensions (screener/fhir/matching.py ``verdict_extensions``).

Everything is written in the codes the importer (reader.py, codes.py) reads back, so
``read_bundle(write_bundle(p, today), today).profile == fhir_part(p, today)``: the profile
restricted to what FHIR can hold (the round-trip tests check it). What is *not* written,
and why — the importer then reports each of these unknown, never invents them:

- Fields no FHIR element or confirmed code carries (reader.NOT_READ): early_t_precursor,
  relapse_count, months_from_diagnosis_to_relapse, mrd, genetics, cns_status,
  isolated_extramedullary_relapse, infections.uncontrolled_infection, organ_function,
  location. Also a prior therapy's ``outcome``.
- A lineage with no confirmed code (t_all, mixed_phenotype, other): the Condition says
  "ALL" (SNOMED 91857003) and the diagnosis stays unknown.
- disease_status other than relapsed (no code says newly diagnosed or refractory), and
  relapsed unless in_remission is false (every relapse code also says "not in remission").
  in_remission of a lymphoblastic lymphoma only when true (clinicalStatus remission).
- A "no" for GVHD, hepatitis B/C, HIV, Down syndrome or a seizure disorder: the only form
  the importer reads as "no" is a *resolved* Condition, which would claim a past disease.
- prior_therapies unless *every* item has a form the importer reads back (by name: the
  drugs of codes.DRUG_NAMES; transplants and cranial radiation as Procedures): the
  importer takes a bundle's therapy records as the complete list, so writing part of it
  would turn "also had X" into "never had X". An empty list ("none") cannot be written.
- age_at_diagnosis without age (the onset is only an age through the birth date), and
  wbc_at_diagnosis_per_ul without an exactly dated onset.

Dates. A profile holds ages and "months ago", not dates, so the writer derives dates from
``today``: the birth date is chosen so that the age on ``today`` is the profile's (a day
when months are known, else a month), marked with the extension ``EXT_DERIVED_DATE`` on
``Patient._birthDate`` because it is *not* the patient's real birth date; the ALL onset is
chosen likewise from age_at_diagnosis; a last dose is dated ``today`` minus its months.
A months-since-last-dose is kept to the tenth the importer rounds down to.
"""

from __future__ import annotations

import calendar
import copy
import uuid
from datetime import date, timedelta

from . import codes as C
from .dates import DAYS_PER_MONTH, DateRange, age_between, months_since, parse
from .matching import CTGOV, EXT_CRITERION, EXT_VERDICT, EXTENSION_BASE, verdict_extensions

EXT_DERIVED_DATE = EXTENSION_BASE + "derived-date"
CONDITION_CLINICAL = "http://terminology.hl7.org/CodeSystem/condition-clinical"
_NS = uuid.UUID("5f0c3a56-6d0a-4c59-9b3c-2f1f3f6d9a11")

#: Therapies written by name (a MedicationStatement whose text the importer reads).
#: (Generic names the importer knows, codes.DRUG_NAMES. Not anthracycline or CD19 CAR-T:
#: writing "daunorubicin" or "tisagenlecleucel" for them would name a drug nobody gave.)
DRUG_TEXT = {"blinatumomab": "blinatumomab", "inotuzumab_ozogamicin": "inotuzumab ozogamicin",
             "imatinib": "imatinib", "dasatinib": "dasatinib", "nilotinib": "nilotinib",
             "ponatinib": "ponatinib", "asciminib": "asciminib", "venetoclax": "venetoclax",
             "bortezomib": "bortezomib", "daratumumab": "daratumumab",
             "rituximab": "rituximab", "nelarabine": "nelarabine",
             "clofarabine": "clofarabine", "asparaginase": "asparaginase"}
#: Therapies written as a Procedure, by text the importer reads.
PROCEDURE_TEXT = {"allogeneic_hsct": "allogeneic hematopoietic stem cell transplant",
                  "autologous_hsct": "autologous hematopoietic stem cell transplant",
                  "cranial_radiation": "cranial radiation therapy"}
#: The fields FHIR can hold (the rest are never written; see the module docstring).
FHIR_FIELDS = ("profile_version", "age", "age_at_diagnosis", "sex", "diagnosis",
               "disease_status", "in_remission", "marrow_blasts_percent",
               "wbc_at_diagnosis_per_ul", "philadelphia_chromosome", "cd19", "cd22",
               "prior_therapies", "active_gvhd", "performance_status", "down_syndrome",
               "seizure_disorder", "pregnant_or_breastfeeding", "infections.hiv",
               "infections.hepatitis_b", "infections.hepatitis_c")
#: Fields whose "yes" only is written.
ONLY_YES = ("active_gvhd", "down_syndrome", "seizure_disorder", "infections.hiv",
            "infections.hepatitis_b", "infections.hepatitis_c")


# -- dates --------------------------------------------------------------------------------

def _shift(d: date, months: int) -> date:
    y, m = divmod(d.year * 12 + d.month - 1 + months, 12)
    return date(y, m + 1, min(d.day, calendar.monthrange(y, m + 1)[1]))


def _find(target: dict, start: date, later: DateRange | None, born: DateRange | None,
          limit: date) -> str | None:
    """A FHIR date near ``start`` (a day, else a month, else a year) giving ``target`` as an
    age: born ``born`` on that date, or (``later`` given) born on that date, on ``later``."""
    def fits(text):
        when = parse(text)
        if when is None or when.last > limit:
            return False
        age = age_between(when, later)[0] if later else age_between(born, when)[0]
        return age == target

    span = 40 if "months" in target else 400
    for delta in range(-span, span + 1):
        text = (start + timedelta(days=delta)).isoformat()
        if fits(text):
            return text
    for k in range(-13, 14):
        text = _shift(start, k).isoformat()[:7]
        if fits(text):
            return text
    for k in (-1, 0, 1):
        text = str(start.year + k)
        if fits(text):
            return text
    return None


def birth_date(age: dict, today: date) -> str | None:
    """A birth date giving ``age`` on ``today`` (see the module docstring)."""
    months = age["years"] * 12 + age.get("months", 6)
    return _find(age, _shift(today, -months), DateRange((today, today)), None, today)


def onset_date(born: str, at_diagnosis: dict, today: date) -> str | None:
    """An ALL onset giving ``at_diagnosis`` for someone born ``born``, not after today."""
    first = parse(born)
    months = at_diagnosis["years"] * 12 + at_diagnosis.get("months", 6)
    return _find(at_diagnosis, _shift(first.last, months), None, first, today)


def dose_date(months: float, today: date) -> date:
    """The last-dose day ``months`` ago, chosen so the importer reads the same tenth back."""
    base = round(months * DAYS_PER_MONTH)
    for days in sorted(range(max(base - 3, 0), base + 4), key=lambda d: abs(d - base)):
        when = today - timedelta(days=days)
        if months_since(DateRange((when, when)), today) == months:
            return when
    return today - timedelta(days=base)


# -- what can be written --------------------------------------------------------------------

def _get(profile: dict, name: str):
    head, _, tail = name.partition(".")
    value = profile.get(head)
    return value.get(tail) if tail and isinstance(value, dict) else value


def _therapy_writable(item: dict) -> bool:
    return item["therapy"] in DRUG_TEXT or item["therapy"] in PROCEDURE_TEXT


def fhir_part(profile: dict, today: date) -> dict:
    """``profile`` restricted to what a Bundle can hold and the importer reads back (the
    round trip's expected result; the rules are in the module docstring)."""
    out: dict = {"profile_version": profile.get("profile_version", 1)}
    for name in FHIR_FIELDS[1:]:
        value = _get(profile, name)
        if value is None or (name in ONLY_YES and value is not True):
            continue
        head, _, tail = name.partition(".")
        if tail:
            out.setdefault(head, {})[tail] = value
        else:
            out[name] = copy.deepcopy(value)
    if "age" not in out or birth_date(out["age"], today) is None:
        out.pop("age", None)
        out.pop("age_at_diagnosis", None)
    onset = None
    if "age_at_diagnosis" in out:
        onset = onset_date(birth_date(out["age"], today), out["age_at_diagnosis"], today)
        if onset is None:
            out.pop("age_at_diagnosis")
    if onset is None or not parse(onset).exact:
        out.pop("wbc_at_diagnosis_per_ul", None)
    if out.get("diagnosis") not in ("b_all", "lymphoblastic_lymphoma"):
        out.pop("diagnosis", None)
    if out.get("disease_status") != "relapsed" or out.get("in_remission") is not False:
        out.pop("disease_status", None)
    if out.get("diagnosis") == "lymphoblastic_lymphoma" and out.get("in_remission") is False \
            and "disease_status" not in out:
        out.pop("in_remission")
    therapies = out.pop("prior_therapies", None)
    if therapies and all(_therapy_writable(t) for t in therapies):
        merged: dict[str, dict] = {}
        for t in therapies:
            merged.setdefault(t["therapy"], {"therapy": t["therapy"], "_m": []})
            merged[t["therapy"]]["_m"].append(t.get("months_since_last_dose"))
        out["prior_therapies"] = []
        for item in merged.values():
            months = item.pop("_m")
            if all(m is not None for m in months):
                when = dose_date(min(months), today)
                item["months_since_last_dose"] = months_since(DateRange((when, when)), today)
            out["prior_therapies"].append(item)
    return out


# -- the bundle --------------------------------------------------------------------------------

def _concept(system: str, code: str, display: str) -> dict:
    return {"coding": [{"system": system, "code": code, "display": display}], "text": display}


class _Bundle:
    def __init__(self, seed: str):
        self.entries: list[dict] = []
        self.seed = seed

    def add(self, resource: dict) -> dict:
        n = len(self.entries)
        resource["id"] = resource.get("id") or f"{resource['resourceType'].lower()}-{n}"
        url = "urn:uuid:" + str(uuid.uuid5(_NS, f"{self.seed}/{resource['id']}"))
        self.entries.append({"fullUrl": url, "resource": resource})
        return resource


def write_bundle(profile: dict, today: date, results=(), *, bundle_id: str = "profile") -> dict:
    """The R4 collection Bundle for ``profile`` (validated) and any screening results
    (ScreeningResults, or the contract's result dicts as a referral stores them)."""
    keep = fhir_part(profile, today)
    b = _Bundle(bundle_id)
    subject = {"reference": "Patient/patient"}
    day = today.isoformat()
    patient: dict = {"resourceType": "Patient", "id": "patient"}
    if "sex" in keep:
        patient["gender"] = keep["sex"]
    born = birth_date(keep["age"], today) if "age" in keep else None
    if born:
        patient["birthDate"] = born
        patient["_birthDate"] = {"extension": [{"url": EXT_DERIVED_DATE, "valueString":
                                 f"derived from an age of {_age_words(keep['age'])} on {day}; "
                                 "not the patient's recorded birth date"}]}
    b.add(patient)

    onset = (onset_date(born, keep["age_at_diagnosis"], today)
             if born and "age_at_diagnosis" in keep else None)
    b.add(_all_condition(keep, subject, onset, day))

    def observation(code: dict, **value) -> None:
        b.add({"resourceType": "Observation", "status": "final", "code": code,
               "subject": subject, "effectiveDateTime": value.pop("when", day), **value})

    ps = keep.get("performance_status")
    if ps:
        code = {"ecog": _concept(C.LOINC, "89247-1", "ECOG performance status"),
                "karnofsky": _concept(C.LOINC, "89243-0", "Karnofsky performance status"),
                "lansky": _concept(C.NCIT, "C38144", "Lansky performance status")}[ps["scale"]]
        observation(code, valueInteger=ps["score"])
    if "marrow_blasts_percent" in keep:
        observation(_concept(C.LOINC, "11150-0", "Blasts/100 cells in Bone marrow"),
                    valueQuantity={"value": keep["marrow_blasts_percent"], "unit": "%",
                                   "system": C.UCUM, "code": "%"})
    if "wbc_at_diagnosis_per_ul" in keep:
        observation(_concept(C.LOINC, "26464-8", "Leukocytes [#/volume] in Blood"),
                    when=onset, valueQuantity={"value": keep["wbc_at_diagnosis_per_ul"],
                                               "unit": "/uL", "system": C.UCUM, "code": "/uL"})
    if "philadelphia_chromosome" in keep:
        present = keep["philadelphia_chromosome"] == "positive"
        observation(_concept(C.LOINC, "69548-6", "Genetic variant assessment"),
                    valueCodeableConcept=_concept(C.LOINC, *(
                        ("LA9633-4", "Present") if present else ("LA9634-2", "Absent"))),
                    component=[{"code": _concept(C.LOINC, "48018-6", "Gene studied [ID]"),
                                "valueCodeableConcept": _concept(C.HGNC, gene, name)}
                               for gene, name in (("HGNC:1014", "BCR"), ("HGNC:76", "ABL1"))])
    markers = [f"{keep[m]} for {m.upper()}" for m in ("cd19", "cd22") if m in keep]
    if markers:
        observation(_concept(C.LOINC, "101119-6", "Leukemia and lymphoma immunophenotyping"),
                    valueString=". ".join(markers))
    if "pregnant_or_breastfeeding" in keep:
        observation(_concept(C.LOINC, "82810-3", "Pregnancy status"),
                    valueCodeableConcept=_concept(C.SCT, *(
                        ("77386006", "Pregnant") if keep["pregnant_or_breastfeeding"]
                        else ("60001007", "Not pregnant"))))
    for name, (system, code, display) in {
            "active_gvhd": (C.SCT, "234646005", "Graft-versus-host disease"),
            "down_syndrome": (C.ICD10CM, "Q90.9", "Down syndrome, unspecified"),
            "seizure_disorder": (C.SCT, "84757009", "Epilepsy"),
            "infections.hiv": (C.SCT, "86406008", "Human immunodeficiency virus infection"),
            "infections.hepatitis_b": (C.SCT, "66071002", "Viral hepatitis type B"),
            "infections.hepatitis_c": (C.SCT, "50711007", "Viral hepatitis type C")}.items():
        if _get(keep, name) is True:
            b.add({"resourceType": "Condition", "subject": subject,
                   "clinicalStatus": _concept(CONDITION_CLINICAL, "active", "Active"),
                   "code": _concept(system, code, display)})
    for item in keep.get("prior_therapies", []):
        months = item.get("months_since_last_dose")
        when = dose_date(months, today).isoformat() if months is not None else None
        if item["therapy"] in PROCEDURE_TEXT:
            proc = {"resourceType": "Procedure", "status": "completed", "subject": subject,
                    "code": {"text": PROCEDURE_TEXT[item["therapy"]]}}
            if when:
                proc["performedDateTime"] = when
            b.add(proc)
        else:
            stmt = {"resourceType": "MedicationStatement", "status": "completed",
                    "subject": subject,
                    "medicationCodeableConcept": {"text": DRUG_TEXT[item["therapy"]]}}
            if when:
                stmt["effectiveDateTime"] = when
            b.add(stmt)
    for result in results:
        trial = result["trial"] if isinstance(result, dict) else result.to_dict()["trial"]
        b.add({"resourceType": "ResearchSubject", "status": "candidate",
               "extension": (_stored_extensions(result) if isinstance(result, dict)
                             else verdict_extensions(result)),
               "study": {"identifier": {"system": CTGOV, "value": trial["id"]},
                         "display": trial["title"]},
               "individual": subject})
    return {"resourceType": "Bundle", "type": "collection", "timestamp": f"{day}T00:00:00Z",
            "entry": b.entries}


def _stored_extensions(result: dict) -> list[dict]:
    """The verdict extensions of a stored contract result (a referral's screening): no
    score, since a stored non-candidate keeps only the criteria that block it."""
    verdict = [{"url": "verdict", "valueCode": result["verdict"]}]
    if isinstance(result["trial"].get("fully_checked"), bool):
        verdict.append({"url": "fullyChecked", "valueBoolean": result["trial"]["fully_checked"]})
    out = [{"url": EXT_VERDICT, "extension": verdict}]
    for c in result.get("criteria") or []:
        parts = [("id", "valueString", c.get("id")), ("kind", "valueCode", c.get("kind")),
                 ("outcome", "valueCode", c.get("outcome")),
                 ("text", "valueString", c.get("text")),
                 ("because", "valueString", c.get("because"))]
        out.append({"url": EXT_CRITERION, "extension": [
            {"url": n, k: v} for n, k, v in parts if isinstance(v, str) and v.strip()]})
    return out


def _age_words(age: dict) -> str:
    return f"{age['years']} years" + (f" {age['months']} months" if "months" in age else "")


def _all_condition(keep: dict, subject: dict, onset: str | None, day: str) -> dict:
    diagnosis = keep.get("diagnosis")
    remission = keep.get("in_remission")
    codings = []
    if diagnosis == "b_all":
        codings.append((C.SCT, "277571004", "B-cell acute lymphoblastic leukemia"))
    elif diagnosis == "lymphoblastic_lymphoma":
        codings.append((C.ICD10CM, "C83.50", "Lymphoblastic (diffuse) lymphoma, unspecified "
                        "site"))
    else:
        codings.append((C.SCT, "91857003", "Acute lymphoblastic leukemia"))
    status = ("relapse", "Relapse") if keep.get("disease_status") == "relapsed" else (
        ("remission", "Remission") if remission is True else ("active", "Active"))
    if diagnosis != "lymphoblastic_lymphoma" and remission is not None:
        codings.append((C.ICD10CM, *(
            ("C91.02", "Acute lymphoblastic leukemia, in relapse")
            if keep.get("disease_status") == "relapsed" else
            ("C91.01", "Acute lymphoblastic leukemia, in remission") if remission else
            ("C91.00", "Acute lymphoblastic leukemia not having achieved remission"))))
    condition = {"resourceType": "Condition", "subject": subject,
                 "clinicalStatus": _concept(CONDITION_CLINICAL, *status),
                 "code": {"coding": [{"system": s, "code": c, "display": d}
                                     for s, c, d in codings], "text": codings[0][2]}}
    if onset:
        condition["onsetDateTime"] = onset
    return condition


__all__ = ["EXT_DERIVED_DATE", "FHIR_FIELDS", "fhir_part", "write_bundle"]
