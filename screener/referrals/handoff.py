"""The patient hand-off: "Send my answers to the research team" (blueprint ``handoff``).

From the wizard's results page a family sends its answers, with a way to reach
it and its consent, to the research team: the referral desk's queue.

Privacy: the profile is built on the server from the wizard draft (never from
the URL or a hidden field); the form posts only contact details, which go
into the referral and nowhere else (never a log line, never a URL). The
confirmation's reference code is random and says nothing about the person.

Once only: a draft is sent at most once. The first post claims the draft
(compare-and-swap on the draft row, so two posts of a double click cannot
both win); a refresh, a second click or a later visit to the form is shown
the confirmation of the referral already filed.
"""

from __future__ import annotations

import re
import secrets
import time

import flask_babel
from flask import Blueprint, current_app, redirect, render_template, session, url_for
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import BooleanField, EmailField, HiddenField, RadioField, StringField, TelField
from wtforms.validators import InputRequired, Length, ValidationError

from ..i18n import LANGUAGES, current_language
from ..i18n import lazy_gettext as _l
from ..models import WizardDraft, db
from ..profile import ProfileError, validate_profile
from ..security import form_limit, limiter
from ..wizard import drafts
from ..wizard.forms import choices
from ..wizard.steps import build_profile
from . import notify
from .service import create_referral

bp = Blueprint("handoff", __name__, url_prefix="/screen/send")
limiter.shared_limit(form_limit, scope="wizard-forms", methods=["POST"])(bp)

#: The consent's version, stored with its text: a new wording gets a new version.
CONSENT_VERSION = "handoff-consent-v1"
#: The draft key that records the hand-off: {"token": claim, "reference": code or None}.
CLAIM = "_handoff"
#: Where the session keeps the sent reference, for the confirmation and the results page.
SESSION_KEY = "handoff"
#: How long a second post (a double click) waits for the first one's reference.
WAIT_FOR_FIRST = 5.0



def handoff_limit() -> str:
    """Referrals filed per client address (each one may email the team)."""
    return current_app.config["SCREENER_HANDOFF_RATE_LIMIT"]


def consent_text(lang: str) -> str:
    """The consent sentence exactly as the form shows it in ``lang`` (stored as shown)."""
    with flask_babel.force_locale(lang):
        return flask_babel.gettext(
            "I agree that my answers, the list of studies that might fit them, and the contact "
            "details above are sent to the research team of this pre-screener, so that a member "
            "of the team can contact me about these studies.")


PHONE_CHARS = re.compile(r"[0-9+().\-\s]+")
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")


def _check_phone(form, field) -> None:
    value = (field.data or "").strip()
    if not value:
        return
    digits = re.sub(r"\D", "", value)
    if not PHONE_CHARS.fullmatch(value) or not 7 <= len(digits) <= 15:
        raise ValidationError(_l("Enter a phone number using digits (7 to 15 of them), for "
                                 "example 555 123 4567 or +1 555 123 4567."))


def _check_email(form, field) -> None:
    value = (field.data or "").strip()
    if value and (len(value) > 254 or not EMAIL.fullmatch(value)):
        raise ValidationError(_l("Enter an email address like name@example.com."))


class HandoffForm(FlaskForm):
    """Contact details and consent (CSRF is checked app-wide by CSRFProtect)."""

    class Meta:
        csrf = False

    name = StringField(_l("Your name"), description=_l(
        "The person the research team should ask for."),
        filters=[lambda v: v.strip() if isinstance(v, str) else v],
        validators=[InputRequired(message=_l("Enter your name, so the team knows who to ask "
                                             "for.")),
                    Length(max=120, message=_l("Enter a name of 120 characters or fewer."))],
        render_kw={"autocomplete": "name"})
    phone = TelField(_l("Phone number"), description=_l(
        "A phone number or an email address is needed; both is fine."),
        filters=[lambda v: v.strip() if isinstance(v, str) else v],
        validators=[_check_phone], render_kw={"autocomplete": "tel"})
    email = EmailField(_l("Email address"),
                        filters=[lambda v: v.strip() if isinstance(v, str) else v],
                        validators=[_check_email],
                        render_kw={"autocomplete": "email", "spellcheck": "false"})
    language = RadioField(_l("Which language should the team use?"), choices=choices(
        [(code, name) for code, name in LANGUAGES.items()]),
        validators=[InputRequired(message=_l("Choose a language."))],
        invalid_choice_message=_l("Choose a language."))
    best_time = RadioField(_l("When is the best time to call?"), choices=choices([
        ("morning", _l("Morning")), ("afternoon", _l("Afternoon")),
        ("evening", _l("Evening")), ("any", _l("Any time"))]),
        validators=[InputRequired(message=_l("Choose a time."))],
        invalid_choice_message=_l("Choose a time."))
    consent = BooleanField(_l("Agreement"), validators=[InputRequired(message=_l(
        "Tick the box to agree. Without your agreement nothing is sent."))])
    #: The language the consent was shown in (so the text stored is the text shown).
    shown_in = HiddenField()

    def validate_phone(self, field) -> None:
        if not (field.data or "").strip() and not (self.email.data or "").strip():
            raise ValidationError(_l("Give a phone number or an email address (or both), so "
                                     "the team can reach you."))


