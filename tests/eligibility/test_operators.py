"""The operator table, leaf by leaf: what each operator decides for which answers."""

import pytest

from screener.eligibility.outcomes import NAMES
from screener.eligibility.rules import build_node


def outcome(rule, profile):
    return NAMES[build_node(rule).fn(profile)]


def age(years, months=None):
    return {"years": years} if months is None else {"years": years, "months": months}


# ---------------------------------------------------------------- ages
AGE_CASES = [
    # (limit op, limit, age, expected)
    # minimum in years: completed years >= N
    ("age_at_least", "18 Years", age(18, 0), "met"),       # exactly at the limit
    ("age_at_least", "18 Years", age(18), "met"),          # months unknown, years decide
    ("age_at_least", "18 Years", age(17, 11), "not_met"),  # one month short
    ("age_at_least", "18 Years", age(17), "not_met"),
    # maximum in years: completed years <= N (21 Years admits 21y 11m)
    ("age_at_most", "21 Years", age(21, 11), "met"),
    ("age_at_most", "21 Years", age(21, 0), "met"),        # exactly at the limit
    ("age_at_most", "21 Years", age(21), "met"),
    ("age_at_most", "21 Years", age(22, 0), "not_met"),    # one month past the last admitted month
    ("age_at_most", "21 Years", age(22)," not_met".strip()),
    # limits in months
    ("age_at_least", "12 Months", age(1, 0), "met"),       # exactly 12 months
    ("age_at_least", "12 Months", age(0, 11), "not_met"),
    ("age_at_least", "12 Months", age(5), "met"),          # months unknown but 60+ months
    ("age_at_least", "18 Months", age(1), "unknown"),      # 12..23 months: cannot decide
    ("age_at_most", "18 Months", age(1, 6), "met"),        # exactly at the limit
    ("age_at_most", "18 Months", age(1, 7), "not_met"),    # one month past
    ("age_at_most", "18 Months", age(1), "unknown"),       # months unknown
    ("age_at_most", "18 Months", age(2), "not_met"),       # 24+ months
    # limits in days and weeks (infant trials: "364 Days", "365 Days")
    ("age_at_most", "364 Days", age(0, 10), "met"),        # at most 11 months: < 335 days
    ("age_at_most", "364 Days", age(0, 11), "unknown"),    # 11 months is 334..365 days
    ("age_at_most", "364 Days", age(1, 0), "not_met"),     # a whole year is >= 365 days
    ("age_at_most", "364 Days", age(0), "unknown"),
    ("age_at_least", "365 Days", age(1, 0), "met"),
    ("age_at_least", "365 Days", age(1), "met"),
    ("age_at_least", "365 Days", age(0, 11), "unknown"),
    ("age_at_least", "365 Days", age(0, 10), "not_met"),
    ("age_at_least", "4 Weeks", age(0, 1), "met"),
    ("age_at_least", "4 Weeks", age(0, 0), "unknown"),
    ("age_at_least", "1 Year", age(1, 0), "met"),           # singular unit
    ("age_at_most", "1 year", age(1, 11), "met"),           # lower-case unit
]


@pytest.mark.parametrize(("op", "limit", "person", "expected"), AGE_CASES)
def test_age_limits_in_completed_units(op, limit, person, expected):
    """Registry age limits are judged in completed units of the limit (contract)."""
    assert outcome({"field": "age", "op": op, "value": limit}, {"age": person}) == expected


def test_age_absent_is_unknown():
    """No age answer: the age rule is unknown, never met or not met."""
    assert outcome({"field": "age", "op": "age_at_least", "value": "1 Year"}, {}) == "unknown"


def test_age_at_diagnosis_uses_the_same_rules():
    """age_at_diagnosis follows the age semantics."""
    rule = {"field": "age_at_diagnosis", "op": "age_at_most", "value": "21 Years"}
    assert outcome(rule, {"age_at_diagnosis": age(21, 11)}) == "met"
    assert outcome(rule, {"age_at_diagnosis": age(22, 0)}) == "not_met"
    assert outcome(rule, {"age": age(10)}) == "unknown"


