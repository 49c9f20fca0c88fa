"""Reading eligibility items into rules: precise where certain, silent where in doubt.

The table pairs real registry wordings (most from the shared records) with the rule a careful
curator would write, or None when the pre-screen must leave the item to the study team. The
whole-rule precision on the development half of the hand labels (tests/trials/reading_eval) is
asserted too; the evaluation half is only ever measured (bench/extraction.py), never tested on.
"""

import json
import sys
from pathlib import Path

import pytest

from screener.eligibility import screen
from screener.eligibility.rules import build_node
from screener.profile import validate_profile
from screener.trials.reading import read_item, read_text
from screener.trials.reading.segment import EXCLUSION, INCLUSION, Item, split

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "tests" / "trials" / "reading_eval"))
import evaluate  # noqa: E402

I, E = INCLUSION, EXCLUSION  # noqa: E741  (the table reads better short)
TKIS = ["imatinib", "dasatinib", "nilotinib", "ponatinib", "asciminib"]


def leaf(field, op, value):
    return {"field": field, "op": op, "value": value}


_BINARY = {"philadelphia_chromosome": ("positive", "negative"), "cd19": ("positive", "negative"),
           "cd22": ("positive", "negative"), "mrd.status": ("positive", "negative")}


def _value(value):
    if isinstance(value, float):
        return round(value, 2)
    if isinstance(value, list):
        return sorted(_value(v) for v in value)
    if isinstance(value, dict):
        return {k: _value(v) for k, v in sorted(value.items())}
    return value


def leaves(rule, negated: bool = False) -> set:
    """The leaves of a rule as (field, op, value) keys, negations pushed into the leaves."""
    if not isinstance(rule, dict):
        return set()
    if "field" in rule:
        field, op, value = rule["field"], rule["op"], rule["value"]
        if op == "in" and isinstance(value, list) and len(value) == 1:
            op, value = "eq", value[0]
        if negated:
            if op == "is":
                value = not value
            elif op in ("received", "not_received"):
                op = "not_received" if op == "received" else "received"
            elif op == "eq" and field in _BINARY:
                value = [v for v in _BINARY[field] if v != value][0]
            else:
                op = "not " + op
        return {(field, op, json.dumps(_value(value), sort_keys=True))}
    if "not" in rule:
        return leaves(rule["not"], not negated)
    out: set = set()
    for key in ("all", "any", "of"):
        for child in rule.get(key) or []:
            out |= leaves(child, negated)
    return out


