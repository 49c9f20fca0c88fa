"""Splitting registry eligibility text into inclusion and exclusion items, whatever the format.

Snippets are real registry text from the shared records (tests/trials/data), cut to the part
each case is about.
"""

import json
import re
from pathlib import Path

import pytest

from screener.trials.reading.segment import (
    _BULLET,
    EXCLUSION,
    INCLUSION,
    _heading,
    _is_label,
    _is_pdq_heading,
    split,
    unescape,
)

STUDIES = Path(__file__).parent / "data" / "studies"
RESPONSES = Path(__file__).parent / "data" / "responses"

# (case, text, expected [(kind, verbatim item text)])
CASES = [
    (
        "classic dash bullets with wrapped lines (NCT02435849)",
        "Inclusion Criteria:\n\n  -  Bone marrow with \u2265 5% lymphoblasts by morphologic "
        "assessment at\n     screening.\n\n  -  Life expectancy > 12 weeks.\n\nExclusion Criteria:"
        "\n\n  -  Isolated extra-medullary disease relapse\n",
        [(INCLUSION, "Bone marrow with \u2265 5% lymphoblasts by morphologic assessment at "
                     "screening."),
         (INCLUSION, "Life expectancy > 12 weeks."),
         (EXCLUSION, "Isolated extra-medullary disease relapse")],
    ),
    (
        "v2 markdown star bullets with escaped < and > (NCT00763412)",
        "Inclusion Criteria:\n\n* Male or females 12 -24 years old\n* Must have a glucose pattern "
        "with fasting blood glucose \\<126 mg/dl or \\>200 mg/dl.\n\nExclusion Criteria:\n\n"
        "* Patients with evidence of liver dysfunction",
        [(INCLUSION, "Male or females 12 -24 years old"),
         (INCLUSION, "Must have a glucose pattern with fasting blood glucose <126 mg/dl or "
                     ">200 mg/dl."),
         (EXCLUSION, "Patients with evidence of liver dysfunction")],
    ),
    (
        "numbered items with lettered and dash sub-items that continue their parent (NCT03876769)",
        "Inclusion Criteria:\n\n  1. CD19 expressing B-cell Acute Lymphoblastic Leukemia\n\n"
        "  2. Adequate organ function during the screening period:\n\n     A. ALT \u2264 5 times "
        "ULN for age\n\n     E. Adequate pulmonary function defined as:\n\n       -  no or mild "
        "dyspnea (\u2264 Grade 1)\n\nExclusion Criteria:\n\n  1. Philadelphia chromosome "
        "positive ALL\n",
        [(INCLUSION, "CD19 expressing B-cell Acute Lymphoblastic Leukemia"),
         (INCLUSION, "Adequate organ function during the screening period: A. ALT \u2264 5 times "
                     "ULN for age E. Adequate pulmonary function defined as: - no or mild dyspnea "
                     "(\u2264 Grade 1)"),
         (EXCLUSION, "Philadelphia chromosome positive ALL")],
    ),
    (
        "upper-case headings and 'Key' headings (NCT02614066 style)",
        "KEY INCLUSION CRITERIA:\n  1. Age 18 or older\n\nkey exclusion criteria\n"
        "  1. Isolated extramedullary disease\n",
        [(INCLUSION, "Age 18 or older"), (EXCLUSION, "Isolated extramedullary disease")],
    ),
    (
        "a numbered lead-in keeps its dash list, the next number is a new item (NCT02614066)",
        "Key Inclusion Criteria:\n\n  1. Relapsed or refractory B-precursor ALL defined as one of "
        "the following:\n\n       -  Primary refractory disease\n\n       -  First relapse if "
        "first remission \u2264 12 months\n\n  2. Morphological disease in the bone marrow "
        "(\u2265 5% blasts)\n",
        [(INCLUSION, "Relapsed or refractory B-precursor ALL defined as one of the following: - "
                     "Primary refractory disease - First relapse if first remission \u2264 12 "
                     "months"),
         (INCLUSION, "Morphological disease in the bone marrow (\u2265 5% blasts)")],
    ),
    (
        "an unindented list after 'one of the following:' stays one item",
        "Inclusion Criteria:\n\n- Diagnosis of one of the following:\n- Acute lymphoblastic "
        "leukemia\n- Lymphoblastic lymphoma\n",
        [(INCLUSION, "Diagnosis of one of the following: - Acute lymphoblastic leukemia - "
                     "Lymphoblastic lymphoma")],
    ),
    (
        "items joined by a dangling OR are one criterion (NCT00002738)",
        "Renal:\n\n          -  Creatinine less than 1.5 mg/dL OR\n\n          -  Creatinine "
        "clearance at least 60 mL/min\n",
        [(INCLUSION, "Creatinine less than 1.5 mg/dL OR Creatinine clearance at least 60 mL/min")],
    ),
    (
        "NCI PDQ sections and short labels (NCT00002738)",
        "DISEASE CHARACTERISTICS:\n\n          -  In vitro transport resistance to methotrexate\n"
        "\n        PATIENT CHARACTERISTICS:\n\n        Performance status:\n\n          -  ECOG "
        "0-2\n\n        Other:\n\n          -  Not pregnant or nursing\n",
        [(INCLUSION, "In vitro transport resistance to methotrexate"),
         (INCLUSION, "ECOG 0-2"), (INCLUSION, "Not pregnant or nursing")],
    ),
    (
        "short headings without the word 'criteria' still switch the kind",
        "Inclusion:\n- ECOG 0-2\n\nEXCLUSIONS\n* HIV infection\n",
        [(INCLUSION, "ECOG 0-2"), (EXCLUSION, "HIV infection")],
    ),
    (
        "a trailing paragraph is its own item",
        "Exclusion Criteria:\n\n  1. Prior tyrosine kinase inhibitor therapy\n\n"
        "Other protocol-defined inclusion/exclusion may apply.",
        [(EXCLUSION, "Prior tyrosine kinase inhibitor therapy"),
         (EXCLUSION, "Other protocol-defined inclusion/exclusion may apply.")],
    ),
    (
        "a v2 paragraph introducing an unindented star list keeps it (NCT00711542)",
        "Inclusion Criteria:\n\nPatients with acute coronary syndrome, treated as follows:\n\n"
        "* Acute percutaneous revascularization\n* Hemodynamic stability\n",
        [(INCLUSION, "Patients with acute coronary syndrome, treated as follows: * Acute "
                     "percutaneous revascularization * Hemodynamic stability")],
    ),
]


