"""The results page's content: patient-facing sentences and the nearest site.

The engine's ``because`` sentences are written for physicians; here every line
is built from the criterion's own plain-language sentence in the person's
language (``criterion.plain``) plus its outcome, and for what is still unknown
a question to take to the care team. Nothing says a person *is* eligible: the
best group is "likely eligible — the study team confirms".

Criteria the ClinicalTrials.gov reader could not turn into a rule carry only a
placeholder sentence; they are shown in the registry's own (English) words,
marked as such. A registry trial is shown as likely eligible only when every
one of its inclusion criteria was checked (see ``trial_views``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

import zipcodes
from flask_babel import format_date, format_decimal

from .. import vocabulary
from ..eligibility import LIKELY_ELIGIBLE, NEEDS_REVIEW, NOT_ELIGIBLE, Trial, screen
from ..eligibility.decisive import open_questions
from ..eligibility.engine import CriterionResult, wait_ends
from ..eligibility.performance import score_range
from ..i18n import gettext as _
from ..i18n import lazy_gettext as _l
from ..i18n import translations
from ..profile import cannot_apply
from ..trials.reading import PLAIN_NONE
from ..vocabulary.words import ASK, LABELS

#: The wizard's own group (not a contract verdict): registry trials the contract
#: calls likely eligible although part of what they ask for was never checked.
UNCHECKED = "unchecked"
#: The result groups in the order the page shows them.
GROUP_ORDER = (LIKELY_ELIGIBLE, NEEDS_REVIEW, UNCHECKED, NOT_ELIGIBLE)

#: What the reader puts as the plain sentence of a criterion it could not read
#: (screener/trials/reader.py PLAIN_NONE): a placeholder, never shown as such.
PLACEHOLDER_PLAIN = {PLAIN_NONE.strip().lower()}

GROUP_TITLES = {
    LIKELY_ELIGIBLE: _l("Likely eligible — the study team confirms"),
    NEEDS_REVIEW: _l("Could be an option — some answers are still unknown"),
    UNCHECKED: _l("Read automatically — we could not check everything"),
    NOT_ELIGIBLE: _l("Do not seem to fit your answers"),
}
GROUP_INTROS = {
    LIKELY_ELIGIBLE: _l("Every question we could check matches what these studies ask for. Only "
                        "the study team can confirm that someone can join."),
    NEEDS_REVIEW: _l("Nothing you told us rules these studies out, but some answers are still "
                     "unknown: the questions for your care team above settle them."),
    UNCHECKED: _l("These studies were read from ClinicalTrials.gov by a computer. Nothing we "
                  "could check rules them out, but part of what they ask for could not be "
                  "checked against your answers: go through these criteria with your care "
                  "team."),
    NOT_ELIGIBLE: _l("At least one of your answers does not match what these studies ask for. "
                     "If an answer was not right, you can change it."),
}

STATUS_WORDS = {
    "RECRUITING": _l("Taking new patients"),
    "NOT_YET_RECRUITING": _l("Not taking patients yet"),
    "ENROLLING_BY_INVITATION": _l("Taking patients by invitation only"),
    "ACTIVE_NOT_RECRUITING": _l("No longer taking new patients"),
    "COMPLETED": _l("Finished"),
    "TERMINATED": _l("Stopped early"),
    "SUSPENDED": _l("Paused"),
    "WITHDRAWN": _l("Withdrawn"),
    "UNKNOWN": _l("Status not known"),
    # expanded access records (not trials, but the registry can list them)
    "AVAILABLE": _l("Available outside a study (expanded access)"),
    "NO_LONGER_AVAILABLE": _l("No longer available"),
    "TEMPORARILY_NOT_AVAILABLE": _l("Not available for now"),
    "APPROVED_FOR_MARKETING": _l("Approved for sale"),
    "WITHHELD": _l("Status not given"),
}
#: Statuses that say for sure that a study takes no new patients.
CLOSED_STATUSES = {"ACTIVE_NOT_RECRUITING", "COMPLETED", "TERMINATED", "SUSPENDED", "WITHDRAWN",
                   "NO_LONGER_AVAILABLE", "TEMPORARILY_NOT_AVAILABLE", "APPROVED_FOR_MARKETING"}
#: Any status not listed above (a new registry value, or none at all).
STATUS_UNKNOWN = STATUS_WORDS["UNKNOWN"]


def status_words(status: str | None) -> str:
    """A registry overall status in plain words, in the request's language."""
    return str(STATUS_WORDS.get((status or "").strip().upper(), STATUS_UNKNOWN))