# (kind, text, expected leaves (list) or None for no rule)
CASES = [
    # disease status, relapse number
    (I, "Relapsed or refractory B cell ALL",
     [leaf("disease_status", "in", ["relapsed", "refractory"]), leaf("diagnosis", "eq", "b_all")]),
    (I, "Newly diagnosed adult B-precursor Ph+ ALL patients.",
     [leaf("disease_status", "eq", "newly_diagnosed"), leaf("diagnosis", "eq", "b_all"),
      leaf("philadelphia_chromosome", "eq", "positive")]),
    (I, "Second or greater relapse", [leaf("relapse_count", "gte", 2)]),
    # "ALL" with no lineage: B or T; MPAL and lymphoblastic lymphoma are for the study team
    (I, "ALL post ≥ 2nd relapse",
     [leaf("relapse_count", "gte", 2), leaf("diagnosis", "in", ["b_all", "t_all"]),
      leaf("diagnosis", "in", ["mixed_phenotype", "lymphoblastic_lymphoma"])]),
    (I, "First relapse of B-ALL",
     [leaf("relapse_count", "between", [1, 1]), leaf("diagnosis", "eq", "b_all")]),
    # an implication: for relapsed patients, CD19; nothing asked of anyone else
    (I, "For relapsed patients, documentation of CD19 tumor expression",
     [{"not": leaf("disease_status", "eq", "relapsed")},
      {"not": {"all": [leaf("disease_status", "eq", "refractory"),
                       leaf("relapse_count", "gte", 1)]}},
      leaf("cd19", "eq", "positive")]),
    # lineage, ETP, Ph, CD19/CD22
    (I, "ETP-ALL newly diagnosed;",
     [leaf("early_t_precursor", "is", True), leaf("diagnosis", "eq", "t_all"),
      leaf("disease_status", "eq", "newly_diagnosed")]),
    # a list of diagnoses that names lymphoblastic lymphoma: any of them
    (I, "Diagnosis of B- or T-ALL or LLy by immunophenotyping:",
     [leaf("diagnosis", "in", ["b_all", "t_all", "lymphoblastic_lymphoma"])]),
    (E, "Philadelphia chromosome positive ALL", [leaf("philadelphia_chromosome", "eq", "positive")]),
    # the "negative" is the Ph reading's own: "ALL" is still the diagnosis required
    (I, "Philadelphia chromosome negative ALL",
     [leaf("philadelphia_chromosome", "eq", "negative"), leaf("diagnosis", "in", ["b_all", "t_all"]),
      leaf("diagnosis", "in", ["mixed_phenotype", "lymphoblastic_lymphoma"])]),
    (E, "CD19-negative B-cell leukemia", [leaf("cd19", "eq", "negative")]),
    (I, "B cells are positive for CD19 expression;", [leaf("cd19", "eq", "positive")]),
    (E, "Patients with Ph+ ALL and the T315I mutation",
     [leaf("philadelphia_chromosome", "eq", "positive"), leaf("genetics.abl1_t315i", "is", True)]),
    # marrow, MRD, CNS, extramedullary
    (I, "Bone marrow with ≥ 5% lymphoblasts by morphologic assessment at screening.",
     [leaf("marrow_blasts_percent", "gte", 5)]),
    (E, "M3 marrow", [leaf("marrow_blasts_percent", "gt", 25)]),
    (E, "M3 marrow at the completion of 1st line induction therapy", None),
    (I, "Presence of minimal residual disease at a level of ≥ 10^-3", [leaf("mrd.level", "gte", 0.001)]),
    (I, "MRD ≥ 0.01% by flow cytometry", [leaf("mrd.level", "gte", 0.0001)]),
    (E, "Active CNS involvement by malignancy, defined by CNS-3 per NCCN guidelines.",
     [leaf("cns_status", "eq", "cns3")]),
    (I, "Without central nervous system (CNS) involvement,",
     [{"not": leaf("cns_status", "eq", "cns3")}]),
    (I, "With or without documented CNS involvement", None),
    (E, "Presence of CNS-3 disease or CNS-2 disease with neurological changes", None),
    (E, "Isolated extra-medullary disease relapse",
     [leaf("isolated_extramedullary_relapse", "is", True)]),
    # prior therapies and washouts, transplant
    (E, "Previous treatment with blinatumomab", [leaf("prior_therapies", "received", ["blinatumomab"])]),
    (I, "Patient has not had prior treatment with blinatumomab",
     [leaf("prior_therapies", "not_received", ["blinatumomab"])]),
    (I, "Prior blinatumomab is allowed", None),
    (E, "Prior tyrosine kinase inhibitor therapy", [leaf("prior_therapies", "received", TKIS)]),
    # a parenthetical "only" narrows what was read (NCT00002970)
    (I, "Refractory or recurrent ALL or NHL with bone marrow involvement (T-cell disease only)",
     None),
    # "or" inside requirements joined by "and" (NCT00495079)
    (I, "Had Ph- ALL or lymphoblastic lymphoma and was in second relapse, or had failed 2 "
        "treatment lines", None),
    # an age condition trailing the item (NCT00002704)
    (I, "Karnofsky greater than 50% Less than 10 years", None),
    # "previously untreated": a relapse rules it out, and so does leukemia chemotherapy or an
    # antibody already given; other treatment begun is for the study team
    (I, "Previously untreated", [leaf("disease_status", "eq", "newly_diagnosed"),
                                 leaf("prior_therapies", "not_received", [
                                     "anthracycline", "asparaginase", "blinatumomab",
                                     "clofarabine", "inotuzumab_ozogamicin",
                                     "multiagent_chemotherapy", "nelarabine"])]),
    # waiting periods shorter than a month are not screened (they pass before enrollment)
    (E, "Patient has an investigational medicinal product within the last 30 days prior to "
        "screening.", None),
    (I, "At least 1 week since intrathecal chemotherapy", None),
    (E, "Blinatumomab within the last 3 months",
     [leaf("prior_therapies", "received_within", {"therapies": ["blinatumomab"], "months": 3})]),
    (I, "At least 6 months since prior CAR T-cell therapy",
     [{"not": leaf("prior_therapies", "received_within",
                   {"therapies": ["cd19_car_t", "cd22_car_t", "other_car_t"], "months": 6})}]),
    (E, "Allogeneic transplant within the last 100 days",  # whole months: 3 to 4 is undecided
     [leaf("prior_therapies", "received_within", {"therapies": ["allogeneic_hsct"], "months": 3}),
      leaf("prior_therapies", "received_within",
           {"therapies": ["allogeneic_hsct"], "months": 3.285})]),
    (E, "Prior allogeneic hematopoietic stem cell transplant (HSCT)",
     [leaf("prior_therapies", "received", ["allogeneic_hsct"])]),
    # (the study's drug ends the wait; 6 weeks is longer than a month: read, its edge month
    # left to the study team)
    (E, "210 Autologous HSCT within 6 weeks prior to start of blinatumomab treatment",
     [leaf("prior_therapies", "received_within", {"therapies": ["autologous_hsct"], "months": 1}),
      leaf("prior_therapies", "received_within",
           {"therapies": ["autologous_hsct"], "months": 1.38})]),
    (E, "Radiotherapy or cancer chemotherapy (except for intrathecal prophylaxis) within 2 weeks",
     None),
    # time since a transplant, current use, CD19 CAR-T
    (E, "Less than 3 months since allogeneic HSCT",
     [leaf("prior_therapies", "received_within", {"therapies": ["allogeneic_hsct"], "months": 3})]),
    (E, "Patients who are less than 6 months post allogeneic transplant",
     [leaf("prior_therapies", "received_within", {"therapies": ["allogeneic_hsct"], "months": 6})]),
    (I, "At least 4 months post allogeneic transplant",
     [{"not": leaf("prior_therapies", "received_within",
                   {"therapies": ["allogeneic_hsct"], "months": 4})}]),
    (E, "Patients who relapsed less than 6 months after allogeneic SCT", None),  # relapse timing
    (I, "Time from relapse after allogeneic HSCT must be at least 6 months", None),
    (I, "Time from allogeneic HSCT must be at least 6 months",
     [{"not": leaf("prior_therapies", "received_within",
                   {"therapies": ["allogeneic_hsct"], "months": 6})}]),
    (I, "≥ 90 days after allogeneic HSCT",
     [{"not": leaf("prior_therapies", "received_within",
                   {"therapies": ["allogeneic_hsct"], "months": 2})},
      {"not": leaf("prior_therapies", "received_within",
                   {"therapies": ["allogeneic_hsct"], "months": 2.957})}]),
    (E, "Received blinatumomab less than 3 months before enrollment",
     [leaf("prior_therapies", "received_within", {"therapies": ["blinatumomab"], "months": 3})]),
    (E, "Prior CD19-directed therapy", [leaf("prior_therapies", "received",
                                             ["blinatumomab", "cd19_car_t"])]),
    (E, "Prior treatment with any CD22-directed therapy",
     [leaf("prior_therapies", "received", ["inotuzumab_ozogamicin", "cd22_car_t"])]),
    (E, "Current use of systemic corticosteroids",
     [leaf("prior_therapies", "received_within", {"therapies": ["corticosteroids"], "months": 1})]),
    (E, "Prior CD19-directed CAR T-cell therapy",
     [leaf("prior_therapies", "received", ["cd19_car_t"])]),
    (I, "At least 3 months since prior allogeneic HSCT and no active GVHD",
     [{"not": leaf("prior_therapies", "received_within",
                   {"therapies": ["allogeneic_hsct"], "months": 3})},
      leaf("prior_therapies", "not_received", ["allogeneic_hsct"]),
      leaf("active_gvhd", "is", False)]),
    # how a therapy went, and how many of a class
    (I, "Intolerant to imatinib", [leaf("prior_therapies", "received_with_outcome",
                                        {"therapies": ["imatinib"], "outcomes": ["intolerant"]})]),
    (E, "Patients refractory to blinatumomab",
     [leaf("prior_therapies", "received_with_outcome",
           {"therapies": ["blinatumomab"], "outcomes": ["refractory"]})]),
    (I, "Prior treatment with at least two tyrosine kinase inhibitors",
     [leaf("prior_therapies", "received_at_least", {"therapies": TKIS, "count": 2})]),
    (I, "Failed at least 2 prior TKIs",
     [leaf("prior_therapies", "received_at_least", {"therapies": TKIS, "count": 2})]),
    (I, "Resistant to or intolerant of imatinib", None),  # two outcomes: not read
    (E, "Refractory to induction chemotherapy", None),  # the disease status, no outcome
    (E, "Patients with T315I mutation conferring resistance to imatinib", None),
    (E, "Known allergy or intolerance to imatinib", None),  # an allergy is no outcome
    # GVHD, performance status
    (E, "Active acute or chronic graft-versus-host disease (GVHD) requiring systemic therapy.",
     [leaf("active_gvhd", "is", True)]),
    # a grade the profile cannot see: all[active_gvhd, not_screened] -- asks, never excludes
    (E, "Presence of grade 2 to 4 acute or extensive chronic graft-versus-host disease (GVHD).",
     [leaf("active_gvhd", "is", True)]),
    (E, "History of grade 3 graft-versus-host disease", None),
    # a window of the transplant beside it does not qualify the GVHD: either excludes
    (E, "Patients who have received a prior allogeneic stem cell transplant within 6 months of "
        "enrollment, or who have active GVHD",
     [leaf("prior_therapies", "received_within", {"therapies": ["allogeneic_hsct"], "months": 6}),
      leaf("active_gvhd", "is", True)]),
    (I, "ECOG 0-2", [leaf("performance_status", "performance_at_most",
                          {"scale": "ecog", "score": 2})]),
    (I, "Eastern Cooperative Oncology Group (ECOG) performance status of <=2.",
     [leaf("performance_status", "performance_at_most", {"scale": "ecog", "score": 2})]),
    (I, "Karnofsky (age ≥ 16 years) or Lansky (age < 16 years) performance status ≥ 50 at "
        "screening.",
     [leaf("performance_status", "performance_at_least", {"scale": "karnofsky", "score": 50})]),
    (E, "Karnofsky score < 50", [leaf("performance_status", "performance_at_most",
                                      {"scale": "karnofsky", "score": 49})]),
    (I, "KPS score >50 points", [leaf("performance_status", "performance_at_least",
                                      {"scale": "karnofsky", "score": 51})]),
    # an age that scopes a requirement is an implication: not that age, or the requirement
    (I, "Age 16 and over: Karnofsky 70-100%",
     [{"not": leaf("age", "age_at_least", "16 Years")},
      leaf("performance_status", "performance_at_least", {"scale": "karnofsky", "score": 70})]),
    # concepts named in issue 7: WBC at diagnosis, remission length, MPAL, HBsAg, CNS infiltration
    (I, "Initial WBC < 50,000/uL", [leaf("wbc_at_diagnosis_per_ul", "lt", 50000)]),
    (I, "WBC at diagnosis ≥ 50 x 10^9/L", [leaf("wbc_at_diagnosis_per_ul", "gte", 50000)]),
    (I, "WBC < 50,000/uL", None),  # a count today: not in the profile
    (I, "First relapse with first remission < 18 months",
     [leaf("relapse_count", "between", [1, 1]),
      leaf("months_from_diagnosis_to_relapse", "lt", 18)]),
    (E, "Mixed phenotype acute leukemia", [leaf("diagnosis", "eq", "mixed_phenotype")]),
    (I, "Mixed phenotype acute leukemia", None),  # as a requirement: which kinds, unsaid
    (E, "Active hepatitis B (HBsAg positive)", [leaf("infections.hepatitis_b", "is", True)]),
    (E, "CNS infiltration", [leaf("cns_status", "eq", "cns3")]),
    (I, "Prior treatment with Glivec", [leaf("prior_therapies", "received", ["imatinib"])]),
    (I, "Prior treatment with a BCR-ABL inhibitor",
     [leaf("prior_therapies", "received", TKIS)]),
    (E, "Prior hematopoetic stem cell transplantation",
     [leaf("prior_therapies", "received", ["allogeneic_hsct", "autologous_hsct"])]),
    (E, "Prior blinatumumab", [leaf("prior_therapies", "received", ["blinatumomab"])]),
    # Down syndrome, pregnancy, infections
    (E, "Patients with Down syndrome", [leaf("down_syndrome", "is", True)]),
    (E, "Patients with concomitant genetic syndrome: such as patients with Fanconi anemia. "
        "Patients with Down Syndrome will not be excluded.", None),
    (E, "Pregnant or nursing women.", [leaf("pregnant_or_breastfeeding", "is", True)]),
    (I, "Not pregnant or nursing", [leaf("pregnant_or_breastfeeding", "is", False)]),
    # breastfeeding that goes on: all[pregnant_or_breastfeeding, not_screened], never alone
    (E, "Lactating females who plan to breastfeed", [leaf("pregnant_or_breastfeeding", "is",
                                                           True)]),
    # pregnancy alone: all[pregnant_or_breastfeeding, not_screened] -- never excludes alone
    (E, "Patients who are pregnant", [leaf("pregnant_or_breastfeeding", "is", True)]),
    (I, "HIV negative", [leaf("infections.hiv", "is", False)]),
    (E, "Patients with known human immunodeficiency virus (HIV) infection",
     [leaf("infections.hiv", "is", True)]),
    (E, "Known human immunodeficiency virus (HIV) seropositivity, known active hepatitis B or C "
        "infection.",
     [leaf("infections.hiv", "is", True), leaf("infections.hepatitis_b", "is", True),
      leaf("infections.hepatitis_c", "is", True)]),
    (E, "Participants who have active, uncontrolled infections.",
     [leaf("infections.uncontrolled_infection", "is", True)]),
    # any[uncontrolled, not_screened]: an uncontrolled infection is surely active
    (E, "Active infection;", [leaf("infections.uncontrolled_infection", "is", True)]),
    (I, "Known HIV infection", None),  # an exclusion under a heading we missed: never required
    # organ function the profile holds, and what it does not
    (I, "Alanine Aminotransferase (ALT) ≤ 5 times the upper limit of normal (ULN) for age.",
     [leaf("organ_function.alt_x_uln", "lte", 5)]),
    (I, "SGOT/SGPT no greater than 2 times upper limit of normal (ULN)",
     [leaf("organ_function.alt_x_uln", "lte", 2), leaf("organ_function.ast_x_uln", "lte", 2)]),
    (I, "Direct bilirubin < 1.5 x ULN", None),
    # the exception lifts the limit: read, but never "not met" alone (test_reading_therapy)
    (I, "Bilirubin no greater than 2 times upper limit of normal (unless due to leukemia)",
     [leaf("organ_function.bilirubin_x_uln", "lte", 2)]),
    (I, "Creatinine clearance at least 60 mL/min",
     [leaf("organ_function.creatinine_clearance_ml_min", "gte", 60)]),
    (E, "Cardiac ejection fraction < 40%", [leaf("organ_function.lvef_percent", "lt", 40)]),
    (E, "Left ventricular ejection fraction: less than 30%.",
     [leaf("organ_function.lvef_percent", "lt", 30)]),
    (I, "Serum ALT/AST ≤ 5 ULN",
     [leaf("organ_function.alt_x_uln", "lte", 5), leaf("organ_function.ast_x_uln", "lte", 5)]),
    (I, "Serum creatinine ≤ 1.5 mg/dL", None),  # mg/dL: not in the profile, never converted
    (I, "GGT ≤ 3 x ULN", None),
    # not screenable at all
    (I, "Life expectancy > 12 weeks.", None),
    (I, "All patients and/or their parent or legal guardian must sign a written informed consent",
     None),
]


