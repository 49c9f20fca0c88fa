"""Registry-style age limits ("3 Years", "364 Days") judged in completed units.

Contract (shared/contracts/README.md): a limit "N <unit>" is judged in
completed units of that limit; a minimum holds when completed units >= N, a
maximum when completed units <= N ("Maximum Age: 21 Years" admits 21 years 11
months). Where the age is not precise enough to decide, the outcome is unknown.

A profile age is completed years plus, optionally, completed months. From it we
derive the *range* of completed units the person could be in, and decide only
when the whole range is on one side of the limit. So a 5-year-old with months
missing is certainly at least "12 Months" old (met), while a 1-year-old with
months missing against "18 Months" stays unknown.
"""

from __future__ import annotations

import math
import re

UNITS = ("years", "months", "weeks", "days", "hours", "minutes")
_AGE_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s+([A-Za-z]+?)s?\s*$")
_DAYS_PER_MONTH = 365.25 / 12


class AgeLimitError(ValueError):
    """An age limit string that is not "<number> <unit>"."""


def parse_limit(text: str) -> tuple[float, str]:
    """Parse "3 Years" / "1 Year" / "364 days" into (3, "years")."""
    match = _AGE_RE.match(text or "")
    unit = (match.group(2).lower() + "s") if match else ""
    if not match or unit not in UNITS:
        raise AgeLimitError(
            f"{text!r} is not an age limit like '18 Years', '6 Months', '4 Weeks' or '364 Days'"
        )
    number = float(match.group(1))
    return (int(number) if number.is_integer() else number), unit


def limit_in_days(text: str) -> float:
    """Approximate length of a limit in days, for comparing limits with each other."""
    n, unit = parse_limit(text)
    per = {"years": 365.25, "months": _DAYS_PER_MONTH, "weeks": 7, "days": 1,
           "hours": 1 / 24, "minutes": 1 / 1440}[unit]
    return n * per


def completed_range(age: dict, unit: str) -> tuple[int, int]:
    """The lowest and highest completed ``unit``s a person of ``age`` can have."""
    years = age["years"]
    months = age.get("months")
    if unit == "years":
        return years, years
    if months is None:
        lo_m, hi_m = years * 12, years * 12 + 11
    else:
        lo_m = hi_m = years * 12 + months
    if unit == "months":
        return lo_m, hi_m
    # Days: M completed months is at least the M shortest consecutive calendar
    # months and less than M + 1 of the longest; completed years give a floor
    # and a ceiling of their own. Both bounds are conservative (never too tight).
    lo_d = max(years * 365, math.floor(lo_m * _DAYS_PER_MONTH) - 2)
    hi_d = min((years + 1) * 366 - 1, math.ceil((hi_m + 1) * _DAYS_PER_MONTH) + 2)
    if unit == "days":
        return lo_d, hi_d
    if unit == "weeks":
        return lo_d // 7, hi_d // 7
    if unit == "hours":
        return lo_d * 24, hi_d * 24 + 23
    return lo_d * 1440, hi_d * 1440 + 1439
