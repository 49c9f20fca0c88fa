"""Trials and criteria as the engine sees them, wherever they came from.

A curated criteria file and a ClinicalTrials.gov record both become a
``Trial``: metadata plus an ordered list of ``Criterion``. ``source`` says which
(the contract's ``criteria-file`` or ``ctgov``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Criterion:
    """One inclusion or exclusion criterion, with its verbatim registry text."""

    id: str
    kind: str  # inclusion | exclusion
    text: str  # verbatim, as the registry words it
    plain: dict[str, str] = field(default_factory=dict)  # language -> sentence
    rule: Any = None  # a node from rules.build_node, or None: not screened
    note: str = ""  # how the text was read into the rule
    review: bool = False  # machine-drafted, not yet reviewed by a person
    #: the engine's shared result when there is no rule (the same for every profile)
    unscreened_result: Any = field(default=None, init=False, repr=False, compare=False)

    @property
    def is_exclusion(self) -> bool:
        return self.kind == "exclusion"


@dataclass
class Trial:
    """A trial's metadata and criteria."""

    id: str
    title: str
    source: str  # criteria-file | ctgov
    criteria: list[Criterion]
    status: str = ""
    status_checked: str = ""
    phases: list[str] = field(default_factory=list)
    sponsor: str = ""
    minimum_age: str | None = None
    maximum_age: str | None = None
    sex: str = "ALL"
    sites: list[dict] = field(default_factory=list)
    summary: dict[str, str] = field(default_factory=dict)
    acronym: str = ""
    record: str = ""  # where the criteria were made from
    path: str = ""  # the criteria file, for curated trials

    def __post_init__(self) -> None:
        # The fast verdict path: (is_exclusion, compiled rule) per screened criterion.
        self.compiled = [(c.is_exclusion, c.rule.fn) for c in self.criteria if c.rule is not None]
        # The verbatim criteria, once each, per kind: the results page shows them on
        # every card, so they are worked out here once rather than on every page view.
        # (A text repeated with other capitals is the same text.)
        self.verbatim: dict[str, list[str]] = {}
        for kind in ("inclusion", "exclusion"):
            seen: dict[str, str] = {}
            for c in self.criteria:
                if c.kind == kind:
                    seen.setdefault(c.text.lower(), c.text)
            self.verbatim[kind] = list(seen.values())

    @property
    def url(self) -> str:
        return f"https://clinicaltrials.gov/study/{self.id}"

    @property
    def recruiting(self) -> bool:
        return self.status in ("RECRUITING", "NOT_YET_RECRUITING", "ENROLLING_BY_INVITATION")