def expected_leaves(expected):
    keys = set()
    for item in expected:
        keys |= leaves(item)
    return keys


@pytest.mark.parametrize(("kind", "text", "expected"), CASES,
                         ids=[f"{c[0][:3]}: {c[1][:50]}" for c in CASES])
def test_reading(kind, text, expected):
    """The item reads to the expected leaves, or to no rule when in doubt."""
    reading = read_text(kind, text)
    if expected is None:
        assert reading is None, reading
        return
    assert reading is not None
    assert leaves(reading[0]) == expected_leaves(expected)
    build_node(reading[0])  # and it is a rule the engine runs


def test_cd19_negative_b_cell_leukemia_does_not_exclude_every_b_all():
    """'CD19-negative B-cell leukemia' excludes CD19-negative patients only, not all B-ALL."""
    item = split("Exclusion Criteria:\n- CD19-negative B-cell leukemia")[0]
    rule = build_node(read_item(item, "x")["rule"])
    profile = validate_profile({"diagnosis": "b_all", "cd19": "positive"})
    from screener.eligibility.model import Criterion, Trial

    trial = Trial("NCT00000000", "t", "ctgov", [Criterion("x", "exclusion", item.text, rule=rule)])
    assert screen(profile, trial).verdict == "likely_eligible"


def test_alternatives_never_exclude_on_what_we_cannot_see():
    """Joined alternatives (creatinine by age OR clearance) are never not_met on the one we see."""
    item = split("Renal:\n  -  Creatinine less than 1.5 mg/dL OR\n\n"
                 "  -  Creatinine clearance at least 60 mL/min\n")[0]
    crit = read_item(item, "renal")
    from screener.eligibility.model import Criterion, Trial

    trial = Trial("NCT00000000", "t", "ctgov",
                  [Criterion("renal", "inclusion", item.text, rule=build_node(crit["rule"]))])
    low = validate_profile({"organ_function": {"creatinine_clearance_ml_min": 40}})
    assert screen(low, trial).criteria[0].outcome == "not_screened"


