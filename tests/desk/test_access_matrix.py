"""Who may open what under /staff/: every rule of the app's URL map × its methods × role.

The routes are read from ``app.url_map``, so a route added later is covered without
editing this file; only its classification lives here. A route is for any signed-in
staff member unless it is PUBLIC or ADMIN_ONLY below, so a new route that forgets
``@staff_required`` fails (anonymous gets a page), and one that is admin-only without
being listed here fails too (the table must say what the code does).
"""

from __future__ import annotations

import pytest
from desk_support import csrf_token, sign_in

#: Open to anyone: the sign-in page.
PUBLIC = {"staff.login"}

#: Admins only (coordinators get 403).
ADMIN_ONLY = {"staff.users", "staff.create_user", "staff.user", "staff.reset_password",
              "staff.deactivate_user", "staff.reactivate_user"}

#: Endpoints that end the session: requested last, so the others still run signed in.
SIGNS_OUT = {"staff.logout"}

SKIPPED_METHODS = {"HEAD", "OPTIONS"}


def staff_requests(app, values: dict) -> list[tuple[str, str, str]]:
    """(endpoint, method, url) of every rule under /staff/, signing-out ones last."""
    found = []
    with app.test_request_context():
        from flask import url_for

        for rule in app.url_map.iter_rules():
            if not rule.rule.startswith("/staff/"):
                continue
            missing = set(rule.arguments) - set(values)
            assert not missing, (f"{rule.rule}: add a real value for {sorted(missing)} to "
                                 "url_values() in tests/desk/test_access_matrix.py")
            url = url_for(rule.endpoint, **{a: values[a] for a in rule.arguments})
            for method in sorted(rule.methods - SKIPPED_METHODS):
                found.append((rule.endpoint, method, url))
    assert any(e == "staff.queue" for e, _, _ in found), "no staff routes found"
    return sorted(found, key=lambda r: (r[0] in SIGNS_OUT, r[0], r[1]))


@pytest.fixture
def url_values(make_referral, make_user) -> dict:
    """A real object for every URL parameter of the staff routes."""
    return {"referral_id": make_referral("adult-ph-positive-new"),
            "user_id": make_user("someone.else@example.org", "coordinator")}


def send(client, method: str, url: str):
    if method == "GET":
        return client.get(url)
    token = csrf_token(client.get("/staff/login").text)  # a valid token: the check is the role's
    return client.open(url, method=method, data={"csrf_token": token})


def signed_in(app, make_user, role):
    client = app.test_client()
    if role != "anonymous":
        make_user(f"{role}@example.org", role)
        assert sign_in(client, f"{role}@example.org").status_code == 302
    return client


def refusal_of(role: str, endpoint: str, method: str, response) -> str | None:
    """What is wrong with ``response`` for ``role``, or None when it is right."""
    status = response.status_code
    if status >= 500:
        return f"{status} (server error)"
    if endpoint in PUBLIC:
        return None if method != "GET" or status == 200 else f"{status}, the page should open"
    if role == "anonymous":
        to_login = status == 302 and response.headers["Location"].startswith("/staff/login")
        if method == "GET":
            return None if to_login else f"{status}, should redirect to sign-in"
        return None if to_login or status in (401, 403) else f"{status}, should be refused"
    if role == "coordinator" and endpoint in ADMIN_ONLY:
        return None if status == 403 else f"{status}, should be 403 (admin only)"
    if status == 403:
        return "403, should be allowed"
    if (status == 302 and response.headers["Location"].startswith("/staff/login")
            and endpoint not in SIGNS_OUT):
        return "sent to sign-in while signed in"
    if method == "GET" and status != 200:
        return f"{status} on a GET with real URL values"
    return None


def matrix_problems(app, make_user, url_values, role) -> list[str]:
    client = signed_in(app, make_user, role)
    wrong = []
    for endpoint, method, url in staff_requests(app, url_values):
        problem = refusal_of(role, endpoint, method, send(client, method, url))
        if problem:
            wrong.append(f"{role:11} {method:6} {url:32} {endpoint}: {problem}")
    return wrong


@pytest.mark.parametrize("role", ["anonymous", "coordinator", "admin"])
def test_every_staff_route_answers_each_role_as_it_should(app, make_user, url_values, role):
    wrong = matrix_problems(app, make_user, url_values, role)
    assert not wrong, "\n" + "\n".join(wrong)


def test_the_matrix_catches_a_forgotten_decorator_and_an_unlisted_admin_page(
        app, make_user, url_values):
    """The test above would fail for a route without @staff_required, and for an admin-only
    route missing from ADMIN_ONLY (proved on two routes added to this app only)."""
    from screener.staff.auth import staff_required

    app.add_url_rule("/staff/forgotten", "staff.forgotten", lambda: "the whole queue")
    app.add_url_rule("/staff/unlisted", "staff.unlisted",
                     staff_required("admin")(lambda: "admin things"))
    anonymous = matrix_problems(app, make_user, url_values, "anonymous")
    assert [p.split()[-1] for p in anonymous] == ["sign-in"]  # "should redirect to sign-in"
    assert "staff.forgotten" in anonymous[0]
    coordinator = matrix_problems(app, make_user, url_values, "coordinator")
    assert [p.split(":")[0].split()[-1] for p in coordinator] == ["staff.unlisted"]


def test_the_table_names_only_real_endpoints(app):
    """A renamed or removed endpoint must leave the tables too, or they protect nothing."""
    endpoints = {r.endpoint for r in app.url_map.iter_rules()}
    assert (PUBLIC | ADMIN_ONLY | SIGNS_OUT) - endpoints == set()
