"""One ClinicalTrials.gov API v2 study record -> a ``Trial`` the engine screens.

Accepts one element of a ``/studies`` page's ``studies[]`` or the body of
``/studies/{nctId}`` (the same shape: ``protocolSection`` plus optional
sections). Only ``identificationModule.nctId`` is required; every other module
may be missing (the API omits modules that were not asked for in ``fields``, or
that a record never had), and unknown new fields are ignored.

The structured eligibility fields become an inclusion criterion ``age``
(verbatim text "Minimum Age: X. Maximum Age: Y.") and ``sex``. The eligibility
text is read by ``reading`` (split into items, each read into a rule where the
reading is certain); ages stated in the text are read too, and where the
structured age exists it decides, with any band where the text is wider left to
the study team. Sex is never read from text. Every generated criterion is
marked ``review: true``.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any

from .. import vocabulary
from ..eligibility import ages
from ..eligibility.model import Criterion, Trial
from ..eligibility.rules import build_node
from . import reading
from .reading import split

_NCT = re.compile(r"^NCT\d{8}$")
_ZIP5 = re.compile(r"^(\d{5})(?:-\d{4})?$")


class StudyError(ValueError):
    """A JSON document that is not a usable API v2 study record."""


@dataclass
class RegistryTrial(Trial):
    """A ``Trial`` read from the registry, with the registry facts a criteria file lacks."""

    official_title: str = ""
    conditions: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    interventions: list[dict] = field(default_factory=list)
    last_update: str = ""  # lastUpdatePostDate, for incremental syncs


def _module(section: dict, name: str) -> dict:
    value = section.get(name)
    return value if isinstance(value, dict) else {}


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _strings(value: Any) -> list[str]:
    if not isinstance(value, list):
        return []
    return [v.strip() for v in value if isinstance(v, str) and v.strip()]


def protocol_section(study: Any) -> dict:
    """The ``protocolSection`` of a study record, or StudyError saying what is wrong."""
    if not isinstance(study, dict):
        raise StudyError("a study record is a JSON object with a protocolSection")
    if "protocolSection" not in study:
        if isinstance(study.get("studies"), list):
            raise StudyError("this is a page of search results (studies[]), not one study "
                             "record; pass one element of studies[]")
        raise StudyError("no protocolSection: not a ClinicalTrials.gov API v2 study record")
    section = study["protocolSection"]
    if not isinstance(section, dict):
        raise StudyError("protocolSection is not an object")
    nct = _text(_module(section, "identificationModule").get("nctId"))
    if not _NCT.match(nct):
        raise StudyError(f"identificationModule.nctId is missing or not an NCT id ({nct!r})")
    return section


def _age_limit(value: Any) -> str | None:
    """A registry age ("1 Year", "364 Days"), or None when absent or unreadable."""
    text = _text(value)
    if not text:
        return None
    try:
        ages.parse_limit(text)
    except ages.AgeLimitError:
        return None  # never screen on an age we cannot read; the study team checks it
    return text


def _geocode(zip_code: str, country: str) -> tuple[float, float] | None:
    """Coordinates of a US ZIP code's centre, from the offline ``zipcodes`` table."""
    match = _ZIP5.match(zip_code or "")
    if not match or country not in ("", "United States", "USA", "US"):
        return None
    return _zip_point(match.group(1))


@functools.lru_cache(maxsize=50_000)
def _zip_point(zip5: str) -> tuple[float, float] | None:
    # Each lookup scans the whole table (about 0.5 ms); sites repeat across studies.
    import zipcodes  # imported here: loading its table costs 0.2 s, only when needed

    try:
        found = zipcodes.matching(zip5)
    except ValueError:
        return None
    if not found:
        return None
    try:
        return float(found[0]["lat"]), float(found[0]["long"])
    except (KeyError, TypeError, ValueError):
        return None


def _sites(section: dict) -> list[dict]:
    sites = []
    for loc in _module(section, "contactsLocationsModule").get("locations") or []:
        if not isinstance(loc, dict):
            continue
        site = {key: _text(loc.get(key)) for key in
                ("facility", "city", "state", "zip", "country", "status")}
        site = {k: v for k, v in site.items() if v}
        site.setdefault("facility", site.get("city", "Study site"))
        site.setdefault("country", "")
        point = loc.get("geoPoint")
        lat = lon = None
        if isinstance(point, dict):
            lat, lon = point.get("lat"), point.get("lon")
        if not all(isinstance(x, int | float) and not isinstance(x, bool) for x in (lat, lon)):
            found = _geocode(site.get("zip", ""), site.get("country", ""))
            lat, lon = found if found else (None, None)
            if found:
                site["geocoded_from_zip"] = True
        if lat is not None:
            site["lat"], site["lon"] = float(lat), float(lon)
        sites.append(site)
    return sites


