"""GET /api/v1/trials and GET /api/v1/trials/{nct_id}: the trials this service screens.

Open (no token needed), rate-limited per address like /screen. A request that sends a
bearer token anyway is checked (scope trials:read) and audited: see tokens.py.

A criterion's ``rule`` is written back in the criteria files' own rule language
(criteria/README.md): ``{"field", "op", "value"}`` leaves under ``all`` / ``any`` /
``not`` / ``at_least`` + ``of`` / ``not_screened``; null when the pre-screen does not
check the criterion at all (the study team does).
"""

from __future__ import annotations

from flask import jsonify, request

from ..eligibility import Trial
from ..eligibility.rules import Group, Leaf, Not, Unscreened
from ..security import api_limit, limiter
from ..trials.catalog import catalog
from . import bp
from .routes import NCT_ID, _error, trial_labels
from .tokens import require_token

SOURCES = ("criteria-file", "ctgov")
LIST_PARAMETERS = ("recruiting", "source")


def rule_dict(node) -> dict | None:
    """A rule node as the criteria files write it (None: not screened)."""
    if node is None:
        return None
    if isinstance(node, Leaf):
        return {"field": node.field.path, "op": node.op.name, "value": node.value}
    if isinstance(node, Not):
        return {"not": rule_dict(node.child)}
    if isinstance(node, Unscreened):
        return {"not_screened": node.what}
    if isinstance(node, Group):
        children = [rule_dict(c) for c in node.children]
        if node.kind in ("all", "any"):
            return {node.kind: children}
        return {"at_least": node.n, "of": children}
    raise TypeError(f"not a rule node: {node!r}")


def trial_summary(trial: Trial) -> dict:
    """What the list says of a trial (the detail adds its criteria)."""
    kinds = [c.kind for c in trial.criteria]
    return {
        "id": trial.id,
        "title": trial.title,
        "acronym": trial.acronym or None,
        "source": trial.source,
        **trial_labels(trial),
        "phases": list(trial.phases),
        "minimum_age": trial.minimum_age,
        "maximum_age": trial.maximum_age,
        "sex": trial.sex,
        "criteria_count": {
            "inclusion": kinds.count("inclusion"),
            "exclusion": kinds.count("exclusion"),
            "screened": sum(1 for c in trial.criteria if c.rule is not None),
        },
    }


def trial_detail(trial: Trial) -> dict:
    out = trial_summary(trial)
    out["sponsor"] = trial.sponsor or None
    out["criteria"] = [{
        "id": c.id,
        "kind": c.kind,
        "text": c.text,
        "plain": {"en": c.plain.get("en"), "es": c.plain.get("es")},
        "rule": rule_dict(c.rule),
        "note": c.note or None,
        "reviewed": not c.review,
    } for c in trial.criteria]
    return out


@bp.get("/trials")
@limiter.limit(api_limit)
@require_token("trials:read", optional=True)
def list_trials():
    """Every loaded trial (curated and registry), filtered by ?recruiting= and ?source=."""
    unexpected = sorted(set(request.args) - set(LIST_PARAMETERS))
    if unexpected:
        return _error(422, "the request has unexpected query parameters",
                      [f"{name}: is not a query parameter ({', '.join(LIST_PARAMETERS)})"
                       for name in unexpected])
    errors = []
    recruiting = request.args.getlist("recruiting")
    if len(recruiting) > 1 or (recruiting and recruiting[0] not in ("true", "false")):
        errors.append("recruiting: must be true or false")
    source = request.args.getlist("source")
    if len(source) > 1 or (source and source[0] not in SOURCES):
        errors.append(f"source: must be one of {', '.join(SOURCES)}")
    if errors:
        return _error(422, "the query parameters are not valid", errors)
    trials = catalog().all()
    if recruiting:
        trials = [t for t in trials if t.recruiting == (recruiting[0] == "true")]
    if source:
        trials = [t for t in trials if t.source == source[0]]
    return jsonify(trials=[trial_summary(t) for t in sorted(trials, key=lambda t: t.id)])


@bp.get("/trials/<nct_id>")
@limiter.limit(api_limit)
@require_token("trials:read", optional=True)
def get_trial(nct_id: str):
    """One trial with its criteria: verbatim text, plain sentences and rules."""
    if not NCT_ID.fullmatch(nct_id):
        return _error(422, "not an NCT id",
                      [f"nct_id: {nct_id!r} is not an NCT id (NCT followed by 8 digits)"])
    trial = catalog().get(nct_id)
    if trial is None:
        return _error(404, f"no trial {nct_id} is loaded",
                      [f"nct_id: no trial {nct_id} is loaded (curated or registry)"])
    return jsonify(trial_detail(trial))
