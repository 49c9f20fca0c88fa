"""The ClinicalTrials.gov client: spec-valid requests, paging, pacing, retries and timeouts."""

import pytest
import requests
from fake_ctgov import nct, request_problems, response, shared_studies

from screener.trials.ctgov import (
    ALL_CONDITION_QUERY,
    STUDY_FIELDS,
    CtgovClient,
    CtgovError,
    GeocodeError,
    age_filter,
    geo_filter,
    search_params,
    zip_to_point,
)


class FakeTime:
    """A clock that only moves when the client sleeps, recording each sleep."""

    def __init__(self):
        self.now = 1000.0
        self.sleeps = []
        self.starts = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds


def make_client(fake, time=None, **kwargs):
    time = time or FakeTime()
    options = {"sleep": time.sleep, "clock": time.clock, "jitter": lambda: 0.0,
               "connect_timeout": 2.0, "read_timeout": 2.0}
    options.update(kwargs)
    return CtgovClient(fake.base_url, **options)


def query(params):
    return {k: [v] for k, v in params.items()}


@pytest.mark.parametrize("options", [
    {},
    {"statuses": None},
    {"statuses": ("RECRUITING", "NOT_YET_RECRUITING", "ENROLLING_BY_INVITATION")},
    {"zip_code": "10001", "miles": 50},
    {"zip_code": "94305-1234", "miles": 12.5},
    {"age_years": 16},
    {"age_years": 0.75},
    {"since": "2026-11-01"},
    {"age_years": 30, "since": "2026-01-31", "zip_code": "60601"},
], ids=lambda o: ",".join(o) or "defaults")
def test_search_parameters_are_valid_against_the_spec(options):
    """Every combination of filters builds a /studies query the OpenAPI document accepts."""
    assert request_problems("/studies", query(search_params(**options))) == []


def test_the_checker_catches_requests_the_spec_rejects():
    """The spec check itself fails bad values (status enum, geo pattern, fields, unknown names)."""
    bad = {
        "filter.overallStatus": ["RECRUITING|OPEN"],
        "filter.geo": ["distance(40.7,-73.9,50 miles)"],
        "pageSize": ["-1"],
        "fields": [""],
        "query.condition": ["leukemia"],
    }
    problems = request_problems("/studies", bad)
    assert len(problems) == 5, problems
    assert request_problems("/studies/NCT-1", {}) != []


def test_default_query_asks_for_all_recruiting_and_not_yet_recruiting_with_limited_fields():
    """The default search names ALL and synonyms, the two open statuses, 1000 a page, our fields."""
    params = search_params()
    assert params["query.cond"] == ALL_CONDITION_QUERY
    assert '"acute lymphoblastic leukemia"' in params["query.cond"]
    assert '"acute lymphocytic leukemia"' in params["query.cond"]
    assert params["filter.overallStatus"].split("|") == ["RECRUITING", "NOT_YET_RECRUITING"]
    assert params["pageSize"] == "1000"
    assert params["fields"].split("|") == list(STUDY_FIELDS)
    assert "ResultsSection" not in params["fields"]


def test_zip_codes_are_placed_offline():
    """A ZIP becomes the distance() filter around its coordinates; bad ZIPs are refused."""
    lat, lon = zip_to_point("10001")
    assert 40 < lat < 41 and -75 < lon < -73
    assert geo_filter("10001", 50) == f"distance({lat:.4f},{lon:.4f},50mi)"
    with pytest.raises(GeocodeError):
        zip_to_point("1000")
    with pytest.raises(GeocodeError):
        zip_to_point("00000")
    with pytest.raises(ValueError):
        geo_filter("10001", 0)


def test_age_filter_keeps_studies_without_limits_and_never_rounds_up():
    """The age clause keeps studies with no stated limit; 9 months is written as 9 months."""
    clause = age_filter(16)
    assert "AREA[MinimumAge]RANGE[MIN, 16 years]" in clause
    assert "AREA[MaximumAge]RANGE[16 years, MAX]" in clause
    assert "AREA[MinimumAge]MISSING" in clause and "AREA[MaximumAge]MISSING" in clause
    assert "RANGE[MIN, 9 months]" in age_filter(0.8)
    with pytest.raises(ValueError):
        age_filter(-1)


