"""Engine benchmark: generated profiles against every curated trial, beside a hand-written floor.

Prints
- pairs/s for the engine's verdict path (compiled rules) over all curated trials;
- pairs/s for the engine and for a hand-written Python function evaluating the
  same rules for one trial (ELIANA, NCT02435849) -- the floor -- and the ratio
  (target: the engine within 3x of the floor);
- pairs/s for the full explained screening (what the API and pages use);
- time to screen one profile against 1,000 trials (target: under 20 ms).
The hand-written function is checked to agree with the engine on every profile,
so the comparison is between two implementations of the same rules. Each target
prints "met" or "MISSED" (the 1,000-trial figures are judged on their median);
``--strict`` exits 1 on a miss.

usage: python bench/engine.py [--profiles 10000] [--seed 1] [--strict]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from targets import Targets, add_strict_option  # noqa: E402

from screener.config import BUNDLED_CRITERIA  # noqa: E402
from screener.eligibility import load_dir, quick_verdict, screen  # noqa: E402
from screener.eligibility.fields import THERAPIES  # noqa: E402

MET, NOT_SCREENED, UNKNOWN, NOT_MET = 0, 1, 2, 3


def generate(n: int, seed: int) -> list[dict]:
    """n random contract profiles, each field present with probability 0.7."""
    rng = random.Random(seed)

    def maybe(p=0.7):
        return rng.random() < p

    out = []
    for _ in range(n):
        p: dict = {"profile_version": 1}
        if maybe(0.95):
            p["age"] = {"years": rng.randint(0, 85)}
            if maybe():
                p["age"]["months"] = rng.randint(0, 11)
        if maybe():
            p["age_at_diagnosis"] = {"years": rng.randint(0, 80)}
        if maybe():
            p["sex"] = rng.choice(["female", "male"])
        if maybe():
            p["diagnosis"] = rng.choice(["b_all", "b_all", "t_all", "mixed_phenotype"])
        if maybe():
            p["disease_status"] = rng.choice(["newly_diagnosed", "relapsed", "refractory"])
        if maybe():
            p["relapse_count"] = rng.randint(0, 3)
        if maybe():
            p["marrow_blasts_percent"] = rng.randint(0, 95)
        if maybe():
            p["philadelphia_chromosome"] = rng.choice(["positive", "negative"])
        for key in ("cd19", "cd22"):
            if maybe():
                p[key] = rng.choice(["positive", "negative"])
        if maybe():
            p["cns_status"] = rng.choice(["cns1", "cns2", "cns3"])
        for key in ("isolated_extramedullary_relapse", "active_gvhd", "down_syndrome",
                    "pregnant_or_breastfeeding", "in_remission"):
            if maybe():
                p[key] = rng.random() < 0.2
        if maybe():
            p["prior_therapies"] = [
                {"therapy": rng.choice(THERAPIES),
                 **({"months_since_last_dose": rng.randint(0, 48)} if maybe() else {}),
                 **({"outcome": rng.choice(["responded", "refractory", "intolerant"])}
                    if maybe(0.3) else {})}
                for _ in range(rng.randint(0, 4))]
        if maybe():
            p["performance_status"] = rng.choice(
                [{"scale": "ecog", "score": rng.randint(0, 4)},
                 {"scale": "karnofsky", "score": rng.randrange(30, 101, 10)},
                 {"scale": "lansky", "score": rng.randrange(30, 101, 10)}])
        if maybe():
            p["infections"] = {k: rng.random() < 0.1 for k in
                               ("hiv", "hepatitis_b", "hepatitis_c", "uncontrolled_infection")
                               if maybe()}
        if maybe(0.3):
            p["organ_function"] = {"alt_x_uln": rng.randint(0, 8),
                                   "lvef_percent": rng.randint(35, 70)}
        if maybe(0.4):
            p["mrd"] = {"status": rng.choice(["positive", "negative"])}
        out.append(p)
    return out


# ------------------------------------------------------------------ the floor
_ECOG_TO_KPS = {0: (90, 100), 1: (70, 80), 2: (50, 60), 3: (30, 40), 4: (10, 20), 5: (0, 0)}
_TKIS = {"imatinib", "dasatinib", "nilotinib", "ponatinib", "asciminib"}


def _and(*codes):
    return max(codes)


def _or(*codes):
    if MET in codes:
        return MET
    if UNKNOWN in codes:
        return UNKNOWN
    if NOT_SCREENED in codes:
        return NOT_SCREENED
    return NOT_MET


def _b(value, want=True):
    return UNKNOWN if value is None else (MET if value is want else NOT_MET)


def eliana_by_hand(p: dict) -> str:
    """ELIANA's rules (criteria/NCT02435849.yaml) written out by hand: the floor."""
    age = p.get("age")
    if age is None:
        age_ok = UNKNOWN
    else:
        age_ok = MET if 3 <= age["years"] <= 30 else NOT_MET
    status = p.get("disease_status")
    diag = p.get("diagnosis")
    therapies = p.get("prior_therapies")
    names = None if therapies is None else {t["therapy"] for t in therapies}

    def organ():
        values = p.get("organ_function") or {}
        alt, lvef = values.get("alt_x_uln"), values.get("lvef_percent")
        return _and(NOT_SCREENED if alt is None else (MET if alt <= 5 else NOT_MET),
                    _or(NOT_SCREENED if lvef is None else (MET if lvef >= 45 else NOT_MET),
                        NOT_SCREENED))

    def age_at_dx():
        dx = p.get("age_at_diagnosis")
        return _and(age_ok if age is None else (MET if age["years"] >= 3 else NOT_MET),
                    UNKNOWN if dx is None else (MET if dx["years"] <= 21 else NOT_MET))

    def performance():
        ps = p.get("performance_status")
        if ps is None:
            return UNKNOWN
        lo, hi = (_ECOG_TO_KPS[ps["score"]] if ps["scale"] == "ecog"
                  else (ps["score"], ps["score"]))
        return MET if lo >= 50 else NOT_MET if hi < 50 else UNKNOWN

    def hsct_6mo():
        if therapies is None:
            return UNKNOWN
        result = NOT_MET
        for t in therapies:
            if t["therapy"] == "allogeneic_hsct":
                since = t.get("months_since_last_dose")
                if since is None:
                    result = UNKNOWN
                elif since >= 6:
                    return MET
        return result

    def tki_intolerant():
        if therapies is None:
            return UNKNOWN
        result = NOT_MET
        for t in therapies:
            if t["therapy"] in _TKIS:
                if t.get("outcome") is None:
                    result = UNKNOWN
                elif t["outcome"] == "intolerant":
                    return MET
        return result

    rc = p.get("relapse_count")
    ph = p.get("philadelphia_chromosome")
    # Criteria in file order, straight-line, returning at the first not_met,
    # as a careful hand-written screen would.
    undecided = age_ok == UNKNOWN
    if age_ok == NOT_MET:
        return "not_eligible"
    c = _and(UNKNOWN if diag is None else (MET if diag == "b_all" else NOT_MET),
             UNKNOWN if status is None else (MET if status in ("relapsed", "refractory")
                                             else NOT_MET))
    if c == NOT_MET:
        return "not_eligible"
    c = _and(c, _or(UNKNOWN if rc is None else (MET if rc >= 2 else NOT_MET),
                    hsct_6mo(),
                    UNKNOWN if status is None else (MET if status == "refractory" else NOT_MET),
                    _and(UNKNOWN if ph is None else (MET if ph == "positive" else NOT_MET),
                         _or(UNKNOWN if names is None else (MET if len(names & _TKIS) >= 2
                                                            else NOT_MET),
                             tki_intolerant(), NOT_SCREENED)),
                    NOT_SCREENED))
    undecided |= c == UNKNOWN
    cd19 = p.get("cd19")
    c = _or(_and(UNKNOWN if status is None else (MET if status == "refractory" else NOT_MET),
                 UNKNOWN if rc is None else (MET if rc <= 0 else NOT_MET)),
            UNKNOWN if cd19 is None else (MET if cd19 == "positive" else NOT_MET))
    if c == NOT_MET:
        return "not_eligible"
    undecided |= c == UNKNOWN
    if organ() == NOT_MET:
        return "not_eligible"
    blasts = p.get("marrow_blasts_percent")
    if blasts is None:
        undecided = True
    elif blasts < 5:
        return "not_eligible"
    c = age_at_dx()
    if c == NOT_MET:
        return "not_eligible"
    undecided |= c == UNKNOWN
    c = performance()
    if c == NOT_MET:
        return "not_eligible"
    undecided |= c == UNKNOWN
    infections = p.get("infections") or {}
    for value in (p.get("isolated_extramedullary_relapse"),):
        if value is None:
            undecided = True
        elif value:
            return "not_eligible"
    if names is None:
        undecided = True
    elif names & {"cd19_car_t", "cd22_car_t", "other_car_t", "blinatumomab"}:
        return "not_eligible"
    c = _or(_b(infections.get("hepatitis_b")), _b(infections.get("hepatitis_c")),
            _b(infections.get("uncontrolled_infection")), NOT_SCREENED)
    if c == MET:
        return "not_eligible"
    undecided |= c == UNKNOWN
    value = infections.get("hiv")
    if value is None:
        undecided = True
    elif value:
        return "not_eligible"
    if p.get("active_gvhd") is None:  # a "yes" has no grade: left to the study team
        undecided = True
    cns = p.get("cns_status")
    if cns is None:
        undecided = True
    elif cns == "cns3":
        return "not_eligible"
    value = p.get("pregnant_or_breastfeeding")
    if value is None:
        undecided = True
    elif value:
        return "not_eligible"
    return "needs_review" if undecided else "likely_eligible"


