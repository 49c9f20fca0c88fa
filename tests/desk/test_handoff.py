"""The patient hand-off (issue 10, part 2): a family sends its answers to the research team.

Driven through the real forms (CSRF tokens and all), with a real SMTP server on
127.0.0.1 (aiosmtpd) whose received messages are read back.
"""

from __future__ import annotations

import logging
import socket
import sys
import threading
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from desk_support import csrf_token

from screener import create_app
from screener.models import AuditEvent, Referral, db
from screener.referrals import handoff, notify
from screener.referrals.notify import SmtpSettingsError, parse_smtp_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "wizard"))
from wizard_pages import CHILD, Page, WizardActions  # noqa: E402

PUBLIC = "https://trials.example.org"
#: What the family types: each must reach the referral and nothing else.
FAMILY = {"name": "Zoraida Quintanilla", "phone": "+1 555 867 5309",
          "email": "zoraida.q@example.net"}
#: Answers of CHILD recognisable in any text (the ZIP code; the stored words).
PROFILE_VALUES = ("11030", "b_all", "newly_diagnosed", "female")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    """An aiosmtpd handler that keeps every message it receives."""

    def __init__(self):
        self.messages: list[dict] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 -- aiosmtpd's name
        self.messages.append({"from": envelope.mail_from, "to": list(envelope.rcpt_tos),
                              "raw": envelope.original_content or envelope.content})
        return "250 OK"


@pytest.fixture
def smtp():
    """A real SMTP server on 127.0.0.1; ``smtp.url`` for SCREENER_SMTP_URL, ``smtp.inbox``."""
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    controller.inbox = inbox
    controller.url = (f"smtp://127.0.0.1:{port}?from=desk@trials.example.org"
                      "&to=team@trials.example.org,lead@trials.example.org")
    yield controller
    controller.stop()


@pytest.fixture
def app_config(smtp):
    return {"SCREENER_SMTP_URL": smtp.url, "SCREENER_PUBLIC_URL": PUBLIC}


@pytest.fixture
def visited(app):
    """Every URL the flow asks for, and every address it is sent to."""
    urls: list[str] = []

    @app.before_request
    def _seen():
        from flask import request

        urls.append(request.full_path)

    @app.after_request
    def _redirected(response):
        if response.location:
            urls.append(response.location)
        return response

    return urls


def results_for(client, lang: str = "en"):
    """Answer the wizard as the CHILD family does and open its results."""
    if lang != "en":
        client.get(f"/language/{lang}")
    WizardActions(client).complete(CHILD)
    page = client.get("/screen/results")
    assert page.status_code == 200
    return page


def form_data(html: str, **fields) -> dict:
    data = {"csrf_token": csrf_token(html), "shown_in": parse_input(html, "shown_in"),
            "name": FAMILY["name"], "phone": FAMILY["phone"], "email": FAMILY["email"],
            "language": "en", "best_time": "evening", "consent": "y"}
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def parse_input(html: str, name: str) -> str:
    return (_page(html).find("input", name=name).attrs.get("value") or "")


def _page(html: str) -> Page:
    return Page(html)


def consent_shown(html: str) -> str:
    return _page(html).find("label", for_="consent").text


def one_referral(app) -> Referral:
    with app.app_context():
        rows = db.session.query(Referral).all()
        assert len(rows) == 1, f"{len(rows)} referrals filed"
        db.session.expunge(rows[0])
        return rows[0]