def number(value, digits: int = 0) -> str:
    """A number rounded to ``digits`` and written the request's way (1,424 / 1.424)."""
    value = round(value, digits) if digits else int(round(value))
    return format_decimal(value, format="#,##0" + ("." + "#" * digits if digits else ""))

@dataclass
class Line:
    """One sentence about one criterion, with the language it is written in.

    Shown as ``before`` + ``text`` + ``after``: the framing is in the page's
    language, ``text`` in ``lang`` (English for the registry's own words), so
    the page can mark just the text's language for screen readers.
    """

    text: str
    lang: str
    kind: str = "inclusion"
    sentence: str = ""  # the line as shown: text framed by its outcome and kind
    told: str = ""  # "You told us: ..." for what rules a trial out
    ask: list[str] = field(default_factory=list)  # questions for the care team
    before: str = ""  # framing before the text, in the page's language
    after: str = ""  # framing after the text, in the page's language
    verbatim: bool = False  # the registry's own words (no plain sentence exists)


@dataclass
class TrialView:
    """Everything the results page shows about one trial."""

    trial: Trial
    verdict: str  # a contract verdict or UNCHECKED; "" for a trial not screened (closed)
    status: str
    summary: tuple[str, str] = ("", "en")
    matched: list[Line] = field(default_factory=list)
    ruled_out: list[Line] = field(default_factory=list)
    unknown: list[Line] = field(default_factory=list)
    study_team: list[Line] = field(default_factory=list)
    site: dict | None = None
    miles: float | None = None
    too_far: bool = False
    thin: bool = False  # nothing beyond age/sex could be checked from the answers
    status_note: str = ""  # for a trial not taking patients: what that means
    checked: str = ""  # the date its status was checked, in words
    stale: bool = False  # checked over STALE_AFTER_DAYS ago: it may have changed
    needed: list[str] = field(default_factory=list)  # labels of the answers still missing
    unchecked: list[Line] = field(default_factory=list)  # inclusion criteria nobody checked


def _is_placeholder(text: str) -> bool:
    return not text or text.upper() == "TODO" or text.lower() in PLACEHOLDER_PLAIN


def plain_text(criterion, lang: str) -> tuple[str, str, bool]:
    """The criterion's plain sentence in ``lang``, else English, else the verbatim text.

    Returns (text, language of the text, verbatim?) so the page can mark a
    fallback's language and say that the words are the registry's own.
    """
    for code in (lang, "en"):
        text = (criterion.plain or {}).get(code, "").strip()
        if not _is_placeholder(text):
            return text, code, False
    return criterion.text.strip(), "en", True


_MARK = "\x00"


def _frame(sentence: str) -> tuple[str, str]:
    """A translated sentence made with ``what=_MARK``, split into (before, after) the text."""
    before, _sep, after = sentence.partition(_MARK)
    return before, after


def told(path: str, profile: dict, lang: str) -> str | None:
    """One answer of the profile in words ("treatments: chemotherapy, ..."), or None."""
    value = profile
    for key in path.split("."):
        value = value.get(key) if isinstance(value, dict) else None
    if value is None:
        return None
    words = vocabulary.answer(path, value, lang) or _("none yet")
    label = _(LABELS[path]) if path in LABELS else path
    return f"{label}: {words}"


def _fields_of(criterion) -> list[str]:
    if criterion is None or criterion.rule is None:
        return []
    seen: list[str] = []
    for path in criterion.rule.fields():
        if path not in seen:
            seen.append(path)
    return seen


