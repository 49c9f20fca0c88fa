"""The queue and a referral's page (minimal; see issue 10 for the full desk)."""

from __future__ import annotations

from flask import abort, render_template, request
from sqlalchemy import select

from ..models import Referral, db
from ..referrals.service import audit, current_screening
from . import bp
from .auth import staff_required

PAGE_SIZE = 50


@bp.get("/")
@staff_required()
def queue():
    """Referrals, best verdict first, then the longest waiting."""
    page = max(request.args.get("page", 1, type=int), 1)
    rows = db.session.scalars(
        select(Referral).order_by(Referral.best_rank, Referral.created_at, Referral.id)
        .limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    audit("queue_viewed", page=page)
    db.session.commit()
    return render_template("staff/queue.html", referrals=rows, page=page)


@bp.get("/referrals/<int:referral_id>")
@staff_required()
def referral(referral_id: int):
    row = db.session.get(Referral, referral_id)
    if row is None:
        abort(404)
    audit("referral_viewed", referral=row)
    db.session.commit()
    return render_template("staff/referral.html", referral=row,
                           screening=current_screening(row))