@pytest.mark.parametrize("lang", ["en", "es"])
def test_a_family_sends_its_answers_and_the_team_gets_only_a_link(app, client, smtp, visited,
                                                                  lang):
    results = results_for(client, lang).get_data(True)
    heading = {"en": "Send my answers to the research team",
               "es": "Enviar mis respuestas al equipo de investigación"}[lang]
    assert heading in results
    form = client.get("/screen/send/")
    html = form.get_data(True)
    assert form.status_code == 200 and f"<h1>{heading}</h1>" in html
    # The form says what is sent and who receives it; the answers stay on the server.
    assert {"en": "What is sent, and to whom", "es": "Qué se envía y a quién"}[lang] in html
    hidden = {el.attrs["name"] for el in _page(html).find_all("input")
              if el.attrs.get("type") == "hidden"}
    assert hidden == {"csrf_token", "shown_in"}
    assert not any(v in html for v in PROFILE_VALUES)
    # The preferred language defaults to the page's.
    assert _page(html).find("input", name="language", value=lang).attrs.get("checked") == ""
    shown = consent_shown(html)

    sent = client.post("/screen/send/", data=form_data(html, language=lang))
    assert sent.status_code == 302 and sent.location.endswith("/screen/send/done")
    done = client.get(sent.location).get_data(True)
    referral = one_referral(app)
    assert referral.reference in done
    if lang == "en":
        assert "Your answers were sent" in done
        assert "A member of the research team will contact you" in done
        assert "Nothing is decided yet" in done
    else:
        assert "Sus respuestas se enviaron" in done
        assert "Una persona del equipo de investigación se comunicará con usted" in done
        assert "Todavía no se ha decidido nada" in done

    # What was filed: the wizard's answers, the contact typed, the consent as shown.
    assert referral.source == "patient" and referral.status == "new"
    assert referral.language == lang
    assert referral.profile["location"]["zip"] == "11030"
    assert (referral.profile["diagnosis"], referral.profile["age"]) == ("b_all", {"years": 4})
    assert referral.contact == {**FAMILY, "best_time": "evening"}
    assert referral.consent_text == shown and referral.consent_version == "handoff-consent-v1"
    assert referral.consented_at is not None
    assert shown.startswith({"en": "I agree that my answers", "es": "Acepto que mis respuestas"}[
        lang])

    # The team's email: the link to the referral on the desk, nothing about the person.
    assert len(smtp.inbox.messages) == 1
    received = smtp.inbox.messages[0]
    assert received["to"] == ["team@trials.example.org", "lead@trials.example.org"]
    raw = received["raw"].decode("utf-8", "replace")
    email = message_from_bytes(received["raw"], policy=policy.default)
    assert email["Subject"] == "A new referral arrived"
    body = email.get_content()
    assert f"{PUBLIC}/staff/referrals/{referral.id}" in body
    assert "patient" in body
    with app.app_context():
        from screener.referrals.service import current_screening

        trial_ids = {r["trial"]["id"] for r in current_screening(
            db.session.get(Referral, referral.id)).results}
    assert trial_ids
    leaked = [v for v in (*FAMILY.values(), *FAMILY["name"].split(), *PROFILE_VALUES,
                          *trial_ids, referral.reference, shown[:30])
              if v.lower() in raw.lower()]
    assert leaked == []

    # No URL of the whole flow carries anything the family typed or answered.
    assert visited
    in_urls = [(v, u) for u in visited for v in (*FAMILY.values(), *PROFILE_VALUES)
               if v.lower() in u.lower()]
    assert in_urls == []
    with app.app_context():
        actions = [e.action for e in db.session.query(AuditEvent).order_by(AuditEvent.id)]
    assert actions == ["referral_created", "notify_sent"]


def test_mistakes_are_named_and_nothing_typed_is_lost(app, client, smtp):
    results_for(client)
    html = client.get("/screen/send/").get_data(True)

    wrong = client.post("/screen/send/", data=form_data(
        html, phone="12", email="zoraida at example", best_time="morning", language="es",
        consent=None))
    page = wrong.get_data(True)
    assert wrong.status_code == 200
    errors = [el.text for el in _page(page).find_all("p", class_="error")]
    assert any("Enter a phone number using digits" in e for e in errors), errors
    assert any("Enter an email address like name@example.com" in e for e in errors), errors
    assert any("Tick the box to agree" in e for e in errors), errors
    assert "There is a problem" in page
    # What was typed and chosen is on the page again.
    again = _page(page)
    assert again.find("input", name="name").attrs["value"] == FAMILY["name"]
    assert again.find("input", name="phone").attrs["value"] == "12"
    assert again.find("input", name="email").attrs["value"] == "zoraida at example"
    assert "checked" in again.find("input", name="language", value="es").attrs
    assert "checked" in again.find("input", name="best_time", value="morning").attrs

    nothing = client.post("/screen/send/", data=form_data(page, phone="", email="", name=""))
    errors = [el.text for el in _page(nothing.get_data(True)).find_all("p", class_="error")]
    assert any("Give a phone number or an email address (or both)" in e for e in errors)
    assert any("Enter your name" in e for e in errors)

    with app.app_context():
        assert db.session.query(Referral).count() == 0
    assert smtp.inbox.messages == []

    fixed = client.post("/screen/send/", data=form_data(page, phone="", email=FAMILY["email"]))
    assert fixed.status_code == 302
    assert one_referral(app).contact["phone"] is None


