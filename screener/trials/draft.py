"""Draft a curated criteria file from a registry study record (``screener draft-criteria``).

A coordinator adding the center's own trial starts from this draft instead of a
blank page: the registry metadata, every eligibility item verbatim, and the
rules the reader is sure of, each marked ``review: true``. The draft passes the
linter as written; a person then reviews each rule, fills in plain wording,
and removes ``review`` when done.
"""

from __future__ import annotations

import re
from datetime import date

import yaml

from ..eligibility.lint import lint_data
from .study import criteria_from_section, protocol_section

_STATUSES = {"RECRUITING", "NOT_YET_RECRUITING", "ACTIVE_NOT_RECRUITING",
             "ENROLLING_BY_INVITATION", "COMPLETED", "SUSPENDED", "TERMINATED", "WITHDRAWN",
             "UNKNOWN", "AVAILABLE", "NO_LONGER_AVAILABLE", "TEMPORARILY_NOT_AVAILABLE",
             "APPROVED_FOR_MARKETING", "WITHHELD"}
_PHASES = {"EARLY_PHASE1", "PHASE1", "PHASE2", "PHASE3", "PHASE4", "NA"}
_SITE_KEYS = ("facility", "city", "state", "zip", "country", "status")


class DraftError(ValueError):
    """The draft would not pass the linter (a bug: the reader produced something invalid)."""


def _module(section: dict, name: str) -> dict:
    value = section.get(name)
    return value if isinstance(value, dict) else {}


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def draft_data(study: dict, record: str, today: date | None = None) -> dict:
    """The criteria-file mapping for one study record (raises StudyError for a non-study)."""
    section = protocol_section(study)
    ident = _module(section, "identificationModule")
    status = _module(section, "statusModule")
    nct = ident["nctId"].strip()
    criteria, minimum, maximum, sex = criteria_from_section(section)
    updated = _text(_module(status, "lastUpdatePostDateStruct").get("date"))
    # The status is the registry's as of its last update; without a full date, today.
    checked = updated if re.fullmatch(r"\d{4}-\d{2}-\d{2}", updated) else (
        (today or date.today()).isoformat())
    overall = _text(status.get("overallStatus")).upper()
    trial: dict = {
        "id": nct,
        "title": _text(ident.get("briefTitle")) or _text(ident.get("officialTitle")) or nct,
    }
    if _text(ident.get("officialTitle")):
        trial["official_title"] = _text(ident["officialTitle"])
    if _text(ident.get("acronym")):
        trial["acronym"] = _text(ident["acronym"])
    phases = _module(section, "designModule").get("phases") or []
    trial["phases"] = [p for p in phases if p in _PHASES]
    trial["status"] = overall if overall in _STATUSES else "UNKNOWN"
    trial["status_checked"] = checked
    sponsor = _text(_module(_module(section, "sponsorCollaboratorsModule"),
                            "leadSponsor").get("name"))
    if sponsor:
        trial["sponsor"] = sponsor
    trial["minimum_age"], trial["maximum_age"], trial["sex"] = minimum, maximum, sex
    sites = []
    for loc in _module(section, "contactsLocationsModule").get("locations") or []:
        if isinstance(loc, dict):
            site = {k: _text(loc.get(k)) for k in _SITE_KEYS if _text(loc.get(k))}
            site.setdefault("facility", site.get("city", "Study site"))
            site.setdefault("country", "")
            sites.append(site)
    trial["sites"] = sites
    trial["source"] = {"record": record, "url": f"https://clinicaltrials.gov/study/{nct}"}
    if updated:
        trial["source"]["downloaded"] = f"last registry update {updated}"
    return {"format": 1, "trial": trial, "criteria": criteria}


_HEADER = """\
# DRAFT criteria for {nct}, written by `screener draft-criteria` from {record}.
# Every item is the registry's verbatim text. Rules were read automatically and are
# marked `review: true`: check each one against the text (and its `note`), write the
# `plain` sentence a patient understands, then remove `review`. Items without a rule
# are shown to the study team as not screened.
"""


def draft_yaml(study: dict, record: str, today: date | None = None) -> str:
    """The draft criteria file as YAML text; raises DraftError if it would not lint."""
    data = draft_data(study, record, today)
    problems = lint_data(data, f"{data['trial']['id']}.yaml")
    if problems:
        raise DraftError("; ".join(str(p) for p in problems))
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100,
                          default_flow_style=False)
    return _HEADER.format(nct=data["trial"]["id"], record=record) + body