def line_for(result: CriterionResult, profile: dict, lang: str) -> Line:
    """The patient-facing line for one criterion outcome."""
    text, text_lang, verbatim = plain_text(result.criterion, lang)
    line = Line(text, text_lang, result.kind, verbatim=verbatim)
    if result.kind == "exclusion":
        # (an exclusion that does not apply is never made a line: see trial_views)
        line.before, line.after = _frame(_(
            "This study is not for people with: %(what)s", what=_MARK))
    elif result.outcome not in ("met", "not_screened"):
        line.before, line.after = _frame(_(
            "This study is for people with: %(what)s", what=_MARK))
    if verbatim:
        # The registry's words are English: say so where the page is not.
        words = (_("In the study's own words:") if lang == "en"
                 else _("In the study's own words, in English as the registry gives them:"))
        line.before += words + " "
    elif text_lang != lang:  # a plain sentence nobody has translated yet
        line.after += " " + _("(only in English)")
    line.sentence = line.before + text + line.after
    if result.outcome == "not_met":
        answers = [t for t in (told(p, profile, lang)
                               for p in answered(_fields_of(result.criterion), profile)) if t]
        if answers:
            line.told = _("You told us: %(answers)s.", answers="; ".join(answers))
        left = wait_ends(result.criterion, profile)
        if left is not None:
            # A wait that will pass: say from when it no longer blocks (whole months
            # answered, so the date is approximate and said to be).
            ends = date.today() + timedelta(days=math.ceil(left * 30.4375))
            line.told = (line.told + " " if line.told else "") + _(
                "This waiting period ends around %(when)s; after that, this criterion no "
                "longer rules the study out.", when=format_date(ends, "MMMM y"))
    elif result.outcome == "unknown":
        for path in result.missing:
            question = ask(path)
            if question not in line.ask:
                line.ask.append(question)
    return line


def question_key(path: str) -> str:
    """The question that answers ``path`` ("age.months" is answered with the age); a path
    with no question of its own or of its root keeps its own name (and label)."""
    if path in ASK:
        return path
    root = path.split(".")[0]
    return root if root in ASK else path


def ask(path: str) -> str:
    """What to ask the care team about a missing answer, in the request's language."""
    root = question_key(path)
    if root in ASK:
        return _(ASK[root])
    return _("Ask your care team about: %(what)s.",
             what=_(LABELS[path]) if path in LABELS else path)


def _no_donor_transplant(therapies) -> bool:
    return isinstance(therapies, list) and not any(
        t.get("therapy") == "allogeneic_hsct" for t in therapies)


#: Answers the wizard records without asking, because another answer implies
#: them: (field, value it records, the answer that implies it, the test that
#: answer meets). "You told us" and "Your answers" name the answer the person
#: gave, never one they were not asked (no GVHD "no" for someone who never had
#: a donor transplant and was never asked about GVHD: steps.py records it).
IMPLIED = (("relapse_count", 0, "disease_status", lambda status: status == "newly_diagnosed"),
           ("active_gvhd", False, "prior_therapies", _no_donor_transplant))


def implied(path: str, profile: dict) -> str | None:
    """The answer that implies ``path``'s recorded value, or None when it was answered."""
    for recorded, value, by, holds in IMPLIED:
        if path == recorded and profile.get(recorded) == value and holds(profile.get(by)):
            return by
    return None


def answered(paths: list[str], profile: dict) -> list[str]:
    """``paths`` with each implied answer replaced by the answer that implies it."""
    out: list[str] = []
    for path in paths:
        path = implied(path, profile) or path
        if path not in out:
            out.append(path)
    return out


def _about_only(criterion, fields: set[str]) -> bool:
    """The criterion's rule reads nothing but ``fields``."""
    return bool(fields) and criterion.rule is not None and set(
        criterion.rule.fields()) <= fields


@lru_cache(maxsize=4096)
def zip_point(zip_code: str) -> tuple[float, float] | None:
    """(latitude, longitude) of a US ZIP code from the offline ``zipcodes`` data, or None."""
    zip5 = zip_code[:5]
    if not re.fullmatch(r"[0-9]{5}", zip5):
        return None
    try:
        found = zipcodes.matching(zip5)
    except (ValueError, TypeError):
        return None
    if not found:
        return None
    return float(found[0]["lat"]), float(found[0]["long"])


def miles_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance in miles (haversine; good to a mile or so at these scales)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 3958.8 * 2 * math.asin(math.sqrt(h))


