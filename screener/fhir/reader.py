"""Read a FHIR R4 Bundle into a contract patient profile, saying what came from where.

``read_bundle(data, today)`` returns an ``Import``: the profile (validated like every
other profile), ``read`` (each field set, its value, the resource it came from and how),
``unknown`` (each field left unknown and why) and ``ignored`` (each resource not used and
why). It raises ``BundleError`` (answered 422 by the API) when there is nothing to read:
not a Bundle, a Bundle that breaks FHIR's rules, no Patient or several, an invalid
Patient, or a deceased one.

Policy, the same for every field: never guess. A code the importer does not know
(screener/fhir/codes.py) leaves its field unknown and the resource is listed. Readings of
one field that disagree are settled only by date: the latest reading wins when it is the
only one on the latest day and every reading is dated; otherwise the field is
"contradictory" and unknown. A resource of a type the importer reads is first validated
with fhir.resources' R4B models (FHIR 4.3, which reads R4 4.0.1 content for these
resources); one that fails is not used and is listed with the model's complaint, since a
value read from a broken resource would be a guess. Other types are listed, not checked.

Privacy: nothing here logs; the Import holds only what the caller sent.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

from ..eligibility.performance import score_range, valid_score
from ..profile import validate_profile
from . import codes as C
from .dates import DateRange, age_between, months_since, parse

#: The resource types read; every other type is listed under ``ignored``, unvalidated.
READ_TYPES = ("Patient", "Condition", "Observation", "MedicationStatement",
              "MedicationAdministration", "MedicationRequest", "Medication", "Procedure")
#: Statuses under which a record says the patient received the drug or had the procedure.
#: A MedicationRequest is an order; an active or completed one counts as given (Synthea
#: and many EHRs record chemotherapy only as orders), but never dates a last dose.
TAKEN = {
    "MedicationStatement": {"active", "completed", "stopped", "on-hold"},
    "MedicationAdministration": {"completed", "in-progress", "stopped"},
    "MedicationRequest": {"active", "completed"},
    "Procedure": {"completed", "in-progress"},
}
OBSERVATION_STATUSES = {"final", "amended", "corrected"}
#: A pregnancy lasts at most about 43 weeks: an older "pregnant" record is stale.
PREGNANCY_DAYS = 43 * 7
#: A "not pregnant" result holds for a short while only.
NOT_PREGNANT_DAYS = 30
#: The count "at diagnosis" is one taken on the day ALL was diagnosed or in the week
#: before (the presenting blood count precedes the marrow); never after, since treatment
#: (steroids from day 1) lowers it at once.
WBC_DAYS_BEFORE_DIAGNOSIS = 7

ACTIVE = {"active", "recurrence", "relapse"}
INACTIVE = {"inactive", "resolved", "remission"}
NOT_CONFIRMED = {"unconfirmed", "provisional", "differential", "refuted", "entered-in-error"}
ISCN_PH = re.compile(r"t\(9;22\)\(q34(?:\.\d+)*;q11(?:\.\d+)*\)", re.IGNORECASE)

#: Fields no FHIR element or confirmed code carries: why each stays unknown.
NOT_READ = {
    "early_t_precursor": "no code for ETP-ALL could be confirmed (codes.py)",
    "relapse_count": "FHIR records a relapse as a status, not a count",
    "months_from_diagnosis_to_relapse": "no standard element dates a relapse",
    "mrd": "no LOINC code for MRD could be confirmed (codes.py)",
    "genetics": "only the Philadelphia chromosome is read; no other genetics is mapped",
    "cns_status": "no code for CNS status could be confirmed (codes.py)",
    "isolated_extramedullary_relapse": "no code for it could be confirmed",
    "infections.uncontrolled_infection": "'uncontrolled' is a clinical judgement no code "
                                         "carries",
    "organ_function": "screening-visit values are not read from FHIR; the trial confirms "
                      "them at its screening visit",
    "location": "not read from FHIR (the patient's address is not where they would "
                "travel from)",
}
#: Every field the report accounts for, in the contract's order.
FIELDS = ("age", "age_at_diagnosis", "sex", "diagnosis", "early_t_precursor",
          "disease_status", "relapse_count", "months_from_diagnosis_to_relapse",
          "in_remission", "marrow_blasts_percent", "wbc_at_diagnosis_per_ul", "mrd",
          "philadelphia_chromosome", "genetics", "cd19", "cd22", "cns_status",
          "isolated_extramedullary_relapse", "prior_therapies", "active_gvhd",
          "performance_status", "down_syndrome", "seizure_disorder",
          "pregnant_or_breastfeeding", "infections.hiv", "infections.hepatitis_b",
          "infections.hepatitis_c", "infections.uncontrolled_infection", "organ_function",
          "location")


class BundleError(ValueError):
    """A body the importer cannot read at all; ``errors`` lists 'where: problem' strings."""

    def __init__(self, message: str, errors: list[str]):
        self.message, self.errors = message, errors
        super().__init__(message)


@dataclass
class Import:
    """The result of reading a Bundle (see the module docstring)."""

    profile: dict
    read: list[dict] = field(default_factory=list)
    unknown: list[dict] = field(default_factory=list)
    ignored: list[dict] = field(default_factory=list)

    def report(self) -> dict:
        """The API's "imported" section."""
        return {"read": self.read, "unknown": self.unknown, "ignored": self.ignored}


