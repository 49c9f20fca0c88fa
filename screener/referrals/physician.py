"""The physician referral form: one clinical page, and how its answers become a profile.

The form speaks clinical terms (relapse number, M1-M3, MRD, CNS1-3, ECOG /
Karnofsky / Lansky, agents with dates); ``build_profile`` turns it into the
contract profile (shared/contracts/patient-profile.schema.json) by the same
rules the patient wizard follows (screener/wizard/steps.py), so that a patient
described on either, or sent to the API, is screened alike:

- every "Unknown" (and every blank number or date) leaves its field absent;
- newly diagnosed means no relapse so far: ``relapse_count`` 0; "third or
  later" without a number is 3 (a rule "at least 3" is then decided);
  refractory with relapse number 0 is primary refractory;
- a list of prior therapies is present only when it is complete ("none yet",
  or "the ticked agents are all the ALL therapy given"); then a donor
  transplant missing from it means no GVHD (``active_gvhd`` false);
- pregnancy that cannot apply (male, girl under 10) is recorded as false;
- an MRD value in percent is stored as a fraction (0.1% -> 0.001).

What the contract cannot hold exactly is not guessed into it. A marrow grade
(M2 is 5 to under 25% blasts) and an MRD band are ranges, and trials draw lines
inside them (>20% marrow blasts, MRD >= 10^-3): a single number chosen for a
range would decide such lines wrongly, so the profile keeps only a percentage
typed as a number, and the grade or band goes to the study team in the
referral's note (``form_details``) along with the MRD method and the dates
given. Dates become months before today (``months_since_last_dose``), as the
engine expects; the dates themselves are in the note, since months go stale.
"""

from __future__ import annotations

import json
import re
from datetime import date

from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import Length, NumberRange, Optional, ValidationError

from ..eligibility.performance import valid_score
from ..i18n import lazy_gettext as _l
from ..models import utcnow
from ..profile import pregnancy_can_apply
from ..wizard.forms import DecimalNumberField, WholeNumberField, choices
from ..wizard.steps import Profile

UNKNOWN = "unknown"
#: Version of the attestation's wording, stored with the referral (consent_version).
CONSENT_VERSION = "refer-consent-v1"
CONSENT_TEXT = _l("I confirm that the patient (or their parent or legal guardian) has agreed to "
                  "be contacted by the research team about clinical trials, and to my sending "
                  "the information on this form to the team for that purpose.")
#: Days in an average month (the engine's and the registry reader's month, too).
DAYS_PER_MONTH = 30.4375

NUMBER = {"inputmode": "numeric", "autocomplete": "off", "class": "short"}
DECIMAL = {**NUMBER, "inputmode": "decimal"}


def _radio(label, options, description=""):
    """A choice with "Unknown" last and chosen unless another is: never required."""
    return RadioField(label, choices=choices([*options, (UNKNOWN, _l("Unknown"))]),
                      default=UNKNOWN, description=description,
                      invalid_choice_message=_l("Choose one of the answers listed."))


YES_NO = [("yes", _l("Yes")), ("no", _l("No"))]
POS_NEG = [("positive", _l("Positive")), ("negative", _l("Negative"))]


def _whole(label, low, high, description=""):
    return WholeNumberField(label, description=description, render_kw=NUMBER,
                            validators=[Optional(), NumberRange(low, high, message=_l(
                                "Enter a whole number from %(min)s to %(max)s."))])


def _decimal(label, low, high, description=""):
    return DecimalNumberField(label, description=description, render_kw=DECIMAL,
                              validators=[Optional(), NumberRange(low, high, message=_l(
                                  "Enter a number from %(min)s to %(max)s."))])