_NEAREST: dict[tuple, tuple[dict | None, float | None]] = {}


def nearest_site(trial: Trial, zip_code: str | None) -> tuple[dict | None, float | None]:
    """The trial's site nearest the ZIP code and its distance in miles.

    Only US sites have ZIP codes we can place; without a usable ZIP code the
    first listed site is shown with no distance. Answers are memoised per
    (trial, site count, ZIP code): trials list up to hundreds of sites.
    """
    key = (trial.id, len(trial.sites), zip_code)
    if key not in _NEAREST:
        if len(_NEAREST) > 20_000:  # bounded memory
            _NEAREST.clear()
        _NEAREST[key] = _nearest_site(trial, zip_code)
    return _NEAREST[key]


def _nearest_site(trial: Trial, zip_code: str | None) -> tuple[dict | None, float | None]:
    home = zip_point(zip_code) if zip_code else None
    best, best_miles = None, None
    for site in trial.sites:
        if home is None or str(site.get("country", "")) != "United States":
            continue
        point = zip_point(str(site.get("zip", "")))
        if point is None:
            continue
        miles = miles_between(home, point)
        if best_miles is None or miles < best_miles:
            best, best_miles = site, miles
    if best is None and trial.sites:
        return trial.sites[0], None
    return best, best_miles


def _status_note(trial: Trial) -> str:
    """For a trial not taking patients: what its status means for the person."""
    if trial.recruiting:
        return ""
    if trial.status not in CLOSED_STATUSES:
        return _("Ask the study team whether it is taking patients.")
    return "" if trial.status == "ACTIVE_NOT_RECRUITING" else _("Not taking new patients.")


def closed_views(profile: dict, trials: list[Trial]) -> list[TrialView]:
    """Trials not taking patients, nearest first: status and site only, never screened.

    They are listed for reference without a verdict, so screening them (most
    of the registry) would only cost time.
    """
    zip_code = (profile.get("location") or {}).get("zip")
    views = []
    for trial in trials:
        site, miles = nearest_site(trial, zip_code)
        checked, stale = status_checked(trial)
        views.append(TrialView(trial=trial, verdict="", status=status_words(trial.status),
                               status_note=_status_note(trial), site=site, miles=miles,
                               checked=checked, stale=stale))
    views.sort(key=lambda v: (v.miles if v.miles is not None else math.inf, v.trial.id))
    return views


def _unique_lines(lines: list[Line]) -> list[Line]:
    """Each sentence once: two criteria can say the same ("Aged 1 to 18 years." from the
    registry's age limits and from the eligibility text)."""
    seen: dict[str, Line] = {}
    for line in lines:
        key = line.told + line.sentence
        if key in seen:
            for question in line.ask:
                if question not in seen[key].ask:
                    seen[key].ask.append(question)
        else:
            seen[key] = line
    return list(seen.values())


