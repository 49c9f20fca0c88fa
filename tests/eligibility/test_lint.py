"""Each named linter check, with a passing and a failing fixture; start-up and CLI refuse broken files."""

import copy

import pytest
import yaml

from screener import create_app
from screener.cli import main
from screener.eligibility import CriteriaError
from screener.eligibility.lint import lint_data
from screener.eligibility.loader import lint_file

BASE = {
    "format": 1,
    "trial": {
        "id": "NCT00000001", "title": "A trial", "status": "RECRUITING",
        "status_checked": "2026-01-01", "minimum_age": "1 Year", "maximum_age": "21 Years",
        "source": {"record": "test"},
    },
    "criteria": [
        {"id": "age", "kind": "inclusion", "text": "Minimum Age: 1 Year. Maximum Age: 21 Years.",
         "plain": {"en": "Aged 1 to 21."},
         "rule": {"all": [{"field": "age", "op": "age_at_least", "value": "1 Year"},
                          {"field": "age", "op": "age_at_most", "value": "21 Years"}]}},
        {"id": "relapsed", "kind": "inclusion", "text": "Relapsed ALL",
         "plain": {"en": "ALL that came back."},
         "rule": {"field": "disease_status", "op": "eq", "value": "relapsed"}},
    ],
}


def with_rule(rule):
    data = copy.deepcopy(BASE)
    data["criteria"][1]["rule"] = rule
    return data


def edited(fn):
    data = copy.deepcopy(BASE)
    fn(data)
    return data


# (check, passing fixture, failing fixture)
FIXTURES = [
    ("schema", BASE, edited(lambda d: d["trial"].update(id="12345"))),
    ("schema", BASE, edited(lambda d: d["criteria"][1].update(kind="maybe"))),
    ("duplicate-id", BASE, edited(lambda d: d["criteria"][1].update(id="age"))),
    ("missing-verbatim-text", BASE, edited(lambda d: d["criteria"][1].update(text="  "))),
    ("missing-verbatim-text", BASE, edited(lambda d: d["criteria"][1].pop("text"))),
    ("unknown-field", BASE,
     with_rule({"field": "favourite_colour", "op": "eq", "value": "blue"})),
    ("unknown-operator", BASE,
     with_rule({"field": "disease_status", "op": "equals", "value": "relapsed"})),
    ("operator-wrong-for-field",
     with_rule({"field": "relapse_count", "op": "gte", "value": 2}),
     with_rule({"field": "disease_status", "op": "gte", "value": 2})),
    ("operator-wrong-for-field",
     with_rule({"field": "down_syndrome", "op": "is", "value": True}),
     with_rule({"field": "down_syndrome", "op": "eq", "value": True})),
    ("bad-value", BASE,
     with_rule({"field": "disease_status", "op": "eq", "value": "relapse"})),
    ("bad-value",
     with_rule({"field": "prior_therapies", "op": "received", "value": ["blinatumomab"]}),
     with_rule({"field": "prior_therapies", "op": "received", "value": ["blincyto"]})),
    ("bad-value",
     with_rule({"field": "marrow_blasts_percent", "op": "gte", "value": 5}),
     with_rule({"field": "marrow_blasts_percent", "op": "gte", "value": "5"})),
    ("bad-value",
     with_rule({"field": "performance_status", "op": "performance_at_most",
                "value": {"scale": "ecog", "score": 2}}),
     with_rule({"field": "performance_status", "op": "performance_at_most",
                "value": {"scale": "ecog", "score": 20}})),
    ("impossible-range",
     with_rule({"field": "marrow_blasts_percent", "op": "between", "value": [5, 100]}),
     with_rule({"field": "marrow_blasts_percent", "op": "between", "value": [50, 5]})),
    ("impossible-range",
     with_rule({"all": [{"field": "relapse_count", "op": "gte", "value": 1},
                        {"field": "relapse_count", "op": "lte", "value": 2}]}),
     with_rule({"all": [{"field": "relapse_count", "op": "gte", "value": 3},
                        {"field": "relapse_count", "op": "lt", "value": 3}]})),
    ("impossible-range",
     with_rule({"all": [{"field": "age_at_diagnosis", "op": "age_at_least", "value": "1 Year"},
                        {"field": "age_at_diagnosis", "op": "age_at_most", "value": "1 Year"}]}),
     with_rule({"all": [{"field": "age_at_diagnosis", "op": "age_at_least", "value": "2 Years"},
                        {"field": "age_at_diagnosis", "op": "age_at_most", "value": "1 Year"}]})),
    ("empty-group",
     with_rule({"any": [{"field": "relapse_count", "op": "gte", "value": 2}]}),
     with_rule({"any": []})),
    ("empty-group",
     with_rule({"at_least": 1, "of": [{"field": "relapse_count", "op": "gte", "value": 2}]}),
     with_rule({"at_least": 2, "of": [{"field": "relapse_count", "op": "gte", "value": 2}]})),
    ("bad-node",
     with_rule({"not": {"field": "relapse_count", "op": "gte", "value": 2}}),
     with_rule({"either": [{"field": "relapse_count", "op": "gte", "value": 2}]})),
    ("bad-node",
     with_rule({"any": [{"not_screened": "ineligible for transplant"}]}),
     with_rule({"any": [{"not_screened": ""}]})),
    ("registry-age", BASE, edited(lambda d: d["trial"].update(minimum_age="one year"))),
    ("age-disagrees-with-registry", BASE,
     edited(lambda d: d["criteria"][0]["rule"]["all"][1].update(value="18 Years"))),
    ("age-disagrees-with-registry",
     edited(lambda d: d["criteria"][0]["rule"]["all"][0].update(value="12 Months")),
     edited(lambda d: d["criteria"][0].pop("rule"))),
]


