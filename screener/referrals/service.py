"""Create, screen and re-screen referrals; the audit trail.

Privacy: nothing here logs a profile, a contact or a note. Audit ``detail``
holds field names, statuses, counts and filter names only.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from pathlib import Path

from flask import has_request_context

from ..eligibility import LIKELY_ELIGIBLE, NEEDS_REVIEW, NOT_ELIGIBLE, Trial, screen
from ..models import (
    AuditEvent,
    Referral,
    ReferralCandidate,
    ReferralScreening,
    StaffUser,
    db,
    utcnow,
)
from ..trials.catalog import catalog

SOURCES = ("patient", "physician", "api")

#: The status workflow, in order; the last four close a referral.
STATUSES = ("new", "contacting", "call_done", "visit_scheduled",
            "enrolled", "not_eligible", "declined", "unreachable")
OPEN_STATUSES = STATUSES[:4]
CLOSED_STATUSES = STATUSES[4:]

#: The queue's order: best verdict first. "likely" that is not fully checked
#: (age and sex only, or a registry inclusion nobody could read) ranks as needs review,
#: as every patient page shows it.
RANKS = {LIKELY_ELIGIBLE: 0, NEEDS_REVIEW: 1, NOT_ELIGIBLE: 2}
NO_OPEN_TRIAL = 3


def new_reference() -> str:
    """A short random code shown to the family or physician (no vowels: no words)."""
    alphabet = "BCDFGHJKLMNPQRSTVWXZ23456789"
    return "R-" + "".join(secrets.choice(alphabet) for _ in range(8))


def trial_version(trial: Trial) -> str:
    """The version of a trial's criteria: the criteria file's bytes, or what the reader read.

    A registry trial's version hashes its read rules, not only the record, so a
    better reader re-screens the referrals it would judge differently.
    """
    if trial.source == "criteria-file" and trial.path and Path(trial.path).exists():
        return hashlib.sha256(Path(trial.path).read_bytes()).hexdigest()[:16]
    payload = json.dumps([trial.minimum_age, trial.maximum_age, trial.sex,
                          [(c.id, c.kind, c.text, repr(c.rule)) for c in trial.criteria]],
                         sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def open_trials() -> list[Trial]:
    """The trials a referral is screened against: every loaded trial open to enrollment."""
    return [t for t in catalog().all() if t.recruiting]


def shown_verdict(result) -> str:
    """The verdict a person is shown: a likely that is not fully checked is needs review."""
    if result.verdict == LIKELY_ELIGIBLE and not result.fully_checked:
        return NEEDS_REVIEW
    return result.verdict


def result_entry(result) -> dict:
    """What a screening keeps of one trial's result (see ReferralScreening.results)."""
    from ..api.routes import result_dict

    out = result_dict(result)
    out["shown_verdict"] = shown_verdict(result)
    if result.verdict == NOT_ELIGIBLE:  # keep only what blocks it
        out["criteria"] = [c for c in out["criteria"] if c["outcome"] == "not_met"]
    return out


@dataclass
class Screening:
    results: list[dict]
    versions: dict[str, str]
    snapshot_date: str | None
    best_rank: int


def screen_profile(profile: dict, trials: list[Trial] | None = None) -> Screening:
    """Screen a validated profile against the open trials (or ``trials``)."""
    trials = open_trials() if trials is None else trials
    results = [result_entry(screen(profile, t)) for t in trials]
    results.sort(key=lambda r: (RANKS[r["shown_verdict"]], r["trial"]["id"]))
    best = min((RANKS[r["shown_verdict"]] for r in results), default=NO_OPEN_TRIAL)
    as_of = catalog().snapshot_date
    return Screening(results, {t.id: trial_version(t) for t in trials},
                     as_of.isoformat() if as_of else None, best)


def record_screening(referral: Referral, screening: Screening, reason: str) -> ReferralScreening:
    """Store ``screening`` as the referral's current one (the caller commits)."""
    if referral.id is not None:  # the earlier screenings stay, no longer current
        db.session.query(ReferralScreening).filter_by(
            referral_id=referral.id, current=True).update({"current": False})
        db.session.query(ReferralCandidate).filter_by(referral_id=referral.id).delete()
    if referral.id is None:
        db.session.add(referral)
        db.session.flush()
    row = ReferralScreening(reason=reason, results=screening.results,
                            versions=screening.versions, snapshot_date=screening.snapshot_date,
                            current=True)
    row.referral_id = referral.id
    db.session.add(row)
    # Candidates only (not every open trial): the queue filters referrals by trial.
    db.session.add_all(ReferralCandidate(referral_id=referral.id, trial_id=r["trial"]["id"],
                                         verdict=r["shown_verdict"])
                       for r in screening.results if r["shown_verdict"] != NOT_ELIGIBLE)
    referral.best_rank = screening.best_rank
    referral.updated_at = utcnow()
    return row


def create_referral(*, profile: dict, source: str, contact: dict, language: str = "en",
                    note: str | None = None, consent_text: str = "", consent_version: str = "",
                    actor: str | None = None, user: StaffUser | None = None) -> Referral:
    """File a referral (profile already validated), screen it, audit it, commit."""
    if source not in SOURCES:
        raise ValueError(f"unknown referral source {source!r}")
    now = utcnow()
    referral = Referral(reference=new_reference(), source=source, language=language,
                        profile=profile, contact=contact, note=note or None,
                        consent_text=consent_text, consent_version=consent_version,
                        consented_at=now if consent_text else None, status="new",
                        created_at=now, updated_at=now)
    db.session.add(referral)
    db.session.flush()
    record_screening(referral, screen_profile(profile), "referral")
    audit("referral_created", referral=referral, user=user, actor=actor or source,
          source=source)
    db.session.commit()
    return referral


def current_screening(referral: Referral) -> ReferralScreening | None:
    return db.session.query(ReferralScreening).filter_by(
        referral_id=referral.id, current=True).order_by(ReferralScreening.id.desc()).first()


def audit(action: str, *, referral: Referral | int | None = None, user: StaffUser | None = None,
          actor: str | None = None, **detail) -> AuditEvent:
    """Append an audit event (the caller commits). ``detail``: no health data, no contacts."""
    if user is None and has_request_context():
        from flask_login import current_user

        if getattr(current_user, "is_authenticated", False):
            user = current_user
    referral_id = referral.id if isinstance(referral, Referral) else referral
    event = AuditEvent(at=utcnow(), user_id=user.id if user else None,
                       actor=actor or (user.email if user else "system"), action=action,
                       referral_id=referral_id, detail=detail)
    db.session.add(event)
    return event
