"""schemathesis against /api/v1/openapi.json: the API does what its document says.

In-process (WSGI, no socket), with a small bounded number of examples per operation and
mode so the suite stays quick. Every default check runs: no server error, declared status
codes, content types and response schemas, invalid requests rejected with a 4xx.
(schemathesis' pytest plugin, ``from_fixture``, fails on pytest 9, so the operations are
driven through hypothesis here.)
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from screener.api.tokens import SCOPES, new_token
from screener.models import db

EXAMPLES = 25  # per operation and mode: about five seconds in all


def _documented_unknown_trial(app) -> dict | None:
    """The 422 the OpenAPI document declares for trials that are not loaded (its example)."""
    doc = app.test_client().get("/api/v1/openapi.json").get_json()
    content = doc["paths"]["/api/v1/screen"]["post"]["responses"]["422"]["content"]
    example = content["application/json"].get("examples", {}).get("unknown_trial")
    return example["value"] if example else None


def _is_documented_unknown_trial(response, documented: dict | None) -> bool:
    """A 422 of the documented kind: the same error, every item naming a trials[i]."""
    if documented is None or response.status_code != 422:
        return False
    body = response.json()
    return body["error"] == documented["error"] and all(
        e["field"].startswith(("trials[", "trial[")) for e in body["errors"])


def _is_unreadable_bundle(case, response) -> bool:
    """A 422 for a FHIR body: the document's JSON Schema of a Bundle cannot express
    FHIR's own rules (one valid Patient, ...), which the importer checks, so a generated
    'valid' Bundle is usually no patient's record."""
    return response.status_code == 422 and (case.media_type or "").startswith(
        "application/fhir+json")


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
                         ids=lambda m: m.value)
def test_api_conforms_to_its_openapi_document(app, mode):
    """Generated requests, valid and invalid, get the answers the OpenAPI document declares.

    Requests carry a real bearer token with every scope, so generated referrals are filed,
    not stopped at 401; the token checks themselves are tested in test_tokens.py.
    """
    with app.app_context():
        _row, token = new_token("schemathesis", list(SCOPES))
        db.session.commit()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    # Sent with every request: open routes check a token sent to them, and schemathesis'
    # ignored_auth check then also proves POST /referrals refuses no token and a bad one.
    schema.config.update(headers={"Authorization": f"Bearer {token}"})
    unknown_trial = _documented_unknown_trial(app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {"/api/v1/screen", "/api/v1/trials", "/api/v1/trials/{nct_id}",
            "/api/v1/referrals", "/api/docs"} <= {op.path for op in operations}
    statuses: dict[str, set[int]] = {}
    for operation in operations:
        if mode is GenerationMode.NEGATIVE and operation.method.upper() == "GET":
            continue  # takes no input: nothing to make invalid

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck))
        def check(case):
            response = case.call()
            statuses.setdefault(case.path, set()).add(response.status_code)
            excluded = []
            if _is_documented_unknown_trial(response, unknown_trial) or \
                    _is_unreadable_bundle(case, response):
                # The documented 422 for a well-formed request naming trials that are not
                # loaded (the document cannot list them: the registry snapshot changes).
                # Any other 422 for valid data still fails positive_data_acceptance.
                excluded = [positive_data_acceptance]
            case.validate_response(response, excluded_checks=excluded)

        check()
    if mode is GenerationMode.POSITIVE:  # valid referrals were filed, with the token
        assert 201 in statuses["/api/v1/referrals"], statuses
