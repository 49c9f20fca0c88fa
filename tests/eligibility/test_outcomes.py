"""Kleene truth tables for rule groups, exactly as the contract orders the four outcomes."""

import itertools

import pytest

from screener.eligibility.outcomes import (
    CODES,
    MET,
    NEGATE,
    NOT_MET,
    NOT_SCREENED,
    UNKNOWN,
    all_of,
    any_of,
    at_least,
)

ALL4 = [MET, NOT_MET, UNKNOWN, NOT_SCREENED]


def contract_all(codes):
    """The contract's words for `all`, transcribed literally."""
    if NOT_MET in codes:
        return NOT_MET
    if UNKNOWN in codes:
        return UNKNOWN
    if NOT_SCREENED in codes:
        return NOT_SCREENED
    return MET


def contract_any(codes):
    """The contract's words for `any`, transcribed literally."""
    if MET in codes:
        return MET
    if UNKNOWN in codes:
        return UNKNOWN
    if NOT_SCREENED in codes:
        return NOT_SCREENED
    return NOT_MET


@pytest.mark.parametrize("size", [1, 2, 3])
def test_all_and_any_match_the_contract_for_every_combination(size):
    """all/any agree with the contract's rules on every combination of outcomes."""
    for combo in itertools.product(ALL4, repeat=size):
        assert all_of(combo) == contract_all(combo), combo
        assert any_of(combo) == contract_any(combo), combo


@pytest.mark.parametrize(("a", "b", "expected_and", "expected_or"), [
    ("met", "met", "met", "met"),
    ("met", "not_met", "not_met", "met"),
    ("met", "unknown", "unknown", "met"),
    ("not_met", "unknown", "not_met", "unknown"),
    ("unknown", "unknown", "unknown", "unknown"),
    ("not_met", "not_met", "not_met", "not_met"),
    ("not_screened", "met", "not_screened", "met"),
    ("not_screened", "not_met", "not_met", "not_screened"),
    ("not_screened", "unknown", "unknown", "unknown"),
])
def test_kleene_truth_table(a, b, expected_and, expected_or):
    """The classic Kleene table, with not_screened as the weaker undecided."""
    pair = [CODES[a], CODES[b]]
    assert all_of(pair) == CODES[expected_and]
    assert any_of(pair) == CODES[expected_or]


def test_not_swaps_met_and_not_met_only():
    """not swaps met/not_met and keeps both kinds of undecided."""
    assert NEGATE == {MET: NOT_MET, NOT_MET: MET, UNKNOWN: UNKNOWN, NOT_SCREENED: NOT_SCREENED}


@pytest.mark.parametrize("size", [1, 2, 3, 4])
def test_at_least_generalises_all_and_any(size):
    """at_least(len) is all and at_least(1) is any, for every combination."""
    for combo in itertools.product(ALL4, repeat=size):
        assert at_least(size, combo) == all_of(combo), combo
        assert at_least(1, combo) == any_of(combo), combo


@pytest.mark.parametrize(("n", "codes", "expected"), [
    (2, [MET, MET, NOT_MET], MET),
    (2, [MET, NOT_MET, NOT_MET], NOT_MET),
    (2, [MET, UNKNOWN, NOT_MET], UNKNOWN),
    (2, [MET, NOT_SCREENED, NOT_MET], NOT_SCREENED),
    (3, [MET, UNKNOWN, NOT_SCREENED], UNKNOWN),
])
def test_at_least_counts(n, codes, expected):
    """at_least is decided only when the undecided members cannot change it."""
    assert at_least(n, codes) == expected