@pytest.mark.parametrize(("months_ago", "outcome"), [
    (2, "not_met"),        # 2 to 3 months ago: inside 100 days whatever the day
    (3, "not_screened"),   # 3 to 4 months ago: either side of 100 days
    (4, "met"),            # 4 months or more: outside
])
def test_a_window_in_days_never_excludes_on_a_whole_month_answer_that_straddles_it(
        months_ago, outcome):
    """"Transplant within 100 days" with the wizard's whole months: the edge month is undecided."""
    from screener.eligibility.model import Criterion, Trial

    item = split("Exclusion Criteria:\n- Allogeneic transplant within the last 100 days")[0]
    rule = build_node(read_item(item, "x")["rule"])
    trial = Trial("NCT00000000", "t", "ctgov",
                  [Criterion("x", "exclusion", item.text, rule=rule)])
    profile = validate_profile({"prior_therapies": [
        {"therapy": "allogeneic_hsct", "months_since_last_dose": months_ago}]})
    assert screen(profile, trial).criteria[0].outcome == outcome


def test_a_washout_shorter_than_a_month_never_excludes_someone_treated_recently():
    """Chemotherapy "less than a month ago" (0) against a 2-week washout: not screened."""
    from screener.eligibility.model import Criterion, Trial

    item = split("Exclusion Criteria:\n- Systemic chemotherapy within 2 weeks prior to "
                 "enrollment")[0]
    crit = read_item(item, "x")
    assert "rule" not in crit
    trial = Trial("NCT00000000", "t", "ctgov", [Criterion("x", "exclusion", item.text)])
    profile = validate_profile({"prior_therapies": [
        {"therapy": "multiagent_chemotherapy", "months_since_last_dose": 0}]})
    result = screen(profile, trial)
    assert result.criteria[0].outcome == "not_screened" and result.verdict != "not_eligible"


