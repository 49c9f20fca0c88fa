"""Per-address rate limits on the API and on form posts; counters shared through real Redis."""

import logging
import os
import socket
import threading
import time
import uuid

import pytest

from screener import create_app
from screener.models import WizardDraft, db

CHILD = {"profile_version": 1, "age": {"years": 4}}
REDIS_URL = os.environ.get("TESTING_REDIS_URL", "redis://127.0.0.1:6379/15")


def limited_app(tmp_path, **config):
    tmp_path.mkdir(parents=True, exist_ok=True)
    return create_app({"TESTING": True, "SECRET_KEY": "x",
                       "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'r.db'}",
                       "SCREENER_RATE_LIMITS": True, **config})


def test_api_limit_answers_429_in_json(tmp_path):
    """Past the API limit a client gets 429 with a JSON error and a Retry-After header."""
    client = limited_app(tmp_path, SCREENER_API_RATE_LIMIT="3 per minute").test_client()
    codes = [client.post("/api/v1/screen", json={"patient": CHILD}).status_code for _ in range(3)]
    assert codes == [200, 200, 200]
    refused = client.post("/api/v1/screen", json={"patient": CHILD})
    assert refused.status_code == 429
    assert "wait a minute" in refused.get_json()["error"]
    assert int(refused.headers["Retry-After"]) > 0


