"""POST /api/v1/screen and its OpenAPI document."""

import json
from importlib import resources

import jsonschema

RESULT_SCHEMA = json.loads(
    resources.files("screener.schemas").joinpath("screening-result.schema.json").read_text())
CHILD = {"profile_version": 1, "age": {"years": 4, "months": 2}, "diagnosis": "b_all",
         "disease_status": "newly_diagnosed", "prior_therapies": []}


def test_screen_returns_contract_results(client):
    """A valid profile gets one contract-shaped result per loaded trial."""
    response = client.post("/api/v1/screen", json={"patient": CHILD})
    assert response.status_code == 200
    results = response.get_json()["results"]
    assert results
    for r in results:
        jsonschema.validate(r, RESULT_SCHEMA)


def test_same_answer_as_the_cli(client, tmp_path):
    """The API and `screener screen` give the same results for the same profile."""
    from click.testing import CliRunner

    from screener.cli import main

    path = tmp_path / "p.json"
    path.write_text(json.dumps(CHILD))
    cli = CliRunner().invoke(main, ["screen", "--patient", str(path), "--trial", "NCT02435849",
                                    "--json"])
    api = client.post("/api/v1/screen", json={"patient": CHILD, "trials": ["NCT02435849"]})
    assert api.get_json()["results"] == json.loads(cli.output)


def test_body_not_json_is_400(client):
    """A body that is not JSON gets 400 with a JSON error."""
    response = client.post("/api/v1/screen", data="age=4", content_type="text/plain")
    assert response.status_code == 400
    assert "JSON" in response.get_json()["error"]


def test_profile_breaking_schema_is_422_naming_the_field(client):
    """A profile that breaks the contract gets 422 naming the field."""
    response = client.post("/api/v1/screen", json={"patient": {"age": {"years": 3, "months": 14}}})
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert {"field": "patient.age.months",
            "message": "14 is greater than the maximum of 11"} in errors


def test_missing_patient_and_unknown_trial_are_422(client):
    """Request-level problems name the field too."""
    assert client.post("/api/v1/screen", json={}).get_json()["errors"] == [
        {"field": "patient", "message": "is required"}]
    response = client.post("/api/v1/screen", json={"patient": CHILD, "trials": ["NCT99999999"]})
    assert response.status_code == 422
    assert response.get_json()["errors"][0]["field"] == "trials[0]"


def test_openapi_document_describes_the_endpoint(client):
    """The OpenAPI 3.1 document names the endpoint, and its request schema accepts a real request."""
    doc = client.get("/api/v1/openapi.json").get_json()
    assert doc["openapi"].startswith("3.1")
    post = doc["paths"]["/api/v1/screen"]["post"]
    assert set(post["responses"]) >= {"200", "400", "422"}
    schema = dict(post["requestBody"]["content"]["application/json"]["schema"])
    schema["components"] = doc["components"]
    schema = json.loads(json.dumps(schema).replace("#/components", "#/components"))
    jsonschema.Draft202012Validator(schema).validate({"patient": CHILD, "trials": ["NCT02435849"]})
    bad = list(jsonschema.Draft202012Validator(schema).iter_errors({"patient": {"age": {}}}))
    assert bad


def test_results_keep_the_contract_field_order(client):
    """Fields come in the contract's order (trial, verdict, criteria, missing_answers)."""
    body = client.post("/api/v1/screen", json={"patient": CHILD}).get_data(as_text=True)
    first = body.index('"trial"')
    assert first < body.index('"verdict"') < body.index('"criteria"') < body.index('"missing_answers"')
