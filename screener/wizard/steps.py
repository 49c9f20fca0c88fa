"""The step graph: which steps apply to whom, and how answers become a profile.

Each step is declared once (``Step``): its form, when it applies, the earlier
answers its form depends on, how it is worded for these answers, its part of the
contract profile and what its page says when earlier changes make its answers
stale. The order of pages, the profile (``build_profile``) and the review rows
(``display``) are all derived from those declarations.

The wizard asks the core steps (who, age, diagnosis, status, history, tests,
health, daily life) and where you live, then the *adaptive* questions: it screens
the profile against the trials the results page shows, asks the missing answer
that settles the most of them (``eligibility.decisive.open_questions``), adds
that answer, ranks again, and stops when no remaining answer could change a
verdict (``make_plan``). The replay is deterministic, so the order of questions
needs no storage and survives Back, refresh and a changed earlier answer.

The tests, health and daily-life pages ask only what matters too (``Step.asks``):
a question is shown only when a study still in review after the pages before it
(the same staged screening, ``stage``) reads its field, and a page with none is
skipped. A hidden question is treated like a step that no longer applies: its
field stays absent (unknown), its answer is kept and comes back when it is asked
again.

Answers are stored per step as the raw submitted values ({field: [strings]}),
so a page always comes back exactly as it was typed, even after "Back" on a
half-filled page. Everything else is derived from them on demand: a step's
cleaned answers (its form validated), which steps apply (branching on earlier
cleaned answers), and the contract profile.

A step that does not apply is never shown and contributes nothing to the
profile, even if it was answered before the person changed an earlier answer
(e.g. relapse details kept from before they changed "relapsed" to "newly
diagnosed" are ignored, not deleted: changing back brings them back).
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from flask import has_app_context
from flask_babel import format_decimal
from flask_babel.speaklater import LazyString
from werkzeug.datastructures import MultiDict

from ..eligibility import quick_verdict, screen
from ..eligibility.decisive import open_questions
from ..eligibility.engine import NEEDS_REVIEW
from ..i18n import gettext
from ..i18n import lazy_gettext as _l
from ..profile import pregnancy_can_apply
from ..vocabulary.words import LABELS
from . import forms as f

#: Age from which daily life is asked on the adult (ECOG) wording; below it the
#: child (Lansky) wording. Karnofsky/ECOG are for >= 16 years, Lansky for < 16
#: (screener/eligibility/performance.py).
ADULT_AGE = 16

#: Answer to "how much of a normal day" (level 0-4) -> performance status.
#: The level IS the ECOG grade, and is recorded as {"scale": "ecog", "score": level}
#: at every age. Adults (16+) see each answer worded after the ECOG grade. Children
#: (< 16) see it worded after the two Lansky scores that the grade covers (this
#: table, the COG equivalence). A five-level answer cannot tell those two apart,
#: so the child's answer is NOT recorded as one Lansky score: as an ECOG grade the
#: engine (screener/eligibility/performance.py) reads it as the whole Lansky range,
#: and a Lansky/Karnofsky threshold that falls inside the range stays unknown for
#: the study team, who score Lansky exactly at the screening visit.
LANSKY_FOR_LEVEL = {0: (90, 100), 1: (70, 80), 2: (50, 60), 3: (30, 40), 4: (10, 20)}

#: Subjects the wording can address, in the order of each form's ``personal`` tuples.
SUBJECT_INDEX = {"patient": 0, "parent": 1, "caregiver": 2}


#: Key of the memo of validated answers inside a draft's stored answers.
MEMO = "_validated"
#: Bump when a form's fields or checks change, so memos made by older code are ignored.
#: 2: the ZIP code must be one the offline ZIP data knows. 3: months checked against ages.
#: 4: relapse step for refractory (never in remission), treatments checked against the
#: disease status, CNS asked at a time point, timing asks treatments ticked later.
#: 5: travel asked only with a ZIP code; antibodies and other medicines on the treatments
#: page; the timing page also when a "not sure" box is ticked; adaptive questions.
#: 6: the tests, health and daily-life pages ask only what an open study reads.
MEMO_VERSION = 6
#: Key of the "show my results now" mark: set by that button, dropped by any other save.
RESULTS_NOW = "_results_now"


class Answers:
    """The stored raw answers of one draft, with cleaned values computed on demand.

    Validating every step's form on every page view is most of a page's cost,
    so the draft also stores a memo: per step, the raw answers it validated,
    the *context* it was validated in (the earlier answers that change that
    form: age, sex, type of ALL, chosen treatments) and the outcome. The memo
    is used only when both still match exactly; anything else re-validates.

    The memo also remembers the context in which a step's answers, unchanged
    since, last passed (``valid_in``): when they stop passing because an earlier
    answer changed (age 29 -> 25 with age at diagnosis 27), the step is
    ``invalidated`` and its page says why instead of silently sending the
    person back to it.
    """

    def __init__(self, stored: dict | None):
        stored = dict(stored or {})
        memo = stored.pop(MEMO, None)
        #: The person asked for the results before answering every question.
        self.results_now = bool(stored.pop(RESULTS_NOW, False))
        self.raw: dict = stored
        self._memo: dict = memo if isinstance(memo, dict) else {}
        self._clean: dict[str, dict | None] = {}
        self._plan: Plan | None = None
        #: The trials to plan for (None: those the results page shows, ``trials_in_play``).
        self._trials: list | None = None
        #: Per page that asks only what matters: (profile before it, trials in review).
        self._stages: dict = {}
        #: Per such page: the names of its questions shown for these answers.
        self._shown: dict[str, list[str]] = {}
        #: The steps that apply to these answers (``applicable``), once worked out.
        self._applicable: list | None = None

    def stored(self) -> dict:
        """Raw answers plus the validation memo, as the draft keeps them."""
        for name in self.raw:  # memoise whatever this request has not looked at yet
            self.clean(name)
        return {**self.raw, MEMO: self._memo}

    def form(self, step: Step, formdata: MultiDict | None = None) -> f.StepForm:
        """The step's form filled from ``formdata`` (a POST) or from the stored answers."""
        if formdata is None:
            formdata = MultiDict([(k, v) for k, vs in self.raw.get(step.name, {}).items()
                                  for v in vs])
        form = step.form_class(self)(formdata=formdata)
        prepare_form(step, form, self)
        return form

    def _context(self, name: str) -> list:
        # The earlier answers that change what a step's form accepts (Step.context).
        step = STEP_BY_NAME.get(name)
        return step.context(self) if step else []

    def clean(self, name: str) -> dict | None:
        """A step's validated answers, or None when it is unanswered or invalid."""
        if name not in self._clean:
            self._clean[name] = None
            if name in self.raw and name in STEP_BY_NAME:
                raw, context = self.raw[name], self._context(name)
                memo = self._memo.get(name)
                if (memo and memo.get("v") == MEMO_VERSION and memo.get("raw") == raw
                        and memo.get("context") == context):
                    self._clean[name] = memo.get("data")
                else:
                    form = self.form(STEP_BY_NAME[name])
                    data = dict(form.data) if form.validate() else None
                    entry = {"v": MEMO_VERSION, "raw": raw, "context": context, "data": data}
                    if data is not None:
                        entry["valid_in"] = context
                    elif memo and memo.get("raw") == raw:
                        # the same answers passed before: remember where
                        if memo.get("data") is not None:
                            entry["valid_in"] = memo.get("context")
                        elif "valid_in" in memo:
                            entry["valid_in"] = memo["valid_in"]
                    self._memo[name] = entry
                    self._clean[name] = data
        return self._clean[name]

    def invalidated(self, name: str) -> str | None:
        """Why a step's answers, valid when given and unchanged since, no longer pass.

        "context" when an earlier answer they depend on changed, "checks" when
        the checks themselves changed (a newer version of the wizard), else None
        (valid, unanswered, or never valid, e.g. a half-filled page left by Back).
        """
        if name not in self.raw or self.clean(name) is not None:
            return None
        memo = self._memo.get(name) or {}
        if memo.get("raw") != self.raw[name] or "valid_in" not in memo:
            return None
        return "context" if memo["valid_in"] != self._context(name) else "checks"

    def get(self, step: str, field: str):
        """One cleaned answer, or None."""
        return (self.clean(step) or {}).get(field)

    def set(self, name: str, formdata: MultiDict, form: f.StepForm) -> None:
        """Store a step's raw answers: only the fields of its ``form`` (the CSRF token, the
        buttons and anything else posted are dropped, so a post cannot grow the draft)."""
        own = {field.name for field in form} - {"csrf_token"}
        # A question hidden on this page keeps the answer it was given earlier: it comes
        # back if the question is asked again (only fields stored before, so no growth).
        kept = {k: v for k, v in self.raw.get(name, {}).items() if k not in own}
        self.raw[name] = {**kept, **{k: formdata.getlist(k) for k in formdata if k in own}}
        self._forget()

    def _forget(self) -> None:
        """Drop what was derived from the answers (after a change)."""
        self._clean.clear()
        self._plan = None
        self._stages.clear()
        self._shown.clear()
        self._applicable = None

    def in_play(self) -> list:
        """The trials the questions are chosen for (``trials_in_play`` unless set)."""
        if self._trials is None:
            self._trials = trials_in_play()
        return self._trials

    def use_trials(self, trials: list) -> None:
        """Choose the questions for ``trials`` (a benchmark's or a test's) instead."""
        if trials is not self._trials:
            self._trials = trials
            self._forget()

    def merged_into(self, stored: dict, name: str) -> dict:
        """``stored`` (the draft as saved now, perhaps by another tab) with step ``name`` taken
        from these answers, ready to store: every other step keeps what is stored."""
        merged = Answers(stored)
        merged.raw[name] = self.raw[name]
        return merged.stored()

    @property
    def subject(self) -> str:
        """Who the questions address: patient, parent or caregiver."""
        return self.get("who", "who") or "patient"

    @property
    def status(self) -> str | None:
        """newly_diagnosed, relapsed, refractory, unknown, or None before the diagnosis step."""
        return self.get("diagnosis", "status")

    @property
    def age(self) -> int | None:
        """Age in completed years, once answered."""
        return self.get("age", "years")

    @property
    def sex(self) -> str | None:
        """female, male, unknown (prefer not to say), or None before the age step."""
        return self.get("age", "sex")

    def therapy_choices(self) -> list[tuple[str, str]]:
        """(key, label) of the chosen treatments that can be timed.

        Also when another box makes the list incomplete ("another medicine", "not
        sure which kind"): the timing page is still asked, and says why its answers
        go to the study team rather than decide a study (see the timing step).
        """
        chosen = self.get("treatments", "treatments") or []
        labels = {c.value: c.label for c in f.TreatmentsForm.treatments.kwargs["choices"]}
        return [(k, labels[k]) for k in chosen if f.TREATMENTS.get(k)]

    @property
    def therapies_complete(self) -> bool:
        """Whether the ticked treatments name every one given (a present list is complete)."""
        chosen = self.get("treatments", "treatments") or []
        return chosen == [f.NONE_YET] or bool(chosen) and all(
            f.TREATMENTS.get(k) for k in chosen)

    def plan(self) -> Plan:
        """The adaptive questions for these answers (computed once per answers object)."""
        if self._plan is None:
            self._plan = make_plan(self)
        return self._plan

    def shown(self, name: str) -> list[str]:
        """For a page that asks only what matters (``Step.asks``): its questions shown."""
        if name not in self._shown:
            step = STEP_BY_NAME[name]
            _profile, results = stage(self, name)
            # the paths open_questions ranks (missing answers of the studies in review)
            missing = {path for r in results if r.verdict == NEEDS_REVIEW
                       for path in r.missing_answers}
            self._shown[name] = [field for field, path in step.asks(self)
                                 if path in missing]
        return self._shown[name]