def _screen_item(kind_heading: str, text: str, profile: dict):
    from screener.eligibility.model import Criterion, Trial

    item = split(f"{kind_heading}:\n- {text}")[0]
    crit = read_item(item, "x")
    rule = build_node(crit["rule"]) if "rule" in crit else None
    trial = Trial("NCT00000000", "t", "ctgov",
                  [Criterion("x", item.kind, item.text, rule=rule)])
    return screen(validate_profile(profile), trial).criteria[0].outcome


SECOND_RELAPSE = {"disease_status": "relapsed", "relapse_count": 2, "diagnosis": "b_all",
                  "philadelphia_chromosome": "negative"}
NEW_PH_POS = {"disease_status": "newly_diagnosed", "philadelphia_chromosome": "positive",
              "diagnosis": "b_all"}


@pytest.mark.parametrize(("text", "relapsed", "new_ph_pos"), [
    # two wordings of Ph+ joined by "or" are one condition, not hidden alternatives
    ("Newly diagnosed Philadelphia chromosome-positive (Ph+) or BCR-ABL1-positive ALL, as "
     "defined by the 2017 national comprehensive cancer network (NCCN) guidelines.",
     {"not_met"}, {"met"}),
    # read in part (UKALL14): the setting everyone must have decides a mismatch, never a
    # match on its own (with no treatment history given, "untreated" is a question)
    ("Newly diagnosed, previously untreated acute lymphoblastic leukemia\n"
     "  - A pre-phase steroid treatment of 5-7 days is required and can be started prior to "
     "registration",
     {"not_met"}, {"not_screened", "unknown"}),
    # GRAALL-2014/T: "not previously treated" is untreated, the rest for the study team
    ("aged 18-59 years old with a not previously treated (including IT injection) T-ALL "
     "newly-diagnosed according to the WHO 2008 definition with > 20% bone marrow blasts",
     {"not_met"}, {"not_screened"}),
    # GRAALL-2014/B: "no t(9;22)" is a Ph-negative requirement, never a Ph+ one
    ("Whose karyotype shows no t(9;22) and/or the absence in molecular biology of breakpoint "
     "cluster region-Abelson (BCR-ABL)", {"not_screened"}, {"not_screened"}),
    # another setting offered beside it: no one is ruled out on it
    ("Newly diagnosed ALL, or ALL in first relapse after chemotherapy alone",
     {"not_screened"}, {"unknown", "not_screened"}),

])
def test_an_inclusion_for_newly_diagnosed_rules_out_a_relapse_only_when_it_is_required(
        text, relapsed, new_ph_pos):
    """A study for newly diagnosed leukemia is no likely match for a second relapse."""
    assert _screen_item("Inclusion Criteria", text, SECOND_RELAPSE) in relapsed
    assert _screen_item("Inclusion Criteria", text, NEW_PH_POS) in new_ph_pos