# ---------------------------------------------------------- enums, booleans, numbers
SIMPLE_CASES = [
    ({"field": "disease_status", "op": "eq", "value": "relapsed"}, {"disease_status": "relapsed"}, "met"),
    ({"field": "disease_status", "op": "eq", "value": "relapsed"}, {"disease_status": "refractory"}, "not_met"),
    ({"field": "disease_status", "op": "eq", "value": "relapsed"}, {}, "unknown"),
    ({"field": "disease_status", "op": "ne", "value": "relapsed"}, {"disease_status": "refractory"}, "met"),
    ({"field": "disease_status", "op": "in", "value": ["relapsed", "refractory"]}, {"disease_status": "refractory"}, "met"),
    ({"field": "disease_status", "op": "in", "value": ["relapsed", "refractory"]}, {"disease_status": "newly_diagnosed"}, "not_met"),
    ({"field": "cd19", "op": "not_in", "value": ["negative"]}, {"cd19": "positive"}, "met"),
    ({"field": "mrd.status", "op": "eq", "value": "positive"}, {"mrd": {"status": "positive"}}, "met"),
    ({"field": "mrd.status", "op": "eq", "value": "positive"}, {"mrd": {"level": 0.01}}, "unknown"),
    ({"field": "down_syndrome", "op": "is", "value": True}, {"down_syndrome": True}, "met"),
    ({"field": "down_syndrome", "op": "is", "value": True}, {"down_syndrome": False}, "not_met"),
    ({"field": "down_syndrome", "op": "is", "value": True}, {}, "unknown"),
    ({"field": "infections.hiv", "op": "is", "value": True}, {"infections": {"hepatitis_b": False}}, "unknown"),
    ({"field": "marrow_blasts_percent", "op": "gte", "value": 5}, {"marrow_blasts_percent": 5}, "met"),
    ({"field": "marrow_blasts_percent", "op": "gte", "value": 5}, {"marrow_blasts_percent": 4.9}, "not_met"),
    ({"field": "marrow_blasts_percent", "op": "gt", "value": 5}, {"marrow_blasts_percent": 5}, "not_met"),
    ({"field": "marrow_blasts_percent", "op": "lt", "value": 5}, {"marrow_blasts_percent": 0}, "met"),
    ({"field": "relapse_count", "op": "lte", "value": 1}, {"relapse_count": 2}, "not_met"),
    ({"field": "relapse_count", "op": "gte", "value": 2}, {"relapse_count": 0}, "not_met"),
    ({"field": "mrd.level", "op": "between", "value": [0.0001, 0.01]}, {"mrd": {"level": 0.0001}}, "met"),
    ({"field": "mrd.level", "op": "between", "value": [0.0001, 0.01]}, {"mrd": {"level": 0.01}}, "met"),
    ({"field": "mrd.level", "op": "between", "value": [0.0001, 0.01]}, {"mrd": {"level": 0.02}}, "not_met"),
    # screening-visit values: absent is not_screened, present decides
    ({"field": "organ_function.bilirubin_x_uln", "op": "lte", "value": 1.5}, {}, "not_screened"),
    ({"field": "organ_function.bilirubin_x_uln", "op": "lte", "value": 1.5}, {"organ_function": {}}, "not_screened"),
    ({"field": "organ_function.bilirubin_x_uln", "op": "lte", "value": 1.5}, {"organ_function": {"bilirubin_x_uln": 1.5}}, "met"),
    ({"field": "organ_function.bilirubin_x_uln", "op": "lte", "value": 1.5}, {"organ_function": {"bilirubin_x_uln": 3}}, "not_met"),
]


@pytest.mark.parametrize(("rule", "profile", "expected"), SIMPLE_CASES)
def test_simple_operators(rule, profile, expected):
    """Enum, boolean and numeric operators decide on the answer, unknown without it."""
    assert outcome(rule, profile) == expected