@dataclass
class _Reading:
    field: str
    value: object
    resource: str
    how: str
    when: DateRange | None = None


@dataclass
class _Therapy:
    therapy: str | None  # None: a transplant whose type is not stated
    resource: str
    how: str
    last: DateRange | None  # the last dose (or the transplant day); None: not known


def _codings(concept) -> list[tuple[str, str, str]]:
    """(system, code, display) of a CodeableConcept dict."""
    if not isinstance(concept, dict):
        return []
    return [(c.get("system") or "", str(c.get("code") or ""), c.get("display") or "")
            for c in concept.get("coding") or [] if isinstance(c, dict)]


def _names(concept) -> str:
    """All the words of a concept: its text and its codings' displays."""
    if not isinstance(concept, dict):
        return ""
    return " ".join([concept.get("text") or ""] + [d for _, _, d in _codings(concept)])


def _show(concept) -> str:
    """A concept for a message: its first coding as 'system code "display"'."""
    cs = _codings(concept)
    if not cs:
        text = (concept or {}).get("text") if isinstance(concept, dict) else None
        return f'text "{text}"' if text else "no code"
    system, code, display = cs[0]
    short = system.rstrip("/#").rsplit("/", 1)[-1] or "no system"
    return f'{short} {code}' + (f' "{display}"' if display else "")


def _lookup(table: dict, concept) -> tuple[tuple[str, str], dict] | None:
    """The first coding of ``concept`` found in ``table`` (ICD codes with or without the
    dot; entries marked ``prefix`` also match longer codes)."""
    found = _lookup_each(table, concept)
    return found[0] if found else None


def _lookup_each(table: dict, concept) -> list[tuple[tuple[str, str], dict]]:
    """Every coding of ``concept`` found in ``table`` (see _lookup)."""
    out = []
    for coding in (concept or {}).get("coding") or [] if isinstance(concept, dict) else []:
        found = _lookup_one(table, {"coding": [coding]})
        if found:
            out.append(found)
    return out


def _lookup_one(table: dict, concept) -> tuple[tuple[str, str], dict] | None:
    for system, code, _ in _codings(concept):
        keys = [code]
        if system in (C.ICD10CM, C.ICD10) and "." not in code and len(code) > 3:
            keys.append(code[:3] + "." + code[3:])
        for key in keys:
            if (system, key) in table:
                return (system, key), table[(system, key)]
            if system in (C.ICD10CM, C.ICD10):
                for n in range(len(key) - 1, 3, -1):
                    entry = table.get((system, key[:n]))
                    if entry and entry.get("prefix"):
                        return (system, key[:n]), entry
    return None


def _status(concept) -> str | None:
    codes_ = [code for _, code, _ in _codings(concept)]
    return codes_[0] if codes_ else None


def _validation_errors(exc, prefix: str) -> list[str]:
    out = []
    for err in exc.errors()[:5]:
        loc = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in err.get("loc", ()))
        out.append(f"{prefix}{loc}: {err.get('msg', 'invalid')}")
    return out or [f"{prefix}: invalid"]


