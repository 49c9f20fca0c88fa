"""The `screener screen` command line as the contract states it."""

import json
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from screener.cli import main
from screener.config import BUNDLED_CRITERIA
from screener.eligibility import load_dir
from screener.eligibility.loader import criteria_files

EXAMPLES = sorted((Path(__file__).parent / "data" / "example_profiles").glob("*.json"))
RESULT_SCHEMA = json.loads(
    resources.files("screener.schemas").joinpath("screening-result.schema.json").read_text())


def run(*args):
    return CliRunner().invoke(main, list(args))


@pytest.fixture(autouse=True)
def _own_database(tmp_path, monkeypatch):
    """Commands that open the app (--all reads the registry snapshot) use a database of
    their own, not instance/ in the checkout."""
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("SECRET_KEY", "test-secret")


def test_shared_examples_exist():
    """The contract's example profiles are where the tests expect them."""
    assert len(EXAMPLES) >= 4


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_screen_all_prints_contract_results_for_every_open_curated_trial(path):
    """--all --json (no registry snapshot) prints one contract-shaped result per curated trial
    open to enrolment, as the API screens by default, and exits 0."""
    result = run("screen", "--patient", str(path), "--all", "--json")
    assert result.exit_code == 0, result.output
    results = json.loads(result.stdout)
    curated = load_dir(BUNDLED_CRITERIA)
    assert sorted(r["trial"]["id"] for r in results) == sorted(
        t.id for t in curated if t.recruiting)
    assert any(not t.recruiting for t in curated)  # so the filter is tested
    for r in results:
        jsonschema.validate(r, RESULT_SCHEMA)


def test_screen_all_include_closed_screens_every_curated_trial():
    """--all --include-closed screens every curated file, whatever its status."""
    result = run("screen", "--patient", str(EXAMPLES[0]), "--all", "--include-closed", "--json")
    assert result.exit_code == 0, result.output
    assert sorted(r["trial"]["id"] for r in json.loads(result.stdout)) == sorted(
        p.stem for p in criteria_files(BUNDLED_CRITERIA))


def test_include_closed_goes_with_all_only():
    """--include-closed with --trial is refused (named trials are screened whatever their status)."""
    result = run("screen", "--patient", str(EXAMPLES[0]), "--trial", "NCT02435849",
                 "--include-closed")
    assert result.exit_code == 2 and "--include-closed" in result.output


def test_screen_help_says_what_all_screens():
    """--help says --all takes curated and registry trials, open ones unless --include-closed."""
    text = " ".join(run("screen", "--help").output.split())
    assert "registry snapshot" in text and "open to enrolment" in text
    assert "--include-closed" in text


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
                for r in json.loads(run("screen", "--patient", str(path), "--all", "--json").stdout)}
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


ROOT = Path(__file__).resolve().parents[1]


def test_screen_help_points_at_files_of_this_project():
    """Every file `screener screen --help` names exists in the project (no shared/contracts)."""
    import re

    result = run("screen", "--help")
    assert result.exit_code == 0
    # undo click's line wrapping (it also breaks lines after a hyphen)
    text = re.sub(r"(?<=-)\s+", "", " ".join(result.output.split()))
    named = re.findall(r"[\w./-]+\.(?:json|md)\b", text)
    assert "screener/schemas/patient-profile.schema.json" in named
    assert "README.md" in named
    assert "shared/contracts" not in text
    for path in named:
        assert (ROOT / path).is_file(), path


def test_missing_profile_file_is_named_not_called_a_contract_breach(tmp_path):
    """A profile path that does not exist says so, naming the path; exit 2."""
    missing = tmp_path / "no-such-profile.json"
    result = run("screen", "--patient", str(missing), "--all", "--json")
    assert result.exit_code == 2
    assert "does not exist" in result.output and "no-such-profile.json" in result.output
    assert "breaks the contract" not in result.output


PROJECT_COMMANDS = ["screen", "check-criteria", "sync", "draft-criteria", "purge"]


def test_top_level_help_lists_the_project_commands_first():
    """`screener --help` leads with the project's commands; Flask's come after, apart."""
    result = run("--help")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    start = lines.index("Commands:")
    listed = [line.split()[0] for line in lines[start + 1:] if line.startswith("  ")]
    assert listed[:len(PROJECT_COMMANDS)] == PROJECT_COMMANDS
    # Flask's development commands are not in the project's list; they are named after it.
    assert not {"run", "shell", "routes", "db"} & set(listed[:len(PROJECT_COMMANDS)])
    rest = "\n".join(lines[start + 1 + len(PROJECT_COMMANDS):])
    assert "run" in rest and "db" in rest


def test_top_level_help_loads_neither_the_app_nor_the_engine():
    """`screener --help` answers without creating the app or importing the engine (fast)."""
    import subprocess
    import sys

    code = ("import sys\n"
            "from screener.cli import main\n"
            "try:\n"
            "    main(['--help'])\n"
            "except SystemExit:\n"
            "    pass\n"
            "heavy = [m for m in ('screener.eligibility', 'screener.models', 'jsonschema',"
            " 'sqlalchemy', 'flask_sqlalchemy', 'screener.api') if m in sys.modules]\n"
            "print('HEAVY', heavy)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60, check=True, cwd=ROOT).stdout
    assert "HEAVY []" in out, out


def test_flask_commands_still_work_through_screener(tmp_path):
    """`screener routes` (a Flask command) still runs, loading the app only then."""
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'r.db'}", "SECRET_KEY": "test-secret"}
    result = CliRunner().invoke(main, ["routes"], env=env)
    assert result.exit_code == 0, result.output
    assert "/api/v1/screen" in result.output
