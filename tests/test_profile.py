"""Profile validation: contract profiles pass, broken ones are refused naming field and problem."""

import json
from pathlib import Path

import pytest

from screener.profile import (
    ProfileError,
    cannot_apply,
    load_profile,
    pregnancy_can_apply,
    validate_profile,
)

EXAMPLES = sorted((Path(__file__).parent / "data" / "example_profiles").glob("*.json"))


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_shared_examples_are_valid(path):
    """The contract's example profiles load unchanged."""
    assert load_profile(path) == json.loads(path.read_text())


@pytest.mark.parametrize(("profile", "message"), [
    ({"age": {"years": 3, "months": 14}}, "age.months: 14 is greater than the maximum of 11"),
    ({"age": {"months": 4}}, "age.years: is required"),
    ({"age": {"years": "18"}}, "age.years: '18' is not of type 'integer'"),
    ({"disease_status": "relapse"}, 'disease_status: "relapse" is not one of "newly_diagnosed", '
                                    '"relapsed", "refractory"'),
    ({"favourite_colour": "blue"}, "favourite_colour: is not a field of the patient profile"),
    ({"infections": {"flu": True}}, "infections.flu: is not a field of the patient profile"),
    ({"prior_therapies": [{"therapy": "blincyto"}]}, "prior_therapies[0].therapy: "),
    ({"location": {"zip": "1234"}}, "location.zip: '1234' does not match"),
    ({"performance_status": {"scale": "ecog", "score": 50}},
     "performance_status.score: 50 is not an ECOG score (ECOG runs from 0 to 5)"),
    ({"profile_version": 2}, "profile_version: 1 was expected"),
    ({"prior_therapies": [{"therapy": "blinatumomab"}] * 101},
     "prior_therapies: has 101 items; at most 100"),
    ({"location": {"zip": "123456"}}, "location.zip: is 6 characters long; at most 5"),
])
def test_errors_name_the_field_and_problem(profile, message):
    """Each problem is reported as 'field: problem'."""
    with pytest.raises(ProfileError) as info:
        validate_profile(profile)
    assert any(e.startswith(message) for e in info.value.errors), info.value.errors


def test_every_problem_is_reported_at_once():
    """Two broken fields give two messages, so nobody fixes them one at a time."""
    with pytest.raises(ProfileError) as info:
        validate_profile({"age": {"years": -1}, "cd19": "yes"})
    assert len(info.value.errors) == 2


def test_not_json(tmp_path):
    """A file that is not JSON is refused with the position of the problem."""
    path = tmp_path / "p.json"
    path.write_text('{"age": ')
    with pytest.raises(ProfileError) as info:
        load_profile(path)
    assert "not valid JSON" in info.value.errors[0]


@pytest.mark.parametrize(("sex", "years", "can"), [
    ("male", 30, False), ("male", None, False),
    ("female", 9, False), ("female", 10, True), ("female", None, True),
    (None, 4, True), ("unknown", 30, True),
])
def test_pregnancy_can_apply_only_where_it_can_be_about_the_person(sex, years, can):
    """Pregnancy cannot be about a male or a girl under 10; when the sex or the age is not
    known it may be (asked, never guessed). The wizard and the results page both use this."""
    assert pregnancy_can_apply(sex, years) is can
    profile = {"profile_version": 1, **({"sex": sex} if sex else {}),
               **({"age": {"years": years}} if years is not None else {})}
    assert cannot_apply(profile) == (set() if can else {"pregnant_or_breastfeeding"})