class _Reader:
    def __init__(self, today: date):
        from fhir.resources.R4B import get_fhir_model_class  # heavy: only when FHIR comes in

        self.model = get_fhir_model_class
        self.today = today
        self.readings: list[_Reading] = []
        self.problems: dict[str, list[str]] = {}  # field -> why it is unknown
        self.therapies: list[_Therapy] = []
        self.therapy_records = 0
        self.ignored: list[dict] = []
        self.resources: dict[str, dict] = {}  # key -> resource
        self.by_ref: dict[str, str] = {}  # fullUrl / Type/id -> key
        self.used_medications: set[str] = set()
        self.all_onsets: list[tuple[DateRange, str]] = []
        self.wbc: list[tuple[float, DateRange | None, str]] = []

    # -- the bundle ----------------------------------------------------------------------

    def load(self, data) -> None:
        if not isinstance(data, dict):
            raise BundleError("the body must be a FHIR Bundle",
                              ["(body): must be a JSON object with resourceType Bundle"])
        kind = data.get("resourceType")
        if kind != "Bundle":
            what = f"a FHIR {kind}" if isinstance(kind, str) else "not a FHIR resource"
            raise BundleError("the body must be a FHIR Bundle",
                              [f"resourceType: the body is {what}, not a Bundle"])
        entries = data.get("entry", [])
        if not isinstance(entries, list):
            raise BundleError("the Bundle breaks FHIR R4", ["entry: must be a list"])
        shell = dict(data)
        shell["entry"] = [{k: v for k, v in e.items() if k != "resource"}
                          if isinstance(e, dict) else e for e in entries]
        try:
            self.model("Bundle").model_validate(shell)
        except ValueError as exc:
            if "id" in shell and {tuple(e.get("loc", ())) for e in exc.errors()} == {("id",)}:
                # Quirk (CodeX trial-matching fixtures: "..._1"): the Bundle's own id is
                # never read, so a malformed one is noted rather than refused.
                self._ignore("Bundle.id", f"{shell.pop('id')!r} is not a valid FHIR id; "
                             "the Bundle's id is not read")
                self.model("Bundle").model_validate(shell)
            else:
                raise BundleError("the Bundle breaks FHIR R4",
                                  _validation_errors(exc, "Bundle")) from None
        raw: dict[str, tuple[int, dict]] = {}
        clashes: set[str] = set()
        for i, entry in enumerate(entries):
            resource = entry.get("resource")
            url = entry.get("fullUrl")
            if resource is None:
                request = entry.get("request") or {}
                what = " ".join(x for x in (request.get("method"), request.get("url")) if x)
                self._ignore(f"entry[{i}]", "the entry has no resource" +
                             (f" (fullUrl {url})" if url else "") +
                             (f" (request {what})" if what else ""))
                continue
            if not isinstance(resource, dict) or not isinstance(
                    resource.get("resourceType"), str):
                raise BundleError("the Bundle breaks FHIR R4",
                                  [f"entry[{i}].resource: must be a resource with a "
                                   "resourceType"])
            kind = resource["resourceType"]
            rid = resource.get("id")
            key = f"{kind}/{rid}" if isinstance(rid, str) and rid else f"entry[{i}]"
            if key in raw:
                first, earlier = raw[key]
                if earlier == resource:
                    self._ignore(key, f"entry[{i}] repeats entry[{first}] (same resource)")
                else:
                    clashes.add(key)
                    self._ignore(key, f"entry[{i}] and entry[{first}] are different resources "
                                 "with the same type and id; neither is used")
                continue
            raw[key] = (i, resource)
            for ref in (url, key):
                if isinstance(ref, str) and ref:
                    self.by_ref.setdefault(ref, key)
        for key, (i, resource) in raw.items():
            if key in clashes:
                continue
            kind = resource["resourceType"]
            if kind not in READ_TYPES:
                self._ignore(key, f"{kind} resources are not read")
                continue
            try:
                self.model(kind).model_validate(resource)
            except ValueError as exc:
                if kind == "Patient":
                    raise BundleError("the Patient resource breaks FHIR R4",
                                      _validation_errors(exc, f"entry[{i}].resource")) from None
                problem = _validation_errors(exc, kind)[0]
                self._ignore(key, f"not valid FHIR R4, so not used: {problem}")
                continue
            self.resources[key] = resource

    def _ignore(self, resource: str, reason: str) -> None:
        self.ignored.append({"resource": resource, "reason": reason})

    def resolve(self, reference) -> str | None:
        """The key of the resource a Reference points at, if it is in the bundle."""
        if not isinstance(reference, dict) or not isinstance(reference.get("reference"), str):
            return None
        ref = reference["reference"]
        if ref in self.by_ref:
            return self.by_ref[ref]
        tail = "/".join(ref.split("/")[-2:])  # http://x/fhir/Patient/1 -> Patient/1
        return self.by_ref.get(tail)

    # -- the patient -----------------------------------------------------------------------

    def patient(self) -> tuple[str, dict]:
        patients = [(k, r) for k, r in self.resources.items() if r["resourceType"] == "Patient"]
        if not patients:
            raise BundleError("the Bundle has no Patient",
                              ["Bundle.entry: no Patient resource; the importer screens "
                               "one patient's record"])
        if len(patients) > 1:
            names = ", ".join(k for k, _ in patients[:5])
            raise BundleError("the Bundle holds more than one Patient",
                              [f"Bundle.entry: {len(patients)} Patients ({names}); send one "
                               "patient's record"])
        key, patient = patients[0]
        if patient.get("deceasedBoolean") is True or "deceasedDateTime" in patient:
            raise BundleError("the Patient is recorded as deceased",
                              [f"{key}.deceased: the patient is recorded as deceased; "
                               "there is no one to screen"])
        self.patient_key = key
        self.born = parse(patient.get("birthDate"))
        gender = patient.get("gender")
        if gender in ("female", "male"):
            self.readings.append(_Reading("sex", gender, key, "Patient.gender"))
        elif gender:
            self.problems.setdefault("sex", []).append(
                f"Patient.gender is '{gender}', which the profile's sex (female/male) "
                "cannot hold")
        if "birthDate" in patient and self.born is None:
            self.problems.setdefault("age", []).append(f"{key}.birthDate is not a date")
        elif self.born:
            age, why = age_between(self.born, DateRange((self.today, self.today)))
            if age and age["years"] <= 120:
                how = f"Patient.birthDate {patient['birthDate']}, on {self.today.isoformat()}"
                self.readings.append(_Reading("age", age, key, how))
            else:
                self.problems.setdefault("age", []).append(
                    f"Patient.birthDate {patient['birthDate']}: "
                    f"{why or 'more than 120 years ago'}")
        return key, patient

    def about_patient(self, key: str, resource: dict) -> bool:
        subject = resource.get("subject") or resource.get("patient")
        if subject is None:
            return True  # the bundle is one patient's record
        target = self.resolve(subject)
        if target == self.patient_key:
            return True
        self._ignore(key, f"about {subject.get('reference') or 'someone else'}, not "
                     f"{self.patient_key}")
        return False

    # -- conditions ------------------------------------------------------------------------

    def condition(self, key: str, r: dict) -> None:
        verification = _status(r.get("verificationStatus"))
        if verification in NOT_CONFIRMED:
            self._ignore(key, f"verificationStatus is {verification}")
            return
        clinical = _status(r.get("clinicalStatus"))
        recorded = parse(r.get("recordedDate"))
        found = _lookup_each(C.ALL_CONDITIONS, r.get("code"))
        if found:
            # Every coding counts: "B-ALL" (SNOMED) beside "ALL in relapse" (ICD-10-CM) says
            # both; codings that disagree become contradictory readings.
            for (_system, code), entry in found:
                how = f"Condition.code {code} ({entry['name']})"
                self.readings.append(_Reading("_all", True, key, how))
                for name, value in entry["facts"].items():
                    self.readings.append(_Reading(name, value, key, how, recorded))
            for name, value in C.ALL_CLINICAL_STATUS.get(clinical, {}).items():
                self.readings.append(_Reading(name, value, key,
                                              f"Condition.clinicalStatus {clinical}", recorded))
            onset = parse(r.get("onsetDateTime")) or parse(
                (r.get("onsetPeriod") or {}).get("start"))
            if onset:
                self.all_onsets.append((onset, key))
            return
        found = _lookup(C.OTHER_CONDITIONS, r.get("code"))
        if not found:
            self._ignore(key, f"condition {_show(r.get('code'))} is not one the profile asks "
                         "about")
            return
        (system, code), entry = found
        target = entry["field"]
        if clinical in ACTIVE or (clinical is None and entry["active"] is entry["inactive"]):
            value = entry["active"]
        elif clinical in INACTIVE:
            value = entry["inactive"]
        else:
            value = None
        if value is None:
            self.problems.setdefault(target, []).append(
                f"{key} ({entry['name']}) has clinicalStatus {clinical or 'missing'}, "
                "which does not say")
            return
        onset = parse(r.get("onsetDateTime")) or parse(
            (r.get("onsetPeriod") or {}).get("start"))
        when = (parse(r.get("abatementDateTime")) if clinical in INACTIVE else None) \
            or recorded or onset
        if target == "pregnant_or_breastfeeding":
            since = onset or recorded
            if since is None or (self.today - since.first).days > PREGNANCY_DAYS:
                self.problems.setdefault(target, []).append(
                    f"{key} (pregnancy) began "
                    f"{'at an unknown date' if since is None else since.first.isoformat()}, "
                    "too long ago to be current")
                return
        how = f"Condition.code {code} ({entry['name']}), clinicalStatus {clinical or '-'}"
        self.readings.append(_Reading(target, value, key, how, when))

    # -- observations ------------------------------------------------------------------------

    def observation(self, key: str, r: dict) -> None:
        found = _lookup(C.OBSERVATIONS, r.get("code"))
        if not found:
            self._ignore(key, f"observation {_show(r.get('code'))} is not one the importer "
                         "reads")
            return
        (system, code), entry = found
        status = r.get("status")
        if status not in OBSERVATION_STATUSES:
            self._ignore(key, f"{entry['name']} with status {status}, not a final result")
            return
        when = parse(r.get("effectiveDateTime")) or parse(
            (r.get("effectivePeriod") or {}).get("start")) or parse(r.get("issued"))
        getattr(self, "_obs_" + entry["kind"])(key, r, entry, when)

    def _problem(self, target: str, key: str, message: str) -> None:
        self.problems.setdefault(target, []).append(f"{key}: {message}")

    def _obs_performance(self, key, r, entry, when):
        value = r.get("valueInteger")
        scale = entry["scale"]
        if not isinstance(value, int) or isinstance(value, bool):
            self._problem("performance_status", key,
                          f"{entry['name']} without an integer value")
            return
        problem = valid_score(scale, value)
        if problem:
            self._problem("performance_status", key, f"invalid value: {problem}")
            return
        self.readings.append(_Reading("performance_status", {"scale": scale, "score": value},
                                      key, f"{entry['name']} (valueInteger)", when))

    def _quantity(self, r) -> tuple[float, str] | None:
        q = r.get("valueQuantity")
        if not isinstance(q, dict) or not isinstance(q.get("value"), int | float) \
                or q.get("comparator"):
            return None
        unit = q.get("code") if q.get("system") == C.UCUM and q.get("code") else q.get("unit")
        return float(q["value"]), unit or ""

    def _obs_marrow_blasts(self, key, r, entry, when):
        q = self._quantity(r)
        if q is None or q[1] != "%" or not 0 <= q[0] <= 100:
            self._problem("marrow_blasts_percent", key,
                          "marrow blasts without a plain percentage value")
            return
        self.readings.append(_Reading("marrow_blasts_percent", q[0], key,
                                      f"{entry['name']} (valueQuantity %)", when))

    def _obs_wbc(self, key, r, entry, when):
        q = self._quantity(r)
        factor = None
        if q:
            factor = C.WBC_UNITS.get(q[1]) or {u.lower(): f for u, f in
                                               C.WBC_UNITS.items()}.get(q[1].lower())
        if q is None or factor is None or q[0] < 0:
            self._ignore(key, "a leukocyte count whose unit is not one the importer "
                         f"converts ({q[1] if q else 'no quantity'})")
            return
        self.wbc.append((q[0] * factor, when, key))

    def _obs_pregnancy(self, key, r, entry, when):
        found = _lookup({k: {"v": v} for k, v in C.PREGNANCY_VALUES.items()},
                        r.get("valueCodeableConcept"))
        if not found:
            self._problem("pregnant_or_breastfeeding", key,
                          f"pregnancy status {_show(r.get('valueCodeableConcept'))} "
                          "does not say")
            return
        value = found[1]["v"]
        limit = PREGNANCY_DAYS if value else NOT_PREGNANT_DAYS
        if when is None or (self.today - when.first).days > limit:
            self._problem("pregnant_or_breastfeeding", key,
                          f"pregnancy status {'pregnant' if value else 'not pregnant'} dated "
                          f"{when.first.isoformat() if when else 'nowhere'}, too old to be "
                          "current")
            return
        self.readings.append(_Reading("pregnant_or_breastfeeding", value, key,
                                      f"pregnancy status {found[0][1]}", when))

    def _ph_reading(self, key, text: str, how: str, when) -> bool:
        if ISCN_PH.search(text or ""):
            self.readings.append(_Reading("philadelphia_chromosome", "positive", key,
                                          f"{how}: t(9;22)(q34;q11) in the ISCN string",
                                          when))
            return True
        return False

    def _obs_variant(self, key, r, entry, when):
        genes, iscn = set(), []
        for comp in r.get("component") or []:
            code = _lookup({C.LOINC_ISCN: {}, C.LOINC_GENE_STUDIED: {}}, comp.get("code"))
            value = comp.get("valueCodeableConcept")
            if code and code[0] == C.LOINC_ISCN:
                iscn += [c for _, c, _ in _codings(value)] + [(value or {}).get("text") or ""]
                iscn.append(comp.get("valueString") or "")
            elif code and code[0] == C.LOINC_GENE_STUDIED:
                genes |= {c for _, c, _ in _codings(value)}
        if any(self._ph_reading(key, s, "Variant ISCN (LOINC 81291-7)", when) for s in iscn):
            return
        if C.GENES_BCR_ABL1 <= genes:
            codes_ = {(s, c) for s, c, _ in _codings(r.get("valueCodeableConcept"))}
            if C.VARIANT_PRESENT in codes_ and C.VARIANT_ABSENT not in codes_:
                result = "positive"
            elif C.VARIANT_ABSENT in codes_ and C.VARIANT_PRESENT not in codes_:
                result = "negative"
            else:
                self._problem("philadelphia_chromosome", key,
                              "BCR::ABL1 variant without a present/absent value")
                return
            self.readings.append(_Reading("philadelphia_chromosome", result, key,
                                          "genetic variant, genes studied BCR and ABL1, "
                                          f"value {result}", when))
            return
        self._ignore(key, "a genetic variant not about BCR::ABL1 or t(9;22)")

    def _obs_karyotype(self, key, r, entry, when):
        value = r.get("valueCodeableConcept")
        texts = [c for _, c, _ in _codings(value)] + [(value or {}).get("text") or "",
                                                      r.get("valueString") or ""]
        if not any(self._ph_reading(key, t, "karyotype (LOINC 33893-9)", when)
                   for t in texts):
            self._ignore(key, "a karyotype without t(9;22); a karyotype alone does not rule "
                         "out BCR::ABL1, so Ph stays unknown")

    def _obs_immunophenotype(self, key, r, entry, when):
        text = r.get("valueString")
        markers = _marker_statement(text) if isinstance(text, str) else None
        if markers is None:
            self._ignore(key, "immunophenotype text not in the form 'positive for A, B and C'"
                         " / 'negative for ...', so not read")
            return
        found = False
        for marker, name in (("CD19", "cd19"), ("CD22", "cd22")):
            if marker in markers:
                found = True
                self.readings.append(_Reading(
                    name, markers[marker], key,
                    f"immunophenotype (LOINC 101119-6) text: {markers[marker]} for {marker}",
                    when))
        if not found:
            self._ignore(key, "immunophenotype text names neither CD19 nor CD22")

    def _obs_disease_status(self, key, r, entry, when):
        found = _lookup(C.DISEASE_STATUS_VALUES, r.get("valueCodeableConcept"))
        if not found:
            self._ignore(key, f"disease status {_show(r.get('valueCodeableConcept'))}: a "
                         "trend (improved, stable, worse) says nothing the profile holds")
            return
        self.readings.append(_Reading("in_remission", found[1]["in_remission"], key,
                                      f"disease status {found[1]['name']}", when))

    # -- therapies ---------------------------------------------------------------------------

    def medication(self, key: str, r: dict) -> None:
        kind = r["resourceType"]
        status = r.get("status")
        self.therapy_records += 1
        if status not in TAKEN[kind]:
            self._ignore(key, f"{kind} with status {status}: not a record that the drug "
                         "was given")
            return
        concept, via = self._drug(r)
        if concept is None:
            self._ignore(key, f"{kind} whose medication is not in the bundle ({via})")
            return
        therapy, how = _therapy_of(concept)
        if therapy == "corticosteroids":
            therapy = "corticosteroids" if self._for_all(r) else None
            if therapy is None:
                self._ignore(key, "a corticosteroid not recorded as given for ALL (they are "
                             "also given for GVHD, nausea, asthma ...)")
                return
        if therapy is None:
            self._ignore(key, f"drug {_show(concept)} is not one of the profile's therapies"
                         if how is None else how)
            return
        last = None
        if kind == "MedicationStatement" and status != "active":
            last = parse(r.get("effectiveDateTime")) or parse(
                (r.get("effectivePeriod") or {}).get("end"))
        elif kind == "MedicationAdministration" and status != "in-progress":
            last = parse(r.get("effectiveDateTime")) or parse(
                (r.get("effectivePeriod") or {}).get("end"))
        self.therapies.append(_Therapy(therapy, key, f"{kind} {how}{via}", last))

    def _drug(self, r) -> tuple[dict | None, str]:
        if r.get("medicationCodeableConcept"):
            return r["medicationCodeableConcept"], ""
        ref = r.get("medicationReference") or {}
        target = self.resolve(ref)
        if target and self.resources.get(target, {}).get("resourceType") == "Medication":
            self.used_medications.add(target)
            return self.resources[target].get("code"), f" via {target}"
        # An administration names its order: the order's medication, if that resolves.
        order = self.resolve(r.get("request"))
        if order and self.resources.get(order, {}).get("resourceType") == "MedicationRequest":
            concept, via = self._drug(self.resources[order])
            if concept is not None:
                return concept, f" via {order}{via}"
        return None, f"reference {ref.get('reference', 'missing')}"

    def _for_all(self, r) -> bool:
        for concept in r.get("reasonCode") or []:
            if _lookup(C.ALL_CONDITIONS, concept):
                return True
        for ref in r.get("reasonReference") or []:
            target = self.resources.get(self.resolve(ref) or "")
            if target and _lookup(C.ALL_CONDITIONS, target.get("code")):
                return True
        return False

    def procedure(self, key: str, r: dict) -> None:
        status = r.get("status")
        self.therapy_records += 1
        concept = r.get("code")
        kind = _procedure_kind(concept)
        if kind is False:
            self._ignore(key, f"procedure {_show(concept)} is not one of the profile's "
                         "therapies")
            return
        if status not in TAKEN["Procedure"]:
            self._ignore(key, f"Procedure with status {status}: not done")
            return
        when = parse(r.get("performedDateTime")) or parse(
            (r.get("performedPeriod") or {}).get("start"))
        self.therapies.append(_Therapy(kind, key, f"Procedure.code {_show(concept)}", when))

    # -- the profile -------------------------------------------------------------------------

    def finish(self) -> Import:
        for key, resource in self.resources.items():
            kind = resource["resourceType"]
            if kind == "Medication" and key not in self.used_medications:
                self._ignore(key, "a Medication describes a drug; no statement, "
                             "administration or order in the bundle gives it to the patient")
        profile: dict = {"profile_version": 1}
        read: list[dict] = []
        unknown: list[dict] = []
        self._age_at_diagnosis()
        self._wbc_at_diagnosis()
        by_field: dict[str, list[_Reading]] = {}
        for reading in self.readings:
            by_field.setdefault(reading.field, []).append(reading)
        has_all = "_all" in by_field
        if not has_all:
            for name in ("diagnosis", "disease_status", "in_remission", "age_at_diagnosis"):
                self.problems.setdefault(name, []).append(
                    "no Condition in the bundle is coded as ALL (codes.py)")
        for name, readings in by_field.items():
            if name == "_all":
                continue
            value, how, problem = _settle(name, readings)
            if problem:
                self.problems.setdefault(name, []).append(problem)
                continue
            _put(profile, name, value)
            read.append({"field": name, "value": value, "resource": readings[-1].resource
                         if how is None else how[0], "how": how[1] if how else ""})
        self._prior_therapies(profile, read)
        if has_all and "diagnosis" not in profile and "diagnosis" not in self.problems:
            self.problems["diagnosis"] = ["the ALL Condition's code does not say the lineage "
                                          "(C91.0x and 91857003 cover B and T alike)"]
        for name in FIELDS:
            if _get(profile, name) is not None:
                continue
            reasons = self.problems.get(name)
            if reasons:
                unknown.append({"field": name, "reason": "; ".join(reasons)})
            elif name in NOT_READ:
                unknown.append({"field": name, "reason": NOT_READ[name]})
            else:
                unknown.append({"field": name,
                                "reason": "absent: nothing in the bundle records it"})
        return Import(validate_profile(profile), read, unknown, self.ignored)

    def _age_at_diagnosis(self) -> None:
        if not self.all_onsets:
            return
        onset, key = min(self.all_onsets, key=lambda o: o[0].first)
        if self.born is None:
            self.problems.setdefault("age_at_diagnosis", []).append(
                "the Patient has no birthDate")
            return
        age, why = age_between(self.born, onset)
        if age is None or age["years"] > 120:
            self.problems.setdefault("age_at_diagnosis", []).append(
                f"{key} onset {onset.first.isoformat()}: {why or 'implausible'}")
            return
        self.readings.append(_Reading("age_at_diagnosis", age, key,
                                      "earliest ALL Condition onset and Patient.birthDate"))

    def _wbc_at_diagnosis(self) -> None:
        if not self.wbc:
            return
        onset = min(self.all_onsets, key=lambda o: o[0].first)[0] if self.all_onsets else None
        for value, when, key in self.wbc:
            if onset is None or not onset.exact or when is None or not when.exact:
                self._ignore(key, "a leukocyte count that cannot be placed at diagnosis "
                             "(no exact ALL onset date or no exact count date)")
                continue
            if not onset.first - timedelta(days=WBC_DAYS_BEFORE_DIAGNOSIS) <= when.first \
                    <= onset.first:
                self._ignore(key, f"a leukocyte count of {when.first.isoformat()}, not at "
                             f"diagnosis ({onset.first.isoformat()}, or the week before)")
                continue
            self.readings.append(_Reading("wbc_at_diagnosis_per_ul", value, key,
                                          "leukocyte count in the week up to diagnosis",
                                          when))

    def _prior_therapies(self, profile: dict, read: list[dict]) -> None:
        if not self.therapy_records:
            self.problems.setdefault("prior_therapies", []).append(
                "absent: no medication or procedure record in the bundle")
            return
        untyped = [t.resource for t in self.therapies if t.therapy is None]
        if untyped:
            self.problems.setdefault("prior_therapies", []).append(
                f"a stem-cell transplant of unstated type ({', '.join(untyped)}): the list "
                "cannot be complete without it")
            return
        items: dict[str, dict] = {}
        dated: dict[str, list[DateRange | None]] = {}
        for t in self.therapies:
            items.setdefault(t.therapy, {"therapy": t.therapy})
            dated.setdefault(t.therapy, []).append(t.last)
            read.append({"field": "prior_therapies", "value": t.therapy,
                         "resource": t.resource, "how": t.how})
        for therapy, lasts in dated.items():
            if all(lasts):
                months = months_since(max(lasts, key=lambda d: d.last), self.today)
                if months is not None:
                    items[therapy]["months_since_last_dose"] = months
        profile["prior_therapies"] = list(items.values())
        read.append({"field": "prior_therapies", "value": [i["therapy"] for i in items.values()],
                     "resource": "Bundle",
                     "how": f"{self.therapy_records} medication/procedure records; the "
                     "contract counts a list as complete, so a therapy not in the bundle "
                     "counts as not received"})