def _interventions(section: dict) -> list[dict]:
    out = []
    for item in _module(section, "armsInterventionsModule").get("interventions") or []:
        if isinstance(item, dict) and _text(item.get("name")):
            out.append({"type": _text(item.get("type")), "name": _text(item.get("name"))})
    return out


_AUTO_NOTE = ("Read automatically from the registry record; a person has not reviewed "
              "this yet.")


def _age_mapping(minimum: str | None, maximum: str | None) -> dict | None:
    if minimum is None and maximum is None:
        return None
    parts, leaves = [], []
    if minimum is not None:
        parts.append(f"Minimum Age: {minimum}.")
        leaves.append({"field": "age", "op": "age_at_least", "value": minimum})
    if maximum is not None:
        parts.append(f"Maximum Age: {maximum}.")
        leaves.append({"field": "age", "op": "age_at_most", "value": maximum})
    words = {lang: said for lang in ("en", "es")
             if (said := vocabulary.age_sentence(minimum, maximum, lang))}
    return {"id": "age", "kind": "inclusion", "text": " ".join(parts), "plain": words,
            "note": "The registry's structured age limits. " + _AUTO_NOTE, "review": True,
            "rule": leaves[0] if len(leaves) == 1 else {"all": leaves}}


_OPEN_TO = {"female": vocabulary.N_("Open to female participants only."),
            "male": vocabulary.N_("Open to male participants only.")}


def _sex_mapping(sex: str) -> dict | None:
    if sex not in ("FEMALE", "MALE"):
        return None  # ALL or absent: nothing to screen
    word = sex.lower()
    return {"id": "sex", "kind": "inclusion", "text": f"Sex: {sex}.",
            "plain": {lang: vocabulary.speaker(lang)(_OPEN_TO[word]) for lang in ("en", "es")},
            "note": "The registry's structured sex field. " + _AUTO_NOTE, "review": True,
            "rule": {"field": "sex", "op": "eq", "value": word}}


def criteria_from_section(section: dict) -> tuple[list[dict], str | None, str | None, str]:
    """The criteria of a study as criteria-file mappings, plus its ages and sex.

    Used both to build a ``Trial`` and to draft a criteria file, so both say
    exactly the same thing.
    """
    elig = _module(section, "eligibilityModule")
    minimum, maximum = _age_limit(elig.get("minimumAge")), _age_limit(elig.get("maximumAge"))
    sex = _text(elig.get("sex")).upper()
    sex = sex if sex in ("ALL", "FEMALE", "MALE") else "ALL"
    out = [m for m in (_age_mapping(minimum, maximum), _sex_mapping(sex)) if m is not None]
    counters = {"inclusion": 0, "exclusion": 0}
    read = []
    text = _text(elig.get("eligibilityCriteria"))
    items = split(text)
    for item in items:
        counters[item.kind] += 1
        prefix = "inc" if item.kind == "inclusion" else "exc"
        read.append(reading.read_item(item, f"{prefix}-{counters[item.kind]}"))
    at_diagnosis = any("age_at_diagnosis" in reading.rule_fields(c.get("rule")) for c in read)
    if out and out[0]["id"] == "age" and maximum is not None and (
            at_diagnosis or _AGE_AT_DIAGNOSIS.search(text)):
        out[0] = _age_at_diagnosis_too(out[0], maximum)
    read = reading.parts_as_alternatives(read, items)
    read = reading.pregnancy_with_breastfeeding(
        reading.cns_in_remission(reading.drop_excepted(read)))
    read = reading.alternatives_in_context(reading.lineage_in_context(read, text))
    disputes: dict[str, str] = {}
    read = [_structured_ages_win(c, minimum, maximum, disputes) for c in read]
    # (an exclusion that lets some people in at someone's discretion -- "Age > 21 years;
    # patients 22-25 may be enrolled with the PI's approval" -- widens like an inclusion)
    inclusions = "\n".join(item.text for item in items if item.kind == "inclusion" or (
        reading.admits_at_discretion(item.text)))
    _text_wider(inclusions, minimum, maximum, disputes)
    if out and out[0]["id"] == "age" and disputes:
        out[0] = _disputed_band(out[0], disputes)
    return out + read, minimum, maximum, sex