def test_all_pages_are_fetched_and_every_request_is_valid(fake_api):
    """With 10 a page the client follows nextPageToken through all 96 studies, all spec-valid."""
    fake_api.page_size = 10
    client = make_client(fake_api)
    got = [nct(s) for s in client.studies(statuses=None)]
    assert sorted(got) == sorted(nct(s) for s in shared_studies())
    assert len(set(got)) == len(got) == 96
    assert len(fake_api.paths("/studies")) == 10
    assert fake_api.problems == []


def test_later_pages_repeat_the_first_pages_parameters(fake_api):
    """Each page request is the first one plus pageToken (the spec requires the same parameters)."""
    fake_api.page_size = 40
    list(make_client(fake_api).studies(statuses=None, age_years=12))
    pages = [args for path, args in fake_api.received if path == "/studies"]
    assert len(pages) == 3
    first = {k: v for k, v in pages[0].items() if k != "countTotal"}
    for later in pages[1:]:
        assert {k: v for k, v in later.items() if k != "pageToken"} == first
        assert later["pageToken"]


def test_single_study_and_version(fake_api):
    """GET /studies/{nctId} returns the record; /version gives the data timestamp."""
    client = make_client(fake_api)
    assert nct(client.study("NCT02435849")) == "NCT02435849"
    assert client.version().data_timestamp == fake_api.data_timestamp
    assert fake_api.problems == []
    with pytest.raises(ValueError):
        client.study("NCT-02435849")


def test_no_more_than_one_request_a_second(fake_api):
    """Requests the client starts on its own (paging) are spaced one second apart or more."""
    fake_api.page_size = 20
    time = FakeTime()
    starts = []
    client = make_client(fake_api, time)
    real_get = client.session.get

    def timed_get(*args, **kwargs):
        starts.append(time.now)
        return real_get(*args, **kwargs)

    client.session.get = timed_get
    client.version()
    list(client.studies(statuses=None))
    assert len(starts) == 6
    assert all(b - a >= 1.0 for a, b in zip(starts, starts[1:], strict=False))


def test_429_is_retried_after_the_time_the_server_asks(fake_api):
    """A 429 with Retry-After: 7 makes the client wait at least 7 s, then succeed."""
    fake_api.fail("/version", "429", retry_after="7")
    time = FakeTime()
    assert make_client(fake_api, time).version().api_version == "2.0.5"
    assert len(fake_api.paths("/version")) == 2
    assert max(time.sleeps) >= 7


@pytest.mark.parametrize("status", ["500", "503"])
def test_server_errors_are_retried_three_times_with_exponential_backoff(fake_api, status):
    """A server that keeps failing gets 1 + 3 attempts, 1, 2 and 4 s apart, then an error."""
    fake_api.fail("/version", status, times=10)
    time = FakeTime()
    with pytest.raises(CtgovError, match=f"HTTP {status}.*gave up after 4 attempts"):
        make_client(fake_api, time).version()
    assert len(fake_api.paths("/version")) == 4
    assert time.sleeps == [1.0, 2.0, 4.0]


def test_backoff_has_jitter():
    """Backoff adds up to one backoff unit of random jitter, so clients do not retry in step."""
    time = FakeTime()
    session = requests.Session()
    session.get = lambda *a, **k: (_ for _ in ()).throw(requests.ConnectionError("refused"))
    client = CtgovClient("http://127.0.0.1:9", session=session, sleep=time.sleep,
                         clock=time.clock, jitter=lambda: 0.5)
    with pytest.raises(CtgovError, match="could not connect"):
        client.version()
    assert time.sleeps == [1.5, 2.5, 4.5]


def test_a_brief_outage_is_ridden_out(fake_api):
    """Two 503s then a good answer: the caller never notices."""
    fake_api.fail("/studies", "503", times=2)
    assert len(list(make_client(fake_api).studies(statuses=None))) == 96


