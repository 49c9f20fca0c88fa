"""POST /api/v1/screen and its OpenAPI document."""

import json
from importlib import resources
from pathlib import Path

import jsonschema
import pytest

from screener import create_app
from screener.eligibility import screen
from screener.trials import snapshot
from screener.trials.catalog import catalog

RESULT_SCHEMA = json.loads(
    resources.files("screener.schemas").joinpath("screening-result.schema.json").read_text())
CHILD = {"profile_version": 1, "age": {"years": 4, "months": 2}, "diagnosis": "b_all",
         "disease_status": "newly_diagnosed", "prior_therapies": []}
#: The 96 recorded ClinicalTrials.gov ALL studies (the same as shared/ctgov/studies).
STUDIES = Path(__file__).resolve().parents[1] / "trials" / "data" / "studies"
OPEN = {"RECRUITING", "NOT_YET_RECRUITING", "ENROLLING_BY_INVITATION"}
SNAPSHOT_DATE = "2022-11-08"  # the newest record update among the recorded studies
CURATED_CLOSED = "NCT02435849"  # ELIANA: curated, ACTIVE_NOT_RECRUITING, checked 2018-05-29
REGISTRY_COMPLETED = "NCT00002738"  # registry only, COMPLETED


@pytest.fixture
def registry(app):
    """The app after `screener sync --from-dir` with the recorded studies (curated files too)."""
    with app.app_context():
        assert snapshot.sync_from_dir(STUDIES).ok
    return app


def _screen(client, **body):
    return client.post("/api/v1/screen", json={"patient": {"age": {"years": 4}}, **body})


def _inclusions_not_screened(app, trial_id, patient):
    """How many inclusion criteria the engine itself leaves not_screened for ``patient``:
    worked out from the loaded trial, not taken from an API answer."""
    with app.app_context():
        result = screen(patient, catalog().get(trial_id))
    return sum(1 for c in result.criteria if c.kind == "inclusion" and c.outcome == "not_screened")


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
    (result,) = api.get_json()["results"]
    # The API adds labels to the trial object (the contract allows extra fields); the rest is equal.
    result["trial"] = {k: result["trial"][k] for k in ("id", "title", "source")}
    assert [result] == json.loads(cli.output)


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


# -- which trials are screened: open ones by default ---------------------------------


def test_by_default_only_trials_open_to_enrollment_are_screened(registry):
    """{"age": {"years": 4}} gets results for open trials only, curated and registry alike."""
    response = _screen(registry.test_client())
    assert response.status_code == 200
    trials = [r["trial"] for r in response.get_json()["results"]]
    assert trials
    assert all(t["recruiting"] and t["status"] in OPEN for t in trials)
    assert {t["source"] for t in trials} == {"criteria-file", "ctgov"}
    ids = {t["id"] for t in trials}
    assert CURATED_CLOSED not in ids and REGISTRY_COMPLETED not in ids


def test_include_closed_screens_every_loaded_trial(registry):
    """With include_closed true, finished and not-recruiting trials are screened too."""
    client = registry.test_client()
    every = _screen(client, include_closed=True).get_json()["results"]
    assert len(every) == 96
    statuses = {r["trial"]["status"] for r in every}
    assert {"COMPLETED", "ACTIVE_NOT_RECRUITING"} <= statuses
    open_only = _screen(client, include_closed=False).get_json()["results"]
    assert open_only == [r for r in every if r["trial"]["recruiting"]]
    assert _screen(client).get_json()["results"] == open_only


def test_trials_named_in_the_request_are_screened_whatever_their_status(registry):
    """Asking for a closed trial by NCT id gets its result (no include_closed needed)."""
    response = _screen(registry.test_client(), trials=[CURATED_CLOSED, REGISTRY_COMPLETED])
    assert response.status_code == 200
    trials = [r["trial"] for r in response.get_json()["results"]]
    assert [(t["id"], t["status"], t["recruiting"]) for t in trials] == [
        (CURATED_CLOSED, "ACTIVE_NOT_RECRUITING", False), (REGISTRY_COMPLETED, "COMPLETED", False)]


