"""Helpers of the queue tests: referrals filed as the app files them, then aged or assigned,
and the references a queue page lists, in order."""

from __future__ import annotations

import re
from datetime import timedelta

from desk_support import profile

from screener.models import AuditEvent, Referral, db, utcnow
from screener.referrals.service import create_referral

#: A newly diagnosed child with every answer the three frontline trials read: likely eligible
#: for each (the example profiles are all "needs review" or "not eligible" at best).
LIKELY_CHILD = {
    "profile_version": 1, "age": {"years": 4, "months": 2}, "sex": "female", "diagnosis": "b_all",
    "disease_status": "newly_diagnosed", "prior_therapies": [], "down_syndrome": False,
    "location": {"zip": "11030", "country": "United States", "max_travel_miles": 50},
    "cns_status": "cns1", "philadelphia_chromosome": "negative",
    "age_at_diagnosis": {"years": 4, "months": 1},
    "performance_status": {"scale": "lansky", "score": 90}, "pregnant_or_breastfeeding": False,
    "infections": {"hiv": False, "hepatitis_b": False, "hepatitis_c": False,
                   "uncontrolled_infection": False},
    "seizure_disorder": False, "wbc_at_diagnosis_per_ul": 12000, "early_t_precursor": False,
    "genetics": {"kmt2a_rearranged": False, "ph_like": False, "etv6_runx1": True,
                 "high_hyperdiploid": False, "hypodiploid": False, "iamp21": False,
                 "tcf3_pbx1": False, "abl1_t315i": False},
    "cd19": "positive", "cd22": "positive"}


def file_referral(app, name_or_profile="child-newly-diagnosed", *, days_ago: float = 0,
                  source: str = "patient", contact: dict | None = None, **changes):
    """File a referral through ``create_referral``, then age it (``days_ago``) and set
    ``changes`` (status, assignee_id, rescreen_flag...). Returns (id, reference)."""
    given = (name_or_profile if isinstance(name_or_profile, dict)
             else profile(name_or_profile))
    with app.app_context():
        referral = create_referral(profile=given, source=source,
                                   contact=contact or {"name": "Test Family",
                                                       "phone": "555-0100"})
        referral.created_at = utcnow() - timedelta(days=days_ago)
        for key, value in changes.items():
            setattr(referral, key, value)
        db.session.commit()
        return referral.id, referral.reference


def listed(html: str) -> list[str]:
    """The references of the queue page's rows, top to bottom."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r">(R-[A-Z0-9]{8})</a>", body)


def actions(app, referral_id: int | None = None) -> list[str]:
    """The audit trail's actions, oldest first (of one referral, when given)."""
    with app.app_context():
        query = db.session.query(AuditEvent).order_by(AuditEvent.id)
        if referral_id is not None:
            query = query.filter_by(referral_id=referral_id)
        return [e.action for e in query]


def referral_row(app, referral_id: int) -> Referral:
    with app.app_context():
        row = db.session.get(Referral, referral_id)
        db.session.expunge(row)
        return row
