"""Re-screen open referrals when the criteria they were screened against change.

What counts as a change: a referral's current screening records the version
(hash) of every trial it was screened against (``ReferralScreening.versions``).
A trial whose version differs from ``trial_version()`` now, a trial that opened
since, or one that closed (left the open trials) is a change; only those trials
are screened again, the others' results are carried over. A referral with no
change is not touched at all.

When something changed, a new screening (reason "rescreen") becomes the
current one, the candidates and the queue's rank follow it, and the referral
is flagged when a shown verdict moved the way a coordinator must act on:

- ``newly_likely``: a trial is now shown as likely eligible that was not;
- ``no_longer_eligible``: a trial that was likely eligible or needs review is
  now not eligible, or closed.

``rescreen_changes`` lists every shown-verdict change since the flag was last
cleared: ``{"trial", "before", "after", "criteria"}`` (criteria: ids whose
outcome changed). It holds trial ids, verdicts and criterion ids, never
answers. A coordinator clears the flag with ``clear_flag`` (audited: who, when).

When it runs:

1. ``screener rescreen`` (any time; prints counts);
2. after every successful ``screener sync`` (registry trials changed);
3. at app start, when the curated criteria files differ from those the open
   referrals were last re-screened against (``CriteriaFingerprint``, a new
   deployment): with at most SCREENER_RESCREEN_AT_START open referrals (default
   200, about a second) they are re-screened there and then; with more, start-up
   is not held up: a warning is logged, ``rescreen_pending()`` says so (for a
   notice on the queue) and ``screener rescreen`` does it. Several workers
   starting together: one re-screens, the others go on (a lock they only try).

Speed: referrals are read and written in batches with bulk statements, only the
changed trials are screened, and the JSON of results is decoded only for
referrals that changed (bench/queue.py: 50,000 open referrals, one file changed).

Privacy: nothing here logs a profile, an answer or a contact; the audit event
holds counts and trial ids only.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask, current_app
from sqlalchemy import JSON, Text, bindparam, cast, delete, func, insert, select, text, update
from sqlalchemy.exc import SQLAlchemyError

from ..eligibility import LIKELY_ELIGIBLE, NEEDS_REVIEW, NOT_ELIGIBLE, screen
from ..models import (
    CriteriaFingerprint,
    Referral,
    ReferralCandidate,
    ReferralScreening,
    StaffUser,
    db,
    utcnow,
)
from ..trials.catalog import catalog
from .service import (
    NO_OPEN_TRIAL,
    OPEN_STATUSES,
    RANKS,
    audit,
    open_trials,
    result_entry,
    trial_version,
)

log = logging.getLogger(__name__)

NEWLY_LIKELY = "newly_likely"
NO_LONGER_ELIGIBLE = "no_longer_eligible"
#: ``after`` of a trial that is no longer open to enrolment (or no longer in the catalog).
CLOSED = "closed"

BATCH = 500
_PG_LOCK = 7340211  # the migrations take 7340210


@dataclass
class RescreenOutcome:
    checked: int = 0  # open referrals looked at
    rescreened: int = 0  # of which had a changed trial: a new screening was recorded
    newly_likely: int = 0  # referrals flagged newly likely eligible by this run
    no_longer_eligible: int = 0  # referrals flagged no longer eligible by this run
    trials_changed: list[str] = field(default_factory=list)  # changed, opened or closed
    seconds: float = 0.0

    def summary(self) -> str:
        return (f"re-screened {self.rescreened} of {self.checked} open referral(s) "
                f"({len(self.trials_changed)} trial(s) changed, opened or closed): "
                f"{self.newly_likely} newly likely eligible, "
                f"{self.no_longer_eligible} no longer eligible")


# ---------------------------------------------------------------------------
# One referral
# ---------------------------------------------------------------------------

def _changed_criteria(old: dict | None, result) -> list[str]:
    """Ids of the criteria whose outcome differs between a stored entry and a new result.

    A not-eligible entry keeps only its not-met criteria: a criterion it does not
    list was met, unknown or not screened, which counts as changed only when it
    is now not met.
    """
    if old is None:
        return []
    before = {c["id"]: c["outcome"] for c in old.get("criteria", [])}
    stripped = old.get("verdict") == NOT_ELIGIBLE
    changed = []
    now = {}
    for c in result.criteria:
        now[c.id] = c.outcome
        was = before.get(c.id)
        if (c.outcome == "not_met") if (stripped and was is None) else (was != c.outcome):
            changed.append(c.id)
    changed += [cid for cid in before if cid not in now]  # criteria taken out of the file
    return list(dict.fromkeys(changed))


def fast_entry(result) -> dict:
    """``result_entry(result)``, without wording the criteria a not-eligible entry drops.

    A not-eligible entry keeps only its not-met criteria, so the sentences of the
    others (most of the work) are never written.
    """
    if result.verdict != NOT_ELIGIBLE:
        return result_entry(result)
    criteria = result.criteria
    unread = sum(1 for c in criteria if c.kind == "inclusion" and c.outcome == "not_screened")
    result.criteria = [c for c in criteria if c.outcome == "not_met"]
    try:
        entry = result_entry(result)
    finally:
        result.criteria = criteria
    entry["trial"]["inclusions_not_screened"] = unread
    return entry


#: Each entry of a stored results array starts so (SQLAlchemy writes JSON with
#: json.dumps; "trial" is an entry's first key, "id" its trial's). Quotes inside
#: JSON strings are escaped, so this cannot occur inside a value.
_ENTRY_START = '{"trial": {"id": "'
_SHOWN = '"shown_verdict": "'


def split_entries(raw: str, trial_ids) -> dict[str, str] | None:
    """A stored results array's entries as JSON text, by trial id, without decoding them.

    Decoding and encoding every referral's results (tens of kilobytes, mostly the
    criteria's verbatim text) was most of a re-screen's time; the entries of
    unchanged trials are carried over as text instead. None when the text is not
    laid out as expected (the caller then decodes it): the entries found must be
    exactly ``trial_ids``.
    """
    if raw == "[]":
        return {} if not trial_ids else None
    if not (raw.startswith("[" + _ENTRY_START) and raw.endswith("}]")):
        return None
    starts = []
    at = 1
    while at != -1:
        starts.append(at)
        at = raw.find(", " + _ENTRY_START, at)
        if at != -1:
            at += 2
    ends = [s - 2 for s in starts[1:]] + [len(raw) - 1]
    pieces = {}
    for begin, end in zip(starts, ends, strict=True):
        piece = raw[begin:end]
        trial_id = piece[len(_ENTRY_START):piece.find('"', len(_ENTRY_START))]
        pieces[trial_id] = piece
    if len(pieces) != len(starts) or set(pieces) != set(trial_ids):
        return None
    return pieces


def _shown_of(piece: str) -> str:
    at = piece.rfind(_SHOWN) + len(_SHOWN)
    return piece[at:piece.index('"', at)]


def rescreen_entries(profile: dict, pieces: dict[str, str], versions: dict[str, str],
                     trials: list, current: dict[str, str]):
    """One referral's new results (JSON text), its shown-verdict changes and best rank.

    ``pieces``: the stored entries as JSON text by trial id; ``trials``: the open
    trials now, ``current`` their versions. Unchanged trials keep their entry as
    it is; the others are screened. The results come in screen_profile's order.
    """
    ranked, changes = [], []
    for trial in trials:
        old = pieces.get(trial.id)
        if old is not None and versions.get(trial.id) == current[trial.id]:
            ranked.append((RANKS[_shown_of(old)], trial.id, old))
            continue
        result = screen(profile, trial)
        entry = fast_entry(result)
        after = entry["shown_verdict"]
        ranked.append((RANKS[after], trial.id, json.dumps(entry)))
        before = _shown_of(old) if old is not None else None
        if before != after:
            changes.append({"trial": trial.id, "before": before, "after": after,
                            "criteria": _changed_criteria(
                                json.loads(old) if old is not None else None, result)})
    for trial_id, old in pieces.items():
        if trial_id not in current and _shown_of(old) != NOT_ELIGIBLE:
            changes.append({"trial": trial_id, "before": _shown_of(old), "after": CLOSED,
                            "criteria": []})
    ranked.sort()
    best = ranked[0][0] if ranked else NO_OPEN_TRIAL
    return "[" + ", ".join(piece for _, _, piece in ranked) + "]", changes, best, ranked


def merge_changes(earlier: list | None, new: list[dict]) -> list[dict]:
    """Changes since the flag was cleared: per trial the first ``before``, the last ``after``.

    A trial that came back to where it was drops out (nothing to act on).
    """
    merged = {c["trial"]: dict(c) for c in (earlier or [])}
    for change in new:
        seen = merged.get(change["trial"])
        if seen is None:
            merged[change["trial"]] = dict(change)
            continue
        seen["after"] = change["after"]
        seen["criteria"] = list(dict.fromkeys(seen.get("criteria", []) + change["criteria"]))
    return [c for c in merged.values() if c["before"] != c["after"]]


def flag_for(changes: list[dict]) -> str | None:
    """newly_likely before no_longer_eligible (the one a coordinator acts on first)."""
    if any(c["after"] == LIKELY_ELIGIBLE for c in changes):
        return NEWLY_LIKELY
    if any(c["before"] in (LIKELY_ELIGIBLE, NEEDS_REVIEW) and c["after"] in (NOT_ELIGIBLE, CLOSED)
           for c in changes):
        return NO_LONGER_ELIGIBLE
    return None


# ---------------------------------------------------------------------------
# Every open referral
# ---------------------------------------------------------------------------

def _open_referral_ids_and_versions(after_id: int, limit: int):
    """(referral id, current screening id, versions) of open referrals, by id, one batch."""
    return db.session.execute(
        select(Referral.id, ReferralScreening.id, ReferralScreening.versions)
        .join(ReferralScreening, (ReferralScreening.referral_id == Referral.id)
              & ReferralScreening.current.is_(True))
        .where(Referral.status.in_(OPEN_STATUSES), Referral.purged_at.is_(None),
               Referral.id > after_id)
        .order_by(Referral.id).limit(limit)).all()


def rescreen_open(reason: str = "cli", *, batch: int = BATCH) -> RescreenOutcome:
    """Re-screen every open referral whose trials changed; commit per batch; audit the run.

    ``reason``: what started it (cli, sync, start-up), kept in the audit event.
    Callers hold ``rescreen_lock()`` so two runs never screen the same referral.
    """
    started = time.perf_counter()
    cat = catalog()
    cat.refresh(force=True)  # a sync that just finished, in this process or another
    trials = open_trials()
    current = {t.id: trial_version(t) for t in trials}
    as_of = cat.snapshot_date
    snapshot_date = as_of.isoformat() if as_of else None
    outcome = RescreenOutcome()
    changed_trials: set[str] = set()
    last_id = 0
    while True:
        rows = _open_referral_ids_and_versions(last_id, batch)
        if not rows:
            break
        last_id = rows[-1][0]
        outcome.checked += len(rows)
        stale = {}
        for referral_id, screening_id, versions in rows:
            differ = {t for t, v in current.items() if versions.get(t) != v}
            differ |= set(versions) - set(current)
            if differ:
                stale[referral_id] = screening_id
                changed_trials |= differ
        if stale:
            _rescreen_batch(stale, trials, current, snapshot_date, outcome)
        db.session.commit()
        db.session.expunge_all()  # a batch's objects are not kept for the whole run
    outcome.trials_changed = sorted(changed_trials)
    outcome.seconds = time.perf_counter() - started
    audit("rescreened", actor="system", reason=reason, checked=outcome.checked,
          rescreened=outcome.rescreened, newly_likely=outcome.newly_likely,
          no_longer_eligible=outcome.no_longer_eligible, trials=outcome.trials_changed)
    _store_fingerprint(criteria_fingerprint(current_app))
    db.session.commit()
    return outcome


def _rescreen_batch(stale: dict[int, int], trials, current, snapshot_date, outcome) -> None:
    """Screen the stale referrals of one batch again and write everything in bulk statements."""
    postgres = db.engine.dialect.name == "postgresql"
    rows = db.session.execute(
        select(Referral.id, Referral.profile, Referral.rescreen_flag, Referral.rescreen_changes,
               cast(ReferralScreening.results, Text), ReferralScreening.versions)
        .join(ReferralScreening, ReferralScreening.referral_id == Referral.id)
        .where(ReferralScreening.id.in_(list(stale.values())))).all()
    now = utcnow()
    screenings, candidates, referrals = [], [], []
    for referral_id, profile, flag, earlier, raw, versions in rows:
        if not profile:
            continue
        pieces = split_entries(raw, versions)
        if pieces is None:  # not laid out as written here: decode it (slower, same result)
            pieces = {e["trial"]["id"]: json.dumps(e) for e in json.loads(raw)}
        results, changes, best, ranked = rescreen_entries(profile, pieces, versions, trials,
                                                          current)
        merged = merge_changes(earlier, changes)
        new_flag = flag_for(merged)
        if new_flag != flag and new_flag == NEWLY_LIKELY:
            outcome.newly_likely += 1
        elif new_flag != flag and new_flag == NO_LONGER_ELIGIBLE:
            outcome.no_longer_eligible += 1
        screenings.append({"referral_id": referral_id, "created_at": now, "reason": "rescreen",
                           "raw_results": results, "versions": dict(current),
                           "snapshot_date": snapshot_date, "current": True})
        candidates += [{"referral_id": referral_id, "trial_id": trial_id,
                        "verdict": NEEDS_REVIEW if rank else LIKELY_ELIGIBLE}
                       for rank, trial_id, _ in ranked if rank < RANKS[NOT_ELIGIBLE]]
        referrals.append({"id": referral_id, "updated_at": now, "rescreen_flag": new_flag,
                          "rescreen_changes": merged or None, "best_rank": best})
    if not referrals:
        return
    ids = [r["id"] for r in referrals]
    db.session.execute(update(ReferralScreening)
                       .where(ReferralScreening.id.in_([stale[i] for i in ids]))
                       .values(current=False))
    # The results are JSON text already: written as they are (PostgreSQL: cast to json).
    raw_results = bindparam("raw_results", type_=Text)
    db.session.execute(insert(ReferralScreening).values(
        results=cast(raw_results, JSON) if postgres else raw_results), screenings)
    db.session.execute(delete(ReferralCandidate).where(ReferralCandidate.referral_id.in_(ids)))
    if candidates:
        db.session.execute(insert(ReferralCandidate), candidates)
    db.session.execute(update(Referral), referrals)  # bulk UPDATE by primary key
    outcome.rescreened += len(referrals)


def clear_flag(referral: Referral, user: StaffUser) -> None:
    """A coordinator has seen the re-screen's flag: clear it and its changes (audited); commits."""
    flag = referral.rescreen_flag
    referral.rescreen_flag = None
    referral.rescreen_changes = None
    referral.updated_at = utcnow()
    audit("rescreen_flag_cleared", referral=referral, user=user, flag=flag)
    db.session.commit()