def test_no_type_coercion():
    """'5' is not 5: a string operand is refused when the rule is built."""
    with pytest.raises(ValueError):
        build_node({"field": "marrow_blasts_percent", "op": "gte", "value": "5"})


# ------------------------------------------------------------------ therapies
BLINA = {"therapy": "blinatumomab", "months_since_last_dose": 4, "outcome": "refractory"}
HSCT_OLD = {"therapy": "allogeneic_hsct", "months_since_last_dose": 14}
HSCT_WHEN = {"therapy": "allogeneic_hsct"}
TKI1 = {"therapy": "imatinib", "outcome": "intolerant"}
TKI2 = {"therapy": "dasatinib"}

THERAPY_CASES = [
    ("received", ["blinatumomab"], [BLINA], "met"),
    ("received", ["blinatumomab"], [], "not_met"),           # a present list is complete
    ("received", ["blinatumomab"], None, "unknown"),         # an absent list is not asked
    ("not_received", ["blinatumomab", "inotuzumab_ozogamicin"], [BLINA], "not_met"),
    ("not_received", ["inotuzumab_ozogamicin"], [BLINA], "met"),
    ("not_received", ["inotuzumab_ozogamicin"], None, "unknown"),
    ("received_within", {"therapies": ["blinatumomab"], "months": 6}, [BLINA], "met"),
    ("received_within", {"therapies": ["blinatumomab"], "months": 4.5}, [BLINA], "met"),
    # exactly N months ago is not "within N months": the wizard's 4 means 4 to 5 months ago
    ("received_within", {"therapies": ["blinatumomab"], "months": 4}, [BLINA], "not_met"),
    ("received_within", {"therapies": ["blinatumomab"], "months": 3}, [BLINA], "not_met"),
    ("received_within", {"therapies": ["allogeneic_hsct"], "months": 3}, [HSCT_WHEN], "unknown"),
    ("received_within", {"therapies": ["allogeneic_hsct"], "months": 3}, [], "not_met"),
    ("received_at_least_months_ago", {"therapies": ["allogeneic_hsct"], "months": 6}, [HSCT_OLD], "met"),
    ("received_at_least_months_ago", {"therapies": ["allogeneic_hsct"], "months": 14}, [HSCT_OLD], "met"),
    ("received_at_least_months_ago", {"therapies": ["allogeneic_hsct"], "months": 15}, [HSCT_OLD], "not_met"),
    ("received_at_least_months_ago", {"therapies": ["allogeneic_hsct"], "months": 6}, [HSCT_WHEN], "unknown"),
    ("received_at_least", {"therapies": ["imatinib", "dasatinib", "ponatinib"], "count": 2}, [TKI1, TKI2], "met"),
    ("received_at_least", {"therapies": ["imatinib", "dasatinib", "ponatinib"], "count": 2}, [TKI1], "not_met"),
    ("received_only", [], [], "met"),                          # no treatment at all
    ("received_only", [], [BLINA], "not_met"),
    ("received_only", [], None, "unknown"),
    ("received_only", ["corticosteroids"], [{"therapy": "corticosteroids"}], "met"),
    ("received_only", ["corticosteroids"], [{"therapy": "corticosteroids"}, BLINA], "not_met"),
    ("received_with_outcome", {"therapies": ["imatinib"], "outcomes": ["intolerant"]}, [TKI1], "met"),
    ("received_with_outcome", {"therapies": ["dasatinib"], "outcomes": ["refractory"]}, [TKI2], "unknown"),
    ("received_with_outcome", {"therapies": ["blinatumomab"], "outcomes": ["responded"]}, [BLINA], "not_met"),
]