def _marker_statement(text: str) -> dict[str, str] | None:
    """{"CD19": "positive", ...} from 'positive for CD10, CD19, and CD20. negative for CD22',
    or None when any part of the text is in another form (never half-read)."""
    out: dict[str, str] = {}
    for clause in re.split(r"[.;]", text):
        clause = clause.strip()
        if not clause:
            continue
        match = re.fullmatch(r"(positive|negative) for (.+)", clause, re.IGNORECASE)
        if not match:
            return None
        for marker in re.split(r",\s*(?:and\s+)?|\s+and\s+", match.group(2)):
            marker = marker.strip()
            if not re.fullmatch(r"[A-Za-z0-9]+", marker):
                return None
            result = match.group(1).lower()
            if out.get(marker.upper(), result) != result:
                return None
            out[marker.upper()] = result
    return out or None


def _therapy_of(concept) -> tuple[str | None, str | None]:
    """The profile therapy a medication concept is, and how it was recognised."""
    found = set()
    how = None
    for system, code, _ in _codings(concept):
        if system == C.RXNORM and code in C.RXNORM_THERAPIES:
            found.add(C.RXNORM_THERAPIES[code])
            how = how or f"RxNorm {code}"
        elif system == C.RXNORM and code in C.RXNORM_CORTICOSTEROIDS:
            found.add("corticosteroids")
            how = how or f"RxNorm {code}"
    words = set(re.findall(r"[a-z]+", _names(concept).lower()))
    for word in words:
        if word in C.DRUG_NAMES:
            found.add(C.DRUG_NAMES[word])
            how = how or f'name "{word}"'
        elif word in C.CORTICOSTEROID_NAMES:
            found.add("corticosteroids")
            how = how or f'name "{word}"'
    if len(found) > 1:
        return None, f"the drug's codes and names disagree ({', '.join(sorted(found))})"
    return (found.pop() if found else None), how