@pytest.mark.parametrize("value", ["yes", 1, 0, None, [True], {"x": True}])
def test_include_closed_that_is_not_a_boolean_is_422_naming_it(client, value):
    """include_closed must be true or false; anything else is refused, naming the field."""
    response = _screen(client, include_closed=value)
    assert response.status_code == 422
    (error,) = response.get_json()["errors"]
    assert error["field"] == "include_closed" and "true or false" in error["message"]


def test_unknown_request_fields_are_still_422_naming_them(client):
    """A misspelt include_closed is not silently ignored."""
    response = _screen(client, include_closd=True)
    assert response.status_code == 422
    (error,) = response.get_json()["errors"]
    assert error["field"] == "include_closd"
    assert "include_closed" in error["message"]  # the message lists the real fields


def _post_raw(client, body: str):
    return client.post("/api/v1/screen", data=body, content_type="application/json")


def test_a_huge_therapy_list_gets_a_short_422_naming_the_field(client):
    """A 0.5 MB profile with 100,000 prior therapies is refused naming the field and the limit,
    in a small answer (it used to take seconds and answer megabytes of errors)."""
    body = json.dumps({"patient": {"prior_therapies": ["x"] * 100_000}})
    assert len(body) >= 500_000
    response = _post_raw(client, body)
    assert response.status_code == 422
    assert len(response.data) < 20_000
    assert {"field": "patient.prior_therapies",
            "message": "has 100000 items; at most 100"} in response.get_json()["errors"]


def test_a_huge_string_gets_a_short_422_naming_the_field(client):
    """A ZIP code of a million digits is refused as too long, in a small answer."""
    response = client.post("/api/v1/screen", json={"patient": {"location": {"zip": "1" * 10**6}}})
    assert response.status_code == 422
    assert len(response.data) < 20_000
    assert {"field": "patient.location.zip",
            "message": "is 1000000 characters long; at most 5"} in response.get_json()["errors"]


def test_many_problems_are_listed_up_to_twenty(client):
    """100 broken therapies: the answer lists the first 20 problems and says there are more."""
    therapies = [{"therapy": f"unknown-{i}"} for i in range(100)]
    response = client.post("/api/v1/screen", json={"patient": {"prior_therapies": therapies}})
    assert response.status_code == 422
    data = response.get_json()
    assert len(data["errors"]) == 20
    assert data["errors"][0]["field"] == "patient.prior_therapies[0].therapy"
    assert "first 20" in data["error"]


def test_thousands_of_unexpected_fields_get_a_short_422(client):
    """100,000 made-up request fields are refused in a small answer naming some of them."""
    body = {"patient": {}, **{f"field{i}": 1 for i in range(100_000)}}
    response = client.post("/api/v1/screen", json=body)
    assert response.status_code == 422
    assert len(response.data) < 20_000
    data = response.get_json()
    assert len(data["errors"]) == 20 and data["errors"][0]["field"].startswith("field")


@pytest.mark.parametrize("body", ["[" * 100_000, "[" * 5_000 + "]" * 5_000,
                                  '{"patient": {"age": ' + "[" * 40 + "]" * 40 + "}}"])
def test_deeply_nested_json_is_400_saying_so(client, body):
    """JSON nested deeper than any profile (past the parser's limit, or just past ours) gets a
    400 JSON answer saying so, never a server error."""
    response = _post_raw(client, body)
    assert response.status_code == 400
    assert response.get_json()["error"] == "the JSON is nested too deeply (at most 32 levels)"


# -- labels on each result's trial ---------------------------------------------------


def test_registry_results_carry_status_date_link_and_note(registry):
    """A registry trial says its status, when it was checked, its link and that it was auto-read."""
    (result,) = _screen(registry.test_client(), trials=[REGISTRY_COMPLETED]).get_json()["results"]
    jsonschema.validate(result, RESULT_SCHEMA)
    record = json.loads((STUDIES / f"{REGISTRY_COMPLETED}.json").read_text(encoding="utf-8"))
    unchecked = _inclusions_not_screened(registry, REGISTRY_COMPLETED, {"age": {"years": 4}})
    assert unchecked > 0  # a record whose eligibility text is partly unread
    assert result["trial"] == {
        "id": REGISTRY_COMPLETED,
        "title": record["protocolSection"]["identificationModule"]["briefTitle"],
        "source": "ctgov",
        "status": "COMPLETED", "status_checked": SNAPSHOT_DATE, "recruiting": False,
        "url": f"https://clinicaltrials.gov/study/{REGISTRY_COMPLETED}",
        "inclusions_not_screened": unchecked,
        # unread inclusions: a "likely" here would not be fully checked
        "fully_checked": result["verdict"] != "likely_eligible",
        "note": f"Criteria read automatically from ClinicalTrials.gov on {SNAPSHOT_DATE} "
                "— the study team confirms",
    }


