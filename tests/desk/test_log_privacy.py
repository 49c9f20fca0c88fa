"""No name, phone, note or answer of a referral reaches any log line.

Every logger is turned up (root, the app's, werkzeug's request lines from a
real server, SQLAlchemy's statements and rows at DEBUG) while referrals are filed,
staff open every page of the desk, a re-screen and a purge run; recognisable
values are planted and searched for in every line.
"""

from __future__ import annotations

import logging
import re
import threading
import urllib.request
from datetime import timedelta
from http.cookiejar import CookieJar
from urllib.parse import urlencode

import pytest
import yaml
from desk_support import PASSWORD, csrf_token, profile
from werkzeug.serving import make_server

from screener import create_app
from screener.models import Referral, ReferralNote, db, utcnow
from screener.referrals.rescreen import rescreen_lock, rescreen_open

NAME, PHONE, EMAIL = "Zebulon Quixotic", "555-0199", "zebulon.q@example.net"
NOTE, STAFF_NOTE = "MARKER-7731", "MARKER-7732"
MARKERS = (NAME, "Zebulon", "Quixotic", PHONE, "5550199", EMAIL, NOTE, STAFF_NOTE)
LOGGERS = ("", "screener", "werkzeug", "sqlalchemy", "sqlalchemy.engine",
           "sqlalchemy.engine.Engine", "sqlalchemy.pool", "sqlalchemy.orm", "flask_login",
           "flask_limiter", "alembic")


class Keep(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record):
        self.lines.append(f"{record.name} {record.levelname} {self.format(record)}")


@pytest.fixture
def every_log_line():
    keep = Keep()
    keep.setFormatter(logging.Formatter("%(message)s %(exc_text)s"))
    saved = {name: logging.getLogger(name).level for name in LOGGERS}
    for name in LOGGERS:
        logging.getLogger(name).setLevel(logging.DEBUG)
    logging.getLogger().addHandler(keep)
    yield keep.lines
    logging.getLogger().removeHandler(keep)
    for name, level in saved.items():
        logging.getLogger(name).setLevel(level)


@pytest.fixture
def app_config(criteria):
    """The app reads a copy of the criteria, which a test may edit (``criteria``)."""
    return {"SCREENER_CRITERIA_DIR": str(criteria)}


class Browser:
    """A person at a real server (werkzeug's request log included), cookies and all."""

    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))

    def get(self, path):
        with self.opener.open(self.base + path) as answer:
            return answer.status, answer.read().decode()

    def post(self, path, data):
        with self.opener.open(self.base + path, urlencode(data).encode()) as answer:
            return answer.status, answer.read().decode()


def staff_urls(app, referral_id):
    """Every GET page under /staff/ that takes no parameter or only a referral's id
    (the sign-in page aside: the person is signed in)."""
    urls = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/staff") or "GET" not in rule.methods \
                or rule.endpoint == "staff.login":
            continue
        if set(rule.arguments) <= {"referral_id"}:
            with app.test_request_context():
                from flask import url_for

                urls.append(url_for(rule.endpoint, referral_id=referral_id)
                            if rule.arguments else url_for(rule.endpoint))
    return urls


def test_no_referral_content_in_any_log_line(app, criteria, make_user, every_log_line):
    from screener.referrals.service import create_referral

    make_user("admin@example.org", "admin")  # an admin opens every staff page
    with app.app_context():
        filed = [create_referral(profile=profile(name), source=source,
                                 contact={"name": NAME, "phone": PHONE, "email": EMAIL},
                                 note=NOTE, consent_text="I agree.", consent_version="1")
                 for name, source in (("child-newly-diagnosed", "patient"),
                                      ("adult-second-relapse-after-car-t", "physician"),
                                      ("age-only", "api"))]
        ids = [r.id for r in filed]
        db.session.add(ReferralNote(referral_id=ids[0], text=STAFF_NOTE))
        db.session.commit()

    srv = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    try:
        person = Browser(f"http://127.0.0.1:{srv.server_port}")
        _, login = person.get("/staff/login")
        status, _ = person.post("/staff/login", {"email": "admin@example.org",
                                                 "password": PASSWORD,
                                                 "csrf_token": csrf_token(login)})
        pages = staff_urls(app, ids[0])
        assert "/staff/" in pages and f"/staff/referrals/{ids[0]}" in pages
        for url in pages:
            status, _ = person.get(url)
            assert status == 200, url
    finally:
        srv.shutdown()
        thread.join()

    # A criteria file changes and the app restarts: a re-screen screens the referrals.
    path = criteria / "NCT03117751.yaml"
    data = yaml.safe_load(path.read_text("utf-8"))
    data["criteria"] = data["criteria"][:-1]
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "utf-8")
    again = create_app({"TESTING": True, "SECRET_KEY": "test-secret",
                        "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                        "SCREENER_CRITERIA_DIR": str(criteria), "SCREENER_RESCREEN_AT_START": 0})
    with again.app_context():
        with rescreen_lock():
            assert rescreen_open("cli").rescreened == 3
        for referral_id in ids:
            referral = db.session.get(Referral, referral_id)
            referral.status, referral.closed_at = "declined", utcnow() - timedelta(days=30)
        db.session.commit()
    assert again.test_cli_runner().invoke(args=["purge", "--older-than", "7"]).exit_code == 0
    with again.app_context():
        db.engine.dispose()

    assert len(every_log_line) > 50, "the loggers were listening"
    assert any(line.startswith("werkzeug") and "GET /staff/" in line for line in every_log_line)
    assert any(line.startswith("sqlalchemy.engine") and "referral" in line
               for line in every_log_line)
    # The referrals' rows went through SQLAlchemy's DEBUG log, which would have printed them.
    assert any("Row [values hidden" in line for line in every_log_line)
    leaked = [line for line in every_log_line
              if any(re.search(re.escape(m), line, re.I) for m in MARKERS)]
    assert leaked == [], leaked[:5]
