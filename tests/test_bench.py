"""The engine benchmark's hand-written floor still implements the same rules as the engine.

If a change to criteria/NCT02435849.yaml is not mirrored in bench/engine.py, the
benchmark would compare two different things; this keeps it honest.
"""

import importlib.util
from pathlib import Path

from screener.config import BUNDLED_CRITERIA
from screener.eligibility import load_file, quick_verdict, screen

BENCH = Path(__file__).resolve().parents[1] / "bench" / "engine.py"


def _bench():
    spec = importlib.util.spec_from_file_location("bench_engine", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_floor_agrees_with_the_engine_on_generated_profiles():
    """On 2,000 generated profiles the floor's verdict equals the engine's, both paths."""
    bench = _bench()
    eliana = load_file(BUNDLED_CRITERIA / "NCT02435849.yaml")
    import yaml

    cases = yaml.safe_load((Path(__file__).parent / "eligibility" / "trial_cases" /
                            "NCT02435849.yaml").read_text(encoding="utf-8"))["cases"]
    profiles = bench.generate(2000, seed=7) + [c["profile"] for c in cases]
    verdicts = {bench.eliana_by_hand(p) for p in profiles}
    assert verdicts == {"likely_eligible", "needs_review", "not_eligible"}  # all paths exercised
    for p in profiles:
        assert bench.eliana_by_hand(p) == quick_verdict(p, eliana) == screen(p, eliana).verdict, p