# ---------------------------------------------------------------------------
# Criteria changed between deployments
# ---------------------------------------------------------------------------

def _fingerprint_of(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(list(folder.glob("*.yaml")) + list(folder.glob("*.yml"))):
        digest.update(path.name.encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def criteria_fingerprint(app: Flask) -> str:
    """The hash of the curated criteria files as the app loaded them at start."""
    found = app.extensions.get("screener.criteria_fingerprint")
    if found is None:
        found = _fingerprint_of(Path(app.config["SCREENER_CRITERIA_DIR"]))
        app.extensions["screener.criteria_fingerprint"] = found
    return found


def _stored_fingerprint() -> str | None:
    row = db.session.get(CriteriaFingerprint, 1)
    return row.fingerprint if row else None


def _store_fingerprint(fingerprint: str) -> None:
    row = db.session.get(CriteriaFingerprint, 1)
    if row is None:
        db.session.add(CriteriaFingerprint(id=1, fingerprint=fingerprint, recorded_at=utcnow()))
    else:
        row.fingerprint, row.recorded_at = fingerprint, utcnow()


def rescreen_pending() -> bool:
    """True when the criteria files changed since the open referrals were last re-screened."""
    return _stored_fingerprint() != criteria_fingerprint(current_app)


def open_referral_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Referral).where(
        Referral.status.in_(OPEN_STATUSES), Referral.purged_at.is_(None)))


