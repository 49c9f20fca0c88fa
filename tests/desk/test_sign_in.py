"""Staff sign-in: one answer for every refused sign-in, lockout, rate limit, session limits,
a fresh session at each sign-in, and a safe way back to the page asked for."""

from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from desk_support import PASSWORD, csrf_token, sign_in

from screener import create_app
from screener.models import AuditEvent, StaffSession, StaffUser, db, utcnow
from screener.staff.auth import SIGN_IN_FAILED, safe_next

FAILED = str(SIGN_IN_FAILED)


def events(app, action=None):
    with app.app_context():
        query = db.session.query(AuditEvent).order_by(AuditEvent.id)
        if action:
            query = query.filter_by(action=action)
        return [(e.action, e.actor, e.user_id, e.detail) for e in query]


def change_user(app, email, **fields):
    with app.app_context():
        user = db.session.query(StaffUser).filter_by(email=email).one()
        for name, value in fields.items():
            setattr(user, name, value)
        db.session.commit()


def live_session(app, client) -> StaffSession:
    """The StaffSession row behind ``client``'s cookie (detached copy of its id)."""
    with client.session_transaction() as cookie:
        return cookie["_user_id"]


def age_session(app, session_id, **ago):
    """Move a session's timestamps back in time (the controllable clock)."""
    with app.app_context():
        row = db.session.get(StaffSession, session_id)
        for column, delta in ago.items():
            setattr(row, column, getattr(row, column) - delta)
        db.session.commit()


def login_location(response) -> tuple[str, str | None]:
    """(path, next) of a redirect to the sign-in page."""
    assert response.status_code == 302, response.status_code
    parts = urlsplit(response.headers["Location"])
    return parts.path, parse_qs(parts.query).get("next", [None])[0]


def test_every_refused_sign_in_gets_the_same_answer(app, client, make_user):
    """Unknown email, wrong password, inactive and locked accounts: same status, same message,
    nobody signed in; the typed email is kept in the form."""
    make_user("coordinator@example.org")
    make_user("gone@example.org")
    make_user("locked@example.org")
    change_user(app, "gone@example.org", active=False)
    change_user(app, "locked@example.org", locked_until=utcnow() + timedelta(minutes=10))
    tries = {"unknown email": ("nobody@example.org", PASSWORD),
             "wrong password": ("coordinator@example.org", "not the password at all"),
             "inactive": ("gone@example.org", PASSWORD),
             "locked": ("locked@example.org", PASSWORD)}
    for why, (email, password) in tries.items():
        answer = sign_in(client, email, password)
        html = answer.get_data(True)
        assert (answer.status_code, FAILED in html) == (200, True), why
        assert f'value="{email}"' in html, why
        assert client.get("/staff/").status_code == 302, why
    with app.app_context():
        assert db.session.query(StaffSession).count() == 0


def test_failures_are_audited_without_the_password_or_an_unknown_email(app, client, make_user):
    make_user("coordinator@example.org")
    typed_password = "Hunter2-typed-into-the-email-box"
    sign_in(client, typed_password + "@x.org", "whatever password")
    sign_in(client, "coordinator@example.org", typed_password)
    failures = events(app, "sign_in_failed")
    assert [e[3]["why"] for e in failures] == ["unknown_account", "wrong_password"]
    assert failures[1][1] == "coordinator@example.org"
    trail = json.dumps(events(app))
    assert typed_password not in trail and "whatever password" not in trail


def test_five_wrong_passwords_lock_the_account_for_fifteen_minutes(app, client, make_user):
    make_user("coordinator@example.org")
    for _ in range(5):
        assert FAILED in sign_in(client, password="a wrong password!").get_data(True)
    refused = sign_in(client)  # the right password, while locked
    assert refused.status_code == 200 and FAILED in refused.get_data(True)
    with app.app_context():
        user = db.session.query(StaffUser).one()
        left = user.locked_until - utcnow()
        assert timedelta(minutes=14) < left <= timedelta(minutes=15)
    assert [e[3]["why"] for e in events(app, "sign_in_failed")][-1] == "locked"
    assert len(events(app, "account_locked")) == 1

    change_user(app, "coordinator@example.org", locked_until=utcnow() - timedelta(seconds=1))
    assert sign_in(client).status_code == 302  # the lock has run out


def test_a_successful_sign_in_resets_the_count(app, client, make_user):
    make_user("coordinator@example.org")
    for _ in range(4):
        sign_in(client, password="a wrong password!")
    assert sign_in(client).status_code == 302
    client.post("/staff/logout", data={"csrf_token": csrf_token(client.get("/staff/").text)})
    for _ in range(4):
        sign_in(client, password="a wrong password!")
    assert sign_in(client).status_code == 302, "4 + 4 failures with a success between: no lock"


