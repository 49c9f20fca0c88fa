"""API tokens (screener create-token / revoke-token / list-tokens) and the routes for systems:
GET /api/v1/trials, /api/v1/trials/{nct_id}, POST /api/v1/referrals."""

from __future__ import annotations

import hashlib

import pytest

from screener.api.tokens import SCOPES
from screener.cli import TOKEN_SCOPES
from screener.models import ApiToken, AuditEvent, Referral, db
from screener.trials.catalog import catalog

CHILD = {"profile_version": 1, "age": {"years": 4, "months": 2}, "diagnosis": "b_all",
         "disease_status": "newly_diagnosed", "prior_therapies": []}
REFERRAL = {"patient": CHILD,
            "contact": {"name": "Dr. Ada Lovelace", "practice": "Northside Oncology",
                        "phone": "555-0199"},
            "consent": {"text": "The parent agreed that the clinic sends these answers to "
                                "the research team.", "version": "ehr-consent-3"},
            "note": "Family prefers afternoons."}


def _create(runner, name="ehr-north", *scopes):
    result = runner.invoke(args=["create-token", name,
                                 *[a for s in (scopes or ("referrals:write",))
                                   for a in ("--scope", s)]])
    assert result.exit_code == 0, result.output
    return result.stdout.splitlines()[0]


def _bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_the_cli_and_the_api_list_the_same_scopes():
    assert set(TOKEN_SCOPES) == set(SCOPES)


def test_a_token_is_shown_once_and_stored_only_as_its_hash(app, runner):
    token = _create(runner)
    assert token.startswith("scr_") and len(token) >= 40
    with app.app_context():
        row = db.session.query(ApiToken).one()
        assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
        assert token not in (row.prefix, row.name, row.scopes) and token.startswith(row.prefix)
        assert row.scopes == "referrals:write" and row.revoked_at is None
    listing = runner.invoke(args=["list-tokens"])
    assert listing.exit_code == 0 and "ehr-north" in listing.output
    assert token not in listing.output and "active" in listing.output


@pytest.mark.parametrize("args", [["create-token", "bad name", "--scope", "referrals:write"],
                                  ["create-token", "x", "--scope", "referrals:delete"],
                                  ["create-token", "x"]])
def test_create_token_refuses_bad_input(runner, args):
    assert runner.invoke(args=args).exit_code == 2


def test_a_name_is_used_once(runner):
    _create(runner)
    assert runner.invoke(args=["create-token", "ehr-north", "--scope",
                               "trials:read"]).exit_code == 1


def test_lifecycle_create_use_revoke(app, client, runner):
    """A token files a referral; revoked (by name or prefix), it is refused with 401."""
    token = _create(runner)
    filed = client.post("/api/v1/referrals", json=REFERRAL, headers=_bearer(token))
    assert filed.status_code == 201, filed.get_json()
    revoked = runner.invoke(args=["revoke-token", token[:12]])
    assert revoked.exit_code == 0 and "revoked token ehr-north" in revoked.output
    refused = client.post("/api/v1/referrals", json=REFERRAL, headers=_bearer(token))
    assert refused.status_code == 401
    assert refused.get_json()["error"] == "the bearer token was revoked"
    assert refused.headers["WWW-Authenticate"].startswith("Bearer")
    assert "revoked" in runner.invoke(args=["list-tokens"]).output
    assert runner.invoke(args=["revoke-token", "no-such"]).exit_code == 1
    with app.app_context():
        actions = [e.action for e in db.session.query(AuditEvent).order_by(AuditEvent.id)]
    assert actions == ["token_created", "api_token_used", "referral_created", "token_revoked"]


@pytest.mark.parametrize("header", [None, "Bearer", "Bearer scr_not-a-token", "Basic abc",
                                    "Bearer two words"])