@pytest.mark.parametrize(("case", "text", "expected"), CASES, ids=[c[0] for c in CASES])
def test_split(case, text, expected):
    """Each format splits into the items a reader sees, verbatim, in order."""
    assert [(i.kind, i.text) for i in split(text)] == expected


def test_donor_heading_marks_items_as_someone_elses():
    """Items under a donor heading are flagged, so no rule about the patient comes from them.

    The transplant's recipient is the patient: their items are not flagged.
    """
    text = ("INCLUSION CRITERIA - Recipients:\n  -  Acute lymphoblastic leukemia\n\n"
            "INCLUSION CRITERIA - Donor:\n  -  HLA-identical sibling\n")
    items = split(text)
    assert [(i.text, i.qualified) for i in items] == [
        ("Acute lymphoblastic leukemia", False), ("HLA-identical sibling", True)]


def test_registration_heading_still_speaks_of_the_patient():
    """'Exclusion Criteria for registration' is about the patient, not another group."""
    items = split("- Exclusion Criteria for registration:\n  -  CD19 negative disease\n")
    assert [(i.kind, i.text, i.qualified) for i in items] == [
        (EXCLUSION, "CD19 negative disease", False)]


def test_unescape_undoes_markdown_escapes():
    """The registry's markdown escapes are undone so the words read as written."""
    assert unescape(r"ANC \>= 1000 and \<5% blasts \(M1\)") == "ANC >= 1000 and <5% blasts (M1)"


def test_empty_text_has_no_items():
    """A study without eligibility text yields no items rather than an error."""
    assert split("") == []


def _all_texts():
    for path in sorted(STUDIES.glob("*.json")) + sorted(RESPONSES.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for study in data.get("studies", [data]):
            module = study.get("protocolSection", {}).get("eligibilityModule", {})
            if module.get("eligibilityCriteria"):
                yield path.name, module["eligibilityCriteria"]


def test_every_item_keeps_its_words():
    """Across every shared record, every line of text lands in an item, verbatim, or is a heading."""
    texts = list(_all_texts())
    assert len(texts) >= 96
    for name, text in texts:
        items = split(text)
        assert items, name
        # an NCI summary run together is cut into several items, its headings kept apart
        joined = _words(" ".join(i.text for i in items))
        for raw in unescape(text).split("\n"):
            line = " ".join(raw.split())
            if not line or _heading(line) or _is_pdq_heading(line) or _is_label(line):
                continue
            bullet = _BULLET.match(line)
            body = bullet.group("rest") if bullet else line
            if _heading(body):
                continue
            body = re.sub(r"\b(?:DISEASE|PATIENT)\s+CHARACTERISTICS:|PRIOR\s+CONCURRENT\s+THERAPY:",
                          "", body)
            assert _words(body) in joined, (name, body)


def _words(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())
