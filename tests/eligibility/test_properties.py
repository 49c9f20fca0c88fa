"""Property: removing an answer never flips a decided criterion to the opposite outcome."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from screener.config import BUNDLED_CRITERIA
from screener.eligibility import load_dir, screen
from screener.eligibility.fields import THERAPIES
from screener.profile import validate_profile

TRIALS = load_dir(BUNDLED_CRITERIA)

ages = st.builds(lambda y, m, with_m: {"years": y, **({"months": m} if with_m else {})},
                 st.integers(0, 90), st.integers(0, 11), st.booleans())
therapy = st.builds(
    lambda t, since, outcome: {"therapy": t,
                               **({"months_since_last_dose": since} if since is not None else {}),
                               **({"outcome": outcome} if outcome else {})},
    st.sampled_from(THERAPIES), st.one_of(st.none(), st.integers(0, 60)),
    st.one_of(st.none(), st.sampled_from(["responded", "refractory", "intolerant"])))
booleans = st.booleans()

FIELDS = {
    "age": ages,
    "age_at_diagnosis": ages,
    "sex": st.sampled_from(["female", "male"]),
    "diagnosis": st.sampled_from(["b_all", "t_all", "mixed_phenotype", "lymphoblastic_lymphoma",
                                  "other"]),
    "early_t_precursor": booleans,
    "disease_status": st.sampled_from(["newly_diagnosed", "relapsed", "refractory"]),
    "relapse_count": st.integers(0, 4),
    "months_from_diagnosis_to_relapse": st.integers(0, 80),
    "in_remission": booleans,
    "marrow_blasts_percent": st.integers(0, 100),
    "mrd": st.fixed_dictionaries({}, optional={"status": st.sampled_from(["positive", "negative"]),
                                               "level": st.sampled_from([0, 1e-4, 1e-3, 0.01, 0.1])}),
    "philadelphia_chromosome": st.sampled_from(["positive", "negative"]),
    "genetics": st.fixed_dictionaries({}, optional={k: booleans for k in (
        "kmt2a_rearranged", "ph_like", "etv6_runx1", "high_hyperdiploid", "hypodiploid", "iamp21",
        "tcf3_pbx1", "abl1_t315i")}),
    "cd19": st.sampled_from(["positive", "negative"]),
    "cd22": st.sampled_from(["positive", "negative"]),
    "cns_status": st.sampled_from(["cns1", "cns2", "cns3"]),
    "isolated_extramedullary_relapse": booleans,
    "prior_therapies": st.lists(therapy, max_size=4),
    "active_gvhd": booleans,
    "performance_status": st.one_of(
        st.builds(lambda s: {"scale": "ecog", "score": s}, st.integers(0, 5)),
        st.builds(lambda s, k: {"scale": k, "score": s}, st.sampled_from(range(0, 101, 10)),
                  st.sampled_from(["karnofsky", "lansky"]))),
    "down_syndrome": booleans,
    "seizure_disorder": booleans,
    "pregnant_or_breastfeeding": booleans,
    "infections": st.fixed_dictionaries({}, optional={k: booleans for k in (
        "hiv", "hepatitis_b", "hepatitis_c", "uncontrolled_infection")}),
    "organ_function": st.fixed_dictionaries({}, optional={
        "creatinine_clearance_ml_min": st.integers(10, 150), "bilirubin_x_uln": st.integers(0, 5),
        "alt_x_uln": st.integers(0, 10), "ast_x_uln": st.integers(0, 10),
        "lvef_percent": st.integers(20, 75)}),
}

profiles = st.fixed_dictionaries({"profile_version": st.just(1)}, optional=FIELDS)


REQUIRED_PARTS = {("age", "years"), ("age_at_diagnosis", "years"),
                  ("performance_status", "scale"), ("performance_status", "score")}


def removals(profile):
    """Every profile obtained by removing exactly one answer."""
    for key, value in profile.items():
        if key == "profile_version":
            continue
        smaller = {k: v for k, v in profile.items() if k != key}
        yield key, smaller
        if isinstance(value, dict):
            # Required parts (age.years, performance_status.scale/score) are not
            # answers on their own: removing them would break the contract.
            for sub in [s for s in value if (key, s) not in REQUIRED_PARTS]:
                yield f"{key}.{sub}", {**smaller, key: {k: v for k, v in value.items() if k != sub}}
        if key == "prior_therapies":
            for i, item in enumerate(value):
                for sub in ("months_since_last_dose", "outcome"):
                    if sub in item:
                        items = [dict(x) for x in value]
                        del items[i][sub]
                        yield f"{key}[{i}].{sub}", {**smaller, key: items}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(profiles)
def test_removing_an_answer_never_flips_an_outcome(profile):
    """met can become unknown (or not_screened), never not_met; and the other way round."""
    validate_profile(profile)
    for trial in TRIALS:
        before = {c.id: c.outcome for c in screen(profile, trial).criteria}
        for removed, smaller in removals(profile):
            after = {c.id: c.outcome for c in screen(smaller, trial).criteria}
            for cid, was in before.items():
                if was in ("met", "not_met"):
                    assert after[cid] in (was, "unknown", "not_screened"), (
                        trial.id, cid, removed, was, after[cid])
