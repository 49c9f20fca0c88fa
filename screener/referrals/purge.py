"""Retention: the health and contact data of closed referrals is removed after a while.

``screener purge --older-than DAYS`` empties, for every referral closed (enrolled,
not eligible, declined, unreachable) more than DAYS ago:

- its profile, contact details and the referring physician's note;
- its screenings' results down to the verdict per trial (no criteria, no
  reasons, no missing answers: those describe the patient);
- the re-screen flag and its changes (criterion ids say what was met);
- the coordinators' notes (the text; who wrote one and when stays).

What stays: the row (reference, source, language, status, dates, assignee), the
consent's wording and version, the versions of the criteria it was screened
against, the trials it was a candidate for, and the whole audit trail, to which
one "purged" event is added per run (count and referral ids). ``purged_at``
marks a purged referral, so a second run finds nothing (safe to run twice, from
cron). A referral closed without a recorded ``closed_at`` counts from its last
update.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, null, select, update

from ..models import Referral, ReferralNote, ReferralScreening, db, utcnow
from .service import CLOSED_STATUSES, audit

BATCH = 500


def verdicts_only(results: list[dict]) -> list[dict]:
    """A screening's results without anything about the patient: trial and verdicts."""
    return [{"trial": {"id": r["trial"]["id"], "title": r["trial"].get("title", "")},
             "verdict": r["verdict"], "shown_verdict": r.get("shown_verdict", r["verdict"])}
            for r in results or []]


def due_for_purge(older_than_days: int) -> list[int]:
    """Ids of closed referrals, not yet purged, closed more than that many days ago."""
    cutoff = utcnow() - timedelta(days=older_than_days)
    closed = func.coalesce(Referral.closed_at, Referral.updated_at)
    return list(db.session.scalars(
        select(Referral.id).where(Referral.status.in_(CLOSED_STATUSES),
                                  Referral.purged_at.is_(None), closed < cutoff)
        .order_by(Referral.id)))


def purge_closed(older_than_days: int) -> int:
    """Purge closed referrals past retention (see the module); commits; returns how many."""
    ids = due_for_purge(older_than_days)
    now = utcnow()
    for start in range(0, len(ids), BATCH):
        chunk = ids[start:start + BATCH]
        db.session.execute(
            update(Referral).where(Referral.id.in_(chunk), Referral.purged_at.is_(None))
            .values(profile=null(), contact=null(), note=None, rescreen_flag=None,
                    rescreen_changes=null(), purged_at=now, updated_at=now))
        screenings = db.session.execute(
            select(ReferralScreening.id, ReferralScreening.results)
            .where(ReferralScreening.referral_id.in_(chunk))).all()
        if screenings:
            db.session.execute(update(ReferralScreening), [
                {"id": sid, "results": verdicts_only(results)} for sid, results in screenings])
        db.session.execute(update(ReferralNote).where(ReferralNote.referral_id.in_(chunk))
                           .values(text=None))
        db.session.commit()  # each batch whole; a failed run is finished by the next
    audit("purged", actor="system", count=len(ids), older_than_days=older_than_days,
          referrals=ids)
    db.session.commit()
    return len(ids)
