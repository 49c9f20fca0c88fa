"""The referral queue, a referral's page (notes, assignment, status), and the CSV export.

Every view writes an audit event (the queue page with the referral ids it
showed, since it shows names; the referral page; the export with its filters
and row count), and so does every change. Refused changes say why and keep
what was typed. Coordinators and admins have the same rights here: the export
is part of a coordinator's day (the call list), and it is audited like a view.
"""

from __future__ import annotations

import csv
import io
import json
import math
from datetime import UTC, datetime

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user
from sqlalchemy import func, select

from ..i18n import gettext as _
from ..models import AuditEvent, Referral, ReferralNote, StaffUser, db, utcnow
from ..referrals.service import CLOSED_STATUSES, audit, current_screening
from . import bp, clinical
from . import queue as q
from .auth import staff_required

#: The status workflow: from each status, where a coordinator can move a referral.
#: Closing statuses set closed_at; a closed referral can be reopened to "contacting".
TRANSITIONS = {
    "new": ("contacting", "not_eligible", "declined", "unreachable"),
    "contacting": ("call_done", "not_eligible", "declined", "unreachable"),
    "call_done": ("visit_scheduled", "contacting", "not_eligible", "declined", "unreachable"),
    "visit_scheduled": ("enrolled", "call_done", "not_eligible", "declined", "unreachable"),
    **{closed: ("contacting",) for closed in CLOSED_STATUSES},
}
NOTE_MAX = 5000
#: Audit events shown on a referral's page (newest first); the rest are counted.
AUDIT_SHOWN = 200

ACTION_WORDS = {
    "referral_created": "Referral received", "referral_viewed": "Viewed",
    "status_changed": "Status changed", "assigned": "Assignment changed",
    "note_added": "Note added", "rescreened": "Screened again",
    "rescreen_flag_cleared": "Re-screen flag cleared",
    "notify_sent": "Team emailed", "notify_failed": "Team email failed",
    "fhir_exported": "Exported as FHIR",
}


def _staff_users() -> list[StaffUser]:
    return list(db.session.scalars(select(StaffUser).where(StaffUser.active.is_(True))
                                   .order_by(StaffUser.name, StaffUser.email)))


def _lang() -> str:
    locale = get_locale()
    return locale.language if locale else "en"


@bp.get("/")
@staff_required()
def queue():
    """Referrals, best verdict first, then the longest waiting; filters, counts, pages."""
    from ..referrals.rescreen import rescreen_pending

    users = _staff_users()
    f = q.parse_filters(request.args, {u.id for u in users})
    me = current_user.id
    counts = q.status_counts(f, me)
    total = counts[f.status] if f.status else sum(counts.values())
    pages = max(math.ceil(total / q.PAGE_SIZE), 1)
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), pages)
    rows = q.rows(f, me, q.PAGE_SIZE, (page - 1) * q.PAGE_SIZE)
    used = f.used()
    audit("queue_viewed", page=page, filters=used, total=total,
          shown=[r.referral.id for r in rows])
    # Rendered before the commit, which would expire the rows: one query each to reload.
    html = render_template(
        "staff/queue.html", rows=rows, f=f, used=used, counts=counts, total=total, page=page,
        pages=pages, page_links=q.page_numbers(page, pages), users=users,
        trials=q.trial_choices(f.trial), now=utcnow(), q=q,
        first=(page - 1) * q.PAGE_SIZE + 1 if rows else 0,
        last=(page - 1) * q.PAGE_SIZE + len(rows),
        export_url=url_for("staff.export", **used), rescreen_pending=rescreen_pending())
    db.session.commit()
    return html


def _referral_or_404(referral_id: int) -> Referral:
    row = db.session.get(Referral, referral_id)
    if row is None:
        abort(404)
    return row


def _show(referral: Referral, *, errors: dict[str, str] | None = None, note_text: str = "",
          status: int = 200):
    """The referral's page (audited as a view), with a refused change's message and input."""
    screening = current_screening(referral)
    results = screening.results if screening else []
    profile = referral.profile or {}
    notes = list(db.session.scalars(select(ReferralNote).where(
        ReferralNote.referral_id == referral.id).order_by(ReferralNote.created_at,
                                                          ReferralNote.id)))
    users = _staff_users()
    audit("referral_viewed", referral=referral)
    db.session.flush()  # this view is in the trail it shows
    events = list(db.session.scalars(select(AuditEvent).where(
        AuditEvent.referral_id == referral.id).order_by(AuditEvent.id.desc())
        .limit(AUDIT_SHOWN)))
    event_count = db.session.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.referral_id == referral.id))
    names = q.staff_names({n.author_id for n in notes if n.author_id}
                          | ({referral.assignee_id} if referral.assignee_id else set()))
    history = [e for e in reversed(events) if e.action == "status_changed"]
    html = render_template(
        "staff/referral.html", referral=referral, screening=screening,
        facts=clinical.profile_facts(profile, _lang()) if referral.profile else [],
        candidates=clinical.candidates(results), blocked=clinical.blocked(results),
        checklist=clinical.call_checklist(results, profile), notes=notes, names=names,
        users=users, next_statuses=TRANSITIONS.get(referral.status, ()), history=history,
        events=events, event_count=event_count, errors=errors or {}, note_text=note_text,
        clinical=clinical, q=q, action_words=ACTION_WORDS, note_max=NOTE_MAX,
        contact_fields=_contact_fields(referral.contact or {}))
    db.session.commit()  # after rendering: a commit expires every row the page reads
    return html, status