class Profile(dict):
    """A contract profile being built: ``put`` sets a dotted path, skipping None."""

    def put(self, path: str, value) -> None:
        if value is None:
            return
        *parents, leaf = path.split(".")
        node = self
        for p in parents:
            node = node.setdefault(p, {})
        node[leaf] = value


def _always_applies(_answers: Answers) -> bool:
    return True


def _no_context(_answers: Answers) -> list:
    return []


@dataclass(frozen=True)
class Step:
    """One page of the wizard, declared once: everything else is derived from it.

    - ``form_class``: its form (from the answers, for pages that depend on them);
    - ``applies``: whether it is asked, given earlier answers;
    - ``context``: the earlier answers that change what its form accepts (the
      validation memo is keyed on them, and a change re-checks the page);
    - ``prepare``: words the form for these answers, drops questions that do not apply;
    - ``profile``: writes its part of the contract profile (absent = unknown);
    - ``stale``: what its page says when answers given earlier stop fitting;
    - ``settles``: for an adaptive question, the profile paths its answer decides
      (it is asked only while one of them could still change a study's verdict);
    - ``relevant``: for an adaptive question, a finer test on the open results;
    - ``asks``: for a core page that asks only what matters, its questions that can
      apply to these answers, as (form field, profile path): each is shown only while
      a study still in review reads that path (``Answers.shown``), and the page is
      skipped when none is. A hidden question's field stays absent (unknown).

    Its review row is ``display`` of its form; its title heads the page and the review.
    """

    name: str
    title: object  # lazy string
    form_class: Callable[[Answers], type[f.StepForm]]
    applies: Callable[[Answers], bool] = _always_applies
    context: Callable[[Answers], list] = _no_context
    prepare: Callable[[f.StepForm, Answers], None] | None = None
    profile: Callable[[Answers, Profile], None] | None = None
    stale: object = None
    settles: tuple[str, ...] = ()
    relevant: Callable[[list], bool] | None = None
    asks: Callable[[Answers], list[tuple[str, str]]] | None = None

    @property
    def adaptive(self) -> bool:
        return bool(self.settles)


