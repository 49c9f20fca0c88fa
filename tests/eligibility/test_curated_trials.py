"""Every curated trial screens its hand-read example profiles to the expected verdicts.

The cases live in tests/eligibility/trial_cases/<NCT>.yaml, one file per
criteria file, with at least one likely_eligible, one needs_review and one
not_eligible profile each; expectations come from reading the verbatim text.
"""

from pathlib import Path

import pytest
import yaml

from screener.config import BUNDLED_CRITERIA
from screener.eligibility import load_dir, screen
from screener.profile import validate_profile

CASES_DIR = Path(__file__).parent / "trial_cases"
TRIALS = {t.id: t for t in load_dir(BUNDLED_CRITERIA)}


def _cases():
    for path in sorted(CASES_DIR.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for case in data["cases"]:
            yield pytest.param(data["trial"], case, id=f"{data['trial']}: {case['name']}")


def test_every_curated_trial_has_three_kinds_of_case():
    """Each criteria file has cases covering all three verdicts."""
    covered = {}
    for path in CASES_DIR.glob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        covered[data["trial"]] = {c["expect"] for c in data["cases"]}
    for trial_id in TRIALS:
        assert covered.get(trial_id, set()) >= {"likely_eligible", "needs_review", "not_eligible"}, (
            f"{trial_id} lacks cases for some verdicts")


@pytest.mark.parametrize(("trial_id", "case"), list(_cases()))
def test_case_verdict(trial_id, case):
    """The verdict and the pinned criterion outcomes are the ones read from the text."""
    result = screen(validate_profile(case["profile"]), TRIALS[trial_id])
    outcomes = {c.id: c.outcome for c in result.criteria}
    for criterion_id, expected in (case.get("outcomes") or {}).items():
        assert criterion_id in outcomes, f"no criterion {criterion_id}"
        assert outcomes[criterion_id] == expected, (criterion_id, result.to_dict())
    assert result.verdict == case["expect"], [
        (c.id, c.outcome, c.because) for c in result.criteria if c.outcome in ("not_met", "unknown")]
    if "missing" in case:
        assert result.missing_answers == case["missing"]
