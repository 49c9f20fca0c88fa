"""The app deployed behind HTTPS (SCREENER_HTTPS=1): strict CSRF, headers, redirects.

The whole wizard over real HTTPS in Chromium is in tests/wizard/test_browser.py.
"""

import pytest

from screener import create_app

HTTPS = "https://localhost"


@pytest.fixture
def app_config():
    return {"SCREENER_HTTPS": True}


def _start(client, referrer: str | None):
    """Press "Start the questions" over HTTPS, the browser sending ``referrer`` (or none)."""
    page = client.get("/screen/", base_url=HTTPS).get_data(as_text=True)
    token = page.split('name="csrf_token" value="')[1].split('"')[0]
    headers = {"Referer": referrer} if referrer else {}
    return client.post("/screen/start", data={"csrf_token": token}, base_url=HTTPS,
                       headers=headers)


def test_pages_ask_browsers_to_send_the_referrer_to_this_site_only(client):
    """Referrer-Policy same-origin: our own forms carry the Referer strict CSRF needs over
    HTTPS; links to other sites carry none (a URL here can say what a person has)."""
    response = client.get("/screen/", base_url=HTTPS)
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_a_post_from_this_site_is_accepted(client):
    """Over HTTPS a form posted with a same-origin Referer goes on to the first question."""
    response = _start(client, f"{HTTPS}/screen/")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/screen/step/who")


@pytest.mark.parametrize("referrer", ["https://evil.example/screen/", "http://localhost/screen/",
                                      None])
def test_a_post_from_elsewhere_or_without_referrer_is_refused(client, referrer):
    """CSRF stays strict over HTTPS: a foreign, plain-HTTP or missing Referer is refused."""
    response = _start(client, referrer)
    assert response.status_code == 400
    assert "<h1>This page has expired</h1>" in response.get_data(as_text=True)


def test_each_app_keeps_its_own_https_policy(app, tmp_path):
    """Starting a second app without HTTPS leaves the first one redirecting plain HTTP to HTTPS
    (the header policy is per app, not one shared object set by the last app started)."""
    create_app({"TESTING": True, "SECRET_KEY": "test-secret", "SCREENER_AUTO_MIGRATE": False,
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'other.db'}"})
    response = app.test_client().get("/screen/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("https://")


def test_the_health_check_answers_over_plain_http(client):
    """A load balancer's plain-HTTP health check gets 200 and the status, not a redirect to
    HTTPS; pages are still redirected."""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["status"] == "ok"
    assert client.get("/healthz", base_url=HTTPS).status_code == 200
    redirected = client.get("/screen/")
    assert redirected.status_code == 302
    assert redirected.headers["Location"] == "https://localhost/screen/"
