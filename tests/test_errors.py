"""Error pages speak plainly and never lose what was stored."""

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from screener import create_app
from screener.models import WizardDraft, db


def _token(client):
    page = client.get("/").get_data(as_text=True)
    return page.split('name="csrf_token" value="')[1].split('"')[0]


def test_an_expired_form_says_so_and_keeps_earlier_answers(app, client):
    """A post with a stale CSRF token gets a plain page linking back; saved answers stay."""
    token = _token(client)
    client.post("/screen/start", data={"csrf_token": token})
    client.post("/screen/step/who", data={"csrf_token": token, "action": "next", "who": "parent"})
    refused = client.post("/screen/step/age?from=review",
                          data={"csrf_token": "stale", "action": "next", "years": "4"})
    assert refused.status_code == 400
    body = refused.get_data(as_text=True)
    assert "This page has expired" in body
    assert 'href="/screen/step/age?from=review"' in body
    with app.app_context():
        (draft,) = db.session.scalars(db.select(WizardDraft)).all()
        assert draft.answers["who"] == {"who": ["parent"]}


def test_the_csrf_token_lasts_as_long_as_a_draft(app):
    """A page left open is not refused sooner than its draft would expire."""
    assert app.config["WTF_CSRF_TIME_LIMIT"] == app.config["WIZARD_DRAFT_IDLE_MINUTES"] * 60


def test_unknown_pages_are_explained_in_the_chosen_language(client):
    """404 is a plain page (Spanish with Accept-Language: es); the API answers JSON."""
    page = client.get("/no/such/page", headers={"Accept-Language": "es"})
    assert page.status_code == 404 and "Página no encontrada" in page.get_data(as_text=True)
    api = client.get("/api/v1/nothing")
    assert api.status_code == 404 and api.get_json()["error"] == "no such endpoint"


PLANTED = "planted-7Q3ZX"

#: A database fault: every save of a draft is refused by the database itself.
REFUSE_SAVES = {
    "sqlite": ["CREATE TRIGGER refuse_saves BEFORE UPDATE ON wizard_draft "
               "BEGIN SELECT RAISE(ABORT, 'saves refused'); END"],
    "postgresql": ["CREATE OR REPLACE FUNCTION refuse_saves() RETURNS trigger LANGUAGE plpgsql AS "
                   "$$ BEGIN RAISE EXCEPTION 'saves refused'; END $$",
                   "CREATE TRIGGER refuse_saves BEFORE UPDATE ON wizard_draft "
                   "FOR EACH ROW EXECUTE FUNCTION refuse_saves()"],
}


def test_a_database_error_logs_no_answer_and_no_draft_id(app, client, caplog):
    """When saving a draft fails in the database, the person gets the error page, and neither
    the log nor the page holds an answer or the draft id (the session's bearer secret)."""
    from sqlalchemy import text

    app.config["PROPAGATE_EXCEPTIONS"] = False  # answered and logged as in production
    token = _token(client)
    client.post("/screen/start", data={"csrf_token": token})
    client.post("/screen/step/who", data={"csrf_token": token, "action": "next", "who": "parent"})
    # Back stores what is on the page unchecked: a recognisable answer
    client.post("/screen/step/age", data={"csrf_token": token, "action": "back",
                                          "years": PLANTED})
    with app.app_context():
        (draft,) = db.session.scalars(db.select(WizardDraft)).all()
        draft_id = draft.id
        with db.engine.begin() as conn:
            for statement in REFUSE_SAVES[db.engine.dialect.name]:
                conn.execute(text(statement))
    caplog.clear()
    response = client.post("/screen/step/who",
                           data={"csrf_token": token, "action": "next", "who": "patient"})
    assert response.status_code == 500
    assert "saves refused" in caplog.text  # the fault was logged, without its parameters
    for secret in (PLANTED, draft_id):
        assert secret not in caplog.text
        assert not any(secret in record.getMessage() for record in caplog.records)
        assert secret not in response.get_data(as_text=True)
    with app.app_context(), db.engine.begin() as conn:
        conn.execute(text("DROP TRIGGER refuse_saves" +
                          (" ON wizard_draft" if db.engine.dialect.name == "postgresql" else "")))
        if db.engine.dialect.name == "postgresql":
            conn.execute(text("DROP FUNCTION refuse_saves()"))


@pytest.mark.postgres
def test_a_connection_killed_before_teardown_still_answers_the_page(tmp_path, pg_url,
                                                                   reset_database):
    """A database connection killed after the page is made, before the request's session is
    closed, still gives the visitor the page (not gunicorn's bare error), and the next works."""
    import psycopg

    app = create_app({"TESTING": True, "SECRET_KEY": "x", "SCREENER_RATE_LIMITS": False,
                      "SQLALCHEMY_DATABASE_URI": pg_url})
    admin = psycopg.connect(make_url(pg_url).set(drivername="postgresql")
                            .render_as_string(hide_password=False), autocommit=True)
    killed = []

    @app.after_request
    def kill_this_requests_connection(response):
        # The real fault, at the worst moment: the session's connection is still in a
        # transaction and dies before teardown rolls it back (waits until it is gone).
        if not killed:
            pid = db.session.execute(text("SELECT pg_backend_pid()")).scalar_one()
            killed.append(admin.execute("SELECT pg_terminate_backend(%s, 5000)",
                                        (pid,)).fetchone()[0])
        return response

    try:
        client = app.test_client()
        first = client.get("/trials")
        assert killed == [True]
        assert first.status_code == 200 and "NCT02435849" in first.get_data(as_text=True)
        again = client.get("/trials")
        assert again.status_code == 200 and "NCT02435849" in again.get_data(as_text=True)
    finally:
        admin.close()
        reset_database(app)
