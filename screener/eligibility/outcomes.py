"""The four criterion outcomes and how groups combine them (contract: Kleene logic).

Outcomes are small integers inside the engine so that combining them is cheap;
they become the contract's strings only when a result is serialised.

The codes are ordered so that an ``all`` group is simply the *maximum* of its
children: ``not_met`` beats ``unknown`` beats ``not_screened`` beats ``met``
(contract: "any not_met -> not_met; else any unknown -> unknown; else any
not_screened -> not_screened; else met"). ``any`` is the mirror image, and
``not`` swaps met and not_met while keeping both kinds of "undecided".
"""

from __future__ import annotations

MET = 0
NOT_SCREENED = 1
UNKNOWN = 2
NOT_MET = 3

NAMES = {MET: "met", NOT_MET: "not_met", UNKNOWN: "unknown", NOT_SCREENED: "not_screened"}
CODES = {name: code for code, name in NAMES.items()}

# For `any`, rank so that max() picks met > unknown > not_screened > not_met.
_ANY_RANK = {MET: 3, UNKNOWN: 2, NOT_SCREENED: 1, NOT_MET: 0}
_ANY_FROM_RANK = {rank: code for code, rank in _ANY_RANK.items()}
NEGATE = {MET: NOT_MET, NOT_MET: MET, UNKNOWN: UNKNOWN, NOT_SCREENED: NOT_SCREENED}


def all_of(codes) -> int:
    """Kleene AND over outcome codes; an empty group is rejected by the linter."""
    return max(codes)


def any_of(codes) -> int:
    """Kleene OR over outcome codes."""
    return _ANY_FROM_RANK[max(_ANY_RANK[c] for c in codes)]


def at_least(n: int, codes) -> int:
    """At least ``n`` children met.

    met when n are met; not_met when even every undecided child could not bring
    the count to n; otherwise undecided -- unknown if any child is unknown (an
    answer could still decide it), else not_screened. With n = len(children)
    this is exactly ``all``, with n = 1 exactly ``any``.
    """
    met = unknown = screened_out = 0
    for c in codes:
        if c == MET:
            met += 1
        elif c == UNKNOWN:
            unknown += 1
        elif c == NOT_SCREENED:
            screened_out += 1
    if met >= n:
        return MET
    if met + unknown + screened_out < n:
        return NOT_MET
    return UNKNOWN if unknown else NOT_SCREENED
