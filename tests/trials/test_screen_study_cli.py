"""`screener screen --study FILE` (contract): registry records screened through the reader."""

import json
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from screener.cli import screen_command

DATA = Path(__file__).parent / "data"
STUDIES = sorted((DATA / "studies").glob("*.json"))
PROFILES = Path(__file__).resolve().parents[1] / "data" / "example_profiles"
RESULT_SCHEMA = json.loads(
    resources.files("screener.schemas").joinpath("screening-result.schema.json").read_text())
PROFILE = {"profile_version": 1, "age": {"years": 9, "months": 4}, "sex": "female",
           "diagnosis": "b_all", "disease_status": "relapsed", "relapse_count": 2,
           "philadelphia_chromosome": "negative", "cd19": "positive", "cns_status": "cns1",
           "prior_therapies": [{"therapy": "multiagent_chemotherapy", "months_since_last_dose": 2}],
           "infections": {"hiv": False}}


@pytest.fixture
def profile(tmp_path):
    path = tmp_path / "profile.json"
    path.write_text(json.dumps(PROFILE))
    return path


def run(*args):
    return CliRunner().invoke(screen_command, [str(a) for a in args])


def test_every_shared_study_gives_contract_results(profile):
    """All 96 shared studies screen in one call; every result validates against the schema."""
    args = ["--patient", profile, "--json"]
    for path in STUDIES:
        args += ["--study", path]
    result = run(*args)
    assert result.exit_code == 0, result.output
    results = json.loads(result.output)
    assert [r["trial"]["id"] for r in results] == [p.stem for p in STUDIES]
    for r in results:
        jsonschema.validate(r, RESULT_SCHEMA)
        assert r["trial"]["source"] == "ctgov"


@pytest.mark.parametrize("patient", sorted(PROFILES.glob("*.json")), ids=lambda p: p.name)
def test_shared_profiles_against_eliana_record(patient):
    """The contract's example profiles screen against a registry record with valid results."""
    result = run("--patient", patient, "--study", DATA / "studies" / "NCT02435849.json", "--json")
    assert result.exit_code == 0, result.output
    jsonschema.validate(json.loads(result.output)[0], RESULT_SCHEMA)


def test_registry_reading_decides_criteria(profile):
    """Read rules take part: the ELIANA record's structured age and Ph/HIV items are judged."""
    result = run("--patient", profile, "--study", DATA / "studies" / "NCT02435849.json", "--json")
    outcomes = {c["text"]: c["outcome"] for c in json.loads(result.output)[0]["criteria"]}
    assert outcomes["Minimum Age: 3 Years. Maximum Age: 30 Years."] == "met"
    assert outcomes["Human Immunodeficiency Virus (HIV) positive test within 8 weeks of "
                    "screening"] == "met"
    assert outcomes["Life expectancy > 12 weeks."] == "not_screened"


def test_single_study_body_file(profile):
    """The body of /studies/{nctId} is accepted as a study file."""
    result = run("--patient", profile, "--study", DATA / "responses" /
                 "biomcp-get_nct02576665_20260811.json", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)[0]["trial"]["id"] == "NCT02576665"


@pytest.mark.parametrize(("content", "words"), [
    ("{not json", "not valid JSON"),
    ('{"studies": [], "totalCount": 0}', "page of search results"),
    ('{"format": 1, "trial": {}}', "protocolSection"),
    ("[1, 2]", "JSON object"),
])
def test_not_a_study_file_exits_2_naming_file_and_problem(profile, tmp_path, content, words):
    """A file that is not one study record exits 2 and names the file and the problem."""
    bad = tmp_path / "bad-study.json"
    bad.write_text(content)
    result = run("--patient", profile, "--study", bad, "--json")
    assert result.exit_code == 2
    assert "bad-study.json" in result.output and words in result.output


def test_missing_study_file_exits_2(profile, tmp_path):
    """A study path that does not exist exits 2 naming it."""
    result = run("--patient", profile, "--study", tmp_path / "nope.json")
    assert result.exit_code == 2 and "nope.json" in result.output


def test_text_output_names_the_trial(profile):
    """Without --json the verdict line names the registry trial."""
    result = run("--patient", profile, "--study", DATA / "studies" / "NCT02435849.json")
    assert result.exit_code == 0 and result.output.startswith("NCT02435849  ")