def _finished_draft():
    """(draft, answers) of a wizard whose results are shown, or (None, a redirect)."""
    from ..wizard.routes import _load_finished

    return _load_finished()


def _sent_reference(draft) -> str | None:
    """The reference of the referral this draft was sent as, if any."""
    claim = (draft.answers or {}).get(CLAIM) if draft is not None else None
    return claim.get("reference") if isinstance(claim, dict) else None


def _remember(draft, reference: str) -> None:
    session[SESSION_KEY] = {"draft": draft.id, "reference": reference}


@bp.app_template_global("handoff_sent")
def handoff_sent() -> str | None:
    """The reference this browser's current answers were sent as (None: not sent).

    Read from the session only: the results page costs no extra query.
    """
    sent = session.get(SESSION_KEY)
    if isinstance(sent, dict) and sent.get("draft") == session.get(drafts.SESSION_KEY):
        return sent.get("reference")
    return None


def _profile(answers) -> dict:
    profile = build_profile(answers)
    try:
        return validate_profile(profile)
    except ProfileError as exc:  # a wizard bug (the results page refuses it too)
        current_app.logger.error("hand-off: the wizard built an invalid profile; fields: %s",
                                 ", ".join(sorted({e.split(":", 1)[0] for e in exc.errors})))
        raise


def _page(form: HandoffForm, status: int = 200):
    lang = current_language()
    form.shown_in.data = lang
    return render_template("handoff/form.html", form=form, consent=consent_text(lang)), status


@bp.get("/")
def form():
    """The form, after the results (a draft already sent goes to its confirmation)."""
    draft, answers = _finished_draft()
    if draft is None:
        return answers
    reference = _sent_reference(draft)
    if reference:
        _remember(draft, reference)
        return redirect(url_for("handoff.done"))
    return _page(HandoffForm(formdata=None, language=current_language(), best_time="any"))


@bp.post("/")
@limiter.limit(handoff_limit, methods=["POST"])
def send():
    """File the referral once, then show the confirmation (Post/Redirect/Get)."""
    draft, answers = _finished_draft()
    if draft is None:
        return answers
    reference = _sent_reference(draft)
    if reference:  # a refresh of the post, or a second tab: never filed twice
        _remember(draft, reference)
        return redirect(url_for("handoff.done"))
    form = HandoffForm()
    if not form.validate():
        return _page(form)
    shown_in = form.shown_in.data if form.shown_in.data in LANGUAGES else current_language()
    profile = _profile(answers)

    token = secrets.token_urlsafe(16)

    def claim(stored: dict) -> dict:
        return stored if stored.get(CLAIM) else {**stored, CLAIM: {"token": token,
                                                                   "reference": None}}

    stored = drafts.save(draft, claim)
    if stored is None:  # the draft was deleted meanwhile (another tab)
        return redirect(url_for("wizard.start"))
    if stored[CLAIM].get("token") != token:  # another post of this draft got there first
        return _wait_for_first(draft)
    try:
        referral = create_referral(
            profile=profile, source="patient", language=form.language.data,
            contact={"name": form.name.data, "phone": form.phone.data or None,
                     "email": form.email.data or None, "best_time": form.best_time.data},
            consent_text=consent_text(shown_in), consent_version=CONSENT_VERSION,
            actor="patient")
    except Exception:
        # Nothing was filed: free the draft so the person can send it again.
        drafts.save(draft, lambda now: {k: v for k, v in now.items() if not (
            k == CLAIM and isinstance(v, dict) and v.get("token") == token)})
        raise
    drafts.save(draft, lambda now: {**now, CLAIM: {"token": token,
                                                   "reference": referral.reference}})
    _remember(draft, referral.reference)
    notify.notify_new_referral(referral)  # after the commit; never raises
    return redirect(url_for("handoff.done"))


def _wait_for_first(draft):
    """A second post of the same answers: show the first one's confirmation once it is filed."""
    deadline = time.monotonic() + WAIT_FOR_FIRST
    while True:
        db.session.rollback()  # a new transaction each time: see the first post's commit
        answers = db.session.execute(select(WizardDraft.answers).where(
            WizardDraft.id == draft.id)).scalar_one_or_none()
        claim = (answers or {}).get(CLAIM)
        reference = claim.get("reference") if isinstance(claim, dict) else None
        if reference or answers is None or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    if reference:
        _remember(draft, reference)
    return redirect(url_for("handoff.done"))


@bp.get("/done")
def done():
    """The confirmation: the reference, what happens next, and that nothing is decided."""
    try:
        draft = drafts.current()
    except drafts.DraftExpired:
        draft = None
    reference = handoff_sent() or _sent_reference(draft)
    if reference is None:  # nothing sent from this browser's answers
        return redirect(url_for("wizard.results") if draft else url_for("wizard.start"))
    if draft is not None:
        _remember(draft, reference)
    return render_template("handoff/done.html", reference=reference)