@pytest.mark.parametrize("status", ["403", "404"])
def test_client_errors_are_never_retried(fake_api, status):
    """403 and 404 are answered once and not asked again."""
    fake_api.fail("/studies/NCT02435849", status, times=10)
    with pytest.raises(CtgovError, match=f"HTTP {status}.*not retried") as caught:
        make_client(fake_api).study("NCT02435849")
    assert caught.value.status == int(status)
    assert len(fake_api.paths("/studies/")) == 1


def test_400_is_never_retried():
    """A 400 Bad Request is never retried (the same request would fail the same way)."""
    calls = []

    def get(url, **kwargs):
        calls.append(url)
        response = requests.Response()
        response.status_code = 400
        response.reason = "Bad Request"
        return response

    session = requests.Session()
    session.get = get
    client = CtgovClient("http://127.0.0.1:9", session=session, sleep=lambda s: None)
    with pytest.raises(CtgovError, match="HTTP 400"):
        client.version()
    assert len(calls) == 1


def test_a_retry_after_longer_than_we_wait_fails_at_once(fake_api):
    """A server asking for an hour's pause gets a failure now, not a hung sync."""
    fake_api.fail("/version", "429", retry_after="3600")
    time = FakeTime()
    with pytest.raises(CtgovError, match="asked to wait 3600 s"):
        make_client(fake_api, time).version()
    assert time.sleeps == []


def test_every_call_has_connect_and_read_timeouts():
    """Each GET carries both a connect and a read timeout."""
    seen = []

    def get(url, **kwargs):
        seen.append(kwargs.get("timeout"))
        raise requests.ConnectTimeout("slow")

    session = requests.Session()
    session.get = get
    client = CtgovClient("http://127.0.0.1:9", session=session, connect_timeout=3,
                         read_timeout=20, sleep=lambda s: None)
    with pytest.raises(CtgovError, match="timed out"):
        client.version()
    assert seen == [(3, 20)] * 4


def test_a_stalled_read_times_out_and_is_retried(fake_api):
    """A server that stops answering is abandoned after the read timeout, then retried."""
    fake_api.fail("/version", "stall")
    client = make_client(fake_api, read_timeout=0.5)
    assert client.version().api_version == "2.0.5"
    assert len(fake_api.paths("/version")) == 2


@pytest.mark.parametrize(("kind", "message"), [
    ("html", "expected JSON, got text/html"),
    ("truncated", "JSON body is broken or cut short"),
])
def test_bodies_that_are_not_our_json_are_errors(fake_api, kind, message):
    """HTML or cut-off JSON with a 200 is reported, never parsed as if it were a page."""
    fake_api.fail("/studies", kind)
    with pytest.raises(CtgovError, match=message):
        list(make_client(fake_api).studies())


def test_real_recorded_pages_are_followed_by_their_tokens(fake_api):
    """Real /studies pages, chained by their real nextPageToken, end at an empty last page."""
    first = response("biomcp-search_phelan_limit5_20260811.json")
    second = response("biomcp-search_phelan_next_20260811.json")
    fake_api.recorded_pages = {None: first, first["nextPageToken"]: second}
    got = [nct(s) for s in make_client(fake_api).studies()]
    assert got == [nct(s) for s in first["studies"] + second["studies"]]
    tokens = [args.get("pageToken") for path, args in fake_api.received if path == "/studies"]
    assert tokens == [None, [first["nextPageToken"]], [second["nextPageToken"]]]
    assert fake_api.problems == []


def test_real_single_study_records_are_read_whole(fake_api):
    """Real /studies/{id} bodies, results and derived sections included, come back as sent."""
    full = response("aact-fixture-NCT00763412.json")
    fake_api.studies = [full, response("biomcp-get_nct02576665_20260811.json")]
    client = make_client(fake_api)
    assert client.study("NCT00763412") == full
    assert nct(client.study("NCT02576665")) == "NCT02576665"