def _always(cls):
    return lambda answers: cls


def _relapsed_or_refractory(a: Answers) -> bool:
    # Refractory too: primary refractory (never in remission) is relapse_count 0, and
    # refractory after a relapse keeps its relapse facts.
    return a.status in ("relapsed", "refractory")


def cns_time_point(a: Answers) -> str:
    """Which spinal tap the CNS question is about: "diagnosis" for a newly diagnosed
    leukemia (trials for it mean the CNS status before treatment), else "latest" (trials
    for relapse mean active CNS disease now; also when the status is not known)."""
    return "diagnosis" if a.status == "newly_diagnosed" else "latest"


def _under_three(a: Answers) -> bool:
    return a.age is not None and a.age < 3


def _pregnancy_applies(a: Answers) -> bool:
    # Asked of females aged 10 and over and of anyone whose sex was not given; for the
    # others it cannot apply (screener/profile.py), recorded as false by the age step.
    return pregnancy_can_apply(a.sex, a.age)


def _yes_no(value):
    return {"yes": True, "no": False}.get(value)


def _known(value):
    return None if value in (None, f.UNKNOWN, "") else value


def _months_limit(step: str, answers: Answers) -> tuple[int | None, object]:
    """The most months a relapse or treatment timing can be, from the ages given.

    Ages are in completed years, so a year is added to each span: the check only
    catches answers that cannot be right (a typo), never a real one.
    """
    age = answers.age
    if age is None:
        return None, ""
    diagnosed = answers.get("diagnosis", "age_at_diagnosis")
    if step == "relapse" and diagnosed is not None and diagnosed <= age:
        return (age - diagnosed + 1) * 12, _l("the time since the leukemia was first found")
    return (age + 1) * 12, _l("the age you gave")


# ------------------------------------------------------------------ the core steps
def _asks_any(name: str) -> Callable[[Answers], bool]:
    """A page that asks only what matters applies when one of its questions is shown."""
    return lambda a: bool(a.shown(name))


def _age_profile(a: Answers, p: Profile) -> None:
    if a.age is not None:
        p["age"] = {"years": a.age}
    p.put("sex", _known(a.sex))
    if a.clean("age") is not None and not _pregnancy_applies(a):
        # Not asked because it cannot apply (male, or a girl under 10): false. Recorded
        # here, from the age and sex, so it holds whether or not the health page is asked.
        p["pregnant_or_breastfeeding"] = False


def _months_profile(a: Answers, p: Profile) -> None:
    if "age" in p and a.get("months", "months") is not None:
        p["age"]["months"] = a.get("months", "months")