def test_curated_results_carry_the_latest_status_and_date(registry):
    """A curated trial (its file checked 2018-05-29) carries the status and date of the newer
    snapshot check, with its link; its criteria stay the file's."""
    (result,) = _screen(registry.test_client(), trials=[CURATED_CLOSED]).get_json()["results"]
    jsonschema.validate(result, RESULT_SCHEMA)
    trial = result["trial"]
    assert trial["source"] == "criteria-file"
    with registry.app_context():
        as_of = snapshot.state().as_of.isoformat()
    assert as_of > "2018-05-29"
    assert (trial["status"], trial["status_checked"], trial["recruiting"]) == (
        "ACTIVE_NOT_RECRUITING", as_of, False)
    assert trial["url"] == f"https://clinicaltrials.gov/study/{CURATED_CLOSED}"
    assert "note" not in trial


def test_every_result_stays_valid_against_the_contract(registry):
    """With the extra trial fields every result still validates, verdicts unchanged in kind."""
    for r in _screen(registry.test_client(), include_closed=True).get_json()["results"]:
        jsonschema.validate(r, RESULT_SCHEMA)
        assert list(r) == ["trial", "verdict", "criteria", "missing_answers"]
        assert list(r["trial"])[:3] == ["id", "title", "source"]


# -- trial ids -----------------------------------------------------------------------


@pytest.mark.parametrize("bad", ["abc", "NCT1234567", "nct02435849", "NCT024358490",
                                 "NCT02435849\n", " NCT02435849"])
def test_a_malformed_trial_id_is_422_saying_it_is_not_an_nct_id(client, bad):
    """A request for trial "abc" is refused as not an NCT id, not as a trial not loaded."""
    response = _screen(client, trials=["NCT02435849", bad])
    assert response.status_code == 422
    (error,) = response.get_json()["errors"]
    assert error["field"] == "trials[1]"
    assert "is not an NCT id" in error["message"] and "loaded" not in error["message"]


def test_a_well_formed_unknown_nct_id_says_it_is_not_loaded(client):
    """An NCT id the service does not know keeps its message."""
    response = _screen(client, trials=["NCT99999999"])
    assert response.status_code == 422
    assert response.get_json()["errors"] == [
        {"field": "trials[0]", "message": "no trial NCT99999999 is loaded"}]


# -- errors under /api/ are JSON -----------------------------------------------------


def _json_error(response, status):
    assert response.status_code == status
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert isinstance(body["error"], str) and body["error"]
    return body


def test_a_wrong_method_under_api_is_json_405(client):
    """GET /api/v1/screen answers 405 in JSON, saying to use POST (Allow header kept)."""
    response = client.get("/api/v1/screen")
    assert "POST" in _json_error(response, 405)["error"]
    assert "POST" in response.headers["Allow"]
    assert "GET" in _json_error(client.post("/api/v1/openapi.json"), 405)["error"]


def test_a_body_over_the_limit_under_api_is_json_413(client):
    """A 3 MB body answers 413 in JSON."""
    response = client.post("/api/v1/screen", data=b" " * 3_000_000,
                           content_type="application/json")
    assert "too large" in _json_error(response, 413)["error"]


def test_an_unknown_api_address_is_json_404(client):
    _json_error(client.get("/api/v2/screen"), 404)
    _json_error(client.post("/api/v1/screen/"), 404)


def test_an_internal_error_under_api_is_json_500(app, monkeypatch):
    """An unexpected failure answers 500 in JSON and says nothing was stored."""
    import screener.api.routes as routes

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(routes, "screen", broken)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().post("/api/v1/screen", json={"patient": CHILD})
    body = _json_error(response, 500)
    assert "boom" not in body["error"]


