"""The staff accounts page (admins): add, deactivate, set a new password; and create-user."""

from __future__ import annotations

import json
from datetime import timedelta

from desk_support import PASSWORD, csrf_token, sign_in

from screener.models import AuditEvent, StaffSession, StaffUser, db, utcnow
from screener.staff.auth import SIGN_IN_FAILED as _FAILED

SIGN_IN_FAILED = str(_FAILED)

NEW_PASSWORD = "a brand new passphrase"


def user_row(app, email) -> StaffUser | None:
    with app.app_context():
        user = db.session.query(StaffUser).filter_by(email=email).one_or_none()
        if user is not None:
            db.session.expunge(user)
        return user


def trail(app) -> list[tuple[str, dict]]:
    with app.app_context():
        return [(e.action, e.detail) for e in db.session.query(AuditEvent).order_by(AuditEvent.id)]


def signed_in_client(app, email):
    client = app.test_client()
    assert sign_in(client, email).status_code == 302
    return client


def post_form(client, page_url, action_url, **fields):
    token = csrf_token(client.get(page_url).text)
    return client.post(action_url, data={"csrf_token": token, **fields})


def test_an_admin_adds_a_coordinator_who_can_then_sign_in(app, admin):
    page = admin.get("/staff/users")
    assert page.status_code == 200 and "admin@example.org" in page.text
    made = post_form(admin, "/staff/users", "/staff/users", email="Maria.Lopez@Example.org",
                     name="María López", role="coordinator", password=NEW_PASSWORD)
    assert made.status_code == 303
    shown = admin.get(made.headers["Location"]).text
    assert "maria.lopez@example.org" in shown and "Coordinator" in shown
    assert "never by email" in shown
    assert sign_in(app.test_client(), "maria.lopez@example.org", NEW_PASSWORD).status_code == 302
    actions = [(a, d) for a, d in trail(app) if a == "user_created"]
    assert actions == [("user_created", {"target_user_id": user_row(
        app, "maria.lopez@example.org").id, "target_email": "maria.lopez@example.org",
        "role": "coordinator"})]
    assert NEW_PASSWORD not in json.dumps(trail(app))
    assert {"users_viewed", "user_viewed"} <= {a for a, _ in trail(app)}


def test_a_short_password_or_a_taken_email_is_refused_keeping_what_was_typed(app, admin):
    short = post_form(admin, "/staff/users", "/staff/users", email="new@example.org",
                      name="New Person", role="admin", password="too short")
    assert short.status_code == 400
    assert "at least 12 characters" in short.text
    assert 'value="new@example.org"' in short.text and 'value="New Person"' in short.text
    assert '<option selected value="admin">' in short.text
    assert 'value="too short"' not in short.text  # a typed password is never sent back
    taken = post_form(admin, "/staff/users", "/staff/users", email="ADMIN@example.org",
                      name="", role="coordinator", password=NEW_PASSWORD)
    assert taken.status_code == 400
    assert "A staff account with this email already exists" in taken.text
    bad = post_form(admin, "/staff/users", "/staff/users", email="not-an-email",
                    name="", role="coordinator", password=NEW_PASSWORD)
    assert "Enter an email address like name@example.org" in bad.text
    with app.app_context():
        assert db.session.query(StaffUser).count() == 1


def test_deactivating_a_user_ends_their_sessions_at_once(app, admin, make_user):
    uid = make_user("coordinator@example.org")
    theirs = signed_in_client(app, "coordinator@example.org")
    assert theirs.get("/staff/").status_code == 200
    gone = post_form(admin, f"/staff/users/{uid}", f"/staff/users/{uid}/deactivate")
    assert gone.status_code == 303 and "Deactivated" in admin.get(gone.headers["Location"]).text
    assert theirs.get("/staff/").status_code == 302  # signed out on the server
    assert SIGN_IN_FAILED in sign_in(app.test_client()).text
    with app.app_context():
        assert db.session.query(StaffSession).filter_by(user_id=uid, ended_at=None).count() == 0
    back = post_form(admin, f"/staff/users/{uid}", f"/staff/users/{uid}/reactivate")
    assert back.status_code == 303
    assert sign_in(app.test_client()).status_code == 302
    changes = [a for a, _ in trail(app) if a in ("user_deactivated", "user_reactivated")]
    assert changes == ["user_deactivated", "user_reactivated"]