def _diagnosis_prepare(form, a: Answers) -> None:
    form.current_age = a.age


def _diagnosis_profile(a: Answers, p: Profile) -> None:
    p.put("diagnosis", _known(a.get("diagnosis", "diagnosis")))
    p.put("disease_status", _known(a.status))
    if a.get("diagnosis", "age_at_diagnosis") is not None:
        p["age_at_diagnosis"] = {"years": a.get("diagnosis", "age_at_diagnosis")}
    if p.get("disease_status") == "newly_diagnosed":
        # Newly diagnosed (no treatment yet, or still in first-line therapy) means
        # no relapse so far: said by the person's answer, so recorded, and a
        # trial's relapse rule is decided instead of asking the care team "how
        # many times has it come back" after they said it is new.
        p["relapse_count"] = 0


def _relapse_prepare(form, a: Answers) -> None:
    form.max_months, form.max_months_reason = _months_limit("relapse", a)
    if a.status == "refractory":
        form.relapse_count.choices = f.REFRACTORY_COUNTS
        form.relapse_count.description = f.REFRACTORY_COUNT_HINT


def _relapse_profile(a: Answers, p: Profile) -> None:
    count = _known(a.get("relapse", "relapse_count"))
    # "Three times or more" is recorded as 3: a rule "at least 2" or "at
    # least 3" is then decided correctly; "at most 2" correctly fails.
    # "It never went away" (refractory only) is 0: never in remission, so the
    # time to a relapse and where it came back do not apply and stay absent.
    p.put("relapse_count", int(count) if count else None)
    if count != f.NEVER_IN_REMISSION:
        p.put("months_from_diagnosis_to_relapse", a.get("relapse", "first_remission_months"))
        p.put("isolated_extramedullary_relapse", _yes_no(a.get("relapse", "extramedullary")))


def _treatments_prepare(form, a: Answers) -> None:
    form.disease_status = a.status


def _treatments_profile(a: Answers, p: Profile) -> None:
    chosen = a.get("treatments", "treatments") or []
    if chosen == [f.NONE_YET]:
        p["prior_therapies"] = []
    elif a.therapies_complete:
        # A present list is complete (contract). So any answer that leaves out
        # something the person had ("not sure which transplant/CAR-T", "another
        # medicine not listed") leaves the whole list absent (unknown) rather
        # than telling a trial the person never had what they may have had.
        therapies: list = []
        for key in chosen:
            item = {"therapy": f.TREATMENTS[key]}
            if item not in therapies:
                therapies.append(item)
        p["prior_therapies"] = therapies
    if "prior_therapies" in p and not any(
            t["therapy"] == "allogeneic_hsct" for t in p["prior_therapies"]):
        # Graft-versus-host disease needs a donor's cells: with a complete list and no
        # donor transplant there is none, so GVHD rules are decided, not asked.
        p["active_gvhd"] = False


def _timing_prepare(form, a: Answers) -> None:
    form.max_months, form.max_months_reason = _months_limit("timing", a)
    if not a.therapies_complete:
        form.page_note = f.TIMING_INCOMPLETE


def _timing_profile(a: Answers, p: Profile) -> None:
    # Only onto a complete list (see the treatments step); else the months stay in
    # the answers (and on the review page) for the study team.
    timing = a.clean("timing") or {}
    for key in a.get("treatments", "treatments") or []:
        months = timing.get(f"months_{key}")
        if months is None or not f.TREATMENTS.get(key):
            continue
        for item in p.get("prior_therapies") or []:
            if item["therapy"] == f.TREATMENTS[key] and "months_since_last_dose" not in item:
                item["months_since_last_dose"] = months


def _tests_asks(a: Answers) -> list[tuple[str, str]]:
    asks = [("philadelphia", "philadelphia_chromosome")]
    if a.get("diagnosis", "diagnosis") != "t_all":
        # CD19 and CD22 are B-cell markers; for T-cell ALL the questions do not
        # apply and the profile leaves them absent (unknown), never "negative".
        asks += [("cd19", "cd19"), ("cd22", "cd22")]
    # The CNS status at one time point (see cns_time_point).
    cns = "cns_at_diagnosis" if cns_time_point(a) == "diagnosis" else "cns"
    return [*asks, ("mrd", "mrd.status"), ("in_remission", "in_remission"),
            (cns, "cns_status")]


def _tests_profile(a: Answers, p: Profile) -> None:
    p.put("philadelphia_chromosome", _known(a.get("tests", "philadelphia")))
    p.put("cd19", _known(a.get("tests", "cd19")))
    p.put("cd22", _known(a.get("tests", "cd22")))
    p.put("mrd.status", _known(a.get("tests", "mrd")))
    p.put("in_remission", _yes_no(a.get("tests", "in_remission")))
    # One of the two is on the page (prepare): at diagnosis, or the latest spinal tap.
    p.put("cns_status", _known(a.get("tests", "cns") or a.get("tests", "cns_at_diagnosis")))


def _health_asks(a: Answers) -> list[tuple[str, str]]:
    return [("down_syndrome", "down_syndrome"),
            *([("pregnant", "pregnant_or_breastfeeding")] if _pregnancy_applies(a) else []),
            ("hiv", "infections.hiv"), ("hepatitis_b", "infections.hepatitis_b"),
            ("hepatitis_c", "infections.hepatitis_c"),
            ("infection", "infections.uncontrolled_infection")]