def test_too_many_requests_under_api_is_json_429(tmp_path):
    """Past the API rate limit the answer is JSON 429 with Retry-After."""
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SCREENER_RATE_LIMITS": True,
                      "SCREENER_API_RATE_LIMIT": "1 per minute",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'r.db'}"})
    client = app.test_client()
    assert _screen(client).status_code == 200
    response = _screen(client)
    _json_error(response, 429)
    assert int(response.headers["Retry-After"]) > 0


def test_errors_outside_api_stay_html_pages(client):
    """The JSON errors are for /api/ only: the site's pages keep their HTML error pages."""
    for response, status in ((client.post("/"), 405),
                             (client.get("/no/such/page"), 404),
                             (client.post("/screen/start", data=b"x" * 3_000_000,
                                          content_type="application/x-www-form-urlencoded"),
                              413)):
        assert response.status_code == status
        assert response.mimetype == "text/html"


# -- the OpenAPI document ------------------------------------------------------------


def _with_components(schema, doc):
    return {**schema, "components": doc["components"]}


def test_openapi_describes_registry_trials_the_open_filter_and_json_errors(registry):
    """The document says what the API does now, and a real response validates against it."""
    client = registry.test_client()
    doc = client.get("/api/v1/openapi.json").get_json()
    post = doc["paths"]["/api/v1/screen"]["post"]
    words = (post["summary"] + " " + post["description"] + " " + doc["info"]["description"])
    for phrase in ("curated", "registry", "open to enrollment", "include_closed"):
        assert phrase in words, phrase
    assert post["summary"] != "Screen one patient against curated trials"
    assert set(post["responses"]) >= {"200", "400", "405", "413", "422", "429"}
    for code in ("400", "405", "413", "422", "429"):
        assert post["responses"][code]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/Error"}

    request_schema = _with_components(
        post["requestBody"]["content"]["application/json"]["schema"], doc)
    validator = jsonschema.Draft202012Validator(request_schema)
    validator.validate({"patient": CHILD, "include_closed": True})
    assert not validator.is_valid({"patient": CHILD, "include_closed": "yes"})
    assert not validator.is_valid({"patient": CHILD, "trials": ["abc"]})

    labels = doc["components"]["schemas"]["TrialLabels"]["properties"]
    assert set(labels) == {"status", "status_checked", "recruiting", "url", "note",
                           "inclusions_not_screened", "fully_checked"}
    response_schema = _with_components(
        post["responses"]["200"]["content"]["application/json"]["schema"], doc)
    body = _screen(client, include_closed=True).get_json()
    jsonschema.Draft202012Validator(response_schema).validate(body)
    body["results"][0]["trial"]["recruiting"] = "yes"
    assert not jsonschema.Draft202012Validator(response_schema).is_valid(body)


def test_each_result_says_how_many_inclusions_could_not_be_checked(registry):
    """A 'likely' on age alone is told apart: the count of unchecked inclusions comes with it."""
    patient = {"profile_version": 1, "age": {"years": 15}, "diagnosis": "t_all",
               "disease_status": "refractory", "relapse_count": 0}
    response = registry.test_client().post("/api/v1/screen",
                                           json={"patient": patient, "include_closed": True})
    results = response.get_json()["results"]
    assert len(results) == 96
    for result in results:
        jsonschema.validate(result, RESULT_SCHEMA)
        trial_id = result["trial"]["id"]
        assert result["trial"]["inclusions_not_screened"] == _inclusions_not_screened(
            registry, trial_id, patient), trial_id
    thin = [r for r in results if r["verdict"] == "likely_eligible" and r["trial"]["source"]
            == "ctgov" and r["trial"]["inclusions_not_screened"] > 0]
    assert thin, "registry trials 'likely' with unread inclusions exist in this corpus"


