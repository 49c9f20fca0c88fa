"""The referral queue's filters, order, counts and pages, as a few indexed queries.

Order: best verdict first (``Referral.best_rank``), then the longest waiting
(oldest ``created_at``), then the id: the ``ix_referral_queue`` index. One page
of 50 costs four queries whatever the page holds: the counts per status (for
the filters without the status: the total comes from them), the page's rows,
their candidate trials and their assignees' names. No query per row.

Filters arrive as GET parameters; a value that is not one of the choices (a
hand-edited URL, a mistyped date) is dropped with a message naming it, and the
others still apply.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import and_, exists, func, not_, select
from sqlalchemy.orm import defer

from ..eligibility import LIKELY_ELIGIBLE, NEEDS_REVIEW
from ..i18n import gettext as _
from ..i18n import lazy_gettext as _l
from ..models import Referral, ReferralCandidate, StaffUser, db
from ..referrals.service import NO_OPEN_TRIAL, SOURCES, STATUSES, open_trials

PAGE_SIZE = 50

#: Verdict filter -> the best ranks it keeps (see referrals.service.RANKS).
VERDICT_RANKS = {"likely": (0,), "needs_review": (1,), "not_eligible": (2, NO_OPEN_TRIAL)}
#: Verdict filter -> the candidate verdict it keeps, when a trial is chosen.
VERDICT_CANDIDATE = {"likely": LIKELY_ELIGIBLE, "needs_review": NEEDS_REVIEW}

VERDICT_WORDS = {"likely": _l("Likely eligible"), "needs_review": _l("Needs review"),
                 "not_eligible": _l("Not eligible")}
#: best_rank -> its words in the queue.
RANK_WORDS = {0: _l("Likely eligible"), 1: _l("Needs review"), 2: _l("Not eligible"),
              NO_OPEN_TRIAL: _l("No open trial")}
STATUS_WORDS = {"new": _l("New"), "contacting": _l("Contacting"),
                "call_done": _l("Pre-screen call done"),
                "visit_scheduled": _l("Screening visit scheduled"), "enrolled": _l("Enrolled"),
                "not_eligible": _l("Not eligible"), "declined": _l("Declined"),
                "unreachable": _l("Unreachable")}
SOURCE_WORDS = {"patient": _l("Patient or family"), "physician": _l("Physician"),
                "api": _l("API")}
FLAG_WORDS = {"newly_likely": _l("Newly likely eligible"),
              "no_longer_eligible": _l("No longer eligible")}

#: A trial's verdict before and after a re-screen ("closed": no longer open).
CHANGE_WORDS = {"likely_eligible": _l("likely eligible"), "needs_review": _l("needs review"),
                "not_eligible": _l("not eligible"), "closed": _l("closed to enrollment"),
                None: _l("not screened")}


def change_line(change) -> str:
    """One re-screen change in words: "NCT…: needs review → likely eligible (criteria …)"."""
    if not isinstance(change, dict) or "trial" not in change:
        return str(change)
    words = [f"{change['trial']}: {CHANGE_WORDS.get(change.get('before'), change.get('before'))}"
             f" → {CHANGE_WORDS.get(change.get('after'), change.get('after'))}"]
    if change.get("criteria"):
        words.append(_("(criteria whose outcome changed: %(ids)s)",
                       ids=", ".join(change["criteria"])))
    return " ".join(str(w) for w in words)


FILTERS = ("trial", "verdict", "status", "source", "assignee", "flag", "received_from",
           "received_to")


@dataclass
class Filters:
    """The queue's filters, checked; ``problems`` names each value that was dropped."""

    trial: str = ""
    verdict: str = ""
    status: str = ""
    source: str = ""
    assignee: str = ""  # "" any, "me", "none" (unassigned) or a user id
    flag: str = ""
    received_from: date | None = None
    received_to: date | None = None
    raw: dict[str, str] = field(default_factory=dict)  # as typed, to show back
    problems: list[str] = field(default_factory=list)

    def used(self) -> dict[str, str]:
        """The filters that apply, name -> value (for links, the audit and the export)."""
        out = {}
        for name in FILTERS:
            value = getattr(self, name)
            if value:
                out[name] = value.isoformat() if isinstance(value, date) else str(value)
        return out


def _date(raw: str, label, problems: list[str]) -> date | None:
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        problems.append(_("%(label)s: “%(value)s” is not a date; write it as YYYY-MM-DD. "
                          "This filter was left out.", label=label, value=raw[:40]))
        return None