@pytest.mark.parametrize(("check", "good", "bad"), FIXTURES,
                         ids=[f"{c}-{i}" for i, (c, _, _) in enumerate(FIXTURES)])
def test_named_check(check, good, bad):
    """The passing fixture has no problem of this check; the failing one is named by it."""
    assert [p for p in lint_data(good, "good.yaml") if p.check == check] == []
    problems = lint_data(bad, "bad.yaml")
    assert check in {p.check for p in problems}, [str(p) for p in problems]
    assert all(p.file == "bad.yaml" for p in problems)


def test_base_fixture_is_clean():
    """The base fixture itself passes every check."""
    assert lint_data(BASE, "base.yaml") == []


def test_yaml_check(tmp_path):
    """A file that is not YAML is reported with its line, not a traceback."""
    good, bad = tmp_path / "good.yaml", tmp_path / "bad.yaml"
    good.write_text(yaml.safe_dump(BASE))
    bad.write_text("format: 1\ntrial: [unclosed\n")
    assert lint_file(good) == []
    problems = lint_file(bad)
    assert [p.check for p in problems] == ["yaml"]
    assert "line" in problems[0].message


def test_problem_names_file_criterion_and_check():
    """A problem prints as file, criterion id, check and message."""
    problems = lint_data(with_rule({"field": "favourite_colour", "op": "eq", "value": "x"}), "f.yaml")
    assert str(problems[0]).startswith("f.yaml: criterion 'relapsed': [unknown-field]")


@pytest.fixture
def broken_dir(tmp_path):
    (tmp_path / "NCT00000001.yaml").write_text(
        yaml.safe_dump(with_rule({"field": "disease_status", "op": "eq", "value": "relapse"})))
    return tmp_path


def test_check_criteria_command_exits_1_naming_the_problem(broken_dir):
    """`screener check-criteria` prints file, criterion and problem, and exits 1."""
    from click.testing import CliRunner

    result = CliRunner().invoke(main, ["check-criteria", "--criteria-dir", str(broken_dir)])
    assert result.exit_code == 1
    assert "NCT00000001.yaml: criterion 'relapsed': [bad-value]" in result.output


def test_check_criteria_passes_on_the_bundled_files():
    """The bundled criteria files pass the linter."""
    from click.testing import CliRunner

    result = CliRunner().invoke(main, ["check-criteria"])
    assert result.exit_code == 0, result.output


def test_app_refuses_to_start_on_a_broken_file(broken_dir, tmp_path):
    """create_app raises with the same message the linter prints."""
    with pytest.raises(CriteriaError) as info:
        create_app({"TESTING": True, "SECRET_KEY": "x", "SCREENER_CRITERIA_DIR": str(broken_dir),
                    "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'db.sqlite'}"})
    assert "criterion 'relapsed': [bad-value]" in str(info.value)


def test_duplicate_trial_across_files(tmp_path):
    """Two files for the same trial are refused."""
    from screener.eligibility import lint_dir

    (tmp_path / "a.yaml").write_text(yaml.safe_dump(BASE))
    (tmp_path / "b.yaml").write_text(yaml.safe_dump(BASE))
    assert [p.check for p in lint_dir(tmp_path)] == ["duplicate-id"]


def test_bundled_files_follow_the_full_schema():
    """Every bundled criteria file, rules included, validates against criteria.schema.json."""
    import jsonschema

    from screener.config import BUNDLED_CRITERIA
    from screener.eligibility.lint import criteria_schema
    from screener.eligibility.loader import criteria_files

    validator = jsonschema.Draft202012Validator(criteria_schema())
    for path in criteria_files(BUNDLED_CRITERIA):
        errors = list(validator.iter_errors(yaml.safe_load(path.read_text(encoding="utf-8"))))
        assert errors == [], (path.name, [e.message[:200] for e in errors[:3]])


def test_registry_age_may_sit_in_an_any_when_the_text_is_wider():
    """A registry maximum kept inside an any (gap left not_screened) satisfies the age check."""
    data = edited(lambda d: d["criteria"][0].update(rule={"all": [
        {"field": "age", "op": "age_at_least", "value": "1 Year"},
        {"any": [{"field": "age", "op": "age_at_most", "value": "21 Years"},
                 {"all": [{"field": "age", "op": "age_at_most", "value": "25 Years"},
                          {"not_screened": "ages 22 to 25: text and registry disagree"}]}]}]}))
    assert lint_data(data, "f.yaml") == []
    looser = edited(lambda d: d["criteria"][0]["rule"]["all"][1].update(value="25 Years"))
    assert [p.check for p in lint_data(looser, "f.yaml")] == ["age-disagrees-with-registry"]