def _health_profile(a: Answers, p: Profile) -> None:
    p.put("down_syndrome", _yes_no(a.get("health", "down_syndrome")))
    if _pregnancy_applies(a):  # else recorded as false by the age step
        p.put("pregnant_or_breastfeeding", _yes_no(a.get("health", "pregnant")))
    p.put("infections.hiv", _yes_no(a.get("health", "hiv")))
    p.put("infections.hepatitis_b", _yes_no(a.get("health", "hepatitis_b")))
    p.put("infections.hepatitis_c", _yes_no(a.get("health", "hepatitis_c")))
    p.put("infections.uncontrolled_infection", _yes_no(a.get("health", "infection")))


def _daily_prepare(form, a: Answers) -> None:
    adult = a.age is None or a.age >= ADULT_AGE
    form.activity.choices = f.ADULT_ACTIVITY if adult else f.CHILD_ACTIVITY


def _daily_profile(a: Answers, p: Profile) -> None:
    level = _known(a.get("daily", "activity"))
    if level is not None and a.age is not None:
        # The ECOG grade at every age; for a child it stands for a Lansky range
        # (see LANSKY_FOR_LEVEL), never for one guessed Lansky score.
        p["performance_status"] = {"scale": "ecog", "score": int(level)}


def _location_profile(a: Answers, p: Profile) -> None:
    zip_code = _known(a.get("location", "zip"))
    if zip_code:
        p.put("location.zip", zip_code)
        p.put("location.country", "United States")
        travel = a.get("location", "travel")
        # A distance without a ZIP code cannot be used, and is not asked.
        if travel and travel != "any":
            p.put("location.max_travel_miles", int(travel))


CORE: list[Step] = [
    Step("who", _l("About you"), _always(f.WhoForm)),
    Step("age", _l("Age and sex"), _always(f.AgeForm), profile=_age_profile),
    Step("months", _l("Age in months"), _always(f.MonthsForm), _under_three,
         profile=_months_profile),
    Step("diagnosis", _l("The diagnosis"), _always(f.DiagnosisForm),
         context=lambda a: [a.age], prepare=_diagnosis_prepare, profile=_diagnosis_profile,
         stale=_l("Your answer here no longer fits the age you gave: please check it.")),
    Step("relapse", _l("About the relapse"), _always(f.RelapseForm), _relapsed_or_refractory,
         context=lambda a: [a.age, a.get("diagnosis", "age_at_diagnosis"), a.status],
         prepare=_relapse_prepare, profile=_relapse_profile,
         stale=_l("Your answers here no longer fit the ages you gave, or your answer about "
                  "where things stand: please check them.")),
    Step("treatments", _l("Treatments so far"), _always(f.TreatmentsForm),
         context=lambda a: [a.status], prepare=_treatments_prepare,
         profile=_treatments_profile,
         stale=_l("Your answer here no longer fits your answer about where things stand: "
                  "please check it.")),
    Step("timing", _l("When the treatments were"),
         lambda a: f.timing_form_class(a.therapy_choices()),
         lambda a: bool(a.therapy_choices()),
         context=lambda a: [k for k, _label in a.therapy_choices()] + [a.age],
         prepare=_timing_prepare, profile=_timing_profile,
         stale=_l("Your answers here no longer fit the age or treatments you gave: please "
                  "check them.")),
    Step("tests", _l("Test results"), _always(f.TestsForm), _asks_any("tests"),
         context=lambda a: [a.get("diagnosis", "diagnosis"), cns_time_point(a),
                            a.shown("tests")],
         profile=_tests_profile, asks=_tests_asks,
         stale=_l("Your answers here no longer fit the type of ALL you gave, or your answer "
                  "about where things stand: please check them.")),
    Step("health", _l("Other health"), _always(f.HealthForm), _asks_any("health"),
         context=lambda a: [a.age, a.sex, a.shown("health")], profile=_health_profile,
         asks=_health_asks,
         stale=_l("Because of the age or sex you gave, this page has changed: please check "
                  "it.")),
    Step("daily", _l("Daily life"), _always(f.DailyForm), _asks_any("daily"),
         context=lambda a: [a.age, a.shown("daily")],
         prepare=_daily_prepare, profile=_daily_profile,
         asks=lambda a: [("activity", "performance_status")]),
]
LOCATION = Step("location", _l("ZIP code and travel"), _always(f.LocationForm),
                profile=_location_profile)


# ------------------------------------------------------------- adaptive questions
def _title(path: str) -> LazyString:
    """A page title from the vocabulary's label for ``path``, capitalised."""
    return LazyString(lambda: (lambda w: w[:1].upper() + w[1:])(gettext(LABELS[path])))


def _answer(step: str, path: str, convert: Callable = lambda v: v):
    """The profile part of a one-question page: its ``answer`` at ``path``."""
    def profile(a: Answers, p: Profile) -> None:
        value = a.get(step, "answer")
        p.put(path, None if value in (None, "", f.UNKNOWN) else convert(value))
    return profile


def _yes_no_question(name: str, path: str, question, hint="",
                     applies: Callable[[Answers], bool] = _always_applies) -> Step:
    return Step(name, _title(path), _always(f.yes_no_form(question, hint)), applies,
                profile=_answer(name, path, _yes_no), settles=(path,))


def _reads(op_name: str) -> Callable[[list], bool]:
    """Whether an undecided criterion of an open trial has a leaf with this operator."""
    def walk(node) -> bool:
        if getattr(getattr(node, "op", None), "name", None) == op_name:
            return True
        children = getattr(node, "children", None) or (
            [node.child] if hasattr(node, "child") else [])
        return any(walk(c) for c in children)

    def relevant(results) -> bool:
        return any(c.outcome == "unknown" and c.criterion.rule is not None
                   and walk(c.criterion.rule) for r in results for c in r.criteria)
    return relevant


