"""The step graph: which steps apply to whom, and how answers become a profile.

Answers are stored per step as the raw submitted values ({field: [strings]}),
so a page always comes back exactly as it was typed, even after "Back" on a
half-filled page. Everything else is derived from them on demand: a step's
cleaned answers (its form validated), which steps apply (branching on earlier
cleaned answers), and the contract profile (``build_profile``).

A step that does not apply is never shown and contributes nothing to the
profile, even if it was answered before the person changed an earlier answer
(e.g. relapse details kept from before they changed "relapsed" to "newly
diagnosed" are ignored, not deleted: changing back brings them back).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from werkzeug.datastructures import MultiDict

from ..i18n import lazy_gettext as _l
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
MEMO_VERSION = 4


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
        self.raw: dict = stored
        self._memo: dict = memo if isinstance(memo, dict) else {}
        self._clean: dict[str, dict | None] = {}

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
        # The earlier answers that change what a step's form accepts
        # (see prepare_form and the step's form_class).
        if name == "diagnosis":
            return [self.age]
        if name == "timing":
            return [k for k, _label in self.therapy_choices()] + [self.age]
        if name == "relapse":
            return [self.age, self.get("diagnosis", "age_at_diagnosis"), self.status]
        if name == "treatments":
            return [self.status]
        if name == "tests":
            return [self.get("diagnosis", "diagnosis"), cns_time_point(self)]
        if name == "health":
            return [self.age, self.sex]
        if name == "daily":
            return [self.age]
        return []

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
        self.raw[name] = {k: formdata.getlist(k) for k in formdata if k in own}
        self._clean.clear()

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
        """(key, label) of the chosen treatments that can be timed."""
        chosen = self.get("treatments", "treatments") or []
        if any(f.TREATMENTS.get(k, "") is None for k in chosen):
            return []  # the list will be unknown anyway (see build_profile)
        labels = {c.value: c.label for c in f.TreatmentsForm.treatments.kwargs["choices"]}
        return [(k, labels[k]) for k in chosen if f.TREATMENTS.get(k)]


@dataclass(frozen=True)
class Step:
    """One page of the wizard."""

    name: str
    title: object  # lazy string
    form_class: Callable[[Answers], type[f.StepForm]]
    applies: Callable[[Answers], bool] = lambda a: True


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
    # Asked of females aged 10 and over and of anyone whose sex was not given.
    # For males and girls under 10 it cannot apply, so the profile records
    # pregnant_or_breastfeeding = false without asking (see build_profile).
    if a.sex == "male":
        return False
    return not (a.sex == "female" and a.age is not None and a.age < 10)


STEPS: list[Step] = [
    Step("who", _l("About you"), _always(f.WhoForm)),
    Step("age", _l("Age and sex"), _always(f.AgeForm)),
    Step("months", _l("Age in months"), _always(f.MonthsForm), _under_three),
    Step("diagnosis", _l("The diagnosis"), _always(f.DiagnosisForm)),
    Step("relapse", _l("About the relapse"), _always(f.RelapseForm), _relapsed_or_refractory),
    Step("treatments", _l("Treatments so far"), _always(f.TreatmentsForm)),
    Step("timing", _l("When the treatments were"),
         lambda a: f.timing_form_class(a.therapy_choices()),
         lambda a: bool(a.therapy_choices())),
    Step("tests", _l("Test results"), _always(f.TestsForm)),
    Step("health", _l("Other health"), _always(f.HealthForm)),
    Step("daily", _l("Daily life"), _always(f.DailyForm)),
    Step("location", _l("Where you live"), _always(f.LocationForm)),
]
STEP_BY_NAME = {s.name: s for s in STEPS}

#: Step -> what its page says when answers given earlier no longer fit a changed
#: earlier answer (see Answers.invalidated and Answers._context).
STALE_REASONS = {
    "diagnosis": _l("Your answer here no longer fits the age you gave: please check it."),
    "relapse": _l("Your answers here no longer fit the ages you gave, or your answer about "
                  "where things stand: please check them."),
    "treatments": _l("Your answer here no longer fits your answer about where things stand: "
                     "please check it."),
    "timing": _l("Your answers here no longer fit the age or treatments you gave: please "
                 "check them."),
    "tests": _l("Your answers here no longer fit the type of ALL you gave, or your answer "
                "about where things stand: please check them."),
    "health": _l("Because of the age or sex you gave, this page has changed: please check "
                 "it."),
}
STALE_OTHER = _l("An answer you changed on an earlier page affects this page: please check "
                 "it.")
STALE_CHECKS = _l("We now check this answer more closely: please look at it again.")


def stale_reason(answers: Answers, name: str):
    """The sentence for a step whose answers stopped fitting, or None (see invalidated)."""
    why = answers.invalidated(name)
    if why == "context":
        return STALE_REASONS.get(name, STALE_OTHER)
    if why == "checks":
        return STALE_CHECKS
    return None


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


def prepare_form(step: Step, form: f.StepForm, answers: Answers) -> None:
    """Word the form for the subject and drop the questions that do not apply."""
    idx = SUBJECT_INDEX.get(answers.subject, 0)
    for name, variants in form.personal.items():
        if name in form:
            form[name].label.text = variants[idx]
    if step.name == "diagnosis":
        form.current_age = answers.age
    if step.name in ("relapse", "timing"):
        form.max_months, form.max_months_reason = _months_limit(step.name, answers)
    if step.name == "relapse" and answers.status == "refractory":
        form.relapse_count.choices = f.REFRACTORY_COUNTS
        form.relapse_count.description = f.REFRACTORY_COUNT_HINT
    if step.name == "treatments":
        form.disease_status = answers.status
    if step.name == "tests" and answers.get("diagnosis", "diagnosis") == "t_all":
        # CD19 and CD22 are B-cell markers; for T-cell ALL the questions do not
        # apply and the profile leaves them absent (unknown), never "negative".
        del form.cd19
        del form.cd22
    if step.name == "tests":
        del form["cns" if cns_time_point(answers) == "diagnosis" else "cns_at_diagnosis"]
    if step.name == "health" and not _pregnancy_applies(answers):
        del form.pregnant
    if step.name == "daily":
        adult = answers.age is None or answers.age >= ADULT_AGE
        form.activity.choices = f.ADULT_ACTIVITY if adult else f.CHILD_ACTIVITY


def applicable(answers: Answers) -> list[Step]:
    """The steps that apply given the answers so far, in order."""
    return [s for s in STEPS if s.applies(answers)]


def first_incomplete(answers: Answers) -> Step | None:
    """The first applicable step without valid answers, or None when all are done."""
    for step in applicable(answers):
        if answers.clean(step.name) is None:
            return step
    return None


def neighbours(answers: Answers, name: str) -> tuple[Step | None, Step | None]:
    """The applicable steps before and after ``name``."""
    steps = applicable(answers)
    names = [s.name for s in steps]
    if name not in names:
        return None, None
    i = names.index(name)
    return (steps[i - 1] if i > 0 else None), (steps[i + 1] if i + 1 < len(steps) else None)


def _yes_no(value):
    return {"yes": True, "no": False}.get(value)


def _known(value):
    return None if value in (None, f.UNKNOWN, "") else value


def build_profile(answers: Answers) -> dict:
    """The contract profile from the applicable steps' cleaned answers.

    Every "I don't know" (and every blank optional number) leaves its field
    absent: absent means unknown to the engine, never "no".
    """
    profile: dict = {"profile_version": 1}
    applies = {s.name for s in applicable(answers)}

    def put(path: str, value) -> None:
        if value is None:
            return
        *parents, leaf = path.split(".")
        node = profile
        for p in parents:
            node = node.setdefault(p, {})
        node[leaf] = value

    years = answers.age
    if years is not None:
        profile["age"] = {"years": years}
        if "months" in applies and answers.get("months", "months") is not None:
            profile["age"]["months"] = answers.get("months", "months")
    put("sex", _known(answers.sex))

    put("diagnosis", _known(answers.get("diagnosis", "diagnosis")))
    put("disease_status", _known(answers.get("diagnosis", "status")))
    if answers.get("diagnosis", "age_at_diagnosis") is not None:
        profile["age_at_diagnosis"] = {"years": answers.get("diagnosis", "age_at_diagnosis")}

    if profile.get("disease_status") == "newly_diagnosed":
        # Newly diagnosed (no treatment yet, or still in first-line therapy) means
        # no relapse so far: said by the person's answer, so recorded, and a
        # trial's relapse rule is decided instead of asking the care team "how
        # many times has it come back" after they said it is new.
        profile["relapse_count"] = 0
    if "relapse" in applies:
        count = _known(answers.get("relapse", "relapse_count"))
        # "Three times or more" is recorded as 3: a rule "at least 2" or "at
        # least 3" is then decided correctly; "at most 2" correctly fails.
        # "It never went away" (refractory only) is 0: never in remission, so the
        # time to a relapse and where it came back do not apply and stay absent.
        put("relapse_count", int(count) if count else None)
        if count != f.NEVER_IN_REMISSION:
            put("months_from_diagnosis_to_relapse",
                answers.get("relapse", "first_remission_months"))
            put("isolated_extramedullary_relapse",
                _yes_no(answers.get("relapse", "extramedullary")))

    chosen = answers.get("treatments", "treatments") or []
    if chosen == [f.NONE_YET]:
        profile["prior_therapies"] = []
    elif chosen and f.NOT_SURE not in chosen and all(f.TREATMENTS.get(k) for k in chosen):
        # A present list is complete (contract). So any answer that leaves out
        # something the person had ("not sure which transplant/CAR-T", "another
        # medicine not listed") leaves the whole list absent (unknown) rather
        # than telling a trial the person never had what they may have had.
        timing = answers.clean("timing") or {}
        therapies = []
        for key in chosen:
            item = {"therapy": f.TREATMENTS[key]}
            months = timing.get(f"months_{key}")
            if months is not None:
                item["months_since_last_dose"] = months
            if item not in therapies:
                therapies.append(item)
        profile["prior_therapies"] = therapies

    put("philadelphia_chromosome", _known(answers.get("tests", "philadelphia")))
    put("cd19", _known(answers.get("tests", "cd19")))
    put("cd22", _known(answers.get("tests", "cd22")))
    put("mrd.status", _known(answers.get("tests", "mrd")))
    put("in_remission", _yes_no(answers.get("tests", "in_remission")))
    # One of the two is on the page (prepare_form): at diagnosis, or the latest spinal tap.
    put("cns_status", _known(answers.get("tests", "cns") or
                             answers.get("tests", "cns_at_diagnosis")))

    put("down_syndrome", _yes_no(answers.get("health", "down_syndrome")))
    if _pregnancy_applies(answers):
        put("pregnant_or_breastfeeding", _yes_no(answers.get("health", "pregnant")))
    elif answers.clean("age") is not None:
        # Not asked because it cannot apply (male, or a girl under 10): false.
        profile["pregnant_or_breastfeeding"] = False
    put("infections.hiv", _yes_no(answers.get("health", "hiv")))
    put("infections.hepatitis_b", _yes_no(answers.get("health", "hepatitis_b")))
    put("infections.hepatitis_c", _yes_no(answers.get("health", "hepatitis_c")))
    put("infections.uncontrolled_infection", _yes_no(answers.get("health", "infection")))

    level = _known(answers.get("daily", "activity"))
    if level is not None and years is not None:
        # The ECOG grade at every age; for a child it stands for a Lansky range
        # (see LANSKY_FOR_LEVEL), never for one guessed Lansky score.
        profile["performance_status"] = {"scale": "ecog", "score": int(level)}

    zip_code = _known(answers.get("location", "zip"))
    if zip_code:
        put("location.zip", zip_code)
        put("location.country", "United States")
    travel = answers.get("location", "travel")
    if travel and travel != "any":
        put("location.max_travel_miles", int(travel))
    return profile


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
        else:
            text = "" if data in (None, "") else str(data)
        rows.append((_anchor(field), field.label.text, text or _l("Not answered (unknown)")))
    return rows


def _anchor(field) -> str:
    return f"{field.id}-0" if field.type in ("RadioField", "MultiCheckboxField") else field.id