@bp.get("/referrals/<int:referral_id>/fhir")
@staff_required()
def referral_fhir(referral_id: int):
    """The referral's profile and current screening as a FHIR R4 Bundle (screener/fhir/
    writer.py), audited. Dates are derived as of the day the referral came in, the day its
    ages and "months ago" were given. No contact details: the Bundle carries no name."""
    from ..fhir.writer import write_bundle

    row = _referral_or_404(referral_id)
    if not row.profile:  # purged past retention
        abort(404)
    screening = current_screening(row)
    bundle = write_bundle(row.profile, row.created_at.date(),
                          screening.results if screening else [],
                          bundle_id=f"referral-{row.reference}")
    audit("fhir_exported", referral=row)
    db.session.commit()
    response = make_response(json.dumps(bundle, ensure_ascii=False))
    response.mimetype = "application/fhir+json"
    response.headers["Content-Disposition"] = (
        f'attachment; filename="referral-{row.reference}.fhir.json"')
    response.headers["Cache-Control"] = "no-store"
    return response


CONTACT_LABELS = {"name": "Name", "phone": "Phone", "email": "Email",
                  "best_time": "Best time to call", "physician_name": "Referring physician",
                  "practice": "Practice", "practice_phone": "Practice phone",
                  "practice_email": "Practice email"}


def _contact_fields(contact: dict) -> list[tuple[str, str]]:
    """Contact details as (label, value): the known ones first, then any others."""
    known = [(_(CONTACT_LABELS[k]), str(contact[k])) for k in CONTACT_LABELS
             if contact.get(k) not in (None, "")]
    other = [(k.replace("_", " ").capitalize(), str(v)) for k, v in contact.items()
             if k not in CONTACT_LABELS and v not in (None, "")]
    return known + other


@bp.get("/referrals/<int:referral_id>")
@staff_required()
def referral(referral_id: int):
    return _show(_referral_or_404(referral_id))


@bp.post("/referrals/<int:referral_id>/notes")
@staff_required()
def add_note(referral_id: int):
    row = _referral_or_404(referral_id)
    text = (request.form.get("text") or "").strip()
    if row.purged_at is not None:
        return _show(row, errors={"note": _(
            "This referral's details were removed after retention: no note can be added.")},
            note_text=text, status=409)
    if not text:
        return _show(row, errors={"note": _("Note: write something before adding it.")},
                     status=400)
    if len(text) > NOTE_MAX:
        return _show(row, errors={"note": _(
            "Note: it is %(n)s characters long; at most %(max)s. Nothing was saved: shorten it "
            "and add it again.", n=len(text), max=NOTE_MAX)}, note_text=text, status=400)
    note = ReferralNote(referral_id=row.id, author_id=current_user.id, text=text,
                        created_at=utcnow())
    db.session.add(note)
    row.updated_at = utcnow()
    db.session.flush()
    audit("note_added", referral=row, note_id=note.id, length=len(text))
    db.session.commit()
    flash(_("Note added."), "notice")
    return redirect(url_for("staff.referral", referral_id=row.id, _anchor="notes"))


@bp.post("/referrals/<int:referral_id>/flag/clear")
@staff_required()
def clear_rescreen_flag(referral_id: int):
    """A coordinator has acted on a re-screen's flag: clear it (audited with who and when)."""
    from ..referrals.rescreen import clear_flag

    row = _referral_or_404(referral_id)
    if row.rescreen_flag is None:
        flash(_("No change: this referral had no re-screen flag."), "notice")
    else:
        clear_flag(row, current_user)
        flash(_("Re-screen flag cleared."), "notice")
    return redirect(url_for("staff.referral", referral_id=row.id))


