"""The app deployed behind HTTPS (SCREENER_HTTPS=1): strict CSRF, headers, redirects.

The whole wizard over real HTTPS in Chromium is in tests/wizard/test_browser.py.
"""

import pytest

from screener import create_app

HTTPS = "https://localhost"


@pytest.fixture
def app_config():
    return {"SCREENER_HTTPS": True}


def test_each_app_keeps_its_own_https_policy(app, tmp_path):
    """Starting a second app without HTTPS leaves the first one redirecting plain HTTP to HTTPS
    (the header policy is per app, not one shared object set by the last app started)."""
    create_app({"TESTING": True, "SECRET_KEY": "test-secret", "SCREENER_AUTO_MIGRATE": False,
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'other.db'}"})
    response = app.test_client().get("/screen/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("https://")