def _procedure_kind(concept):
    """allogeneic_hsct / autologous_hsct / cranial_radiation, None for a transplant of
    unstated type, False for anything else."""
    for system, code, _ in _codings(concept):
        if system == C.SCT and code in C.TRANSPLANT_PROCEDURES:
            return C.TRANSPLANT_PROCEDURES[code]
    text = _names(concept).lower()
    if re.search(r"(stem cell|marrow|hematopoietic cell|haematopoietic cell) transplant",
                 text):
        if re.search(r"\ballogen(e)?ic\b", text):
            return "allogeneic_hsct"
        if re.search(r"\bautologous\b", text):
            return "autologous_hsct"
        return None
    if re.search(r"\bcranial\b", text) and re.search(r"\b(ir)?radiation\b", text):
        return "cranial_radiation"
    return False


def _agree(name: str, a, b) -> bool:
    if name != "performance_status" or a["scale"] == b["scale"]:
        return a == b
    lo, hi = score_range(a["scale"], a["score"], b["scale"])
    return lo <= b["score"] <= hi


def _settle(name: str, readings: list[_Reading]):
    """(value, (resource, how), None) or (None, None, why unknown)."""
    def describe(rs):
        return ", ".join(f"{json.dumps(r.value)} ({r.resource}"
                         f"{', ' + r.when.first.isoformat() if r.when else ''})" for r in rs)

    first = readings[0]
    if all(_agree(name, first.value, r.value) for r in readings):
        chosen = _finest(readings)
        return chosen.value, (chosen.resource, chosen.how + _also(readings, chosen)), None
    if all(r.when for r in readings):
        latest_day = max(r.when.first for r in readings)
        latest = [r for r in readings if r.when.first == latest_day and r.when.exact]
        older = [r for r in readings if r not in latest]
        if latest and all(r.when.last < latest_day for r in older) and all(
                _agree(name, latest[0].value, r.value) for r in latest):
            chosen = _finest(latest)
            return chosen.value, (chosen.resource, chosen.how + f"; the latest of "
                                  f"{len(readings)} readings (older: {describe(older)})"), None
    return None, None, f"contradictory: {describe(readings)}"


