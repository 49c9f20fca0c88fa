"""The physician referral form at /refer (blueprint ``bp``): check eligibility, then file.

One page. "Check eligibility" screens the clinical details and shows the result
on the same page with everything still filled in; "File referral" files it for
the research team's desk (``service.create_referral``, source "physician") and
redirects to a confirmation showing the reference code (Post/Redirect/Get).

Privacy: nothing of the patient goes into a URL or the session cookie (signed,
not readable-proof); between checking and filing the page itself posts every
field again. The session keeps only the reference code of the referral just
filed. Nothing here logs a profile, a contact or a note.

A referral is filed only for the clinical details whose result the physician
has seen: the page carries a digest of the profile it showed the result for
(``checked``), and a filing whose details changed since is shown its new result
first.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import Counter

from flask import Blueprint, abort, redirect, render_template, request, session, url_for

from ..eligibility import LIKELY_ELIGIBLE, NEEDS_REVIEW, NOT_ELIGIBLE
from ..i18n import gettext as _
from ..i18n import lazy_gettext as _l
from ..profile import ProfileError, validate_profile
from ..security import form_limit, limiter
from ..trials.catalog import catalog
from ..vocabulary.words import LABELS
from .physician import CONSENT_VERSION, THERAPY_GROUPS, ReferForm, note_with_details
from .service import create_referral, screen_profile

log = logging.getLogger(__name__)

bp = Blueprint("refer", __name__, url_prefix="/refer")
# Every post of the form counts against one per-address limit (as the wizard's steps).
limiter.shared_limit(form_limit, scope="refer-forms", methods=["POST"])(bp)

#: Session key of the reference code of the referral this browser just filed.
FILED = "refer_filed"

GROUPS = (LIKELY_ELIGIBLE, NEEDS_REVIEW, NOT_ELIGIBLE)
GROUP_TITLES = {
    LIKELY_ELIGIBLE: _l("Likely eligible — the study team confirms"),
    NEEDS_REVIEW: _l("Needs review — open questions to settle"),
    NOT_ELIGIBLE: _l("Not eligible on the details given"),
}
CHANGED = _l("The clinical details changed since the result was shown (or eligibility was "
             "not checked yet). Here is the result for the details as they are now: check "
             "it, then file the referral.")


def digest(profile: dict) -> str:
    """A digest of the profile whose result the page shows (the ``checked`` field)."""
    return hashlib.sha256(json.dumps(profile, sort_keys=True).encode()).hexdigest()


def _label(path: str) -> str:
    words = _(LABELS[path]) if path in LABELS else path.replace("_", " ")
    return words[:1].upper() + words[1:]


def result_view(results: list[dict]) -> dict:
    """The screening for the page: trials per shown verdict, each with its reasons and
    unknowns in the engine's clinical sentences, and the answers that settle the most."""
    groups: dict[str, list[dict]] = {g: [] for g in GROUPS}
    settle: Counter = Counter()
    for r in results:
        shown = r["shown_verdict"]
        outcome = {NOT_ELIGIBLE: "not_met", NEEDS_REVIEW: "unknown"}.get(shown)
        missing = [_label(path) for path in r["missing_answers"]] if shown == NEEDS_REVIEW else []
        settle.update(missing)
        groups[shown].append({
            "id": r["trial"]["id"], "title": r["trial"]["title"], "url": r["trial"].get("url"),
            "verdict": r["verdict"], "shown": shown,
            "reasons": [c for c in r["criteria"] if c["outcome"] == outcome] if outcome else [],
            "unchecked": r["trial"].get("inclusions_not_screened", 0),
        })
    return {"groups": groups, "settle": settle.most_common(),
            "counts": {g: len(v) for g, v in groups.items()}}


def _render(form: ReferForm, profile: dict | None = None, results: list | None = None,
            notice=None):
    return render_template(
        "refer/form.html", form=form, therapy_groups=THERAPY_GROUPS,
        view=result_view(results) if results is not None else None,
        checked=digest(profile) if profile is not None else "",
        titles={k: str(v) for k, v in GROUP_TITLES.items()}, notice=notice,
        catalog_notice=catalog().notice())


@bp.route("", methods=["GET", "POST"])
def refer():
    """The form; on POST, check eligibility or file the referral."""
    if request.method == "GET":
        return _render(ReferForm(formdata=None))
    form = ReferForm(formdata=request.form)
    filing = request.form.get("action") == "file"
    valid = form.validate_filing() if filing else form.validate()
    if form.clinical_errors():
        return _render(form)
    profile = form.build_profile()
    try:
        validate_profile(profile)
    except ProfileError as exc:
        # A bug of this form, never the physician's. Log which fields only: the messages
        # themselves can quote answers (health data).
        log.error("the referral form built an invalid profile; fields: %s",
                  ", ".join(sorted({e.split(":", 1)[0] for e in exc.errors})))
        abort(500)
    screening = screen_profile(profile)
    if not filing or not valid:
        return _render(form, profile, screening.results)
    if request.form.get("checked") != digest(profile):
        return _render(form, profile, screening.results, notice=CHANGED)
    contact = {key: value for key, value in (
        ("physician_name", form.physician_name.data), ("practice", form.practice.data),
        ("phone", form.phone.data), ("email", form.email.data)) if value}
    referral = create_referral(
        profile=profile, source="physician", contact=contact,
        note=note_with_details(form.note.data, form.form_details()),
        consent_text=str(form.attest.label.text), consent_version=CONSENT_VERSION,
        actor="physician")
    session[FILED] = referral.reference
    return redirect(url_for("refer.filed"))


@bp.get("/filed")
def filed():
    """The confirmation, with the reference code of the referral just filed."""
    reference = session.get(FILED)
    if not reference:
        return redirect(url_for("refer.refer"))
    return render_template("refer/filed.html", reference=reference)