def test_a_refresh_or_a_second_tab_never_files_twice(app, client, smtp):
    results_for(client)
    html = client.get("/screen/send/").get_data(True)
    first = client.post("/screen/send/", data=form_data(html))
    again = client.post("/screen/send/", data=form_data(html))  # the browser re-posts
    assert first.location == again.location
    referral = one_referral(app)
    assert referral.reference in client.get("/screen/send/done").get_data(True)
    # The form now leads to the confirmation, and the results say it was sent.
    assert client.get("/screen/send/").location.endswith("/screen/send/done")
    results = client.get("/screen/results").get_data(True)
    assert f"Your reference: {referral.reference}" in results
    assert 'href="/screen/send/"' not in results
    assert len(smtp.inbox.messages) == 1


def test_a_double_click_files_one_referral(app, client, smtp):
    """Two posts of the same answers at the same moment (two clients, one cookie)."""
    results_for(client)
    html = client.get("/screen/send/").get_data(True)
    other = app.test_client()
    other.set_cookie("session", client.get_cookie("session").value)
    start = threading.Barrier(2)
    answers = {}

    def post(name, c):
        start.wait()
        answers[name] = c.post("/screen/send/", data=form_data(html))

    threads = [threading.Thread(target=post, args=(n, c)) for n, c in
               (("one", client), ("two", other))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert all(r.status_code == 302 for r in answers.values())
    referral = one_referral(app)
    for c in (client, other):
        assert referral.reference in c.get("/screen/send/done").get_data(True)


@pytest.fixture
def smtp_down():
    """An address where nothing listens."""
    return f"smtp://127.0.0.1:{free_port()}?from=desk@example.org&to=team@example.org"


def test_with_smtp_down_the_referral_is_filed_and_the_family_sees_the_confirmation(
        smtp_down, tmp_path, caplog):
    app = create_app({"TESTING": True, "SECRET_KEY": "t", "SCREENER_RATE_LIMITS": False,
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'down.db'}",
                      "SCREENER_SMTP_URL": smtp_down, "SCREENER_SMTP_TIMEOUT": 2})
    client = app.test_client()
    results_for(client)
    html = client.get("/screen/send/").get_data(True)
    with caplog.at_level(logging.DEBUG):
        sent = client.post("/screen/send/", data=form_data(html))
    assert sent.status_code == 302
    referral = one_referral(app)
    assert referral.reference in client.get(sent.location).get_data(True)
    with app.app_context():
        failed = db.session.query(AuditEvent).filter_by(action="notify_failed").one()
    assert failed.referral_id == referral.id and failed.detail["error"]
    assert "could not be sent" in caplog.text
    assert not [v for v in (*FAMILY.values(), *PROFILE_VALUES) if v in caplog.text]


def test_without_smtp_settings_no_email_is_tried(app, client, make_referral, monkeypatch):
    monkeypatch.setitem(app.config, "SCREENER_SMTP_URL", None)
    rid = make_referral()
    with app.test_request_context():
        assert notify.notify_new_referral(db.session.get(Referral, rid)) is None
        assert db.session.query(AuditEvent).filter(
            AuditEvent.action.like("notify%")).count() == 0