class DateField(StringField):
    """A calendar date typed as YYYY-MM-DD (the browser's date picker sends that form)."""

    def __init__(self, label, **kwargs):
        kwargs.setdefault("render_kw", {"type": "date", "autocomplete": "off"})
        kwargs.setdefault("filters", [lambda v: v.strip() if isinstance(v, str) else v])
        super().__init__(label, **kwargs)

    @property
    def day(self) -> date | None:
        """The date, or None when the field is blank or not a date."""
        try:
            return date.fromisoformat(self.data) if self.data else None
        except ValueError:
            return None

    def pre_validate(self, form):
        if not self.data:
            return
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", self.data) or self.day is None:
            raise ValidationError(_l("Enter the date as year-month-day, for example "
                                     "2024-03-15."))
        if self.day > today():
            raise ValidationError(_l("This date is in the future."))


def today() -> date:
    return utcnow().date()


def age_on(born: date, day: date) -> tuple[int, int]:
    """Completed (years, months) of someone born on ``born``, on ``day``."""
    months = (day.year - born.year) * 12 + day.month - born.month - (day.day < born.day)
    return divmod(months, 12)


def months_before_today(day: date) -> float:
    """Months (of DAYS_PER_MONTH days) from ``day`` to today: months_since_last_dose."""
    return round((today() - day).days / DAYS_PER_MONTH, 2)


# --------------------------------------------------------------------- the choices
STATUSES = [
    ("newly_diagnosed", _l("Newly diagnosed, before or during induction")),
    ("cr1", _l("In first remission (CR1)")),
    ("relapse_1", _l("First relapse")),
    ("relapse_2", _l("Second relapse")),
    ("relapse_3", _l("Third or later relapse")),
    ("refractory", _l("Refractory (primary, or to the latest therapy)")),
]
#: Status choice -> (disease_status, relapse_count it implies, or None).
STATUS_PROFILE = {
    "newly_diagnosed": ("newly_diagnosed", 0),
    "cr1": ("newly_diagnosed", 0),
    "relapse_1": ("relapsed", 1),
    "relapse_2": ("relapsed", 2),
    "relapse_3": ("relapsed", 3),
    "refractory": ("refractory", None),
}
#: Marrow grade -> blast percentage range [low, high).
MARROW = {"m1": (0, 5), "m2": (5, 25), "m3": (25, 101)}
MARROW_CHOICES = [("m1", _l("M1 (<5% blasts)")), ("m2", _l("M2 (5 to <25%)")),
                  ("m3", _l("M3 (≥25%)"))]
#: MRD band -> level range in percent [low, high).
MRD_BANDS = {"below_0_01": (0, 0.01), "0_01_to_0_1": (0.01, 0.1), "from_0_1": (0.1, 101)}
MRD_BAND_CHOICES = [("below_0_01", _l("<0.01% (<10⁻⁴)")),
                    ("0_01_to_0_1", _l("0.01 to <0.1% (10⁻⁴ to <10⁻³)")),
                    ("from_0_1", _l("≥0.1% (≥10⁻³)"))]
MRD_METHODS = [("flow", _l("Flow cytometry")), ("pcr", _l("PCR")), ("ngs", _l("NGS"))]
SCALES = [("ecog", "ECOG"), ("karnofsky", "Karnofsky"), ("lansky", "Lansky")]
PRIOR_LIST = [("none", _l("None yet: no ALL therapy given")),
              ("complete", _l("The agents ticked below are all the ALL therapy given"))]
OUTCOMES = [("", _l("Response not given")), ("responded", _l("Responded")),
            ("refractory", _l("Refractory")), ("intolerant", _l("Stopped: intolerance"))]

