"""Arbitrary JSON thrown at POST /api/v1/screen: a 4xx JSON answer (200 for a valid profile),
quickly, and never a server error."""

import json
import time
from importlib import resources

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

#: The profile's own field names (the contract's schema).
PROFILE_FIELDS = sorted(json.loads(resources.files("screener.schemas").joinpath(
    "patient-profile.schema.json").read_text())["properties"])

#: Longest any one answer may take (the slowest fair request is well under a second; a
#: worker's timeout is 30 s). Generous for a loaded CI machine.
BOUND_SECONDS = 3.0

SETTINGS = settings(max_examples=120, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow, HealthCheck.data_too_large])

#: JSON scalars, odd ones included: big and negative numbers, floats, unicode, empty text.
SCALARS = (st.none() | st.booleans() | st.integers() | st.integers(-10**30, 10**30)
           | st.floats(allow_nan=False, allow_infinity=False) | st.text(max_size=40)
           | st.sampled_from(["", "b_all", "NCT02435849", "\u0000", "🙂" * 10, "1" * 5000]))


def _json(leaves):
    return st.recursive(leaves, lambda inner: st.lists(inner, max_size=6)
                        | st.dictionaries(st.text(max_size=12), inner, max_size=6),
                        max_leaves=40)


ANY_JSON = _json(SCALARS)
#: A profile of real field names holding anything, so validation is reached field by field.
PROFILES = st.dictionaries(st.sampled_from(PROFILE_FIELDS), ANY_JSON, max_size=8)
PROFILE_LIKE = PROFILES | st.dictionaries(
    st.sampled_from(PROFILE_FIELDS),
    st.dictionaries(st.sampled_from(["years", "months", "therapy", "zip", "scale", "score",
                                     "hiv", "country", "value"]), ANY_JSON, max_size=4)
    | st.lists(ANY_JSON, max_size=4), max_size=6)
BODIES = (ANY_JSON
          | st.fixed_dictionaries({"patient": ANY_JSON | PROFILE_LIKE},
                                  optional={"trials": ANY_JSON | st.lists(st.text(max_size=12)),
                                            "include_closed": ANY_JSON})
          | st.fixed_dictionaries({"patient": PROFILE_LIKE}, optional={"extra": ANY_JSON}))


def _nested(depth, opener, closer, inside="1"):
    return opener * depth + inside + closer * depth


#: Raw bodies: deep, huge, or JSON that Python's parser treats oddly.
RAW = st.one_of(
    st.integers(1, 200_000).map(lambda n: _nested(n, "[", "]")),
    st.integers(1, 5_000).map(lambda n: '{"patient": ' + _nested(n, '{"a": ', "}") + "}"),
    st.integers(0, 150_000).map(
        lambda n: json.dumps({"patient": {"prior_therapies": [{"therapy": "x"}] * n}})),
    st.integers(0, 1_000_000).map(
        lambda n: json.dumps({"patient": {"location": {"zip": "9" * n}}})),
    st.integers(0, 50_000).map(lambda n: json.dumps({"patient": {}, "trials": ["NCT0"] * n})),
    st.sampled_from(['{"patient": NaN}', '{"patient": {"age": {"years": Infinity}}}',
                     '{"patient": {"age": {"years": ' + "9" * 5000 + "}}}",
                     '{"patient": {"age": {"years": 1e999}}}', '{"patient": {}, "patient": 1}',
                     '\ufeff{"patient": {}}', "", "null", '"\\ud800"', '{"patient": "\\u0000"}',
                     '{"patient": {"age": {"years": -0.0}}}', '{"patient": {}}' + " " * 100]),
    st.binary(max_size=200).map(lambda b: b.decode("latin-1")),
)


def _check(client, data: bytes | str):
    start = time.monotonic()
    response = client.post("/api/v1/screen", data=data, content_type="application/json")
    took = time.monotonic() - start
    assert took < BOUND_SECONDS, (took, str(data)[:200])
    assert response.mimetype == "application/json", (response.status_code, str(data)[:200])
    body = response.get_json()
    if response.status_code == 200:
        assert isinstance(body["results"], list)
    else:
        assert 400 <= response.status_code < 500, (response.status_code, str(data)[:200])
        assert isinstance(body["error"], str) and body["error"]
        assert len(response.data) < 20_000  # bounded, whatever was sent


@pytest.fixture
def fuzz_client(app):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a crash answers 500 here, failing the check
    return app.test_client()


@SETTINGS
@given(body=BODIES)
@example(body={"patient": {"profile_version": 1, "age": {"years": 4}}})
def test_any_json_value_gets_a_json_answer_quickly(fuzz_client, body):
    """Any JSON document, shaped like a request or not, gets a 200 or 4xx JSON answer."""
    _check(fuzz_client, json.dumps(body))


@settings(SETTINGS, max_examples=60)
@given(raw=RAW)
def test_deep_huge_and_odd_bodies_get_a_json_answer_quickly(fuzz_client, raw):
    """Deep nesting, huge arrays and strings, NaN, giant numbers, duplicate keys and bytes
    that are not JSON at all get a 4xx JSON answer (or 200), quickly."""
    _check(fuzz_client, raw)


def test_a_number_too_long_to_read_is_a_400_not_a_500(fuzz_client):
    """An integer of 5,000 digits (past Python's limit) is named as unreadable, never a 500."""
    body = '{"patient": {"profile_version": 1, "age": {"years": ' + "9" * 5000 + "}}}"
    response = fuzz_client.post("/api/v1/screen", data=body, content_type="application/json")
    assert response.status_code == 400 and "too long" in response.get_json()["error"]