def test_every_criterion_is_marked_for_review_with_a_note():
    """Read or not, each criterion keeps its words, review: true, a plain sentence and a note."""
    items = split("Inclusion Criteria:\n* ECOG 0-2\n* Life expectancy > 12 weeks\n")
    with_rule, without = (read_item(i, f"inc-{n}") for n, i in enumerate(items, 1))
    assert with_rule["rule"] and "rule" not in without
    for crit in (with_rule, without):
        assert crit["review"] is True and crit["plain"]["en"]
        assert "automatically" in crit["note"]
    assert with_rule["text"] == "ECOG 0-2"


def test_donor_items_get_no_rule():
    """A donor's HIV exclusion never becomes a rule about the patient."""
    item = Item(EXCLUSION, "HIV positive", section="EXCLUSION CRITERIA - Donor", qualified=True)
    assert "rule" not in read_item(item, "x")


def test_every_rule_on_the_shared_corpus_passes_the_linter():
    """All rules read from the 96 shared studies pass the linter's checks and build."""
    from screener.eligibility.lint import _lint_node

    count = 0
    for path in sorted((ROOT / "tests" / "trials" / "data" / "studies").glob("*.json")):
        text = json.loads(path.read_text())["protocolSection"]["eligibilityModule"][
            "eligibilityCriteria"]
        for n, item in enumerate(split(text)):
            crit = read_item(item, f"c{n}")
            if "rule" in crit:
                count += 1
                assert _lint_node(crit["rule"], path.name, crit["id"], "rule") == []
                build_node(crit["rule"])
    assert count > 100