#: Every prior_therapies value of the contract, in clinical words, grouped as the page shows.
THERAPY_GROUPS: list[tuple[object, list[tuple[str, object]]]] = [
    (_l("Chemotherapy and radiation"), [
        ("multiagent_chemotherapy", _l("Multi-agent chemotherapy")),
        ("corticosteroids", _l("Corticosteroids")),
        ("asparaginase", _l("Asparaginase")),
        ("anthracycline", _l("Anthracycline")),
        ("intrathecal_chemotherapy", _l("Intrathecal chemotherapy")),
        ("nelarabine", _l("Nelarabine")),
        ("clofarabine", _l("Clofarabine")),
        ("cranial_radiation", _l("Cranial radiation")),
    ]),
    (_l("Antibodies and cellular therapy"), [
        ("blinatumomab", _l("Blinatumomab")),
        ("inotuzumab_ozogamicin", _l("Inotuzumab ozogamicin")),
        ("cd19_car_t", _l("CD19 CAR-T")),
        ("cd22_car_t", _l("CD22 CAR-T")),
        ("other_car_t", _l("Other CAR-T")),
        ("rituximab", _l("Rituximab")),
        ("daratumumab", _l("Daratumumab")),
    ]),
    (_l("Tyrosine kinase inhibitors"), [
        ("imatinib", _l("Imatinib")), ("dasatinib", _l("Dasatinib")),
        ("nilotinib", _l("Nilotinib")), ("ponatinib", _l("Ponatinib")),
        ("asciminib", _l("Asciminib")),
    ]),
    (_l("Other agents"), [
        ("venetoclax", _l("Venetoclax")), ("bortezomib", _l("Bortezomib")),
        ("investigational_agent", _l("Investigational agent")),
    ]),
    (_l("Transplant"), [
        ("allogeneic_hsct", _l("Allogeneic HSCT")),
        ("autologous_hsct", _l("Autologous HSCT")),
    ]),
]
THERAPIES = [code for _group, rows in THERAPY_GROUPS for code, _label in rows]
THERAPY_LABELS = {code: label for _group, rows in THERAPY_GROUPS for code, label in rows}
TRANSPLANTS = ("allogeneic_hsct", "autologous_hsct")

EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
PHONE = re.compile(r"\+?[0-9 ()./-]{7,25}((x|ext\.?) ?[0-9]{1,6})?", re.IGNORECASE)


# ----------------------------------------------------------------------- the form
class _Base(FlaskForm):
    """No per-form CSRF: CSRFProtect checks every POST app-wide (as the wizard's forms)."""

    class Meta:
        csrf = False