#: Treatments whose result ("it did not work", "stopped for side effects") studies ask about.
RESPONSE_TREATMENTS = ("imatinib", "dasatinib", "nilotinib", "ponatinib", "asciminib",
                       "blinatumomab", "inotuzumab", "cd19_car_t", "cd22_car_t")


def _response_choices(a: Answers) -> list[tuple[str, str]]:
    if not a.therapies_complete:
        return []  # no list to record the result on
    return [(k, label) for k, label in a.therapy_choices() if k in RESPONSE_TREATMENTS]


def _response_profile(a: Answers, p: Profile) -> None:
    answers = a.clean("response") or {}
    for key, _label in _response_choices(a):
        outcome = _known(answers.get(f"outcome_{key}"))
        for item in p.get("prior_therapies") or []:
            if outcome and item["therapy"] == f.TREATMENTS[key]:
                item["outcome"] = outcome


def _scale(a: Answers) -> str:
    return "lansky" if a.age is not None and a.age < ADULT_AGE else "karnofsky"


_SCORE_FORMS = {scale: f.score_form(scale) for scale in ("lansky", "karnofsky")}


def _score_profile(a: Answers, p: Profile) -> None:
    score = _known(a.get("score", "answer"))
    if score is not None and a.age is not None:
        # The exact score, on the scale the care team uses at this age: it replaces
        # the five-level daily-life answer, which covers two scores per level.
        p["performance_status"] = {"scale": _scale(a), "score": int(score)}


def _genetics(name: str, path: str, applies=_always_applies) -> Step:
    return _yes_no_question(
        name, path, _l("Did the tests on the leukemia cells find: %(what)s?",
                       what=LazyString(lambda: gettext(LABELS[path]))),
        _l("These results come from the genetic tests of the leukemia cells (cytogenetics, "
           "FISH or sequencing). Choose \"I don't know\" if you have not been told."), applies)


def _ph(a: Answers) -> str | None:
    return a.get("tests", "philadelphia")


ADAPTIVE: list[Step] = [
    _yes_no_question(
        "etp", "early_t_precursor",
        _l("Was the leukemia called early T-cell precursor ALL (ETP-ALL)?"),
        _l("A kind of T-cell ALL that the lab tests at diagnosis can show."),
        lambda a: a.get("diagnosis", "diagnosis") != "b_all"),
    Step("blasts", _title("marrow_blasts_percent"), _always(f.number_form(
        _l("At the latest bone marrow test, what percentage of the cells were leukemia cells "
           "(blasts)?"),
        _l("For example, enter 12 for 12%; leave it empty if you do not know."), 0, 100)),
        profile=_answer("blasts", "marrow_blasts_percent"), settles=("marrow_blasts_percent",)),
    Step("mrd_level", _title("mrd.level"), _always(f.number_form(
        _l("What was the level of the latest MRD test, as a percentage?"),
        _l("For example 0.1 for 0.1% (also written 10⁻³, or 1 in 1,000 cells). Leave it "
           "empty if you do not know."), 0, 100)),
        lambda a: a.get("tests", "mrd") != "negative",
        # a percentage of cells; the profile holds the fraction (0.1% -> 0.001)
        profile=_answer("mrd_level", "mrd.level", lambda pct: round(pct / 100, 10)),
        settles=("mrd.level",)),
    Step("response", _l("How the treatments went"),
         lambda a: f.response_form_class(_response_choices(a)),
         lambda a: bool(_response_choices(a)),
         context=lambda a: [k for k, _label in _response_choices(a)],
         profile=_response_profile, settles=("prior_therapies",),
         relevant=_reads("received_with_outcome")),
    _yes_no_question(
        "seizures", "seizure_disorder",
        _l("Is there a seizure disorder (epilepsy) or another illness of the brain or nerves, "
           "apart from the leukemia?")),
    _yes_no_question(
        "gvhd", "active_gvhd",
        _l("Is there graft-versus-host disease (GVHD) now, or treatment for it?"),
        _l("GVHD can follow a transplant from a donor, when the donor's cells attack the "
           "body.")),
    # (Age is required on its page, so by the time these are asked it is known.)
    Step("score", _title("performance_status"), lambda a: _SCORE_FORMS[_scale(a)],
         context=lambda a: [_scale(a)],
         profile=_score_profile, settles=("performance_status",)),
    Step("wbc", _title("wbc_at_diagnosis_per_ul"), _always(f.number_form(
        _l("What was the white blood cell count when the leukemia was first found?"),
        _l("Per microliter, for example 50000. A report that says 50 (×10⁹/L or K/µL) "
           "means 50000. Leave it empty if you do not know."), 100, 2_000_000,
        kind=f.CountField)),
        profile=_answer("wbc", "wbc_at_diagnosis_per_ul"), settles=("wbc_at_diagnosis_per_ul",)),
    Step("exact_months", _l("Age in months"), _always(f.MonthsForm),
         lambda a: a.age is None or a.age >= 3,
         profile=lambda a, p: p["age"].update(months=a.get("exact_months", "months"))
         if "age" in p and a.get("exact_months", "months") is not None else None,
         settles=("age.months",)),
    _genetics("kmt2a", "genetics.kmt2a_rearranged"),
    _genetics("ph_like", "genetics.ph_like", lambda a: _ph(a) != "positive"),
    _genetics("etv6_runx1", "genetics.etv6_runx1"),
    _genetics("hyperdiploid", "genetics.high_hyperdiploid"),
    _genetics("hypodiploid", "genetics.hypodiploid"),
    _genetics("iamp21", "genetics.iamp21"),
    _genetics("tcf3_pbx1", "genetics.tcf3_pbx1"),
    _genetics("t315i", "genetics.abl1_t315i", lambda a: _ph(a) != "negative"),
]
#: Profile path -> the adaptive questions that settle it.
QUESTIONS_FOR: dict[str, list[Step]] = {}
for _step in ADAPTIVE:
    for _path in _step.settles:
        QUESTIONS_FOR.setdefault(_path, []).append(_step)