def test_sign_in_is_rate_limited_per_address(tmp_path):
    """Guessing emails that have no account is bounded per client address; the refusal keeps
    the email typed and says to wait; another address is not affected."""
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SCREENER_RATE_LIMITS": True,
                      "SCREENER_LOGIN_RATE_LIMIT": "3 per minute",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'r.db'}"})
    client = app.test_client()
    codes = [sign_in(client, f"guess{n}@example.org").status_code for n in range(3)]
    assert codes == [200, 200, 200]
    refused = sign_in(client, "guess4@example.org")
    assert refused.status_code == 429
    assert "Too many sign-in attempts" in refused.text
    assert 'value="guess4@example.org"' in refused.text
    assert client.get("/staff/login").status_code == 200  # the page itself still opens
    other = client.post("/staff/login", environ_base={"REMOTE_ADDR": "192.0.2.7"},
                        data={"email": "x@example.org", "password": "y",
                              "csrf_token": csrf_token(client.get("/staff/login").text)})
    assert other.status_code == 200


def test_idle_session_ends_after_30_minutes_and_says_so(app, coordinator, make_referral):
    rid = make_referral()
    page = f"/staff/referrals/{rid}"
    session_id = live_session(app, coordinator)
    age_session(app, session_id, last_seen_at=timedelta(minutes=29))
    assert coordinator.get(page).status_code == 200  # 29 minutes: still signed in

    age_session(app, session_id, last_seen_at=timedelta(minutes=31))
    path, back_to = login_location(coordinator.get(page))
    assert (path, back_to) == ("/staff/login", page)
    login_page = coordinator.get(f"/staff/login?next={page}")
    assert "You were signed out after 30 minutes without activity" in login_page.text
    with app.app_context():
        assert db.session.get(StaffSession, session_id).ended_at is not None
    assert events(app, "session_expired")[-1][3] == {"why": "idle"}

    again = coordinator.post(f"/staff/login?next={page}", data={
        "email": "coordinator@example.org", "password": PASSWORD,
        "csrf_token": csrf_token(login_page.text)})
    assert again.headers["Location"] == page
    assert coordinator.get(page).status_code == 200


def test_a_session_ends_12_hours_after_sign_in_even_when_busy(app, coordinator):
    session_id = live_session(app, coordinator)
    age_session(app, session_id, created_at=timedelta(hours=11, minutes=59))
    assert coordinator.get("/staff/").status_code == 200
    age_session(app, session_id, created_at=timedelta(minutes=2))  # now 12 h 01 min old
    assert login_location(coordinator.get("/staff/?page=2")) == ("/staff/login", "/staff/?page=2")
    assert "12 hours have passed since you signed in" in coordinator.get("/staff/login").text
    assert events(app, "session_expired")[-1][3] == {"why": "absolute"}


def test_a_form_sent_after_expiry_returns_to_the_page_it_was_on(app, coordinator):
    token = csrf_token(coordinator.get("/staff/").text)
    age_session(app, live_session(app, coordinator), last_seen_at=timedelta(hours=1))
    refused = coordinator.post("/staff/logout", data={"csrf_token": token},
                               headers={"Referer": "http://localhost/staff/?page=3"})
    assert login_location(refused) == ("/staff/login", "/staff/?page=3")


def test_each_sign_in_gets_a_new_session_and_a_cleared_cookie(app, client, make_user):
    """No session fixation: what was in the cookie before signing in is gone, the server-side
    id is new each time, and signing in again ends the session it replaced."""
    make_user()
    with client.session_transaction() as cookie:
        cookie["planted"] = "by someone else"
    sign_in(client)
    with client.session_transaction() as cookie:
        assert "planted" not in cookie
        first_cookie = dict(cookie)
    first = first_cookie["_user_id"]
    sign_in(client)
    second = live_session(app, client)
    assert second != first
    with app.app_context():
        assert db.session.get(StaffSession, first).ended_at is not None
    with client.session_transaction() as cookie:  # the first cookie, replayed
        cookie.clear()
        cookie.update(first_cookie)
    assert client.get("/staff/").status_code == 302


def test_the_language_choice_survives_sign_in(client, make_user):
    make_user()
    client.get("/language/es?next=/staff/login")
    sign_in(client)
    with client.session_transaction() as cookie:
        assert cookie.get("lang") == "es"


#: Where the sign-in page may send someone afterwards: (asked for, sent to).
WAYS_BACK = [
    ("/staff/referrals/3?tab=notes", "/staff/referrals/3?tab=notes"),
    ("/staff/", "/staff/"),
    ("http://localhost/staff/users", "/staff/users"),  # a Referer of this site: its path
    ("https://evil.example/staff/", None),
    ("//evil.example/staff/", None),
    ("/\\evil.example/staff/", None),
    ("/staff/\r\nSet-Cookie:x", None),
    ("/screen/results", None),  # not the desk
    ("/staff/login", None),
    ("javascript:alert(1)", None),
    (None, None),
]


def test_the_way_back_is_only_a_desk_page_of_this_site(app):
    with app.test_request_context("/staff/login", base_url="http://localhost"):
        assert [(target, safe_next(target)) for target, _ in WAYS_BACK] == WAYS_BACK


def test_an_off_site_next_sends_to_the_queue(client, make_user):
    make_user()
    page = client.get("/staff/login?next=https://evil.example/")
    answer = client.post("/staff/login?next=https://evil.example/", data={
        "email": "coordinator@example.org", "password": PASSWORD,
        "csrf_token": csrf_token(page.text)})
    assert answer.headers["Location"] == "/staff/"
