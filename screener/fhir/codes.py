"""The codes the FHIR importer understands, as data, each with where it was checked.

Only codes whose meaning we are sure of are here; a code that is not here leaves its
field unknown and the resource is listed as not used. Sources are named per table
("SOURCES" = ../shared/fhir/SOURCES.md, which records where each code was seen in
published HL7 / IG material). Left out on purpose, because no code could be confirmed:

- T-ALL, Ph+ ALL and ETP-ALL as SNOMED CT concepts (one candidate "T-ALL" code turned out
  to be T-cell prolymphocytic leukemia in a public table). ICD-10-CM C91.0x has no B/T split.
- LOINC for MRD, CNS status and BCR::ABL1 test results (the BCR-ABL1 codes in SOURCES are
  third-party and unverified). Ph is read from ISCN karyotypes and BCR+ABL1 fusion variants.
- LOINC for CD19/CD22 on blasts: 8117-4 / 14017-8 count CD19+/CD22+ *lymphocytes in blood*,
  which says nothing about the leukemia; blast CD19/CD22 are read only from the
  immunophenotype text (LOINC 101119-6).
- Lansky has no LOINC code we know of; mCODE STU4 codes it NCIT C38144.
- RxNorm for nilotinib, ponatinib, asciminib, tisagenlecleucel, brexucabtagene and other
  drugs not seen in the material: they are recognised by their names (DRUG_NAMES), which
  are exact, instead of by guessed numbers.
- SNOMED 58776007: public tables disagree whether it is an autologous or an allogeneic
  marrow transplant, so a procedure coded with it is read as a transplant of unstated type.
"""

from __future__ import annotations

SCT = "http://snomed.info/sct"
LOINC = "http://loinc.org"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
ICD10 = "http://hl7.org/fhir/sid/icd-10"
NCIT = "http://ncicb.nci.nih.gov/xml/owl/EVS/Thesaurus.owl#"
UCUM = "http://unitsofmeasure.org"
HGNC = "http://www.genenames.org/geneId"

#: Conditions that are ALL (or lymphoblastic lymphoma) and what their code says beyond
#: that. ``facts`` go straight into the profile; a code that does not say the lineage
#: leaves ``diagnosis`` unknown (C91.0x covers B and T alike).
ALL_CONDITIONS: dict[tuple[str, str], dict] = {
    (SCT, "91857003"): {"name": "acute lymphoblastic leukemia", "facts": {},
                        "source": "SNOMED CT; SOURCES (AML is 91861009)"},
    (SCT, "277571004"): {"name": "B-cell acute lymphoblastic leukemia",
                         "facts": {"diagnosis": "b_all"},
                         "source": "mCODE STU4 EX_ExtendedExample_Pediatric.fsh (Brian L)"},
    (ICD10CM, "C91.0"): {"name": "acute lymphoblastic leukemia", "facts": {},
                         "source": "ICD-10-CM category"},
    (ICD10CM, "C91.00"): {"name": "ALL not having achieved remission",
                          "facts": {"in_remission": False},
                          "source": "ICD-10-CM; mCODE VS_CancerCondition.fsh"},
    (ICD10CM, "C91.01"): {"name": "ALL in remission", "facts": {"in_remission": True},
                          "source": "ICD-10-CM; mCODE VS_CancerCondition.fsh"},
    (ICD10CM, "C91.02"): {"name": "ALL in relapse",
                          "facts": {"disease_status": "relapsed", "in_remission": False},
                          "source": "ICD-10-CM; mCODE VS_CancerCondition.fsh"},
    (ICD10, "C91.0"): {"name": "acute lymphoblastic leukaemia", "facts": {},
                       "source": "ICD-10 (WHO)"},
    **{(ICD10CM, f"C83.5{d}"): {"name": "lymphoblastic lymphoma",
                                "facts": {"diagnosis": "lymphoblastic_lymphoma"},
                                "source": "ICD-10-CM; mCODE VS_CancerCondition.fsh"}
       for d in "0123456789"},
    (ICD10CM, "C83.5"): {"name": "lymphoblastic lymphoma",
                         "facts": {"diagnosis": "lymphoblastic_lymphoma"},
                         "source": "ICD-10-CM category"},
}

#: Condition.clinicalStatus of an ALL Condition (FHIR condition-clinical code system).
ALL_CLINICAL_STATUS = {
    "relapse": {"disease_status": "relapsed", "in_remission": False},
    "recurrence": {"disease_status": "relapsed", "in_remission": False},
    "remission": {"in_remission": True},
}

