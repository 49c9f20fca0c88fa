"""The `screener screen` command line as the contract states it."""

import json
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from screener.cli import main
from screener.config import BUNDLED_CRITERIA
from screener.eligibility.loader import criteria_files

EXAMPLES = sorted((Path(__file__).parent / "data" / "example_profiles").glob("*.json"))
RESULT_SCHEMA = json.loads(
    resources.files("screener.schemas").joinpath("screening-result.schema.json").read_text())


def run(*args):
    return CliRunner().invoke(main, list(args))


def test_shared_examples_exist():
    """The contract's example profiles are where the tests expect them."""
    assert len(EXAMPLES) >= 4


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_screen_all_prints_contract_results_for_every_curated_trial(path):
    """--all --json prints one contract-shaped result per curated trial and exits 0."""
    result = run("screen", "--patient", str(path), "--all", "--json")
    assert result.exit_code == 0, result.output
    results = json.loads(result.output)
    assert sorted(r["trial"]["id"] for r in results) == sorted(
        p.stem for p in criteria_files(BUNDLED_CRITERIA))
    for r in results:
        jsonschema.validate(r, RESULT_SCHEMA)


def test_screen_one_trial():
    """--trial screens against that curated trial only."""
    result = run("screen", "--patient", str(EXAMPLES[0]), "--trial", "NCT02435849", "--json")
    assert result.exit_code == 0
    assert [r["trial"]["id"] for r in json.loads(result.output)] == ["NCT02435849"]


def test_profile_breaking_the_schema_exits_2_naming_the_field(tmp_path):
    """A profile that breaks the contract exits 2 and names the field."""
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"age": {"years": 3, "months": 14}}))
    result = run("screen", "--patient", str(bad), "--all", "--json")
    assert result.exit_code == 2
    assert "age.months: 14 is greater than the maximum of 11" in result.output


def test_unknown_trial_exits_2():
    """A trial without a criteria file is named, exit 2."""
    result = run("screen", "--patient", str(EXAMPLES[0]), "--trial", "NCT99999999", "--json")
    assert result.exit_code == 2
    assert "NCT99999999" in result.output


def test_exactly_one_source_of_trials():
    """--trial, --study and --all are mutually exclusive and one is required."""
    assert run("screen", "--patient", str(EXAMPLES[0]), "--json").exit_code == 2
    assert run("screen", "--patient", str(EXAMPLES[0]), "--all", "--trial", "NCT02435849").exit_code == 2


#: A newly diagnosed four-year-old with every answer Total Therapy XVII (NCT03117751) checks:
#: at least one curated trial comes out likely eligible (none of EXAMPLES does).
LIKELY_CHILD = {"profile_version": 1, "age": {"years": 4}, "sex": "female", "diagnosis": "b_all",
                "disease_status": "newly_diagnosed", "age_at_diagnosis": {"years": 4},
                "relapse_count": 0, "prior_therapies": [], "down_syndrome": False,
                "pregnant_or_breastfeeding": False,
                "performance_status": {"scale": "ecog", "score": 0},
                "location": {"zip": "11030", "country": "United States", "max_travel_miles": 50}}


def test_human_output_says_likely_never_plain_eligible(tmp_path):
    """Without --json a likely-eligible verdict is worded for people, with the study team
    caveat, and no line calls anyone plainly eligible."""
    path = tmp_path / "likely.json"
    path.write_text(json.dumps(LIKELY_CHILD))
    verdicts = {r["trial"]["id"]: r["verdict"]
                for r in json.loads(run("screen", "--patient", str(path), "--all", "--json").output)}
    likely = sorted(t for t, v in verdicts.items() if v == "likely_eligible")
    assert "NCT03117751" in likely  # the profile really yields a likely-eligible line
    result = run("screen", "--patient", str(path), "--all")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    for trial_id in likely:
        (heading,) = [line for line in lines if line.startswith(f"{trial_id}  ")]
        assert "Likely eligible — the study team confirms" in heading, heading
    for heading in (line for line in lines if line.startswith("NCT")):
        words = heading.split("  ")[1]  # "NCT...  <verdict words>  — <title>"
        if "eligible" in words.lower() and "not eligible" not in words.lower():
            assert words == "Likely eligible — the study team confirms", heading
