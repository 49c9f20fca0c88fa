"""FHIR dates, partial ones included, as the range of days they can mean.

FHIR lets a date be a year ("2019"), a month ("2019-03") or a day, and a dateTime add a
time and a zone. Conservative handling, used everywhere in the importer: a date is the
range [first possible day, last possible day] ("2019" is 2019-01-01 .. 2019-12-31; a
dateTime is its own calendar day as written, zone ignored, since a day is all the profile
needs). Anything computed from a partial date is computed at both ends of its range and
kept only as far as both ends agree: born "2010" is "15 years" on 2026-06-01 only if
2010-01-01 and 2010-12-31 both give 15; otherwise the age stays unknown. A time since
an event ("months since the last dose") is taken from the *last* possible day, so a
waiting period is never reported longer than it was.
"""

from __future__ import annotations

import calendar
import re
from datetime import date

_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
#: Average month, as the rest of the screener counts months (screener/eligibility/ages.py).
DAYS_PER_MONTH = 365.25 / 12


class DateRange(tuple):
    """(first, last) possible day of a FHIR date."""

    @property
    def first(self) -> date:
        return self[0]

    @property
    def last(self) -> date:
        return self[1]

    @property
    def exact(self) -> bool:
        return self[0] == self[1]


def parse(text) -> DateRange | None:
    """The days a FHIR date/dateTime string can mean, or None when it is not a date."""
    if not isinstance(text, str):
        return None
    match = _DATE.match(text)
    if not match:
        return None
    year, month, day = (int(g) if g else None for g in match.groups())
    try:
        if month is None:
            return DateRange((date(year, 1, 1), date(year, 12, 31)))
        if day is None:
            last = calendar.monthrange(year, month)[1]
            return DateRange((date(year, month, 1), date(year, month, last)))
        return DateRange((date(year, month, day), date(year, month, day)))
    except ValueError:  # month 13, February 30 ...
        return None


def completed_age(born: date, on: date) -> tuple[int, int] | None:
    """Completed (years, months beyond them) of someone born on ``born``, on ``on``."""
    if on < born:
        return None
    months = (on.year - born.year) * 12 + (on.month - born.month)
    if on.day < born.day:
        months -= 1
    return months // 12, months % 12


def age_between(born: DateRange, on: DateRange) -> tuple[dict | None, str | None]:
    """The contract's age object for someone born ``born`` on day ``on``, as far as the
    ranges allow; else (None, why)."""
    oldest = completed_age(born.first, on.last)
    youngest = completed_age(born.last, on.first)
    if oldest is None or youngest is None:
        return None, "the date is before the birth date"
    if oldest[0] != youngest[0]:
        return None, (f"the dates are too partial to tell the completed years "
                      f"({youngest[0]} or {oldest[0]})")
    age = {"years": oldest[0]}
    if oldest[1] == youngest[1]:
        age["months"] = oldest[1]
    return age, None


def months_since(when: DateRange, today: date) -> float | None:
    """Months from the last possible day of ``when`` to ``today``, one decimal, rounded
    down; None when that day is after today."""
    days = (today - when.last).days
    if days < 0:
        return None
    return int(days / DAYS_PER_MONTH * 10) / 10