def test_whole_rule_precision_and_no_false_exclusion_on_the_development_half():
    """On the development half, read rules agree with the labels and exclude no vignette wrongly.

    Whole rules are compared through what they do to a battery of profiles (block / ask /
    pass), so an "or" read as "and", or a partial exclusion, counts as wrong.
    """
    from screener.trials.study import trial_from_study

    profiles = evaluate.battery(300)
    total, false_exclusions = evaluate.Score(), []
    for label in evaluate.load_half("development"):
        study = json.loads((evaluate.STUDIES / f"{label.nct}.json").read_text("utf-8"))
        trial = trial_from_study(study)
        total.add(evaluate.score_trial(label, trial, profiles))
        false_exclusions += [d for d in evaluate.vignette_agreement(label, trial)[3]
                             if d[3] == "not_eligible"]
    # a floor against regressions (the 0.98 target is measured on the evaluation half by
    # bench/extraction.py); annotators differ on a few conventions, e.g. whether "for relapsed
    # patients" exempts the newly diagnosed, so the development half sits near 0.95
    assert total.precision >= 0.94, total.wrong
    assert false_exclusions == []


def test_plain_words_name_values_as_people_say_them_and_each_thing_once():
    """No 'b all' or 'cns3' codes, no repeated phrase, and what the team checks said once."""
    from screener.trials.reading import describe

    assert describe(leaf("diagnosis", "eq", "b_all")) == "type of ALL is B-cell ALL"
    assert "CNS3" in describe(leaf("cns_status", "eq", "cns3"))
    assert describe({"all": [leaf("down_syndrome", "is", True),
                             leaf("down_syndrome", "is", True)]}) == "Down syndrome"
    words = describe({"any": [leaf("infections.hepatitis_b", "is", True),
                              {"not_screened": "x"}]})
    assert words.count("study team") == 1 and "something else" not in words