def test_limits_are_per_client_address(tmp_path):
    """Another address still gets through when one is over its limit."""
    client = limited_app(tmp_path, SCREENER_API_RATE_LIMIT="1 per minute").test_client()
    assert client.post("/api/v1/screen", json={"patient": CHILD}).status_code == 200
    assert client.post("/api/v1/screen", json={"patient": CHILD}).status_code == 429
    other = client.post("/api/v1/screen", json={"patient": CHILD},
                        environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert other.status_code == 200


def test_behind_a_proxy_the_forwarded_address_counts(tmp_path):
    """With SCREENER_PROXY_HOPS=1 two visitors behind one proxy have their own limits."""
    client = limited_app(tmp_path, SCREENER_API_RATE_LIMIT="1 per minute",
                         SCREENER_PROXY_HOPS=1).test_client()
    for visitor in ("198.51.100.1", "198.51.100.2"):
        response = client.post("/api/v1/screen", json={"patient": CHILD},
                               headers={"X-Forwarded-For": visitor})
        assert response.status_code == 200, visitor


def test_form_limit_keeps_the_answers(tmp_path):
    """A refused wizard post shows a plain 'wait a moment' page and loses nothing stored."""
    app = limited_app(tmp_path, SCREENER_FORM_RATE_LIMIT="2 per minute")
    client = app.test_client()
    page = client.get("/")
    token = page.get_data(as_text=True).split('name="csrf_token" value="')[1].split('"')[0]
    assert client.post("/screen/start", data={"csrf_token": token}).status_code == 302
    assert client.post("/screen/step/who", data={"csrf_token": token, "action": "next",
                                                 "who": "parent"}).status_code == 302
    refused = client.post("/screen/step/age", data={"csrf_token": token, "action": "next",
                                                    "years": "4", "sex": "female"})
    assert refused.status_code == 429
    assert "Your answers so far are kept" in refused.get_data(as_text=True)
    with app.app_context():
        (draft,) = db.session.scalars(db.select(WizardDraft)).all()
        assert draft.answers["who"] == {"who": ["parent"]}


@pytest.fixture
def redis_url():
    """The real Redis server (TESTING_REDIS_URL or 127.0.0.1:6379/15)."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError as exc:  # never a skip (tests/conftest.py)
        pytest.fail(f"Redis at {REDIS_URL} is unreachable: {exc}; start it, or leave the "
                    'Redis tests out: -m "not redis"', pytrace=False)
    return REDIS_URL


@pytest.mark.redis
def test_workers_share_counters_through_redis(tmp_path, redis_url):
    """Two app processes on one Redis share one limit: what one counted, the other sees."""
    prefix = f"test-{uuid.uuid4().hex}"  # a private key space for this run
    common = {"REDIS_URL": redis_url, "SCREENER_API_RATE_LIMIT": "2 per minute",
              "RATELIMIT_KEY_PREFIX": prefix}
    first = limited_app(tmp_path / "a", **common).test_client()
    second = limited_app(tmp_path / "b", **common).test_client()
    assert first.post("/api/v1/screen", json={"patient": CHILD}).status_code == 200
    assert second.post("/api/v1/screen", json={"patient": CHILD}).status_code == 200
    assert first.post("/api/v1/screen", json={"patient": CHILD}).status_code == 429
    import redis

    client = redis.Redis.from_url(redis_url)
    keys = client.keys(f"*{prefix}*")
    assert keys  # the counters really live in Redis
    client.delete(*keys)


def test_an_unreachable_redis_never_blocks_a_request(tmp_path):
    """With the counter store down, requests are still served (counted in memory)."""
    client = limited_app(tmp_path, REDIS_URL="redis://127.0.0.1:1/0",
                         SCREENER_API_RATE_LIMIT="5 per minute").test_client()
    assert client.post("/api/v1/screen", json={"patient": CHILD}).status_code == 200


def _warnings(caplog):
    return [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_a_closed_redis_port_is_survived_and_said_once(tmp_path, caplog):
    """With nothing listening at REDIS_URL, requests answer at once and one warning says so."""
    app = limited_app(tmp_path, REDIS_URL="redis://:secret@127.0.0.1:1/0",
                      SCREENER_API_RATE_LIMIT="5 per minute")
    client = app.test_client()
    caplog.set_level(logging.INFO)
    for _ in range(5):
        start = time.monotonic()
        assert client.post("/api/v1/screen", json={"patient": CHILD}).status_code == 200
        assert time.monotonic() - start < 1.0
    # Fail open, counted in this process: the sixth request is still over the limit.
    assert client.post("/api/v1/screen", json={"patient": CHILD}).status_code == 429
    (warning,) = _warnings(caplog)
    message = warning.getMessage()
    assert "127.0.0.1:1" in message and "secret" not in message  # which store, no password
    assert "per process" in message
    # Said where an operator sees it: the app's own logger (a handler under gunicorn).
    assert warning.name == app.logger.name


@pytest.fixture
def black_hole():
    """A Redis URL whose server accepts connections and never answers (a hung Redis)."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.05)
    stop = threading.Event()
    held = []

    def accept():
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            held.append(conn)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"redis://127.0.0.1:{server.getsockname()[1]}/0"
    stop.set()
    thread.join(timeout=5)
    for conn in held:
        conn.close()
    server.close()


def test_a_redis_that_never_answers_does_not_stall_requests(tmp_path, black_hole, caplog):
    """With a hung Redis, API and wizard requests answer within a bound, and not with a 500."""
    app = limited_app(tmp_path, REDIS_URL=black_hole)
    client = app.test_client()
    for method, path, kwargs in (("post", "/api/v1/screen", {"json": {"patient": CHILD}}),
                                 ("get", "/", {}),
                                 ("post", "/api/v1/screen", {"json": {"patient": CHILD}})):
        start = time.monotonic()
        response = getattr(client, method)(path, **kwargs)
        assert time.monotonic() - start < 3.0, path
        assert response.status_code == 200, path
    assert len(_warnings(caplog)) == 1


def test_the_routes_for_systems_are_limited_too(tmp_path):
    """/trials, /trials/{id} and /referrals count against the same per-address API limit
    (a bad token is refused with 401 within the limit, then 429 like everything else)."""
    client = limited_app(tmp_path, SCREENER_API_RATE_LIMIT="2 per minute").test_client()
    for path in ("/api/v1/trials", "/api/v1/trials/NCT99999999"):
        assert [client.get(path).status_code for _ in range(3)][-1] == 429, path
    bad = {"Authorization": "Bearer scr_wrong"}
    codes = [client.post("/api/v1/referrals", json={}, headers=bad).status_code
             for _ in range(3)]
    assert codes == [401, 401, 429]