#: Other conditions that answer a profile field. ``active`` is the value an active
#: Condition gives; ``inactive`` the value a resolved/inactive one gives (None: says nothing,
#: e.g. HIV does not resolve, and a resolved seizure disorder may recur).
OTHER_CONDITIONS: dict[tuple[str, str], dict] = {
    (SCT, "234646005"): {"field": "active_gvhd", "name": "graft-versus-host disease",
                         "active": True, "inactive": False,
                         "source": "CIBMTR IG GVHD value sets (is-a 234646005)"},
    **{(ICD10CM, f"D89.81{d}"): {"field": "active_gvhd", "name": "graft-versus-host disease",
                                 "active": True, "inactive": False, "source": "ICD-10-CM"}
       for d in "0123"},
    (SCT, "86406008"): {"field": "infections.hiv", "name": "HIV infection", "active": True,
                        "inactive": None, "source": "SOURCES (Cicada ConceptMap); CIBMTR IG"},
    (ICD10CM, "B20"): {"field": "infections.hiv", "name": "HIV disease", "active": True,
                       "inactive": None, "source": "ICD-10-CM"},
    (ICD10CM, "Z21"): {"field": "infections.hiv", "name": "asymptomatic HIV infection status",
                       "active": True, "inactive": None, "source": "ICD-10-CM"},
    (SCT, "66071002"): {"field": "infections.hepatitis_b", "name": "viral hepatitis type B",
                        "active": True, "inactive": False, "source": "SNOMED CT"},
    (ICD10CM, "B18.0"): {"field": "infections.hepatitis_b",
                         "name": "chronic viral hepatitis B with delta-agent", "active": True,
                         "inactive": False, "source": "ICD-10-CM"},
    (ICD10CM, "B18.1"): {"field": "infections.hepatitis_b",
                         "name": "chronic viral hepatitis B without delta-agent",
                         "active": True, "inactive": False, "source": "ICD-10-CM"},
    (SCT, "50711007"): {"field": "infections.hepatitis_c", "name": "viral hepatitis type C",
                        "active": True, "inactive": False, "source": "SOURCES (Cicada)"},
    (ICD10CM, "B18.2"): {"field": "infections.hepatitis_c", "name": "chronic viral hepatitis C",
                         "active": True, "inactive": False, "source": "ICD-10-CM"},
    **{(ICD10CM, f"Q90.{d}"): {"field": "down_syndrome", "name": "Down syndrome",
                               "active": True, "inactive": True, "source": "ICD-10-CM"}
       for d in "0129"},
    (SCT, "84757009"): {"field": "seizure_disorder", "name": "epilepsy", "active": True,
                        "inactive": None, "source": "SNOMED CT"},
    **{(ICD10CM, f"G40.{d}"): {"field": "seizure_disorder", "name": "epilepsy",
                               "active": True, "inactive": None, "source": "ICD-10-CM",
                               "prefix": True}
       for d in "0123456789"},
    (SCT, "72892002"): {"field": "pregnant_or_breastfeeding", "name": "normal pregnancy",
                        "active": True, "inactive": None, "source": "Synthea (SOURCES)"},
    (ICD10CM, "Z33.1"): {"field": "pregnant_or_breastfeeding",
                         "name": "pregnant state, incidental", "active": True,
                         "inactive": None, "source": "ICD-10-CM"},
}

#: Observation codes the importer reads, keyed by (system, code).
OBSERVATIONS: dict[tuple[str, str], dict] = {
    (LOINC, "89247-1"): {"kind": "performance", "scale": "ecog", "name": "ECOG",
                         "source": "mCODE STU1 ECOG example"},
    (LOINC, "89243-0"): {"kind": "performance", "scale": "karnofsky", "name": "Karnofsky",
                         "source": "mCODE STU1 Karnofsky example"},
    (NCIT, "C38144"): {"kind": "performance", "scale": "lansky", "name": "Lansky",
                       "source": "mCODE STU4 SD_PerformanceStatus.fsh (no LOINC code known)"},
    (LOINC, "11150-0"): {"kind": "marrow_blasts", "name": "blasts/100 cells in bone marrow",
                         "source": "CIBMTR IG cibmtr-pv-valueset"},
    (LOINC, "26464-8"): {"kind": "wbc", "name": "leukocytes in blood",
                         "source": "R4 bone-marrow report; CIBMTR leukocytes example"},
    (LOINC, "6690-2"): {"kind": "wbc", "name": "leukocytes in blood by automated count",
                        "source": "LOINC"},
    (LOINC, "82810-3"): {"kind": "pregnancy", "name": "pregnancy status",
                         "source": "US Core observation-pregnancy-status"},
    (LOINC, "69548-6"): {"kind": "variant", "name": "genetic variant assessment",
                         "source": "mCODE genomic variant; CIBMTR cytogenetics"},
    (LOINC, "33893-9"): {"kind": "karyotype", "name": "karyotype",
                         "source": "R4 bone-marrow report"},
    (LOINC, "101119-6"): {"kind": "immunophenotype",
                          "name": "leukemia and lymphoma immunophenotyping",
                          "source": "mCODE STU4 Brian L"},
    (LOINC, "97509-4"): {"kind": "disease_status", "name": "cancer disease status",
                         "source": "mCODE STU2+"},
    (LOINC, "88040-1"): {"kind": "disease_status", "name": "cancer disease status (STU1)",
                         "source": "mCODE STU1"},
}