def test_every_rule_read_from_the_shared_corpus_has_spanish_words():
    """Registry trials speak Spanish too: each read rule, and the age and sex limits."""
    from screener.trials.study import criteria_from_section, protocol_section

    read = 0
    for path in sorted((ROOT / "tests" / "trials" / "data" / "studies").glob("*.json")):
        criteria, *_ = criteria_from_section(protocol_section(json.loads(path.read_text())))
        for crit in criteria:
            if "rule" in crit:
                read += 1
                assert crit["plain"].get("es"), (path.stem, crit["id"], crit["plain"]["en"])
                assert not crit["plain"]["en"].startswith(("Needs:", "Excluded when:"))
    assert read > 250


def test_spanish_words_follow_the_rule_and_say_what_the_team_checks_once():
    """One reading in both languages; an unknown part gives no half-translated sentence."""
    from screener import vocabulary

    rule = {"all": [leaf("disease_status", "in", ["relapsed", "refractory"]),
                    leaf("diagnosis", "eq", "b_all"), {"not_screened": "x"}]}
    assert vocabulary.sentence(rule, "es") == (
        "Situación de la enfermedad es uno de: en recaída, refractaria; tipo de LLA es LLA de "
        "células B (y más cosas que comprueba el equipo del estudio).")
    assert vocabulary.sentence(leaf("prior_therapies", "received_within",
                                    {"therapies": ["blinatumomab"], "months": 3}), "es") == (
        "Haber recibido blinatumomab (Blincyto) hace menos de 3 meses.")
    assert vocabulary.sentence(leaf("no_such_field", "eq", "x"), "es") is None


def test_the_reader_never_fails_on_the_shared_corpus(caplog):
    """A reader bug would lose a criterion's rule quietly (logged): none on any shared record."""
    from screener.trials.study import trial_from_study

    for path in sorted((ROOT / "tests" / "trials" / "data" / "studies").glob("*.json")):
        trial_from_study(json.loads(path.read_text(encoding="utf-8")))
    assert not [r for r in caplog.records if "registry reader failed" in r.getMessage()]


def test_a_reader_failure_loses_one_rule_not_the_trial(monkeypatch, caplog):
    """If reading one criterion raises, that criterion is left to the study team; the rest stay."""
    from screener.trials.reading import assemble

    real = assemble.read_rule

    def flaky(item, scoped=False):
        if "hepatitis" in item.text:
            raise RuntimeError("a reader bug")
        return real(item, scoped)

    monkeypatch.setattr(assemble, "read_rule", flaky)
    items = split("Exclusion Criteria:\n* Active hepatitis B\n* HIV infection\n")
    crits = [read_item(i, f"exc-{n}") for n, i in enumerate(items, 1)]
    assert "rule" not in crits[0] and crits[1]["rule"]["field"] == "infections.hiv"
    assert any("registry reader failed" in r.getMessage() for r in caplog.records)