def rate(fn, items, repeat=3) -> float:
    """Best-of-``repeat`` items per second for fn over items."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for item in items:
            fn(item)
        best = min(best, time.perf_counter() - start)
    return len(items) / best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--profiles", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    add_strict_option(parser)
    args = parser.parse_args()
    targets = Targets()

    trials = load_dir(BUNDLED_CRITERIA)
    profiles = generate(args.profiles, args.seed)
    eliana = next(t for t in trials if t.id == "NCT02435849")
    print(f"{len(profiles):,} generated profiles, {len(trials)} curated trials")

    disagree = sum(quick_verdict(p, eliana) != eliana_by_hand(p) for p in profiles)
    full_disagree = sum(screen(p, eliana).verdict != eliana_by_hand(p) for p in profiles)
    print(f"hand-written floor agrees with the engine on {len(profiles) - disagree:,} of "
          f"{len(profiles):,} profiles (full screen: {len(profiles) - full_disagree:,})")
    if disagree or full_disagree:
        sys.exit("the floor and the engine disagree: the comparison would be meaningless")

    pairs = [(p, t) for p in profiles for t in trials]
    engine_all = rate(lambda pt: quick_verdict(*pt), pairs, repeat=1)
    print(f"engine, verdict path, all trials:   {engine_all:12,.0f} pairs/s")

    engine_one = rate(lambda p: quick_verdict(p, eliana), profiles)
    floor_one = rate(eliana_by_hand, profiles)
    print(f"engine, verdict path, ELIANA:       {engine_one:12,.0f} pairs/s")
    print(f"hand-written floor, ELIANA:         {floor_one:12,.0f} pairs/s")
    ratio = floor_one / engine_one
    targets.check(f"ratio floor/engine:                 {ratio:12.2f}x  (target <= 3x)", ratio <= 3)

    sample = [(p, t) for p in profiles[:1000] for t in trials]
    outcomes = rate(lambda pt: screen(*pt), sample, repeat=1)
    full = rate(lambda pt: screen(*pt).to_dict(), sample, repeat=1)
    print(f"engine, screen (outcomes + missing answers): {outcomes:10,.0f} pairs/s")
    print(f"engine, contract JSON with every because:    {full:10,.0f} pairs/s")

    thousand = [trials[i % len(trials)] for i in range(1000)]
    timings: dict[str, list[float]] = {"verdicts": [], "screen": [], "contract JSON": []}
    for p in profiles[:50]:
        for label, fn in (("verdicts", quick_verdict), ("screen", screen),
                          ("contract JSON", lambda p, t: screen(p, t).to_dict())):
            start = time.perf_counter()
            for t in thousand:
                fn(p, t)
            timings[label].append((time.perf_counter() - start) * 1000)
    for label, ms in timings.items():
        median = statistics.median(ms)
        targets.check(f"one profile x 1,000 trials, {label + ':':14} median "
                      f"{median:6.1f} ms, max {max(ms):6.1f} ms  (target < 20 ms)", median < 20)
    return targets.exit_code(args.strict)


if __name__ == "__main__":
    raise SystemExit(main())