def _text_wider(inclusions: str, minimum: str | None, maximum: str | None,
                disputes: dict[str, str]) -> None:
    """Add to ``disputes`` the ages the inclusions' text speaks of beyond the structured ones.

    The text is read for ages only to widen: where it admits people younger than
    the structured minimum or older than the maximum ("Patients < 66 years of age
    with other diseases ..." beside a minimum of 50), that band is the study
    team's to check, never a "not eligible" on the registry's field.
    """
    low, high = reading.text_age_band(inclusions)
    if minimum is not None and low is not None and low * 365.25 < ages.limit_in_days(
            minimum) - 1:
        current = disputes.get("age_at_least")
        if current is None or ages.limit_in_days(current) > low * 365.25:
            disputes["age_at_least"] = f"{low:g} Years"
    # (in completed years: "1 to 30 years" beside a structured maximum of 29 admits a 30-year-old)
    if maximum is not None and high is not None and high * 365.25 > ages.limit_in_days(
            maximum) + 1:
        current = disputes.get("age_at_most")
        if current is None or ages.limit_in_days(current) < high * 365.25:
            disputes["age_at_most"] = f"{high:g} Years"


def _disputed_band(mapping: dict, disputes: dict[str, str]) -> dict:
    """The structured age, with the band where the text is wider left to the study team.

    "18 to 60 years" in the text beside a structured maximum of 55: someone aged 58
    is neither excluded (the text admits them) nor counted in (the registry does
    not): any[age <= 55, all[age <= 60, not_screened]]. Outside the band the
    structured age decides, as before.
    """
    def widen(node):
        if node.get("field") == "age" and node.get("op") in disputes:
            wider = {"field": "age", "op": node["op"], "value": disputes[node["op"]]}
            return {"any": [node, {"all": [wider, {"not_screened": "the study's text gives a "
                                                                    "wider age than the "
                                                                    "registry"}]}]}
        if "all" in node:
            return {**node, "all": [widen(c) for c in node["all"]]}
        if "any" in node:
            return {**node, "any": [widen(c) for c in node["any"]]}
        return node

    mapping = dict(mapping)
    mapping["rule"] = widen(mapping["rule"])
    mapping["note"] = mapping.get("note", "") + (" Where the eligibility text gives a wider age, "
                                                 "that band is left to the study team.")
    return mapping


def _structured_ages_win(crit: dict, minimum: str | None, maximum: str | None,
                         disputes: dict[str, str] | None = None) -> dict:
    """An age limit read from the text gives way to the registry's structured one.

    Where the registry states a minimum (maximum) age, a text limit of the same
    kind that says something else ("18-60 years" beside a structured 55) is
    left to the study team: the two disagree, and neither reading may exclude
    on its own. A text limit that agrees stays; a text age with no structured
    counterpart is the only age the study gives and decides. Where the text is
    wider, ``disputes`` collects it, so the structured limit does not exclude the
    band between them either (``_disputed_band``).
    """
    limits = {"age_at_least": minimum, "age_at_most": maximum}

    def walk(node):
        if not isinstance(node, dict):
            return node
        if node.get("field") == "age" and limits.get(node.get("op")) is not None:
            structured = limits[node["op"]]
            text_days = ages.limit_in_days(node["value"])
            if abs(text_days - ages.limit_in_days(structured)) > 1:
                wider = (text_days > ages.limit_in_days(structured)) == (
                    node["op"] == "age_at_most")
                if wider and disputes is not None:
                    disputes[node["op"]] = node["value"]
                return {"not_screened": f"the text says {node['value'].lower()}, the registry "
                                        f"{structured.lower()}: the study team checks"}
            return node
        if "all" not in node:
            return node  # an age inside "any"/"not" is a condition, not the trial's limit
        return {**node, "all": [walk(c) for c in node["all"]]}

    if "rule" in crit:
        crit["rule"] = walk(crit["rule"])
    return crit