@pytest.mark.parametrize(("body", "where"), [
    ('{"patient": {"age": ', "line 1, column 21"),
    ('{\n  "patient": {\n    "age": {"years": 4,}\n  }\n}', "line 3, column 24"),
    ("", "line 1, column 1"),
])
def test_malformed_json_is_400_saying_where(client, body, where):
    """A body sent as JSON that does not parse is called malformed, with the parser's place."""
    response = client.post("/api/v1/screen", data=body, content_type="application/json")
    assert response.status_code == 400
    answer = response.get_json()
    assert "malformed" in answer["error"] and "Content-Type" not in answer["error"]
    assert where in answer["error"]
    assert answer["errors"] and answer["errors"][0]["field"] == "(body)"
    assert where in answer["errors"][0]["message"]


def _request_schema(client):
    doc = client.get("/api/v1/openapi.json").get_json()
    schema = dict(doc["paths"]["/api/v1/screen"]["post"]["requestBody"]["content"][
        "application/json"]["schema"])
    schema["components"] = doc["components"]
    return jsonschema.Draft202012Validator(schema)


def test_openapi_request_schema_refuses_what_the_api_refuses(client):
    """An ECOG score above 5 is refused by the API (422), so the document says it is invalid."""
    body = {"patient": {"performance_status": {"scale": "ecog", "score": 18}}}
    assert client.post("/api/v1/screen", json=body).status_code == 422
    assert list(_request_schema(client).iter_errors(body))
    fine = {"patient": {"performance_status": {"scale": "karnofsky", "score": 80}}}
    assert not list(_request_schema(client).iter_errors(fine))


def test_openapi_declares_the_422_for_an_unknown_trial(client):
    """The document's 422 example for trials that are not loaded is what the API answers."""
    doc = client.get("/api/v1/openapi.json").get_json()
    example = doc["paths"]["/api/v1/screen"]["post"]["responses"]["422"]["content"][
        "application/json"]["examples"]["unknown_trial"]["value"]
    response = client.post("/api/v1/screen", json={"patient": CHILD, "trials": ["NCT99999999"]})
    assert response.status_code == 422
    assert response.get_json() == example


def _cli_ids(app, tmp_path, *options):
    """Trial ids `screener screen --all` screens, on the app's database (as a script would)."""
    from click.testing import CliRunner

    from screener.cli import main

    path = tmp_path / "p.json"
    path.write_text(json.dumps(CHILD))
    env = {"DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"], "SECRET_KEY": "test-secret"}
    result = CliRunner().invoke(main, ["screen", "--patient", str(path), "--all", "--json",
                                       *options], env=env)
    assert result.exit_code == 0, result.output
    return [r["trial"]["id"] for r in json.loads(result.stdout)]


@pytest.mark.parametrize("include_closed", [False, True], ids=["open", "include_closed"])
def test_cli_all_and_the_api_screen_the_same_trials(registry, tmp_path, include_closed):
    """With a registry snapshot loaded, `screen --all` and the API screen the same trial ids,
    curated and registry alike (open ones by default; every one with include_closed)."""
    api = registry.test_client().post("/api/v1/screen", json={
        "patient": CHILD, "include_closed": include_closed}).get_json()["results"]
    api_ids = [r["trial"]["id"] for r in api]
    cli_ids = _cli_ids(registry, tmp_path, *(["--include-closed"] if include_closed else []))
    assert cli_ids == api_ids
    sources = {r["trial"]["source"] for r in api}
    assert sources == {"criteria-file", "ctgov"}
    assert (REGISTRY_COMPLETED in cli_ids) is include_closed
    assert (CURATED_CLOSED in cli_ids) is include_closed


def test_the_api_gives_the_new_readings_of_a_registry_trial(registry):
    """ZUMA-4 (NCT02625480, registry only): an uncontrolled infection, read from 'Presence or
    suspicion of ... infection that is uncontrolled', rules a patient out, and says why."""
    patient = {"profile_version": 1, "age": {"years": 15}, "diagnosis": "b_all",
               "disease_status": "relapsed", "relapse_count": 2,
               "infections": {"uncontrolled_infection": True}}
    (result,) = _screen(registry.test_client(), patient=patient,
                        trials=["NCT02625480"]).get_json()["results"]
    jsonschema.validate(result, RESULT_SCHEMA)
    infection = next(c for c in result["criteria"] if c["text"].startswith("Presence or "
                                                                           "suspicion"))
    assert infection["outcome"] == "not_met" and result["verdict"] == "not_eligible"
    assert "infection that is not under control" in infection["because"]