def trial_views(profile: dict, trials: list[Trial], lang: str,
                results: list | None = None) -> dict[str, list[TrialView]]:
    """Screen the profile against every trial and group the patient-facing views by verdict.

    ``results``, when given, collects the engine's screening results (for the
    care-team checklist).
    """
    location = profile.get("location") or {}
    groups: dict[str, list[TrialView]] = {v: [] for v in GROUP_ORDER}
    hidden = cannot_apply(profile)
    today = date.today()
    for trial in trials:
        result = screen(profile, trial)
        if results is not None:
            results.append(result)
        # For a trial that does not fit, only what rules it out is shown: the
        # rest would bury the one line that matters (and it is the costly part).
        # An exclusion that does not apply is not "what matches" (it matches
        # nothing), and a rule about what cannot apply to this person (pregnancy
        # for a man) is not shown to them at all.
        shown = (("not_met",) if result.verdict == NOT_ELIGIBLE
                 else ("met", "unknown", "not_screened"))
        lines: dict[str, list[Line]] = {o: [] for o in ("met", "not_met", "unknown",
                                                        "not_screened")}
        for r in result.criteria:
            if r.outcome not in shown or _about_only(r.criterion, hidden):
                continue
            if r.outcome == "met" and r.kind == "exclusion":
                continue
            lines[r.outcome].append(line_for(r, profile, lang))
        lines = {o: _unique_lines(found) for o, found in lines.items()}
        summary = trial.summary.get(lang) or trial.summary.get("en") or ""
        site, miles = nearest_site(trial, location.get("zip"))
        limit = location.get("max_travel_miles")
        verdict = result.verdict
        # A likely_eligible that is not fully checked (engine: nothing beyond age
        # and sex met, or a registry inclusion nobody read) is never shown as
        # likely: a registry trial goes to the "read automatically -- could not
        # check everything" group with its unchecked criteria listed; any other
        # goes to "still unknown".
        thin = result.thin
        if not result.fully_checked:
            verdict = UNCHECKED if trial.source == "ctgov" else NEEDS_REVIEW
        team = lines["not_screened"]
        unchecked: list[Line] = []
        if trial.source == "ctgov" and verdict != NOT_ELIGIBLE:
            # registry inclusions nobody read: for the person to go through, apart
            unchecked = [line for line in team if line.kind == "inclusion"]
            team = [line for line in team if line.kind != "inclusion"]
        needed = []
        for path in result.missing_answers:
            key = question_key(path)
            if key not in hidden and key not in needed:
                needed.append(key)
        checked, stale = status_checked(trial, today)
        needed = [_(LABELS[k]) if k in LABELS else k for k in needed]
        if len(needed) > NEEDED_SHOWN + 1:  # the rest are under "Why" and in the checklist
            needed = needed[:NEEDED_SHOWN] + [_("and %(n)s more", n=len(needed) - NEEDED_SHOWN)]
        groups[verdict].append(TrialView(
            trial=trial, verdict=verdict, thin=thin,
            summary=(summary, lang if trial.summary.get(lang) else "en"),
            status=status_words(trial.status), status_note=_status_note(trial),
            checked=checked, stale=stale,
            needed=needed,
            matched=lines["met"], ruled_out=lines["not_met"], unknown=lines["unknown"],
            study_team=team, unchecked=unchecked, site=site, miles=miles,
            too_far=bool(limit and miles is not None and miles > limit)))
    for views in groups.values():
        views.sort(key=lambda v: (not v.trial.recruiting,
                                  v.miles if v.miles is not None else math.inf, v.trial.id))
    return groups


#: How many missing answers a card names (the rest: "and 4 more").
NEEDED_SHOWN = 3

#: A status checked longer ago than this may have changed, and the page says so.
STALE_AFTER_DAYS = 30


def status_checked(trial: Trial, today: date | None = None) -> tuple[str, bool]:
    """(the date the status was checked, in words; whether that is over 30 days ago)."""
    try:
        when = date.fromisoformat(trial.status_checked)
    except (TypeError, ValueError):
        return trial.status_checked or "", False
    today = today or date.today()
    return format_date(when, "medium"), (today - when).days > STALE_AFTER_DAYS


def day_words(iso: str | None) -> str:
    """A registry date ("2022-11-08") as the page's language writes it ("Nov 8, 2022" /
    "8 nov 2022"), as the statuses' "checked" dates are; the text as it is if not a date."""
    try:
        return format_date(date.fromisoformat(iso), "medium")
    except (TypeError, ValueError):
        return iso or ""


def ngettext(singular: str, plural: str, n: int) -> str:
    """``singular``/``plural`` (with ``%(num)d``) for ``n``, in the request's language."""
    return translations().ungettext(singular, plural, n) % {"num": n}


def _path_value(profile: dict, path: str):
    value = profile
    for key in path.split("."):
        value = value.get(key) if isinstance(value, dict) else None
    return value


def answers_given(profile: dict, lang: str) -> list[tuple[str, str]]:
    """The person's answers as (label, words), for the page's summary and its print.

    An answer the wizard recorded without asking (no pregnancy for a man, no
    relapse for a new diagnosis) is left out: only what was answered is said.
    """
    hidden = cannot_apply(profile)
    out = []
    for path in LABELS:
        value = _path_value(profile, path)
        if value is None or path in hidden or implied(path, profile):
            continue
        words = (_child_performance(profile, value) if path == "performance_status" else None)
        out.append((_(LABELS[path]), words or vocabulary.answer(path, value, lang)
                    or _("none yet")))
    location = profile.get("location") or {}
    if location.get("zip"):
        out.append((_("ZIP code"), location["zip"]))
    if location.get("max_travel_miles"):
        out.append((_("how far you can travel"),
                    _("%(miles)s miles", miles=number(location["max_travel_miles"]))))
    return out