@pytest.mark.parametrize(("op", "value", "therapies", "expected"), THERAPY_CASES)
def test_therapy_operators(op, value, therapies, expected):
    """Therapy rules: received, not received, within N months, N months ago, counts, outcomes."""
    profile = {} if therapies is None else {"prior_therapies": therapies}
    assert outcome({"field": "prior_therapies", "op": op, "value": value}, profile) == expected


# ----------------------------------------------------------- performance status
PS_CASES = [
    # rule on Karnofsky, answer on each scale
    ({"scale": "karnofsky", "score": 50}, "at_least", {"scale": "karnofsky", "score": 50}, "met"),
    ({"scale": "karnofsky", "score": 50}, "at_least", {"scale": "karnofsky", "score": 40}, "not_met"),
    ({"scale": "karnofsky", "score": 50}, "at_least", {"scale": "lansky", "score": 60}, "met"),
    ({"scale": "karnofsky", "score": 50}, "at_least", {"scale": "ecog", "score": 2}, "met"),   # 50-60
    ({"scale": "karnofsky", "score": 60}, "at_least", {"scale": "ecog", "score": 2}, "unknown"),  # straddles
    ({"scale": "karnofsky", "score": 70}, "at_least", {"scale": "ecog", "score": 2}, "not_met"),
    ({"scale": "karnofsky", "score": 70}, "at_least", {"scale": "ecog", "score": 1}, "met"),
    # rule on ECOG, answer on each scale
    ({"scale": "ecog", "score": 2}, "at_most", {"scale": "ecog", "score": 2}, "met"),
    ({"scale": "ecog", "score": 2}, "at_most", {"scale": "ecog", "score": 3}, "not_met"),
    ({"scale": "ecog", "score": 2}, "at_most", {"scale": "karnofsky", "score": 50}, "met"),
    ({"scale": "ecog", "score": 2}, "at_most", {"scale": "karnofsky", "score": 40}, "not_met"),
    ({"scale": "ecog", "score": 1}, "at_most", {"scale": "lansky", "score": 70}, "met"),
    ({"scale": "ecog", "score": 1}, "at_most", {"scale": "lansky", "score": 60}, "not_met"),
    ({"scale": "ecog", "score": 1}, "at_most", {"scale": "karnofsky", "score": 75}, "met"),  # 75 is in the 70-80 band
]


@pytest.mark.parametrize(("threshold", "direction", "answer", "expected"), PS_CASES)
def test_performance_status_across_scales(threshold, direction, answer, expected):
    """Performance scores convert between ECOG, Karnofsky and Lansky; straddling is unknown."""
    rule = {"field": "performance_status", "op": f"performance_{direction}", "value": threshold}
    assert outcome(rule, {"performance_status": answer}) == expected


def test_not_screened_node_never_decides():
    """A not_screened alternative keeps an otherwise failed any-group undecided."""
    rule = {"any": [{"field": "relapse_count", "op": "gte", "value": 2},
                    {"not_screened": "ineligible for transplant"}]}
    assert outcome(rule, {"relapse_count": 1}) == "not_screened"
    assert outcome(rule, {"relapse_count": 2}) == "met"
    assert outcome(rule, {}) == "unknown"


def _add_months(day, months):
    import calendar
    import datetime

    y, m = divmod(day.month - 1 + months, 12)
    y, m = day.year + y, m + 1
    return datetime.date(y, m, min(day.day, calendar.monthrange(y, m)[1]))


def test_day_bounds_contain_every_real_calendar_age():
    """For every birthday over four years, the real age in days lies inside the computed range."""
    import datetime

    from screener.eligibility.ages import completed_range

    born0 = datetime.date(2019, 1, 1)
    for offset in range(0, 4 * 365, 3):
        born = born0 + datetime.timedelta(days=offset)
        for total_months in range(0, 30):
            first = (_add_months(born, total_months) - born).days
            last = (_add_months(born, total_months + 1) - born).days - 1
            lo, hi = completed_range({"years": total_months // 12, "months": total_months % 12},
                                     "days")
            assert lo <= first and last <= hi, (born, total_months, lo, first, last, hi)
