"""The profile fields a rule may test, with their type and a plain label.

This table is the single place that says which parts of the patient profile
(``screener/schemas/patient-profile.schema.json``) criteria can look at. The
linter rejects any other field, and the operator table in ``operators.py`` says
which operators each *type* accepts.

Field paths are dotted (``infections.hiv``). ``screening_visit`` marks the
contract's "screening-visit values" (everything under ``organ_function``): when
such a value is absent a criterion on it is ``not_screened``, not ``unknown``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from importlib import resources


@dataclass(frozen=True)
class Field:
    """One testable profile field."""

    path: str
    type: str  # enum | bool | number | integer | age | therapies | performance
    label: str  # plain words, used in "because" sentences
    values: tuple[str, ...] = ()  # allowed values for enum fields
    screening_visit: bool = False

    @cached_property
    def keys(self) -> tuple[str, ...]:
        return tuple(self.path.split("."))


def _profile_schema() -> dict:
    with resources.files("screener.schemas").joinpath(
        "patient-profile.schema.json"
    ).open(encoding="utf-8") as fh:
        return json.load(fh)


_LABELS = {
    "age": "age",
    "age_at_diagnosis": "age at diagnosis",
    "sex": "sex",
    "diagnosis": "type of ALL",
    "early_t_precursor": "early T-cell precursor (ETP) leukemia",
    "disease_status": "disease status",
    "relapse_count": "number of relapses",
    "months_from_diagnosis_to_relapse": "months from diagnosis to first relapse",
    "in_remission": "being in remission now",
    "marrow_blasts_percent": "bone marrow blasts (%)",
    "wbc_at_diagnosis_per_ul": "white blood cell count at diagnosis (per microliter)",
    "mrd.status": "measurable residual disease (MRD) result",
    "mrd.level": "MRD level",
    "philadelphia_chromosome": "Philadelphia chromosome (BCR::ABL1)",
    "genetics.kmt2a_rearranged": "KMT2A (MLL) rearrangement",
    "genetics.ph_like": "Ph-like (BCR::ABL1-like) leukemia",
    "genetics.etv6_runx1": "ETV6::RUNX1",
    "genetics.high_hyperdiploid": "high hyperdiploidy",
    "genetics.hypodiploid": "hypodiploidy",
    "genetics.iamp21": "iAMP21",
    "genetics.tcf3_pbx1": "TCF3::PBX1",
    "genetics.abl1_t315i": "T315I mutation",
    "cd19": "CD19 on the leukemia cells",
    "cd22": "CD22 on the leukemia cells",
    "cns_status": "spinal fluid (CNS) status",
    "isolated_extramedullary_relapse": "relapse only outside the bone marrow",
    "prior_therapies": "treatments received",
    "active_gvhd": "active graft-versus-host disease",
    "performance_status": "performance status",
    "down_syndrome": "Down syndrome",
    "seizure_disorder": "seizure disorder or other brain/nerve disease",
    "pregnant_or_breastfeeding": "pregnancy or breastfeeding",
    "infections.hiv": "HIV",
    "infections.hepatitis_b": "active hepatitis B",
    "infections.hepatitis_c": "active hepatitis C",
    "infections.uncontrolled_infection": "an infection that is not under control",
    "organ_function.creatinine_clearance_ml_min": "creatinine clearance (mL/min)",
    "organ_function.bilirubin_x_uln": "bilirubin (times the upper limit of normal)",
    "organ_function.alt_x_uln": "ALT (times the upper limit of normal)",
    "organ_function.ast_x_uln": "AST (times the upper limit of normal)",
    "organ_function.lvef_percent": "heart ejection fraction (LVEF, %)",
}

# Profile properties that are not criteria material: bookkeeping and location
# (location decides distance, shown beside results, never eligibility).
_NOT_TESTABLE = {"profile_version", "location"}


def _build_fields() -> dict[str, Field]:
    schema = _profile_schema()
    fields: dict[str, Field] = {}

    def add(path: str, spec: dict, screening_visit: bool = False) -> None:
        if path in ("age", "age_at_diagnosis"):
            kind = "age"
        elif path == "prior_therapies":
            kind = "therapies"
        elif path == "performance_status":
            kind = "performance"
        elif "enum" in spec:
            kind = "enum"
        elif spec.get("type") == "boolean":
            kind = "bool"
        elif spec.get("type") == "integer":
            kind = "integer"
        elif spec.get("type") == "number":
            kind = "number"
        else:  # an object: descend
            for name, sub in spec.get("properties", {}).items():
                add(f"{path}.{name}", sub, screening_visit or path == "organ_function")
            return
        fields[path] = Field(
            path=path,
            type=kind,
            label=_LABELS.get(path, path.replace("_", " ")),
            values=tuple(spec.get("enum", ())),
            screening_visit=screening_visit,
        )

    for name, spec in schema["properties"].items():
        if name not in _NOT_TESTABLE:
            add(name, spec)
    return fields


#: Every testable field, by dotted path.
FIELDS: dict[str, Field] = _build_fields()

#: Therapy names a rule may mention (the profile's prior_therapies enum).
THERAPIES: tuple[str, ...] = tuple(
    _profile_schema()["properties"]["prior_therapies"]["items"]["properties"]["therapy"][
        "enum"
    ]
)

THERAPY_LABELS = {
    "multiagent_chemotherapy": "multi-drug chemotherapy",
    "asparaginase": "asparaginase",
    "anthracycline": "an anthracycline (such as doxorubicin or daunorubicin)",
    "intrathecal_chemotherapy": "chemotherapy into the spinal fluid",
    "corticosteroids": "steroids",
    "nelarabine": "nelarabine",
    "clofarabine": "clofarabine",
    "blinatumomab": "blinatumomab (Blincyto)",
    "inotuzumab_ozogamicin": "inotuzumab ozogamicin (Besponsa)",
    "cd19_car_t": "CD19 CAR-T cell therapy (such as Kymriah or Tecartus)",
    "cd22_car_t": "CD22 CAR-T cell therapy",
    "other_car_t": "another CAR-T cell therapy",
    "imatinib": "imatinib (Gleevec)",
    "dasatinib": "dasatinib (Sprycel)",
    "nilotinib": "nilotinib (Tasigna)",
    "ponatinib": "ponatinib (Iclusig)",
    "asciminib": "asciminib (Scemblix)",
    "venetoclax": "venetoclax (Venclexta)",
    "bortezomib": "bortezomib (Velcade)",
    "daratumumab": "daratumumab (Darzalex)",
    "rituximab": "rituximab (Rituxan)",
    "cranial_radiation": "radiation to the head",
    "allogeneic_hsct": "a stem cell transplant from a donor",
    "autologous_hsct": "a stem cell transplant with your own cells",
    "investigational_agent": "an investigational (study) drug",
}


def get_value(profile: dict, keys: tuple[str, ...]):
    """Return the value at ``keys`` in ``profile``, or None when any level is absent."""
    value = profile
    for key in keys:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
        if value is None:
            return None
    return value
