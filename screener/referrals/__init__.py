"""Referrals: a patient's answers sent to the research team, screened and kept for the desk.

``service`` holds what every entry point shares (the patient hand-off, the
physician form, the API, re-screening, purge): create a referral, screen it,
record the screening with the version of every trial's criteria, and write
audit events. Views live in ``handoff`` (patients), ``refer`` (physicians) and
``screener.staff`` (the coordinator's desk).
"""