LOINC_ISCN = (LOINC, "81291-7")  # component "Variant ISCN" (CIBMTR cytogenetics)
LOINC_GENE_STUDIED = (LOINC, "48018-6")  # component "Gene studied" (mCODE variants)
GENES_BCR_ABL1 = {"HGNC:1014", "HGNC:76"}  # BCR, ABL1 (mCODE EX_Genomics.fsh fusion)
#: Variant assessment answers (LOINC answer list used by mCODE / Genomics Reporting IG).
VARIANT_PRESENT = (LOINC, "LA9633-4")
VARIANT_ABSENT = (LOINC, "LA9634-2")

#: Disease-status values that say whether the leukemia is in remission. The trend values
#: (improved / stable / worsened / undetermined) say nothing the profile can hold.
DISEASE_STATUS_VALUES = {
    (SCT, "550991000124107"): {"name": "malignant neoplasm in full remission",
                               "in_remission": True},
    (SCT, "551001000124108"): {"name": "malignant neoplasm in partial remission",
                               "in_remission": False},
}

PREGNANCY_VALUES = {(SCT, "77386006"): True, (SCT, "60001007"): False}  # pregnant / not

#: UCUM units of a leukocyte count, and the factor to cells per microliter.
WBC_UNITS = {"10*3/uL": 1000, "10*9/L": 1000, "/uL": 1, "10*3/mm3": 1000, "K/uL": 1000}

#: RxNorm codes of ALL therapies (ingredients and the products listed beside them).
RXNORM_THERAPIES: dict[str, str] = {
    # blinatumomab: CIBMTR Medication-Post-HCT-Disease-Therapy-Example and prior-exposure VS
    **dict.fromkeys(["1597258", "1597260", "1597262", "1597263", "1597266", "1597267",
                     "1651249", "1651250", "1651252", "1651253"], "blinatumomab"),
    # inotuzumab ozogamicin: CIBMTR med-form2400-prior-exposure-valueset.fsh
    **dict.fromkeys(["1942950", "1942951", "1942952", "1942953", "1942954", "1942955",
                     "1942956", "1942957", "1942958", "1942959"], "inotuzumab_ozogamicin"),
    # TKIs: CIBMTR med-form2400-post-hct-disease-therapy-valueset.fsh
    "282388": "imatinib", "282386": "imatinib",
    "475342": "dasatinib",
    # anthracyclines: mCODE Brian L (idarubicin), Jenny M (doxorubicin)
    "5650": "anthracycline", "3639": "anthracycline",
}

#: Corticosteroids count as an ALL therapy only when the record gives ALL as the reason
#: (they are also given for GVHD, nausea, asthma ...). RxNorm: mCODE Brian L (prednisone).
RXNORM_CORTICOSTEROIDS = {"8640"}

#: Drug names (generic and brand), matched as whole words in a coding's display or the
#: concept's text. Names are exact where numbers we could not confirm would be guesses.
DRUG_NAMES: dict[str, str] = {
    "blinatumomab": "blinatumomab", "blincyto": "blinatumomab",
    "inotuzumab": "inotuzumab_ozogamicin", "besponsa": "inotuzumab_ozogamicin",
    "tisagenlecleucel": "cd19_car_t", "kymriah": "cd19_car_t",
    "brexucabtagene": "cd19_car_t", "tecartus": "cd19_car_t",
    "obecabtagene": "cd19_car_t", "aucatzyl": "cd19_car_t",
    "imatinib": "imatinib", "gleevec": "imatinib", "glivec": "imatinib",
    "dasatinib": "dasatinib", "sprycel": "dasatinib",
    "nilotinib": "nilotinib", "tasigna": "nilotinib",
    "ponatinib": "ponatinib", "iclusig": "ponatinib",
    "asciminib": "asciminib", "scemblix": "asciminib",
    "venetoclax": "venetoclax", "venclexta": "venetoclax",
    "bortezomib": "bortezomib", "velcade": "bortezomib",
    "daratumumab": "daratumumab", "darzalex": "daratumumab",
    "rituximab": "rituximab", "rituxan": "rituximab",
    "nelarabine": "nelarabine", "arranon": "nelarabine",
    "clofarabine": "clofarabine", "clolar": "clofarabine",
    "asparaginase": "asparaginase", "pegaspargase": "asparaginase",
    "calaspargase": "asparaginase", "oncaspar": "asparaginase", "rylaze": "asparaginase",
    "daunorubicin": "anthracycline", "doxorubicin": "anthracycline",
    "idarubicin": "anthracycline", "epirubicin": "anthracycline",
}
CORTICOSTEROID_NAMES = {"prednisone", "prednisolone", "dexamethasone", "methylprednisolone"}

#: Transplant procedures (SNOMED CT). None: a transplant whose type the code does not say.
TRANSPLANT_PROCEDURES: dict[str, str | None] = {
    "58390007": "allogeneic_hsct",  # Allogeneic bone marrow transplantation (Synthea module)
    "234336002": None,  # Hemopoietic stem cell transplant (Synthea module)
    "58776007": None,  # labelled autologous in some tables, allogeneic in others
}