def _finest(readings: list[_Reading]) -> _Reading:
    """Among agreeing readings, a Karnofsky/Lansky score over ECOG (it says more)."""
    for r in readings:
        if isinstance(r.value, dict) and r.value.get("scale") in ("karnofsky", "lansky"):
            return r
    return readings[-1]


def _also(readings, chosen) -> str:
    others = sorted({r.resource for r in readings} - {chosen.resource})
    return f"; also {', '.join(others)}" if others else ""


def _put(profile: dict, name: str, value) -> None:
    head, _, tail = name.partition(".")
    if tail:
        profile.setdefault(head, {})[tail] = value
    else:
        profile[name] = value


def _get(profile: dict, name: str):
    head, _, tail = name.partition(".")
    value = profile.get(head)
    return value.get(tail) if tail and isinstance(value, dict) else value


def read_bundle(data, today: date) -> Import:
    """Read a FHIR R4 Bundle (parsed JSON) into an Import; raise BundleError when it
    cannot be read at all. ``today`` fixes "now" for ages and times since."""
    reader = _Reader(today)
    reader.load(data)
    reader.patient()
    handlers = {"Condition": reader.condition, "Observation": reader.observation,
                "MedicationStatement": reader.medication,
                "MedicationAdministration": reader.medication,
                "MedicationRequest": reader.medication, "Procedure": reader.procedure}
    for key, resource in list(reader.resources.items()):
        handler = handlers.get(resource["resourceType"])
        if handler and reader.about_patient(key, resource):
            handler(key, resource)
    return reader.finish()
