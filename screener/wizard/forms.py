"""One FlaskForm per wizard step, in plain language.

Every clinical question offers "I don't know" as an explicit choice; that
choice (and an optional number left blank) leaves the profile field absent
(steps.build_profile). Field labels are written for the patient ("you"); a form's
``personal`` table gives the wording for a parent ("your child") and for another
caregiver ("the person you care for"), applied by steps.prepare_form.

CSRF: the token is checked app-wide by CSRFProtect on every POST and rendered
by the templates, so the forms themselves are built with ``csrf=False`` (the
same class then serves both the posted page and the stored answers).
"""

from __future__ import annotations

import re

from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import IntegerField, RadioField, SelectChoice, SelectMultipleField, StringField
from wtforms.validators import (
    InputRequired,
    NumberRange,
    Optional,
    Regexp,
    StopValidation,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget, TextInput

from ..i18n import lazy_gettext as _l
from ..vocabulary.words import THERAPIES

UNKNOWN = "unknown"
YES_NO_UNKNOWN = [("yes", _l("Yes")), ("no", _l("No")), (UNKNOWN, _l("I don't know"))]
POS_NEG_UNKNOWN = [("positive", _l("Positive")), ("negative", _l("Negative")),
                   (UNKNOWN, _l("I don't know"))]
CHOOSE = _l("Choose an answer.")
NUMBER = {"inputmode": "numeric", "autocomplete": "off", "class": "short"}


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as the SelectChoice objects WTForms 3.3+ expects."""
    return [p if isinstance(p, SelectChoice) else SelectChoice(*p) for p in pairs]


def labels(field) -> dict:
    """A choice field's {value: label}."""
    return {c.value: c.label for c in field.choices}


def _radio(label, options, description="", message=CHOOSE) -> RadioField:
    # invalid_choice_message: a stored answer that is no longer a choice (the choices
    # depend on earlier answers) is asked again in the same plain words.
    return RadioField(label, choices=choices(options), description=description,
                      invalid_choice_message=message,
                      validators=[InputRequired(message=message)])


class WholeNumberField(IntegerField):
    """A whole number typed as digits, with a plain message for anything else.

    Blank stays None (an answer left empty). Subclasses change what is accepted
    (``pattern``, ``message``) and how it becomes a number (``convert``).
    """

    pattern = r"[0-9]{1,6}"
    message = _l("Enter a whole number using digits only, for example 4.")

    def clean(self, raw: str) -> str:
        return raw

    def convert(self, raw: str):
        return int(raw)

    def process_formdata(self, valuelist):
        if not valuelist:
            return
        raw = self.clean(str(valuelist[0]).strip())
        self.data = None
        if raw == "":
            return
        if not re.fullmatch(self.pattern, raw):
            raise ValueError(str(self.message))
        self.data = self.convert(raw)


def _number(label, low, high, description="", required=False, message=None,
            before=()) -> IntegerField:
    # type=text with inputmode=numeric: number inputs mangle typing and scroll
    # on phones (GOV.UK design system advice). ``before``: checks run first.
    first = InputRequired(message=message) if required else Optional()
    return WholeNumberField(label, description=description, widget=TextInput(), render_kw=NUMBER,
                        validators=[*before, first, NumberRange(low, high, message=_l(
                            "Enter a whole number from %(min)s to %(max)s."))])


class MultiCheckboxField(SelectMultipleField):
    """A group of checkboxes (rendered in a fieldset by the field macro)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class StepForm(FlaskForm):
    """Base of every step: no per-form CSRF (CSRFProtect checks every POST)."""

    class Meta:
        csrf = False

    #: field name -> (patient, parent, other caregiver) wording of its label.
    personal: dict = {}
    #: field name -> {choice value: one-sentence hint shown under that choice}.
    choice_hints: dict = {}
    #: The longest plausible number of months for "months" answers on this page
    #: (set by steps.prepare_form from the age answers), and what it is.
    max_months: int | None = None
    max_months_reason: str = ""
    #: A sentence shown above the questions, for these answers (set by steps.prepare_form).
    page_note: object = None

    def not_applicable(self) -> set[str]:
        """Fields whose answers, given the others on this page, do not apply (and are ignored)."""
        return set()

    def check_months(self, field) -> None:
        """A number of months longer than the life (or illness) it is about is a typo."""
        if field.data is not None and self.max_months is not None and (
                field.data > self.max_months):
            raise ValidationError(_l("This is more months than %(what)s (about %(n)s months). "
                                     "Check the answer, or leave it empty if you are not sure.",
                                     what=self.max_months_reason, n=self.max_months))


class WhoForm(StepForm):
    who = _radio(_l("Who is filling in this form?"), [
        ("patient", _l("I am the patient")),
        ("parent", _l("I am a parent or guardian of the patient")),
        ("caregiver", _l("I am a caregiver, relative or friend of the patient")),
    ], _l("We use this to word the questions for you."))


class AgeForm(StepForm):
    years = _number(_l("How old are you?"), 0, 120, _l("In years. For a baby under 1, enter 0."),
                    required=True, message=_l("Enter the age in years, for example 4."))
    sex = _radio(_l("What sex were you assigned at birth?"), [
        ("female", _l("Female")), ("male", _l("Male")), (UNKNOWN, _l("Prefer not to say")),
    ], _l("Some studies are only for one sex, or ask about pregnancy."))
    personal = {
        "years": (_l("How old are you?"), _l("How old is your child?"),
                  _l("How old is the person you care for?")),
        "sex": (_l("What sex were you assigned at birth?"),
                _l("What sex was your child assigned at birth?"),
                _l("What sex was the person you care for assigned at birth?")),
    }


class MonthsForm(StepForm):
    months = _number(_l("And how many months beyond the years?"), 0, 11,
                     _l("For example, 2 years and 5 months: enter 5. Leave it empty if you "
                        "are not sure."))


class DiagnosisForm(StepForm):
    diagnosis = _radio(_l("What type of ALL is it?"), [
        ("b_all", _l("B-cell ALL")), ("t_all", _l("T-cell ALL")), (UNKNOWN, _l("I'm not sure")),
    ], _l("Your care team may have called it B-ALL, pre-B ALL or T-ALL."))
    status = _radio(_l("Where do things stand now?"), [
        ("newly_diagnosed", _l("Newly diagnosed")),
        ("relapsed", _l("It came back after treatment (relapsed)")),
        ("refractory", _l("It did not respond to treatment (refractory)")),
        (UNKNOWN, _l("I'm not sure")),
    ])
    age_at_diagnosis = _number(_l("How old were you when the leukemia was first found?"),
                               0, 120, _l("In years. Leave it empty if you are not sure."))
    choice_hints = {"status": {
        "newly_diagnosed": _l("Found recently, or still in the first course of treatment."),
        "relapsed": _l("It went away with treatment (remission) and then came back."),
        "refractory": _l("Treatment never made it go away (no remission), or it came back and "
                         "the treatment for that relapse did not make it go away again."),
    }}
    personal = {"age_at_diagnosis": (
        _l("How old were you when the leukemia was first found?"),
        _l("How old was your child when the leukemia was first found?"),
        _l("How old was the person you care for when the leukemia was first found?"))}

    #: The age given on the age step, set by steps.prepare_form for the cross-step check.
    current_age: int | None = None

    def validate_age_at_diagnosis(self, field):
        """Age at diagnosis cannot be more than the age today."""
        if field.data is not None and self.current_age is not None and (
                field.data > self.current_age):
            raise ValidationError(_l("This is more than the age you gave (%(age)s). Check "
                                     "both answers.", age=self.current_age))


#: relapse_count for a leukemia that never went away: no relapse, never in remission.
NEVER_IN_REMISSION = "0"
RELAPSE_COUNTS = choices([
    ("1", _l("Once")), ("2", _l("Twice")), ("3", _l("Three times or more")),
    (UNKNOWN, _l("I don't know")),
])
#: For refractory leukemia the first choice is "never in remission" (relapse_count 0).
REFRACTORY_COUNTS = choices([
    (NEVER_IN_REMISSION, _l("It never went away (never in remission)")),
    *RELAPSE_COUNTS,
])
REFRACTORY_COUNT_HINT = _l("If it never went away, the other two questions on this page do not "
                           "apply: leave them.")


class NotAfterNoRemission:
    """First check of a relapse detail: when the leukemia never went away there was no
    relapse, so the question does not apply; it is not required and its answer is ignored
    (steps.build_profile leaves the field absent)."""

    def __call__(self, form, field):
        if form.relapse_count.data == NEVER_IN_REMISSION:
            field.errors[:] = []
            raise StopValidation()


class RelapseForm(StepForm):
    relapse_count = _radio(_l("How many times has the leukemia come back?"), RELAPSE_COUNTS)
    # The profile's months_from_diagnosis_to_relapse: from diagnosis to the first relapse.
    first_remission_months = _number(
        _l("How many months after diagnosis did it first come back?"), 0, 1200,
        _l("Count from the month the leukemia was first found to the month it first came back "
           "(2 years is 24). Leave it empty if you are not sure."))
    extramedullary = RadioField(
        _l("Was the latest relapse only outside the bone marrow?"),
        choices=choices(YES_NO_UNKNOWN),
        description=_l("For example, at the latest relapse leukemia was found only in the spinal "
                       "fluid or the testicles, and none in the bone marrow."),
        invalid_choice_message=CHOOSE,
        validators=[NotAfterNoRemission(), InputRequired(message=CHOOSE)])

    def not_applicable(self) -> set[str]:
        if self.relapse_count.data == NEVER_IN_REMISSION:
            return {"first_remission_months", "extramedullary"}
        return set()

    def validate_first_remission_months(self, field):
        if field.data is not None and self.relapse_count.data == NEVER_IN_REMISSION:
            raise ValidationError(_l("You said it never went away, so it has not come back: "
                                     "leave this empty, or change the first answer."))
        self.check_months(field)


#: Treatments by the names people know -> the profile's prior_therapies value.
#: None marks answers after which the list cannot be complete (see steps.py).
TREATMENTS: dict[str, str | None] = {
    # ALL chemotherapy is several medicines, and trials name them one by one
    # (asparaginase, anthracyclines, steroids, spinal-fluid chemotherapy), so they
    # are asked one by one: a single "chemotherapy" box would tell a trial that
    # the person never had asparaginase when they may well have.
    "chemo": "multiagent_chemotherapy",
    "steroids": "corticosteroids",
    "asparaginase": "asparaginase",
    "anthracycline": "anthracycline",
    "intrathecal": "intrathecal_chemotherapy",
    "nelarabine": "nelarabine",
    "clofarabine": "clofarabine",
    "chemo_unsure": None,
    "blinatumomab": "blinatumomab",
    "inotuzumab": "inotuzumab_ozogamicin",
    "cd19_car_t": "cd19_car_t",
    "cd22_car_t": "cd22_car_t",
    "other_car_t": "other_car_t",
    "imatinib": "imatinib",
    "dasatinib": "dasatinib",
    "nilotinib": "nilotinib",
    "ponatinib": "ponatinib",
    "asciminib": "asciminib",
    "allo": "allogeneic_hsct",
    "auto": "autologous_hsct",
    "cranial_radiation": "cranial_radiation",
    "study_drug": "investigational_agent",
    "rituximab": "rituximab",
    "daratumumab": "daratumumab",
    "venetoclax": "venetoclax",
    "bortezomib": "bortezomib",
    "transplant_unsure": None,
    "car_t_unsure": None,
    "other": None,
}
NONE_YET = "none"
NOT_SURE = "unsure"


class TreatmentsForm(StepForm):
    treatments = MultiCheckboxField(_l("Which treatments have you had for leukemia?"),
                                    choices=choices([
        ("chemo", _l("Chemotherapy by vein or by mouth (for example vincristine, methotrexate, "
                     "cytarabine, mercaptopurine)")),
        ("steroids", _l("Steroids (prednisone, prednisolone or dexamethasone)")),
        ("asparaginase", _l("Asparaginase (Oncaspar / pegaspargase, Rylaze, Erwinase)")),
        ("anthracycline", _l("Daunorubicin or doxorubicin (Adriamycin), sometimes called "
                             "\"the red medicine\"")),
        ("intrathecal", _l("Chemotherapy into the spinal fluid, given during a spinal tap "
                           "(lumbar puncture)")),
        ("nelarabine", _l("Arranon (nelarabine)")),
        ("clofarabine", _l("Clolar (clofarabine)")),
        ("chemo_unsure", _l("Chemotherapy, not sure which medicines")),
        ("blinatumomab", _l("Blincyto (blinatumomab)")),
        ("inotuzumab", _l("Besponsa (inotuzumab ozogamicin)")),
        ("cd19_car_t", _l("Kymriah (tisagenlecleucel), Tecartus, Aucatzyl or another CAR-T "
                          "aimed at CD19")),
        ("cd22_car_t", _l("CAR-T aimed at CD22 (in a study)")),
        ("other_car_t", _l("Another CAR-T aimed at neither CD19 nor CD22")),
        ("car_t_unsure", _l("CAR-T, not sure which kind")),
        ("imatinib", _l("Gleevec (imatinib)")),
        ("dasatinib", _l("Sprycel (dasatinib)")),
        ("nilotinib", _l("Tasigna (nilotinib)")),
        ("ponatinib", _l("Iclusig (ponatinib)")),
        ("asciminib", _l("Scemblix (asciminib)")),
        ("allo", _l("Stem cell or bone marrow transplant from a donor")),
        ("auto", _l("Stem cell transplant using your own cells")),
        ("transplant_unsure", _l("A transplant, not sure which kind")),
        ("cranial_radiation", _l("Radiation to the head")),
        ("study_drug", _l("A new medicine in a clinical trial")),
        # Antibodies and other medicines some studies ask about by name; their names
        # are the vocabulary's (screener/vocabulary/words.py).
        *((key, _l(THERAPIES[key])) for key in ("rituximab", "daratumumab", "venetoclax",
                                                 "bortezomib")),
        ("other", _l("Another leukemia medicine not listed here")),
        (NONE_YET, _l("No treatment for leukemia yet")),
        (NOT_SURE, _l("I'm not sure")),
    ]), description=_l("Tick every one that applies. Look for the medicine's own name or its "
                      "brand name: many are listed with both, for example Blincyto "
                      "(blinatumomab). Studies check these medicines one by one, so if you are "
                      "not sure about some of them, tick a \"not sure\" box."))
    personal = {"treatments": (
        _l("Which treatments have you had for leukemia?"),
        _l("Which treatments has your child had for leukemia?"),
        _l("Which treatments has the person you care for had for leukemia?"))}

    #: The answer to "where do things stand", set by steps.prepare_form.
    disease_status: str | None = None

    def validate_treatments(self, field):
        """At least one box; "none yet" and "not sure" cannot go with a treatment; a leukemia
        that came back or did not respond has been treated."""
        chosen = set(field.data or ())
        if not chosen:
            raise ValidationError(_l("Tick at least one box, or \"I'm not sure\"."))
        if NONE_YET in chosen and len(chosen) > 1:
            raise ValidationError(_l("\"No treatment yet\" cannot go with other boxes. "
                                     "Untick one of them."))
        if NONE_YET in chosen and self.disease_status in ("relapsed", "refractory"):
            # prior_therapies: [] would read "never received X" as met for every X.
            raise ValidationError(_l("You said the leukemia came back or did not respond, so "
                                     "it has been treated: tick what was given, or \"I'm not "
                                     "sure\"."))
        if NOT_SURE in chosen and len(chosen) > 1:
            raise ValidationError(_l("\"I'm not sure\" cannot go with other boxes. Untick one "
                                     "of them."))


class AnsweredOnPage:
    """The field was on the page when it was sent (an empty answer counts as answered).

    Stored answers lack a field that was not on the page then: on the timing page, a
    treatment ticked later (from the review page). Its question has not been asked yet.
    """

    def __call__(self, form, field):
        if not field.raw_data:
            raise StopValidation(str(_l("This question is new on this page: enter the months, "
                                        "or leave it empty if you are not sure.")))


#: The timing page when another box leaves the list of treatments incomplete.
TIMING_INCOMPLETE = _l("You also ticked a box that does not name one medicine, so studies "
                       "that ask about earlier treatments are left to the study team. Your "
                       "answers here are kept with your other answers for them.")


def timing_form_class(chosen: list[tuple[str, str]]) -> type[StepForm]:
    """A form asking how many months ago each chosen treatment was last given."""
    attrs: dict = {"personal": {}}
    for key, label in chosen:
        if key in ("allo", "auto"):
            # the treatment's name leads, so it keeps its capital letter
            question = _l("%(what)s: how many months ago was the transplant?", what=label)
        else:
            question = _l("%(what)s: how many months ago was the last dose?", what=label)
        # AnsweredOnPage: a treatment ticked after this page was answered has no stored
        # answer at all (not even an empty one), so the page must be shown again.
        attrs[f"months_{key}"] = _number(question, 0, 1200, _l(
            "Less than a month ago: enter 0. Leave it empty if you are not sure."),
            before=[AnsweredOnPage()])
        attrs[f"validate_months_{key}"] = StepForm.check_months
    return type("TimingForm", (StepForm,), attrs)


CNS_CHOICES = choices([
    ("cns1", _l("No, none was found (CNS1)")),
    ("cns2", _l("Yes, a small amount (CNS2)")),
    ("cns3", _l("Yes, CNS3 (more cells, or signs in the brain or nerves)")),
    (UNKNOWN, _l("I don't know")),
])


class TestsForm(StepForm):
    philadelphia = _radio(_l("Is the leukemia Philadelphia chromosome positive (Ph+)?"),
                          POS_NEG_UNKNOWN, _l("Also called BCR::ABL1 or BCR-ABL."))
    cd19 = _radio(_l("Are the leukemia cells CD19-positive?"), POS_NEG_UNKNOWN,
                  _l("CD19 is a marker that CAR-T cells and blinatumomab aim at."))
    cd22 = _radio(_l("Are the leukemia cells CD22-positive?"), POS_NEG_UNKNOWN,
                  _l("CD22 is the marker that inotuzumab aims at."))
    mrd = _radio(_l("Was the latest MRD test positive or negative?"), POS_NEG_UNKNOWN,
                 _l("MRD (measurable residual disease) looks for tiny amounts of leukemia "
                    "left after treatment."))
    in_remission = _radio(_l("Is the leukemia in remission right now?"), YES_NO_UNKNOWN,
                          _l("Remission means no leukemia is seen in the bone marrow under "
                             "the microscope."))
    # The CNS status at one time point, which depends on where things stand
    # (steps.prepare_form keeps one of the two): at diagnosis for newly diagnosed
    # leukemia, else at the most recent spinal tap ("active CNS" in relapse trials).
    # Two field names, so a change of status asks the question again.
    cns = _radio(_l("At the most recent spinal tap, was leukemia found in the spinal fluid "
                    "(CNS)?"), CNS_CHOICES,
                 _l("A spinal tap is also called a lumbar puncture. Give the result of the "
                    "latest one."))
    cns_at_diagnosis = _radio(
        _l("When the leukemia was first found, before treatment began, was leukemia found in "
           "the spinal fluid (CNS)?"), CNS_CHOICES,
        _l("The result of the spinal tap (lumbar puncture) done at diagnosis, before any "
           "treatment."))


class HealthForm(StepForm):
    down_syndrome = _radio(_l("Do you have Down syndrome?"), YES_NO_UNKNOWN)
    pregnant = _radio(_l("Are you pregnant or breastfeeding?"), YES_NO_UNKNOWN)
    hiv = _radio(_l("Do you have HIV?"), YES_NO_UNKNOWN)
    hepatitis_b = _radio(_l("Do you have active hepatitis B?"), YES_NO_UNKNOWN)
    hepatitis_c = _radio(_l("Do you have active hepatitis C?"), YES_NO_UNKNOWN)
    infection = _radio(_l("Do you have an infection that is not under control right now?"),
                       YES_NO_UNKNOWN,
                       _l("For example an infection still getting worse despite treatment."))
    personal = {
        "down_syndrome": (_l("Do you have Down syndrome?"), _l("Does your child have Down "
                          "syndrome?"), _l("Does the person you care for have Down syndrome?")),
        "pregnant": (_l("Are you pregnant or breastfeeding?"),
                     _l("Is your child pregnant or breastfeeding?"),
                     _l("Is the person you care for pregnant or breastfeeding?")),
        "hiv": (_l("Do you have HIV?"), _l("Does your child have HIV?"),
                _l("Does the person you care for have HIV?")),
        "hepatitis_b": (_l("Do you have active hepatitis B?"),
                        _l("Does your child have active hepatitis B?"),
                        _l("Does the person you care for have active hepatitis B?")),
        "hepatitis_c": (_l("Do you have active hepatitis C?"),
                        _l("Does your child have active hepatitis C?"),
                        _l("Does the person you care for have active hepatitis C?")),
        "infection": (_l("Do you have an infection that is not under control right now?"),
                      _l("Does your child have an infection that is not under control right "
                         "now?"),
                      _l("Does the person you care for have an infection that is not under "
                         "control right now?")),
    }


#: Daily-life answers for people 16 and over, worded after the ECOG grades.
ADULT_ACTIVITY = choices([
    ("0", _l("Fully active: does everything as before the illness")),
    ("1", _l("Cannot do heavy physical work, but is up and about and can do light work such "
             "as office or housework")),
    ("2", _l("Up and about more than half the day and can look after themselves, but cannot "
             "work")),
    ("3", _l("In bed or a chair more than half the day; needs some help looking after "
             "themselves")),
    ("4", _l("In bed or a chair all day; needs help with everything")),
    (UNKNOWN, _l("I don't know")),
])
#: The same five levels for children under 16, worded after the Lansky play scale: each
#: level describes the two Lansky scores of the ECOG grade it stands for (COG table: ECOG 0 =
#: Lansky 100-90, 1 = 80-70, 2 = 60-50, 3 = 40-30, 4 = 20-10), and nothing outside them.
CHILD_ACTIVITY = choices([
    # 100 fully active, normal; 90 minor restrictions in strenuous play
    ("0", _l("Plays normally, or is held back only a little in rough, energetic play")),
    # 80 active, but tires more quickly; 70 greater restriction of, and less time in, active play
    ("1", _l("Active, but tires more quickly than usual, or spends clearly less time in active "
             "play")),
    # 60 up and around, minimal active play, keeps busy with quieter activities;
    # 50 gets dressed but lies around much of the day, no active play, joins all quiet play
    ("2", _l("Up and dressed, but little or no active play; keeps busy with quiet play and may "
             "lie around much of the day")),
    # 40 mostly in bed, joins quiet activities; 30 in bed, needs help even for quiet play
    ("3", _l("In bed most of the day; may join in quiet activities, or needs help even for "
             "quiet play")),
    # 20 often sleeping, play limited to very passive activities; 10 no play, does not get
    # out of bed
    ("4", _l("Often asleep; only very passive play, such as being read to, or no play at all "
             "and does not get out of bed")),
    (UNKNOWN, _l("I don't know")),
])


class DailyForm(StepForm):
    activity = _radio(_l("How much of a normal day do you manage?"), ADULT_ACTIVITY,
                      _l("Think of the last two weeks."))
    personal = {"activity": (_l("How much of a normal day do you manage?"),
                             _l("How much of a normal day does your child manage?"),
                             _l("How much of a normal day does the person you care for "
                                "manage?"))}


class NotWithout:
    """First check of a question that applies only when another field on the page has an
    answer: without it the question is not required, and its answer is ignored."""

    def __init__(self, other: str):
        self.other = other

    def __call__(self, form, field):
        if not (form[self.other].data or "").strip():
            field.errors[:] = []
            raise StopValidation()


class LocationForm(StepForm):
    zip = StringField(_l("What is your ZIP code?"),
                      description=_l("5 digits, for example 10016. We use it only to show how "
                                     "far each study site is. Leave it empty to skip."),
                      render_kw={"inputmode": "numeric", "autocomplete": "postal-code",
                                 "class": "short"},
                      filters=[lambda v: v.strip() if isinstance(v, str) else v],
                      validators=[Optional(), Regexp(r"^[0-9]{5}$", message=_l(
                          "Enter a ZIP code as 5 digits, for example 10016."))])
    # Distances are worked out from the ZIP code: without one the question does not
    # apply, so it is not required and its answer is ignored (steps: location profile).
    travel = RadioField(_l("How far could you travel for a study?"), choices=choices([
        ("25", _l("Up to 25 miles")), ("50", _l("Up to 50 miles")),
        ("100", _l("Up to 100 miles")), ("250", _l("Up to 250 miles")),
        ("500", _l("Up to 500 miles")), ("any", _l("Any distance")),
    ]), description=_l("Only with a ZIP code: we need it to work out distances."),
        invalid_choice_message=CHOOSE, validators=[
            NotWithout("zip"), InputRequired(message=_l(
                "Choose how far you could travel, or leave the ZIP code empty."))])
    personal = {"zip": (_l("What is your ZIP code?"), _l("What is your ZIP code?"),
                        _l("What is the patient's ZIP code?"))}

    def not_applicable(self) -> set[str]:
        return set() if (self.zip.data or "").strip() else {"travel"}

    def validate_zip(self, field):
        """A ZIP code the offline ZIP data can place (the same data the distances use).

        Five digits that are no ZIP code (00000, 99999) would leave every site
        without a distance and the travel limit silently unused.
        """
        from .results import zip_point

        if field.data and re.fullmatch(r"[0-9]{5}", field.data) and zip_point(field.data) is None:
            raise ValidationError(_l("We could not find ZIP code %(zip)s. Check it, or leave it "
                                     "empty.", zip=field.data))


def render_choices(f, kind: str, choice_hints: dict | None) -> Markup:
    """The inputs of a radio or checkbox group, as the field macro lays them out.

    Built in Python rather than a Jinja loop: a step page has up to 30 choices
    and this loop was most of its rendering time. Every value is escaped.
    """
    out = []
    for index, choice in enumerate(f.iter_choices()):
        value, label, selected = choice[0], choice[1], choice[2]
        oid = f"{f.id}-{index}"
        hint = choice_hints.get(value) if choice_hints else None
        described = f' aria-describedby="{escape(oid)}-hint"' if hint else ""
        checked = " checked" if selected else ""
        out.append(
            f'<div class="choice">\n'
            f'  <input type="{kind}" id="{escape(oid)}" name="{escape(f.name)}" '
            f'value="{escape(value)}"{checked}{described}>\n'
            f'  <label for="{escape(oid)}">{escape(label)}</label>\n'
            + (f'  <p class="hint choice-hint" id="{escape(oid)}-hint">{escape(hint)}</p>\n'
               if hint else "")
            + "</div>")
    return Markup("\n".join(out))  # noqa: S704 -- every piece above is escaped


# ----------------------------------------------------------------- adaptive questions
# One question per page, asked only when its answer could settle a study still in play
# (steps.ADAPTIVE). Every one has "I don't know" (a radio choice, or a number left empty).

class DecimalNumberField(WholeNumberField):
    """A number typed with a point or a comma for decimals (2.5 / 2,5), "%" allowed."""

    pattern = r"[0-9]{1,6}([.,][0-9]{1,6})?"
    message = _l("Enter a number using digits, for example 12 or 0.5.")

    def clean(self, raw: str) -> str:
        return raw.rstrip("%").strip()

    def convert(self, raw: str):
        return float(raw.replace(",", "."))


class CountField(WholeNumberField):
    """A whole number that may be written with thousands separators (50,000 / 50.000)."""

    pattern = r"[0-9]{1,3}([ ,.][0-9]{3}){0,3}|[0-9]{1,9}"
    message = _l("Enter a whole number using digits, for example 50000.")

    def convert(self, raw: str):
        return int(re.sub(r"[ ,.]", "", raw))


def yes_no_form(question, hint="") -> type[StepForm]:
    """A page with one yes / no / I don't know question (field ``answer``)."""
    return type("YesNoForm", (StepForm,), {"answer": _radio(question, YES_NO_UNKNOWN, hint)})


def number_form(question, hint, low, high, kind=DecimalNumberField) -> type[StepForm]:
    """A page with one number (field ``answer``); left empty it is "I don't know"."""
    field = kind(question, description=hint, widget=TextInput(),
                 render_kw={**NUMBER, "inputmode": "decimal"}, validators=[
                     Optional(), NumberRange(low, high, message=_l(
                         "Enter a number from %(min)s to %(max)s, or leave it empty if you "
                         "do not know."))])
    return type("NumberForm", (StepForm,), {"answer": field})


#: How a treatment went, in the words of the profile's prior_therapies outcome.
RESPONSE_CHOICES = [
    ("responded", _l("It worked: the leukemia responded")),
    ("refractory", _l("It did not work: the leukemia did not respond, or came back while "
                      "taking it")),
    ("intolerant", _l("It had to be stopped because of side effects")),
    (UNKNOWN, _l("I don't know")),
]


def response_form_class(chosen: list[tuple[str, str]]) -> type[StepForm]:
    """One "how did it go" question per treatment in ``chosen`` (key, name)."""
    attrs: dict = {}
    for key, label in chosen:
        attrs[f"outcome_{key}"] = _radio(_l("%(what)s: how did it go?", what=label),
                                         RESPONSE_CHOICES)
    return type("ResponseForm", (StepForm,), attrs)


def score_form(scale: str) -> type[StepForm]:
    """The exact Lansky (under 16) or Karnofsky (16 and over) score, or "I don't know"."""
    options = [(str(n), str(n)) for n in range(100, 0, -10)] + [(UNKNOWN, _l("I don't know"))]
    if scale == "lansky":
        question = _l("What is the latest Lansky play-performance score?")
        hint = _l("The care team may write it as a number from 10 to 100 (100 is plays "
                  "normally). Choose \"I don't know\" if you have not been told.")
    else:
        question = _l("What is the latest Karnofsky performance score?")
        hint = _l("The care team may write it as a number from 10 to 100 (100 is no "
                  "symptoms). Choose \"I don't know\" if you have not been told.")
    return type("ScoreForm", (StepForm,), {"answer": _radio(question, options, hint)})
