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
from wtforms.validators import InputRequired, NumberRange, Optional, Regexp, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget, TextInput

from ..i18n import lazy_gettext as _l

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
    return RadioField(label, choices=choices(options), description=description,
                      validators=[InputRequired(message=message)])


class WholeNumberField(IntegerField):
    """A whole number typed as digits, with a plain message for anything else."""

    def process_formdata(self, valuelist):
        """Blank stays None (an answer left empty); digits become an int."""
        if not valuelist:
            return
        raw = str(valuelist[0]).strip()
        self.data = None
        if raw == "":
            return
        if not re.fullmatch(r"[0-9]{1,6}", raw):
            raise ValueError(str(_l("Enter a whole number using digits only, for example 4.")))
        self.data = int(raw)


def _number(label, low, high, description="", required=False, message=None) -> IntegerField:
    # type=text with inputmode=numeric: number inputs mangle typing and scroll
    # on phones (GOV.UK design system advice).
    first = InputRequired(message=message) if required else Optional()
    return WholeNumberField(label, description=description, widget=TextInput(), render_kw=NUMBER,
                        validators=[first, NumberRange(low, high, message=_l(
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
        "refractory": _l("Treatment did not make it go away, or the latest treatment stopped "
                         "working."),
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


class RelapseForm(StepForm):
    relapse_count = _radio(_l("How many times has the leukemia come back?"), [
        ("1", _l("Once")), ("2", _l("Twice")), ("3", _l("Three times or more")),
        (UNKNOWN, _l("I don't know")),
    ])
    first_remission_months = _number(
        _l("How many months after diagnosis did it first come back?"), 0, 1200,
        _l("About how long the first remission lasted, in months (2 years is 24). Leave it "
           "empty if you are not sure."))
    extramedullary = _radio(_l("Did it come back only outside the bone marrow?"),
                            YES_NO_UNKNOWN,
                            _l("For example only in the spinal fluid or the testicles, with "
                               "none found in the bone marrow."))

    def validate_first_remission_months(self, field):
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
        ("other", _l("Another leukemia medicine not listed here")),
        (NONE_YET, _l("No treatment for leukemia yet")),
        (NOT_SURE, _l("I'm not sure")),
    ]), description=_l("Tick every one that applies. Brand names are given first, then the "
                      "medicine's own name. Studies check these medicines one by one, so if "
                      "you are not sure about some of them, tick a \"not sure\" box."))
    personal = {"treatments": (
        _l("Which treatments have you had for leukemia?"),
        _l("Which treatments has your child had for leukemia?"),
        _l("Which treatments has the person you care for had for leukemia?"))}

    def validate_treatments(self, field):
        """At least one box; "none yet" and "not sure" cannot go with a treatment."""
        chosen = set(field.data or ())
        if not chosen:
            raise ValidationError(_l("Tick at least one box, or \"I'm not sure\"."))
        if NONE_YET in chosen and len(chosen) > 1:
            raise ValidationError(_l("\"No treatment yet\" cannot go with other boxes. "
                                     "Untick one of them."))
        if NOT_SURE in chosen and len(chosen) > 1:
            raise ValidationError(_l("\"I'm not sure\" cannot go with other boxes. Untick one "
                                     "of them."))


def timing_form_class(chosen: list[tuple[str, str]]) -> type[StepForm]:
    """A form asking how many months ago each chosen treatment was last given."""
    attrs: dict = {"personal": {}}
    for key, label in chosen:
        if key in ("allo", "auto"):
            question = _l("How many months ago was the transplant: %(what)s?", what=label)
        else:
            question = _l("How many months ago was the last dose of %(what)s?", what=label)
        attrs[f"months_{key}"] = _number(question, 0, 1200, _l(
            "Less than a month ago: enter 0. Leave it empty if you are not sure."))
        attrs[f"validate_months_{key}"] = StepForm.check_months
    return type("TimingForm", (StepForm,), attrs)


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
    cns = _radio(_l("Has leukemia been found in the spinal fluid (CNS)?"), [
        ("cns1", _l("No, none was found (CNS1)")),
        ("cns2", _l("Yes, a small amount (CNS2)")),
        ("cns3", _l("Yes, CNS3 (more cells, or signs in the brain or nerves)")),
        (UNKNOWN, _l("I don't know")),
    ], _l("Doctors check this with a lumbar puncture (spinal tap)."))


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
#: The same five levels for children under 16, worded after the Lansky play scale.
CHILD_ACTIVITY = choices([
    ("0", _l("Plays and does everything as usual")),
    ("1", _l("Active, but tires more quickly or cannot do hard play")),
    ("2", _l("Up and around, but only quiet play; lies down for part of the day")),
    ("3", _l("Mostly in bed; joins in quiet activities only")),
    ("4", _l("In bed nearly all the time, often sleeping; needs help even for quiet play")),
    (UNKNOWN, _l("I don't know")),
])


class DailyForm(StepForm):
    activity = _radio(_l("How much of a normal day do you manage?"), ADULT_ACTIVITY,
                      _l("Think of the last two weeks."))
    personal = {"activity": (_l("How much of a normal day do you manage?"),
                             _l("How much of a normal day does your child manage?"),
                             _l("How much of a normal day does the person you care for "
                                "manage?"))}


class LocationForm(StepForm):
    zip = StringField(_l("What is your ZIP code?"),
                      description=_l("5 digits, for example 10016. We use it only to show how "
                                     "far each study site is. Leave it empty to skip."),
                      render_kw={"inputmode": "numeric", "autocomplete": "postal-code",
                                 "class": "short"},
                      filters=[lambda v: v.strip() if isinstance(v, str) else v],
                      validators=[Optional(), Regexp(r"^[0-9]{5}$", message=_l(
                          "Enter a ZIP code as 5 digits, for example 10016."))])
    travel = _radio(_l("How far could you travel for a study?"), [
        ("25", _l("Up to 25 miles")), ("50", _l("Up to 50 miles")),
        ("100", _l("Up to 100 miles")), ("250", _l("Up to 250 miles")),
        ("500", _l("Up to 500 miles")), ("any", _l("Any distance")),
    ])
    personal = {"zip": (_l("What is your ZIP code?"), _l("What is your ZIP code?"),
                        _l("What is the patient's ZIP code?"))}

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
