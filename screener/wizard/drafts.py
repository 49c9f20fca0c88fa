"""Wizard drafts: answers kept server-side, found through a random id in the session.

Privacy: Flask's session cookie is signed, not encrypted, so it carries only
the draft id (``secrets.token_urlsafe``, 32 bytes) and never an answer; no id
or answer ever goes into a URL. Drafts live in the database, so they survive a
restart (and are shared by every worker), and are deleted once idle longer
than WIZARD_DRAFT_IDLE_MINUTES.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import timedelta

from flask import current_app, session
from sqlalchemy import bindparam, delete, select, update
from sqlalchemy.orm.attributes import set_committed_value

from ..models import WizardDraft, db, utcnow

SESSION_KEY = "wizard_draft"


#: Statements built once: the wizard runs them on every page.
_BY_ID = select(WizardDraft).where(WizardDraft.id == bindparam("id"))
_STORED = (select(WizardDraft.__table__.c.answers, WizardDraft.__table__.c.updated_at)
           .where(WizardDraft.__table__.c.id == bindparam("draft")))
_SAVE = (update(WizardDraft.__table__)
         .where(WizardDraft.__table__.c.id == bindparam("draft"),
                WizardDraft.__table__.c.updated_at == bindparam("seen"))
         .values(answers=bindparam("new_answers"), updated_at=bindparam("now")))
#: How often a save is tried again after another request saved the same draft first.
SAVE_ATTEMPTS = 10
_TOUCH = (update(WizardDraft.__table__).where(WizardDraft.__table__.c.id == bindparam("draft"))
          .values(updated_at=bindparam("now")))


class DraftExpired(Exception):
    """The session pointed at a draft that expired (or was deleted) for idleness."""


def _idle() -> timedelta:
    return timedelta(minutes=current_app.config.get("WIZARD_DRAFT_IDLE_MINUTES", 120))


def purge_expired() -> int:
    """Delete every draft idle for longer than the limit; returns how many went."""
    result = db.session.execute(
        delete(WizardDraft).where(WizardDraft.updated_at < utcnow() - _idle()))
    db.session.commit()
    return result.rowcount or 0


def start() -> WizardDraft:
    """A fresh, empty draft whose id goes into the session (any old one is dropped)."""
    discard()
    purge_expired()  # housekeeping: expired answers are removed, not just hidden
    draft = WizardDraft(id=secrets.token_urlsafe(32), answers={})
    db.session.add(draft)
    db.session.commit()
    session[SESSION_KEY] = draft.id
    return draft


def current() -> WizardDraft | None:
    """This browser's draft, or None if it has none.

    Raises DraftExpired when the session names a draft that was idle too long
    (deleting it) or that no longer exists, so the page can say so plainly.
    """
    draft_id = session.get(SESSION_KEY)
    if not draft_id:
        return None
    draft = db.session.execute(_BY_ID, {"id": draft_id}).scalar_one_or_none()
    if draft is None or utcnow() - draft.updated_at > _idle():
        if draft is not None:
            db.session.delete(draft)
            db.session.commit()
        session.pop(SESSION_KEY, None)
        raise DraftExpired()
    return draft


def save(draft: WizardDraft, change: Callable[[dict], dict]) -> dict | None:
    """Store ``change(answers as stored now)`` and mark the draft as active now.

    Two tabs of one browser share a draft and may save at the same moment, so
    the change is applied to the answers as they are in the database, not as
    this request loaded them, and written only if nobody saved in between
    (compare-and-swap on ``updated_at``); otherwise it is applied again to the
    newer answers. Returns the stored answers, or None if the draft is gone
    (deleted from another tab). One UPDATE statement rather than the ORM's
    change tracking: the wizard saves on every step.
    """
    for _attempt in range(SAVE_ATTEMPTS):
        row = db.session.execute(_STORED, {"draft": draft.id}).one_or_none()
        if row is None:
            return None
        answers, now = change(dict(row.answers or {})), utcnow()
        result = db.session.execute(_SAVE, {"draft": draft.id, "seen": row.updated_at,
                                            "new_answers": answers, "now": now})
        db.session.commit()
        if result.rowcount == 1:
            # keep the loaded object in step with the row (no reload from the database)
            set_committed_value(draft, "answers", dict(answers))
            set_committed_value(draft, "updated_at", now)
            return answers
    # Failure policy: saves that keep colliding are refused loudly (the error
    # page says the saved answers are kept), never stored over another's.
    raise RuntimeError(f"draft save still colliding after {SAVE_ATTEMPTS} attempts")


def touch(draft: WizardDraft) -> None:
    """Count a page view as activity, writing at most once a minute (reads stay cheap)."""
    if utcnow() - draft.updated_at > timedelta(minutes=1):
        now = utcnow()
        db.session.execute(_TOUCH, {"draft": draft.id, "now": now})
        db.session.commit()
        set_committed_value(draft, "updated_at", now)


def discard() -> None:
    """Delete this browser's draft, if any, and forget its id."""
    draft_id = session.pop(SESSION_KEY, None)
    if draft_id:
        db.session.execute(delete(WizardDraft).where(WizardDraft.id == draft_id))
        db.session.commit()