STEPS: list[Step] = [*CORE, LOCATION, *ADAPTIVE]
STEP_BY_NAME = {s.name: s for s in STEPS}

STALE_OTHER = _l("An answer you changed on an earlier page affects this page: please check "
                 "it.")
STALE_CHECKS = _l("We now check this answer more closely: please look at it again.")


STALE_ASKS_MORE = _l("Because of an answer you changed on an earlier page, this page now asks "
                     "more: please check it.")


def stale_reason(answers: Answers, name: str):
    """The sentence for a step whose answers stopped fitting, or None (see invalidated)."""
    why = answers.invalidated(name)
    if why == "context":
        step = STEP_BY_NAME[name]
        valid_in = answers._memo[name]["valid_in"]
        if step.asks is not None and valid_in[:-1] == step.context(answers)[:-1]:
            # only the questions shown changed (the last item of its context)
            return STALE_ASKS_MORE
        return step.stale or STALE_OTHER
    if why == "checks":
        return STALE_CHECKS
    return None


def prepare_form(step: Step, form: f.StepForm, answers: Answers) -> None:
    """Word the form for the subject and drop the questions that do not apply."""
    idx = SUBJECT_INDEX.get(answers.subject, 0)
    for name, variants in form.personal.items():
        if name in form:
            form[name].label.text = variants[idx]
    if step.prepare is not None:
        step.prepare(form, answers)
    if step.asks is not None:
        # Only the questions shown for these answers (Answers.shown): the others are
        # neither shown, checked, reviewed nor put in the profile, and keep their answers.
        shown = set(answers.shown(step.name))
        for name in [field.name for field in form if field.name not in shown]:
            del form[name]


# ----------------------------------------------------------------- the ranking
@dataclass
class Plan:
    """The adaptive questions for one set of answers, and the profile they lead to.

    ``sequence``: the questions in the order they are asked -- each the most
    decisive one left once the answers before it are known -- ending at the first
    one not answered yet (or when no answer could change a verdict any more).
    ``counts``: per question, how many studies depended on it when it was chosen.
    ``more``: how many other questions could still follow the last one (an upper
    bound: an answer often settles several).
    """

    sequence: list[Step]
    counts: dict[str, int]
    more: int
    profile: dict


def trials_in_play() -> list:
    """The trials the results page groups by verdict: curated and registry, open to
    enrollment (none outside an app, e.g. a bare unit test)."""
    if not has_app_context():
        return []
    from ..trials.catalog import catalog
    return [t for t in catalog().all() if t.recruiting]


def _candidates(open_results: list, answers: Answers, asked: set) -> list[tuple[Step, int]]:
    """Adaptive questions that could settle an open trial, most decisive first."""
    found: list[tuple[Step, int]] = []
    seen = set(asked)
    for question in open_questions(open_results):
        for step in QUESTIONS_FOR.get(question.path, ()):
            if step.name in seen or not step.applies(answers):
                continue
            if step.relevant is not None and not step.relevant(open_results):
                continue
            seen.add(step.name)
            found.append((step, question.count))
    return found


#: Recent screenings for the replay, (profile, trials) -> results in review: each page of
#: a draft replays the same first steps (GET, then POST, then the next page), so only
#: the step after the newest answer is screened anew. Bounded; guarded by a lock.
_REVIEWED: OrderedDict = OrderedDict()
_REVIEWED_SIZE = 128
_REVIEWED_LOCK = threading.Lock()


def _in_review(profile: dict, trials: list) -> list:
    """The screening results of the trials still in review: the verdict first on the
    engine's compiled fast path (most trials are settled by age or type of ALL), the
    full screening (for the missing answers) only for those it leaves open.

    Remembered per (profile, trials): the entry keeps the very trial objects it was
    made from and is used only for those same objects, so a catalog reloaded with
    changed criteria is screened afresh. The results are read, never changed.
    """
    frozen = json.dumps(profile, sort_keys=True)
    # Privacy: the key is a digest and the entry drops its profile (below), so no answer
    # stays in memory after the request.
    key = (hashlib.sha256(frozen.encode()).hexdigest(), tuple(map(id, trials)))
    with _REVIEWED_LOCK:
        hit = _REVIEWED.get(key)
        if hit is not None and len(hit[0]) == len(trials) and all(
                a is b for a, b in zip(hit[0], trials, strict=True)):
            _REVIEWED.move_to_end(key)
            return hit[1]
    fixed = json.loads(frozen)  # screened on a copy: the caller goes on adding answers
    results = [screen(fixed, t) for t in trials if quick_verdict(fixed, t) == NEEDS_REVIEW]
    for result in results:  # the plan reads outcomes and missing answers, never "because"
        for criterion in result.criteria:
            criterion._profile = None
    with _REVIEWED_LOCK:
        _REVIEWED[key] = (list(trials), results)
        while len(_REVIEWED) > _REVIEWED_SIZE:
            _REVIEWED.popitem(last=False)
    return results