@bp.post("/referrals/<int:referral_id>/assign")
@staff_required()
def assign(referral_id: int):
    row = _referral_or_404(referral_id)
    choice = (request.form.get("assignee") or "").strip()
    if choice == "me":
        new = current_user.id
    elif choice == "none":
        new = None
    else:
        user = db.session.get(StaffUser, int(choice)) if choice.isdigit() else None
        if user is None or not user.active:
            return _show(row, errors={"assign": _(
                "Assign to: choose a staff member from the list (that one is not an active "
                "staff account).")}, status=400)
        new = user.id
    if new == row.assignee_id:
        flash(_("No change: the referral was already assigned that way."), "notice")
        return redirect(url_for("staff.referral", referral_id=row.id))
    audit("assigned", referral=row, from_user=row.assignee_id, to_user=new)
    row.assignee_id = new
    row.updated_at = utcnow()
    db.session.commit()
    name = q.staff_names({new}).get(new) if new else None
    flash(_("Assigned to %(name)s.", name=name) if name else _("Unassigned."), "notice")
    return redirect(url_for("staff.referral", referral_id=row.id))


@bp.post("/referrals/<int:referral_id>/status")
@staff_required()
def change_status(referral_id: int):
    row = _referral_or_404(referral_id)
    wanted = (request.form.get("status") or "").strip()
    seen = (request.form.get("from") or "").strip()
    words = q.STATUS_WORDS
    if seen and seen != row.status:
        return _show(row, errors={"status": _(
            "Someone changed this referral's status to “%(now)s” while you were looking at "
            "“%(seen)s”: nothing was changed. Check the history below, then choose again.",
            now=words[row.status], seen=words.get(seen, seen))}, status=409)
    allowed = TRANSITIONS.get(row.status, ())
    if wanted not in allowed:
        shown = words[wanted] if wanted in words else wanted[:40]
        return _show(row, errors={"status": _(
            "Status: a referral that is “%(now)s” cannot go to “%(wanted)s”. It can go to: "
            "%(allowed)s.", now=words[row.status], wanted=shown or _("(none chosen)"),
            allowed=", ".join(str(words[s]) for s in allowed))}, status=400)
    if wanted == "contacting" and row.status in CLOSED_STATUSES and row.purged_at is not None:
        return _show(row, errors={"status": _(
            "Status: this referral's contact details and profile were removed after retention, "
            "so it cannot be reopened. Ask the family or physician to refer again.")},
            status=409)
    now = utcnow()
    audit("status_changed", referral=row, from_status=row.status, to_status=wanted)
    row.status = wanted
    row.closed_at = now if wanted in CLOSED_STATUSES else None
    row.updated_at = now
    db.session.commit()
    flash(_("Status changed to “%(status)s”.", status=words[wanted]), "notice")
    return redirect(url_for("staff.referral", referral_id=row.id))


#: The export's columns, in order.
EXPORT_COLUMNS = ("reference", "received_utc", "source", "status", "assignee", "best_verdict",
                  "candidate_trials", "rescreen_flag", "language", "contact_name",
                  "contact_phone", "contact_email", "best_time", "referring_physician",
                  "practice")
#: A cell starting with one of these is read as a formula by spreadsheets (OWASP CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    """``value`` as a CSV cell a spreadsheet shows as text: a leading ' defuses a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


@bp.get("/export.csv")
@staff_required()
def export():
    """The filtered queue (every page) as CSV for a spreadsheet: UTF-8 with BOM, attachment."""
    users = _staff_users()
    f = q.parse_filters(request.args, {u.id for u in users})
    if f.problems:  # never export more than was asked for
        return render_template("error.html", title=_("Export not made"),
                               message=" ".join(f.problems),
                               link=(url_for("staff.queue"), _("Back to the queue"))), 400
    rows = q.rows(f, current_user.id, limit=None)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    for row in rows:
        r, contact = row.referral, row.referral.contact or {}
        writer.writerow([safe_cell(v) for v in (
            r.reference, r.created_at.strftime("%Y-%m-%d %H:%M"), r.source, r.status,
            row.assignee, q.RANK_WORDS[r.best_rank], " ".join(row.trials), r.rescreen_flag or "",
            r.language, contact.get("name"), contact.get("phone"), contact.get("email"),
            contact.get("best_time"), contact.get("physician_name"), contact.get("practice"))])
    audit("exported", filters=f.used(), rows=len(rows))
    db.session.commit()
    response = make_response(out.getvalue())
    response.mimetype = "text/csv"
    stamp = datetime.now(UTC).strftime("%Y-%m-%d")
    response.headers["Content-Disposition"] = f'attachment; filename="referrals-{stamp}.csv"'
    response.headers["Cache-Control"] = "no-store"
    return response