def _form_fields() -> dict:
    """The fields in page order (the error summary lists problems in this order)."""
    fields: dict = {
        "age_years": _whole(_l("Age, years"), 0, 120),
        "age_months": _whole(_l("and months"), 0, 11, _l("Completed months beyond the years.")),
        "date_of_birth": DateField(_l("Or date of birth"), description=_l(
            "Used only to work out the age; it is not kept.")),
        "sex": _radio(_l("Sex"), [("female", _l("Female")), ("male", _l("Male"))]),
        "lineage": _radio(_l("Lineage"), [("b_all", _l("B-ALL")), ("t_all", _l("T-ALL")),
                                          ("mixed_phenotype", _l("Mixed phenotype (MPAL)"))]),
        "status": _radio(_l("Disease status"), STATUSES),
        "relapse_number": _whole(_l("Relapse number"), 0, 10, _l(
            "For a third or later relapse, or refractory disease (0: primary refractory).")),
        "cr1_months": _decimal(_l("Duration of CR1, months"), 0, 1200, _l(
            "From diagnosis to first relapse.")),
        "extramedullary": _radio(_l("Isolated extramedullary relapse"), YES_NO),
        "in_remission": _radio(_l("In morphologic remission now (CR/CRi)"), YES_NO),
        "blasts_percent": _decimal(_l("Marrow blasts, %"), 0, 100, _l(
            "The latest marrow. The percentage decides trial thresholds; a grade alone goes "
            "to the study team.")),
        "marrow": _radio(_l("Marrow status"), MARROW_CHOICES),
        "mrd_result": _radio(_l("MRD result (latest)"), POS_NEG),
        "mrd_value": _decimal(_l("MRD level, %"), 0, 100, _l(
            "For example 0.05 for 5 × 10⁻⁴. The value decides trial thresholds; a band alone "
            "goes to the study team.")),
        "mrd_band": _radio(_l("MRD band"), MRD_BAND_CHOICES),
        "mrd_method": _radio(_l("MRD method"), MRD_METHODS),
        "cns": _radio(_l("CNS status"), [("cns1", "CNS1"), ("cns2", "CNS2"), ("cns3", "CNS3")]),
        "ph": _radio(_l("Ph / BCR::ABL1"), POS_NEG),
        "cd19": _radio(_l("CD19"), POS_NEG),
        "cd22": _radio(_l("CD22"), POS_NEG),
        "ps_scale": _radio(_l("Performance scale"), SCALES),
        "ps_score": _whole(_l("Performance score"), 0, 100, _l(
            "ECOG 0-5; Karnofsky or Lansky 0-100. The engine converts between scales.")),
        "prior_list": _radio(_l("Prior ALL therapy"), PRIOR_LIST, _l(
            "Trials read a list as complete: an agent missing from it counts as never given. "
            "Leave Unknown if the list below may be incomplete; the agents then go to the "
            "study team only.")),
    }
    for code in THERAPIES:
        name = THERAPY_LABELS[code]
        when = (_l("%(what)s: date", what=name) if code in TRANSPLANTS
                else _l("%(what)s: date of last dose", what=name))
        fields[f"given_{code}"] = BooleanField(name)
        fields[f"date_{code}"] = DateField(when)
        fields[f"outcome_{code}"] = SelectField(_l("%(what)s: response", what=name),
                                                choices=choices(OUTCOMES), default="")
    fields.update({
        "gvhd": _radio(_l("Active GVHD"), YES_NO),
        "down_syndrome": _radio(_l("Down syndrome"), YES_NO),
        "pregnant": _radio(_l("Pregnant or breastfeeding"), YES_NO),
        "infection": _radio(_l("Uncontrolled infection"), YES_NO),
        "hiv": _radio(_l("HIV"), YES_NO),
        "hepatitis_b": _radio(_l("Active hepatitis B"), YES_NO),
        "hepatitis_c": _radio(_l("Active hepatitis C"), YES_NO),
        # The referring physician (needed to file, not to check eligibility).
        "physician_name": StringField(_l("Referring physician"), validators=[Length(
            max=120, message=_l("At most %(max)d characters."))],
            render_kw={"autocomplete": "name"}),
        "practice": StringField(_l("Practice or hospital"), validators=[Length(
            max=200, message=_l("At most %(max)d characters."))],
            render_kw={"autocomplete": "organization"}),
        "phone": StringField(_l("Phone"), validators=[Length(
            max=40, message=_l("At most %(max)d characters."))],
            render_kw={"autocomplete": "tel", "inputmode": "tel"}),
        "email": StringField(_l("Email"), validators=[Length(
            max=254, message=_l("At most %(max)d characters."))],
            render_kw={"autocomplete": "email", "inputmode": "email"}),
        "note": TextAreaField(_l("Note to the research team"), description=_l(
            "Anything the form does not hold. Do not include the patient's name."),
            validators=[Length(max=2000, message=_l("At most %(max)d characters."))],
            render_kw={"rows": 4}),
        "attest": BooleanField(CONSENT_TEXT),
    })
    for name in ("physician_name", "practice", "phone", "email", "note"):
        fields[name].kwargs.setdefault("filters", [lambda v: v.strip() if isinstance(v, str)
                                                   else v])
    return fields


FIELDS = _form_fields()
CLINICAL = [name for name in FIELDS if name not in (
    "physician_name", "practice", "phone", "email", "note", "attest")]