def parse_filters(args, user_ids: set[int]) -> Filters:
    """The queue's filters from the query string (``args``); bad values are dropped, named."""
    raw = {name: (args.get(name) or "").strip()[:64] for name in FILTERS}
    f = Filters(raw=raw)

    def choice(name: str, allowed, label) -> str:
        value = raw[name]
        if value and value not in allowed:
            f.problems.append(_("%(label)s: “%(value)s” is not one of the choices. This filter "
                                "was left out.", label=label, value=value))
            return ""
        return value

    f.trial = raw["trial"][:16]
    f.verdict = choice("verdict", VERDICT_WORDS, _("Verdict"))
    f.status = choice("status", STATUSES, _("Status"))
    f.source = choice("source", SOURCES, _("Source"))
    f.flag = choice("flag", FLAG_WORDS, _("Re-screen flag"))
    assignees = {"me", "none"} | {str(i) for i in user_ids}
    f.assignee = choice("assignee", assignees, _("Assignee"))
    f.received_from = _date(raw["received_from"], _("Received from (UTC)"), f.problems)
    f.received_to = _date(raw["received_to"], _("Received to (UTC)"), f.problems)
    if f.received_from and f.received_to and f.received_from > f.received_to:
        f.problems.append(_("Received from is after Received to: no referral can match, so "
                            "the dates were left out."))
        f.received_from = f.received_to = None
    return f


def _start_of(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def conditions(f: Filters, me: int, with_status: bool = True) -> list:
    """The WHERE conditions of the filters (``with_status=False``: for the counts per status)."""
    where = []
    if f.trial:
        candidate = and_(ReferralCandidate.referral_id == Referral.id,
                         ReferralCandidate.trial_id == f.trial)
        if f.verdict in VERDICT_CANDIDATE:
            where.append(exists().where(candidate,
                                        ReferralCandidate.verdict == VERDICT_CANDIDATE[f.verdict]))
        elif f.verdict == "not_eligible":  # not a candidate of that trial
            where.append(not_(exists().where(candidate)))
        else:
            where.append(exists().where(candidate))
    elif f.verdict:
        ranks = VERDICT_RANKS[f.verdict]
        where.append(Referral.best_rank == ranks[0] if len(ranks) == 1
                     else Referral.best_rank.in_(ranks))
    if with_status and f.status:
        where.append(Referral.status == f.status)
    if f.source:
        where.append(Referral.source == f.source)
    if f.assignee == "none":
        where.append(Referral.assignee_id.is_(None))
    elif f.assignee:
        where.append(Referral.assignee_id == (me if f.assignee == "me" else int(f.assignee)))
    if f.flag:
        where.append(Referral.rescreen_flag == f.flag)
    if f.received_from:
        where.append(Referral.created_at >= _start_of(f.received_from))
    if f.received_to:
        where.append(Referral.created_at < _start_of(f.received_to + timedelta(days=1)))
    return where


ORDER = (Referral.best_rank, Referral.created_at, Referral.id)


def status_counts(f: Filters, me: int) -> dict[str, int]:
    """Referrals per status for the filters other than the status (every status, 0 too)."""
    rows = db.session.execute(select(Referral.status, func.count()).where(
        *conditions(f, me, with_status=False)).group_by(Referral.status)).all()
    found = dict(rows)
    return {s: found.get(s, 0) for s in STATUSES}


@dataclass
class Row:
    """One line of the queue (and of the export)."""

    referral: Referral
    trials: list[str]
    assignee: str


def rows(f: Filters, me: int, limit: int | None, offset: int = 0) -> list[Row]:
    """The referrals of the filters in queue order, with candidate trials and assignee names."""
    query = (select(Referral).options(defer(Referral.profile), defer(Referral.note),
                                      defer(Referral.consent_text))
             .where(*conditions(f, me)).order_by(*ORDER))
    if limit is not None:
        query = query.limit(limit).offset(offset)
    referrals = db.session.scalars(query).all()
    ids = [r.id for r in referrals]
    trials: dict[int, list[str]] = {i: [] for i in ids}
    for start in range(0, len(ids), 1000):  # bounded IN lists for the export
        chunk = ids[start:start + 1000]
        for rid, trial in db.session.execute(
                select(ReferralCandidate.referral_id, ReferralCandidate.trial_id)
                .where(ReferralCandidate.referral_id.in_(chunk))
                .order_by(ReferralCandidate.referral_id, ReferralCandidate.verdict.desc(),
                          ReferralCandidate.trial_id)):
            trials[rid].append(trial)
    names = staff_names({r.assignee_id for r in referrals if r.assignee_id})
    return [Row(r, trials[r.id], names.get(r.assignee_id, "")) for r in referrals]


def staff_names(ids) -> dict[int, str]:
    ids = set(ids)
    if not ids:
        return {}
    return {u.id: u.name or u.email for u in db.session.scalars(
        select(StaffUser).where(StaffUser.id.in_(ids)))}


def trial_choices(chosen: str) -> list[str]:
    """Trial ids to filter by: the open trials (and the chosen one, open or not)."""
    ids = sorted({t.id for t in open_trials()})
    if chosen and chosen not in ids:
        ids.append(chosen)
    return ids


def page_numbers(page: int, pages: int) -> list[int | None]:
    """Page links: the first, the last and two either side of ``page``; None for a gap."""
    wanted = sorted({1, pages, *range(max(1, page - 2), min(pages, page + 2) + 1)})
    out: list[int | None] = []
    for n in wanted:
        if out and n - (out[-1] or 0) > 1:
            out.append(None)
        out.append(n)
    return out