def check_at_start(app: Flask) -> str:
    """At app start: re-screen now, leave pending, or nothing to do. Never fails start-up.

    Returns what happened: "current", "rescreened", "pending", "busy" (another
    worker holds the lock) or "skipped" (the database could not be read).
    """
    limit = app.config.get("SCREENER_RESCREEN_AT_START", 200)
    with app.app_context():
        fingerprint = criteria_fingerprint(app)
        try:
            if _stored_fingerprint() == fingerprint:
                return "current"
            with rescreen_lock(blocking=False) as held:
                if not held:
                    return "busy"
                if _stored_fingerprint() == fingerprint:  # another worker just did it
                    return "current"
                waiting = open_referral_count()
                if waiting == 0:
                    _store_fingerprint(fingerprint)
                    db.session.commit()
                    return "current"
                if waiting > limit:
                    log.warning("criteria files changed since the last re-screen: %d open "
                                "referrals wait; run `screener rescreen`", waiting)
                    return "pending"
                outcome = rescreen_open("start-up")
                log.info("criteria files changed: %s", outcome.summary())
                return "rescreened"
        except SQLAlchemyError as exc:
            # Failure policy: start-up goes on (e.g. migrations not applied yet,
            # SCREENER_AUTO_MIGRATE=0); `screener rescreen` can be run later.
            db.session.rollback()
            log.warning("re-screen check at start-up skipped: the database cannot be read "
                        "(%s)", type(exc).__name__)
            return "skipped"
        finally:
            db.session.remove()


@contextmanager
def rescreen_lock(*, blocking: bool = True):
    """Only one re-screen at a time, across workers and commands; yields whether it is held.

    PostgreSQL: an advisory lock (session-level, on a connection of its own);
    SQLite: a file lock in the instance folder.
    """
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect() as conn:
            if blocking:
                conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": _PG_LOCK})
                held = True
            else:
                held = bool(conn.execute(text("SELECT pg_try_advisory_lock(:k)"),
                                         {"k": _PG_LOCK}).scalar())
            conn.commit()
            try:
                yield held
            finally:
                if held:
                    conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _PG_LOCK})
                    conn.commit()
        return
    lock = Path(current_app.instance_path) / "rescreen.lock"
    with open(lock, "w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
            held = True
        except BlockingIOError:
            held = False
        try:
            yield held
        finally:
            if held:
                fcntl.flock(fh, fcntl.LOCK_UN)