class ReferForm(_Base):
    """One page: the patient in clinical terms, then the referring physician.

    ``validate()`` checks the clinical part (every field may be left Unknown, but
    what is given must hang together); ``validate_filing()`` adds what filing needs.
    Every problem is put on the field it is about, so the page names it.
    """

    def validate(self, extra_validators=None) -> bool:
        super().validate(extra_validators)
        self._check_clinical()
        return not self.clinical_errors()

    def clinical_errors(self) -> bool:
        return any(self[name].errors for name in CLINICAL)

    def validate_filing(self) -> bool:
        """The clinical checks, plus who refers and the attestation."""
        clinical_ok = self.validate()
        if not self.physician_name.data:
            _error(self.physician_name, _l("Enter the referring physician's name."))
        phone, email = self.phone.data, self.email.data
        if not phone and not email:
            _error(self.phone, _l("Enter a phone number or an email address (or both) where "
                                  "the research team can reach you."))
        if phone and not PHONE.fullmatch(phone):
            _error(self.phone, _l("Enter a phone number in digits, for example "
                                  "+1 212 555 0100."))
        if email and not EMAIL.fullmatch(email):
            _error(self.email, _l("Enter an email address like name@example.org."))
        if not self.attest.data:
            _error(self.attest, _l("Tick this box to file: the research team contacts only "
                                   "patients who agreed to it."))
        return clinical_ok and not self.errors

    # -------------------------------------------------------------- cross-checks
    def _check_clinical(self) -> None:
        born = self.date_of_birth.day
        years, months = self.age_years.data, self.age_months.data
        if months is not None and years is None and born is None:
            _error(self.age_months, _l("Enter the years as well (0 for a baby under one)."))
        if born is not None:
            got_years, got_months = age_on(born, today())
            if got_years > 120:
                _error(self.date_of_birth, _l("This date of birth gives an age over 120 "
                                              "years."))
            elif (years is not None and years != got_years) or (
                    months is not None and months != got_months):
                _error(self.date_of_birth, _l(
                    "This date of birth gives %(years)s years %(months)s months, which is not "
                    "the age entered: correct one of them, or leave one empty.",
                    years=got_years, months=got_months))
        self._check_status()
        self._check_marrow()
        self._check_mrd()
        ps_given = self.ps_scale.data != UNKNOWN
        if ps_given and self.ps_score.data is None:
            _error(self.ps_score, _l("Enter the score on the scale chosen, or set the scale "
                                     "to Unknown."))
        elif not ps_given and self.ps_score.data is not None:
            _error(self.ps_scale, _l("Choose the scale of this score."))
        elif ps_given:
            problem = valid_score(self.ps_scale.data, self.ps_score.data)
            if problem:  # "7 is not an ECOG score (ECOG runs from 0 to 5)"
                _error(self.ps_score, problem[:1].upper() + problem[1:] + ".")
        self._check_therapies(born)
        sex, years = _known(self.sex.data), self.age()[0]
        if self.pregnant.data == "yes" and not pregnancy_can_apply(sex, years):
            _error(self.pregnant, _l("Pregnancy cannot apply to the sex and age entered."))

    def _check_status(self) -> None:
        status, number = self.status.data, self.relapse_number.data
        if number is not None and status in STATUS_PROFILE:
            implied = STATUS_PROFILE[status][1]
            if status == "relapse_3" and number < 3:
                _error(self.relapse_number, _l("A third or later relapse is relapse number 3 "
                                               "or more."))
            elif status not in ("relapse_3", "refractory") and number != implied:
                _error(self.relapse_number, _l(
                    "The disease status chosen means relapse number %(n)s: correct one of "
                    "them, or leave this empty.", n=implied))
        no_relapse = status in ("newly_diagnosed", "cr1") or (
            status == "refractory" and number == 0)
        if no_relapse and self.cr1_months.data is not None:
            _error(self.cr1_months, _l("The disease status given means no relapse so far: "
                                       "leave this empty, or correct the status."))
        if no_relapse and self.extramedullary.data != UNKNOWN:
            _error(self.extramedullary, _l("The disease status given means no relapse so "
                                           "far: leave this Unknown, or correct the status."))
        if status == "cr1" and self.in_remission.data == "no":
            _error(self.in_remission, _l("First remission (CR1) was chosen as the disease "
                                         "status: correct one of them."))

    def _check_marrow(self) -> None:
        blasts, grade = self.blasts_percent.data, self.marrow.data
        if blasts is not None and grade in MARROW:
            low, high = MARROW[grade]
            if not low <= blasts < high:
                _error(self.marrow, _l("%(pct)s%% blasts is not %(grade)s: correct one of "
                                       "them, or set the status to Unknown.",
                                       pct=_number(blasts), grade=grade.upper()))
        at_least_5 = (blasts is not None and blasts >= 5) or grade in ("m2", "m3")
        if at_least_5 and self.in_remission.data == "yes":
            _error(self.in_remission, _l("A remission (CR/CRi) needs fewer than 5% marrow "
                                         "blasts, and the marrow entered has more."))

    def _check_mrd(self) -> None:
        value, band, result = self.mrd_value.data, self.mrd_band.data, self.mrd_result.data
        if value is not None and band in MRD_BANDS:
            low, high = MRD_BANDS[band]
            if not low <= value < high:
                _error(self.mrd_band, _l("An MRD level of %(pct)s%% is not in this band: "
                                         "correct one of them, or set the band to Unknown.",
                                         pct=_number(value)))
        detected = (value is not None and value > 0) or band in ("0_01_to_0_1", "from_0_1")
        if result == "negative" and detected:
            _error(self.mrd_result, _l("A negative MRD result has no measurable level: "
                                       "correct the result or the level."))
        if result == "positive" and value == 0:
            _error(self.mrd_value, _l("A positive MRD result has a level above 0."))

    def _check_therapies(self, born: date | None) -> None:
        ticked = self.ticked()
        for code in THERAPIES:
            day = self[f"date_{code}"]
            if code not in ticked and (day.data or self[f"outcome_{code}"].data):
                _error(day if day.data else self[f"outcome_{code}"], _l(
                    "Tick %(what)s as given, or clear its date and response.",
                    what=THERAPY_LABELS[code]))
            elif born is not None and day.day is not None and day.day < born:
                _error(day, _l("This date is before the date of birth."))
        if self.prior_list.data == "none" and ticked:
            _error(self.prior_list, _l("No therapy yet was chosen, but agents are ticked: "
                                       "untick them, or change this answer."))
        if self.prior_list.data == "none" and self.status.data in (
                "cr1", "relapse_1", "relapse_2", "relapse_3", "refractory"):
            _error(self.prior_list, _l("The disease status given means ALL therapy was given: "
                                       "tick the agents, or leave this Unknown."))
        listed = self.prior_list.data in ("none", "complete")
        if self.gvhd.data == "yes" and listed and "allogeneic_hsct" not in ticked:
            _error(self.gvhd, _l("Active GVHD needs an allogeneic transplant: tick Allogeneic "
                                 "HSCT, or correct this answer."))

    # -------------------------------------------------------------- the profile
    def ticked(self) -> list[str]:
        return [code for code in THERAPIES if self[f"given_{code}"].data]

    def age(self) -> tuple[int | None, int | None]:
        """(years, months) from the date of birth, else as entered."""
        born = self.date_of_birth.day
        if born is not None:
            return age_on(born, today())
        return self.age_years.data, (self.age_months.data if self.age_years.data is not None
                                     else None)

    def build_profile(self) -> dict:
        """The contract profile of a validated form (absent = unknown)."""
        p = Profile(profile_version=1)
        years, months = self.age()
        if years is not None:
            p["age"] = {"years": years, **({"months": months} if months is not None else {})}
        sex = _known(self.sex.data)
        p.put("sex", sex)
        p.put("diagnosis", _known(self.lineage.data))
        status, number = self.status.data, self.relapse_number.data
        if status in STATUS_PROFILE:
            disease_status, implied = STATUS_PROFILE[status]
            p["disease_status"] = disease_status
            p.put("relapse_count", number if number is not None else implied)
        else:
            p.put("relapse_count", number)
        if status == "cr1":
            p["in_remission"] = True
        else:
            p.put("in_remission", _yes_no(self.in_remission.data))
        if p.get("relapse_count") != 0:
            p.put("months_from_diagnosis_to_relapse", self.cr1_months.data)
            p.put("isolated_extramedullary_relapse", _yes_no(self.extramedullary.data))
        p.put("marrow_blasts_percent", self.blasts_percent.data)
        value, band = self.mrd_value.data, self.mrd_band.data
        detected = (value is not None and value > 0) or band in ("0_01_to_0_1", "from_0_1")
        p.put("mrd.status", _known(self.mrd_result.data) or ("positive" if detected else None))
        if value is not None:
            p.put("mrd.level", round(value / 100, 10))
        p.put("philadelphia_chromosome", _known(self.ph.data))
        p.put("cd19", _known(self.cd19.data))
        p.put("cd22", _known(self.cd22.data))
        p.put("cns_status", _known(self.cns.data))
        if self.ps_scale.data != UNKNOWN and self.ps_score.data is not None:
            p["performance_status"] = {"scale": self.ps_scale.data, "score": self.ps_score.data}
        if self.prior_list.data == "none":
            p["prior_therapies"] = []
        elif self.prior_list.data == "complete":
            p["prior_therapies"] = [self._therapy(code) for code in self.ticked()]
        if "prior_therapies" in p and not any(
                t["therapy"] == "allogeneic_hsct" for t in p["prior_therapies"]):
            p["active_gvhd"] = False  # no donor cells, no GVHD (as the wizard records it)
        else:
            p.put("active_gvhd", _yes_no(self.gvhd.data))
        p.put("down_syndrome", _yes_no(self.down_syndrome.data))
        if not pregnancy_can_apply(sex, years):
            p["pregnant_or_breastfeeding"] = False
        else:
            p.put("pregnant_or_breastfeeding", _yes_no(self.pregnant.data))
        p.put("infections.uncontrolled_infection", _yes_no(self.infection.data))
        p.put("infections.hiv", _yes_no(self.hiv.data))
        p.put("infections.hepatitis_b", _yes_no(self.hepatitis_b.data))
        p.put("infections.hepatitis_c", _yes_no(self.hepatitis_c.data))
        return json.loads(json.dumps(p))

    def _therapy(self, code: str) -> dict:
        item: dict = {"therapy": code}
        day = self[f"date_{code}"].day
        if day is not None:
            item["months_since_last_dose"] = months_before_today(day)
        outcome = self[f"outcome_{code}"].data
        if outcome:
            item["outcome"] = outcome
        return item

    def form_details(self) -> list[str]:
        """What the physician gave that the profile cannot hold exactly, for the study team.

        English lines (the desk's language); no names, no contact details.
        """
        lines = []
        if self.marrow.data in MARROW and self.blasts_percent.data is None:
            lines.append(f"Marrow status: {self.marrow.data.upper()} (blast percentage not "
                         "given)")
        if self.mrd_band.data in MRD_BANDS and self.mrd_value.data is None:
            label = dict((c.value, c.label) for c in self.mrd_band.choices)[self.mrd_band.data]
            lines.append(f"MRD band: {label}")
        if self.mrd_method.data != UNKNOWN:
            lines.append(f"MRD method: {dict(MRD_METHODS)[self.mrd_method.data]}")
        agents = []
        for code in self.ticked():
            words = str(THERAPY_LABELS[code])
            if self[f"date_{code}"].day is not None:
                words += (" on " if code in TRANSPLANTS else ", last dose ") + self[
                    f"date_{code}"].data
            if self[f"outcome_{code}"].data:
                words += f" ({self[f'outcome_{code}'].data})"
            agents.append(words)
        if agents:
            complete = self.prior_list.data == "complete"
            lines.append(("Prior therapy (complete list): " if complete else
                          "Prior therapy (list may be incomplete, not used by the screening): ")
                         + "; ".join(agents))
        return lines


for _name, _field in FIELDS.items():
    setattr(ReferForm, _name, _field)


def _error(field, message) -> None:
    if str(message) not in map(str, field.errors):
        field.errors = [*field.errors, message] if isinstance(field.errors, list) else [message]


def _known(value):
    return None if value in (None, "", UNKNOWN) else value


def _yes_no(value):
    return {"yes": True, "no": False}.get(value)


def _number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else str(x)


def note_with_details(note: str | None, details: list[str]) -> str | None:
    """The physician's note, followed by the form's details the profile cannot hold."""
    parts = [note.strip()] if note and note.strip() else []
    if details:
        parts.append("Details from the referral form:\n" + "\n".join(f"- {d}" for d in details))
    return "\n\n".join(parts) or None