def _child_performance(profile: dict, given: dict) -> str | None:
    """A child's daily-life answer in the scale their care team uses: "Lansky 90–100".

    The wizard records a child's five-level answer as an ECOG grade, which the engine
    reads as the Lansky range it covers (steps.LANSKY_FOR_LEVEL); ECOG is an adult scale,
    so "ECOG 0" would tell a parent a score no one gave their child. None for an adult.
    """
    from .steps import ADULT_AGE

    years = (profile.get("age") or {}).get("years")
    if given.get("scale") != "ecog" or years is None or years >= ADULT_AGE:
        return None
    low, high = score_range("ecog", given["score"], "lansky")
    return f"Lansky {number(low)}–{number(high)}" if low != high else f"Lansky {number(low)}"


#: Questions of the checklist shown before "more questions" (so that the summary
#: and the first questions fit a phone's first screen).
CHECKLIST_SHOWN = 3
#: Cards shown at first in a group still to check (the rest fold: "9 more studies").
CARDS_SHOWN = 5


def results_page(profile: dict, trials: list[Trial], lang: str) -> dict:
    """Everything the results page shows, for a validated profile.

    Trials taking patients are screened and grouped by verdict; the others are
    listed apart, never screened: those known to take no new patients, and
    those whose status is not known (which may well be taking patients: they
    are never filed as closed).
    """
    results: list = []
    open_trials = [t for t in trials if t.recruiting]
    groups = trial_views(profile, open_trials, lang, results)
    closed = closed_views(profile, [t for t in trials if not t.recruiting
                                    and t.status in CLOSED_STATUSES])
    unknown_status = closed_views(profile, [t for t in trials if not t.recruiting
                                            and t.status not in CLOSED_STATUSES])
    hidden = cannot_apply(profile)
    # Checklist: one line per question, ranked by the number of studies still
    # in review that depend on it (only those can change with one more answer).
    in_review = {v.trial.id for v in groups[NEEDS_REVIEW]}
    checklist = [(ask(q.path), q.count) for q in open_questions(
        [r for r in results if r.trial.id in in_review], key=question_key)
        if q.path not in hidden]
    counts = {v: len(groups[v]) for v in GROUP_ORDER}
    summary = [
        (LIKELY_ELIGIBLE, ngettext("%(num)d study likely fits", "%(num)d studies likely fit",
                                  counts[LIKELY_ELIGIBLE])),
        (NEEDS_REVIEW, ngettext("%(num)d study needs answers from your care team",
                               "%(num)d studies need answers from your care team",
                               counts[NEEDS_REVIEW])),
        (UNCHECKED, ngettext("%(num)d study read automatically could not be checked fully",
                            "%(num)d studies read automatically could not be checked fully",
                            counts[UNCHECKED])),
        (NOT_ELIGIBLE, ngettext("%(num)d study does not fit your answers",
                               "%(num)d studies do not fit your answers",
                               counts[NOT_ELIGIBLE])),
    ]
    summary = [(group, words) for group, words in summary
               if counts[group] or group in (LIKELY_ELIGIBLE, NEEDS_REVIEW, NOT_ELIGIBLE)]
    if unknown_status:
        summary.append(("unknown-status", ngettext(
            "%(num)d study whose status is not known", "%(num)d studies whose status is not "
            "known", len(unknown_status))))
    if closed:
        summary.append(("closed", ngettext(
            "%(num)d study not taking new patients", "%(num)d studies not taking new patients",
            len(closed))))
    return {"groups": groups, "closed": closed, "unknown_status": unknown_status,
            "checklist": checklist, "checklist_shown": CHECKLIST_SHOWN, "summary": summary,
            "cards_shown": CARDS_SHOWN,
            "counts": counts,
            "answers": answers_given(profile, lang),
            "today": format_date(date.today(), "long")}