def test_no_or_a_bad_token_gets_401(client, runner, header):
    _create(runner)
    headers = {"Authorization": header} if header is not None else {}
    response = client.post("/api/v1/referrals", json=REFERRAL, headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith('Bearer realm="screener"')
    assert response.get_json()["errors"][0]["field"] == "Authorization"


def test_a_token_without_the_scope_gets_403(app, client, runner):
    token = _create(runner, "reader", "trials:read")
    response = client.post("/api/v1/referrals", json=REFERRAL, headers=_bearer(token))
    assert response.status_code == 403
    assert "insufficient_scope" in response.headers["WWW-Authenticate"]
    with app.app_context():
        assert db.session.query(Referral).count() == 0


def test_each_use_is_audited_by_name_without_content(app, client, runner):
    token = _create(runner, "ehr-north", "referrals:write", "trials:read")
    client.get("/api/v1/trials", headers=_bearer(token))
    client.post("/api/v1/referrals", json=REFERRAL, headers=_bearer(token))
    with app.app_context():
        used = db.session.query(AuditEvent).filter_by(action="api_token_used").all()
        assert [(e.actor, e.detail["route"], e.detail["method"]) for e in used] == [
            ("api:ehr-north", "/api/v1/trials", "GET"),
            ("api:ehr-north", "/api/v1/referrals", "POST")]
        assert used[0].detail["token"] == token[:12]
        text = " ".join(str(e.detail) for e in db.session.query(AuditEvent))
        assert "Lovelace" not in text and "555-0199" not in text and token not in text
        assert db.session.query(ApiToken).one().last_used_at is not None


def test_a_referral_is_filed_with_source_api(app, client, runner):
    token = _create(runner)
    response = client.post("/api/v1/referrals", json=REFERRAL, headers=_bearer(token))
    body = response.get_json()
    assert response.status_code == 201 and body["status"] == "new"
    assert body["reference"].startswith("R-") and "id" not in body
    assert body["results"] and all("shown_verdict" in r for r in body["results"])
    with app.app_context():
        referral = db.session.query(Referral).one()
        assert referral.source == "api" and referral.reference == body["reference"]
        assert referral.contact == {"physician_name": "Dr. Ada Lovelace",
                                    "practice": "Northside Oncology", "phone": "555-0199"}
        assert referral.consent_version == "ehr-consent-3" and referral.consented_at
        assert referral.note == "Family prefers afternoons."
        created = db.session.query(AuditEvent).filter_by(action="referral_created").one()
        assert created.actor == "api:ehr-north"


@pytest.mark.parametrize(("change", "field"), [
    ({"patient": None}, "patient"),
    ({"contact": {"name": "Dr. A"}}, "contact.phone"),
    ({"contact": {"phone": "555"}}, "contact.name"),
    ({"contact": {"name": " \t", "phone": "555"}}, "contact.name"),
    ({"contact": {"name": "A", "email": "nobody"}}, "contact.email"),
    ({"contact": {"name": "A", "phone": "5", "fax": "1"}}, "contact.fax"),
    ({"consent": {"text": "agreed"}}, "consent.version"),
    ({"consent": "yes"}, "consent"),
    ({"note": 3}, "note"),
    ({"language": "fr"}, "language"),
    ({"extra": 1}, "extra"),
    ({"patient": {**CHILD, "age": {"years": -1}}}, "patient.age.years"),
])
def test_referral_errors_name_the_field(client, runner, change, field):
    token = _create(runner)
    body = {k: v for k, v in {**REFERRAL, **change}.items() if v is not None}
    response = client.post("/api/v1/referrals", json=body, headers=_bearer(token))
    assert response.status_code == 422, response.get_json()
    assert field in [e["field"] for e in response.get_json()["errors"]]


def test_referral_body_must_be_json(client, runner):
    token = _create(runner)
    response = client.post("/api/v1/referrals", data="{", headers=_bearer(token),
                           content_type="application/json")
    assert response.status_code == 400
    response = client.post("/api/v1/referrals", data="x", headers=_bearer(token),
                           content_type="text/plain")
    assert response.status_code == 400
    response = client.post("/api/v1/referrals", json={}, headers=_bearer(token),
                           content_type="application/fhir+json")
    assert response.status_code == 400 and "/api/v1/screen" in response.get_json()["error"]


def test_the_trial_list_and_its_filters(app, client):
    everything = client.get("/api/v1/trials").get_json()["trials"]
    with app.app_context():
        loaded = catalog().all()
    assert sorted(t["id"] for t in everything) == sorted(t.id for t in loaded)
    open_ = client.get("/api/v1/trials?recruiting=true").get_json()["trials"]
    assert open_ and all(t["recruiting"] for t in open_)
    closed = client.get("/api/v1/trials?recruiting=false").get_json()["trials"]
    assert len(open_) + len(closed) == len(everything)
    curated = client.get("/api/v1/trials?source=criteria-file").get_json()["trials"]
    assert curated and all(t["source"] == "criteria-file" for t in curated)
    first = everything[0]
    assert set(first["criteria_count"]) == {"inclusion", "exclusion", "screened"}
    bad = client.get("/api/v1/trials?recruiting=yes&sort=id")
    assert bad.status_code == 422 and [e["field"] for e in bad.get_json()["errors"]] == ["sort"]
    assert client.get("/api/v1/trials?source=x").get_json()["errors"][0]["field"] == "source"


def test_a_trial_with_its_criteria(app, client):
    with app.app_context():
        trial = next(t for t in catalog().all() if t.source == "criteria-file")
    body = client.get(f"/api/v1/trials/{trial.id}").get_json()
    assert body["id"] == trial.id and len(body["criteria"]) == len(trial.criteria)
    for got, criterion in zip(body["criteria"], trial.criteria, strict=True):
        assert got["text"] == criterion.text and got["kind"] == criterion.kind
        assert got["plain"]["en"] == criterion.plain.get("en")
        assert (got["rule"] is None) == (criterion.rule is None)
    age = next(c for c in body["criteria"] if c["rule"] and "field" in c["rule"])
    assert set(age["rule"]) == {"field", "op", "value"}


def test_rules_are_written_back_in_the_criteria_files_language():
    from screener.api.trials import rule_dict
    from screener.eligibility.rules import build_node

    rule = {"all": [{"field": "age", "op": "age_at_least", "value": "18 Years"},
                    {"not": {"any": [{"not_screened": "organ function"},
                                     {"field": "diagnosis", "op": "in",
                                      "value": ["b_all", "t_all"]}]}},
                    {"at_least": 1, "of": [{"not_screened": "x"}, {"not_screened": "y"}]}]}
    assert rule_dict(build_node(rule)) == rule


def test_trial_errors(client):
    unknown = client.get("/api/v1/trials/NCT99999999")
    assert unknown.status_code == 404
    assert unknown.get_json()["errors"][0]["field"] == "nct_id"
    malformed = client.get("/api/v1/trials/nct123")
    assert malformed.status_code == 422
    assert malformed.get_json()["errors"][0]["field"] == "nct_id"


def test_a_token_sent_to_an_open_route_is_checked(client, runner):
    assert client.get("/api/v1/trials", headers=_bearer("scr_wrong")).status_code == 401
    token = _create(runner)  # referrals:write only
    assert client.get("/api/v1/trials", headers=_bearer(token)).status_code == 403
    assert client.get("/api/v1/trials").status_code == 200


def test_the_document_describes_every_route(app, client):
    doc = client.get("/api/v1/openapi.json").get_json()
    api_rules = {r.rule.replace("<nct_id>", "{nct_id}") for r in app.url_map.iter_rules()
                 if r.rule.startswith("/api/")}
    assert api_rules == set(doc["paths"])
    assert doc["paths"]["/api/v1/referrals"]["post"]["security"] == [
        {"bearerAuth": ["referrals:write"]}]
    assert doc["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_the_viewer_loads_only_our_own_files(client):
    page = client.get("/api/docs")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "<script>" not in html
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in html
    assert "//" not in html.replace("https://", "").split("<body")[0].replace("<!--", "")
    for path in ("/static/vendor/swagger-ui/swagger-ui-bundle.js",
                 "/static/vendor/swagger-ui/swagger-ui.css", "/static/api-docs.js"):
        with client.get(path) as response:
            assert response.status_code == 200