#: "... to age 21 at the time of initial diagnosis": an age limit the text
#: counts at diagnosis, not today.
_AGE_AT_DIAGNOSIS = re.compile(
    r"\bage[^.;:]{0,80}?\b(?:at|of)\s+(?:the\s+time\s+of\s+)?(?:the\s+)?"
    r"(?:initial\s+|original\s+|first\s+)?diagnosis\b|"
    # "diagnosed before the age of 22", "at (the time of) diagnosis, aged 1 to 30 years"
    r"\bdiagnos\w*\s+(?:before|under|prior\s+to|by)\s+(?:the\s+)?age\b|"
    r"\b(?:at|of)\s+(?:the\s+time\s+of\s+)?(?:initial\s+|original\s+)?diagnosis\W{0,3}"
    r"(?:\w+\W+){0,4}?(?:aged?|years?\s+(?:of\s+age|old))\b|"
    # "up to 21 years at (initial ALL) diagnosis", "<= 21 years old when originally diagnosed",
    # "diagnosed at age 21 or younger", "initial diagnosis at age < 22 years"
    r"\b\d{1,2}\s*(?:years?|yrs?)\b[^.;:]{0,40}?\bat\s+(?:the\s+)?(?:time\s+of\s+)?"
    r"(?:(?:initial|original|first)\s+)?(?:[\w-]+\s+)?diagnosis\b|"
    r"\b\d{1,2}\s*(?:years?|yrs?)\b[^.;:]{0,40}?\bwhen\s+(?:\w+\s+)?diagnosed\b|"
    # "21 and under at diagnosis" (NCI's "Age:" label over it), "< 22 at initial diagnosis":
    # a number with no unit, the limit still counted at diagnosis
    r"\b\d{1,2}\s+(?:and|or)\s+(?:under|younger|less|below)\s+at\s+(?:the\s+)?(?:time\s+of\s+)?"
    r"(?:(?:initial|original|first)\s+)?diagnosis\b|"
    r"(?:<|≤|<=|=<)\s*\d{1,2}\s+at\s+(?:the\s+)?(?:time\s+of\s+)?"
    r"(?:(?:initial|original|first)\s+)?diagnosis\b|"
    r"\bdiagnos\w*\s+(?:(?:was\s+)?(?:made|established)\s+)?at\s+(?:the\s+)?(?:age\b|[<>≤≥]|"
    r"\d{1,2}\s*(?:years?|yrs?)\b)|"
    r"\bdiagnos\w*\s+(?:of\s+[\w-]+\s+)?(?:at\s+or\s+)?before\s+(?:the\s+age|\d|their|"
    r"his|her)\b", re.IGNORECASE)


def _age_at_diagnosis_too(mapping: dict, maximum: str) -> dict:
    """The structured maximum age, met also by an age at diagnosis within it.

    When the text counts the upper age limit at diagnosis (NCT02228096: "to
    age 21 at the time of initial diagnosis"), someone older today who was
    diagnosed within the limit is who the study means: never excluded on
    today's age alone.
    """
    rule = mapping["rule"]
    leaves = rule["all"] if "all" in rule else [rule]
    widened = [{"any": [leaf, {"field": "age_at_diagnosis", "op": "age_at_most",
                               "value": maximum}]}
               if leaf["op"] == "age_at_most" else leaf for leaf in leaves]
    return {**mapping, "rule": widened[0] if len(widened) == 1 else {"all": widened},
            "note": mapping["note"] + " The text counts the upper limit at diagnosis, so an "
                    "age at diagnosis within it also meets it."}


def trial_from_study(study: dict) -> RegistryTrial:
    """Build a screenable ``Trial`` (source "ctgov") from one API v2 study record.

    Raises StudyError when the document is not a study record; tolerates any
    missing optional module and ignores fields it does not know.
    """
    section = protocol_section(study)
    ident = _module(section, "identificationModule")
    status = _module(section, "statusModule")
    sponsor = _module(_module(section, "sponsorCollaboratorsModule"), "leadSponsor")
    conditions = _module(section, "conditionsModule")
    mappings, minimum, maximum, sex = criteria_from_section(section)
    criteria = [
        Criterion(id=m["id"], kind=m["kind"], text=m["text"], plain=m["plain"],
                  rule=build_node(m["rule"]) if "rule" in m else None,
                  note=m.get("note", ""), review=True)
        for m in mappings
    ]
    nct = ident["nctId"].strip()
    title = _text(ident.get("briefTitle")) or _text(ident.get("officialTitle")) or nct
    checked = _text(status.get("statusVerifiedDate")) or _text(
        _module(status, "lastUpdatePostDateStruct").get("date"))
    return RegistryTrial(
        id=nct, title=title, source="ctgov", criteria=criteria,
        status=_text(status.get("overallStatus")), status_checked=checked,
        phases=_strings(_module(section, "designModule").get("phases")),
        sponsor=_text(sponsor.get("name")), minimum_age=minimum, maximum_age=maximum,
        sex=sex, sites=_sites(section), acronym=_text(ident.get("acronym")),
        record=f"https://clinicaltrials.gov/study/{nct}",
        official_title=_text(ident.get("officialTitle")),
        conditions=_strings(conditions.get("conditions")),
        keywords=_strings(conditions.get("keywords")),
        interventions=_interventions(section),
        last_update=_text(_module(status, "lastUpdatePostDateStruct").get("date")),
    )