def test_physician_and_api_referrals_notify_the_same_way(app, smtp, make_referral):
    for source in ("physician", "api"):
        rid = make_referral("adult-second-relapse-after-car-t", source=source,
                            contact={"physician_name": "Dr Ottoline Marsh",
                                     "phone": "555-0199"}, note="Relapsed twice; CAR-T 2025")
        with app.test_request_context():
            assert notify.notify_new_referral(db.session.get(Referral, rid)) is True
        raw = smtp.inbox.messages[-1]["raw"].decode()
        assert f"{PUBLIC}/staff/referrals/{rid}" in raw
        assert not [v for v in ("Ottoline", "Marsh", "555-0199", "CAR-T", "Relapsed")
                    if v in raw]
    assert "physician" in smtp.inbox.messages[0]["raw"].decode()
    assert "API" in smtp.inbox.messages[1]["raw"].decode()


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")  # a local test server
def test_the_smtp_login_is_used(app, make_referral):
    """user:password in the URL signs in to the server (AUTH over the local server)."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.smtp import AuthResult

    logins = []

    def check(server, session, envelope, mechanism, auth_data):
        logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == b"s3cret:pw")

    inbox, port = Inbox(), free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, authenticator=check,
                            auth_require_tls=False, auth_required=True)
    controller.start()
    try:
        app.config["SCREENER_SMTP_URL"] = (f"smtp://desk%40example.org:s3cret%3Apw@127.0.0.1:"
                                           f"{port}?from=desk@example.org&to=team@example.org")
        rid = make_referral()
        with app.test_request_context():
            assert notify.notify_new_referral(db.session.get(Referral, rid)) is True
    finally:
        controller.stop()
    assert logins == [(b"desk@example.org", b"s3cret:pw")] and len(inbox.messages) == 1


@pytest.mark.parametrize(("url", "problem"), [
    ("http://mail.example.org?from=a@x.org&to=b@x.org", "must start with smtp:// or smtps://"),
    ("smtp://?from=a@x.org&to=b@x.org", "names no host"),
    ("smtp://mail.example.org?to=b@x.org", "needs ?from="),
    ("smtp://mail.example.org?from=a@x.org", "needs &to="),
    ("smtp://mail.example.org?from=a@x.org&to=b@x.org,nobody", "'nobody' in to="),
    ("smtps://mail.example.org?from=a@x.org&to=b@x.org&starttls=1", "starttls=1 is for smtp://"),
    ("smtp://u:secretpw@mail.example.org:notaport?from=a@x.org&to=b@x.org", "not a valid URL"),
])
def test_a_broken_smtp_url_is_named_at_start_up(url, problem, tmp_path):
    with pytest.raises(SmtpSettingsError, match=problem.replace("?", r"\?").replace("+", r"\+")
                       .replace(".", r"\.")) as caught:
        create_app({"TESTING": True, "SECRET_KEY": "t", "SCREENER_SMTP_URL": url,
                    "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.db'}"})
    assert "secretpw" not in str(caught.value)


def test_smtp_url_settings():
    s = parse_smtp_url("smtps://u%40x.org:p%2Fw@mail.example.org?from=a@x.org&to=b@x.org,c@x.org")
    assert (s.host, s.port, s.implicit_tls, s.starttls) == ("mail.example.org", 465, True, False)
    assert (s.username, s.password, s.recipients) == ("u@x.org", "p/w", ("b@x.org", "c@x.org"))
    s = parse_smtp_url("smtp://mail.example.org:587?from=a@x.org&to=b@x.org&starttls=1")
    assert (s.port, s.starttls, s.username) == (587, True, None)


def test_the_form_needs_the_results_first(app, client):
    """Without answers there is nothing to send: the form leads to the wizard's start."""
    assert client.get("/screen/send/").location.endswith("/screen/")
    assert client.get("/screen/send/done").location.endswith("/screen/")
    page = client.get("/screen/")
    refused = client.post("/screen/send/", data={"csrf_token": csrf_token(page.get_data(True)),
                                                 **FAMILY, "consent": "y"})
    assert refused.status_code == 302
    with app.app_context():
        assert db.session.query(Referral).count() == 0


def test_the_form_is_rate_limited_like_the_other_forms(tmp_path):
    app = create_app({"TESTING": True, "SECRET_KEY": "t", "SCREENER_RATE_LIMITS": True,
                      "SCREENER_HANDOFF_RATE_LIMIT": "2 per hour",
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'r.db'}"})
    client = app.test_client()
    results_for(client)
    html = client.get("/screen/send/").get_data(True)
    codes = [client.post("/screen/send/", data=form_data(html, consent=None)).status_code
             for _ in range(3)]
    assert codes == [200, 200, 429]


def test_every_hand_off_string_has_spanish():
    from babel.messages.extract import extract_from_dir
    from babel.messages.pofile import read_po

    root = Path(__file__).resolve().parents[2]
    with (root / "screener/translations/es/LC_MESSAGES/messages.po").open("rb") as fh:
        catalog = read_po(fh)
    method_map = [("screener/referrals/handoff.py", "python"),
                  ("templates/handoff/**.html", "jinja2")]
    found = [m for _f, _l, m, _c, _x in extract_from_dir(
        str(root), method_map, keywords={"_": None, "_l": None, "gettext": None})]
    assert len(found) > 30
    assert [m for m in found if not (catalog.get(m) and catalog.get(m).string)] == []


def test_the_consent_text_is_the_one_of_the_language_it_was_shown_in(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        english, spanish = handoff.consent_text("en"), handoff.consent_text("es")
        assert english != spanish and spanish.startswith("Acepto")
        # and rendering the Spanish one left this English request in English
        from screener.i18n import gettext

        assert gettext("Your name") == "Your name"