def stage(answers: Answers, name: str | None) -> tuple[dict, list]:
    """(profile, trials still in review) from the core pages before page ``name`` (None:
    every core page and where you live), as the adaptive ranking screens them.

    Each stage screens only the trials in review at the stage before it (one more answer
    never reopens a trial, see make_plan), and ``_in_review`` remembers the screenings,
    so the pages before an answer cost nothing on the next page.
    """
    if name not in answers._stages:
        profile = Profile(profile_version=1)
        before = None  # the last page before ``name`` that asks only what matters
        for step in [*CORE, LOCATION]:
            if step.name == name:
                break
            if step.applies(answers) and step.profile is not None:
                step.profile(answers, profile)
            if step.asks is not None:
                before = step.name
        trials = (answers.in_play() if before is None
                  else [r.trial for r in stage(answers, before)[1]])
        answers._stages[name] = (profile, _in_review(profile, trials))
    return answers._stages[name]


def make_plan(answers: Answers, trials: list | None = None) -> Plan:
    """Replay the adaptive questions: rank, take the best, add its answer, rank again.

    Only trials still in review are screened again after each answer: one more
    answer never reopens a trial already ruled out or already matching (Kleene
    logic only settles unknowns). Deterministic, so it needs no stored order:
    Back, refresh and a changed earlier answer all replay the same way.
    """
    if trials is not None:
        answers.use_trials(trials)
    core, results = stage(answers, None)
    profile = Profile(json.loads(json.dumps(core)))  # the stage stays as it was
    sequence: list[Step] = []
    counts: dict[str, int] = {}
    more = 0
    while True:
        open_results = results  # only trials in review: one answer never reopens another
        found = _candidates(open_results, answers, {s.name for s in sequence})
        if not found:
            break
        step, count = found[0]
        sequence.append(step)
        counts[step.name] = count
        if answers.clean(step.name) is None:
            more = len(found) - 1
            break
        step.profile(answers, profile)
        results = _in_review(profile, [r.trial for r in open_results])
    return Plan(sequence, counts, more, json.loads(json.dumps(profile)))


def applicable(answers: Answers) -> list[Step]:
    """The steps that apply given the answers so far, in order: the core steps, where
    you live, then the adaptive questions chosen for these answers (``Answers.plan``).

    Worked out once per answers object (each page asks it several times: the order,
    the next page, the counter); a changed answer forgets it (``Answers._forget``)."""
    if answers._applicable is None:
        answers._applicable = ([s for s in CORE if s.applies(answers)] + [LOCATION]
                               + answers.plan().sequence)
    return list(answers._applicable)


def first_incomplete(answers: Answers) -> Step | None:
    """The first applicable step without valid answers, or None when all are done."""
    for step in applicable(answers):
        if answers.clean(step.name) is None:
            return step
    return None


#: Core pages asked only for some answers, and the page whose answer decides it.
BRANCH_DECIDED_BY = {"months": "age", "relapse": "diagnosis", "timing": "treatments"}


def pages_left(answers: Answers, name: str) -> int:
    """About how many pages follow ``name``: the steps after it, the pages a branch may
    still add (the page deciding it not answered yet: "When the treatments were" may
    follow the treatments page), and the adaptive questions that could still follow.
    An upper bound, so the counter never grows as the person goes on."""
    names = [s.name for s in applicable(answers)]
    order = [s.name for s in CORE]
    branches = sum(1 for branch, decider in BRANCH_DECIDED_BY.items()
                   if branch not in names and name in order
                   and order.index(branch) > order.index(name)
                   and answers.clean(decider) is None)
    return len(names) - names.index(name) - 1 + branches + answers.plan().more


def neighbours(answers: Answers, name: str) -> tuple[Step | None, Step | None]:
    """The applicable steps before and after ``name``."""
    steps = applicable(answers)
    names = [s.name for s in steps]
    if name not in names:
        return None, None
    i = names.index(name)
    return (steps[i - 1] if i > 0 else None), (steps[i + 1] if i + 1 < len(steps) else None)


def build_profile(answers: Answers) -> dict:
    """The contract profile from the applicable steps' cleaned answers (each step's
    ``profile``). Every "I don't know" (and every blank optional number) leaves its field
    absent: absent means unknown to the engine, never "no"."""
    return json.loads(json.dumps(answers.plan().profile))


def display(form: f.StepForm) -> list[tuple[str, str, str]]:
    """(field id, question, answer in words) for each question of a filled form."""
    rows = []
    skipped = form.not_applicable()
    for field in form:
        data = field.data
        if field.name in skipped:
            rows.append((_anchor(field), field.label.text, _l("Does not apply")))
            continue
        if field.type == "RadioField":
            text = f.labels(field).get(data, "")
        elif field.type == "MultiCheckboxField":
            labels = f.labels(field)
            text = "; ".join(str(labels[k]) for k in (data or []) if k in labels)
        elif isinstance(data, float) or (field.type == "CountField" and data is not None):
            text = format_decimal(data)  # 12,5 and 50.000 in Spanish
        else:
            text = "" if data in (None, "") else str(data)
        rows.append((_anchor(field), field.label.text, text or _l("Not answered (unknown)")))
    return rows


def _anchor(field) -> str:
    return f"{field.id}-0" if field.type in ("RadioField", "MultiCheckboxField") else field.id