def test_an_admin_cannot_deactivate_their_own_account(app, admin):
    me = user_row(app, "admin@example.org").id
    refused = post_form(admin, f"/staff/users/{me}", f"/staff/users/{me}/deactivate")
    page = admin.get(refused.headers["Location"])
    assert "You cannot deactivate your own account" in page.text
    assert user_row(app, "admin@example.org").active


def test_a_new_password_replaces_the_old_unlocks_and_signs_out_elsewhere(app, admin, make_user):
    uid = make_user("coordinator@example.org")
    theirs = signed_in_client(app, "coordinator@example.org")
    with app.app_context():
        db.session.get(StaffUser, uid).locked_until = utcnow() + timedelta(minutes=10)
        db.session.commit()
    short = post_form(admin, f"/staff/users/{uid}", f"/staff/users/{uid}/password",
                      password="short")
    assert short.status_code == 400 and "at least 12 characters" in short.text
    done = post_form(admin, f"/staff/users/{uid}", f"/staff/users/{uid}/password",
                     password=NEW_PASSWORD)
    assert done.status_code == 303
    assert theirs.get("/staff/").status_code == 302
    assert SIGN_IN_FAILED in sign_in(app.test_client()).text  # the old password
    assert sign_in(app.test_client(), password=NEW_PASSWORD).status_code == 302
    assert ("password_reset", {"target_user_id": uid, "target_email": "coordinator@example.org",
                               "role": "coordinator"}) in trail(app)


def test_an_admin_resetting_their_own_password_stays_signed_in(app, admin):
    me = user_row(app, "admin@example.org").id
    elsewhere = signed_in_client(app, "admin@example.org")
    post_form(admin, f"/staff/users/{me}", f"/staff/users/{me}/password", password=NEW_PASSWORD)
    assert admin.get("/staff/users").status_code == 200
    assert elsewhere.get("/staff/users").status_code == 302


def test_the_nav_offers_staff_accounts_to_admins_only(admin, make_user, app):
    assert 'href="/staff/users"' in admin.get("/staff/").text
    make_user("coordinator@example.org")
    coordinator = signed_in_client(app, "coordinator@example.org")
    assert 'href="/staff/users"' not in coordinator.get("/staff/").text
    assert coordinator.get("/staff/users").status_code == 403


def test_create_user_makes_the_first_admin_who_can_sign_in(app, runner, client):
    made = runner.invoke(args=["create-user", "First.Admin@Example.org", "--name", "Ana"],
                         input=f"{PASSWORD}\n{PASSWORD}\n")
    assert made.exit_code == 0, made.output
    assert "created admin first.admin@example.org" in made.output
    assert sign_in(client, "first.admin@example.org").status_code == 302
    assert client.get("/staff/users").status_code == 200  # an admin
    assert ("user_created", {"target_user_id": 1, "target_email": "first.admin@example.org",
                             "role": "admin"}) in trail(app)


def test_create_user_refuses_a_duplicate_a_short_password_and_a_bad_email(app, runner):
    assert runner.invoke(args=["create-user", "a@example.org", "--role", "coordinator"],
                         input=f"{PASSWORD}\n{PASSWORD}\n").exit_code == 0
    again = runner.invoke(args=["create-user", "A@example.org"],
                          input=f"{PASSWORD}\n{PASSWORD}\n")
    assert again.exit_code == 1 and "already exists" in again.output
    short = runner.invoke(args=["create-user", "b@example.org"], input="short\nshort\n")
    assert short.exit_code == 2 and "at least 12 characters" in short.output
    bad = runner.invoke(args=["create-user", "not-an-email"], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert bad.exit_code == 2 and "not an email address" in bad.output
    with app.app_context():
        assert [(u.email, u.role) for u in db.session.query(StaffUser)] == [
            ("a@example.org", "coordinator")]
